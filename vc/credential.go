package vc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/internal/vcinternal"
)

// Base contexts of the two data model versions; one of them must be the
// first @context of every credential and presentation.
const (
	ContextV1 = "https://www.w3.org/2018/credentials/v1"
	ContextV2 = "https://www.w3.org/ns/credentials/v2"
)

// Version is the data model version of a credential or presentation.
type Version int

const (
	V1 Version = 1 // VCDM 1.1, first @context ContextV1
	V2 Version = 2 // VCDM 2.0, first @context ContextV2
)

// String returns "1.1" or "2.0".
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
	// ID is the issuer's URL (the string, or the object's id).
	ID string
	// Raw is the member's JSON, exactly as it appeared.
	Raw json.RawMessage
}

// Name returns the name an issuer object states: a plain string, or the
// value of a language-tagged one (the first of a list of them); "" for an
// issuer given as a URL or with no such name. It is the credential's
// claim, as signed: who the issuer is comes from the proof's key.
func (i Issuer) Name() string {
	var obj struct {
		Name json.RawMessage `json:"name"`
	}
	if json.Unmarshal(i.Raw, &obj) != nil || len(obj.Name) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(obj.Name, &s) == nil {
		return s
	}
	var v struct {
		Value string `json:"@value"`
	}
	if json.Unmarshal(obj.Name, &v) == nil {
		return v.Value
	}
	var vs []struct {
		Value string `json:"@value"`
	}
	if json.Unmarshal(obj.Name, &vs) == nil && len(vs) > 0 {
		return vs[0].Value
	}
	return ""
}

// Schema is one credentialSchema entry.
type Schema struct {
	ID   string
	Type string
}

// Credential is a parsed credential. Parsing checks structure only: it is
// not verified. A Credential is immutable; every accessor returns a copy.
type Credential struct {
	document
	issuer            Issuer
	from, until       time.Time
	hasFrom, hasUntil bool
}

// ParseCredential parses a VCDM 2.0 or 1.1 credential.
//
// data must pass strictjson.Check with the default limits (one JSON value,
// valid UTF-8, no duplicate keys, at most [MaxCredentialBytes] and
// limits.MaxDepth) and be an object with: @context whose first item is
// [ContextV2] or [ContextV1]; a type that includes VerifiableCredential;
// an issuer that is a URL or an object whose id is a URL; a
// credentialSubject that is an object or a non-empty list of objects;
// well-formed validFrom/validUntil (issuanceDate, required, and
// expirationDate in VCDM 1.1) with validFrom not after validUntil; and at
// most limits.MaxProofs proofs, each an object.
//
// Every error wraps [ErrInvalidCredential]. A structural error is a
// [*FieldError] naming the member; a strictness error also wraps
// strictjson's sentinel (strictjson.ErrDuplicateKey, ...).
func ParseCredential(data []byte) (*Credential, error) {
	c, _, err := parseCredential(data)
	return c, err
}

