// Package jsonedit edits JSON objects in place, byte for byte: it finds
// top-level members and array elements by offset and splices values in
// or out, keeping every other byte. It does not validate: its callers
// pass data that has already passed strictjson (vc's SetMember checks
// first; proof.Sign has just decoded the same bytes strictly).
package jsonedit

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"

	"github.com/onchaincert/microcred/internal/strictjson"
)

// Member locates one top-level member of a JSON object in its bytes.
type Member struct {
	// Name is the member name after unescaping, so "pro\u006ff" is
	// found as "proof".
	Name string
	// KeyStart is the offset of the name's opening quote; the value is
	// data[Start:End].
	KeyStart, Start, End int
}

// ErrNotObject is returned by members for input that is not an object.
var ErrNotObject = errors.New("not a JSON object")

// Members splits a JSON object into its top-level members, in order.
// data must already have passed strictjson.Check: the scan relies on it
// being well formed and does not validate again.
func Members(data []byte) ([]Member, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, ErrNotObject
	}
	i = skipSpace(data, i+1)
	var out []Member
	if i < len(data) && data[i] == '}' {
		return out, nil
	}
	for i < len(data) {
		keyStart := i
		keyEnd := skipValue(data, i)
		name, err := unquote(data[keyStart:keyEnd])
		if err != nil {
			return nil, err
		}
		i = skipSpace(data, keyEnd)
		i = skipSpace(data, i+1) // ':'
		start := i
		end := skipValue(data, i)
		out = append(out, Member{Name: name, KeyStart: keyStart, Start: start, End: end})
		i = skipSpace(data, end)
		if i >= len(data) || data[i] == '}' {
			break
		}
		i = skipSpace(data, i+1) // ','
	}
	return out, nil
}

// Elements splits a JSON value into its array elements, or returns the
// value itself as the only element if it is not an array. data must be a
// strictly valid JSON value. The elements alias data.
func Elements(data []byte) [][]byte {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return [][]byte{data}
	}
	var out [][]byte
	i = skipSpace(data, i+1)
	for i < len(data) && data[i] != ']' {
		end := skipValue(data, i)
		out = append(out, data[i:end])
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return out
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// skipValue returns the offset just past the well-formed value at i.
func skipValue(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch c := data[i]; c {
		case '"':
			i = stringEnd(data, i+1)
		case '{', '[':
			depth++
			i++
		case '}', ']':
			depth--
			i++
		case ',', ':', ' ', '\t', '\r', '\n':
			// Between values inside a container.
			i++
			continue
		default:
			// A scalar: runs to the next delimiter or whitespace.
			for i < len(data) && !isDelim(data[i]) {
				i++
			}
			if depth == 0 {
				return i
			}
			continue
		}
		if depth == 0 {
			return i
		}
	}
	return i
}

// stringEnd returns the offset just past the closing quote of the string
// whose contents start at i: the first quote not escaped by an odd run of
// backslashes.
func stringEnd(data []byte, i int) int {
	for {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return len(data)
		}
		i += q
		n := 0
		for j := i - 1; j >= 0 && data[j] == '\\'; j-- {
			n++
		}
		i++
		if n%2 == 0 {
			return i
		}
	}
}

