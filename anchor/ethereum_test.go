package anchor

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/onchaincert/microcred/internal/ethwire"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real mainnet Blockcerts anchor 0xa12c498c… as a one-leaf Blockcerts
// batch (root = leaf): L2, with the sender the explorer reports.
func TestEthereumMainnetBlockcertsL2(t *testing.T) {
	var f struct {
		RawTx string `json:"rlp_signed_tx_hex"`
		Hash  string `json:"tx_hash_keccak256_of_rlp_signed"`
		From  string `json:"recovered_from_address"`
		Root  string `json:"anchored_root_in_input"`
	}
	data, err := os.ReadFile(filepath.Join("testdata", "ethereum", "legacy-eip155-blockcerts-anchor-a12c498c.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &f))
	root, _ := hex.DecodeString(f.Root)
	raw, _ := hex.DecodeString(f.RawTx)
	tr, err := NewTree(ModeBlockcerts)
	require.NoError(t, err)
	_, err = tr.Append(root)
	require.NoError(t, err)
	r, err := tr.Receipt(0, Anchor{Chain: ChainEthereumMainnet, TxID: f.Hash, RawTx: raw})
	require.NoError(t, err)
	a, err := r.Verify(VerifyOptions{Leaf: root})
	require.NoError(t, err)
	assert.Equal(t, L2, a.Level)
	assert.ErrorIs(t, a.Reason, ErrNoEvidence, "no header: stops at L2")
	sender, err := eth.ParseAddress(a.Sender)
	require.NoError(t, err)
	want, err := eth.ParseAddress(f.From)
	require.NoError(t, err)
	assert.Equal(t, want, sender)
	assert.False(t, a.NoFinality)

	// The same transaction claimed on Sepolia: its chain id is 1.
	r.Anchors[0].Chain = ChainEthereumSepolia
	a, err = r.Verify(VerifyOptions{Leaf: root})
	require.NoError(t, err)
	assert.Equal(t, L1, a.Level)
	assert.ErrorIs(t, a.Reason, eth.ErrChainID)
	assert.ErrorIs(t, a.Reason, ErrEvidenceMismatch)
}

// ethScenario is a batch anchored by an EIP-1559 transaction at index 5 of
// a 12-transaction block, followed by 7 more headers.
type ethScenario struct {
	receipt *Receipt
	leaf    []byte
	sender  eth.Address
	hashes  []eth.Hash // block hashes, anchor block first
}

func newEthScenario(t *testing.T, chain Chain, chainID uint64) *ethScenario {
	t.Helper()
	tr, err := NewTree(ModeRFC6962)
	require.NoError(t, err)
	var leaf []byte
	for i := 0; i < 5; i++ {
		l := bytes.Repeat([]byte{byte(i + 1)}, 32)
		_, err := tr.Append(l)
		require.NoError(t, err)
		if i == 3 {
			leaf = l
		}
	}
	root, err := tr.Root()
	require.NoError(t, err)
	key := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x17}, 32))
	anchorTx, err := eth.NewAnchorTx(key, root, eth.AnchorParams{ChainID: chainID, Nonce: 3,
		MaxPriorityFeePerGas: big.NewInt(1e9), MaxFeePerGas: big.NewInt(40e9)})
	require.NoError(t, err)
	raw, err := anchorTx.MarshalBinary()
	require.NoError(t, err)
	txHash, err := anchorTx.Hash()
	require.NoError(t, err)

	other := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x29}, 32))
	var txs [][]byte
	for i := 0; i < 12; i++ {
		if i == 5 {
			txs = append(txs, raw)
			continue
		}
		tx, err := eth.NewAnchorTx(other, bytes.Repeat([]byte{byte(i)}, 32), eth.AnchorParams{ChainID: chainID, Nonce: uint64(i), Legacy: i%2 == 0,
			GasPrice: big.NewInt(1), MaxPriorityFeePerGas: big.NewInt(1), MaxFeePerGas: big.NewInt(1)})
		require.NoError(t, err)
		b, err := tx.MarshalBinary()
		require.NoError(t, err)
		txs = append(txs, b)
	}
	txRoot, proof, err := eth.TxProof(txs, 5)
	require.NoError(t, err)

	s := &ethScenario{leaf: leaf, sender: eth.PubkeyAddress(key.PubKey())}
	var headers [][]byte
	parent := eth.Hash{0xaa}
	for i := 0; i < 8; i++ {
		h := &eth.Header{ParentHash: parent, Difficulty: new(big.Int), Number: 1000 + uint64(i),
			GasLimit: 30_000_000, Time: 1_700_000_000 + 12*uint64(i), BaseFee: big.NewInt(7), WithdrawalsRoot: &eth.Hash{}}
		if i == 0 {
			h.TxRoot = txRoot
		}
		b, err := h.MarshalBinary()
		require.NoError(t, err)
		headers = append(headers, b)
		parent = eth.Keccak256(b)
		s.hashes = append(s.hashes, parent)
	}
	s.receipt, err = tr.Receipt(3, Anchor{Chain: chain, TxID: txHash.String(), RawTx: raw, TxIndex: 5, Branch: proof, Headers: headers})
	require.NoError(t, err)
	return s
}

