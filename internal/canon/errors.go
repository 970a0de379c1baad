package canon

import (
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/internal/rdfc"
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
	// ErrInvalidIRI is wrapped when an IRI is not a valid absolute IRI
	// (RFC 3987) or holds characters canonical N-Quads cannot carry.
	ErrInvalidIRI = errors.New("canon: invalid IRI")
	// ErrUnsafePredicate is wrapped when a property maps to a blank node,
	// which RDF cannot express and JSON-LD would drop.
	ErrUnsafePredicate = errors.New("canon: blank node predicate")
	// ErrUnsafeLanguage is wrapped for an ill-formed language tag, which
	// JSON-LD would drop.
	ErrUnsafeLanguage = errors.New("canon: ill-formed language tag")
	// ErrUnsafeDirection is wrapped for a base direction that cannot be
	// signed: a value's @direction other than "ltr" or "rtl", or on a
	// non-string or typed value, and two values of one node's property
	// that differ only in direction (JSON-LD processors merge them). A
	// well-formed direction, the value's own or its term's or context's
	// default, is signed in its literal's i18n datatype.
	ErrUnsafeDirection = errors.New("canon: base direction cannot be signed")
	// ErrNotCompacted is wrapped when the document is not in the compacted
	// form of its contexts: a member spelled other than by the term its
	// contexts define for it (an IRI, a compact IRI, an alias), a keyword
	// where the data model has none (@graph, @included, @reverse, @nest,
	// ...), a null, a compact IRI or blank node identifier as an @id.
	// Such spellings leave the signed graph unchanged while a reader of
	// the JSON sees another document.
	ErrNotCompacted = errors.New("canon: not in the compacted form of its contexts")
	// ErrAlias is wrapped (with ErrNotCompacted) when a member or type is
	// a second name, defined by the document, for an IRI its contexts
	// already name, or a redefinition of a term of the pinned contexts.
	ErrAlias = errors.New("canon: second name for a defined term")
	// ErrUnsupported is wrapped when the document uses a JSON-LD feature
	// the canonicalizer does not process (a @reverse, @nest or @index
	// term, a language or index map, @base, ...).
	ErrUnsupported = errors.New("canon: unsupported JSON-LD feature")
	// ErrContext is wrapped when a @context cannot be processed: an
	// unknown URL, a redefined protected term, a malformed definition.
	ErrContext = errors.New("canon: invalid @context")
	// ErrTooMuchWork is rdfc.ErrTooMuchWork: a document over a work
	// budget (context processing here, Hash N-Degree Quads in rdfc).
	ErrTooMuchWork = rdfc.ErrTooMuchWork
	// ErrUnsupportedHash is returned for a hash RDFC-1.0 is not used with.
	ErrUnsupportedHash = errors.New("canon: unsupported hash")
)

// UnsafeError reports a safe-mode violation at a JSON Pointer in the input.
type UnsafeError struct {
	// Pointer is the JSON Pointer (RFC 6901) of the offending member or
	// value in the input document, e.g. "/credentialSubject/foo".
	Pointer string
	// Term is the member name or value at fault (for ErrContext, what
	// context processing reported).
	Term string
	// Kind is the sentinel of the violation: ErrUndefinedTerm,
	// ErrRelativeIRI, ErrInvalidIRI, ErrNotCompacted, ErrAlias,
	// ErrUnsupported, ErrContext, ErrUnsafePredicate, ErrUnsafeLanguage or
	// ErrUnsafeDirection.
	Kind error

	why   string // detail for the message
	cause error  // for ErrContext: the underlying error
}

func (e *UnsafeError) Error() string {
	at := pointerOrRoot(e.Pointer)
	suffix := ""
	if e.why != "" {
		suffix = ": " + e.why
	}
	switch e.Kind {
	case ErrUndefinedTerm:
		if e.why != "" {
			return fmt.Sprintf("canon: undefined term %q at %s%s", e.Term, at, suffix)
		}
		return fmt.Sprintf("canon: undefined term %q at %s: the document's contexts do not define it, so a signature would not cover it", e.Term, at)
	case ErrRelativeIRI:
		return fmt.Sprintf("canon: relative IRI %q at %s: JSON-LD processing would drop or rewrite it", e.Term, at)
	case ErrInvalidIRI:
		return fmt.Sprintf("canon: invalid IRI %q at %s: not an absolute IRI (RFC 3987) that N-Quads can carry", e.Term, at)
	case ErrNotCompacted:
		return fmt.Sprintf("canon: %q at %s is not in the compacted form of the document's contexts%s", e.Term, at, suffix)
	case ErrAlias:
		return fmt.Sprintf("canon: %q at %s is not the name the pinned contexts give it%s", e.Term, at, suffix)
	case ErrUnsupported:
		return fmt.Sprintf("canon: %q at %s uses a JSON-LD feature microcred does not process%s", e.Term, at, suffix)
	case ErrContext:
		return fmt.Sprintf("canon: invalid @context at %s: %s", at, e.Term)
	case ErrUnsafeDirection:
		if e.why != "" {
			return fmt.Sprintf("%v: %q at %s: %s", e.Kind, e.Term, at, e.why)
		}
		return fmt.Sprintf("%v: %q at %s", e.Kind, e.Term, at)
	case ErrUnsafePredicate, ErrUnsafeLanguage:
		return fmt.Sprintf("%v: %q at %s: RDF conversion would drop it", e.Kind, e.Term, at)
	}
	return fmt.Sprintf("canon: unsafe value %q at %s%s", e.Term, at, suffix)
}

// Unwrap returns ErrUnsafe, the specific kind (an alias also wraps
// ErrNotCompacted) and, for a context error, its cause.
func (e *UnsafeError) Unwrap() []error {
	errs := []error{ErrUnsafe, e.Kind}
	if e.Kind == ErrAlias {
		errs = append(errs, ErrNotCompacted)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/ (document root)"
	}
	return p
}

// at prefixes the pointer of a walker error with one more token, as the
// error travels up from the value that caused it.
func at(err error, token string) error {
	if ue, ok := err.(*UnsafeError); ok {
		ue.Pointer = "/" + escapePointer(token) + ue.Pointer
	}
	return err
}
