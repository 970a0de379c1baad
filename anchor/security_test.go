package anchor

// Issue 16: forged senders, counterfeit confirmations, cheap floors and
// mock receipts. Each test here failed before the fix it names.

import (
	"bytes"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/onchaincert/microcred/internal/btcwire"
	"github.com/onchaincert/microcred/internal/ethwire"
)

// selfAnchored is a one-leaf batch anchored by a P2WPKH transaction
// signed with key and mined (regtest proof of work) alone in a block.
type selfAnchored struct {
	receipt *Receipt
	tx      *btc.Tx
	header  *btc.Header
	amount  int64
}

func newSelfAnchored(t *testing.T, key *secp256k1.PrivateKey) *selfAnchored {
	t.Helper()
	leaf := bytes.Repeat([]byte{0x5a}, 32)
	tr, err := NewTree(ModeBlockcerts)
	require.NoError(t, err)
	_, err = tr.Append(leaf)
	require.NoError(t, err)
	root, err := tr.Root()
	require.NoError(t, err)
	const amount = 250_000
	change, err := btc.AddressFromPubKey(btc.Regtest, key.PubKey().SerializeCompressed())
	require.NoError(t, err)
	tx, err := btc.BuildAnchorTx(btc.AnchorParams{
		Network: btc.Regtest, Key: key, Root: root, Change: change, FeeRate: 1000,
		Inputs: []btc.UTXO{{TxID: btc.DoubleSHA256([]byte("funding")), Vout: 0, Amount: amount}},
	})
	require.NoError(t, err)
	h := &btc.Header{Version: 0x20000000, PrevBlock: btc.Hash{0x77}, MerkleRoot: tx.TxID(), Time: 1_750_000_000, Bits: 0x207fffff}
	for ; h.CheckProofOfWork(btc.RegtestPowLimit()) != nil; h.Nonce++ {
	}
	r, err := tr.Receipt(0, Anchor{Chain: ChainBitcoinRegtest, TxID: tx.TxID().String(), RawTx: tx.Bytes(),
		PrevoutAmount: ptrInt64(int64(amount)), TxIndex: 0, Headers: [][]byte{h.Bytes()}})
	require.NoError(t, err)
	return &selfAnchored{receipt: r, tx: tx, header: h, amount: amount}
}

func (s *selfAnchored) verify(t *testing.T, edit func(an *Anchor), opts VerifyOptions) *Assurance {
	t.Helper()
	js, err := json.Marshal(s.receipt)
	require.NoError(t, err)
	r, err := ParseReceipt(js)
	require.NoError(t, err)
	if edit != nil {
		edit(&r.Anchors[0])
	}
	opts.Leaf = r.Leaf
	a, err := r.Verify(opts)
	require.NoError(t, err)
	return a
}

// mineChild returns a regtest header whose parent is prev.
func mineChild(prev *btc.Header, n uint32) *btc.Header {
	h := &btc.Header{Version: 0x20000000, PrevBlock: prev.Hash(), MerkleRoot: btc.Hash{byte(n)}, Time: prev.Time + 600, Bits: 0x207fffff}
	for ; h.CheckProofOfWork(btc.RegtestPowLimit()) != nil; h.Nonce++ {
	}
	return h
}

