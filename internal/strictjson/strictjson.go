package strictjson

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/onchaincert/microcred/internal/limits"
)

// Limits bound the input. A zero field takes its default from
// internal/limits: MaxCredentialBytes and MaxDepth.
type Limits struct {
	// MaxBytes caps the length of the input.
	MaxBytes int
	// MaxDepth caps nesting of objects and arrays together: `[]` has
	// depth 1, `[{}]` depth 2.
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

// Check reports whether data is exactly one strict JSON value within l.
// The error is an [*Error] wrapping ErrSyntax, ErrDuplicateKey, ErrTooDeep
// or ErrTooLarge.
func Check(data []byte, l Limits) error {
	_, err := run(data, l, false)
	return err
}

// Decode checks data as [Check] does and returns its value as
// encoding/json would decode it into an `any`. On error the value is nil.
func Decode(data []byte, l Limits) (any, error) {
	return run(data, l, true)
}

// Unmarshal checks data as [Check] does and then decodes it into v with
// encoding/json. Errors from encoding/json (a type mismatch) are returned
// as they are.
func Unmarshal(data []byte, v any, l Limits) error {
	if err := Check(data, l); err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

func run(data []byte, l Limits, build bool) (any, error) {
	l = l.withDefaults()
	if len(data) > l.MaxBytes {
		return nil, &Error{
			Offset: int64(l.MaxBytes),
			Reason: fmt.Sprintf("input of %d bytes exceeds the limit of %d", len(data), l.MaxBytes),
			Kind:   ErrTooLarge,
		}
	}
	d := decoder{data: data, maxDepth: l.MaxDepth, build: build}
	if build {
		// One copy of the input backs every string without escapes (most
		// of them): one allocation instead of one per string. The values
		// returned keep it alive, which costs at most the input's size.
		d.text = string(data)
	}
	d.skipSpace()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, d.fail(ErrSyntax, "data after the top-level value")
	}
	return v, nil
}

// frame is one step of the path to the value being read.
type frame struct {
	key   string
	index int
	array bool
}

type decoder struct {
	data     []byte
	text     string // string(data) when building values
	pos      int
	maxDepth int
	build    bool

	// path leads to the value being read; the JSON Pointer is only
	// rendered for an error.
	path []frame
	// elems stacks the elements of the arrays being read, so each array
	// is allocated once at its final length.
	elems []any
	// keys stacks member names of the objects being read when no values
	// are built (Check), for duplicate detection.
	keys []string
	// buf holds a string being unescaped.
	buf []byte
}

func (d *decoder) fail(kind error, format string, args ...any) error {
	var b strings.Builder
	for _, f := range d.path {
		b.WriteByte('/')
		if f.array {
			b.WriteString(strconv.Itoa(f.index))
		} else {
			b.WriteString(escapeToken(f.key))
		}
	}
	return &Error{Pointer: b.String(), Offset: int64(d.pos), Reason: fmt.Sprintf(format, args...), Kind: kind}
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

// value reads one value starting at d.pos (no leading whitespace).
func (d *decoder) value() (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.fail(ErrSyntax, "unexpected end of input")
	}
	switch c := d.data[d.pos]; {
	case c == '{' || c == '[':
		// len(d.path) is the number of containers we are inside.
		if len(d.path) >= d.maxDepth {
			return nil, d.fail(ErrTooDeep, "nesting deeper than %d levels", d.maxDepth)
		}
		if c == '{' {
			return d.object()
		}
		return d.array()
	case c == '"':
		s, err := d.str(d.build)
		if err != nil || !d.build {
			return nil, err
		}
		return s, nil
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		return d.number()
	default:
		return nil, d.fail(ErrSyntax, "invalid character %q looking for a value", c)
	}
}

func (d *decoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return d.fail(ErrSyntax, "invalid literal, expected %s", word)
	}
	d.pos += len(word)
	return nil
}

