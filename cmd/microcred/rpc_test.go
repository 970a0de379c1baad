package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/onchaincert/microcred/cmd/microcred/internal/jsonrpc"
)

// fakeNode answers JSON-RPC methods from a table and records the calls.
type fakeNode struct {
	mu sync.Mutex
	// answers maps "method params" or else "method" to the result JSON
	// ("!message" for an error).
	answers map[string]string
	calls   []string
	params  map[string]json.RawMessage // the last params of each method
}

func (f *fakeNode) serve(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ID     uint64          `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.calls = append(f.calls, req.Method)
		if f.params == nil {
			f.params = map[string]json.RawMessage{}
		}
		f.params[req.Method] = req.Params
		a, ok := f.answers[req.Method+" "+string(req.Params)]
		if !ok {
			a, ok = f.answers[req.Method]
		}
		f.mu.Unlock()
		switch {
		case !ok:
			fmt.Fprintf(w, `{"id":%d,"error":{"code":-32601,"message":"Method not found"}}`, req.ID)
		case strings.HasPrefix(a, "!"):
			fmt.Fprintf(w, `{"id":%d,"error":{"code":-1,"message":%q}}`, req.ID, a[1:])
		default:
			fmt.Fprintf(w, `{"id":%d,"result":%s}`, req.ID, a)
		}
	}))
	t.Cleanup(s.Close)
	return s.URL
}

func (f *fakeNode) called(method string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.calls {
		if m == method {
			return true
		}
	}
	return false
}

// Chain id 0 names no chain (EIP-155): send refuses it before signing.
func TestETHSendRefusesChainIDZero(t *testing.T) {
	key, _ := k1Key(t, t.TempDir())
	f := &fakeNode{answers: map[string]string{"eth_chainId": `"0x0"`, "eth_getTransactionCount": `"0x0"`,
		"eth_gasPrice": `"0x3b9aca00"`, "eth_getBlockByNumber": `{"baseFeePerGas":"0x7"}`, "eth_sendRawTransaction": `"0x00"`}}
	url := f.serve(t)
	r := runCLI(t, "anchor", "eth", "send", "--rpc", url, "--key", key, "--root", testRoot)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "chain id is 0")
	assert.False(t, f.called("eth_sendRawTransaction"), "nothing is sent")

	// A chain id other than the one asked for.
	f.answers["eth_chainId"] = `"0x539"`
	r = runCLI(t, "anchor", "eth", "send", "--rpc", url, "--key", key, "--root", testRoot, "--chain-id", "1")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "chain id is 1337")
	assert.False(t, f.called("eth_sendRawTransaction"))

	// A node that reports another hash for what it was sent.
	r = runCLI(t, "anchor", "eth", "send", "--rpc", url, "--key", key, "--root", testRoot)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "reports hash")
	assert.True(t, f.called("eth_sendRawTransaction"))

	// A fee cap below what the node's prices give.
	r = runCLI(t, "anchor", "eth", "send", "--rpc", url, "--key", key, "--root", testRoot, "--max-fee-cap", "10")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "above --max-fee-cap")
}

func TestBTCSendChecksNode(t *testing.T) {
	key, _ := k1Key(t, t.TempDir())
	f := &fakeNode{answers: map[string]string{"getblockchaininfo": `{"chain":"main"}`}}
	url := f.serve(t)
	r := runCLI(t, "anchor", "btc", "send", "--rpc", url, "--key", key, "--root", testRoot, "--network", "regtest")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "the node is on main")

	// No coins: scantxoutset finds none.
	f.answers["getblockchaininfo"] = `{"chain":"regtest"}`
	f.answers["scantxoutset"] = `{"success":true,"height":500,"unspents":[]}`
	r = runCLI(t, "anchor", "btc", "send", "--rpc", url, "--key", key, "--root", testRoot)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "no confirmed unspent output")

	// An immature coinbase is not spent; a mature coin is, and a node
	// that reports another txid for it is an error.
	pub := mustPub(t, key)
	addr, err := btc.AddressFromPubKey(btc.Regtest, pub)
	require.NoError(t, err)
	script := hex.EncodeToString(addr.PkScript())
	f.answers["scantxoutset"] = fmt.Sprintf(`{"success":true,"height":500,"unspents":[
		{"txid":"%s","vout":0,"scriptPubKey":"%s","amount":50.00000000,"coinbase":true,"height":450},
		{"txid":"%s","vout":1,"scriptPubKey":"%s","amount":0.001,"coinbase":false,"height":499}]}`,
		strings.Repeat("11", 32), script, strings.Repeat("22", 32), script)
	f.answers["sendrawtransaction"] = `"` + strings.Repeat("33", 32) + `"`
	r = runCLI(t, "anchor", "btc", "send", "--rpc", url, "--key", key, "--root", testRoot)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "reports txid")
	assert.True(t, f.called("sendrawtransaction"))
	assert.Contains(t, r.stderr, "sendrawtransaction: the node reports txid")
	var sent []string
	require.NoError(t, json.Unmarshal(f.params["sendrawtransaction"], &sent))
	raw, err := hex.DecodeString(sent[0])
	require.NoError(t, err)
	tx, err := btc.ParseTx(raw)
	require.NoError(t, err)
	require.Len(t, tx.Inputs, 1)
	assert.Equal(t, strings.Repeat("22", 32), tx.Inputs[0].PrevTxID.String(), "the mature coin, not the immature coinbase")
	assert.Equal(t, uint32(1), tx.Inputs[0].PrevIndex)
	_, err = btc.VerifyInputSigner(tx, 0, 100_000)
	assert.NoError(t, err, "signed for 0.001 BTC read as exactly 100000 sat")

	// btcd: no scantxoutset and no address index.
	delete(f.answers, "scantxoutset")
	f.answers["searchrawtransactions"] = `!Address index must be enabled (--addrindex)`
	r = runCLI(t, "anchor", "btc", "send", "--rpc", url, "--key", key, "--root", testRoot)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "give --utxo")
}

func mustPub(t *testing.T, keyPath string) []byte {
	t.Helper()
	k, err := loadSecp256k1(keyPath)
	require.NoError(t, err)
	return k.PubKey().SerializeCompressed()
}

// A node whose header does not hash to the hash asked for is caught.
func TestBTCNodeHeaderMismatch(t *testing.T) {
	hdr := make([]byte, 80)
	hdr[0] = 1
	f := &fakeNode{answers: map[string]string{"getblockheader": `"` + hex.EncodeToString(hdr) + `"`}}
	c, err := jsonrpc.New(f.serve(t), jsonrpc.Options{})
	require.NoError(t, err)
	n := &btcNode{c: c}
	good := btc.DoubleSHA256(hdr)
	got, err := n.header(context.Background(), good)
	require.NoError(t, err)
	assert.Equal(t, hdr, got)
	other := good
	other[0] ^= 1
	_, err = n.header(context.Background(), other)
	assert.ErrorContains(t, err, "hashes to")
}

func TestBTCToSats(t *testing.T) {
	for in, want := range map[string]int64{"50.00000000": 50_0000_0000, "0.00000001": 1, "0": 0, "21000000": btc.MaxMoney, "1.5": 1_5000_0000} {
		got, err := btcToSats("f", json.Number(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"1e-8", "-1", "0.000000001", "21000000.00000001", "", ".5", "1.2.3", "99999999999999999999"} {
		_, err := btcToSats("f", json.Number(in))
		assert.Error(t, err, in)
	}
}

func TestParseQuantity(t *testing.T) {
	v, err := parseQuantity("f", "0x1a", 64)
	require.NoError(t, err)
	assert.Equal(t, int64(26), v.Int64())
	v, err = parseQuantity("f", "0x0", 64)
	require.NoError(t, err)
	assert.Zero(t, v.Sign())
	for _, in := range []string{"", "0x", "1a", "0x01", "0xzz", "0x" + strings.Repeat("f", 17)} {
		_, err := parseQuantity("f", in, 64)
		assert.Error(t, err, in)
	}
}

// rpcFields turns a signed transaction into the JSON-RPC fields a node
// returns for it.
func rpcFields(t *testing.T, tx *eth.Tx) rpcTx {
	t.Helper()
	q := func(v *big.Int) *string { s := "0x" + v.Text(16); return &s }
	qu := func(v uint64) string { return fmt.Sprintf("0x%x", v) }
	h, err := tx.Hash()
	require.NoError(t, err)
	typ := qu(uint64(tx.Type))
	to := tx.To.String()
	out := rpcTx{Hash: h.String(), Type: &typ, Nonce: qu(tx.Nonce), Gas: qu(tx.Gas), To: &to, Value: "0x" + tx.Value.Text(16),
		Input: "0x" + hex.EncodeToString(tx.Data), V: qu(tx.V), R: *q(tx.R), S: *q(tx.S)}
	if tx.Type == eth.LegacyTxType {
		out.GasPrice = q(tx.GasPrice)
	} else {
		id := qu(tx.ChainID)
		out.ChainID = &id
		out.MaxPriorityFeePerGas, out.MaxFeePerGas = q(tx.GasTipCap), q(tx.GasFeeCap)
		out.AccessList = nil
	}
	return out
}

func TestRPCTxRebuild(t *testing.T) {
	key, err := loadSecp256k1(func() string { p, _ := k1Key(t, t.TempDir()); return p }())
	require.NoError(t, err)
	root := make([]byte, 32)
	root[0] = 0xab
	for _, legacy := range []bool{false, true} {
		p := eth.AnchorParams{ChainID: 1337, Nonce: 3, Legacy: legacy, GasPrice: big.NewInt(5e9),
			MaxPriorityFeePerGas: big.NewInt(1e9), MaxFeePerGas: big.NewInt(9e9)}
		tx, err := eth.NewAnchorTx(key, root, p)
		require.NoError(t, err)
		want, err := tx.MarshalBinary()
		require.NoError(t, err)
		fields := rpcFields(t, tx)
		got, err := fields.raw()
		require.NoError(t, err, "legacy=%v", legacy)
		assert.Equal(t, want, got)

		// A field the node changed: the rebuilt bytes no longer hash to
		// the hash it gave.
		bad := fields
		bad.Nonce = "0x4"
		_, err = bad.raw()
		assert.ErrorContains(t, err, "hashes to")
		bad = fields
		bad.Input = "0xzz"
		_, err = bad.raw()
		assert.ErrorContains(t, err, "input")
		bad = fields
		typ := "0x3"
		bad.Type = &typ
		_, err = bad.raw()
		assert.ErrorContains(t, err, "type 3")
	}
}

func TestRPCBlockHeader(t *testing.T) {
	w := eth.Hash{9}
	h := &eth.Header{ParentHash: eth.Hash{1}, UncleHash: eth.Hash{2}, StateRoot: eth.Hash{3}, TxRoot: eth.Hash{4}, ReceiptRoot: eth.Hash{5},
		Difficulty: big.NewInt(0), Number: 7, GasLimit: 30_000_000, GasUsed: 21_512, Time: 1_700_000_000, Extra: []byte{},
		MixDigest: eth.Hash{6}, BaseFee: big.NewInt(7), WithdrawalsRoot: &w}
	raw, err := h.MarshalBinary()
	require.NoError(t, err)
	hash := eth.Keccak256(raw)
	hx := func(b []byte) string { return "0x" + hex.EncodeToString(b) }
	base, wr := "0x7", w.String()
	b := rpcBlock{Hash: hash.String(), ParentHash: h.ParentHash.String(), Sha3Uncles: h.UncleHash.String(), Miner: hx(make([]byte, 20)),
		StateRoot: h.StateRoot.String(), TransactionsRoot: h.TxRoot.String(), ReceiptsRoot: h.ReceiptRoot.String(),
		LogsBloom: hx(make([]byte, 256)), Difficulty: "0x0", Number: "0x7", GasLimit: "0x1c9c380", GasUsed: "0x5408",
		Timestamp: "0x6553f100", ExtraData: "0x", MixHash: h.MixDigest.String(), Nonce: hx(make([]byte, 8)),
		BaseFeePerGas: &base, WithdrawalsRoot: &wr}
	got, _, err := b.header()
	require.NoError(t, err)
	assert.Equal(t, raw, got)

	for name, edit := range map[string]func(b *rpcBlock){
		"gasUsed":         func(b *rpcBlock) { b.GasUsed = "0x5409" },
		"no withdrawals":  func(b *rpcBlock) { b.WithdrawalsRoot = nil },
		"hash":            func(b *rpcBlock) { b.Hash = eth.Hash{1}.String() },
		"short bloom":     func(b *rpcBlock) { b.LogsBloom = "0x00" },
		"not a quantity":  func(b *rpcBlock) { b.Number = "7" },
		"leading zero":    func(b *rpcBlock) { b.GasLimit = "0x01c9c380" },
		"extra not hex":   func(b *rpcBlock) { b.ExtraData = "0xg" },
		"miner too short": func(b *rpcBlock) { b.Miner = "0x00" },
	} {
		bad := b
		edit(&bad)
		_, _, err := bad.header()
		assert.Error(t, err, name)
	}
}

// receipt --rpc against a node that lies: a block that does not hash to
// the hash it named, a transaction that is not in it, another chain.
func TestReceiptRPCHostileNode(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	batchDir := dir + "/batch"
	require.Equal(t, 0, runCLI(t, append([]string{"batch-root", "--out", batchDir}, files...)...).code)

	rawHex, err := os.ReadFile("../../internal/btcwire/testdata/regtest-block-129-segwit-opreturn.hex")
	require.NoError(t, err)
	raw, err := hex.DecodeString(strings.TrimSpace(string(rawHex)))
	require.NoError(t, err)
	blk, err := btc.ParseBlock(raw)
	require.NoError(t, err)
	txid := blk.TxIDs()[1].String()
	claimed := blk.Header.Hash()
	claimed[0] ^= 1 // the node names one block and serves another

	f := &fakeNode{answers: map[string]string{
		"getblockchaininfo": `{"chain":"regtest"}`,
		"getrawtransaction": fmt.Sprintf(`{"blockhash":%q}`, claimed.String()),
		"getblockheader":    `{"height":129,"confirmations":1}`,
		"getblock":          `"` + strings.TrimSpace(string(rawHex)) + `"`,
	}}
	url := f.serve(t)
	args := []string{"receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--rpc", url, "--poll", "10ms", "--timeout", "5s", "--out", dir + "/r"}
	r := runCLI(t, append(args, "--txid", txid)...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "the node's block hashes to "+blk.Header.Hash().String())

	// A transaction the block does not hold.
	f.answers["getrawtransaction"] = fmt.Sprintf(`{"blockhash":%q}`, blk.Header.Hash().String())
	r = runCLI(t, append(args, "--txid", strings.Repeat("44", 32))...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "is not in block")

	// The right block and transaction, but for the amount input 0 spends
	// the node serves another transaction than the one it spends.
	prev := blk.Txs[1].Inputs[0].PrevTxID.String()
	f.answers[fmt.Sprintf(`getrawtransaction ["%s",0]`, prev)] = `"` + hex.EncodeToString(blk.Txs[0].Bytes()) + `"`
	r = runCLI(t, append(args, "--txid", txid)...)
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "getrawtransaction "+prev+": the node's transaction has id "+blk.Txs[0].TxID().String())
	_, err = os.Stat(dir + "/r/cred0.json" + receiptSuffix)
	assert.True(t, os.IsNotExist(err), "no receipt written")

	// A node on mainnet for a regtest receipt.
	f.answers["getblockchaininfo"] = `{"chain":"main"}`
	r = runCLI(t, append(args, "--txid", txid)...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "the node is on main")

	// Never mined: --timeout ends the wait with a clear error.
	f.answers["getblockchaininfo"] = `{"chain":"regtest"}`
	f.answers["getrawtransaction"] = `{}`
	f.answers["getblockcount"] = `0`
	f.answers["getblockhash"] = `"` + blk.Header.Hash().String() + `"`
	f.answers["getblock"] = `{"tx":[]}`
	r = runCLI(t, append(args, "--txid", txid, "--timeout", "200ms")...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "gave up after --timeout 200ms")

	// Evidence flags and --rpc exclude each other.
	r = runCLI(t, append(args, "--txid", txid, "--raw-tx", "x.hex")...)
	assert.Equal(t, 2, r.code)
}

func FuzzRPCFields(f *testing.F) {
	f.Add([]byte(`{"hash":"0x00","number":"0x1","transactions":[{"hash":"0x00","nonce":"0x0","v":"0x25"}]}`))
	f.Add([]byte(`{"baseFeePerGas":"0x7","withdrawalsRoot":"0x` + strings.Repeat("00", 32) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b rpcBlock
		if json.Unmarshal(data, &b) != nil {
			return
		}
		raw, h, err := b.header()
		if err == nil {
			// Only a header that hashes to the block's hash is returned.
			got, herr := h.Hash()
			require.NoError(t, herr)
			assert.Equal(t, b.Hash, got.String())
			assert.NotEmpty(t, raw)
		}
		for i := range b.Transactions {
			if raw, err := b.Transactions[i].raw(); err == nil {
				assert.Equal(t, b.Transactions[i].Hash, eth.Keccak256(raw).String())
			}
		}
	})
}

