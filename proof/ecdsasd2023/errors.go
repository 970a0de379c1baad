package ecdsasd2023

import (
	"errors"
	"fmt"
)

var (
	// ErrBaseProof: a base proof was presented to a verifier. Only derived
	// proofs verify; the holder must first run [Suite.Derive].
	ErrBaseProof = errors.New("ecdsasd2023: this is a base proof, which only the holder may use; a verifier accepts only a derived proof (see Suite.Derive)")
	// errDerivedProof: a derived proof was given where a base proof is
	// needed (deriving from a derived proof is not possible).
	errDerivedProof = errors.New("ecdsasd2023: this is a derived proof; a base proof is needed")
	// errMalformedProofValue: the proofValue is not a well-formed
	// ecdsa-sd-2023 base or derived proof value.
	errMalformedProofValue = errors.New("ecdsasd2023: malformed proofValue")
	// errNoBaseProof: the document given to Derive has no ecdsa-sd-2023
	// proof.
	errNoBaseProof = errors.New("ecdsasd2023: document has no ecdsa-sd-2023 base proof")
	// errPointer: a JSON Pointer is malformed or selects nothing in the
	// document.
	errPointer = errors.New("ecdsasd2023: JSON pointer does not select a value")
	// errUnsupportedDocument: the document uses a JSON-LD feature this
	// implementation does not skolemize (graph objects, blank nodes that
	// cannot be related to a JSON object).
	errUnsupportedDocument = errors.New("ecdsasd2023: unsupported document structure")
	// errLabelMap: the derived proof's label map does not cover the
	// document's blank nodes.
	errLabelMap = errors.New("ecdsasd2023: label map does not match the document")
)

// pointerError reports a JSON Pointer that is malformed or that selects
// nothing.
type pointerError struct {
	Pointer string
	Reason  string
}

func (e *pointerError) Error() string {
	return fmt.Sprintf("ecdsasd2023: JSON pointer %q: %s", e.Pointer, e.Reason)
}

// Unwrap returns ErrPointer.
func (e *pointerError) Unwrap() error { return errPointer }

// malformed returns an error wrapping ErrMalformedProofValue.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformedProofValue, fmt.Sprintf(format, args...))
}