func (d *decoder) object() (any, error) {
	d.pos++ // {
	var m map[string]any
	if d.build {
		m = make(map[string]any)
	}
	keyBase := len(d.keys)
	defer func() { d.keys = d.keys[:keyBase] }()
	var big map[string]struct{}

	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return mapOrNil(m, d.build), nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.fail(ErrSyntax, "expected a member name")
		}
		keyStart := d.pos
		key, err := d.str(true)
		if err != nil {
			return nil, err
		}
		if d.duplicate(m, keyBase, &big, key) {
			d.pos = keyStart
			return nil, d.fail(ErrDuplicateKey, "duplicate key %q", key)
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.fail(ErrSyntax, "expected ':' after member name")
		}
		d.pos++
		d.skipSpace()
		d.path = append(d.path, frame{key: key})
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
		if d.build {
			m[key] = v
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(ErrSyntax, "unexpected end of input in object")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return mapOrNil(m, d.build), nil
		default:
			return nil, d.fail(ErrSyntax, "invalid character %q after object member", d.data[d.pos])
		}
	}
}

// mapOrNil avoids returning a typed nil map as a non-nil any from Check.
func mapOrNil(m map[string]any, build bool) any {
	if !build {
		return nil
	}
	return m
}

// duplicate reports whether key was already seen in the current object,
// and records it. When building, the object's map is the record; when
// only checking, names are stacked in d.keys from keyBase, scanned
// linearly while the object is small and moved to *big when it is not.
func (d *decoder) duplicate(m map[string]any, keyBase int, big *map[string]struct{}, key string) bool {
	if d.build {
		_, dup := m[key]
		return dup
	}
	if *big != nil {
		if _, dup := (*big)[key]; dup {
			return true
		}
		(*big)[key] = struct{}{}
		return false
	}
	for _, k := range d.keys[keyBase:] {
		if k == key {
			return true
		}
	}
	d.keys = append(d.keys, key)
	if len(d.keys)-keyBase > 32 {
		*big = make(map[string]struct{}, 64)
		for _, k := range d.keys[keyBase:] {
			(*big)[k] = struct{}{}
		}
		d.keys = d.keys[:keyBase]
	}
	return false
}

func (d *decoder) array() (any, error) {
	d.pos++ // [
	base := len(d.elems)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		if d.build {
			return []any{}, nil
		}
		return nil, nil
	}
	d.path = append(d.path, frame{array: true})
	self := len(d.path) - 1
	for {
		d.skipSpace()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		if d.build {
			d.elems = append(d.elems, v)
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(ErrSyntax, "unexpected end of input in array")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.path[self].index++
		case ']':
			d.pos++
			d.path = d.path[:self]
			if !d.build {
				return nil, nil
			}
			a := make([]any, len(d.elems)-base)
			copy(a, d.elems[base:])
			clear(d.elems[base:])
			d.elems = d.elems[:base]
			return a, nil
		default:
			return nil, d.fail(ErrSyntax, "invalid character %q after array element", d.data[d.pos])
		}
	}
}

// plainByte marks the bytes a string can hold as they are: printable ASCII
// other than '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads a string starting at the opening quote. Raw bytes must be
// valid UTF-8 and \u escapes must not leave a surrogate unpaired. The
// string is only built if keep is set.
func (d *decoder) str(keep bool) (string, error) {
	d.pos++ // opening quote
	start := d.pos
	for d.pos < len(d.data) {
		// Skip the bytes that need no attention: printable ASCII other
		// than '"' and '\\'.
		for d.pos < len(d.data) && plainByte[d.data[d.pos]] {
			d.pos++
		}
		if d.pos >= len(d.data) {
			break
		}
		c := d.data[d.pos]
		switch {
		case c == '"':
			var s string
			if keep {
				if d.build {
					s = d.text[start:d.pos]
				} else {
					s = string(d.data[start:d.pos])
				}
			}
			d.pos++
			return s, nil
		case c == '\\':
			return d.escaped(start, keep)
		case c < 0x20:
			return "", d.fail(ErrSyntax, "control character %#02x in string", c)
		case c < utf8.RuneSelf:
			d.pos++
		default:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", d.fail(ErrSyntax, "invalid UTF-8 in string")
			}
			d.pos += size
		}
	}
	return "", d.fail(ErrSyntax, "unterminated string")
}

