package legacy_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
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

const dir = "../../testdata/vectors/eddsa/TestVectors/Ed25519Signature2020"

func read(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	return b
}

func suite(t testing.TB) *legacy.Ed25519Signature2020 {
	s, err := legacy.NewEd25519Signature2020(contexts.Default())
	require.NoError(t, err)
	return s.(*legacy.Ed25519Signature2020)
}

func opts(t testing.TB) proof.VerifyOptions {
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	return proof.VerifyOptions{Suites: []proof.Suite{suite(t)}, Resolver: r, Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// The W3C vc-di-eddsa Ed25519Signature2020 vector, step by step, then
// signing reproduces it and the signed vector verifies.
func TestVectorStepByStep(t *testing.T) {
	var signed map[string]any
	require.NoError(t, json.Unmarshal(read(t, "signedEdSig.json"), &signed))
	unsecured := map[string]any{}
	for k, v := range signed {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	var config map[string]any
	require.NoError(t, json.Unmarshal(read(t, "proofConfigEdSig.json"), &config))
	s := suite(t)
	pc, dc, err := s.Canonical(unsecured, config)
	require.NoError(t, err)
	assert.Equal(t, string(read(t, "proofCanonEdSig.txt")), string(pc))
	assert.Equal(t, string(read(t, "canonDocEdSig.txt")), string(dc))
	hashData, err := s.HashData(unsecured, config)
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSpace(string(read(t, "combinedHashEdSig.txt"))), hex.EncodeToString(hashData))
	seed, _ := hex.DecodeString("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6")
	key, err := didkey.NewEd25519FromSeed(seed)
	require.NoError(t, err)
	sig := ed25519.Sign(ed25519.NewKeyFromSeed(seed), hashData)
	assert.Equal(t, strings.TrimSpace(string(read(t, "sigHexEdSig.txt"))), hex.EncodeToString(sig))

	doc, err := json.Marshal(unsecured)
	require.NoError(t, err)
	out, err := proof.Sign(context.Background(), doc, s, key, proof.Options{Created: time.Date(2023, 2, 24, 23, 36, 38, 0, time.UTC)})
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, signed["proof"], got["proof"], "signing reproduces the vector's proof")

	_, err = proof.Verify(context.Background(), read(t, "signedEdSig.json"), opts(t))
	require.NoError(t, err)
	bad := strings.Replace(string(read(t, "signedEdSig.json")), "School of Examples", "School of Exampled", 1)
	_, err = proof.Verify(context.Background(), []byte(bad), opts(t))
	assert.ErrorIs(t, err, proof.ErrInvalidSignature)
}

func TestAddContext(t *testing.T) {
	in := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`)
	out, err := legacy.AddContext(in)
	require.NoError(t, err)
	assert.Contains(t, string(out), legacy.ContextEd25519Signature2020)
	again, err := legacy.AddContext(out)
	require.NoError(t, err)
	assert.Equal(t, out, again, "idempotent")
}
