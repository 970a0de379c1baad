package vc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// Base contexts of the two data model versions.
const (
	ContextV1 = "https://www.w3.org/2018/credentials/v1"
	ContextV2 = "https://www.w3.org/ns/credentials/v2"
)

// Version is the data model version of a credential or presentation.
type Version int

const (
	V1 Version = 1 // VCDM 1.1
	V2 Version = 2 // VCDM 2.0
)

func (v Version) String() string {
	switch v {
	case V1:
		return "1.1"
	case V2:
		return "2.0"
	}
	return "unknown"
}

// Issuer is a credential's issuer: a URL, or an object with an id.
type Issuer struct {
	ID string
	// Raw is the member's JSON, exactly as it appeared.
	Raw json.RawMessage
}

// Schema is one credentialSchema entry.
type Schema struct {
	ID   string
	Type string
}

// Credential is a parsed, unverified credential. It is immutable.
type Credential struct {
	raw     []byte
	doc     map[string]any
	spans   []span
	version Version
	issuer  Issuer
	types   []string
}

// ParseCredential parses a VCDM 2.0 or 1.1 credential from data. Errors
// wrap ErrInvalidCredential and name the field at fault (*FieldError), or
// come from strict JSON parsing (duplicate keys, size, depth).
func ParseCredential(data []byte) (*Credential, error) {
	v, err := strictjson.Decode(data, strictjson.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCredential, err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidCredential)
	}
	ferr := func(field string, format string, args ...any) error {
		return &FieldError{Field: field, Err: fmt.Errorf(format, args...), kind: ErrInvalidCredential}
	}
	c := &Credential{raw: bytes.Clone(data), doc: doc}
	if c.version, err = version(doc, ErrInvalidCredential); err != nil {
		return nil, err
	}
	if c.types, err = stringList(doc["type"]); err != nil {
		return nil, ferr("type", "%v", err)
	}
	if !contains(c.types, "VerifiableCredential") {
		return nil, ferr("type", "must include VerifiableCredential")
	}
	if id, ok := doc["id"]; ok {
		if s, ok := id.(string); !ok || s == "" {
			return nil, ferr("id", "must be a non-empty string")
		}
	}
	if c.spans, _, err = members(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidCredential, err)
	}
	switch iss := doc["issuer"].(type) {
	case nil:
		return nil, ferr("issuer", "missing")
	case string:
		if iss == "" {
			return nil, ferr("issuer", "empty")
		}
		c.issuer.ID = iss
	case map[string]any:
		id, _ := iss["id"].(string)
		if id == "" {
			return nil, ferr("issuer.id", "missing or not a string")
		}
		c.issuer.ID = id
	default:
		return nil, ferr("issuer", "must be a URL or an object with an id")
	}
	c.issuer.Raw, _ = c.Member("issuer")
	if !strings.Contains(c.issuer.ID, ":") {
		return nil, ferr("issuer", "%q is not a URL", c.issuer.ID)
	}
	switch s := doc["credentialSubject"].(type) {
	case nil:
		return nil, ferr("credentialSubject", "missing")
	case map[string]any:
	case []any:
		if len(s) == 0 {
			return nil, ferr("credentialSubject", "empty list")
		}
		for i, e := range s {
			if _, ok := e.(map[string]any); !ok {
				return nil, ferr(fmt.Sprintf("credentialSubject[%d]", i), "not an object")
			}
		}
	default:
		return nil, ferr("credentialSubject", "must be an object or a list of objects")
	}
	from, hasFrom, err := c.ValidFrom()
	if err != nil {
		return nil, err
	}
	until, hasUntil, err := c.ValidUntil()
	if err != nil {
		return nil, err
	}
	if hasFrom && hasUntil && until.Before(from) {
		return nil, ferr(c.untilField(), "is before %s", c.fromField())
	}
	if c.version == V1 && !hasFrom {
		return nil, ferr("issuanceDate", "missing (required by VCDM 1.1)")
	}
	if p, ok := doc["proof"].([]any); ok && len(p) > limits.MaxProofs {
		return nil, ferr("proof", "%d proofs, more than %d", len(p), limits.MaxProofs)
	}
	return c, nil
}