// The witness-swap forgery: a real transaction signed with key A, key B's
// public key swapped into its witness. The txid does not change, so before
// the fix the receipt graded L2+ and named whatever key the witness held.
func TestSenderWitnessSwap(t *testing.T) {
	keyA := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0xa1}, 32))
	keyB := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0xb2}, 32))
	s := newSelfAnchored(t, keyA)
	addrA, err := btc.AddressFromPubKey(btc.Regtest, keyA.PubKey().SerializeCompressed())
	require.NoError(t, err)
	addrB, err := btc.AddressFromPubKey(btc.Regtest, keyB.PubKey().SerializeCompressed())
	require.NoError(t, err)

	// With the real signature and the prevout amount, the sender is proven.
	a := s.verify(t, nil, VerifyOptions{})
	assert.Equal(t, L3, a.Level)
	assert.Equal(t, addrA.String(), a.Sender)
	assert.Equal(t, keyA.PubKey().SerializeCompressed(), a.SenderPublicKey)

	// Key B swapped in: same txid, same block, but B never signed.
	swap := func(an *Anchor) {
		tx, err := btc.ParseTx(an.RawTx)
		require.NoError(t, err)
		pubA := tx.Inputs[0].Witness[1]
		i := bytes.Index(an.RawTx, pubA)
		require.Positive(t, i)
		copy(an.RawTx[i:], keyB.PubKey().SerializeCompressed())
		forged, err := btc.ParseTx(an.RawTx)
		require.NoError(t, err)
		require.Equal(t, tx.TxID(), forged.TxID(), "the swap keeps the txid")
	}
	a = s.verify(t, swap, VerifyOptions{})
	assert.Equal(t, L1, a.Level, "a forged sender never reaches L2")
	assert.ErrorIs(t, a.Reason, btcwire.ErrInvalidSignature)
	assert.ErrorIs(t, a.Reason, ErrEvidenceMismatch)
	assert.NotEqual(t, addrB.String(), a.Sender)
	assert.Empty(t, a.Sender)
	assert.Nil(t, a.SenderPublicKey)

	// A tampered signature (one bit of its r value).
	a = s.verify(t, func(an *Anchor) {
		tx, err := btc.ParseTx(an.RawTx)
		require.NoError(t, err)
		i := bytes.Index(an.RawTx, tx.Inputs[0].Witness[0])
		an.RawTx[i+10] ^= 1
	}, VerifyOptions{})
	assert.Equal(t, L1, a.Level)
	assert.ErrorIs(t, a.Reason, btcwire.ErrInvalidSignature)
	assert.Empty(t, a.Sender)

	// The amount is what the signature commits to.
	a = s.verify(t, func(an *Anchor) { an.PrevoutAmount = ptrInt64(int64(s.amount - 1)) }, VerifyOptions{})
	assert.Equal(t, L1, a.Level)
	assert.ErrorIs(t, a.Reason, btcwire.ErrInvalidSignature)
	// A receipt written before prevoutAmount existed: read, graded L1.
	a = s.verify(t, func(an *Anchor) { an.PrevoutAmount = nil }, VerifyOptions{})
	assert.Equal(t, L1, a.Level)
	assert.ErrorIs(t, a.Reason, ErrSenderUnproven)
	assert.Empty(t, a.Sender)

	// The same through Anchor.Verify, as a MerkleProof2019 verifier
	// holding a root and a raw transaction would call it.
	an := s.receipt.Anchors[0]
	an.Headers, an.TxIndex = nil, 0
	got, err := an.Verify(s.receipt.Root, VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, L2, got.Level)
	assert.Equal(t, addrA.String(), got.Sender)
	assert.Equal(t, 0, got.Anchor)
	swap(&an)
	got, err = an.Verify(s.receipt.Root, VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, L1, got.Level)
	assert.Empty(t, got.Sender)
	_, err = an.Verify(s.receipt.Root[:31], VerifyOptions{})
	assert.ErrorIs(t, err, errInvalidHash)
}

// Six copies of one header, or zero headers after a real one, are not
// confirmations: before the fix they counted 6.
func TestConfirmationsNeedLinkedHeaders(t *testing.T) {
	key := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0xa1}, 32))
	s := newSelfAnchored(t, key)
	h0 := s.header.Bytes()

	a := s.verify(t, func(an *Anchor) { an.Headers = [][]byte{h0, h0, h0, h0, h0, h0} }, VerifyOptions{})
	assert.Equal(t, L3, a.Level)
	assert.Equal(t, 1, a.Confirmations, "six copies of one header: no extra confirmation")
	assert.ErrorIs(t, a.Reason, ErrBrokenChain)

	zero := make([]byte, btcwire.HeaderSize)
	a = s.verify(t, func(an *Anchor) { an.Headers = [][]byte{h0, zero, zero, zero, zero, zero} }, VerifyOptions{})
	assert.Equal(t, 1, a.Confirmations, "unlinked all-zero headers count for nothing")
	assert.ErrorIs(t, a.Reason, ErrBrokenChain)

	// Real children count; work adds up; an unlinked one after them stops
	// the count there.
	chain := [][]byte{h0}
	prev := s.header
	for i := range 5 {
		prev = mineChild(prev, uint32(i))
		chain = append(chain, prev.Bytes())
	}
	a = s.verify(t, func(an *Anchor) { an.Headers = chain }, VerifyOptions{})
	assert.Equal(t, 6, a.Confirmations)
	assert.Equal(t, 0, a.Work.Cmp(big.NewInt(12)), "6 regtest headers of 2 expected hashes")
	assert.ErrorIs(t, a.Reason, ErrNoFinality)
	a = s.verify(t, func(an *Anchor) {
		an.Headers = append(append([][]byte{}, chain[:3]...), append([][]byte{h0}, chain[3:]...)...)
	}, VerifyOptions{})
	assert.Equal(t, 3, a.Confirmations)
	assert.ErrorIs(t, a.Reason, ErrBrokenChain)
	// A checkpoint among the headers pins them.
	a = s.verify(t, func(an *Anchor) { an.Headers = chain },
		VerifyOptions{Checkpoints: []Checkpoint{{Chain: ChainBitcoinRegtest, BlockHash: prev.Hash().String()}}})
	assert.True(t, a.Pinned)
	assert.Equal(t, int64(1_750_000_000), a.BlockTime.Unix())
}