// receipt from files on Ethereum: the self-check wants L3, which needs a
// trusted block; --checkpoint gives it (before, no receipt with headers
// could be written at all).
func TestReceiptEthereumFilesCheckpoint(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	batchDir := dir + "/batch"
	r := runCLI(t, append([]string{"batch-root", "--out", batchDir}, files...)...)
	require.Equal(t, 0, r.code, r.stderr)
	root, err := hex.DecodeString(strings.TrimSpace(r.stdout))
	require.NoError(t, err)
	keyPath, _ := k1Key(t, dir)
	key, err := loadSecp256k1(keyPath)
	require.NoError(t, err)

	tx, err := eth.NewAnchorTx(key, root, eth.AnchorParams{ChainID: 1337, Nonce: 0, MaxPriorityFeePerGas: big.NewInt(1), MaxFeePerGas: big.NewInt(2)})
	require.NoError(t, err)
	raw, err := tx.MarshalBinary()
	require.NoError(t, err)
	other, err := eth.NewAnchorTx(key, bytes32(0x77), eth.AnchorParams{ChainID: 1337, Nonce: 1, MaxPriorityFeePerGas: big.NewInt(1), MaxFeePerGas: big.NewInt(2)})
	require.NoError(t, err)
	otherRaw, err := other.MarshalBinary()
	require.NoError(t, err)
	txRoot, proof, err := eth.TxProof([][]byte{otherRaw, raw}, 1)
	require.NoError(t, err)
	h := &eth.Header{TxRoot: txRoot, Difficulty: big.NewInt(0), Number: 5, GasLimit: 30_000_000, Time: 1_700_000_000, Extra: []byte{}}
	hdr, err := h.MarshalBinary()
	require.NoError(t, err)
	hash := eth.Keccak256(hdr)
	txHash, err := tx.Hash()
	require.NoError(t, err)

	lines := func(bs [][]byte) []byte {
		var out []string
		for _, b := range bs {
			out = append(out, hex.EncodeToString(b))
		}
		return []byte(strings.Join(out, "\n"))
	}
	rawPath := writeFile(t, dir, "raw.hex", []byte(hex.EncodeToString(raw)))
	branchPath := writeFile(t, dir, "branch.hex", lines(proof))
	headersPath := writeFile(t, dir, "headers.hex", lines([][]byte{hdr}))
	args := []string{"receipt", "--batch", batchDir, "--chain", "ethereum-dev", "--txid", txHash.String(), "--raw-tx", rawPath,
		"--tx-index", "1", "--branch", branchPath, "--headers", headersPath, "--out", dir + "/r"}

	r = runCLI(t, args...)
	assert.Equal(t, 1, r.code, "no trusted block: the evidence reaches only L2")
	assert.Contains(t, r.stderr, "reached L2")

	wrong := hash
	wrong[31] ^= 1
	r = runCLI(t, append(args, "--checkpoint", "ethereum-dev:"+wrong.String())...)
	assert.Equal(t, 1, r.code, "a checkpoint that is not the block")

	r = runCLI(t, append(args, "--checkpoint", "ethereum-dev:"+hash.String())...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 3, strings.Count(r.stdout, " L3\n"), r.stdout)
	rec := dir + "/r/cred1.json" + receiptSuffix
	v := runCLI(t, "verify", "--any-issuer", "--receipt", rec, "--checkpoint", "ethereum-dev:"+hash.String(), "--require-level", "L3", batchDir+"/cred1.json")
	assert.Equal(t, 0, v.code, v.stdout)
	v = runCLI(t, "verify", "--any-issuer", "--receipt", rec, "--require-level", "L3", batchDir+"/cred1.json")
	assert.Equal(t, 1, v.code, "verify needs its own checkpoint")
}

