package didkey_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/multikey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
)

// smallOrderKeys are the encodings of the eight small-order points of
// edwards25519 and six non-canonical encodings of them (Chalkias, Garillot
// and Nikolaenko, "Taming the many EdDSAs", SSR 2020; C2SP/CCTV ed25519).
// internal/multikey re-derives their orders.
var smallOrderKeys = []string{
	"0100000000000000000000000000000000000000000000000000000000000000", // identity
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
	"0000000000000000000000000000000000000000000000000000000000000000", // order 4
	"0000000000000000000000000000000000000000000000000000000000000080", // order 4
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
	"0100000000000000000000000000000000000000000000000000000000000080", // identity, x = -0
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // order 2, x = -0
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 4, y = p
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // order 4, y = p
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // identity, y = p+1
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // identity, y = p+1, x = -0
}

// smallOrderDID returns the did:key of a raw Ed25519 public key, which
// EncodePublic writes without checking it.
func smallOrderDID(t *testing.T, h string) did.DID {
	t.Helper()
	b, err := hex.DecodeString(h)
	require.NoError(t, err)
	mk, err := multikey.EncodePublic(ed25519.PublicKey(b))
	require.NoError(t, err)
	d, err := did.Parse("did:key:" + mk)
	require.NoError(t, err, "a syntactically valid DID")
	return d
}

func TestSmallOrderKeysRefused(t *testing.T) {
	for i, h := range smallOrderKeys {
		d := smallOrderDID(t, h)
		pub, typ, err := didkey.Parse(d.String())
		assert.ErrorIs(t, err, did.ErrInvalidDID, h)
		assert.ErrorIs(t, err, did.ErrSmallOrderKey, h)
		if i >= 8 {
			assert.ErrorIs(t, err, multikey.ErrNonCanonical, h)
		}
		assert.Nil(t, pub)
		assert.Empty(t, typ)
		doc, err := didkey.Resolver{}.Resolve(context.Background(), d)
		assert.ErrorIs(t, err, did.ErrSmallOrderKey, h)
		assert.Nil(t, doc)
	}
}

// constSigner claims a did:key and "signs" with a constant signature.
type constSigner struct {
	pub ed25519.PublicKey
	vm  string
	sig []byte
}

func (s constSigner) VerificationMethod() string                   { return s.vm }
func (s constSigner) Public() crypto.PublicKey                     { return s.pub }
func (s constSigner) Sign(context.Context, []byte) ([]byte, error) { return s.sig, nil }

// The forgery the check stops: a credential "signed" by the identity key
// with R = identity, S = 0 (which crypto/ed25519 alone accepts for every
// message) or with all zeros does not verify.
func TestIdentityKeyConstantSignatureDoesNotVerify(t *testing.T) {
	identity, err := hex.DecodeString(smallOrderKeys[0])
	require.NoError(t, err)
	d := smallOrderDID(t, smallOrderKeys[0])
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	cred := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + d.String() + `","credentialSubject":{"id":"did:example:learner"}}`)
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, sig := range map[string][]byte{
		"R = identity, S = 0": append(append([]byte(nil), identity...), make([]byte, 32)...),
		"all zero":            make([]byte, 64),
	} {
		signer := constSigner{pub: identity, vm: d.String() + "#" + d.ID(), sig: sig}
		signed, err := proof.Sign(context.Background(), cred, suite, signer, proof.Options{Created: at})
		require.NoError(t, err, name)
		_, err = proof.Verify(context.Background(), signed, proof.VerifyOptions{Suites: []proof.Suite{suite}, Resolver: r, Now: at.Add(time.Hour)})
		assert.ErrorIs(t, err, did.ErrSmallOrderKey, name)
	}
}