// A floor easier than the built-in one is refused unless Unsafe; before
// the fix any MaxBits was taken as given.
func TestFloorsCannotBeLoweredSafely(t *testing.T) {
	r := regtestReceipt(t)
	for name, opts := range map[string]VerifyOptions{
		"mainnet checkpoint at difficulty 1": {Checkpoints: []Checkpoint{{Chain: ChainBitcoinMainnet, BlockHash: btc.Hash{1}.String(), MaxBits: 0x1d00ffff}}},
		"mainnet floor at difficulty 1":      {Floors: []Floor{{Chain: ChainBitcoinMainnet, MaxBits: 0x1d00ffff}}},
		"testnet floor above its limit":      {Floors: []Floor{{Chain: ChainBitcoinTestnet, MaxBits: 0x207fffff}}, LowerFloorsUnsafe: true},
	} {
		opts.Leaf = r.Leaf
		a, err := r.Verify(opts)
		assert.ErrorIs(t, err, ErrInvalidOptions, name)
		assert.Equal(t, LevelNone, a.Level, name)
	}
	a, err := r.Verify(VerifyOptions{Leaf: r.Leaf, Floors: []Floor{{Chain: ChainBitcoinMainnet, MaxBits: 0x1d00ffff}}, LowerFloorsUnsafe: true})
	require.NoError(t, err, "with LowerFloorsUnsafe")
	assert.Equal(t, L3, a.Level)
	// Raising is always allowed, and a raised floor is enforced.
	a, err = r.Verify(VerifyOptions{Leaf: r.Leaf, Floors: []Floor{{Chain: ChainBitcoinRegtest, MaxBits: 0x1f00ffff}}})
	require.NoError(t, err)
	assert.Equal(t, L2, a.Level, "the regtest header is easier than a raised floor")
	assert.ErrorIs(t, a.Reason, btcwire.ErrInvalidTarget)

	for _, c := range []Chain{ChainBitcoinMainnet, ChainBitcoinTestnet, ChainBitcoinRegtest} {
		bits, ok := DefaultFloor(c)
		require.True(t, ok)
		_, err := btcwire.CompactToTarget(bits)
		assert.NoError(t, err, "%s floor", c)
	}
	_, ok := DefaultFloor(ChainEthereumMainnet)
	assert.False(t, ok)
}

// A mock receipt proves no anchor: it stays at L0, so a policy asking for
// any anchor level (L1, the CLI's default) refuses it. Before, it was L1.
func TestMockNeverMeetsAnchorPolicy(t *testing.T) {
	tr, err := NewTree(ModeRFC6962)
	require.NoError(t, err)
	leaf := bytes.Repeat([]byte{3}, 32)
	_, err = tr.Append(leaf)
	require.NoError(t, err)
	r, err := tr.Receipt(0, Anchor{Chain: ChainMock, TxID: "self-made"})
	require.NoError(t, err)
	a, err := r.Verify(VerifyOptions{Leaf: leaf})
	require.NoError(t, err)
	assert.Equal(t, L0, a.Level)
	assert.True(t, a.NoFinality)
	assert.ErrorIs(t, a.Reason, ErrNoFinality)
	assert.ErrorIs(t, a.Require(L1), ErrInsufficientAssurance)
	assert.NoError(t, a.Require(L0), "L0 is an explicit choice")
}

// An Ethereum transaction without EIP-155 replay protection (chain id 0)
// names no chain: refused, where it used to reach L2 on any chain.
func TestEthereumChainIDZeroRefused(t *testing.T) {
	root := bytes.Repeat([]byte{0x42}, 32)
	key := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x17}, 32))
	to := eth.PubkeyAddress(key.PubKey())
	tx := &eth.Tx{Type: eth.LegacyTxType, Nonce: 1, GasPrice: big.NewInt(1e9), Gas: ethwire.AnchorGas(root),
		To: &to, Value: new(big.Int), Data: root}
	require.NoError(t, tx.Sign(key))
	require.False(t, tx.Protected())
	raw, err := tx.MarshalBinary()
	require.NoError(t, err)
	h, err := tx.Hash()
	require.NoError(t, err)
	for _, c := range []Chain{ChainEthereumMainnet, ChainEthereumSepolia, ChainEthereumDev} {
		an := &Anchor{Chain: c, TxID: h.String(), RawTx: raw}
		a, err := an.Verify(root, VerifyOptions{})
		require.NoError(t, err)
		assert.Equal(t, L1, a.Level, c)
		assert.ErrorIs(t, a.Reason, eth.ErrChainID, c)
		assert.Empty(t, a.Sender)
	}
	// The same key with a chain id: L2, the sender recovered.
	p, err := eth.NewAnchorTx(key, root, eth.AnchorParams{ChainID: 1, Nonce: 1, Legacy: true, GasPrice: big.NewInt(1e9)})
	require.NoError(t, err)
	raw, err = p.MarshalBinary()
	require.NoError(t, err)
	h, err = p.Hash()
	require.NoError(t, err)
	a, err := (&Anchor{Chain: ChainEthereumMainnet, TxID: h.String(), RawTx: raw}).Verify(root, VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, L2, a.Level)
	assert.Equal(t, to.String(), a.Sender)
	a, err = (&Anchor{Chain: ChainEthereumSepolia, TxID: h.String(), RawTx: raw}).Verify(root, VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, L1, a.Level, "chain id 1 claimed on Sepolia")
	assert.ErrorIs(t, a.Reason, eth.ErrChainID)
}

// ptrInt64 returns a pointer to a copy of v.
func ptrInt64(v int64) *int64 { return &v }