func (s *ethScenario) verify(t *testing.T, chain Chain, trusted ...int) *Assurance {
	t.Helper()
	opts := VerifyOptions{Leaf: s.leaf}
	for _, i := range trusted {
		opts.Checkpoints = append(opts.Checkpoints, Checkpoint{Chain: chain, BlockHash: s.hashes[i].String()})
	}
	a, err := s.receipt.Verify(opts)
	require.NoError(t, err)
	return a
}

func TestEthereumLevels(t *testing.T) {
	s := newEthScenario(t, ChainEthereumMainnet, 1)
	a := s.verify(t, ChainEthereumMainnet)
	assert.Equal(t, L2, a.Level, "no trusted block hash")
	assert.ErrorIs(t, a.Reason, ErrNoEvidence)
	assert.Equal(t, s.sender.String(), a.Sender)

	a = s.verify(t, ChainEthereumMainnet, 0)
	assert.Equal(t, L3, a.Level, "the anchor block itself is trusted")
	assert.Equal(t, 1, a.Confirmations)
	assert.Equal(t, int64(1_700_000_000), a.BlockTime.Unix())

	a = s.verify(t, ChainEthereumMainnet, 4)
	assert.Equal(t, L3, a.Level, "a trusted descendant 4 blocks on: 5 confirmations < 6")
	assert.Equal(t, 5, a.Confirmations)

	a = s.verify(t, ChainEthereumMainnet, 5)
	assert.Equal(t, L4, a.Level)
	assert.Equal(t, 6, a.Confirmations)
	assert.NoError(t, a.Reason)
	assert.NoError(t, a.Require(L4))

	// A trusted hash on another chain does not count.
	a = s.verify(t, ChainEthereumSepolia, 7)
	assert.Equal(t, L2, a.Level)

	// The JSON form carries the same evidence.
	j, err := json.Marshal(s.receipt)
	require.NoError(t, err)
	back, err := ParseReceipt(j)
	require.NoError(t, err)
	assert.Equal(t, s.receipt, back)

	for _, c := range []struct {
		chain Chain
		id    uint64
	}{{ChainEthereumSepolia, 11155111}, {ChainEthereumDev, 1337}} {
		s := newEthScenario(t, c.chain, c.id)
		a := s.verify(t, c.chain, 7)
		assert.Equal(t, L3, a.Level, "%s never reaches L4", c.chain)
		assert.True(t, a.NoFinality)
		assert.ErrorIs(t, a.Reason, ErrNoFinality)
		assert.Equal(t, 8, a.Confirmations)
	}
	// A dev-chain receipt for a mainnet transaction is refused.
	s2 := newEthScenario(t, ChainEthereumDev, 1)
	a = s2.verify(t, ChainEthereumDev, 0)
	assert.Equal(t, L1, a.Level)
	assert.ErrorIs(t, a.Reason, eth.ErrChainID)
}