func bytes32(b byte) []byte {
	out := make([]byte, 32)
	for i := range out {
		out[i] = b
	}
	return out
}

// A transaction this version cannot rebuild from its fields (a blob
// transaction, type 3) is taken from eth_getRawTransactionByHash, and
// only if the bytes hash to its hash.
func TestETHRawTxFallback(t *testing.T) {
	blob := []byte{0x03, 0xc5, 0x01, 0x02, 0x03, 0x04, 0x05} // opaque to us: only its hash is checked
	h := eth.Keccak256(blob).String()
	typ := "0x3"
	tx := rpcTx{Hash: h, Type: &typ, Nonce: "0x0", Gas: "0x0", Value: "0x0", Input: "0x", V: "0x0", R: "0x0", S: "0x0"}
	f := &fakeNode{answers: map[string]string{"eth_getRawTransactionByHash": `"0x` + hex.EncodeToString(blob) + `"`}}
	c, err := jsonrpc.New(f.serve(t), jsonrpc.Options{})
	require.NoError(t, err)
	n := &ethNode{c: c}
	got, err := n.rawTx(context.Background(), &tx)
	require.NoError(t, err)
	assert.Equal(t, blob, got)

	f.answers["eth_getRawTransactionByHash"] = `"0x03c50102030406"`
	_, err = n.rawTx(context.Background(), &tx)
	assert.ErrorContains(t, err, "hash to")
	delete(f.answers, "eth_getRawTransactionByHash")
	_, err = n.rawTx(context.Background(), &tx)
	assert.ErrorContains(t, err, "type 3")
}
