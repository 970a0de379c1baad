package proof_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/multikey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc/contexts"
)

// only is a crypto.Signer and nothing else, as a cloud KMS or HSM client
// offers it: NewSigner cannot reach the private key behind it.
type only struct{ s crypto.Signer }

func (o only) Public() crypto.PublicKey { return o.s.Public() }
func (o only) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return o.s.Sign(r, digest, opts)
}

// k1 is a secp256k1 crypto.Signer (Go's crypto/ecdsa has no secp256k1):
// ASN.1 DER signatures, its public key as *secp256k1.PublicKey or, as
// some KMS clients give it, as an *ecdsa.PublicKey on secp256k1.S256().
type k1 struct {
	key     *secp256k1.PrivateKey
	asECDSA bool
}

func (k k1) Public() crypto.PublicKey {
	if k.asECDSA {
		return k.key.PubKey().ToECDSA()
	}
	return k.key.PubKey()
}

func (k k1) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts.HashFunc() != crypto.SHA256 || len(digest) != 32 {
		return nil, errors.New("k1: want a SHA-256 digest")
	}
	return secpecdsa.Sign(k.key, digest).Serialize(), nil
}

// highS returns its ECDSA signer's signatures with s replaced by n-s when
// s is low: always the high twin, which is as valid.
type highS struct {
	crypto.Signer
	n *big.Int
}

func (h highS) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	der, err := h.Signer.Sign(r, digest, opts)
	if err != nil {
		return nil, err
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		return nil, err
	}
	if sig.S.Cmp(new(big.Int).Rsh(h.n, 1)) <= 0 {
		sig.S.Sub(h.n, sig.S)
	}
	return asn1.Marshal(sig)
}

// didKeyVM is the did:key verification method of a public key.
func didKeyVM(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	enc, err := multikey.EncodePublic(pub)
	require.NoError(t, err)
	return "did:key:" + enc + "#" + enc
}

func unsignedCredential(issuer string) []byte {
	return []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:1b4f7d0c-2f3e-4c55-9a4e-6f0e7a1c9e11","type":["VerifiableCredential"],"issuer":"` + issuer + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"}}`)
}

// Real Ed25519, ECDSA (P-256, P-384, secp256k1) and RSA keys behind
// nothing but crypto.Signer sign through the real suites and JWTs, and
// verify.
func TestNewSignerSignsThroughTheSuites(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}, "jwk": didjwk.Resolver{}})
	require.NoError(t, err)
	rdfc, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	ecRDFC, err := ecdsa2019.NewRDFC(contexts.Default())
	require.NoError(t, err)
	sd, err := ecdsasd2023.New(contexts.Default())
	require.NoError(t, err)
	k1Suite, err := legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	require.NoError(t, err)

	_, edPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	k1Priv, err := secp256k1.GeneratePrivateKey()
	require.NoError(t, err)
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	rsaDID, err := didjwk.FromPublicKey(&rsaPriv.PublicKey)
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		signer crypto.Signer
		vm     func(pub crypto.PublicKey) string
		suites []proof.Suite
		alg    string
	}{
		{"Ed25519", only{edPriv}, nil, []proof.Suite{rdfc, eddsa2022.NewJCS()}, "EdDSA"},
		{"P-256", only{p256}, nil, []proof.Suite{ecRDFC, ecdsa2019.NewJCS(), sd}, "ES256"},
		{"P-256 high-S", only{highS{p256, elliptic.P256().Params().N}}, nil, []proof.Suite{ecRDFC}, "ES256"},
		{"P-384", only{p384}, nil, []proof.Suite{ecRDFC, ecdsa2019.NewJCS()}, "ES384"},
		{"P-384 high-S", only{highS{p384, elliptic.P384().Params().N}}, nil, []proof.Suite{ecdsa2019.NewJCS()}, "ES384"},
		{"secp256k1", only{k1{key: k1Priv}}, nil, []proof.Suite{k1Suite}, "ES256K"},
		{"secp256k1 as ecdsa.PublicKey", only{k1{key: k1Priv, asECDSA: true}}, nil, []proof.Suite{k1Suite}, "ES256K"},
		{"secp256k1 high-S", only{highS{k1{key: k1Priv}, secp256k1.Params().N}}, nil, []proof.Suite{k1Suite}, "ES256K"},
		{"RSA", only{rsaPriv}, func(crypto.PublicKey) string { return rsaDID.String() + "#0" }, nil, "RS256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The verification method needs the public key the adapter
			// exposes (secp256k1 normalised to *secp256k1.PublicKey).
			probe, err := proof.NewSigner(tc.signer, "did:example:probe#key-1")
			require.NoError(t, err)
			vm := ""
			if tc.vm != nil {
				vm = tc.vm(probe.Public())
			} else {
				vm = didKeyVM(t, probe.Public())
			}
			signer, err := proof.NewSigner(tc.signer, vm)
			require.NoError(t, err)
			assert.Equal(t, vm, signer.VerificationMethod())
			issuer, _, _ := cutFragment(vm)
			doc := unsignedCredential(issuer)

			for _, suite := range tc.suites {
				name := suite.Cryptosuite()
				if name == "" {
					name = suite.Type()
				}
				t.Run(name, func(t *testing.T) {
					d := doc
					if suite.Type() == legacy.TypeEcdsaSecp256k1Signature2019 {
						d, err = legacy.AddContextFor(d, suite.Type())
						require.NoError(t, err)
					}
					signed, err := proof.Sign(ctx, d, suite, signer, proof.Options{Created: at})
					require.NoError(t, err)
					if suite == sd {
						// A base proof is the holder's: verify a derived credential.
						signed, err = sd.Derive(signed, []string{"/credentialSubject/id"})
						require.NoError(t, err)
					}
					res, err := proof.Verify(ctx, signed, proof.VerifyOptions{Suites: []proof.Suite{suite}, Resolver: resolver, Now: at})
					require.NoError(t, err)
					assert.Equal(t, issuer, res.Verified().Controller)
				})
			}
			t.Run("JWT "+tc.alg, func(t *testing.T) {
				alg, err := vcjwt.AlgorithmFor(signer.Public())
				require.NoError(t, err)
				assert.Equal(t, tc.alg, alg)
				token, err := vcjwt.Sign(ctx, doc, signer, vcjwt.FormatJOSE)
				require.NoError(t, err)
				res, err := vcjwt.Verify(ctx, token, vcjwt.VerifyOptions{Resolver: resolver, Now: at})
				require.NoError(t, err)
				assert.Equal(t, tc.alg, res.Algorithm)
			})
		})
	}
}