// escaped continues str from the first backslash.
func (d *decoder) escaped(start int, keep bool) (string, error) {
	b := append(d.buf[:0], d.data[start:d.pos]...)
	defer func() { d.buf = b[:0] }()
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !keep {
				return "", nil
			}
			return string(b), nil
		case c < 0x20:
			return "", d.fail(ErrSyntax, "control character %#02x in string", c)
		case c < utf8.RuneSelf && c != '\\':
			b = append(b, c)
			d.pos++
			continue
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", d.fail(ErrSyntax, "invalid UTF-8 in string")
			}
			b = append(b, d.data[d.pos:d.pos+size]...)
			d.pos += size
			continue
		}
		// Backslash.
		if d.pos+1 >= len(d.data) {
			d.pos = len(d.data)
			break
		}
		e := d.data[d.pos+1]
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(d.data, d.pos+2)
			if !ok {
				return "", d.fail(ErrSyntax, "invalid \\u escape")
			}
			if !utf16.IsSurrogate(r) {
				b = utf8.AppendRune(b, r)
				d.pos += 6
				continue
			}
			// A high surrogate must be followed by an escaped low one.
			var r2 rune = -1
			if r < 0xDC00 && d.pos+7 < len(d.data) && d.data[d.pos+6] == '\\' && d.data[d.pos+7] == 'u' {
				r2, _ = hex4(d.data, d.pos+8)
			}
			if r2 < 0xDC00 || r2 > 0xDFFF {
				return "", d.fail(ErrSyntax, "unpaired UTF-16 surrogate \\u%04X in string", r)
			}
			b = utf8.AppendRune(b, utf16.DecodeRune(r, r2))
			d.pos += 12
			continue
		default:
			return "", d.fail(ErrSyntax, "invalid escape \\%c in string", e)
		}
		d.pos += 2
	}
	return "", d.fail(ErrSyntax, "unterminated string")
}

func hex4(data []byte, at int) (rune, bool) {
	if at+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[at : at+4] {
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
	return r, true
}

// number reads a number with the grammar of RFC 8259 §6 and converts it as
// encoding/json does, with strconv.ParseFloat.
func (d *decoder) number() (any, error) {
	start := d.pos
	neg := d.data[d.pos] == '-'
	if neg {
		d.pos++
	}
	// Integer part; small integers are converted on the way, exactly.
	var n uint64
	intDigits := 0
	if d.pos < len(d.data) && d.data[d.pos] == '0' {
		d.pos++
		intDigits = 1
	} else {
		for d.pos < len(d.data) && '0' <= d.data[d.pos] && d.data[d.pos] <= '9' {
			n = n*10 + uint64(d.data[d.pos]-'0')
			d.pos++
			intDigits++
		}
		if intDigits == 0 {
			return nil, d.fail(ErrSyntax, "invalid number: expected a digit")
		}
	}
	simple := true
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		simple = false
		d.pos++
		if d.digits() == 0 {
			return nil, d.fail(ErrSyntax, "invalid number: expected a digit after '.'")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		simple = false
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if d.digits() == 0 {
			return nil, d.fail(ErrSyntax, "invalid number: expected a digit in exponent")
		}
	}
	if !d.build {
		// Only the range matters; ParseFloat decides it.
		if simple && intDigits <= 15 {
			return nil, nil
		}
	} else if simple && intDigits <= 15 {
		// Integers below 10^15 < 2^53 are exact in float64, so this equals
		// ParseFloat's result.
		f := float64(n)
		if neg {
			f = -f
			if n == 0 {
				f = math.Copysign(0, -1)
			}
		}
		return f, nil
	}
	f, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64)
	if err != nil {
		d.pos = start
		return nil, d.fail(ErrSyntax, "number %s out of range", d.data[start:min(len(d.data), start+40)])
	}
	if !d.build {
		return nil, nil
	}
	return f, nil
}

func (d *decoder) digits() int {
	n := 0
	for d.pos < len(d.data) && '0' <= d.data[d.pos] && d.data[d.pos] <= '9' {
		d.pos++
		n++
	}
	return n
}
