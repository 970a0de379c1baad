package legacy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/vc/contexts"
)

func secpVerify(t *testing.T, doc []byte) error {
	t.Helper()
	suite, err := legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	_, err = proof.Verify(context.Background(), doc, proof.VerifyOptions{
		Suites: []proof.Suite{suite}, Resolver: r, Purpose: proof.AssertionMethod,
		Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	return err
}

// Blockcerts' status lists, signed by their issuer with a secp256k1
// did:key (cert-verifier-js test fixtures), verify; edited copies do not.
func TestEcdsaSecp256k1Signature2019Blockcerts(t *testing.T) {
	for _, f := range []string{"blockcerts-status-list-2021.json", "blockcerts-status-list-2021-suspension.json"} {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile("testdata/blockcerts/" + f)
			require.NoError(t, err)
			require.NoError(t, secpVerify(t, data))

			edit := func(fn func(m map[string]any)) []byte {
				var m map[string]any
				require.NoError(t, json.Unmarshal(data, &m))
				fn(m)
				out, err := json.Marshal(m)
				require.NoError(t, err)
				return out
			}
			p := func(m map[string]any) map[string]any { return m["proof"].(map[string]any) }
			jws := func(m map[string]any) string { return p(m)["jws"].(string) }
			for name, bad := range map[string][]byte{
				"list edited": edit(func(m map[string]any) {
					m["credentialSubject"].(map[string]any)["encodedList"] = "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
				}),
				"created edited": edit(func(m map[string]any) { p(m)["created"] = "2025-03-07T13:32:55.030Z" }),
				"signature bit": edit(func(m map[string]any) {
					s := jws(m)
					p(m)["jws"] = s[:len(s)-2] + map[bool]string{true: "AA", false: "AB"}[!strings.HasSuffix(s, "AA")]
				}),
				"header alg ES256": edit(func(m map[string]any) {
					p(m)["jws"] = "eyJhbGciOiJFUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19" + jws(m)[strings.Index(jws(m), ".."):]
				}),
				"attached payload": edit(func(m map[string]any) { s := jws(m); p(m)["jws"] = strings.Replace(s, "..", ".e30.", 1) }),
				"no jws":           edit(func(m map[string]any) { delete(p(m), "jws") }),
			} {
				assert.Error(t, secpVerify(t, bad), name)
			}
		})
	}
}

// Round trip with a fresh secp256k1 did:key; another key fails.
func TestEcdsaSecp256k1Signature2019RoundTrip(t *testing.T) {
	key, err := didkey.NewFromSeed(didkey.Secp256k1, bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://w3id.org/security/suites/secp256k1-2019/v1"],"id":"urn:uuid:k1","type":["VerifiableCredential"],"issuer":"` + key.DID().String() + `","credentialSubject":{"id":"did:example:learner"}}`)
	suite, err := legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	require.NoError(t, err)
	signed, err := proof.Sign(context.Background(), doc, suite, key, proof.Options{Created: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.NoError(t, secpVerify(t, signed))
	assert.Contains(t, string(signed), `"jws":"eyJhbGciOiJFUzI1NksiLCJiNjQiOmZhbHNlLCJjcml0IjpbImI2NCJdfQ..`)

	ed, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	_, err = proof.Sign(context.Background(), doc, suite, ed, proof.Options{})
	assert.ErrorIs(t, err, proof.ErrWrongKeyType)
}

// FuzzEcdsaSecp256k1Signature2019JWS: any jws value is verified or refused
// with an error, never a panic; only the original verifies.
func FuzzEcdsaSecp256k1Signature2019JWS(f *testing.F) {
	data, err := os.ReadFile("testdata/blockcerts/blockcerts-status-list-2021.json")
	if err != nil {
		f.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		f.Fatal(err)
	}
	orig := m["proof"].(map[string]any)["jws"].(string)
	f.Add(orig)
	f.Add("eyJhbGciOiJub25lIn0..")
	f.Add("..")
	f.Fuzz(func(t *testing.T, jws string) {
		m["proof"].(map[string]any)["jws"] = jws
		doc, err := json.Marshal(m)
		if err != nil {
			return
		}
		if err := secpVerify(t, doc); err == nil && jws != orig {
			t.Fatalf("a different jws verified: %q", jws)
		}
	})
}
