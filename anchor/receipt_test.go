package anchor

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readHex(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bitcoin", name))
	require.NoError(t, err)
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	return raw
}

// regtestReceipt is a one-leaf Blockcerts batch (root = leaf) anchored by
// the OP_RETURN of tx 1 in regtest block 129, with full L3 evidence.
func regtestReceipt(t testing.TB) *Receipt {
	t.Helper()
	blk, err := btc.ParseBlock(readHex(t, "regtest-block-129-segwit-opreturn.hex"))
	require.NoError(t, err)
	tx := blk.Txs[1]
	payloads := tx.OpReturnPayloads()
	require.Len(t, payloads, 1)
	leaf := payloads[0]
	tr, err := NewTree(ModeBlockcerts)
	require.NoError(t, err)
	_, err = tr.Append(leaf)
	require.NoError(t, err)
	branch, err := btc.MerkleBranch(blk.TxIDs(), 1)
	require.NoError(t, err)
	var br [][]byte
	for _, h := range branch {
		br = append(br, bytes.Clone(h[:]))
	}
	r, err := tr.Receipt(0, Anchor{
		Chain: ChainBitcoinRegtest, TxID: tx.TxID().String(), RawTx: tx.Bytes(),
		TxIndex: 1, Branch: br, Headers: [][]byte{blk.Header.Bytes()},
	})
	require.NoError(t, err)
	return r
}

func TestReceiptLevelsRegtest(t *testing.T) {
	r := regtestReceipt(t)
	a, err := r.Verify(VerifyOptions{Leaf: r.Leaf})
	require.NoError(t, err)
	assert.Equal(t, L3, a.Level)
	assert.True(t, a.NoFinality)
	assert.ErrorIs(t, a.Reason, ErrNoFinality)
	assert.Equal(t, 1, a.Confirmations)
	assert.Equal(t, int64(1518552422), a.BlockTime.Unix())
	assert.NoError(t, a.Require(L3))
	assert.ErrorIs(t, a.Require(L4), ErrInsufficientAssurance)

	// JSON round trip.
	js, err := json.Marshal(r)
	require.NoError(t, err)
	back, err := ParseReceipt(js)
	require.NoError(t, err)
	assert.Equal(t, r, back)
	js2, err := json.Marshal(back)
	require.NoError(t, err)
	assert.Equal(t, js, js2)

	// Evidence removed level by level.
	climb := func(mut func(*Receipt)) *Assurance {
		c, err := ParseReceipt(js)
		require.NoError(t, err)
		mut(c)
		a, err := c.Verify(VerifyOptions{Leaf: c.Leaf})
		require.NoError(t, err)
		return a
	}
	a = climb(func(c *Receipt) { c.Anchors[0].Headers = nil })
	assert.Equal(t, L2, a.Level)
	assert.ErrorIs(t, a.Reason, ErrNoEvidence)
	a = climb(func(c *Receipt) { c.Anchors[0].RawTx = nil })
	assert.Equal(t, L1, a.Level)
	assert.ErrorIs(t, a.Reason, ErrNoEvidence)
	a = climb(func(c *Receipt) { c.Anchors = nil })
	assert.Equal(t, L0, a.Level)
	assert.ErrorIs(t, a.Reason, ErrNoAnchor)

	// Contradicting evidence.
	a = climb(func(c *Receipt) { c.Anchors[0].TxID = strings.Repeat("0", 64) })
	assert.Equal(t, L1, a.Level)
	assert.ErrorIs(t, a.Reason, ErrEvidenceMismatch)
	a = climb(func(c *Receipt) { copy(c.Anchors[0].Headers[0][72:76], []byte{0xff, 0xff, 0x00, 0x1d}) })
	assert.Equal(t, L2, a.Level, "harder nBits than the hash meets")
	assert.ErrorIs(t, a.Reason, btc.ErrInsufficientWork)
	a = climb(func(c *Receipt) { c.Anchors[0].Headers[0][40] ^= 1 }) // merkle root bit
	assert.Equal(t, L2, a.Level, "flipped merkle root bit")
	a = climb(func(c *Receipt) { c.Anchors[0].Branch[0][0] ^= 1 })
	assert.Equal(t, L2, a.Level)
	assert.ErrorIs(t, a.Reason, btc.ErrMerkleMismatch)
	a = climb(func(c *Receipt) { c.Anchors[0].TxIndex = 0 })
	assert.Equal(t, L2, a.Level, "wrong tx index")
	a = climb(func(c *Receipt) { c.Anchors[0].Chain = ChainBitcoinMainnet })
	assert.Equal(t, L2, a.Level, "regtest PoW is not mainnet PoW")
	assert.ErrorIs(t, a.Reason, btc.ErrInvalidTarget)
	a = climb(func(c *Receipt) { c.Anchors[0].Chain = ChainMock })
	assert.Equal(t, L1, a.Level)
	assert.True(t, a.NoFinality)
	a = climb(func(c *Receipt) { c.Anchors[0].Chain = ChainEthereumMainnet })
	assert.Equal(t, L1, a.Level, "Bitcoin evidence is no Ethereum transaction")
	assert.ErrorIs(t, a.Reason, eth.ErrMalformedTx)

	// L0 failures are errors.
	_, err = r.Verify(VerifyOptions{})
	assert.ErrorIs(t, err, ErrInvalidLeaf)
	other := sha256.Sum256([]byte("other"))
	a, err = r.Verify(VerifyOptions{Leaf: other[:]})
	assert.ErrorIs(t, err, ErrLeafMismatch)
	assert.Equal(t, LevelNone, a.Level)
	c, _ := ParseReceipt(js)
	c.Root = bytes.Clone(c.Root)
	c.Root[0] ^= 1
	_, err = c.Verify(VerifyOptions{Leaf: c.Leaf})
	var rm *RootMismatchError
	assert.True(t, errors.As(err, &rm))
}

