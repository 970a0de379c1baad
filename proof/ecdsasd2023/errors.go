package ecdsasd2023

import (
	"errors"
	"fmt"
)

var (
	// ErrBaseProof: a base proof was presented to a verifier. Only derived
	// proofs verify; the holder must first run [Suite.Derive].
	ErrBaseProof = errors.New("ecdsasd2023: this is a base proof, which only the holder may use; a verifier accepts only a derived proof (see Suite.Derive)")
	// ErrDerivedProof: a derived proof was given where a base proof is
	// needed (deriving from a derived proof is not possible).
	ErrDerivedProof = errors.New("ecdsasd2023: this is a derived proof; a base proof is needed")
	// ErrMalformedProofValue: the proofValue is not a well-formed
	// ecdsa-sd-2023 base or derived proof value.
	ErrMalformedProofValue = errors.New("ecdsasd2023: malformed proofValue")
	// ErrNoBaseProof: the document given to Derive has no ecdsa-sd-2023
	// proof.
	ErrNoBaseProof = errors.New("ecdsasd2023: document has no ecdsa-sd-2023 base proof")
	// ErrPointer: a JSON Pointer is malformed or selects nothing in the
	// document.
	ErrPointer = errors.New("ecdsasd2023: JSON pointer does not select a value")
	// ErrUnsupportedDocument: the document uses a JSON-LD feature this
	// implementation does not skolemize (graph objects, blank nodes that
	// cannot be related to a JSON object).
	ErrUnsupportedDocument = errors.New("ecdsasd2023: unsupported document structure")
	// ErrLabelMap: the derived proof's label map does not cover the
	// document's blank nodes.
	ErrLabelMap = errors.New("ecdsasd2023: label map does not match the document")
)

// PointerError reports a JSON Pointer that is malformed or that selects
// nothing.
type PointerError struct {
	Pointer string
	Reason  string
}

func (e *PointerError) Error() string {
	return fmt.Sprintf("ecdsasd2023: JSON pointer %q: %s", e.Pointer, e.Reason)
}

// Unwrap returns ErrPointer.
func (e *PointerError) Unwrap() error { return ErrPointer }

// malformed returns an error wrapping ErrMalformedProofValue.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedProofValue, fmt.Sprintf(format, args...))
}
