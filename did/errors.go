package did

import (
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/internal/multikey"
)

var (
	// ErrInvalidDID: the string is not a DID (or DID URL) per DID Core.
	ErrInvalidDID = errors.New("did: invalid DID")
	// ErrMethodNotSupported: no resolver for the DID's method.
	ErrMethodNotSupported = errors.New("did: method not supported")
	// ErrNotFound: the DID or the verification method does not exist.
	ErrNotFound = errors.New("did: not found")
	// ErrNotAuthorized: the verification method is not listed under the
	// requested verification relationship.
	ErrNotAuthorized = errors.New("did: verification method not authorized for this relationship")
	// ErrInvalidDocument: the DID document is malformed.
	ErrInvalidDocument = errors.New("did: invalid DID document")
	// errInvalidKey: a verification method's key material is malformed.
	errInvalidKey = errors.New("did: invalid key material")
	// ErrSmallOrderKey: an Ed25519 public key is one of the eight points
	// of small order (the identity among them), with which one constant
	// signature verifies for every message. Wrapped with ErrInvalidKey
	// (verification methods, JWKs) or ErrInvalidDID (did:key, did:jwk).
	ErrSmallOrderKey = multikey.ErrSmallOrder
	// ErrPrivateKeyMaterial: a JWK that must be public has a member that
	// carries private key material (d, p, q, dp, dq, qi, oth, k), in any
	// letter case.
	ErrPrivateKeyMaterial = errors.New("did: JWK contains private key members")
)

// DID Resolution error codes (https://www.w3.org/TR/did-resolution/).
const (
	CodeInvalidDID            = "invalidDid"
	CodeNotFound              = "notFound"
	codeMethodNotSupported    = "methodNotSupported"
	CodeInvalidDIDDocument    = "invalidDidDocument"
	codeInternalError         = "internalError"
	codeInvalidDIDURL         = "invalidDidUrl"
	codeRepresentationUnknown = "representationNotSupported"
)

// ResolutionError reports a failed resolution with its DID Resolution
// error code.
type ResolutionError struct {
	DID  string
	Code string
	Err  error
}

func (e *ResolutionError) Error() string {
	return fmt.Sprintf("did: resolving %s: %s: %v", e.DID, e.Code, e.Err)
}

// Unwrap returns the cause.
func (e *ResolutionError) Unwrap() error { return e.Err }
