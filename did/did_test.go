package did

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for _, s := range []string{
		"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "did:web:example.com", "did:web:example.com%3A8443:users:alice",
		"did:example:123456789abcdefghi", "did:ex2:a.b-c_d", "did:example::x",
	} {
		d, err := Parse(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, d.String())
	}
	for _, s := range []string{
		"", "did:", "did::x", "did:Key:z6Mk", "did:key:", "did:key:a:", "did:key:a b", "did:key:%zz", "DID:key:x",
		"did:key:x#frag", "did:key:x/path", "did:k-y:x", "did:key:x?q",
	} {
		d, err := Parse(s)
		assert.ErrorIs(t, err, ErrInvalidDID, "%q", s)
		assert.True(t, d.IsZero())
	}
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct{ in, did, path, query, frag string }{
		{"did:key:z6Mk#z6Mk", "did:key:z6Mk", "", "", "z6Mk"},
		{"did:web:example.com/path/to?x=1#key-1", "did:web:example.com", "/path/to", "x=1", "key-1"},
		{"did:example:123?service=files&relativeRef=/x", "did:example:123", "", "service=files&relativeRef=/x", ""},
		{"did:example:123#", "did:example:123", "", "", ""},
	} {
		u, err := ParseURL(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.did, u.DID.String())
		assert.Equal(t, tc.path, u.Path)
		assert.Equal(t, tc.query, u.Query)
		assert.Equal(t, tc.frag, u.Fragment)
		assert.Equal(t, tc.in, u.String(), "round trip")
	}
	for _, s := range []string{"did:key:x#a b", "did:key:x#a#b", "did:key:x/p q", "http://example.com#x", "did:key:x?%g0"} {
		_, err := ParseURL(s)
		assert.ErrorIs(t, err, ErrInvalidDID, s)
	}
}

const doc = `{
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
  "id": "did:example:issuer",
  "verificationMethod": [
    {"id": "#key-1", "type": "Multikey", "controller": "did:example:issuer", "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"},
    {"id": "did:example:issuer#key-2", "type": "JsonWebKey", "controller": "did:example:issuer",
     "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
    {"id": "did:example:issuer#other", "type": "Multikey", "controller": "did:example:someone-else", "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"}
  ],
  "assertionMethod": ["#key-1", "did:example:issuer#other",
    {"id": "#embedded", "type": "Multikey", "controller": "did:example:issuer", "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"}],
  "authentication": ["did:example:issuer#key-2"]
}`

func TestDocumentAuthorized(t *testing.T) {
	d, err := ParseDocument([]byte(doc))
	require.NoError(t, err)
	vm, err := d.Authorized(AssertionMethod, "did:example:issuer#key-1")
	require.NoError(t, err)
	_, err = vm.PublicKey()
	require.NoError(t, err)
	vm, err = d.Authorized(AssertionMethod, "#embedded")
	require.NoError(t, err)
	assert.Equal(t, "did:example:issuer#embedded", vm.ID)
	_, err = d.Authorized(AssertionMethod, "did:example:issuer#key-2")
	assert.ErrorIs(t, err, ErrNotAuthorized, "key-2 is only for authentication")
	vm, err = d.Authorized(Authentication, "did:example:issuer#key-2")
	require.NoError(t, err)
	_, err = vm.PublicKey()
	require.NoError(t, err, "JWK key")
	_, err = d.Authorized(AssertionMethod, "did:example:issuer#missing")
	assert.ErrorIs(t, err, ErrNotFound)

	r := ResolverFunc(func(_ context.Context, id DID) (*Document, error) { return d, nil })
	_, _, err = ResolveVerificationMethod(context.Background(), r, "did:example:issuer#other", AssertionMethod)
	assert.ErrorIs(t, err, ErrNotAuthorized, "a method controlled by another DID does not speak for this one")
	_, _, err = ResolveVerificationMethod(context.Background(), r, "did:example:impostor#key-1", AssertionMethod)
	var re *ResolutionError
	require.True(t, errors.As(err, &re), "a document whose id differs from the DID is refused")
	assert.Equal(t, CodeInvalidDIDDocument, re.Code)
}

func TestParseDocumentRejects(t *testing.T) {
	for name, bad := range map[string]string{
		"duplicate key":    `{"id":"did:example:a","id":"did:example:b"}`,
		"bad id":           `{"id":"example"}`,
		"vm without type":  `{"id":"did:example:a","verificationMethod":[{"id":"#k","controller":"did:example:a"}]}`,
		"bad relationship": `{"id":"did:example:a","assertionMethod":"#k"}`,
		"bad embedded":     `{"id":"did:example:a","assertionMethod":[{"id":"#k"}]}`,
	} {
		_, err := ParseDocument([]byte(bad))
		assert.ErrorIs(t, err, ErrInvalidDocument, name)
	}
}

func TestJWKRejectsPrivateParts(t *testing.T) {
	_, err := ParseJWK([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`))
	assert.Error(t, err)
}

func TestMethodsFailClosed(t *testing.T) {
	_, err := NewMethods(nil)
	assert.Error(t, err)
	_, err = NewMethods(map[string]Resolver{"key": nil})
	assert.Error(t, err)
}

func FuzzParse(f *testing.F) {
	f.Add("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
	f.Add("did:web:example.com%3A8443:users:alice")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatal("DID returned with error")
			}
			return
		}
		if d.String() != s {
			t.Fatalf("round trip %q -> %q", s, d.String())
		}
	})
}

func FuzzParseURL(f *testing.F) {
	f.Add("did:web:example.com/path/to?x=1#key-1")
	f.Add("did:key:z6Mk#z6Mk")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			return
		}
		again, err := ParseURL(u.String())
		if err != nil || again.String() != u.String() {
			t.Fatalf("round trip %q -> %q (%v)", s, u.String(), err)
		}
	})
}
