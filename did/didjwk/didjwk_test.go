package didjwk_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/multikey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
)

type example struct {
	Name        string         `json:"name"`
	DID         string         `json:"did"`
	DIDURL      string         `json:"didUrl"`
	DecodedJWK  map[string]any `json:"decodedJwk"`
	DIDDocument map[string]any `json:"didDocument"`
}

func examples(t *testing.T) []example {
	data, err := os.ReadFile("testdata/examples.json")
	require.NoError(t, err)
	var f struct {
		Examples []example `json:"examples"`
	}
	require.NoError(t, json.Unmarshal(data, &f))
	require.Len(t, f.Examples, 2)
	return f.Examples
}

func ids(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, strings.Replace(e.(string), "did:jwk:$", "did:jwk:", 1)) // spec typo
	}
	return out
}

func TestSpecExamples(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(ex.Name, func(t *testing.T) {
			d, err := did.Parse(ex.DID)
			require.NoError(t, err)
			raw, err := didjwk.Parse(d)
			require.NoError(t, err)
			var jwk map[string]any
			require.NoError(t, json.Unmarshal(raw, &jwk))
			assert.Equal(t, ex.DecodedJWK, jwk)
			doc, err := didjwk.Resolver{}.Resolve(context.Background(), d)
			require.NoError(t, err)
			assert.Equal(t, ex.DIDDocument["id"], doc.ID)
			require.Len(t, doc.VerificationMethod, 1)
			assert.Equal(t, ex.DIDURL, doc.VerificationMethod[0].ID)
			for _, rel := range []did.Relationship{did.AssertionMethod, did.Authentication, did.CapabilityInvocation, did.CapabilityDelegation, did.KeyAgreement} {
				want, ok := ex.DIDDocument[string(rel)]
				if !ok {
					assert.Empty(t, doc.Relationship(rel), rel)
					continue
				}
				assert.Equal(t, ids(want), doc.Relationship(rel), rel)
			}
		})
	}
}

func TestFromPublicKeyRoundTrip(t *testing.T) {
	for _, kt := range []didkey.KeyType{didkey.Ed25519, didkey.P256, didkey.P384} {
		k, err := didkey.Generate(kt)
		require.NoError(t, err)
		d, err := didjwk.FromPublicKey(k.Public())
		require.NoError(t, err)
		doc, err := didjwk.Document(d)
		require.NoError(t, err)
		pub, err := doc.VerificationMethod[0].PublicKey()
		require.NoError(t, err)
		assert.Equal(t, k.Public(), pub)
	}
}

// A did:key key signs as did:jwk, and the credential verifies through the
// did:jwk resolver.
func TestSignVerifyWithDIDJWK(t *testing.T) {
	rdfcE, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	rdfcP, err := ecdsa2019.NewRDFC(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"jwk": didjwk.Resolver{}})
	require.NoError(t, err)
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:x","credentialSubject":{"id":"did:example:y"}}`)
	for _, tc := range []struct {
		kt    didkey.KeyType
		suite proof.Suite
	}{{didkey.Ed25519, rdfcE}, {didkey.P256, rdfcP}} {
		k, err := didkey.Generate(tc.kt)
		require.NoError(t, err)
		s, err := didjwk.NewSigner(k)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(s.VerificationMethod(), "did:jwk:"))
		signed, err := proof.Sign(context.Background(), doc, tc.suite, s, proof.Options{Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
		require.NoError(t, err)
		_, err = proof.Verify(context.Background(), signed, proof.VerifyOptions{Suites: []proof.Suite{tc.suite}, Resolver: r, Now: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)})
		require.NoError(t, err)
	}
}