func TestReceiptBlockcertsMainnetL2(t *testing.T) {
	raw := readHex(t, "blockcerts-mainnet-2378076e.hex")
	root, _ := hex.DecodeString("b2ceea1d52627b6ed8d919ad1039eca32f6e099ef4a357cbb7f7361c471ea6c8")
	r := &Receipt{Version: ReceiptVersion, Mode: ModeBlockcerts, Leaf: root, Index: 0, Size: 1, Root: root,
		Anchors: []Anchor{{Chain: ChainBitcoinMainnet, TxID: "2378076e8e140012814e98a2b2cb1af07ec760b239c1d6d93ba54d658a010ecd", RawTx: raw}}}
	a, err := r.Verify(VerifyOptions{Leaf: root})
	require.NoError(t, err)
	assert.Equal(t, L2, a.Level)
	assert.False(t, a.NoFinality)
	assert.ErrorIs(t, a.Reason, ErrNoEvidence)
}

func readHeaders(t testing.TB) (genesis *btc.Header, hs []*btc.Header) {
	g, err := btc.ParseHeader(readHex(t, "genesis-header.hex"))
	require.NoError(t, err)
	f, err := os.Open(filepath.Join("testdata", "bitcoin", "mainnet-headers-1-11.txt"))
	require.NoError(t, err)
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		raw, err := hex.DecodeString(strings.TrimSpace(s.Text()))
		require.NoError(t, err)
		h, err := btc.ParseHeader(raw)
		require.NoError(t, err)
		hs = append(hs, h)
	}
	return g, hs
}

// TestCheckpointChain exercises the L4 connection rule on real mainnet
// headers 1..11 (no mainnet OP_RETURN anchor with headers is available
// offline, so the full L4 climb is not replayed end to end).
func TestCheckpointChain(t *testing.T) {
	g, hs := readHeaders(t)
	cp := Checkpoint{Chain: ChainBitcoinMainnet, BlockHash: g.Hash().String(), MaxBits: 0x1d00ffff}
	assert.NoError(t, checkpointChain(cp, hs), "genesis is the parent")
	cp5 := Checkpoint{Chain: ChainBitcoinMainnet, BlockHash: hs[5].Hash().String(), MaxBits: 0x1d00ffff}
	assert.NoError(t, checkpointChain(cp5, hs), "checkpoint among the headers")
	assert.ErrorIs(t, checkpointChain(cp5, hs[7:]), btc.ErrBrokenChain, "checkpoint before a gap")
	assert.ErrorIs(t, checkpointChain(Checkpoint{BlockHash: cp.BlockHash}, hs), ErrNoEvidence, "no floor")
	assert.Error(t, checkpointChain(Checkpoint{BlockHash: cp.BlockHash, MaxBits: 0x1c00ffff}, hs), "floor above their difficulty")
	assert.Error(t, checkpointChain(Checkpoint{BlockHash: "xyz", MaxBits: 0x1d00ffff}, hs))
	bad := *hs[3]
	bad.Nonce++
	mut := append(append(append([]*btc.Header{}, hs[:3]...), &bad), hs[4:]...)
	assert.Error(t, checkpointChain(cp, mut), "wrong nonce")
}

