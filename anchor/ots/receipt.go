package ots

import (
	"fmt"

	"github.com/onchaincert/microcred/anchor"
)

// VerifyReceipt grades a batch receipt whose root was stamped with
// OpenTimestamps: the receipt must reach L0 for leaf (see
// [anchor.Receipt.Verify]; its own anchors are graded there and ignored
// here), and proof must be a timestamp of the receipt's root, which is
// then verified with [Proof.Verify].
//
// The root is the 32-byte digest the proof starts from, as `ots stamp`
// writes it for a file whose SHA-256 is the root; the file hash op is not
// otherwise checked. Errors are those of [anchor.Receipt.Verify], [Parse] and
// [Proof.Verify].
func VerifyReceipt(r *anchor.Receipt, leaf, proof []byte, opts VerifyOptions) (*Result, error) {
	if _, err := r.Verify(anchor.VerifyOptions{Leaf: leaf}); err != nil {
		return &Result{Attestation: -1, Reason: err}, fmt.Errorf("verifying receipt: %w", err)
	}
	return verify(proof, r.Root, opts)
}
