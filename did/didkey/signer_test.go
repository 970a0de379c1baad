package didkey_test

import (
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
)

// didkey does not import proof (internal/archtest checks the import
// graph); the key stays a proof.Signer by its method set alone.
var _ proof.Signer = (*didkey.Key)(nil)
