package microcred_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	pubmerkle "github.com/onchaincert/microcred/anchor/merkle2019"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/vc/contexts"
)

// anchoredSet is a credential signed with EcdsaSecp256k1Signature2019 by
// the key sigKey, then anchored by a MerkleProof2019 after the signature
// (which its targetHash covers) whose verificationMethod is anchorVM, on
// Bitcoin testnet; tx is the transaction data with the batch's root.
type anchoredSet struct {
	cert []byte
	tx   *merkle2019.TxData
}

var anchoredTxTime = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

func secpKey(t *testing.T, seed byte) *didkey.Key {
	t.Helper()
	k, err := didkey.NewFromSeed(didkey.Secp256k1, bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	return k
}

// newAnchoredSet builds the set. issuer is the credential's issuer;
// breakSig corrupts the signature before the Merkle proof is made, so the
// Merkle proof holds over a signature that does not; sender is the
// address the transaction data names as its sender.
func newAnchoredSet(t *testing.T, issuer string, sigKey *didkey.Key, anchorVM string, breakSig bool, sender string) anchoredSet {
	t.Helper()
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://w3id.org/security/suites/secp256k1-2019/v1"],` +
		`"id":"urn:uuid:3f0f6c1e-0000-4000-8000-00000000c4a1","type":["VerifiableCredential"],"issuer":"` + issuer + `",` +
		`"validFrom":"2025-02-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"}}`)
	suite, err := legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	require.NoError(t, err)
	signed, err := proof.Sign(context.Background(), doc, suite, sigKey, proof.Options{Created: anchoredTxTime.Add(-time.Hour)})
	require.NoError(t, err)
	if breakSig {
		// the last signature character, changed
		i := bytes.Index(signed, []byte(`"jws":"`))
		require.Positive(t, i)
		j := i + 7 + bytes.IndexByte(signed[i+7:], '"') - 1
		if signed[j] == 'A' {
			signed[j] = 'B'
		} else {
			signed[j] = 'A'
		}
	}
	b, err := merkle2019.NewBatch(nil)
	require.NoError(t, err)
	_, err = b.Add(signed)
	require.NoError(t, err)
	root, err := b.Root()
	require.NoError(t, err)
	blink := merkle2019.Blink{Chain: "btc", Network: "testnet", TxID: strings.Repeat("ab", 32)}
	cert, err := b.Attach(0, signed, merkle2019.ProofOptions{Anchors: []merkle2019.Blink{blink}, VerificationMethod: anchorVM, Created: anchoredTxTime})
	require.NoError(t, err)
	return anchoredSet{cert: cert, tx: &merkle2019.TxData{RemoteHash: hex.EncodeToString(root), IssuingAddress: sender, Time: anchoredTxTime}}
}

func (s anchoredSet) verify(t *testing.T, issuer string) (*microcred.Result, error) {
	t.Helper()
	v, err := microcred.NewVerifier(cvjTrusted(t), microcred.WithClock(func() time.Time { return checkAt }),
		microcred.WithBlockcerts(pubmerkle.Evidence{Transactions: &cvjLookForTx{tx: s.tx}}))
	require.NoError(t, err)
	p, err := microcred.NewPolicy(microcred.TrustIssuers(issuer), microcred.IgnoreStatusUnsafe())
	require.NoError(t, err)
	return v.Verify(context.Background(), s.cert, p)
}

// addressOf is the Bitcoin testnet address of a secp256k1 did:key.
func addressOf(t *testing.T, k *didkey.Key) string {
	t.Helper()
	pub, _, err := didkey.Parse(k.DID().String())
	require.NoError(t, err)
	type serializer interface{ SerializeCompressed() []byte }
	a, err := merkle2019.IssuingAddress(pub.(serializer).SerializeCompressed(), merkle2019.Blink{Chain: "btc", Network: "testnet"})
	require.NoError(t, err)
	return a
}

