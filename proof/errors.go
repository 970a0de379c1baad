package proof

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidSignature: the signature does not verify over the document.
	ErrInvalidSignature = errors.New("proof: invalid signature")
	// ErrPurposeMismatch: the proof's purpose is not the one the verifier
	// expects, or the key is not authorized for it.
	ErrPurposeMismatch = errors.New("proof: proof purpose mismatch")
	// ErrNoProof: the document carries no proof.
	ErrNoProof = errors.New("proof: document has no proof")
	// ErrMalformedProof: a proof member is missing or has the wrong form.
	ErrMalformedProof = errors.New("proof: malformed proof")
	// ErrNoVerifiedProof: no proof of the document verified.
	ErrNoVerifiedProof = errors.New("proof: no proof verified")
	// ErrChallengeMismatch: the proof's challenge is missing or differs.
	ErrChallengeMismatch = errors.New("proof: challenge mismatch")
	// ErrDomainMismatch: the proof's domain is missing or differs.
	ErrDomainMismatch = errors.New("proof: domain mismatch")
	// ErrProofExpired: the proof's expires time has passed.
	ErrProofExpired = errors.New("proof: proof expired")
	// ErrCreatedInFuture: the proof claims to be created after now.
	ErrCreatedInFuture = errors.New("proof: proof created in the future")
	// ErrWrongKeyType: the verification method's key does not fit the suite.
	ErrWrongKeyType = errors.New("proof: key type does not match the cryptosuite")
	// ErrMissingPreviousProof: a proof chain names a proof the document lacks.
	ErrMissingPreviousProof = errors.New("proof: previous proof not found")
	// errSignerKeyMismatch: a crypto.Signer adapted by NewSigner returned a
	// signature its own public key does not verify (another key, or a
	// faulty signer).
	errSignerKeyMismatch = errors.New("proof: the signature does not verify with the signer's public key")
)

// UnexpectedCryptosuiteError reports a proof whose type and cryptosuite are
// not among the verifier's configured suites.
type UnexpectedCryptosuiteError struct {
	Type string
	Got  string
}

func (e *UnexpectedCryptosuiteError) Error() string {
	if e.Got == "" {
		return fmt.Sprintf("proof: unexpected proof type %q", e.Type)
	}
	return fmt.Sprintf("proof: unexpected cryptosuite %q (type %q)", e.Got, e.Type)
}

// FieldError reports a malformed proof member.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return fmt.Sprintf("proof: %s: %v", e.Field, e.Err) }

// Unwrap returns ErrMalformedProof and the cause.
func (e *FieldError) Unwrap() []error { return []error{ErrMalformedProof, e.Err} }
