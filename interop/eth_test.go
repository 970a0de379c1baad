package interop_test

// TestEthAnchorOnGanache anchors a batch root on a real Ethereum dev node
// (npm ganache, exact version in package.json) with a transaction built
// and signed by anchor/eth, then verifies the receipt offline after the
// node has stopped.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	ganacheCLI     = "node_modules/ganache/dist/node/cli.js"
	ganacheChainID = 1337
	// The dev account's private key (0x42 repeated): address
	// 0x17c5185167401eD00cF5F5b2fc97D9BBfDb7D025.
	ganacheKey = "4242424242424242424242424242424242424242424242424242424242424242"
)

// rpcClient talks JSON-RPC to the node on loopback.
type rpcClient struct {
	url  string
	http *http.Client
	id   int
}

func (c *rpcClient) call(t *testing.T, method string, out any, params ...any) error {
	t.Helper()
	c.id++
	if params == nil {
		params = []any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.id, "method": method, "params": params})
	require.NoError(t, err)
	resp, err := c.http.Post(c.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return err
	}
	if r.Error != nil {
		return fmt.Errorf("%s: %s", method, r.Error.Message)
	}
	if out != nil {
		return json.Unmarshal(r.Result, out)
	}
	return nil
}

// startGanache runs ganache on 127.0.0.1 and a free port with one funded
// account of a fixed key; stop kills it (also run at test end).
func startGanache(t *testing.T) (c *rpcClient, stop func()) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed: the interop checks need Node 20 (run scripts/run.sh)")
	}
	if _, err := os.Stat(ganacheCLI); err != nil {
		t.Fatal("ganache is missing: run scripts/run.sh (it runs npm ci first)")
	}
	port := freePort(t)
	cmd := exec.Command("node", ganacheCLI,
		"--server.host", "127.0.0.1", "--server.port", strconv.Itoa(port),
		"--wallet.accounts", "0x"+ganacheKey+",0x3635C9ADC5DEA00000", // 1000 ether
		"--chain.chainId", strconv.Itoa(ganacheChainID),
		"--chain.hardfork", "shanghai",
		"--logging.quiet")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stop = func() {
		select {
		case <-done:
			return
		default:
		}
		_ = cmd.Process.Kill()
		<-done
	}
	t.Cleanup(stop)
	c = &rpcClient{url: fmt.Sprintf("http://127.0.0.1:%d", port), http: &http.Client{Timeout: 5 * time.Second}}
	deadline := time.Now().Add(40 * time.Second)
	for {
		var id string
		if err := c.call(t, "eth_chainId", &id); err == nil {
			require.Equal(t, "0x539", id)
			return c, stop
		}
		select {
		case <-done:
			t.Fatalf("ganache exited: %s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("ganache did not answer within 40 s: %s", logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// rpcBlock is the JSON-RPC block with full transactions.
type rpcBlock struct {
	Hash             string `json:"hash"`
	ParentHash       string `json:"parentHash"`
	Sha3Uncles       string `json:"sha3Uncles"`
	Miner            string `json:"miner"`
	StateRoot        string `json:"stateRoot"`
	TransactionsRoot string `json:"transactionsRoot"`
	ReceiptsRoot     string `json:"receiptsRoot"`
	LogsBloom        string `json:"logsBloom"`
	Difficulty       string `json:"difficulty"`
	Number           string `json:"number"`
	GasLimit         string `json:"gasLimit"`
	GasUsed          string `json:"gasUsed"`
	Timestamp        string `json:"timestamp"`
	ExtraData        string `json:"extraData"`
	MixHash          string `json:"mixHash"`
	Nonce            string `json:"nonce"`
	BaseFeePerGas    *string
	WithdrawalsRoot  *string
	Transactions     []struct {
		Hash string `json:"hash"`
	} `json:"transactions"`
}

func (b *rpcBlock) UnmarshalJSON(data []byte) error {
	type plain rpcBlock
	var aux struct {
		plain
		BaseFeePerGas   *string `json:"baseFeePerGas"`
		WithdrawalsRoot *string `json:"withdrawalsRoot"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*b = rpcBlock(aux.plain)
	b.BaseFeePerGas, b.WithdrawalsRoot = aux.BaseFeePerGas, aux.WithdrawalsRoot
	return nil
}

func hexBytes(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	require.NoError(t, err, "hex %q", s)
	return b
}

func hexUint(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	require.NoError(t, err, "quantity %q", s)
	return v
}

func hexBig(t *testing.T, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(strings.TrimPrefix(s, "0x"), 16)
	require.True(t, ok, "quantity %q", s)
	return v
}

func hash32(t *testing.T, s string) eth.Hash {
	t.Helper()
	h, err := eth.ParseHash(s)
	require.NoError(t, err)
	return h
}

// header rebuilds the RLP header from the block's JSON fields.
func (b *rpcBlock) header(t *testing.T) *eth.Header {
	t.Helper()
	h := &eth.Header{
		ParentHash: hash32(t, b.ParentHash), UncleHash: hash32(t, b.Sha3Uncles),
		StateRoot: hash32(t, b.StateRoot), TxRoot: hash32(t, b.TransactionsRoot), ReceiptRoot: hash32(t, b.ReceiptsRoot),
		Difficulty: hexBig(t, b.Difficulty), Number: hexUint(t, b.Number), GasLimit: hexUint(t, b.GasLimit),
		GasUsed: hexUint(t, b.GasUsed), Time: hexUint(t, b.Timestamp), Extra: hexBytes(t, b.ExtraData),
		MixDigest: hash32(t, b.MixHash),
	}
	miner, err := eth.ParseAddress(b.Miner)
	require.NoError(t, err)
	h.Coinbase = miner
	copy(h.Bloom[:], hexBytes(t, b.LogsBloom))
	copy(h.Nonce[:], hexBytes(t, b.Nonce))
	if b.BaseFeePerGas != nil {
		h.BaseFee = hexBig(t, *b.BaseFeePerGas)
	}
	if b.WithdrawalsRoot != nil {
		w := hash32(t, *b.WithdrawalsRoot)
		h.WithdrawalsRoot = &w
	}
	return h
}

func TestEthAnchorOnGanache(t *testing.T) {
	start := time.Now()
	c, stop := startGanache(t)
	t.Logf("ganache up in %s", time.Since(start).Round(time.Millisecond))

	key := secp256k1.PrivKeyFromBytes(hexBytes(t, ganacheKey))
	me := eth.PubkeyAddress(key.PubKey())
	var accounts []string
	require.NoError(t, c.call(t, "eth_accounts", &accounts))
	require.Len(t, accounts, 1)
	assert.Equal(t, strings.ToLower(me.String()), strings.ToLower(accounts[0]), "our key derivation gives ganache's account")

	// A batch of credentials (leaf digests) and its root.
	tree, err := anchor.NewTree(anchor.ModeRFC6962)
	require.NoError(t, err)
	var leaves [][]byte
	for i := 0; i < 7; i++ {
		l := bytes.Repeat([]byte{byte(0x10 + i)}, 32)
		leaves = append(leaves, l)
		_, err := tree.Append(l)
		require.NoError(t, err)
	}
	root, err := tree.Root()
	require.NoError(t, err)

	// Four transactions in one block: other roots around ours, legacy and
	// EIP-1559, all built and signed by anchor/eth. Mining is paused so
	// they land together.
	require.NoError(t, c.call(t, "miner_stop", nil))
	burn, err := eth.ParseAddress("0xdeaddeaddeaddeaddeaddeaddeaddeaddeaddead")
	require.NoError(t, err)
	var raws [][]byte
	var ourHash eth.Hash
	const ourNonce = 2
	for nonce := uint64(0); nonce < 4; nonce++ {
		r := bytes.Repeat([]byte{byte(0xa0 + nonce)}, 32)
		p := eth.AnchorParams{ChainID: ganacheChainID, Nonce: nonce,
			MaxPriorityFeePerGas: big.NewInt(1e9), MaxFeePerGas: big.NewInt(10e9)}
		switch nonce {
		case 1:
			p.Legacy, p.GasPrice = true, big.NewInt(5e9)
		case 3:
			p.To = &burn
		case ourNonce:
			r = root
		}
		tx, err := eth.NewAnchorTx(key, r, p)
		require.NoError(t, err)
		raw, err := tx.MarshalBinary()
		require.NoError(t, err)
		ours, err := tx.Hash()
		require.NoError(t, err)
		var theirs string
		require.NoError(t, c.call(t, "eth_sendRawTransaction", &theirs, "0x"+hex.EncodeToString(raw)))
		assert.Equal(t, ours.String(), theirs, "ganache's txid is ours (nonce %d)", nonce)
		if nonce == ourNonce {
			ourHash = ours
		}
		raws = append(raws, raw)
	}
	require.NoError(t, c.call(t, "miner_start", nil))

	// Wait for the receipt.
	var rcpt struct {
		BlockHash        string `json:"blockHash"`
		BlockNumber      string `json:"blockNumber"`
		TransactionIndex string `json:"transactionIndex"`
		Status           string `json:"status"`
		From             string `json:"from"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var raw json.RawMessage
		require.NoError(t, c.call(t, "eth_getTransactionReceipt", &raw, ourHash.String()))
		if string(raw) != "null" && len(raw) > 0 {
			require.NoError(t, json.Unmarshal(raw, &rcpt))
			break
		}
		require.True(t, time.Now().Before(deadline), "transaction not mined")
		time.Sleep(100 * time.Millisecond)
	}
	assert.Equal(t, "0x1", rcpt.Status)
	t.Logf("mined in block %s at index %s", rcpt.BlockNumber, rcpt.TransactionIndex)

	// Two more blocks on top.
	require.NoError(t, c.call(t, "evm_mine", nil))
	require.NoError(t, c.call(t, "evm_mine", nil))

	// Fetch the anchor block and its descendants; rebuild each header from
	// its fields and check our hash against the node's.
	number := hexUint(t, rcpt.BlockNumber)
	var blocks []rpcBlock
	var headers [][]byte
	for n := number; n < number+3; n++ {
		var b rpcBlock
		require.NoError(t, c.call(t, "eth_getBlockByNumber", &b, fmt.Sprintf("0x%x", n), true))
		h := b.header(t)
		raw, err := h.MarshalBinary()
		require.NoError(t, err)
		parsed, err := eth.ParseHeader(raw)
		require.NoError(t, err)
		got, err := parsed.Hash()
		require.NoError(t, err)
		require.Equal(t, b.Hash, got.String(), "our header encoding of block %d hashes to the node's block hash", n)
		blocks = append(blocks, b)
		headers = append(headers, raw)
	}
	anchorBlock := blocks[0]
	require.Equal(t, rcpt.BlockHash, anchorBlock.Hash)
	tipHash := blocks[len(blocks)-1].Hash

	// The block's transactions are ours, in the node's order; our trie of
	// them has the node's transactionsRoot.
	require.Len(t, anchorBlock.Transactions, len(raws), "all four transactions in one block")
	byHash := map[string][]byte{}
	for _, raw := range raws {
		byHash[eth.Keccak256(raw).String()] = raw
	}
	var blockTxs [][]byte
	for _, tx := range anchorBlock.Transactions {
		raw, ok := byHash[tx.Hash]
		require.True(t, ok, "block holds an unknown transaction %s", tx.Hash)
		blockTxs = append(blockTxs, raw)
	}
	index := hexUint(t, rcpt.TransactionIndex)
	require.Equal(t, ourHash.String(), anchorBlock.Transactions[index].Hash)
	txRoot, proof, err := eth.TxProof(blockTxs, index)
	require.NoError(t, err)
	require.Equal(t, anchorBlock.TransactionsRoot, txRoot.String(), "our transactions trie root is the node's")

	receipt, err := tree.Receipt(4, anchor.Anchor{
		Chain: anchor.ChainEthereumDev, TxID: ourHash.String(), RawTx: blockTxs[index],
		TxIndex: uint32(index), Branch: proof, Headers: headers,
	})
	require.NoError(t, err)
	stapled, err := json.Marshal(receipt)
	require.NoError(t, err)

	// Offline from here: the node is gone.
	stop()
	var probe string
	require.Error(t, c.call(t, "eth_chainId", &probe), "the node must be stopped")

	verify := func(data []byte, trusted string) *anchor.Assurance {
		t.Helper()
		r, err := anchor.ParseReceipt(data)
		require.NoError(t, err)
		a, err := r.Verify(anchor.VerifyOptions{Leaf: leaves[4],
			Checkpoints: []anchor.Checkpoint{{Chain: anchor.ChainEthereumDev, BlockHash: trusted}}})
		require.NoError(t, err)
		return a
	}
	vstart := time.Now()
	a := verify(stapled, anchorBlock.Hash)
	t.Logf("offline verification in %s", time.Since(vstart))
	assert.Equal(t, anchor.L3, a.Level, "trie proof to the block the node reported")
	assert.True(t, a.NoFinality, "a dev chain has no finality")
	assert.ErrorIs(t, a.Reason, anchor.ErrNoFinality)
	assert.Equal(t, me.String(), a.Sender)
	assert.Equal(t, strings.ToLower(me.String()), strings.ToLower(rcpt.From), "the node's sender is the one we recover")
	assert.Equal(t, 1, a.Confirmations)

	a = verify(stapled, tipHash)
	assert.Equal(t, anchor.L3, a.Level, "trusting the tip two blocks on")
	assert.Equal(t, 3, a.Confirmations)

	// Tampered receipts.
	var m map[string]any
	require.NoError(t, json.Unmarshal(stapled, &m))
	an := m["anchors"].([]any)[0].(map[string]any)
	tamper := func(edit func()) []byte {
		require.NoError(t, json.Unmarshal(stapled, &m))
		an = m["anchors"].([]any)[0].(map[string]any)
		edit()
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return out
	}
	flip := func(s string, at int) string {
		b := []byte(s)
		if b[at] == '0' {
			b[at] = '1'
		} else {
			b[at] = '0'
		}
		return string(b)
	}
	a = verify(tamper(func() { an["rawTx"] = flip(an["rawTx"].(string), 20) }), anchorBlock.Hash)
	assert.Equal(t, anchor.L1, a.Level, "flipped byte in the raw transaction")
	a = verify(tamper(func() {
		b := an["branch"].([]any)
		an["branch"] = append([]any{b[len(b)-1]}, b[:len(b)-1]...)
	}), anchorBlock.Hash)
	assert.Equal(t, anchor.L2, a.Level, "trie proof nodes rotated")
	a = verify(tamper(func() { an["txIndex"] = float64((index + 1) % 4) }), anchorBlock.Hash)
	assert.Equal(t, anchor.L2, a.Level, "another index")
	a = verify(tamper(func() {
		h := an["headers"].([]any)
		h[0] = flip(h[0].(string), 300)
	}), anchorBlock.Hash)
	assert.Equal(t, anchor.L2, a.Level, "anchor header edited")
	a = verify(stapled, blocks[0].ParentHash)
	assert.Equal(t, anchor.L2, a.Level, "an ancestor's hash does not vouch for the anchor block")

	// The same evidence claimed on mainnet: the chain id is 1337.
	a = verify(tamper(func() { an["chain"] = "ethereum-mainnet" }), anchorBlock.Hash)
	assert.Equal(t, anchor.L1, a.Level)
	assert.ErrorIs(t, a.Reason, eth.ErrChainID)

	t.Logf("total %s", time.Since(start).Round(time.Millisecond))
}