// TestBlockcertsAnchoredSignature: a proof set of a signature by the
// issuer's key and a MerkleProof2019 by a third party's key. The
// signature binds the issuer; the Merkle proof anchors the signed
// credential, and holds only if its sender is the key it names. Each
// broken part fails at the check that owns it; a Merkle proof alone
// still binds only through the issuer's own anchoring key.
func TestBlockcertsAnchoredSignature(t *testing.T) {
	issuerKey, anchorerKey, strangerKey := secpKey(t, 1), secpKey(t, 2), secpKey(t, 3)
	issuer := issuerKey.DID().String()
	anchorVM := anchorerKey.DID().String() + "#" + strings.TrimPrefix(anchorerKey.DID().String(), "did:key:")
	anchorer := addressOf(t, anchorerKey)

	t.Run("signed by the issuer, anchored by a third party", func(t *testing.T) {
		res, err := newAnchoredSet(t, issuer, issuerKey, anchorVM, false, anchorer).verify(t, issuer)
		require.NoError(t, err, "%+v", res.Checks)
		assert.Contains(t, checkDetail(res, microcred.CheckProof), "EcdsaSecp256k1Signature2019 by "+issuer)
		assert.Contains(t, checkDetail(res, microcred.CheckProof), "MerkleProof2019 by "+anchorVM)
		assert.Equal(t, "key controlled by a trusted issuer", checkDetail(res, microcred.CheckIssuer))
		assert.Contains(t, checkDetail(res, microcred.CheckAnchor), "anchored by "+anchorVM+" (sender "+anchorer+") at L1")
		assert.Equal(t, anchor.L1, res.Anchor.Level)
		assert.True(t, strings.HasPrefix(res.VerificationMethod, issuer+"#"), res.VerificationMethod)
	})
	t.Run("signature broken", func(t *testing.T) {
		res, err := newAnchoredSet(t, issuer, issuerKey, anchorVM, true, anchorer).verify(t, issuer)
		failedAt(t, res, err, microcred.CheckProof)
		assert.ErrorIs(t, err, proof.ErrNoVerifiedProof)
		assert.ErrorContains(t, err, "the proofs beside the MerkleProof2019")
	})
	t.Run("anchoring key's DID document not supplied", func(t *testing.T) {
		// did:example resolves nowhere: the sender cannot be shown to
		// be the key the Merkle proof names. The issuer is bound (its
		// signature holds), so the anchor check is the one that fails.
		res, err := newAnchoredSet(t, issuer, issuerKey, "did:example:anchorer#key-1", false, anchorer).verify(t, issuer)
		failedAt(t, res, err, microcred.CheckAnchor)
		assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckIssuer])
		assert.ErrorIs(t, err, anchor.ErrInsufficientAssurance)
		assert.ErrorContains(t, err, "did:example:anchorer")
	})
	t.Run("sender is not the anchoring key", func(t *testing.T) {
		res, err := newAnchoredSet(t, issuer, issuerKey, anchorVM, false, addressOf(t, strangerKey)).verify(t, issuer)
		failedAt(t, res, err, microcred.CheckAnchor)
		assert.ErrorIs(t, err, merkle2019.ErrIssuerMismatch)
	})
	t.Run("signed by a stranger, anchored by a third party", func(t *testing.T) {
		res, err := newAnchoredSet(t, issuer, strangerKey, anchorVM, false, anchorer).verify(t, issuer)
		failedAt(t, res, err, microcred.CheckIssuer)
		assert.ErrorIs(t, err, microcred.ErrIssuerMismatch)
		assert.ErrorContains(t, err, "no proof of the set is by a key of the issuer")
	})
	t.Run("Merkle proof alone, by a third party", func(t *testing.T) {
		s := newAnchoredSet(t, issuer, issuerKey, anchorVM, false, anchorer)
		b, err := merkle2019.NewBatch(nil)
		require.NoError(t, err)
		unsigned := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:3f0f6c1e-0000-4000-8000-00000000c4a2",` +
			`"type":["VerifiableCredential"],"issuer":"` + issuer + `","validFrom":"2025-02-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"}}`)
		_, err = b.Add(unsigned)
		require.NoError(t, err)
		root, err := b.Root()
		require.NoError(t, err)
		s.cert, err = b.Attach(0, unsigned, merkle2019.ProofOptions{Anchors: []merkle2019.Blink{{Chain: "btc", Network: "testnet", TxID: strings.Repeat("cd", 32)}},
			VerificationMethod: anchorVM, Created: anchoredTxTime})
		require.NoError(t, err)
		s.tx.RemoteHash = hex.EncodeToString(root)
		res, err := s.verify(t, issuer)
		failedAt(t, res, err, microcred.CheckIssuer)
		assert.ErrorIs(t, err, microcred.ErrIssuerMismatch)
		// and by the issuer's own key, it binds as before
		s.tx.IssuingAddress = addressOf(t, issuerKey)
		b2, err := merkle2019.NewBatch(nil)
		require.NoError(t, err)
		_, err = b2.Add(unsigned)
		require.NoError(t, err)
		issuerVM := issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
		s.cert, err = b2.Attach(0, unsigned, merkle2019.ProofOptions{Anchors: []merkle2019.Blink{{Chain: "btc", Network: "testnet", TxID: strings.Repeat("cd", 32)}},
			VerificationMethod: issuerVM, Created: anchoredTxTime})
		require.NoError(t, err)
		res, err = s.verify(t, issuer)
		require.NoError(t, err, "%+v", res.Checks)
		assert.Contains(t, checkDetail(res, microcred.CheckIssuer), "anchor sender "+addressOf(t, issuerKey))
	})
}
