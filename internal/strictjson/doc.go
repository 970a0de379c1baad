// Package strictjson reads untrusted JSON strictly: exactly one value,
// valid UTF-8, no duplicate object member names, bounded size and nesting.
//
// encoding/json accepts duplicate member names (the last one wins), invalid
// UTF-8 and unpaired UTF-16 surrogate escapes (both replaced with U+FFFD).
// Other readers of the same bytes keep the first duplicate, or keep the
// lone surrogate, so two programs can see two different documents behind
// one signature. A verifier must see exactly one meaning, so all of these
// are errors here, reported as an [*Error] carrying the JSON Pointer and
// byte offset where they occur and wrapping one of [ErrSyntax],
// [ErrDuplicateKey], [ErrTooDeep] or [ErrTooLarge].
//
// [Check] only validates; [Decode] validates and builds generic values in
// the same single pass; [Unmarshal] validates and then hands the bytes to
// encoding/json.
//
// # Security considerations
//
// Size is checked before anything is read, and nesting is tracked without
// recursion beyond [Limits.MaxDepth] levels, so hostile input costs at most
// linear time and memory proportional to its length. Member names are
// compared after unescaping ("a" and "\u0061" are the same name) and
// case-sensitively. [Unmarshal] inherits encoding/json's case-insensitive
// matching of member names to struct fields: use [Decode] where a
// differently-cased name must not be read as a known field.
//
// # Offline use
//
// Pure functions; no I/O and no global state.
//
// # Compatibility
//
// For every input this package accepts, [Decode] returns exactly what
// encoding/json.Unmarshal into an `any` returns: map[string]any, []any,
// string, float64 (parsed with strconv.ParseFloat; out-of-range numbers are
// errors in both), bool and nil. It accepts a strict subset of what
// encoding/json accepts. Whitespace is the four JSON whitespace bytes only; a
// leading byte order mark is a syntax error, as in encoding/json.
package strictjson
