package didjwk_test

import (
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
)

// didjwk does not import proof (internal/archtest checks the import
// graph); its keys stay proof.Signers by their method sets alone, and any
// proof.Signer is a didjwk.Key.
var (
	_ proof.Signer = (*didjwk.RSAKey)(nil)
	_ proof.Signer = (*didjwk.Signer)(nil)
	_ didjwk.Key   = proof.Signer(nil)
	_ didjwk.Key   = (*didkey.Key)(nil)
)
