package vc

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidCredential is wrapped by every ParseCredential error.
	ErrInvalidCredential = errors.New("vc: invalid credential")
	// ErrInvalidPresentation is wrapped by every ParsePresentation error.
	ErrInvalidPresentation = errors.New("vc: invalid presentation")
	// ErrExpired: the credential's validUntil (expirationDate, a JWT's
	// exp, an OB 2.0 assertion's expires) has passed. Every package of
	// the module that checks validity wraps this one error.
	ErrExpired = errors.New("vc: credential expired")
	// ErrNotYetValid: the credential's validFrom (issuanceDate, a JWT's
	// nbf or iat, an OB 2.0 assertion's issuedOn) is in the future.
	ErrNotYetValid = errors.New("vc: credential not yet valid")
)

// FieldError names the member of a credential or presentation at fault.
type FieldError struct {
	// Field is the member, e.g. "issuer", "issuer.id" or
	// "credentialSubject[1]".
	Field string
	// Err says what is wrong with it.
	Err error
	// kind is ErrInvalidCredential or ErrInvalidPresentation.
	kind error
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("vc: invalid %s: %v", e.Field, e.Err)
}

// Unwrap returns ErrInvalidCredential or ErrInvalidPresentation, and Err.
func (e *FieldError) Unwrap() []error { return []error{e.kind, e.Err} }
