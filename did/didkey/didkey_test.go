package didkey_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
)

func loadVectors(t *testing.T, name string) map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile("testdata/vectors/didkey/" + name)
	require.NoError(t, err)
	var v map[string]map[string]any
	require.NoError(t, json.Unmarshal(data, &v))
	return v
}

// Ed25519: seed -> key -> DID, and the DID decodes to the vector's key.
func TestVectorsEd25519(t *testing.T) {
	vectors := loadVectors(t, "ed25519-x25519.json")
	require.Len(t, vectors, 5)
	for id, v := range vectors {
		t.Run(id, func(t *testing.T) {
			seed, err := hex.DecodeString(v["seed"].(string))
			require.NoError(t, err)
			k, err := didkey.NewEd25519FromSeed(seed)
			require.NoError(t, err)
			assert.Equal(t, id, k.DID().String())
			pub, typ, err := didkey.Parse(id)
			require.NoError(t, err)
			assert.Equal(t, didkey.Ed25519, typ)
			vkp := v["verificationKeyPair"].(map[string]any)
			if b58, ok := vkp["publicKeyBase58"].(string); ok {
				want, err := base58.Decode(b58)
				require.NoError(t, err)
				assert.Equal(t, ed25519.PublicKey(want), pub)
			}
		})
	}
}

// secp256k1: the seed is the private scalar.
func TestVectorsSecp256k1(t *testing.T) {
	vectors := loadVectors(t, "secp256k1.json")
	require.Len(t, vectors, 6)
	for id, v := range vectors {
		t.Run(id, func(t *testing.T) {
			vkp := v["verificationKeyPair"].(map[string]any)
			var k *didkey.Key
			if s, ok := v["seed"].(string); ok {
				seed, err := hex.DecodeString(s)
				require.NoError(t, err)
				k, err = didkey.NewFromSeed(didkey.Secp256k1, seed)
				require.NoError(t, err)
			} else {
				// Later entries give the key as a JWK pair instead of a seed.
				d, err := base64.RawURLEncoding.DecodeString(vkp["privateKeyJwk"].(map[string]any)["d"].(string))
				require.NoError(t, err)
				k, err = didkey.NewFromPrivate(didkey.Secp256k1, d)
				require.NoError(t, err)
			}
			assert.Equal(t, id, k.DID().String())
			pub, typ, err := didkey.Parse(id)
			require.NoError(t, err)
			assert.Equal(t, didkey.Secp256k1, typ)
			if b58, ok := vkp["publicKeyBase58"].(string); ok {
				want, err := base58.Decode(b58)
				require.NoError(t, err)
				assert.Equal(t, want, pub.(*secp256k1.PublicKey).SerializeCompressed())
			} else {
				jwk, err := json.Marshal(vkp["publicKeyJwk"])
				require.NoError(t, err)
				want, err := did.ParseJWK(jwk)
				require.NoError(t, err)
				assert.True(t, want.(*secp256k1.PublicKey).IsEqual(pub.(*secp256k1.PublicKey)))
			}
		})
	}
}

