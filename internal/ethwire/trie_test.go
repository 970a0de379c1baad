package ethwire

import (
	"bytes"
	"fmt"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The two real mainnet transactions-trie proofs carried by OpenTimestamps
// Ethereum attestations (blocks 3283713 and 3283690).
func TestOTSTxTrieProofs(t *testing.T) {
	for _, p := range otsProofs(t) {
		t.Run(p.OTS, func(t *testing.T) {
			require.Len(t, p.nodes, 3)
			assert.Equal(t, p.root, Keccak256(p.nodes[0]), "the rebuilt root node hashes to the attested transactionsRoot")
			tx, err := ParseTx(p.raw)
			require.NoError(t, err)
			h, err := tx.Hash()
			require.NoError(t, err)
			assert.Equal(t, p.TxHash, h.String())

			// Exactly one index is proven.
			var found []uint64
			for i := uint64(0); i < 1024; i++ {
				if VerifyTxProof(p.root, i, p.raw, p.nodes) == nil {
					found = append(found, i)
				}
			}
			require.Len(t, found, 1)
			index := found[0]
			t.Logf("block %d: transaction index %d", p.Height, index)
			v, err := verifyProof(p.root, txKey(index), p.nodes)
			require.NoError(t, err)
			assert.Equal(t, p.raw, v)

			corruptProof(t, p.root, index, p.raw, p.nodes)
		})
	}
}

// corruptProof checks that every corruption of a valid proof fails.
func corruptProof(t *testing.T, root Hash, index uint64, raw []byte, nodes [][]byte) {
	t.Helper()
	clone := func() [][]byte {
		out := make([][]byte, len(nodes))
		for i, n := range nodes {
			out[i] = bytes.Clone(n)
		}
		return out
	}
	fails := func(what string, root Hash, index uint64, raw []byte, proof [][]byte) {
		t.Helper()
		assert.Error(t, VerifyTxProof(root, index, raw, proof), what)
	}
	// Wrong root.
	bad := root
	bad[31] ^= 1
	fails("wrong root", bad, index, raw, nodes)
	// Another transaction, another index.
	other := bytes.Clone(raw)
	other[len(other)-1] ^= 1
	fails("other tx bytes", root, index, other, nodes)
	fails("index+1", root, index+1, raw, nodes)
	if index > 0 {
		fails("index-1", root, index-1, raw, nodes)
	}
	// Nodes swapped, dropped, duplicated, extended.
	for i := 0; i+1 < len(nodes); i++ {
		p := clone()
		p[i], p[i+1] = p[i+1], p[i]
		fails(fmt.Sprintf("nodes %d and %d swapped", i, i+1), root, index, raw, p)
	}
	for i := range nodes {
		p := clone()
		p = append(p[:i], p[i+1:]...)
		fails(fmt.Sprintf("node %d dropped", i), root, index, raw, p)
	}
	fails("extra node", root, index, raw, append(clone(), nodes[len(nodes)-1]))
	fails("no nodes", root, index, raw, nil)
	// One flipped bit in every byte of every node.
	for i, n := range nodes {
		for j := range n {
			p := clone()
			p[i][j] ^= 0x10
			err := VerifyTxProof(root, index, raw, p)
			if !assert.Error(t, err, "node %d byte %d flipped", i, j) {
				return
			}
		}
	}
}

func TestEmptyTrie(t *testing.T) {
	root, err := txRoot(nil)
	require.NoError(t, err)
	// keccak256(0x80), the transactionsRoot of every empty block.
	assert.Equal(t, "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", root.String())
}

// Built tries: every index of blocks of many sizes proves, and proves
// nothing else. Sizes cross the key-length changes at 1, 128 and 256.
func TestTxProofBuilt(t *testing.T) {
	mk := func(n int) [][]byte {
		txs := make([][]byte, n)
		for i := range txs {
			// Small values too, so that some nodes are embedded.
			txs[i] = bytes.Repeat([]byte{byte(i), byte(i >> 8)}, 1+i%40)
		}
		return txs
	}
	for _, n := range []int{1, 2, 3, 15, 16, 17, 127, 128, 129, 130, 255, 256, 300} {
		txs := mk(n)
		root, err := txRoot(txs)
		require.NoError(t, err)
		for i := 0; i < n; i++ {
			r, proof, err := TxProof(txs, uint64(i))
			require.NoError(t, err)
			require.Equal(t, root, r)
			require.NoError(t, VerifyTxProof(root, uint64(i), txs[i], proof), "n=%d i=%d", n, i)
			if i+1 < n {
				assert.Error(t, VerifyTxProof(root, uint64(i+1), txs[i], proof))
			}
		}
		_, _, err = TxProof(txs, uint64(n))
		assert.ErrorIs(t, err, errMalformedProof)
		// An absent key is reported as absent, not proven.
		_, proof, err := TxProof(txs, uint64(n-1))
		require.NoError(t, err)
		_, err = verifyProof(root, txKey(uint64(n+1000)), proof)
		assert.Error(t, err)
	}
	// Real-size signed transactions: every corruption fails.
	key := testKey(t)
	var txs [][]byte
	for i := 0; i < 20; i++ {
		tx, err := NewAnchorTx(key, testRoot, AnchorParams{ChainID: 1, Nonce: uint64(i), MaxPriorityFeePerGas: big.NewInt(1), MaxFeePerGas: big.NewInt(2)})
		require.NoError(t, err)
		raw, err := tx.MarshalBinary()
		require.NoError(t, err)
		txs = append(txs, raw)
	}
	root, proof, err := TxProof(txs, 11)
	require.NoError(t, err)
	corruptProof(t, root, 11, txs[11], proof)
}

func TestProofStrictness(t *testing.T) {
	// A one-transaction trie: the root is a leaf.
	txs := [][]byte{bytes.Repeat([]byte{7}, 40)}
	root, proof, err := TxProof(txs, 0)
	require.NoError(t, err)
	require.Len(t, proof, 1)
	require.NoError(t, VerifyTxProof(root, 0, txs[0], proof))

	// A key beyond the leaf's path is absent.
	_, err = verifyProof(root, []byte{0x01}, proof)
	assert.ErrorIs(t, err, errNotInTrie)

	// Hex-prefix with a non-zero padding nibble (0x2f…) is refused even
	// when the node is re-hashed to match.
	leaf, err := decodeRLP(proof[0])
	require.NoError(t, err)
	path := bytes.Clone(leaf.Items[0].Str)
	require.Equal(t, byte(0x20), path[0]&0xf0)
	path[0] |= 0x0f
	mut := appendRLPList(nil, append(appendRLPString(nil, path), leaf.Items[1].Raw...))
	_, err = verifyProof(Keccak256(mut), txKey(0), [][]byte{mut})
	assert.ErrorIs(t, err, errMalformedProof)

	// A node of 3 items.
	three := appendRLPList(nil, []byte{0x80, 0x80, 0x80})
	_, err = verifyProof(Keccak256(three), txKey(0), [][]byte{three})
	assert.ErrorIs(t, err, errMalformedProof)

	// A child referenced by hash although it is shorter than 32 bytes.
	// Key 0x80 (index 0): nibbles 8, 0; the leaf holds the rest "0".
	small := appendRLPList(nil, append(appendRLPString(nil, []byte{0x30}), 0x05))
	h := Keccak256(small)
	var branch []byte
	for i := 0; i < 16; i++ {
		if i == 8 {
			branch = appendRLPString(branch, h[:])
		} else {
			branch = append(branch, 0x80)
		}
	}
	br := appendRLPList(nil, append(branch, 0x80))
	_, err = verifyProof(Keccak256(br), txKey(0), [][]byte{br, small})
	assert.ErrorIs(t, err, errMalformedProof, "hash reference to a node shorter than 32 bytes")

	// The same node embedded is the canonical form, and verifies.
	branch = branch[:0]
	for i := 0; i < 16; i++ {
		if i == 8 {
			branch = append(branch, small...)
		} else {
			branch = append(branch, 0x80)
		}
	}
	br = appendRLPList(nil, append(branch, 0x80))
	v, err := verifyProof(Keccak256(br), txKey(0), [][]byte{br})
	require.NoError(t, err)
	assert.Equal(t, []byte{0x05}, v)

	// Too many nodes.
	many := make([][]byte, maxProofNodes+1)
	_, err = verifyProof(root, txKey(0), many)
	assert.ErrorIs(t, err, errMalformedProof)
}

// A node that is not the one referenced names both hashes as hashes (a
// %x of a Hash, a Stringer, used to print the hex of its "0x…" text).
// The message is what is under test here, so it is read.
func TestProofMismatchMessage(t *testing.T) {
	txs := [][]byte{bytes.Repeat([]byte{1}, 40), bytes.Repeat([]byte{2}, 40)}
	root, proof, err := TxProof(txs, 1)
	require.NoError(t, err)
	other := root
	other[0] ^= 1
	_, err = verifyProof(other, txKey(1), proof)
	require.ErrorIs(t, err, ErrProofMismatch)
	assert.Contains(t, err.Error(), "node 0 has hash "+root.String()+", its parent references "+other.String())
	assert.NotContains(t, err.Error(), "3078", `no hex of "0x"`)
}
