package vc

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/onchaincert/microcred/internal/strictjson"
)

// Presentation is a parsed, unverified verifiable presentation.
type Presentation struct {
	raw     []byte
	doc     map[string]any
	spans   []span
	version Version
	types   []string
}

// ParsePresentation parses a VCDM 2.0 or 1.1 presentation. Errors wrap
// ErrInvalidPresentation.
func ParsePresentation(data []byte) (*Presentation, error) {
	v, err := strictjson.Decode(data, strictjson.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPresentation, err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidPresentation)
	}
	p := &Presentation{raw: bytes.Clone(data), doc: doc}
	if p.version, err = version(doc, ErrInvalidPresentation); err != nil {
		return nil, err
	}
	if p.types, err = stringList(doc["type"]); err != nil {
		return nil, &FieldError{Field: "type", Err: err, kind: ErrInvalidPresentation}
	}
	if !contains(p.types, "VerifiablePresentation") {
		return nil, &FieldError{Field: "type", Err: fmt.Errorf("must include VerifiablePresentation"), kind: ErrInvalidPresentation}
	}
	if h, ok := doc["holder"]; ok {
		switch t := h.(type) {
		case string:
		case map[string]any:
			if _, ok := t["id"].(string); !ok {
				return nil, &FieldError{Field: "holder.id", Err: fmt.Errorf("missing or not a string"), kind: ErrInvalidPresentation}
			}
		default:
			return nil, &FieldError{Field: "holder", Err: fmt.Errorf("must be a URL or an object with an id"), kind: ErrInvalidPresentation}
		}
	}
	if p.spans, _, err = members(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidPresentation, err)
	}
	return p, nil
}

// Bytes returns a copy of the exact bytes parsed.
func (p *Presentation) Bytes() []byte { return bytes.Clone(p.raw) }

// Version is the data model version, by the first @context.
func (p *Presentation) Version() Version { return p.version }

// Types returns the presentation's types.
func (p *Presentation) Types() []string { return append([]string(nil), p.types...) }

// Holder returns the holder's id, or "".
func (p *Presentation) Holder() string {
	switch t := p.doc["holder"].(type) {
	case string:
		return t
	case map[string]any:
		s, _ := t["id"].(string)
		return s
	}
	return ""
}

// Member returns the exact JSON of the top-level member name.
func (p *Presentation) Member(name string) (json.RawMessage, bool) {
	for _, s := range p.spans {
		if s.name == name {
			return bytes.Clone(p.raw[s.start:s.end]), true
		}
	}
	return nil, false
}

// Credentials returns the verifiableCredential entries (embedded
// credentials or enveloped ones), exactly as they appear.
func (p *Presentation) Credentials() []json.RawMessage {
	raw, ok := p.Member("verifiableCredential")
	if !ok {
		return nil
	}
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		return items
	}
	return []json.RawMessage{raw}
}

// Proofs returns the proof entries.
func (p *Presentation) Proofs() []json.RawMessage {
	raw, ok := p.Member("proof")
	if !ok {
		return nil
	}
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		return items
	}
	return []json.RawMessage{raw}
}
