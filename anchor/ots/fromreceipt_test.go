package ots_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/ots"
)

// regtestBatch is an RFC 6962 batch of n leaves whose root is anchored
// by a signed P2WPKH transaction at index 2 of a three-transaction
// regtest block, and a linked child header.
func regtestBatch(t *testing.T, n int) (*anchor.Tree, [][]byte, anchor.Anchor, *btc.Header) {
	t.Helper()
	tr, err := anchor.NewTree(anchor.ModeRFC6962)
	require.NoError(t, err)
	var leaves [][]byte
	for i := range n {
		l := sha256.Sum256([]byte{byte(i)})
		leaves = append(leaves, l[:])
		_, err := tr.Append(l[:])
		require.NoError(t, err)
	}
	root, err := tr.Root()
	require.NoError(t, err)
	key := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x42}, 32))
	change, err := btc.AddressFromPubKey(btc.Regtest, key.PubKey().SerializeCompressed())
	require.NoError(t, err)
	var txs []*btc.Tx
	for i, r := range [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32), root} {
		tx, err := btc.BuildAnchorTx(btc.AnchorParams{Network: btc.Regtest, Key: key, Root: r, Change: change, FeeRate: 1000,
			Inputs: []btc.UTXO{{TxID: btc.DoubleSHA256([]byte{byte(i)}), Vout: 0, Amount: 100_000}}})
		require.NoError(t, err)
		txs = append(txs, tx)
	}
	var ids []btc.Hash
	for _, tx := range txs {
		ids = append(ids, tx.TxID())
	}
	mr, _, err := btc.MerkleRoot(ids)
	require.NoError(t, err)
	branch, err := btc.MerkleBranch(ids, 2)
	require.NoError(t, err)
	h := &btc.Header{Version: 0x20000000, PrevBlock: btc.Hash{9}, MerkleRoot: mr, Time: 1_750_000_000, Bits: 0x207fffff}
	for ; h.CheckProofOfWork(btc.RegtestPowLimit()) != nil; h.Nonce++ {
	}
	child := &btc.Header{Version: 0x20000000, PrevBlock: h.Hash(), MerkleRoot: btc.Hash{7}, Time: h.Time + 600, Bits: 0x207fffff}
	for ; child.CheckProofOfWork(btc.RegtestPowLimit()) != nil; child.Nonce++ {
	}
	var br [][]byte
	for _, b := range branch {
		br = append(br, bytes.Clone(b[:]))
	}
	amount := int64(100_000)
	an := anchor.Anchor{Chain: anchor.ChainBitcoinRegtest, TxID: txs[2].TxID().String(), RawTx: txs[2].Bytes(), PrevoutAmount: &amount,
		TxIndex: 2, Branch: br, Headers: [][]byte{h.Bytes(), child.Bytes()}}
	return tr, leaves, an, child
}

func TestFromReceipt(t *testing.T) {
	tr, leaves, an, _ := regtestBatch(t, 6)
	const height = 4242
	headers := ots.Headers{height: an.Headers[0], height + 1: an.Headers[1]}
	regtest := ots.VerifyOptions{Headers: headers, Chain: anchor.ChainBitcoinRegtest}
	for i := range leaves {
		r, err := tr.Receipt(uint64(i), an)
		require.NoError(t, err)
		p, err := ots.FromReceipt(r, height)
		require.NoError(t, err)
		assert.Equal(t, ots.OpSHA256, p.HashOpKind())
		assert.Equal(t, leaves[i], p.Digest())
		res, err := p.Verify(leaves[i], regtest)
		require.NoError(t, err)
		assert.Equal(t, anchor.L3, res.Level, "the receipt's block, as OpenTimestamps proves it")
		assert.Equal(t, uint64(height), res.Height)
		assert.Equal(t, 2, res.Confirmations)
		assert.True(t, res.NoFinality)
		// The receipt grades the same block the same way.
		ra, err := r.Verify(anchor.VerifyOptions{Leaf: leaves[i]})
		require.NoError(t, err)
		assert.Equal(t, ra.Level, res.Level)
		assert.Equal(t, ra.Confirmations, res.Confirmations)
		assert.Equal(t, ra.Work, res.Work)

		// Corruptions: another leaf, another height, another header, a
		// changed op argument, mainnet's limits.
		_, err = p.Verify(leaves[(i+1)%len(leaves)], regtest)
		assert.ErrorIs(t, err, ots.ErrDigestMismatch)
		res, err = p.Verify(leaves[i], ots.VerifyOptions{Headers: ots.Headers{height + 1: an.Headers[0]}, Chain: anchor.ChainBitcoinRegtest})
		require.NoError(t, err)
		assert.Equal(t, anchor.L1, res.Level)
		assert.ErrorIs(t, res.Reason, ots.ErrNoHeader)
		res, err = p.Verify(leaves[i], ots.VerifyOptions{Headers: ots.Headers{height: an.Headers[1]}, Chain: anchor.ChainBitcoinRegtest})
		require.NoError(t, err)
		assert.Equal(t, anchor.L0, res.Level)
		var rm *ots.RootMismatchError
		assert.ErrorAs(t, res.Reason, &rm)
		res, err = p.Verify(leaves[i], ots.VerifyOptions{Headers: headers})
		require.NoError(t, err)
		assert.Equal(t, anchor.L1, res.Level, "regtest headers fail mainnet's floor")
		b := p.Bytes()
		for off := len(ots.Magic) + 2 + 32; off < len(b)-12; off += 37 {
			bad := bytes.Clone(b)
			bad[off] ^= 0x01
			res, err := ots.Verify(bad, leaves[i], regtest)
			if err == nil {
				assert.Less(t, res.Level, anchor.L3, "flip at %d still reaches L3", off)
			}
		}
	}
}

