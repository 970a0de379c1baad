// Package strictjson decodes untrusted JSON strictly: one value, valid
// UTF-8, no duplicate object keys, bounded size and depth.
//
// encoding/json accepts duplicate keys (the last wins) and invalid UTF-8
// (replaced), which lets two readers of the same bytes see different
// documents. A verifier must see exactly one meaning, so these are errors
// here, reported with the JSON Pointer where they occur.
//
// # Security considerations
//
// Decode is a single pass with no recursion limit other than Limits.MaxDepth
// and no allocation beyond the size of the input.
//
// # Offline use
//
// Pure function; no I/O.
//
// # Compatibility
//
// Values are those encoding/json produces for `any`: map[string]any, []any,
// string, float64, bool and nil; numbers parse with strconv.ParseFloat as
// encoding/json does.
package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/onchaincert/microcred/internal/limits"
)

var (
	ErrSyntax       = errors.New("strictjson: syntax error")
	ErrDuplicateKey = errors.New("strictjson: duplicate key")
	ErrTooDeep      = errors.New("strictjson: nesting too deep")
	ErrTooLarge     = errors.New("strictjson: input too large")
)

// Limits bound the input. Zero fields take the defaults from
// internal/limits.
type Limits struct {
	MaxBytes int
	MaxDepth int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = limits.MaxCredentialBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = limits.MaxDepth
	}
	return l
}

// Error reports where and why the input was refused.
type Error struct {
	// Pointer is the JSON Pointer of the enclosing value.
	Pointer string
	// Offset is the byte offset in the input.
	Offset int
	Reason string
	Kind   error
}

func (e *Error) Error() string {
	p := e.Pointer
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("%v: %s at %s (byte %d)", e.Kind, e.Reason, p, e.Offset)
}

// Unwrap returns the kind: ErrSyntax, ErrDuplicateKey, ErrTooDeep or
// ErrTooLarge.
func (e *Error) Unwrap() error { return e.Kind }

// Check validates data without building values.
func Check(data []byte, l Limits) error {
	_, err := Decode(data, l)
	return err
}

// Decode validates data and returns its value as generic Go values.
func Decode(data []byte, l Limits) (any, error) {
	l = l.withDefaults()
	if len(data) > l.MaxBytes {
		return nil, &Error{Offset: l.MaxBytes, Reason: fmt.Sprintf("%d bytes, limit %d", len(data), l.MaxBytes), Kind: ErrTooLarge}
	}
	d := &decoder{data: data, maxDepth: l.MaxDepth}
	d.skipSpace()
	v, err := d.value(0, "")
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, d.errorf("", ErrSyntax, "data after the top-level value")
	}
	return v, nil
}

type decoder struct {
	data     []byte
	pos      int
	maxDepth int
	// path holds the member names and indexes leading to the current
	// value; the JSON Pointer is only built for an error.
	path []string
}

func (d *decoder) errorf(_ string, kind error, format string, args ...any) error {
	var b strings.Builder
	for _, tok := range d.path {
		b.WriteByte('/')
		b.WriteString(escape(tok))
	}
	return &Error{Pointer: b.String(), Offset: d.pos, Reason: fmt.Sprintf(format, args...), Kind: kind}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int, ptr string) (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.errorf(ptr, ErrSyntax, "unexpected end of input")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		if depth >= d.maxDepth {
			return nil, d.errorf(ptr, ErrTooDeep, "more than %d levels", d.maxDepth)
		}
		return d.object(depth+1, ptr)
	case c == '[':
		if depth >= d.maxDepth {
			return nil, d.errorf(ptr, ErrTooDeep, "more than %d levels", d.maxDepth)
		}
		return d.array(depth+1, ptr)
	case c == '"':
		return d.str(ptr)
	case c == 't':
		return true, d.literal(ptr, "true")
	case c == 'f':
		return false, d.literal(ptr, "false")
	case c == 'n':
		return nil, d.literal(ptr, "null")
	case c == '-' || ('0' <= c && c <= '9'):
		return d.number(ptr)
	default:
		return nil, d.errorf(ptr, ErrSyntax, "unexpected character %q", c)
	}
}

func (d *decoder) literal(ptr, word string) error {
	if !strings.HasPrefix(string(d.data[d.pos:min(len(d.data), d.pos+len(word))]), word) {
		return d.errorf(ptr, ErrSyntax, "invalid literal")
	}
	d.pos += len(word)
	return nil
}

