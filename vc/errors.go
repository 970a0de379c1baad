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
