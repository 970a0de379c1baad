package canon

import (
	"errors"
	"fmt"
)

var (
	// ErrUnsafe is wrapped by every safe-mode violation.
	ErrUnsafe = errors.New("canon: document is not safe to canonicalize")
	// ErrUndefinedTerm is wrapped when a member or type is not defined by
	// the document's contexts.
	ErrUndefinedTerm = errors.New("canon: undefined term")
	// ErrRelativeIRI is wrapped when an @id, @type or datatype is not an
	// absolute IRI.
	ErrRelativeIRI = errors.New("canon: relative IRI")
	// ErrUnsafePredicate is wrapped when a property maps to a blank node,
	// which RDF cannot express and JSON-LD would drop.
	ErrUnsafePredicate = errors.New("canon: blank node predicate")
	// ErrUnsafeLanguage is wrapped for an ill-formed language tag, which
	// JSON-LD would drop.
	ErrUnsafeLanguage = errors.New("canon: ill-formed language tag")
	// ErrUnsafeDirection is wrapped for a value with a base direction
	// (@direction), which standard RDF conversion drops.
	ErrUnsafeDirection = errors.New("canon: base direction would not be signed")
	// ErrUnsupportedHash is returned for a hash RDFC-1.0 is not used with.
	ErrUnsupportedHash = errors.New("canon: unsupported hash")
)

// UnsafeError reports a safe-mode violation at a JSON Pointer in the input.
type UnsafeError struct {
	// Pointer is the JSON Pointer (RFC 6901) of the offending member or
	// value in the input document, e.g. "/credentialSubject/foo".
	Pointer string
	// Term is the member name or value at fault.
	Term string
	// Kind is ErrUndefinedTerm or ErrRelativeIRI.
	Kind error
}

func (e *UnsafeError) Error() string {
	switch e.Kind {
	case ErrUndefinedTerm:
		return fmt.Sprintf("canon: undefined term %q at %s: the document's contexts do not define it, so a signature would not cover it", e.Term, pointerOrRoot(e.Pointer))
	case ErrRelativeIRI:
		return fmt.Sprintf("canon: relative IRI %q at %s: JSON-LD processing would drop or rewrite it", e.Term, pointerOrRoot(e.Pointer))
	case ErrUnsafePredicate, ErrUnsafeLanguage, ErrUnsafeDirection:
		return fmt.Sprintf("%v: %q at %s: RDF conversion would drop it", e.Kind, e.Term, pointerOrRoot(e.Pointer))
	}
	return fmt.Sprintf("canon: unsafe value %q at %s", e.Term, pointerOrRoot(e.Pointer))
}

// Unwrap returns ErrUnsafe and the specific kind.
func (e *UnsafeError) Unwrap() []error { return []error{ErrUnsafe, e.Kind} }

func pointerOrRoot(p string) string {
	if p == "" {
		return "/ (document root)"
	}
	return p
}
