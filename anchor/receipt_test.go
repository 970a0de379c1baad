package anchor

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/internal/btcwire"
	"github.com/onchaincert/microcred/internal/ethwire"
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

// regtestSpent is the amount of the output the anchor transaction of
// regtest block 129 spends (see btc's TestVerifyInputSignerReal).
const regtestSpent = 129_899_999_816

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
		Chain: ChainBitcoinRegtest, TxID: tx.TxID().String(), RawTx: tx.Bytes(), PrevoutAmount: ptrInt64(regtestSpent),
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
	assert.Equal(t, "2", a.Sender[:1], "input 0 is P2SH-P2WPKH: a testnet/regtest P2SH address")
	assert.Len(t, a.SenderPublicKey, 33)
	assert.False(t, a.Pinned)
	assert.Equal(t, 0, a.Work.Cmp(big.NewInt(2)), "regtest: 2 expected hashes")
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
	a = climb(func(c *Receipt) { c.Anchors[0].PrevoutAmount = nil })
	assert.Equal(t, L1, a.Level, "a receipt without the spent amount: sender unproven")
	assert.ErrorIs(t, a.Reason, ErrSenderUnproven)
	assert.ErrorIs(t, a.Reason, ErrNoEvidence)
	assert.ErrorIs(t, a.Reason, btc.ErrAmountRequired)
	assert.Empty(t, a.Sender)
	a = climb(func(c *Receipt) { c.Anchors[0].PrevoutAmount = ptrInt64(regtestSpent + 1) })
	assert.Equal(t, L1, a.Level, "another amount: the signature does not verify")
	assert.ErrorIs(t, a.Reason, btcwire.ErrInvalidSignature)
	assert.ErrorIs(t, a.Reason, ErrEvidenceMismatch)
	a = climb(func(c *Receipt) { c.Anchors[0].RawTx = nil; c.Anchors[0].PrevoutAmount = nil })
	assert.Equal(t, L1, a.Level)
	assert.ErrorIs(t, a.Reason, ErrNoEvidence)
	a = climb(func(c *Receipt) { c.Anchors = nil })
	assert.Equal(t, L0, a.Level)
	assert.ErrorIs(t, a.Reason, errNoAnchor)

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
	assert.ErrorIs(t, a.Reason, btcwire.ErrMerkleMismatch)
	a = climb(func(c *Receipt) { c.Anchors[0].TxIndex = 0 })
	assert.Equal(t, L2, a.Level, "wrong tx index")
	a = climb(func(c *Receipt) { c.Anchors[0].Chain = ChainBitcoinMainnet })
	assert.Equal(t, L2, a.Level, "regtest PoW is not mainnet PoW")
	assert.ErrorIs(t, a.Reason, btcwire.ErrInvalidTarget)
	assert.Equal(t, "3", a.Sender[:1], "the same key's mainnet P2SH address")
	a = climb(func(c *Receipt) { c.Anchors[0].Chain = ChainMock })
	assert.Equal(t, L0, a.Level, "a mock anchor is on no chain")
	assert.ErrorIs(t, a.Reason, ErrNoFinality)
	assert.True(t, a.NoFinality)
	a = climb(func(c *Receipt) { c.Anchors[0].Chain = ChainEthereumMainnet; c.Anchors[0].PrevoutAmount = nil })
	assert.Equal(t, L1, a.Level, "Bitcoin evidence is no Ethereum transaction")
	assert.ErrorIs(t, a.Reason, ethwire.ErrMalformedTx)

	// L0 failures are errors.
	_, err = r.Verify(VerifyOptions{})
	assert.ErrorIs(t, err, errInvalidLeaf)
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
	r := &Receipt{Version: receiptVersion, Mode: ModeBlockcerts, Leaf: root, Index: 0, Size: 1, Root: root,
		Anchors: []Anchor{{Chain: ChainBitcoinMainnet, TxID: "2378076e8e140012814e98a2b2cb1af07ec760b239c1d6d93ba54d658a010ecd", RawTx: raw}}}
	a, err := r.Verify(VerifyOptions{Leaf: root})
	require.NoError(t, err)
	assert.Equal(t, L2, a.Level)
	assert.False(t, a.NoFinality)
	assert.ErrorIs(t, a.Reason, ErrNoEvidence)
	// Input 0 is P2PKH: its signature proves the issuer's address without
	// an amount (the Blockcerts v2 sample's issuer profile names it).
	assert.Equal(t, "1AwdUWQzJgfDDjeKtpPzMfYMHejFBrxZfo", a.Sender)
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