func TestEthereumTampered(t *testing.T) {
	climb := func(mod func(r *Receipt)) *Assurance {
		s := newEthScenario(t, ChainEthereumMainnet, 1)
		mod(s.receipt)
		return s.verify(t, ChainEthereumMainnet, 7)
	}
	assert.Equal(t, L4, climb(func(*Receipt) {}).Level, "untouched")

	a := climb(func(r *Receipt) { r.Anchors[0].TxID = "0x" + hex.EncodeToString(make([]byte, 32)) })
	assert.Equal(t, L1, a.Level, "other txid")
	assert.ErrorIs(t, a.Reason, ErrEvidenceMismatch)
	a = climb(func(r *Receipt) { r.Anchors[0].RawTx[len(r.Anchors[0].RawTx)-40] ^= 1 })
	assert.Equal(t, L1, a.Level, "flipped byte in the transaction")
	a = climb(func(r *Receipt) { r.Anchors[0].Chain = ChainEthereumSepolia })
	assert.Equal(t, L1, a.Level, "wrong chain")
	assert.ErrorIs(t, a.Reason, eth.ErrChainID)
	a = climb(func(r *Receipt) { r.Anchors[0].TxIndex = 4 })
	assert.Equal(t, L2, a.Level, "wrong index")
	a = climb(func(r *Receipt) {
		b := r.Anchors[0].Branch
		b[0], b[len(b)-1] = b[len(b)-1], b[0]
	})
	assert.Equal(t, L2, a.Level, "proof nodes swapped")
	assert.ErrorIs(t, a.Reason, ethwire.ErrProofMismatch)
	a = climb(func(r *Receipt) { r.Anchors[0].Branch = r.Anchors[0].Branch[:len(r.Anchors[0].Branch)-1] })
	assert.Equal(t, L2, a.Level, "proof truncated")
	a = climb(func(r *Receipt) { r.Anchors[0].Headers[0][100] ^= 1 })
	assert.Equal(t, L2, a.Level, "anchor header changed: no longer linked to the trusted one")
	a = climb(func(r *Receipt) { r.Anchors[0].Headers = r.Anchors[0].Headers[:7] })
	assert.Equal(t, L2, a.Level, "trusted header dropped")
	a = climb(func(r *Receipt) {
		h := r.Anchors[0].Headers
		h[2], h[3] = h[3], h[2]
	})
	assert.Equal(t, L2, a.Level, "headers out of order")
	assert.ErrorIs(t, a.Reason, ErrBrokenChain)

	// The same evidence attached to another batch: the transaction does
	// not carry its root.
	s := newEthScenario(t, ChainEthereumMainnet, 1)
	tr, err := NewTree(ModeBlockcerts)
	require.NoError(t, err)
	leaf := bytes.Repeat([]byte{9}, 32)
	_, err = tr.Append(leaf)
	require.NoError(t, err)
	r, err := tr.Receipt(0, s.receipt.Anchors...)
	require.NoError(t, err)
	a, err = r.Verify(VerifyOptions{Leaf: leaf, Checkpoints: []Checkpoint{{Chain: ChainEthereumMainnet, BlockHash: s.hashes[7].String()}}})
	require.NoError(t, err)
	assert.Equal(t, L1, a.Level)
	assert.ErrorIs(t, a.Reason, ErrEvidenceMismatch)

	// A root edited in the receipt fails L0.
	s.receipt.Root[0] ^= 1
	a, err = s.receipt.Verify(VerifyOptions{Leaf: s.leaf})
	assert.Error(t, err)
	assert.Equal(t, LevelNone, a.Level)
}