func TestRejects(t *testing.T) {
	enc := func(s string) string { return "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, s := range map[string]string{
		"private key": enc(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`),
		"not JSON":    enc(`nope`),
		"no kty":      enc(`{"crv":"P-256"}`),
		"dup member":  enc(`{"kty":"EC","kty":"OKP"}`),
		"padding":     "did:jwk:" + base64.URLEncoding.EncodeToString([]byte(`{"kty":"EC","crv":"P-256","x":"ab"}`)),
	} {
		d, err := did.Parse(s)
		if err != nil {
			continue // padding '=' is not even DID syntax
		}
		_, err = didjwk.Document(d)
		assert.ErrorIs(t, err, did.ErrInvalidDID, name)
	}
}

// A did:jwk carrying private key material is refused whatever the letter
// case of the member (some JWK readers match names case-insensitively);
// so is an Ed25519 key of small order or encoded non-canonically.
func TestRejectsPrivateMembersAndWeakKeys(t *testing.T) {
	enc := func(s string) string { return "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte(s)) }
	const x, dv = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
	for _, tc := range []struct {
		name, jwk string
		want      error
	}{
		{"d", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `","d":"` + dv + `"}`, did.ErrPrivateKeyMaterial},
		{"D", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `","D":"` + dv + `"}`, did.ErrPrivateKeyMaterial},
		{"RSA p", `{"kty":"RSA","n":"AQAB","e":"AQAB","p":"AQAB"}`, did.ErrPrivateKeyMaterial},
		{"RSA Qi", `{"kty":"RSA","n":"AQAB","e":"AQAB","Qi":"AQAB"}`, did.ErrPrivateKeyMaterial},
		{"RSA oth", `{"kty":"RSA","n":"AQAB","e":"AQAB","oth":[]}`, did.ErrPrivateKeyMaterial},
		{"X25519 d", `{"kty":"OKP","crv":"X25519","x":"` + x + `","d":"` + dv + `"}`, did.ErrPrivateKeyMaterial},
		{"identity key", `{"kty":"OKP","crv":"Ed25519","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`, did.ErrSmallOrderKey},
		{"order 8 key", `{"kty":"OKP","crv":"Ed25519","x":"JuiVj8KyJ7BFw_SJ8u-Y8NXfrAXTxjM5sTgCiG1T_AU"}`, did.ErrSmallOrderKey},
		{"y >= p", `{"kty":"OKP","crv":"Ed25519","x":"8P_______________________________________38"}`, multikey.ErrNonCanonical},
	} {
		d, err := did.Parse(enc(tc.jwk))
		require.NoError(t, err, tc.name)
		raw, err := didjwk.Parse(d)
		assert.ErrorIs(t, err, did.ErrInvalidDID, tc.name)
		assert.ErrorIs(t, err, tc.want, tc.name)
		assert.Nil(t, raw)
		_, err = didjwk.Resolver{}.Resolve(context.Background(), d)
		assert.ErrorIs(t, err, tc.want, tc.name)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9")
	f.Fuzz(func(t *testing.T, id string) {
		d, err := did.Parse("did:jwk:" + id)
		if err != nil {
			return
		}
		doc, err := didjwk.Document(d)
		if err != nil {
			if doc != nil {
				t.Fatal("document with error")
			}
			return
		}
		if !bytes.Equal(doc.VerificationMethod[0].PublicKeyJwk, mustDecode(t, id)) {
			t.Fatal("document JWK differs from the DID's")
		}
	})
}

func mustDecode(t *testing.T, s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// RS256: an RSA did:jwk key signs an OB 3.0 VC-JWT that verifies through
// the did:jwk resolver; a 1024-bit key is refused.
func TestRSA(t *testing.T) {
	k, err := didjwk.GenerateRSA(2048)
	require.NoError(t, err)
	jwk, err := k.PrivateJWK()
	require.NoError(t, err)
	back, err := didjwk.ParseRSAPrivateJWK(jwk)
	require.NoError(t, err)
	assert.Equal(t, k.DID(), back.DID())
	doc, err := didjwk.Document(k.DID())
	require.NoError(t, err)
	pub, err := doc.VerificationMethod[0].PublicKey()
	require.NoError(t, err)
	assert.Equal(t, k.Public(), pub)
	_, err = didjwk.GenerateRSA(1024)
	assert.Error(t, err)
}
