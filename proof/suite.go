package proof

import (
	"context"
	"crypto"
)

// Suite is one Data Integrity cryptosuite: how a document and a proof
// configuration become the bytes a key signs, and how the proof value
// encodes the signature.
//
// Documents and proofs are generic JSON values (map[string]any, []any,
// string, float64, bool, nil), decoded from the exact bytes received.
// Suites must not modify them.
type Suite interface {
	// Type is the proof type, e.g. "DataIntegrityProof".
	Type() string
	// Cryptosuite is the cryptosuite identifier, e.g. "eddsa-rdfc-2022";
	// empty for suites that have none (legacy proof types).
	Cryptosuite() string
	// CreateProof completes options (the proof without proofValue) into a
	// proof over unsecured, signing with signer. It returns the proof
	// object to attach.
	CreateProof(ctx context.Context, unsecured map[string]any, options map[string]any, signer Signer) (map[string]any, error)
	// VerifyProof checks proof (including its proofValue) over unsecured
	// with key. It returns an error wrapping ErrInvalidSignature if the
	// signature does not verify.
	VerifyProof(unsecured map[string]any, proof map[string]any, key crypto.PublicKey) error
}

// LegacyNamer is implemented by a Suite that also verifies proofs carrying
// an earlier name of its cryptosuite, one that named the same algorithm
// before the specification renamed it (eddsa-rdfc-2022 verifies
// "eddsa-2022"). [Verify] accepts such a proof with that suite and records
// the suite in [ProofResult]; [Sign] never writes those names.
type LegacyNamer interface {
	// LegacyCryptosuites returns the earlier names.
	LegacyCryptosuites() []string
}