// The real regtest block of python-opentimestamps' tests: its segwit
// OP_RETURN transaction anchors a one-leaf Blockcerts batch (root = the
// committed value).
func TestFromReceiptRealRegtestBlock(t *testing.T) {
	raw, err := hex.DecodeString(strings.TrimSpace(string(read(t, "bitcoin/regtest-block-129-segwit-opreturn.hex"))))
	require.NoError(t, err)
	blk, err := btc.ParseBlock(raw)
	require.NoError(t, err)
	tx := blk.Txs[1]
	require.True(t, tx.HasWitness(), "the witness is stripped from the ops: the txid does not cover it")
	leaf := tx.OpReturnPayloads()[0]
	tr, err := anchor.NewTree(anchor.ModeBlockcerts)
	require.NoError(t, err)
	_, err = tr.Append(leaf)
	require.NoError(t, err)
	branch, err := btc.MerkleBranch(blk.TxIDs(), 1)
	require.NoError(t, err)
	var br [][]byte
	for _, b := range branch {
		br = append(br, bytes.Clone(b[:]))
	}
	r, err := tr.Receipt(0, anchor.Anchor{Chain: anchor.ChainBitcoinRegtest, TxID: tx.TxID().String(), RawTx: tx.Bytes(),
		TxIndex: 1, Branch: br, Headers: [][]byte{blk.Header.Bytes()}})
	require.NoError(t, err)
	p, err := ots.FromReceipt(r, 129)
	require.NoError(t, err)
	res, err := ots.Verify(p.Bytes(), leaf, ots.VerifyOptions{Headers: ots.Headers{129: blk.Header.Bytes()}, Chain: anchor.ChainBitcoinRegtest})
	require.NoError(t, err)
	assert.Equal(t, anchor.L3, res.Level)
	cs, err := p.Commitments()
	require.NoError(t, err)
	require.Len(t, cs, 1)
	assert.Equal(t, blk.Header.MerkleRoot[:], cs[0].Message)
}

func TestFromReceiptRefuses(t *testing.T) {
	tr, _, an, _ := regtestBatch(t, 3)
	const height = 10
	mk := func(edit func(a *anchor.Anchor)) *anchor.Receipt {
		a := an
		a.Branch = append([][]byte(nil), an.Branch...)
		a.Headers = append([][]byte(nil), an.Headers...)
		edit(&a)
		r, err := tr.Receipt(1, a)
		require.NoError(t, err)
		return r
	}
	_, err := ots.FromReceipt(mk(func(a *anchor.Anchor) { a.Headers = nil; a.Branch = nil }), height)
	assert.ErrorIs(t, err, anchor.ErrNoEvidence)
	_, err = ots.FromReceipt(mk(func(a *anchor.Anchor) { a.Headers = a.Headers[1:] }), height)
	assert.ErrorIs(t, err, anchor.ErrEvidenceMismatch, "the branch does not reach that header")
	_, err = ots.FromReceipt(mk(func(a *anchor.Anchor) { a.Branch[0] = bytes.Repeat([]byte{0}, 32) }), height)
	assert.ErrorIs(t, err, anchor.ErrEvidenceMismatch)
	_, err = ots.FromReceipt(mk(func(a *anchor.Anchor) { a.TxIndex = 0 }), height)
	assert.ErrorIs(t, err, anchor.ErrEvidenceMismatch)
	_, err = ots.FromReceipt(mk(func(a *anchor.Anchor) { a.TxID = strings.Repeat("00", 32) }), height)
	assert.ErrorIs(t, err, anchor.ErrEvidenceMismatch)
	mock, err := tr.Receipt(0, anchor.Anchor{Chain: anchor.ChainMock, TxID: "m"})
	require.NoError(t, err)
	_, err = ots.FromReceipt(mock, height)
	assert.ErrorIs(t, err, anchor.ErrNoEvidence)
	// A receipt whose path is broken is refused before anything else.
	bad := mk(func(*anchor.Anchor) {})
	bad.Path[0] = bytes.Repeat([]byte{0}, 32)
	_, err = ots.FromReceipt(bad, height)
	var rm *anchor.RootMismatchError
	assert.ErrorAs(t, err, &rm)
	// A slim receipt must be made whole first.
	ev, err := tr.Evidence(an)
	require.NoError(t, err)
	evJSON, err := ev.MarshalJSON()
	require.NoError(t, err)
	ref, err := anchor.NewEvidenceRef(evJSON, "batch.evidence.json")
	require.NoError(t, err)
	slim, err := tr.SharedReceipt(1, ref)
	require.NoError(t, err)
	_, err = ots.FromReceipt(slim, height)
	assert.ErrorIs(t, err, anchor.ErrNoEvidence)
	whole, err := slim.WithEvidence(evJSON)
	require.NoError(t, err)
	_, err = ots.FromReceipt(whole, height)
	assert.NoError(t, err)
	_, err = ots.FromReceipt(nil, height)
	assert.ErrorIs(t, err, ots.ErrMalformed)
}
