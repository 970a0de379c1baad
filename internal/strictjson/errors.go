package strictjson

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrSyntax is wrapped by errors for input that is not one well-formed
	// JSON value in valid UTF-8.
	ErrSyntax = errors.New("strictjson: syntax error")
	// ErrDuplicateKey is wrapped by errors for an object that has the same
	// member name twice (compared after unescaping, case-sensitively).
	ErrDuplicateKey = errors.New("strictjson: duplicate key")
	// ErrTooDeep is wrapped by errors for nesting deeper than
	// Limits.MaxDepth.
	ErrTooDeep = errors.New("strictjson: nesting too deep")
	// ErrTooLarge is wrapped by errors for input longer than
	// Limits.MaxBytes.
	ErrTooLarge = errors.New("strictjson: input too large")
)

// Error reports where and why input was refused.
type Error struct {
	// Pointer is the RFC 6901 JSON Pointer of the value being read when
	// the error was found; for a duplicate key, that of the object holding
	// it. The empty string is the whole document.
	Pointer string
	// Offset is the byte offset in the input.
	Offset int64
	// Reason describes the problem, e.g. `duplicate key "id"`.
	Reason string
	// Kind is ErrSyntax, ErrDuplicateKey, ErrTooDeep or ErrTooLarge.
	Kind error
}

func (e *Error) Error() string {
	at := e.Pointer
	if at == "" {
		at = "the top level"
	}
	return fmt.Sprintf("strictjson: %s at %s (offset %d)", e.Reason, at, e.Offset)
}

// Unwrap returns Kind, so errors.Is(err, ErrDuplicateKey) works.
func (e *Error) Unwrap() error { return e.Kind }

// escapeToken escapes one JSON Pointer reference token (RFC 6901 §3).
func escapeToken(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}
