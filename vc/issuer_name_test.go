package vc_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/onchaincert/microcred/vc"
)

// TestIssuerName: the name an issuer object states, in each of its forms,
// and nothing for forms that carry none (a URL, a name of another type).
func TestIssuerName(t *testing.T) {
	for raw, want := range map[string]string{
		`"did:example:i"`: "",
		`{"id":"did:example:i","name":"Example University"}`:                                                         "Example University",
		`{"id":"did:example:i","name":{"@value":"Université","@language":"fr"}}`:                                     "Université",
		`{"id":"did:example:i","name":[{"@value":"Uni","@language":"de"},{"@value":"University","@language":"en"}]}`: "Uni",
		`{"id":"did:example:i","name":42}`:                                                                           "",
		`{"id":"did:example:i","name":[]}`:                                                                           "",
		`{"id":"did:example:i"}`:                                                                                     "",
		`{"id":"did:example:i","name":null}`:                                                                         "",
	} {
		assert.Equal(t, want, vc.Issuer{ID: "did:example:i", Raw: json.RawMessage(raw)}.Name(), raw)
	}
}