// P-256 and P-384: the private JWK's d (or privateKeyBase58) is the scalar;
// P-521 is refused.
func TestVectorsNIST(t *testing.T) {
	vectors := loadVectors(t, "nist-curves.json")
	seen := map[didkey.KeyType]int{}
	for id, v := range vectors {
		vm := v["verificationMethod"].(map[string]any)
		t.Run(id, func(t *testing.T) {
			var typ didkey.KeyType
			switch {
			case strings.HasPrefix(id, "did:key:zDna"):
				typ = didkey.P256
			case strings.HasPrefix(id, "did:key:z82L"):
				typ = didkey.P384
			default: // z2J9: P-521
				_, _, err := didkey.Parse(id)
				assert.ErrorIs(t, err, did.ErrInvalidDID, "P-521 is not supported")
				return
			}
			var d []byte
			var err error
			if jwk, ok := vm["privateKeyJwk"].(map[string]any); ok {
				d, err = base64.RawURLEncoding.DecodeString(jwk["d"].(string))
			} else {
				d, err = base58.Decode(vm["privateKeyBase58"].(string))
			}
			require.NoError(t, err)
			k, err := didkey.NewFromPrivate(typ, d)
			require.NoError(t, err)
			assert.Equal(t, id, k.DID().String())
			pub, gotType, err := didkey.Parse(id)
			require.NoError(t, err)
			assert.Equal(t, typ, gotType)
			if jwk, ok := vm["publicKeyJwk"]; ok {
				data, err := json.Marshal(jwk)
				require.NoError(t, err)
				want, err := did.ParseJWK(data)
				require.NoError(t, err)
				assert.True(t, want.(*ecdsa.PublicKey).Equal(pub))
			}
			seen[typ]++
		})
	}
	assert.Equal(t, 3, seen[didkey.P256])
	assert.Equal(t, 2, seen[didkey.P384])
}

// The W3C vc-di-eddsa key: the seed in keyPair.json derives its
// publicKeyMultibase.
func TestW3CEdDSAKey(t *testing.T) {
	seed, _ := hex.DecodeString("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6")
	k, err := didkey.NewEd25519FromSeed(seed)
	require.NoError(t, err)
	assert.Equal(t, "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", k.DID().String())
	assert.Equal(t, "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", k.VerificationMethod())
}

func TestSeedDerivations(t *testing.T) {
	seed := bytes.Repeat([]byte{0x11}, 32)
	p256, err := didkey.NewFromSeed(didkey.P256, seed)
	require.NoError(t, err)
	assert.Equal(t, seed, p256.Bytes(), "P-256: the seed is the scalar")
	p384, err := didkey.NewFromSeed(didkey.P384, seed)
	require.NoError(t, err)
	h := sha512.Sum384(seed)
	assert.Equal(t, h[:], p384.Bytes(), "P-384: SHA-384(seed) is the scalar")
	k1, err := didkey.NewFromSeed(didkey.Secp256k1, seed)
	require.NoError(t, err)
	assert.Equal(t, seed, k1.Bytes())

	// Out-of-range scalars are refused, not reduced.
	for _, typ := range []didkey.KeyType{didkey.P256, didkey.Secp256k1} {
		_, err := didkey.NewFromSeed(typ, make([]byte, 32))
		assert.Error(t, err, "%s: zero scalar", typ)
		_, err = didkey.NewFromSeed(typ, bytes.Repeat([]byte{0xff}, 32))
		assert.Error(t, err, "%s: scalar >= n", typ)
	}
	_, err = didkey.NewFromSeed(didkey.Ed25519, make([]byte, 31))
	assert.Error(t, err)
	_, err = didkey.NewFromSeed("RSA", seed)
	assert.ErrorIs(t, err, didkey.ErrUnsupportedKeyType)
}

func TestSignVerifiesPerKeyType(t *testing.T) {
	msg := []byte("hash data")
	for _, typ := range []didkey.KeyType{didkey.Ed25519, didkey.P256, didkey.P384, didkey.Secp256k1} {
		t.Run(string(typ), func(t *testing.T) {
			k, err := didkey.Generate(typ)
			require.NoError(t, err)
			sig, err := k.Sign(context.Background(), msg)
			require.NoError(t, err)
			bad := append([]byte(nil), sig...)
			bad[len(bad)-1] ^= 1
			switch pub := k.Public().(type) {
			case ed25519.PublicKey:
				assert.True(t, ed25519.Verify(pub, msg, sig))
				assert.False(t, ed25519.Verify(pub, msg, bad))
			case *ecdsa.PublicKey:
				size := (pub.Curve.Params().BitSize + 7) / 8
				require.Len(t, sig, 2*size)
				var digest []byte
				if size == 48 {
					h := sha512.Sum384(msg)
					digest = h[:]
				} else {
					h := sha256.Sum256(msg)
					digest = h[:]
				}
				r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
				assert.True(t, ecdsa.Verify(pub, digest, r, s))
				assert.False(t, ecdsa.Verify(pub, digest, r, new(big.Int).SetBytes(bad[size:])))
			case *secp256k1.PublicKey:
				require.Len(t, sig, 64)
				var r, s secp256k1.ModNScalar
				r.SetByteSlice(sig[:32])
				s.SetByteSlice(sig[32:])
				assert.False(t, s.IsOverHalfOrder(), "low-S")
				h := sha256.Sum256(msg)
				assert.True(t, secpecdsa.NewSignature(&r, &s).Verify(h[:], pub))
			}
		})
	}
}