func cutFragment(vm string) (string, string, bool) {
	for i := 0; i < len(vm); i++ {
		if vm[i] == '#' {
			return vm[:i], vm[i+1:], true
		}
	}
	return vm, "", false
}

// ECDSA signatures come out as the fixed-size r||s, always low-S, whatever
// twin the crypto.Signer returns.
func TestNewSignerECDSAIsFixedSizeLowS(t *testing.T) {
	ctx := context.Background()
	k1Priv, err := secp256k1.GeneratePrivateKey()
	require.NoError(t, err)
	for _, curve := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), nil} {
		var cs crypto.Signer
		var n *big.Int
		size := 32
		if curve == nil {
			cs, n = k1{key: k1Priv}, secp256k1.Params().N
		} else {
			k, err := ecdsa.GenerateKey(curve, rand.Reader)
			require.NoError(t, err)
			cs, n, size = k, curve.Params().N, (curve.Params().BitSize+7)/8
		}
		for _, s := range []crypto.Signer{cs, highS{cs, n}} {
			signer, err := proof.NewSigner(only{s}, "did:example:issuer#key-1")
			require.NoError(t, err)
			for range 20 {
				sig, err := signer.Sign(ctx, []byte("message"))
				require.NoError(t, err)
				require.Len(t, sig, 2*size)
				sv := new(big.Int).SetBytes(sig[size:])
				assert.LessOrEqual(t, sv.Cmp(new(big.Int).Rsh(n, 1)), 0, "low-S")
			}
		}
	}
}

// swapped signs with one key and claims another's public key.
type swapped struct {
	crypto.Signer
	pub crypto.PublicKey
}

func (s swapped) Public() crypto.PublicKey { return s.pub }

// notDER returns r||s, not the ASN.1 DER crypto.Signer promises.
type notDER struct{ *ecdsa.PrivateKey }

func (k notDER) Sign(_ io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	r, s, err := ecdsa.Sign(rand.Reader, k.PrivateKey, digest)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 64)
	r.FillBytes(out[:32])
	s.FillBytes(out[32:])
	return out, nil
}

// unknownKey has a public key type no suite uses.
type unknownKey struct{ crypto.Signer }

func (unknownKey) Public() crypto.PublicKey { return []byte("not a key") }

// Key types the suites cannot use, bad verification methods, a signer
// whose signatures its public key does not verify, and a cancelled
// context are refused with clear errors.
func TestNewSignerRefuses(t *testing.T) {
	ctx := context.Background()
	const vm = "did:example:issuer#key-1"
	p224, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	require.NoError(t, err)
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	require.NoError(t, err)
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	for name, s := range map[string]crypto.Signer{
		"P-224":         only{p224},
		"P-521":         only{p521},
		"RSA 1024":      only{rsa1024},
		"unknown":       unknownKey{},
		"short Ed25519": swapped{pub: ed25519.PublicKey{1, 2, 3}},
	} {
		_, err := proof.NewSigner(s, vm)
		assert.ErrorIs(t, err, proof.ErrWrongKeyType, name)
	}
	_, err = proof.NewSigner(nil, vm)
	assert.Error(t, err)

	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	for _, bad := range []string{"", "key-1", "http://school.example/key", "did:example", "did:Example:x#k"} {
		_, err := proof.NewSigner(only{p256}, bad)
		assert.Error(t, err, "verification method %q", bad)
	}
	_, err = proof.NewSigner(only{p256}, "https://school.example/keys/1")
	assert.NoError(t, err, "an https verification method")

	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	_, edOther, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	rsaOther, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	for name, s := range map[string]crypto.Signer{
		"ECDSA":   swapped{p256, other.Public()},
		"Ed25519": swapped{edOther, edPub},
		"RSA":     swapped{rsaKey, rsaOther.Public()},
	} {
		signer, err := proof.NewSigner(only{s}, vm)
		require.NoError(t, err, name)
		sig, err := signer.Sign(ctx, []byte("message"))
		assert.ErrorIs(t, err, proof.ErrSignerKeyMismatch, name)
		assert.Nil(t, sig)
	}

	signer, err := proof.NewSigner(notDER{p256}, vm)
	require.NoError(t, err)
	_, err = signer.Sign(ctx, []byte("message"))
	assert.Error(t, err, "a signature that is not ASN.1 DER")

	signer, err = proof.NewSigner(only{p256}, vm)
	require.NoError(t, err)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = signer.Sign(cancelled, []byte("message"))
	assert.ErrorIs(t, err, context.Canceled)
}
