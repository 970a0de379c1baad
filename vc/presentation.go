package vc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/onchaincert/microcred/internal/jsonedit"
)

// Presentation is a parsed verifiable presentation. Parsing checks
// structure only: neither the presentation nor the credentials in it are
// verified. A Presentation is immutable; every accessor returns a copy.
type Presentation struct {
	document
	holder string
}

// ParsePresentation parses a VCDM 2.0 or 1.1 presentation.
//
// data must pass strictjson.Check with the default limits and be an object
// with: @context whose first item is [ContextV2] or [ContextV1]; a type
// that includes VerifiablePresentation; if present, a holder that is a URL
// or an object whose id is a URL; if present, verifiableCredential entries
// that are objects (embedded or enveloped credentials) or, for VCDM 1.1,
// strings (JWT credentials); and at most limits.MaxProofs proofs, each an
// object. The credentials inside are not parsed: pass each of
// [Presentation.Credentials] to [ParseCredential].
//
// Every error wraps [ErrInvalidPresentation]; structural errors are
// [*FieldError]s naming the member.
func ParsePresentation(data []byte) (*Presentation, error) {
	d, obj, err := parseDoc(data, ErrInvalidPresentation, "VerifiablePresentation")
	if err != nil {
		return nil, err
	}
	p := &Presentation{document: d}
	ferr := func(field, format string, args ...any) error {
		return fieldError(ErrInvalidPresentation, field, format, args...)
	}
	// VCDM 2.0 §4.13.1: holder is a URL or an object with an id.
	if h, present := obj["holder"]; present {
		switch t := h.(type) {
		case string:
			if !isURL(t) {
				return nil, ferr("holder", "%q is not a URL", t)
			}
			p.holder = t
		case map[string]any:
			id, ok := t["id"].(string)
			if !ok || !isURL(id) {
				return nil, ferr("holder.id", "missing or not a URL")
			}
			p.holder = id
		default:
			return nil, ferr("holder", "must be a URL or an object with an id")
		}
	}
	if v, present := obj["verifiableCredential"]; present {
		list, isList := v.([]any)
		if !isList {
			list = []any{v}
		}
		for i, e := range list {
			_, isObject := e.(map[string]any)
			_, isString := e.(string)
			if !isObject && !(isString && p.version == V1) {
				field := "verifiableCredential"
				if isList {
					field = fmt.Sprintf("verifiableCredential[%d]", i)
				}
				return nil, ferr(field, "must be a credential object")
			}
		}
	}
	if err := checkDescribedOnce(obj, ErrInvalidPresentation); err != nil {
		return nil, err
	}
	return p, nil
}

// Bytes returns a copy of the exact bytes parsed.
func (p *Presentation) Bytes() []byte { return bytes.Clone(p.raw) }

// MarshalJSON returns the exact bytes parsed.
func (p *Presentation) MarshalJSON() ([]byte, error) { return p.Bytes(), nil }

// Member returns a copy of the exact JSON of the top-level member name.
func (p *Presentation) Member(name string) (json.RawMessage, bool) {
	raw := p.member(name)
	return raw, raw != nil
}

// Version is the data model version, by the first @context.
func (p *Presentation) Version() Version { return p.version }

// Context returns the @context items, as for [Credential.Context].
func (p *Presentation) Context() []any { return p.context() }

// ID returns the presentation's id, or "".
func (p *Presentation) ID() string { return p.id }

// Types returns the presentation's types.
func (p *Presentation) Types() []string { return append([]string(nil), p.types...) }

// Holder returns the holder's id, or "" if there is no holder.
func (p *Presentation) Holder() string { return p.holder }

// Credentials returns the verifiableCredential entries (one or many):
// embedded credentials, enveloped ones and VCDM 1.1 JWT strings, exactly
// as they appear. None of them has been parsed or verified.
func (p *Presentation) Credentials() []json.RawMessage { return p.list("verifiableCredential") }

// Proofs returns the proof entries (one or many, at most
// internal/limits.MaxProofs), exactly as they appear.
func (p *Presentation) Proofs() []json.RawMessage { return p.list("proof") }

// WithoutProof returns the presentation's bytes without its top-level
// "proof" member; everything else keeps its bytes and order.
func (p *Presentation) WithoutProof() ([]byte, error) {
	return jsonedit.Remove(p.raw, p.members, "proof"), nil
}
