package ecdsa2019_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/json"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/base58"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
)

func curveOf(name string) elliptic.Curve {
	if name == "P-384" {
		return elliptic.P384()
	}
	return elliptic.P256()
}

// twin replaces s by n-s in a base58btc r||s proofValue, and reports
// whether the original s was high (s > n/2).
func twin(t *testing.T, proofValue string, curve elliptic.Curve) (string, bool) {
	t.Helper()
	require.Equal(t, byte('z'), proofValue[0])
	sig, err := base58.Decode(proofValue[1:])
	require.NoError(t, err)
	n := curve.Params().N
	half := len(sig) / 2
	s := new(big.Int).SetBytes(sig[half:])
	high := s.Cmp(new(big.Int).Rsh(n, 1)) > 0
	new(big.Int).Sub(n, s).FillBytes(sig[half:])
	return "z" + base58.Encode(sig), high
}

func highS(t *testing.T, proofValue string, curve elliptic.Curve) bool {
	t.Helper()
	sig, err := base58.Decode(proofValue[1:])
	require.NoError(t, err)
	return new(big.Int).SetBytes(sig[len(sig)/2:]).Cmp(new(big.Int).Rsh(curve.Params().N, 1)) > 0
}

// The decision (package documentation): high-S verifies. The W3C vectors
// are the evidence that refusing it would break interoperability: three
// of the six carry a high-S signature. Each vector's twin (s replaced by
// n-s) verifies too, whichever of the pair the vector holds.
func TestHighSVerifies(t *testing.T) {
	highVectors := map[string]bool{}
	for _, v := range vectors() {
		t.Run(v.name, func(t *testing.T) {
			signedFile := filepath.Join(tv, v.dir, "signed"+v.infix+".json")
			m := readMap(t, signedFile)
			p := m["proof"].(map[string]any)
			orig := p["proofValue"].(string)
			var high bool
			p["proofValue"], high = twin(t, orig, curveOf(v.curve))
			highVectors[v.name] = high
			data, err := json.Marshal(m)
			require.NoError(t, err)
			_, err = proof.Verify(context.Background(), data, verifyOpts(t))
			assert.NoError(t, err, "the (r, n-s) twin of the vector's signature verifies")
		})
	}
	assert.Equal(t, map[string]bool{
		"rdfc-p256": true, "rdfc-p256-employ": false, "rdfc-p384": false,
		"rdfc-p384-employ": true, "jcs-p256": false, "jcs-p384": true,
	}, highVectors, "which W3C vc-di-ecdsa vectors are high-S")
}

// highSigner signs with a did:key and returns the high-S twin of each
// signature, as WebCrypto does about half the time.
type highSigner struct{ *didkey.Key }

func (h highSigner) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	sig, err := h.Key.Sign(ctx, msg)
	if err != nil {
		return nil, err
	}
	n := h.Key.Public().(*ecdsa.PublicKey).Curve.Params().N
	half := len(sig) / 2
	s := new(big.Int).SetBytes(sig[half:])
	new(big.Int).Sub(n, s).FillBytes(sig[half:])
	return sig, nil
}

var _ proof.Signer = highSigner{}

// The suite never emits a high-S signature, even from a signer that only
// makes high ones; the normalised proof verifies.
func TestSignsLowSOnly(t *testing.T) {
	doc := read(t, filepath.Join(tv, "unsigned.json"))
	for _, kt := range []didkey.KeyType{didkey.P256, didkey.P384} {
		for _, suite := range []proof.Suite{rdfc(t), ecdsa2019.NewJCS()} {
			key, err := didkey.Generate(kt)
			require.NoError(t, err)
			curve := key.Public().(*ecdsa.PublicKey).Curve
			for i, signer := range []proof.Signer{key, highSigner{key}, key, highSigner{key}} {
				signed, err := proof.Sign(context.Background(), doc, suite, signer, proof.Options{Created: time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC)})
				require.NoError(t, err)
				var m map[string]any
				require.NoError(t, json.Unmarshal(signed, &m))
				assert.False(t, highS(t, m["proof"].(map[string]any)["proofValue"].(string), curve), "%s %s signer %d", kt, suite.Cryptosuite(), i)
				_, err = proof.Verify(context.Background(), signed, verifyOpts(t))
				assert.NoError(t, err)
			}
		}
	}
}

// A signer whose signature has the wrong size is still reported as such.
type shortSigner struct{ *didkey.Key }

func (s shortSigner) Public() crypto.PublicKey                     { return s.Key.Public() }
func (s shortSigner) Sign(context.Context, []byte) ([]byte, error) { return make([]byte, 10), nil }

func TestWrongSizeSignerRefused(t *testing.T) {
	key, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	_, err = proof.Sign(context.Background(), read(t, filepath.Join(tv, "unsigned.json")), ecdsa2019.NewJCS(), shortSigner{key}, proof.Options{})
	assert.Error(t, err)
}
