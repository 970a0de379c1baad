package legacy_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/vc/contexts"
)

// negateS returns the jws with s replaced by n-s: the other valid ECDSA
// signature over the same bytes.
func negateS(t *testing.T, jws string) string {
	t.Helper()
	i := strings.LastIndex(jws, ".")
	sig, err := base64.RawURLEncoding.DecodeString(jws[i+1:])
	require.NoError(t, err)
	require.Len(t, sig, 64)
	var s secp256k1.ModNScalar
	require.False(t, s.SetByteSlice(sig[32:]))
	b := s.Negate().Bytes()
	copy(sig[32:], b[:])
	return jws[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}

func isHighS(t *testing.T, jws string) bool {
	t.Helper()
	sig, err := base64.RawURLEncoding.DecodeString(jws[strings.LastIndex(jws, ".")+1:])
	require.NoError(t, err)
	var s secp256k1.ModNScalar
	s.SetByteSlice(sig[32:])
	return s.IsOverHalfOrder()
}

// The Blockcerts status lists are low-S; their high-S twins, which are
// equally valid ECDSA signatures, are refused by policy (BIP 62/146).
func TestEcdsaSecp256k1Signature2019RefusesHighS(t *testing.T) {
	for _, f := range []string{"blockcerts-status-list-2021.json", "blockcerts-status-list-2021-suspension.json"} {
		data, err := os.ReadFile("testdata/blockcerts/" + f)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		p := m["proof"].(map[string]any)
		jws := p["jws"].(string)
		require.False(t, isHighS(t, jws), "%s is low-S", f)
		p["jws"] = negateS(t, jws)
		require.True(t, isHighS(t, p["jws"].(string)))
		high, err := json.Marshal(m)
		require.NoError(t, err)
		err = secpVerify(t, high)
		assert.ErrorIs(t, err, legacy.ErrHighS, f)
		assert.ErrorIs(t, err, proof.ErrInvalidSignature, f)
	}
}

// highSigner returns the high-S twin of its key's signatures.
type highSigner struct{ *didkey.Key }

func (h highSigner) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	sig, err := h.Key.Sign(ctx, msg)
	if err != nil {
		return nil, err
	}
	var s secp256k1.ModNScalar
	s.SetByteSlice(sig[32:])
	b := s.Negate().Bytes()
	copy(sig[32:], b[:])
	return sig, nil
}

// Signing emits low-S only, even from a signer that makes high-S ones.
func TestEcdsaSecp256k1Signature2019SignsLowS(t *testing.T) {
	key, err := didkey.NewFromSeed(didkey.Secp256k1, bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://w3id.org/security/suites/secp256k1-2019/v1"],"id":"urn:uuid:k1","type":["VerifiableCredential"],"issuer":"` + key.DID().String() + `","credentialSubject":{"id":"did:example:learner"}}`)
	suite, err := legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	require.NoError(t, err)
	for i, signer := range []proof.Signer{key, highSigner{key}} {
		signed, err := proof.Sign(context.Background(), doc, suite, signer, proof.Options{Created: time.Date(2025, 6, 1, 0, 0, i, 0, time.UTC)})
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(signed, &m))
		assert.False(t, isHighS(t, m["proof"].(map[string]any)["jws"].(string)), "signer %d", i)
		assert.NoError(t, secpVerify(t, signed))
	}
}
