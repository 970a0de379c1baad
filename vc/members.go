package vc

import (
	"encoding/json"
	"fmt"

	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/internal/strictjson"
)

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
	out, err := jsonedit.Set(data, name, value)
	if err != nil {
		return nil, fmt.Errorf("vc: setting member %q: %w", name, err)
	}
	return out, nil
}

// RemoveMember returns a copy of the JSON object data without its
// top-level member name (an unchanged copy if it has none). The other
// members keep their order and bytes. Errors are as for [SetMember].
func RemoveMember(data []byte, name string) ([]byte, error) {
	if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
		return nil, fmt.Errorf("vc: removing member %q: %w", name, err)
	}
	ms, err := jsonedit.Members(data)
	if err != nil {
		return nil, fmt.Errorf("vc: removing member %q: %w", name, err)
	}
	return jsonedit.Remove(data, ms, name), nil
}

// SetIssuer returns credential with its issuer set to id: the issuer
// string is replaced, or, for an issuer object, its id member. Other
// members keep their bytes. The credential must parse (ParseCredential).
func SetIssuer(credential []byte, id string) ([]byte, error) {
	c, err := ParseCredential(credential)
	if err != nil {
		return nil, err
	}
	iss := c.Issuer()
	if len(iss.Raw) > 0 && iss.Raw[0] == '{' {
		obj, err := SetMember(iss.Raw, "id", id)
		if err != nil {
			return nil, err
		}
		return SetMember(credential, "issuer", json.RawMessage(obj))
	}
	return SetMember(credential, "issuer", id)
}