// ECDSA signatures are low-S on every curve (without the normalisation
// about half of them would be high).
func TestECDSASignaturesAreLowS(t *testing.T) {
	for _, typ := range []didkey.KeyType{didkey.P256, didkey.P384} {
		k, err := didkey.Generate(typ)
		require.NoError(t, err)
		pub := k.Public().(*ecdsa.PublicKey)
		half := new(big.Int).Rsh(pub.Curve.Params().N, 1)
		size := (pub.Curve.Params().BitSize + 7) / 8
		for i := range 64 {
			sig, err := k.Sign(context.Background(), []byte{byte(i)})
			require.NoError(t, err)
			assert.LessOrEqual(t, new(big.Int).SetBytes(sig[size:]).Cmp(half), 0, "%s signature %d is high-S", typ, i)
		}
	}
}

func TestResolveAndAuthorize(t *testing.T) {
	k, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{1}, 32))
	require.NoError(t, err)
	doc, err := didkey.Resolver{}.Resolve(context.Background(), k.DID())
	require.NoError(t, err)
	assert.Equal(t, k.DID().String(), doc.ID)
	for _, rel := range []did.Relationship{did.AssertionMethod, did.Authentication, did.CapabilityInvocation, did.CapabilityDelegation} {
		vm, err := doc.Authorized(rel, k.VerificationMethod())
		require.NoError(t, err, rel)
		pub, err := vm.PublicKey()
		require.NoError(t, err)
		assert.Equal(t, k.Public(), pub)
	}
	_, err = doc.Authorized(did.KeyAgreement, k.VerificationMethod())
	assert.ErrorIs(t, err, did.ErrNotAuthorized, "Ed25519 did:key documents list no keyAgreement key here")

	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	vm, _, err := did.ResolveVerificationMethod(context.Background(), r, k.VerificationMethod(), did.AssertionMethod)
	require.NoError(t, err)
	assert.Equal(t, k.DID().String(), vm.Controller)
	// A fragment naming another key of the same DID is not found.
	other := k.DID().String() + "#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	_, _, err = did.ResolveVerificationMethod(context.Background(), r, other, did.AssertionMethod)
	assert.ErrorIs(t, err, did.ErrNotFound)
	_, _, err = did.ResolveVerificationMethod(context.Background(), r, "did:web:example.com#key-1", did.AssertionMethod)
	assert.ErrorIs(t, err, did.ErrMethodNotSupported)
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{"did:key:", "did:key:abc", "did:key:u6MkrJV", "did:web:example.com", "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ"} {
		_, _, err := didkey.Parse(s)
		assert.ErrorIs(t, err, did.ErrInvalidDID, s)
	}
}

func TestNoSecretsInErrors(t *testing.T) {
	secret := bytes.Repeat([]byte{0xff}, 32)
	_, err := didkey.NewFromPrivate(didkey.Secp256k1, secret)
	require.Error(t, err)
	assert.NotContains(t, strings.ToLower(err.Error()), hex.EncodeToString(secret))
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pub, typ, err := didkey.Parse(s)
		if err != nil {
			if pub != nil || typ != "" {
				t.Fatal("values returned with error")
			}
			return
		}
		d, err := did.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := didkey.Document(d); err != nil {
			t.Fatalf("parsed but no document: %v", err)
		}
	})
}

