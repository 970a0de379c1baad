package vc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/onchaincert/microcred/internal/jsonedit"
	"net/url"
	"strings"

	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// document holds what credentials and presentations share: the exact
// bytes, where each top-level member is in them, and the members every
// accessor needs.
type document struct {
	raw         []byte
	members     []jsonedit.Member
	version     Version
	id          string
	types       []string
	name        string
	description string
}

// parseDoc does the checks common to credentials and presentations; kind
// is the sentinel every error wraps and requiredType the type the
// document must have. It also returns the decoded object for the caller's
// own checks.
func parseDoc(data []byte, kind error, requiredType string) (document, map[string]any, error) {
	v, err := strictjson.Decode(data, strictjson.Limits{})
	if err != nil {
		return document{}, nil, fmt.Errorf("%w: %w", kind, err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return document{}, nil, fmt.Errorf("%w: %w", kind, jsonedit.ErrNotObject)
	}
	d, err := parseDecoded(data, obj, kind, requiredType)
	return d, obj, err
}

// parseDecoded is parseDoc for data already decoded strictly into obj.
func parseDecoded(data []byte, obj map[string]any, kind error, requiredType string) (document, error) {
	var err error
	d := document{raw: bytes.Clone(data)}
	if d.members, err = jsonedit.Members(d.raw); err != nil {
		return document{}, fmt.Errorf("%w: %w", kind, err)
	}

	// VCDM 2.0 §4.3: the first @context is the base context; the rest are
	// URLs or objects.
	var ctx []any
	switch t := obj["@context"].(type) {
	case nil:
		if _, present := obj["@context"]; !present {
			return document{}, fieldError(kind, "@context", "missing")
		}
	case string:
		ctx = []any{t}
	case []any:
		ctx = t
	}
	if len(ctx) == 0 {
		return document{}, fieldError(kind, "@context", "must be a URL or a non-empty list")
	}
	switch ctx[0] {
	case ContextV2:
		d.version = V2
	case ContextV1:
		d.version = V1
	default:
		return document{}, fieldError(kind, "@context", "the first context must be %s or %s", ContextV2, ContextV1)
	}
	for i, e := range ctx[1:] {
		switch e.(type) {
		case string, map[string]any:
		default:
			return document{}, fieldError(kind, fmt.Sprintf("@context[%d]", i+1), "must be a URL or an object")
		}
	}

	// §4.4: id, if present, is one URL.
	if id, present := obj["id"]; present {
		s, ok := id.(string)
		if !ok || !isURL(s) {
			return document{}, fieldError(kind, "id", "must be a URL")
		}
		d.id = s
	}

	// §4.5: type includes the document's base type.
	if d.types, err = stringList(obj["type"]); err != nil {
		return document{}, &FieldError{Field: "type", Err: err, kind: kind}
	}
	if !contains(d.types, requiredType) {
		return document{}, fieldError(kind, "type", "must include %s", requiredType)
	}
	d.name, _ = obj["name"].(string)
	d.description, _ = obj["description"].(string)

	// VC Data Integrity §2.1: proof is one proof object or a set of them.
	if err := objects(obj, "proof", limits.MaxProofs, kind); err != nil {
		return document{}, err
	}
	return d, nil
}

func fieldError(kind error, field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...), kind: kind}
}

// objects checks that the optional member name is an object or a list of
// objects, at most max of them (0: no limit).
func objects(obj map[string]any, name string, max int, kind error) error {
	v, present := obj[name]
	if !present {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	if max > 0 && len(list) > max {
		return fieldError(kind, name, "%d entries, more than %d", len(list), max)
	}
	for i, e := range list {
		if _, ok := e.(map[string]any); !ok {
			field := name
			if isList {
				field = fmt.Sprintf("%s[%d]", name, i)
			}
			return fieldError(kind, field, "must be an object")
		}
	}
	return nil
}

// asList returns v as a list: itself if it is one, else a list of v.
func asList(v any) []any {
	if v == nil {
		return nil
	}
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// isURL reports whether s is an absolute URL (with a scheme), as VCDM
// requires of ids. DIDs and URNs qualify.
func isURL(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != ""
}

func stringList(v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		return []string{t}, nil
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, errors.New("must be a string or a list of strings")
			}
			out = append(out, s)
		}
		return out, nil
	case nil:
		return nil, errors.New("missing")
	}
	return nil, errors.New("must be a string or a list of strings")
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// member returns a copy of the exact bytes of the top-level member name.
func (d *document) member(name string) json.RawMessage {
	for _, m := range d.members {
		if m.Name == name {
			return bytes.Clone(d.raw[m.Start:m.End])
		}
	}
	return nil
}

// list returns the member as a list of raw values: its elements if it is
// an array, else the value itself.
func (d *document) list(name string) []json.RawMessage {
	raw := d.member(name)
	if raw == nil {
		return nil
	}
	var out []json.RawMessage
	for _, e := range jsonedit.Elements(raw) {
		out = append(out, json.RawMessage(e))
	}
	return out
}

func (d *document) context() []any {
	raw := d.member("@context")
	v, err := strictjson.Decode(raw, strictjson.Limits{})
	if err != nil {
		return nil
	}
	return asList(v)
}

// Member returns a copy of the exact JSON of the top-level member name,
// including members this package does not know. Names match exactly.
func (c *Credential) Member(name string) (json.RawMessage, bool) {
	raw := c.member(name)
	return raw, raw != nil
}

// Version is the data model version, by the first @context.
func (c *Credential) Version() Version { return c.version }

// Context returns the @context items: strings, or map[string]any for
// embedded contexts (fresh copies).
func (c *Credential) Context() []any { return c.context() }

// ID returns the credential's id, or "" if it has none.
func (c *Credential) ID() string { return c.id }

// Types returns the credential's types.
func (c *Credential) Types() []string { return append([]string(nil), c.types...) }

// HasType reports whether the credential has type t.
func (c *Credential) HasType(t string) bool { return contains(c.types, t) }

// Name returns the credential's name if it is a plain string, or "".
func (c *Credential) Name() string { return c.name }

// Description returns the credential's description if it is a plain
// string, or "".
func (c *Credential) Description() string { return c.description }

// Proofs returns the proof entries (one or many, at most
// internal/limits.MaxProofs), exactly as they appear.
func (c *Credential) Proofs() []json.RawMessage { return c.list("proof") }

// WithoutProof returns the credential's bytes without its top-level
// "proof" member; every other member keeps its bytes and order. This is
// the document a Data Integrity proof was computed over.
func (c *Credential) WithoutProof() ([]byte, error) {
	return jsonedit.Remove(c.raw, c.members, "proof"), nil
}