// TestGradeHeadersMainnet exercises the L3/L4 rules on real mainnet
// headers 1..11 (difficulty 1, so only below a floor lowered with
// LowerFloorsUnsafe; no mainnet OP_RETURN anchor with headers is
// available offline, so the full L4 climb is not replayed end to end).
func TestGradeHeadersMainnet(t *testing.T) {
	g, hs := readHeaders(t)
	raw := make([][]byte, len(hs))
	for i, h := range hs {
		raw[i] = h.Bytes()
	}
	unsafe := []Floor{{Chain: ChainBitcoinMainnet, MaxBits: 0x1d00ffff}}
	grade := func(headers [][]byte, opts VerifyOptions) *HeaderGrade {
		t.Helper()
		if opts.Floors == nil {
			opts.Floors, opts.LowerFloorsUnsafe = unsafe, true
		}
		gr, err := GradeHeaders(ChainBitcoinMainnet, headers, opts)
		require.NoError(t, err)
		return gr
	}
	cp := Checkpoint{Chain: ChainBitcoinMainnet, BlockHash: g.Hash().String()}
	cp5 := Checkpoint{Chain: ChainBitcoinMainnet, BlockHash: hs[5].Hash().String()}

	gr := grade(raw, VerifyOptions{Checkpoints: []Checkpoint{cp}})
	assert.Equal(t, L4, gr.Level, "genesis is the parent")
	assert.NoError(t, gr.Reason)
	assert.Equal(t, 11, gr.Confirmations)
	assert.False(t, gr.Pinned, "an ancestor checkpoint does not pin its descendants")
	assert.Equal(t, 0, gr.Work.Cmp(new(big.Int).Mul(big.NewInt(11), big.NewInt(0x100010001))), "11 headers of 2^256/(0xffff·2^208+1) hashes")

	gr = grade(raw, VerifyOptions{Checkpoints: []Checkpoint{cp5}})
	assert.Equal(t, L4, gr.Level, "checkpoint among the headers")
	assert.True(t, gr.Pinned)
	gr = grade(raw[7:], VerifyOptions{Checkpoints: []Checkpoint{cp5}})
	assert.Equal(t, L3, gr.Level, "checkpoint before a gap")
	assert.ErrorIs(t, gr.Reason, ErrBrokenChain)
	gr = grade(raw, VerifyOptions{})
	assert.Equal(t, L3, gr.Level)
	assert.ErrorIs(t, gr.Reason, ErrNoEvidence, "no checkpoint")
	gr = grade(raw, VerifyOptions{Checkpoints: []Checkpoint{{Chain: ChainBitcoinMainnet, BlockHash: cp.BlockHash, MaxBits: 0x1c00ffff}}})
	assert.Equal(t, L3, gr.Level, "checkpoint floor above their difficulty")
	assert.ErrorIs(t, gr.Reason, btcwire.ErrInvalidTarget)
	gr = grade(raw[:5], VerifyOptions{Checkpoints: []Checkpoint{cp}})
	assert.Equal(t, L3, gr.Level, "5 < 6 confirmations")
	gr = grade(raw[:5], VerifyOptions{Checkpoints: []Checkpoint{cp}, Confirmations: 5})
	assert.Equal(t, L4, gr.Level)

	bad := *hs[3]
	bad.Nonce++
	mut := append(append(append([][]byte{}, raw[:3]...), bad.Bytes()), raw[4:]...)
	gr = grade(mut, VerifyOptions{Checkpoints: []Checkpoint{cp}})
	assert.Equal(t, L3, gr.Level, "wrong nonce in header 3")
	assert.Equal(t, 3, gr.Confirmations, "counted up to the bad header")

	// With the built-in floor, difficulty-1 mainnet headers prove nothing.
	gr, err := GradeHeaders(ChainBitcoinMainnet, raw, VerifyOptions{Checkpoints: []Checkpoint{cp}})
	require.NoError(t, err)
	assert.Equal(t, LevelNone, gr.Level)
	assert.ErrorIs(t, gr.Reason, btcwire.ErrInvalidTarget)
	// Bad options are errors.
	for name, opts := range map[string]VerifyOptions{
		"bad checkpoint hash":       {Checkpoints: []Checkpoint{{Chain: ChainBitcoinMainnet, BlockHash: "xyz"}}},
		"floor lowered, not Unsafe": {Floors: unsafe},
		"checkpoint lowers floor":   {Checkpoints: []Checkpoint{{Chain: ChainBitcoinMainnet, BlockHash: cp.BlockHash, MaxBits: 0x1d00ffff}}},
		"floor above pow limit":     {Floors: []Floor{{Chain: ChainBitcoinMainnet, MaxBits: 0x1e00ffff}}, LowerFloorsUnsafe: true},
		"floor sign bit":            {Floors: []Floor{{Chain: ChainBitcoinMainnet, MaxBits: 0x18800000}}},
		"floor for ethereum":        {Floors: []Floor{{Chain: ChainEthereumMainnet, MaxBits: 0x1900ffff}}},
		"two floors":                {Floors: []Floor{{Chain: ChainBitcoinMainnet, MaxBits: 0x1800ffff}, {Chain: ChainBitcoinMainnet, MaxBits: 0x1800ffff}}},
		"MaxBits on ethereum":       {Checkpoints: []Checkpoint{{Chain: ChainEthereumMainnet, BlockHash: "0x" + strings.Repeat("00", 32), MaxBits: 1}}},
		"checkpoint on mock":        {Checkpoints: []Checkpoint{{Chain: ChainMock, BlockHash: "x"}}},
	} {
		gr, err := GradeHeaders(ChainBitcoinMainnet, raw, opts)
		assert.ErrorIs(t, err, ErrInvalidOptions, name)
		assert.Nil(t, gr, name)
	}
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
	assert.ErrorIs(t, err, errUnsupportedVersion)
	_, err = ParseReceipt(edit(func(c map[string]any) { c["version"] = "1" }))
	assert.ErrorIs(t, err, errUnsupportedVersion)
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
		"long path":      edit(func(c map[string]any) { c["path"] = make([]any, maxPath+1) }),
		"unknown chain":  edit(func(c map[string]any) { anchor0(c)["chain"] = "dogecoin" }),
		"bad txid":       edit(func(c map[string]any) { anchor0(c)["txid"] = "00" }),
		"anchor member":  edit(func(c map[string]any) { anchor0(c)["blockHash"] = "00" }),
		"no txIndex":     edit(func(c map[string]any) { delete(anchor0(c), "txIndex") }),
		"short header":   edit(func(c map[string]any) { anchor0(c)["headers"] = []any{"00"} }),
		"odd rawTx":      edit(func(c map[string]any) { anchor0(c)["rawTx"] = "0" }),
		"amount < 0":     edit(func(c map[string]any) { anchor0(c)["prevoutAmount"] = -1 }),
		"amount > max":   edit(func(c map[string]any) { anchor0(c)["prevoutAmount"] = float64(btc.MaxMoney + 1) }),
		"amount string":  edit(func(c map[string]any) { anchor0(c)["prevoutAmount"] = "5" }),
		"amount, no tx":  edit(func(c map[string]any) { delete(anchor0(c), "rawTx") }),
		"amount on eth": edit(func(c map[string]any) {
			anchor0(c)["chain"] = "ethereum-dev"
			anchor0(c)["txid"] = "0x" + strings.Repeat("00", 32)
			delete(anchor0(c), "headers")
			delete(anchor0(c), "txIndex")
			delete(anchor0(c), "branch")
		}),
		"too many anchors": edit(func(c map[string]any) {
			a := anchor0(c)
			l := make([]any, maxAnchors+1)
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
