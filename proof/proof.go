package proof

import (
	"errors"
	"fmt"
	"time"
)

// Proof purposes (Data Integrity 1.0, section 2.2) that microcred signs and
// verifies.
const (
	AssertionMethod      = "assertionMethod"
	Authentication       = "authentication"
	capabilityInvocation = "capabilityInvocation"
	capabilityDelegation = "capabilityDelegation"
)

// TypeDataIntegrity is the proof type of every Data Integrity cryptosuite.
const TypeDataIntegrity = "DataIntegrityProof"

// Proof is one Data Integrity proof, read from a document's "proof" member.
//
// Created and Expires keep the exact lexical form the proof carried; use
// [Proof.CreatedTime] to read them as times.
type Proof struct {
	ID                 string
	Type               string
	Cryptosuite        string
	VerificationMethod string
	ProofPurpose       string
	Created            string
	Expires            string
	Challenge          string
	Domain             string
	Nonce              string
	PreviousProof      []string
	ProofValue         string

	// raw is the proof object as it appeared in the document.
	raw map[string]any
}

// Raw returns the proof object as it appeared in the document, as generic
// JSON values. Callers must not modify it.
func (p *Proof) Raw() map[string]any { return p.raw }

// CreatedTime parses Created; ok is false if the proof has none.
func (p *Proof) CreatedTime() (t time.Time, ok bool, err error) {
	if p.Created == "" {
		return time.Time{}, false, nil
	}
	t, err = ParseDateTime(p.Created)
	return t, err == nil, err
}

// ExpiresTime parses Expires; ok is false if the proof has none.
func (p *Proof) ExpiresTime() (t time.Time, ok bool, err error) {
	if p.Expires == "" {
		return time.Time{}, false, nil
	}
	t, err = ParseDateTime(p.Expires)
	return t, err == nil, err
}

// ParseDateTime parses an XML Schema dateTimeStamp as Data Integrity and
// VCDM 2.0 require: RFC 3339 with a time zone.
func ParseDateTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid dateTime %q: want RFC 3339 with a time zone", s)
	}
	return t, nil
}

// parseProof reads a proof object. Unknown members are kept in Raw and
// covered by the signature through the proof configuration.
func parseProof(m map[string]any) (*Proof, error) {
	p := &Proof{raw: m}
	str := func(field string, dst *string, required bool) error {
		v, ok := m[field]
		if !ok {
			if required {
				return &FieldError{Field: field, Err: errors.New("missing")}
			}
			return nil
		}
		s, ok := v.(string)
		if !ok {
			return &FieldError{Field: field, Err: errors.New("not a string")}
		}
		if required && s == "" {
			return &FieldError{Field: field, Err: errors.New("empty")}
		}
		*dst = s
		return nil
	}
	for _, f := range []struct {
		name     string
		dst      *string
		required bool
	}{
		{"type", &p.Type, true},
		{"id", &p.ID, false},
		{"cryptosuite", &p.Cryptosuite, false},
		{"verificationMethod", &p.VerificationMethod, true},
		{"proofPurpose", &p.ProofPurpose, true},
		{"created", &p.Created, false},
		{"expires", &p.Expires, false},
		{"challenge", &p.Challenge, false},
		{"domain", &p.Domain, false},
		{"nonce", &p.Nonce, false},
		{"proofValue", &p.ProofValue, false},
	} {
		if err := str(f.name, f.dst, f.required); err != nil {
			return nil, err
		}
	}
	if p.Created != "" {
		if _, err := ParseDateTime(p.Created); err != nil {
			return nil, &FieldError{Field: "created", Err: err}
		}
	}
	if p.Expires != "" {
		if _, err := ParseDateTime(p.Expires); err != nil {
			return nil, &FieldError{Field: "expires", Err: err}
		}
	}
	if v, ok := m["previousProof"]; ok {
		switch t := v.(type) {
		case string:
			p.PreviousProof = []string{t}
		case []any:
			for _, e := range t {
				s, ok := e.(string)
				if !ok || s == "" {
					return nil, &FieldError{Field: "previousProof", Err: errors.New("not a list of proof ids")}
				}
				p.PreviousProof = append(p.PreviousProof, s)
			}
		default:
			return nil, &FieldError{Field: "previousProof", Err: errors.New("not a string or list")}
		}
	}
	return p, nil
}

// ParseProofs reads the proofs of a document given as generic JSON values:
// the "proof" member is one proof object or a list of them.
func ParseProofs(doc map[string]any) ([]*Proof, error) {
	v, ok := doc["proof"]
	if !ok {
		return nil, ErrNoProof
	}
	var items []any
	switch t := v.(type) {
	case map[string]any:
		items = []any{t}
	case []any:
		items = t
	default:
		return nil, &FieldError{Field: "proof", Err: errors.New("not an object or list of objects")}
	}
	if len(items) == 0 {
		return nil, ErrNoProof
	}
	if len(items) > maxProofs {
		return nil, &FieldError{Field: "proof", Err: fmt.Errorf("%d proofs, more than the limit of %d", len(items), maxProofs)}
	}
	proofs := make([]*Proof, 0, len(items))
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, &FieldError{Field: fmt.Sprintf("proof[%d]", i), Err: errors.New("not an object")}
		}
		p, err := parseProof(m)
		if err != nil {
			return nil, fmt.Errorf("reading proof %d: %w", i, err)
		}
		proofs = append(proofs, p)
	}
	return proofs, nil
}
