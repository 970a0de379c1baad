package vc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/internal/strictjson"
)

// member locates one top-level member of a JSON object in its bytes.
type member struct {
	// name is the member name after unescaping, so "pro\u006ff" is
	// found as "proof".
	name string
	// keyStart is the offset of the name's opening quote; the value is
	// data[start:end].
	keyStart, start, end int
}

// errNotObject is returned by members for input that is not an object.
var errNotObject = errors.New("not a JSON object")

// members splits a JSON object into its top-level members, in order.
// data must already have passed strictjson.Check: the scan relies on it
// being well formed and does not validate again.
func members(data []byte) ([]member, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, errNotObject
	}
	i = skipSpace(data, i+1)
	var out []member
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
		out = append(out, member{name: name, keyStart: keyStart, start: start, end: end})
		i = skipSpace(data, end)
		if i >= len(data) || data[i] == '}' {
			break
		}
		i = skipSpace(data, i+1) // ','
	}
	return out, nil
}

// elements splits a JSON value into its array elements, or returns the
// value itself as the only element if it is not an array. data must be a
// strictly valid JSON value. The elements alias data.
func elements(data []byte) [][]byte {
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
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
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
			i++
			for i < len(data) && data[i] != '"' {
				if data[i] == '\\' {
					i++
				}
				i++
			}
			i++ // closing quote
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

// encodeValue returns the JSON for value: a json.RawMessage is checked
// strictly and kept byte for byte; anything else is marshalled with
// encoding/json without HTML escaping.
func encodeValue(value any) ([]byte, error) {
	if raw, ok := value.(json.RawMessage); ok {
		if err := strictjson.Check(raw, strictjson.Limits{}); err != nil {
			return nil, err
		}
		return bytes.Clone(raw), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(value); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// SetMember returns a copy of the JSON object data with its top-level
// member name set to value. An existing member keeps its place and only
// its value's bytes change; a new member is appended after the last one.
// Every other byte of data is kept. value is marshalled with encoding/json
// (without HTML escaping); a json.RawMessage is inserted exactly as given.
//
// data must pass strictjson.Check and be an object; the error otherwise
// wraps strictjson's sentinels or names the problem.
func SetMember(data []byte, name string, value any) ([]byte, error) {
	if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
		return nil, fmt.Errorf("vc: setting member %q: %w", name, err)
	}
	ms, err := members(data)
	if err != nil {
		return nil, fmt.Errorf("vc: setting member %q: %w", name, err)
	}
	v, err := encodeValue(value)
	if err != nil {
		return nil, fmt.Errorf("vc: encoding member %q: %w", name, err)
	}
	for _, m := range ms {
		if m.name == name {
			out := make([]byte, 0, len(data)-(m.end-m.start)+len(v))
			out = append(out, data[:m.start]...)
			out = append(out, v...)
			return append(out, data[m.end:]...), nil
		}
	}
	key, err := encodeValue(name)
	if err != nil {
		return nil, fmt.Errorf("vc: encoding member name %q: %w", name, err)
	}
	// Insert right after the last member's value (or the opening brace),
	// so whitespace before the closing brace stays where it was.
	var at int
	if len(ms) > 0 {
		at = ms[len(ms)-1].end
	} else {
		at = bytes.IndexByte(data, '{') + 1
	}
	out := make([]byte, 0, len(data)+len(key)+len(v)+2)
	out = append(out, data[:at]...)
	if len(ms) > 0 {
		out = append(out, ',')
	}
	out = append(out, key...)
	out = append(out, ':')
	out = append(out, v...)
	return append(out, data[at:]...), nil
}

// RemoveMember returns a copy of the JSON object data without its
// top-level member name (an unchanged copy if it has none). The other
// members keep their order and bytes. Errors are as for [SetMember].
func RemoveMember(data []byte, name string) ([]byte, error) {
	if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
		return nil, fmt.Errorf("vc: removing member %q: %w", name, err)
	}
	ms, err := members(data)
	if err != nil {
		return nil, fmt.Errorf("vc: removing member %q: %w", name, err)
	}
	return removeMember(data, ms, name), nil
}

func removeMember(data []byte, ms []member, name string) []byte {
	for i, m := range ms {
		if m.name != name {
			continue
		}
		// Cut the separating comma together with the member: the one
		// before it, or for the first member the one after it.
		from, to := m.keyStart, m.end
		switch {
		case i > 0:
			from = ms[i-1].end
		case len(ms) > 1:
			to = ms[1].keyStart
		}
		out := make([]byte, 0, len(data)-(to-from))
		out = append(out, data[:from]...)
		return append(out, data[to:]...)
	}
	return bytes.Clone(data)
}
