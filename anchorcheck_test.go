package microcred_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
)

// regtestAnchor anchors root in a transaction we build and a regtest
// block header we mine (regtest proof of work is trivial), and returns the
// anchor evidence for L3.
func regtestAnchor(t *testing.T, root []byte) anchor.Anchor {
	t.Helper()
	key := secp256k1.PrivKeyFromBytes(append(make([]byte, 31), 7))
	change, err := btc.AddressFromPubKey(btc.Regtest, key.PubKey().SerializeCompressed())
	require.NoError(t, err)
	tx, err := btc.BuildAnchorTx(btc.AnchorParams{
		Network: btc.Regtest, Key: key, Root: root, Change: change, FeeRate: 1000,
		Inputs: []btc.UTXO{{TxID: btc.DoubleSHA256([]byte("funding")), Vout: 0, Amount: 100000}},
	})
	require.NoError(t, err)
	h := &btc.Header{Version: 0x20000000, MerkleRoot: tx.TxID(), Time: uint32(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Unix()), Bits: 0x207fffff}
	for ; h.CheckProofOfWork(btc.RegtestPowLimit()) != nil; h.Nonce++ {
	}
	return anchor.Anchor{Chain: "bitcoin-regtest", TxID: tx.TxID().String(), RawTx: tx.Bytes(), PrevoutAmount: &testPrevoutAmount,
		TxIndex: 0, Headers: [][]byte{h.Bytes()}}
}

// A batch of credentials anchored in one transaction: each verifies with
// its receipt to L3 (regtest: no finality), the policy can require a level,
// and a credential outside the batch has no receipt.
func TestVerifyWithAnchor(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	var creds [][]byte
	tree, err := anchor.NewTree(anchor.ModeRFC6962)
	require.NoError(t, err)
	for _, id := range []string{"urn:uuid:a1", "urn:uuid:a2", "urn:uuid:a3"} {
		c := issue(t, key, []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"`+id+`","type":["VerifiableCredential"],"issuer":"`+key.DID().String()+`","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"}}`))
		creds = append(creds, append(c, '\n')) // as a tool writes it: whitespace does not change the leaf
		_, err := tree.Append(anchor.Leaf(c))
		require.NoError(t, err)
	}
	root, err := tree.Root()
	require.NoError(t, err)
	an := regtestAnchor(t, root)
	receipts := anchor.Receipts{}
	for i := range creds {
		rc, err := tree.Receipt(uint64(i), an)
		require.NoError(t, err)
		receipts.Add(rc)
	}
	v := newVerifier(t, checkAt, microcred.WithReceipts(receipts))
	policy := func(opts ...microcred.PolicyOption) microcred.Policy {
		p, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()), opts...)
		require.NoError(t, err)
		return p
	}
	for i, c := range creds {
		res, err := v.Verify(ctx, c, policy(microcred.RequireAnchor(anchor.L3)))
		require.NoError(t, err, "credential %d", i)
		require.NotNil(t, res.Anchor)
		assert.Equal(t, anchor.L3, res.Anchor.Level)
		assert.True(t, res.Anchor.NoFinality)
		chk, _ := res.Check(microcred.CheckAnchor)
		assert.Contains(t, chk.Detail, "L3 on bitcoin-regtest (no finality)")
	}
	// Regtest never reaches L4.
	_, err = v.Verify(ctx, creds[0], policy(microcred.RequireAnchor(anchor.L4)))
	assert.ErrorIs(t, err, anchor.ErrInsufficientAssurance)

	// Outside the batch: skipped unless required.
	other := issue(t, key, []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:a9","type":["VerifiableCredential"],"issuer":"`+key.DID().String()+`","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"}}`))
	res, err := v.Verify(ctx, other, policy())
	require.NoError(t, err)
	assert.Equal(t, microcred.Skipped, outcomes(res)[microcred.CheckAnchor])
	_, err = v.Verify(ctx, other, policy(microcred.RequireAnchor(anchor.L0)))
	assert.ErrorIs(t, err, microcred.ErrNoReceipt)

	// A receipt for another credential is refused at L0.
	wrong := receiptFunc(func(context.Context, []byte) (*anchor.Receipt, error) { return receipts[keyOf(t, creds[0])], nil })
	v2 := newVerifier(t, checkAt, microcred.WithReceipts(wrong))
	_, err = v2.Verify(ctx, creds[1], policy())
	assert.ErrorIs(t, err, anchor.ErrLeafMismatch)

	// A receipt whose transaction carries another root stops below L3.
	// (Its witness could change without effect: it is not in the txid.)
	tampered := *receipts[keyOf(t, creds[0])]
	bad := an
	bad.RawTx = append([]byte(nil), an.RawTx...)
	at := bytes.Index(bad.RawTx, root)
	require.Positive(t, at)
	bad.RawTx[at] ^= 1 // another root in the OP_RETURN
	tampered.Anchors = []anchor.Anchor{bad}
	v3 := newVerifier(t, checkAt, microcred.WithReceipts(anchor.Receipts{keyOf(t, creds[0]): &tampered}))
	res, err = v3.Verify(ctx, creds[0], policy(microcred.RequireAnchor(anchor.L3)))
	assert.ErrorIs(t, err, anchor.ErrInsufficientAssurance)
	assert.Less(t, res.Anchor.Level, anchor.L3)

	// Required, but the verifier has no receipts at all.
	_, err = newVerifier(t, checkAt).Verify(ctx, creds[0], policy(microcred.RequireAnchor(anchor.L1)))
	assert.ErrorIs(t, err, microcred.ErrNoReceipt)
	_, err = microcred.NewPolicy(microcred.AnyIssuerUnsafe(), microcred.RequireAnchor(anchor.LevelNone))
	assert.Error(t, err)
	// A checkpoint that would lower the mainnet difficulty floor is refused
	// when the verifier is built, not at each verification.
	_, err = microcred.NewVerifier(microcred.Trusted{Resolver: didkey.Resolver{}, Suites: []proof.Suite{eddsa2022.NewJCS()}},
		microcred.WithReceipts(receipts, anchor.Checkpoint{Chain: anchor.ChainBitcoinMainnet, BlockHash: strings.Repeat("00", 32), MaxBits: 0x1d00ffff}))
	assert.ErrorIs(t, err, anchor.ErrInvalidOptions)
}

type receiptFunc func(context.Context, []byte) (*anchor.Receipt, error)

func (f receiptFunc) Receipt(ctx context.Context, leaf []byte) (*anchor.Receipt, error) {
	return f(ctx, leaf)
}

func keyOf(t *testing.T, cred []byte) string {
	return hex.EncodeToString(anchor.Leaf(cred))
}

// testPrevoutAmount is the spent output's amount of the test anchor.
var testPrevoutAmount int64 = 100000