func (d *decoder) object(depth int, ptr string) (any, error) {
	d.pos++ // {
	m := make(map[string]any)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m, nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.errorf(ptr, ErrSyntax, "expected a member name")
		}
		keyStart := d.pos
		kv, err := d.str(ptr)
		if err != nil {
			return nil, err
		}
		key := kv.(string)
		if _, dup := m[key]; dup {
			d.pos = keyStart
			return nil, d.errorf(ptr, ErrDuplicateKey, "member %q appears twice", key)
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.errorf(ptr, ErrSyntax, "expected ':' after member name")
		}
		d.pos++
		d.skipSpace()
		d.path = append(d.path, key)
		v, err := d.value(depth, "")
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
		m[key] = v
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf(ptr, ErrSyntax, "unexpected end of input in object")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return m, nil
		default:
			return nil, d.errorf(ptr, ErrSyntax, "expected ',' or '}' in object")
		}
	}
}

func (d *decoder) array(depth int, ptr string) (any, error) {
	d.pos++ // [
	a := make([]any, 0)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, nil
	}
	for {
		d.skipSpace()
		d.path = append(d.path, strconv.Itoa(len(a)))
		v, err := d.value(depth, "")
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
		a = append(a, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf(ptr, ErrSyntax, "unexpected end of input in array")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return a, nil
		default:
			return nil, d.errorf(ptr, ErrSyntax, "expected ',' or ']' in array")
		}
	}
}

// str reads a JSON string; invalid UTF-8 and unpaired surrogate escapes
// are errors (encoding/json would replace them with U+FFFD).
func (d *decoder) str(ptr string) (any, error) {
	d.pos++ // opening quote
	start := d.pos
	// Fast path: no escapes.
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c == '"' {
			s := d.data[start:d.pos]
			if !utf8.Valid(s) {
				return nil, d.errorf(ptr, ErrSyntax, "invalid UTF-8 in string")
			}
			d.pos++
			return string(s), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return nil, d.errorf(ptr, ErrSyntax, "control character in string")
		}
		d.pos++
	}
	var b strings.Builder
	b.Write(d.data[start:d.pos])
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			s := b.String()
			if !utf8.ValidString(s) {
				return nil, d.errorf(ptr, ErrSyntax, "invalid UTF-8 in string")
			}
			return s, nil
		case c < 0x20:
			return nil, d.errorf(ptr, ErrSyntax, "control character in string")
		case c != '\\':
			b.WriteByte(c)
			d.pos++
			continue
		}
		d.pos++
		if d.pos >= len(d.data) {
			break
		}
		e := d.data[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return nil, d.errorf(ptr, ErrSyntax, "invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if r >= 0xDC00 || d.pos+1 >= len(d.data) || d.data[d.pos] != '\\' || d.data[d.pos+1] != 'u' {
					return nil, d.errorf(ptr, ErrSyntax, "unpaired surrogate in \\u escape")
				}
				d.pos += 2
				r2, ok := d.hex4()
				if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
					return nil, d.errorf(ptr, ErrSyntax, "unpaired surrogate in \\u escape")
				}
				r = utf16.DecodeRune(r, r2)
			}
			b.WriteRune(r)
		default:
			return nil, d.errorf(ptr, ErrSyntax, "invalid escape \\%c", e)
		}
	}
	return nil, d.errorf(ptr, ErrSyntax, "unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		r <<= 4
		switch {
		case '0' <= c && c <= '9':
			r |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			r |= rune(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	d.pos += 4
	return r, true
}

// number reads a JSON number with the grammar of RFC 8259.
func (d *decoder) number(ptr string) (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(d.data) && '0' <= d.data[d.pos] && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n
	}
	if d.pos < len(d.data) && d.data[d.pos] == '0' {
		d.pos++
	} else if digits() == 0 {
		return nil, d.errorf(ptr, ErrSyntax, "invalid number")
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if digits() == 0 {
			return nil, d.errorf(ptr, ErrSyntax, "invalid number")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return nil, d.errorf(ptr, ErrSyntax, "invalid number")
		}
	}
	f, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64)
	if err != nil {
		return nil, d.errorf(ptr, ErrSyntax, "number out of range")
	}
	return f, nil
}

func escape(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// Unmarshal checks data like Decode, then decodes it into v with
// encoding/json.
func Unmarshal(data []byte, v any, l Limits) error {
	if err := Check(data, l); err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