func init() {
	vcinternal.ParseCredential = func(data []byte) (any, map[string]any, error) {
		c, obj, err := parseCredential(data)
		if err != nil {
			return nil, nil, err
		}
		return c, obj, nil
	}
	vcinternal.ParseDecodedCredential = func(data []byte, obj map[string]any) (any, error) {
		d, err := parseDecoded(data, obj, ErrInvalidCredential, "VerifiableCredential")
		if err != nil {
			return nil, err
		}
		c, err := credentialFrom(d, obj)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

// parseCredential is ParseCredential, also returning the decoded object.
func parseCredential(data []byte) (*Credential, map[string]any, error) {
	d, obj, err := parseDoc(data, ErrInvalidCredential, "VerifiableCredential")
	if err != nil {
		return nil, nil, err
	}
	c, err := credentialFrom(d, obj)
	if err != nil {
		return nil, nil, err
	}
	return c, obj, nil
}

// credentialFrom does the credential's own checks on a parsed document.
func credentialFrom(d document, obj map[string]any) (*Credential, error) {
	var err error
	c := &Credential{document: d}
	ferr := func(field, format string, args ...any) error {
		return fieldError(ErrInvalidCredential, field, format, args...)
	}

	// VCDM 2.0 §4.7: issuer is a URL or an object with an id that is a URL.
	switch iss := obj["issuer"].(type) {
	case nil:
		if _, present := obj["issuer"]; present {
			return nil, ferr("issuer", "must be a URL or an object with an id, not null")
		}
		return nil, ferr("issuer", "missing")
	case string:
		if !isURL(iss) {
			return nil, ferr("issuer", "%q is not a URL", iss)
		}
		c.issuer.ID = iss
	case map[string]any:
		id, ok := iss["id"].(string)
		if !ok {
			return nil, ferr("issuer.id", "missing or not a string")
		}
		if !isURL(id) {
			return nil, ferr("issuer.id", "%q is not a URL", id)
		}
		c.issuer.ID = id
	default:
		return nil, ferr("issuer", "must be a URL or an object with an id")
	}
	c.issuer.Raw = c.member("issuer")

	// VCDM 2.0 §4.8: one or more subjects, each an object "the subject of
	// one or more claims" (an empty object makes none).
	switch s := obj["credentialSubject"].(type) {
	case map[string]any:
		if len(s) == 0 {
			return nil, ferr("credentialSubject", "an empty object: a subject needs an id or a claim")
		}
	case []any:
		if len(s) == 0 {
			return nil, ferr("credentialSubject", "empty list")
		}
		for i, e := range s {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, ferr(fmt.Sprintf("credentialSubject[%d]", i), "not an object")
			}
			if len(m) == 0 {
				return nil, ferr(fmt.Sprintf("credentialSubject[%d]", i), "an empty object: a subject needs an id or a claim")
			}
		}
	default:
		if _, present := obj["credentialSubject"]; !present {
			return nil, ferr("credentialSubject", "missing")
		}
		return nil, ferr("credentialSubject", "must be an object or a list of objects")
	}

	// VCDM 2.0 §4.9 (validity period); VCDM 1.1 §4.6-4.7.
	fromField, untilField := "validFrom", "validUntil"
	if c.version == V1 {
		fromField, untilField = "issuanceDate", "expirationDate"
	}
	if c.from, c.hasFrom, err = dateMember(obj, fromField); err != nil {
		return nil, err
	}
	if c.until, c.hasUntil, err = dateMember(obj, untilField); err != nil {
		return nil, err
	}
	if c.version == V1 && !c.hasFrom {
		return nil, ferr("issuanceDate", "missing (required by VCDM 1.1)")
	}
	if c.hasFrom && c.hasUntil && c.until.Before(c.from) {
		return nil, ferr(untilField, "%s is before %s %s",
			c.until.Format(time.RFC3339Nano), fromField, c.from.Format(time.RFC3339Nano))
	}

	// Entries that must be objects when present (VCDM 2.0 §4.10-4.12, §5.2),
	// each with a type (VCDM 2.0 §4.5: "the objects that MUST have a type";
	// VCDM 1.1 says the same of each).
	for _, name := range []string{"credentialStatus", "credentialSchema", "evidence", "refreshService", "termsOfUse"} {
		if err := objects(obj, name, 0, ErrInvalidCredential); err != nil {
			return nil, err
		}
		list, isList := obj[name].([]any)
		if !isList {
			list = asList(obj[name])
		}
		for i, e := range list {
			field := name
			if isList {
				field = fmt.Sprintf("%s[%d]", name, i)
			}
			if _, err := stringList(e.(map[string]any)["type"]); err != nil {
				return nil, ferr(field+".type", "%v (every %s entry must say its type)", err, name)
			}
		}
	}
	if err := checkRelatedResources(obj); err != nil {
		return nil, err
	}
	if err := checkDescribedOnce(obj, ErrInvalidCredential); err != nil {
		return nil, err
	}
	for i, s := range asList(obj["credentialSchema"]) {
		m := s.(map[string]any)
		id, _ := m["id"].(string)
		typ, _ := m["type"].(string)
		if !isURL(id) || typ == "" {
			return nil, ferr(fmt.Sprintf("credentialSchema[%d]", i), "needs an id URL and a type")
		}
	}
	return c, nil
}

// dateMember reads an optional date member.
func dateMember(obj map[string]any, field string) (time.Time, bool, error) {
	v, ok := obj[field]
	if !ok {
		return time.Time{}, false, nil
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false, fieldError(ErrInvalidCredential, field, "not a string")
	}
	t, err := parseDateTime(s)
	if err != nil {
		return time.Time{}, false, &FieldError{Field: field, Err: err, kind: ErrInvalidCredential}
	}
	return t, true, nil
}

// Bytes returns a copy of the exact bytes parsed.
func (c *Credential) Bytes() []byte { return bytes.Clone(c.raw) }

// MarshalJSON returns the exact bytes parsed.
func (c *Credential) MarshalJSON() ([]byte, error) { return c.Bytes(), nil }

// Issuer returns the issuer.
func (c *Credential) Issuer() Issuer {
	return Issuer{ID: c.issuer.ID, Raw: bytes.Clone(c.issuer.Raw)}
}

// ValidFrom returns validFrom (issuanceDate in VCDM 1.1); ok is false if
// the credential has none. The error is always nil for a credential
// returned by ParseCredential, which checked the date.
func (c *Credential) ValidFrom() (t time.Time, ok bool, err error) {
	return c.from, c.hasFrom, nil
}

// ValidUntil returns validUntil (expirationDate in VCDM 1.1); ok is false
// if the credential has none. The error is as for ValidFrom.
func (c *Credential) ValidUntil() (t time.Time, ok bool, err error) {
	return c.until, c.hasUntil, nil
}

// Subjects returns the credentialSubject entries (one or many), exactly
// as they appear.
func (c *Credential) Subjects() []json.RawMessage { return c.list("credentialSubject") }

// SubjectIDs returns the string ids of the subjects that have one, in
// order. Only a member named exactly "id" counts.
func (c *Credential) SubjectIDs() []string {
	var ids []string
	for _, s := range c.Subjects() {
		ms, err := jsonedit.Members(s)
		if err != nil {
			continue
		}
		for _, m := range ms {
			var id string
			if m.Name == "id" && json.Unmarshal(s[m.Start:m.End], &id) == nil && id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// Status returns the credentialStatus entries (one or many).
func (c *Credential) Status() []json.RawMessage { return c.list("credentialStatus") }

// Evidence returns the evidence entries.
func (c *Credential) Evidence() []json.RawMessage { return c.list("evidence") }

// RefreshServices returns the refreshService entries (objects).
func (c *Credential) RefreshServices() []json.RawMessage { return c.list("refreshService") }

// Schemas returns the credentialSchema entries.
func (c *Credential) Schemas() []Schema {
	var out []Schema
	for _, raw := range c.list("credentialSchema") {
		// ParseCredential checked each entry has string id and type.
		v, err := strictjson.Decode(raw, strictjson.Limits{})
		if err != nil {
			continue
		}
		m, _ := v.(map[string]any)
		id, _ := m["id"].(string)
		typ, _ := m["type"].(string)
		out = append(out, Schema{ID: id, Type: typ})
	}
	return out
}