func version(doc map[string]any, kind error) (Version, error) {
	ctx, ok := doc["@context"]
	if !ok {
		return 0, &FieldError{Field: "@context", Err: errors.New("missing"), kind: kind}
	}
	var first any
	switch t := ctx.(type) {
	case string:
		first = t
	case []any:
		if len(t) == 0 {
			return 0, &FieldError{Field: "@context", Err: errors.New("empty"), kind: kind}
		}
		first = t[0]
	}
	switch first {
	case ContextV2:
		return V2, nil
	case ContextV1:
		return V1, nil
	}
	return 0, &FieldError{Field: "@context", Err: fmt.Errorf("the first context must be %s or %s", ContextV2, ContextV1), kind: kind}
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

// Bytes returns a copy of the exact bytes parsed.
func (c *Credential) Bytes() []byte { return bytes.Clone(c.raw) }

// MarshalJSON returns the exact bytes parsed.
func (c *Credential) MarshalJSON() ([]byte, error) { return c.Bytes(), nil }

// Version is the data model version, by the first @context.
func (c *Credential) Version() Version { return c.version }

// Context returns the @context values (strings or objects).
func (c *Credential) Context() []any {
	switch t := c.doc["@context"].(type) {
	case []any:
		return append([]any(nil), t...)
	default:
		return []any{t}
	}
}

// ID returns the credential's id, or "".
func (c *Credential) ID() string { s, _ := c.doc["id"].(string); return s }

// Types returns the credential's types.
func (c *Credential) Types() []string { return append([]string(nil), c.types...) }

// HasType reports whether the credential has type t.
func (c *Credential) HasType(t string) bool { return contains(c.types, t) }

// Issuer returns the issuer.
func (c *Credential) Issuer() Issuer {
	return Issuer{ID: c.issuer.ID, Raw: bytes.Clone(c.issuer.Raw)}
}

// Name returns the credential's name if it is a plain string.
func (c *Credential) Name() string { s, _ := c.doc["name"].(string); return s }

// Description returns the credential's description if it is a plain string.
func (c *Credential) Description() string { s, _ := c.doc["description"].(string); return s }

func (c *Credential) fromField() string {
	if c.version == V1 {
		return "issuanceDate"
	}
	return "validFrom"
}

func (c *Credential) untilField() string {
	if c.version == V1 {
		return "expirationDate"
	}
	return "validUntil"
}

// ValidFrom returns validFrom (issuanceDate in VCDM 1.1); ok is false if
// the credential has none.
func (c *Credential) ValidFrom() (t time.Time, ok bool, err error) {
	return c.date(c.fromField())
}

// ValidUntil returns validUntil (expirationDate in VCDM 1.1); ok is false
// if the credential has none.
func (c *Credential) ValidUntil() (t time.Time, ok bool, err error) {
	return c.date(c.untilField())
}

func (c *Credential) date(field string) (time.Time, bool, error) {
	v, ok := c.doc[field]
	if !ok {
		return time.Time{}, false, nil
	}
	s, isString := v.(string)
	if !isString {
		return time.Time{}, false, &FieldError{Field: field, Err: errors.New("not a string"), kind: ErrInvalidCredential}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, &FieldError{Field: field, Err: fmt.Errorf("%q is not an XML Schema dateTime with a time zone", s), kind: ErrInvalidCredential}
	}
	return t, true, nil
}

// Member returns the exact JSON of the top-level member name.
func (c *Credential) Member(name string) (json.RawMessage, bool) {
	for _, s := range c.spans {
		if s.name == name {
			return bytes.Clone(c.raw[s.start:s.end]), true
		}
	}
	return nil, false
}

// list returns the member as a list of raw values (one value or many).
func (c *Credential) list(name string) []json.RawMessage {
	raw, ok := c.Member(name)
	if !ok {
		return nil
	}
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil
		}
		return items
	}
	return []json.RawMessage{raw}
}

// Subjects returns the credentialSubject entries (one or many).
func (c *Credential) Subjects() []json.RawMessage { return c.list("credentialSubject") }

// SubjectIDs returns the ids of the subjects that have one.
func (c *Credential) SubjectIDs() []string {
	var ids []string
	for _, s := range c.Subjects() {
		var v struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(s, &v) == nil && v.ID != "" {
			ids = append(ids, v.ID)
		}
	}
	return ids
}

// Status returns the credentialStatus entries.
func (c *Credential) Status() []json.RawMessage { return c.list("credentialStatus") }

// Evidence returns the evidence entries.
func (c *Credential) Evidence() []json.RawMessage { return c.list("evidence") }

// Proofs returns the proof entries.
func (c *Credential) Proofs() []json.RawMessage { return c.list("proof") }

// Schemas returns the credentialSchema entries.
func (c *Credential) Schemas() []Schema {
	var out []Schema
	for _, raw := range c.list("credentialSchema") {
		var s struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		if json.Unmarshal(raw, &s) == nil {
			out = append(out, Schema{ID: s.ID, Type: s.Type})
		}
	}
	return out
}

// WithoutProof returns the credential's bytes without its proof member.
func (c *Credential) WithoutProof() ([]byte, error) { return RemoveMember(c.raw, "proof") }