func BenchmarkSign(b *testing.B) {
	msg := make([]byte, 64)
	for _, typ := range []didkey.KeyType{didkey.Ed25519, didkey.P256, didkey.P384, didkey.Secp256k1} {
		b.Run(string(typ), func(b *testing.B) {
			k, err := didkey.NewFromSeed(typ, bytes.Repeat([]byte{3}, 32))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Sign(context.Background(), msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A deterministic key from a fixed seed, for tests and demos.
func ExampleNewFromSeed() {
	seed, err := hex.DecodeString("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6")
	if err != nil {
		log.Fatal(err)
	}
	key, err := didkey.NewFromSeed(didkey.Ed25519, seed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.DID())
	fmt.Println(key.VerificationMethod())
	// Output:
	// did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2
	// did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2
}

// Resolve a did:key offline and read its assertion key.
func ExampleResolver() {
	d, err := did.Parse("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
	if err != nil {
		log.Fatal(err)
	}
	doc, err := didkey.Resolver{}.Resolve(context.Background(), d)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(doc.Relationship(did.AssertionMethod))
	// Output:
	// [did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2]
}

// A did:key DID without a fragment names the one verification method its
// document holds, did:key:X#X, for the relationships that document lists
// it under; any other DID URL without a fragment, a did:key with a path,
// query or empty fragment, or a did:key document with more than one
// method (from a resolver that is not this package's) is refused.
func TestBareDIDKey(t *testing.T) {
	ctx := context.Background()
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{5}, 32))
	require.NoError(t, err)
	bare := key.DID().String()
	methods, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	for _, rel := range []did.Relationship{did.AssertionMethod, did.Authentication, did.CapabilityInvocation, did.CapabilityDelegation} {
		vm, doc, err := did.ResolveVerificationMethod(ctx, methods, bare, rel)
		require.NoError(t, err, rel)
		assert.Equal(t, key.VerificationMethod(), vm.ID)
		assert.Equal(t, bare, vm.Controller)
		assert.Equal(t, bare, doc.ID)
	}
	// Not listed under keyAgreement: refused for it, as did:key:X#X is.
	_, _, err = did.ResolveVerificationMethod(ctx, methods, bare, did.KeyAgreement)
	assert.ErrorIs(t, err, did.ErrNotAuthorized)
	_, _, err = did.ResolveVerificationMethod(ctx, methods, key.VerificationMethod(), did.KeyAgreement)
	assert.ErrorIs(t, err, did.ErrNotAuthorized)

	for _, vm := range []string{bare + "#", bare + "?service=x", bare + "/path", "did:example:" + key.DID().ID()} {
		_, _, err := did.ResolveVerificationMethod(ctx, methods, vm, did.AssertionMethod)
		assert.ErrorIs(t, err, did.ErrInvalidDID, vm)
	}
	// A "key" resolver whose document holds a second method (an X25519
	// key agreement key, as some did:key resolvers derive): the bare DID
	// would name one of two, so it names none.
	two, err := didkey.Document(key.DID())
	require.NoError(t, err)
	two.VerificationMethod = append(two.VerificationMethod, did.VerificationMethod{ID: bare + "#z6LSx", Type: "Multikey", Controller: bare, PublicKeyMultibase: "z6LSx"})
	other, err := did.NewMethods(map[string]did.Resolver{"key": did.ResolverFunc(func(context.Context, did.DID) (*did.Document, error) { return two, nil })})
	require.NoError(t, err)
	_, _, err = did.ResolveVerificationMethod(ctx, other, bare, did.AssertionMethod)
	assert.ErrorIs(t, err, did.ErrInvalidDID)
	_, _, err = did.ResolveVerificationMethod(ctx, other, key.VerificationMethod(), did.AssertionMethod)
	assert.NoError(t, err, "with its fragment the method is named exactly")
}
