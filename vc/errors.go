package vc

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidCredential is wrapped by every credential parsing error.
	ErrInvalidCredential = errors.New("vc: invalid credential")
	// ErrInvalidPresentation is wrapped by every presentation parsing error.
	ErrInvalidPresentation = errors.New("vc: invalid presentation")
)

// FieldError names the member of a credential or presentation at fault.
type FieldError struct {
	Field string
	Err   error
	kind  error
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%v: %s: %v", e.kind, e.Field, e.Err)
}

// Unwrap returns the kind (ErrInvalidCredential or ErrInvalidPresentation)
// and the cause.
func (e *FieldError) Unwrap() []error { return []error{e.kind, e.Err} }
