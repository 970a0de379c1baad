package didkey_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/multikey"
)

var allTypes = []didkey.KeyType{didkey.Ed25519, didkey.P256, didkey.P384, didkey.Secp256k1}

// The Multikey encodings round-trip: the public value is the did:key
// identifier's method-specific part, and the secret value parses back to
// the same key of the same type.
func TestMultibaseRoundTrip(t *testing.T) {
	for _, kt := range allTypes {
		t.Run(string(kt), func(t *testing.T) {
			k, err := didkey.NewFromSeed(kt, bytes.Repeat([]byte{3}, 32))
			require.NoError(t, err)
			assert.Equal(t, "did:key:"+k.PublicKeyMultibase(), k.DID().String())
			sec := k.SecretKeyMultibase()
			require.True(t, strings.HasPrefix(sec, "z"), "base58btc")
			back, err := didkey.ParseSecretKeyMultibase(sec)
			require.NoError(t, err)
			assert.Equal(t, kt, back.Type())
			assert.Equal(t, k.DID(), back.DID())
			assert.Equal(t, k.Bytes(), back.Bytes())
		})
	}
}

// Corrupted secret values are errors that never quote the input.
func TestParseSecretKeyMultibaseRefuses(t *testing.T) {
	k, err := didkey.NewFromSeed(didkey.P256, bytes.Repeat([]byte{5}, 32))
	require.NoError(t, err)
	sec := k.SecretKeyMultibase()
	for name, in := range map[string]string{
		"empty":             "",
		"not base58btc":     "m" + sec[1:],
		"truncated":         sec[:len(sec)-3],
		"extended":          sec + "2",
		"bad character":     sec[:5] + "0" + sec[6:],
		"public key":        k.PublicKeyMultibase(),
		"did instead":       k.DID().String(),
		"whitespace around": " " + sec,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := didkey.ParseSecretKeyMultibase(in)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "didkey: "), "error %q names the package", err)
			if len(in) > 8 {
				assert.NotContains(t, err.Error(), in[1:9], "error quotes no key material")
			}
		})
	}
	// Well-formed Multikey, but the P-256 scalar is zero: not a key.
	zero, err := multikey.EncodeSecret(multikey.P256Priv, make([]byte, 32))
	require.NoError(t, err)
	_, err = didkey.ParseSecretKeyMultibase(zero)
	require.Error(t, err)
}

func FuzzParseSecretKeyMultibase(f *testing.F) {
	for _, kt := range allTypes {
		k, err := didkey.NewFromSeed(kt, bytes.Repeat([]byte{9}, 32))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(k.SecretKeyMultibase())
		f.Add(k.PublicKeyMultibase())
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := didkey.ParseSecretKeyMultibase(s)
		if err != nil {
			return
		}
		// Anything accepted re-encodes to the same value and is a working key.
		if got := k.SecretKeyMultibase(); got != s {
			t.Fatalf("re-encoding %q gives %q", s, got)
		}
	})
}