func isDelim(c byte) bool {
	switch c {
	case ',', ':', '{', '}', '[', ']', '"', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// unquote decodes a JSON string token.
func unquote(tok []byte) (string, error) {
	if len(tok) >= 2 && bytes.IndexByte(tok, '\\') < 0 {
		return string(tok[1 : len(tok)-1]), nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return "", err
	}
	return s, nil
}

// EncodeValue returns the JSON for value: a json.RawMessage is checked
// strictly and kept byte for byte; anything else is marshalled with
// encoding/json without HTML escaping.
func EncodeValue(value any) ([]byte, error) {
	if raw, ok := value.(json.RawMessage); ok {
		if err := strictjson.Check(raw, strictjson.Limits{}); err != nil {
			return nil, err
		}
		return bytes.Clone(raw), nil
	}
	if out, ok := appendSimple(nil, value); ok {
		return out, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(value); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// appendSimple writes what encoding/json (without HTML escaping) writes for
// objects, arrays, strings, booleans and null whose strings need no
// escaping (proofs, mostly), without reflection. ok is false for anything
// else, which the caller hands to encoding/json.
func appendSimple(dst []byte, value any) (_ []byte, ok bool) {
	switch v := value.(type) {
	case string:
		if !plain(v) {
			return nil, false
		}
		dst = append(dst, '"')
		dst = append(dst, v...)
		return append(dst, '"'), true
	case map[string]any:
		var small [16]string
		keys := small[:0]
		for k := range v {
			if !plain(k) {
				return nil, false
			}
			keys = append(keys, k)
		}
		slices.Sort(keys) // encoding/json's order: bytewise
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = append(dst, k...)
			dst = append(dst, '"', ':')
			if dst, ok = appendSimple(dst, v[k]); !ok {
				return nil, false
			}
		}
		return append(dst, '}'), true
	case []any:
		if v == nil {
			return append(dst, "null"...), true
		}
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, ok = appendSimple(dst, e); !ok {
				return nil, false
			}
		}
		return append(dst, ']'), true
	case bool:
		if v {
			return append(dst, "true"...), true
		}
		return append(dst, "false"...), true
	case nil:
		return append(dst, "null"...), true
	}
	return nil, false
}

// plain reports a string encoding/json writes as it is between quotes:
// printable ASCII other than '"' and '\\'.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// Set returns a copy of the JSON object data with its top-level member
// name set to value (see vc.SetMember), without validating data.
func Set(data []byte, name string, value any) ([]byte, error) {
	ms, err := Members(data)
	if err != nil {
		return nil, err
	}
	v, err := EncodeValue(value)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Name == name {
			out := make([]byte, 0, len(data)-(m.End-m.Start)+len(v))
			out = append(out, data[:m.Start]...)
			out = append(out, v...)
			return append(out, data[m.End:]...), nil
		}
	}
	return insertLast(data, name, v)
}

// Add returns a copy of the JSON object data with the member name added
// last. The caller guarantees that data is a strictly valid object with no
// member name (proof.Sign has just decoded it): only the bytes before the
// closing brace are looked at, so the cost does not grow with data.
func Add(data []byte, name string, value any) ([]byte, error) {
	v, err := EncodeValue(value)
	if err != nil {
		return nil, err
	}
	return insertLast(data, name, v)
}

// insertLast adds the member name with the encoded value v right after
// the last member's value (or the opening brace), so whitespace before
// the closing brace stays where it was. data must be a valid object
// without that member.
func insertLast(data []byte, name string, v []byte) ([]byte, error) {
	end := len(data) - 1
	for end >= 0 && isSpace(data[end]) {
		end--
	}
	if end < 0 || data[end] != '}' {
		return nil, ErrNotObject
	}
	last := end - 1 // the last byte of the last value, or '{'
	for last >= 0 && isSpace(data[last]) {
		last--
	}
	if last < 0 {
		return nil, ErrNotObject
	}
	key, err := EncodeValue(name)
	if err != nil {
		return nil, err
	}
	at := last + 1
	out := make([]byte, 0, len(data)+len(key)+len(v)+2)
	out = append(out, data[:at]...)
	if data[last] != '{' {
		out = append(out, ',')
	}
	out = append(out, key...)
	out = append(out, ':')
	out = append(out, v...)
	return append(out, data[at:]...), nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Remove returns a copy of data without the member name, given its
// Members.
func Remove(data []byte, ms []Member, name string) []byte {
	for i, m := range ms {
		if m.Name != name {
			continue
		}
		// Cut the separating comma together with the member: the one
		// before it, or for the first member the one after it.
		from, to := m.KeyStart, m.End
		switch {
		case i > 0:
			from = ms[i-1].End
		case len(ms) > 1:
			to = ms[1].KeyStart
		}
		out := make([]byte, 0, len(data)-(to-from))
		out = append(out, data[:from]...)
		return append(out, data[to:]...)
	}
	return bytes.Clone(data)
}
