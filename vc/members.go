package vc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/internal/strictjson"
)

// span is the byte range of one top-level member's value.
type span struct {
	name       string
	start, end int
}

// members returns the spans of the top-level members of a JSON object and
// the offset of its closing brace. data must already be strictly valid.
func members(data []byte) ([]span, int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, 0, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, 0, errors.New("not a JSON object")
	}
	var out []span
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, 0, err
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, 0, err
		}
		end := int(dec.InputOffset())
		out = append(out, span{name: name, start: end - len(raw), end: end})
	}
	if _, err := dec.Token(); err != nil { // closing brace
		return nil, 0, err
	}
	closing := int(dec.InputOffset()) - 1
	return out, closing, nil
}

// SetMember returns a copy of the JSON object data with member name set to
// value (marshalled with encoding/json; pass json.RawMessage for exact
// bytes). An existing member is replaced in place; a new one is appended.
// Every other byte of data is kept.
func SetMember(data []byte, name string, value any) ([]byte, error) {
	if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
		return nil, err
	}
	v, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("vc: encoding member %q: %w", name, err)
	}
	spans, closing, err := members(data)
	if err != nil {
		return nil, fmt.Errorf("vc: %w", err)
	}
	for _, s := range spans {
		if s.name == name {
			out := make([]byte, 0, len(data)-(s.end-s.start)+len(v))
			out = append(out, data[:s.start]...)
			out = append(out, v...)
			return append(out, data[s.end:]...), nil
		}
	}
	key, _ := json.Marshal(name)
	// Insert after the last member, before any whitespace preceding "}".
	at := closing
	if len(spans) > 0 {
		at = spans[len(spans)-1].end
	}
	out := make([]byte, 0, len(data)+len(key)+len(v)+2)
	out = append(out, data[:at]...)
	if len(spans) > 0 {
		out = append(out, ',')
	}
	out = append(out, key...)
	out = append(out, ':')
	out = append(out, v...)
	return append(out, data[at:]...), nil
}

// RemoveMember returns a copy of the JSON object data without member name
// (data itself if it has none); other bytes are kept.
func RemoveMember(data []byte, name string) ([]byte, error) {
	if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
		return nil, err
	}
	spans, _, err := members(data)
	if err != nil {
		return nil, fmt.Errorf("vc: %w", err)
	}
	for i, s := range spans {
		if s.name != name {
			continue
		}
		// Remove from the end of the previous member (or the brace) to
		// the end of this one, so the separating comma goes too.
		from := bytes.IndexByte(data, '{') + 1
		to := s.end
		if i > 0 {
			from = spans[i-1].end
		} else if i+1 < len(spans) {
			// First member: remove up to the next member's key.
			to = bytes.IndexByte(data[s.end:], ',') + s.end + 1
		}
		out := append([]byte{}, data[:from]...)
		return append(out, data[to:]...), nil
	}
	return bytes.Clone(data), nil
}