func TestParseReceiptRejects(t *testing.T) {
	r := regtestReceipt(t)
	js, err := json.Marshal(r)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(js, &m))
	edit := func(f func(map[string]any)) []byte {
		var c map[string]any
		require.NoError(t, json.Unmarshal(js, &c))
		f(c)
		out, err := json.Marshal(c)
		require.NoError(t, err)
		return out
	}
	anchor0 := func(c map[string]any) map[string]any { return c["anchors"].([]any)[0].(map[string]any) }
	_, err = ParseReceipt(edit(func(c map[string]any) { c["version"] = 2 }))
	assert.ErrorIs(t, err, ErrUnsupportedVersion)
	_, err = ParseReceipt(edit(func(c map[string]any) { c["version"] = "1" }))
	assert.ErrorIs(t, err, ErrUnsupportedVersion)
	for name, bad := range map[string][]byte{
		"duplicate key":  []byte(strings.Replace(string(js), `"version":1,`, `"version":1,"version":1,`, 1)),
		"trailing data":  append(bytes.Clone(js), '{', '}'),
		"not an object":  []byte(`[]`),
		"unknown member": edit(func(c map[string]any) { c["extra"] = true }),
		"case":           edit(func(c map[string]any) { c["Root"] = c["root"]; delete(c, "root") }),
		"missing root":   edit(func(c map[string]any) { delete(c, "root") }),
		"mode":           edit(func(c map[string]any) { c["mode"] = "RFC6962" }),
		"upper hex":      edit(func(c map[string]any) { c["root"] = strings.ToUpper(c["root"].(string)) }),
		"short leaf":     edit(func(c map[string]any) { c["leaf"] = c["leaf"].(string)[:62] }),
		"index = size":   edit(func(c map[string]any) { c["index"] = c["treeSize"] }),
		"fractional":     edit(func(c map[string]any) { c["treeSize"] = 1.5 }),
		"negative":       edit(func(c map[string]any) { c["index"] = -1 }),
		"huge":           edit(func(c map[string]any) { c["treeSize"] = 1e300 }),
		"long path":      edit(func(c map[string]any) { c["path"] = make([]any, MaxPath+1) }),
		"unknown chain":  edit(func(c map[string]any) { anchor0(c)["chain"] = "dogecoin" }),
		"bad txid":       edit(func(c map[string]any) { anchor0(c)["txid"] = "00" }),
		"anchor member":  edit(func(c map[string]any) { anchor0(c)["blockHash"] = "00" }),
		"no txIndex":     edit(func(c map[string]any) { delete(anchor0(c), "txIndex") }),
		"short header":   edit(func(c map[string]any) { anchor0(c)["headers"] = []any{"00"} }),
		"odd rawTx":      edit(func(c map[string]any) { anchor0(c)["rawTx"] = "0" }),
		"too many anchors": edit(func(c map[string]any) {
			a := anchor0(c)
			l := make([]any, MaxAnchors+1)
			for i := range l {
				l[i] = a
			}
			c["anchors"] = l
		}),
	} {
		got, err := ParseReceipt(bad)
		assert.ErrorIs(t, err, ErrMalformedReceipt, name)
		assert.Nil(t, got, name)
	}
}

func TestLevelString(t *testing.T) {
	assert.Equal(t, "none", LevelNone.String())
	assert.Equal(t, "L0", L0.String())
	assert.Equal(t, "L4", L4.String())
	assert.True(t, LevelNone < L0 && L0 < L1 && L3 < L4)
	var a *Assurance
	assert.ErrorIs(t, a.Require(L0), ErrInsufficientAssurance)
}
