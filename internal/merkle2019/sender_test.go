package merkle2019_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/internal/merkle2019"
)

// senderCase issues one credential anchored in a transaction built by
// mkTx and returns it with a verifier option set for the victim's key.
func senderCase(t *testing.T, mkTx func(root []byte) ([]byte, string)) ([]byte, merkle2019.Blink, []byte) {
	t.Helper()
	b, err := merkle2019.NewBatch(nil)
	require.NoError(t, err)
	doc := unsigned(t, "v3/testnet-v3-did.json")
	_, err = b.Add(doc)
	require.NoError(t, err)
	root, err := b.Root()
	require.NoError(t, err)
	raw, txid := mkTx(root)
	bl := merkle2019.Blink{Chain: "btc", Network: "testnet", TxID: txid}
	signed, err := b.Attach(0, doc, merkle2019.ProofOptions{Anchors: []merkle2019.Blink{bl}, VerificationMethod: profileKey1, Created: created})
	require.NoError(t, err)
	return signed, bl, raw
}

// TestWitnessSwapForgery is the forgery of issue 16: an attacker signs
// an anchor transaction with their own key and puts the victim's public
// key in the witness. The txid does not cover the witness, so the
// transaction still has the anchor's txid; only the input's signature
// tells who sent it. Before input signatures were checked, this reached
// L2 as the victim.
func TestWitnessSwapForgery(t *testing.T) {
	ctx := context.Background()
	victim, attacker := testKey(0x0a), testKey(0x0b)
	vpub, apub := victim.PubKey().SerializeCompressed(), attacker.PubKey().SerializeCompressed()
	const amount = 100_000
	signed, bl, raw := senderCase(t, func(root []byte) ([]byte, string) { return segwitTx(t, attacker, root, amount) })
	require.Equal(t, 1, bytes.Count(raw, apub), "the attacker's key appears once, in the witness")
	forged := bytes.Replace(raw, apub, vpub, 1)
	addr, err := merkle2019.IssuingAddress(vpub, bl)
	require.NoError(t, err)
	keys := []merkle2019.IssuerKey{{Address: addr, PublicKey: vpub}}
	amt := int64(amount)

	// With the prevout amount the signature is checked and fails.
	res, err := merkle2019.Verify(ctx, signed, merkle2019.Options{IssuerKeys: keys, Require: anchor.L2,
		Transactions: merkle2019.StaticTx{bl.String(): {RawTx: forged, PrevoutAmount: &amt, Time: created}}})
	var se *merkle2019.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, merkle2019.StepAnchor, se.Step)
	assert.ErrorIs(t, err, merkle2019.ErrSenderSignature)
	assert.Equal(t, anchor.L0, res.Level)

	// Without it the sender is unproven: the forged witness never counts
	// as the victim's, and L2 (or L1, with no issuing address) is not met.
	for _, min := range []anchor.Level{anchor.L1, anchor.L2} {
		res, err = merkle2019.Verify(ctx, signed, merkle2019.Options{IssuerKeys: keys, Require: min,
			Transactions: merkle2019.StaticTx{bl.String(): {RawTx: forged, Time: created}}})
		assert.ErrorIs(t, err, anchor.ErrInsufficientAssurance, "require %s", min)
		assert.Equal(t, anchor.L0, res.Level)
		assert.Nil(t, res.SenderPublicKey)
	}

	// The attacker's own transaction, unmodified, is the attacker's: not
	// the victim's key.
	_, err = merkle2019.Verify(ctx, signed, merkle2019.Options{IssuerKeys: keys, Require: anchor.L2,
		Transactions: merkle2019.StaticTx{bl.String(): {RawTx: raw, PrevoutAmount: &amt, Time: created}}})
	assert.ErrorIs(t, err, merkle2019.ErrIssuerMismatch)
}

// TestSegwitSender: a P2WPKH anchor transaction of the issuer's key
// reaches L2 with the prevout amount, stops at L1 (sender unproven)
// with only the caller's issuing address, and fails with a wrong
// amount, which the BIP 143 signature commits to.
func TestSegwitSender(t *testing.T) {
	ctx := context.Background()
	key := testKey(0x0a)
	pub := key.PubKey().SerializeCompressed()
	const amount = 250_000
	signed, bl, raw := senderCase(t, func(root []byte) ([]byte, string) { return segwitTx(t, key, root, amount) })
	addr, err := merkle2019.IssuingAddress(pub, bl)
	require.NoError(t, err)
	keys := []merkle2019.IssuerKey{{Address: addr, PublicKey: pub}}
	verify := func(tx *merkle2019.TxData, min anchor.Level) (*merkle2019.Result, error) {
		return merkle2019.Verify(ctx, signed, merkle2019.Options{IssuerKeys: keys, Require: min,
			Transactions: merkle2019.StaticTx{bl.String(): tx}})
	}
	amt, wrong, bad := int64(amount), int64(amount+1), int64(-5)

	res, err := verify(&merkle2019.TxData{RawTx: raw, PrevoutAmount: &amt, Time: created}, anchor.L2)
	require.NoError(t, err)
	assert.Equal(t, anchor.L2, res.Level)
	assert.Equal(t, pub, res.SenderPublicKey)
	require.NotNil(t, res.IssuerKey)
	assert.Equal(t, addr, res.IssuerKey.Address)

	res, err = verify(&merkle2019.TxData{RawTx: raw, IssuingAddress: addr, Time: created}, anchor.L1)
	require.NoError(t, err)
	assert.Equal(t, anchor.L1, res.Level)
	assert.ErrorIs(t, res.Reason, anchor.ErrSenderUnproven)
	_, err = verify(&merkle2019.TxData{RawTx: raw, IssuingAddress: addr, Time: created}, anchor.L2)
	assert.ErrorIs(t, err, anchor.ErrInsufficientAssurance)

	_, err = verify(&merkle2019.TxData{RawTx: raw, PrevoutAmount: &wrong, Time: created}, anchor.L2)
	assert.ErrorIs(t, err, merkle2019.ErrSenderSignature)
	_, err = verify(&merkle2019.TxData{RawTx: raw, PrevoutAmount: &bad, Time: created}, anchor.L2)
	var se *merkle2019.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, merkle2019.StepAnchor, se.Step)

	// One flipped bit of the signature (DER r, in the witness).
	tx, err := btc.ParseTx(raw)
	require.NoError(t, err)
	sigAt := bytes.Index(raw, tx.Inputs[0].Witness[0])
	require.Positive(t, sigAt)
	tampered := bytes.Clone(raw)
	tampered[sigAt+10] ^= 1
	_, err = verify(&merkle2019.TxData{RawTx: tampered, PrevoutAmount: &amt, Time: created}, anchor.L2)
	assert.ErrorIs(t, err, merkle2019.ErrSenderSignature)
}
