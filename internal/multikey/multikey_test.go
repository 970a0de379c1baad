package multikey

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Keys from the did:key vectors and the W3C vc-di-eddsa / vc-di-ecdsa
// vectors (testdata of did/didkey and testdata/vectors).
var knownPublic = []string{
	"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",                        // Ed25519, vc-di-eddsa keyPair.json
	"zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP",                       // P-256, vc-di-ecdsa
	"z82LkvCwHNreneWpsgPEbV3gu1C6NFJEBg4srfJ5gdxEsMGRJUz2sG9FE42shbn2xkZJh54", // P-384, did:key nist-curves.json
	"zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",                       // secp256k1, did:key secp256k1.json
}

func TestRoundTripKnownKeys(t *testing.T) {
	for _, s := range knownPublic {
		pub, err := DecodePublic(s)
		require.NoError(t, err, s)
		back, err := EncodePublic(pub)
		require.NoError(t, err)
		assert.Equal(t, s, back)
	}
}

func TestGeneratedKeysRoundTrip(t *testing.T) {
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	k1, err := secp256k1.GeneratePrivateKey()
	require.NoError(t, err)
	for _, pub := range []any{edPub, &p256.PublicKey, &p384.PublicKey, k1.PubKey()} {
		s, err := EncodePublic(pub)
		require.NoError(t, err)
		got, err := DecodePublic(s)
		require.NoError(t, err)
		again, err := EncodePublic(got)
		require.NoError(t, err)
		assert.Equal(t, s, again)
	}
}

func TestSecretRoundTrip(t *testing.T) {
	const w3c = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq" // vc-di-eddsa keyPair.json
	c, seed, err := DecodeSecret(w3c)
	require.NoError(t, err)
	assert.Equal(t, Ed25519Priv, c)
	pub, err := EncodePublic(ed25519.NewKeyFromSeed(seed).Public())
	require.NoError(t, err)
	assert.Equal(t, "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", pub, "the seed derives the vector's public key")
	back, err := EncodeSecret(c, seed)
	require.NoError(t, err)
	assert.Equal(t, w3c, back)
}

func TestDecodeRejects(t *testing.T) {
	for _, s := range []string{
		"", "z", "u6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "z0OIl",
		"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ", // truncated
		encode(Ed25519Pub, make([]byte, 31)),
		encode(P256Pub, append([]byte{4}, make([]byte, 32)...)),
		encode(P256Pub, append([]byte{2}, bytes.Repeat([]byte{0xff}, 32)...)), // x >= p
		encode(Secp256k1Pub, make([]byte, 33)),
		encode(0x55, make([]byte, 32)),
		"z" + "1" + "111111",
	} {
		pub, err := DecodePublic(s)
		assert.ErrorIs(t, err, ErrInvalid, "%q", s)
		assert.Nil(t, pub)
	}
	_, _, err := DecodeSecret(encode(Ed25519Priv, make([]byte, 31)))
	assert.ErrorIs(t, err, ErrInvalid)
	_, _, err = DecodeSecret(knownPublic[0])
	assert.ErrorIs(t, err, ErrInvalid, "a public key is not a secret key")
}

func FuzzDecode(f *testing.F) {
	for _, s := range knownPublic {
		f.Add(s)
	}
	f.Add("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := DecodePublic(s)
		if err != nil {
			if pub != nil {
				t.Fatal("key returned with error")
			}
		} else {
			back, err := EncodePublic(pub)
			if err != nil || back != s {
				t.Fatalf("round trip: %q -> %q (%v)", s, back, err)
			}
		}
		c, b, err := DecodeSecret(s)
		if err == nil {
			back, err := EncodeSecret(c, b)
			if err != nil || back != s {
				t.Fatal("secret round trip failed")
			}
		} else if b != nil || c != 0 {
			t.Fatal("secret returned with error")
		}
	})
}
