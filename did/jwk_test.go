package did

import (
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/multikey"
)

const (
	// The RFC 8037 appendix A.1 Ed25519 key.
	rfc8037X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
	rfc8037D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
)

// A private member is refused whatever its letter case: go-jose reads only
// "d", but a reader that matches names case-insensitively would take
// {"D": …} for a private key.
func TestJWKRejectsPrivateMembersInAnyCase(t *testing.T) {
	ed := func(extra string) string {
		return `{"kty":"OKP","crv":"Ed25519","x":"` + rfc8037X + `",` + extra + `}`
	}
	for _, jwk := range []string{
		ed(`"d":"` + rfc8037D + `"`),
		ed(`"D":"` + rfc8037D + `"`),
		ed(`"k":"AAAA"`),
		ed(`"K":"AAAA"`),
		`{"kty":"RSA","n":"AQAB","e":"AQAB","p":"AQAB"}`,
		`{"kty":"RSA","n":"AQAB","e":"AQAB","Q":"AQAB"}`,
		`{"kty":"RSA","n":"AQAB","e":"AQAB","dP":"AQAB"}`,
		`{"kty":"RSA","n":"AQAB","e":"AQAB","DQ":"AQAB"}`,
		`{"kty":"RSA","n":"AQAB","e":"AQAB","qI":"AQAB"}`,
		`{"kty":"RSA","n":"AQAB","e":"AQAB","OTH":[{"r":"AQAB","d":"AQAB","t":"AQAB"}]}`,
		`{"kty":"EC","crv":"P-256","x":"acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0","y":"_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE","D":"AAAA"}`,
	} {
		assert.ErrorIs(t, CheckPublicJWK([]byte(jwk)), ErrPrivateKeyMaterial, jwk)
		pub, err := ParseJWK([]byte(jwk))
		assert.ErrorIs(t, err, ErrPrivateKeyMaterial, jwk)
		assert.Nil(t, pub)
		vm := VerificationMethod{ID: "did:example:a#k", Type: "JsonWebKey", Controller: "did:example:a", PublicKeyJwk: json.RawMessage(jwk)}
		_, err = vm.PublicKey()
		assert.ErrorIs(t, err, errInvalidKey, jwk)
		assert.ErrorIs(t, err, ErrPrivateKeyMaterial, jwk)
	}
	// Names that only resemble private members are public.
	pub, err := ParseJWK([]byte(ed(`"kid":"d","dd":"x"`)))
	require.NoError(t, err)
	assert.Len(t, pub, ed25519.PublicKeySize)
}

func TestJWKRejectsDuplicateMembers(t *testing.T) {
	_, err := ParseJWK([]byte(`{"kty":"OKP","crv":"Ed25519","x":"` + rfc8037X + `","x":"` + identityX + `"}`))
	assert.Error(t, err)
}

func TestJWKRejectsSmallOrderEd25519(t *testing.T) {
	for name, x := range map[string]string{
		"identity":              identityX,
		"order 8":               "JuiVj8KyJ7BFw_SJ8u-Y8NXfrAXTxjM5sTgCiG1T_AU",
		"identity, y = p+1":     "7v_______________________________________38",
		"order 4, y = p, x odd": "7f________________________________________8",
	} {
		jwk := []byte(`{"kty":"OKP","crv":"Ed25519","x":"` + x + `"}`)
		pub, err := ParseJWK(jwk)
		assert.ErrorIs(t, err, ErrSmallOrderKey, name)
		assert.Nil(t, pub)
	}
	pub, err := ParseJWK([]byte(`{"kty":"OKP","crv":"Ed25519","x":"` + rfc8037X + `"}`))
	require.NoError(t, err, "the RFC 8037 key")
	assert.Len(t, pub, ed25519.PublicKeySize)
}

func FuzzParseJWK(f *testing.F) {
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"` + rfc8037X + `"}`))
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"` + rfc8037X + `","D":"` + rfc8037D + `"}`))
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"` + identityX + `"}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0","y":"_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, err := ParseJWK(data)
		if err != nil {
			if pub != nil {
				t.Fatal("key returned with error")
			}
			return
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil {
			t.Fatal("accepted a JWK that is not an object")
		}
		for name := range m {
			for _, p := range privateJWKMembers {
				if strings.EqualFold(name, p) {
					t.Fatalf("accepted private member %q", name)
				}
			}
		}
		if k, ok := pub.(ed25519.PublicKey); ok && multikey.CheckEd25519(k) != nil {
			t.Fatal("accepted a weak Ed25519 key")
		}
	})
}
