package interop_test

// TestBtcRegtestAnchor anchors a batch root with a real Bitcoin node:
// btcd v0.24.2 in regtest on loopback (installed by scripts/btcd.sh).
// microcred builds and signs the transaction, btcd accepts and mines
// it, and the receipt assembled from btcd's raw blocks is then verified
// offline, after the node has stopped.

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
)

// btcdVersion is what scripts/btcd.sh installs.
const btcdVersion = "v0.24.2"

// segwitHeight is the regtest height at which BIP 9 activates segwit in
// btcd (windows of 144 blocks: started at 144, locked in at 288, active
// from 432), so spending a P2WPKH output needs at least 431 blocks.
// Coinbase maturity (100) is reached long before.
const segwitHeight = 432

// btcdNode is a btcd process and its JSON-RPC endpoint.
type btcdNode struct {
	t        *testing.T
	cmd      *exec.Cmd
	url      string
	user     string
	pass     string
	log      string
	done     chan error
	stopped  bool
	client   *http.Client
	requests int
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startBtcd runs btcd --regtest on loopback with a temporary data
// directory, RPC without TLS (btcd allows that only on localhost), and
// coinbase outputs paid to miningAddr.
func startBtcd(t *testing.T, miningAddr string) *btcdNode {
	t.Helper()
	return startBtcdWith(t, "--miningaddr="+miningAddr)
}

// startBtcdWith is startBtcd with other flags (mining addresses, indexes).
func startBtcdWith(t *testing.T, extra ...string) *btcdNode {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join(".bin", "btcd"))
	require.NoError(t, err)
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("btcd is not installed: run scripts/run.sh (it runs scripts/btcd.sh, which installs btcd %s into interop/.bin)", btcdVersion)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "btcd.conf") // an empty config keeps btcd out of ~/.btcd
	require.NoError(t, os.WriteFile(conf, nil, 0o600))
	n := &btcdNode{
		t: t, user: "microcred", pass: rand.Text(),
		log: filepath.Join(dir, "btcd.out"), done: make(chan error, 1),
		client: &http.Client{Timeout: 30 * time.Second},
	}
	rpcPort, p2pPort := freePort(t), freePort(t)
	n.url = "http://127.0.0.1:" + strconv.Itoa(rpcPort)
	out, err := os.Create(n.log)
	require.NoError(t, err)
	n.cmd = exec.Command(bin, append([]string{
		"--configfile=" + conf,
		"--regtest",
		"--datadir=" + filepath.Join(dir, "data"),
		"--logdir=" + filepath.Join(dir, "logs"),
		"--listen=127.0.0.1:" + strconv.Itoa(p2pPort),
		"--rpclisten=127.0.0.1:" + strconv.Itoa(rpcPort),
		"--notls",
		"--rpcuser=" + n.user,
		"--rpcpass=" + n.pass,
		"--nodnsseed",
	}, extra...)...)
	n.cmd.Stdout, n.cmd.Stderr = out, out
	require.NoError(t, n.cmd.Start())
	go func() { n.done <- n.cmd.Wait(); out.Close() }()
	t.Cleanup(n.stop)

	deadline := time.Now().Add(20 * time.Second)
	for {
		var height int
		err := n.tryCall(&height, "getblockcount")
		if err == nil {
			return n
		}
		select {
		case werr := <-n.done:
			n.stopped = true
			t.Fatalf("btcd exited at startup (%v): %s", werr, n.tail())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("btcd RPC not ready after 20 s: %v\n%s", err, n.tail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (n *btcdNode) tail() string {
	b, _ := os.ReadFile(n.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// stop asks btcd to shut down over RPC and waits for it to exit; if it
// does not within 15 s, it kills the process it started.
func (n *btcdNode) stop() {
	if n.stopped {
		return
	}
	n.stopped = true
	var msg string
	_ = n.tryCall(&msg, "stop")
	select {
	case <-n.done:
	case <-time.After(15 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
	}
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (n *btcdNode) tryCall(result any, method string, params ...any) error {
	if params == nil {
		params = []any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "1.0", "id": n.requests, "method": method, "params": params})
	if err != nil {
		return err
	}
	n.requests++
	req, err := http.NewRequest(http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(n.user, n.pass)
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("%s: HTTP %d: %w", method, resp.StatusCode, err)
	}
	if r.Error != nil {
		return fmt.Errorf("%s: RPC error %d: %s", method, r.Error.Code, r.Error.Message)
	}
	return json.Unmarshal(r.Result, result)
}

func (n *btcdNode) call(result any, method string, params ...any) {
	n.t.Helper()
	require.NoError(n.t, n.tryCall(result, method, params...), "btcd log:\n%s", n.tail())
}

func (n *btcdNode) generate(count int) []string {
	var hashes []string
	n.call(&hashes, "generate", count)
	require.Len(n.t, hashes, count)
	return hashes
}

func (n *btcdNode) rawBlock(hash string) []byte {
	var h string
	n.call(&h, "getblock", hash, 0)
	b, err := hex.DecodeString(h)
	require.NoError(n.t, err)
	return b
}

func (n *btcdNode) rawHeader(hash string) []byte {
	var h string
	n.call(&h, "getblockheader", hash, false)
	b, err := hex.DecodeString(h)
	require.NoError(n.t, err)
	return b
}

func TestBtcRegtestAnchor(t *testing.T) {
	start := time.Now()
	lap := func(what string) { t.Logf("%-44s %6.2f s", what, time.Since(start).Seconds()) }

	// Our key and its regtest P2WPKH address, which btcd mines to.
	seed := sha256.Sum256([]byte("microcred interop btcd regtest key"))
	key := secp256k1.PrivKeyFromBytes(seed[:])
	addr, err := btc.AddressFromPubKey(btc.Regtest, key.PubKey().SerializeCompressed())
	require.NoError(t, err)
	require.Regexp(t, `^bcrt1q`, addr.String())

	// A batch of five credentials; the anchored root is the tree's.
	tree, err := anchor.NewTree(anchor.ModeRFC6962)
	require.NoError(t, err)
	var leaves [][]byte
	for i := range 5 {
		d := sha256.Sum256([]byte(fmt.Sprintf(`{"id":"urn:uuid:interop-%d"}`, i)))
		leaves = append(leaves, d[:])
		_, err := tree.Append(d[:])
		require.NoError(t, err)
	}
	root, err := tree.Root()
	require.NoError(t, err)

	node := startBtcd(t, addr.String())
	lap("btcd started")

	// Mature a coinbase and activate segwit.
	hashes := node.generate(segwitHeight)
	lap(fmt.Sprintf("mined %d blocks", segwitHeight))

	// Block 1's coinbase pays to our P2WPKH address; read it with our parser.
	blk1, err := btc.ParseBlock(node.rawBlock(hashes[0]))
	require.NoError(t, err)
	require.NoError(t, blk1.CheckMerkleRoot())
	assert.Equal(t, hashes[0], blk1.Header.Hash().String(), "block hash: ours == btcd's")
	coinbase := blk1.Txs[0]
	require.Equal(t, addr.PkScript(), coinbase.Outputs[0].PkScript, "btcd pays the coinbase to our bech32 address")
	amount := coinbase.Outputs[0].Value
	require.Equal(t, int64(50_0000_0000), amount, "regtest subsidy at height 1")

	// Build and sign the anchor transaction with our code; btcd accepts it.
	tx, err := btc.BuildAnchorTx(btc.AnchorParams{
		Network: btc.Regtest,
		Key:     key,
		Inputs:  []btc.UTXO{{TxID: coinbase.TxID(), Vout: 0, Amount: amount}},
		Root:    root,
		Change:  addr,
		FeeRate: 2000, // 2 sat/vB, above btcd's default minrelaytxfee of 1 sat/vB
	})
	require.NoError(t, err)
	var nodeTxID string
	node.call(&nodeTxID, "sendrawtransaction", hex.EncodeToString(tx.Bytes()))
	assert.Equal(t, tx.TxID().String(), nodeTxID, "txid: ours == btcd's")
	lap("anchor tx accepted by btcd's mempool")

	// Mine it, then five more blocks on top.
	anchorHash := node.generate(1)[0]
	following := node.generate(5)
	raw := node.rawBlock(anchorHash)
	var headers [][]byte
	headers = append(headers, node.rawHeader(anchorHash))
	for _, h := range following {
		headers = append(headers, node.rawHeader(h))
	}
	var verbose struct {
		Tx            []string `json:"tx"`
		Confirmations int64    `json:"confirmations"`
	}
	node.call(&verbose, "getblock", anchorHash, 1)
	lap("mined the anchor block and 5 more")

	// Everything below runs offline: stop the node first.
	node.stop()
	lap("btcd stopped")

	blk, err := btc.ParseBlock(raw)
	require.NoError(t, err)
	require.NoError(t, blk.CheckMerkleRoot())
	assert.Equal(t, anchorHash, blk.Header.Hash().String(), "anchor block hash: ours == btcd's")
	assert.Equal(t, raw[:80], headers[0], "getblockheader == the block's first 80 bytes")
	ids := blk.TxIDs()
	require.Len(t, ids, len(verbose.Tx))
	idx := -1
	for i, id := range ids {
		assert.Equal(t, verbose.Tx[i], id.String(), "txid %d: ours == btcd's", i)
		if id == tx.TxID() {
			idx = i
		}
	}
	require.Equal(t, 1, idx, "the anchor follows the coinbase")
	assert.Equal(t, tx.WTxID(), blk.Txs[idx].WTxID(), "btcd mined our witness bytes unchanged")
	assert.Equal(t, int64(6), verbose.Confirmations)
	branch, err := btc.MerkleBranch(ids, idx)
	require.NoError(t, err)
	branchBytes := make([][]byte, len(branch))
	for i := range branch {
		branchBytes[i] = bytes.Clone(branch[i][:])
	}

	// The sender, derived from the mined transaction: our address.
	signer, err := btc.VerifyInputSigner(blk.Txs[idx], 0, amount)
	require.NoError(t, err)
	assert.Equal(t, btc.SpendP2WPKH, signer.Kind)
	sender, err := btc.AddressFromPubKey(btc.Regtest, signer.PubKey)
	require.NoError(t, err)
	assert.Equal(t, addr, sender)

	// The receipt for credential 3, through JSON and back.
	prevout := amount
	rec, err := tree.Receipt(3, anchor.Anchor{
		Chain: anchor.ChainBitcoinRegtest,
		TxID:  nodeTxID,
		RawTx: blk.Txs[idx].Bytes(),
		// BIP 143 signatures commit to the spent amount: with it the
		// receipt proves the sender.
		PrevoutAmount: &prevout,
		TxIndex:       uint32(idx),
		Branch:        branchBytes,
		Headers:       headers,
	})
	require.NoError(t, err)
	js, err := json.Marshal(rec)
	require.NoError(t, err)
	rec, err = anchor.ParseReceipt(js)
	require.NoError(t, err)

	opts := anchor.VerifyOptions{
		Leaf:        leaves[3],
		Checkpoints: []anchor.Checkpoint{{Chain: anchor.ChainBitcoinRegtest, BlockHash: hashes[len(hashes)-1], MaxBits: 0x207fffff}},
	}
	a, err := rec.Verify(opts)
	require.NoError(t, err)
	assert.Equal(t, anchor.L3, a.Level, "regtest reaches L3: in a block with (regtest) proof of work")
	assert.True(t, a.NoFinality, "regtest is flagged as no finality")
	assert.ErrorIs(t, a.Reason, anchor.ErrNoFinality, "and never L4, even with a checkpoint")
	assert.Equal(t, 6, a.Confirmations, "six headers, each linked to the one before")
	assert.Equal(t, addr.String(), a.Sender, "the sender, proven by the mined signature")
	assert.Positive(t, a.Work.Sign())
	assert.False(t, a.Pinned, "the checkpoint is before the anchor block")
	assert.Equal(t, time.Unix(int64(blk.Header.Time), 0).UTC(), a.BlockTime)
	assert.ErrorIs(t, a.Require(anchor.L4), anchor.ErrInsufficientAssurance)
	lap("receipt verified offline at L3")

	// Tampered receipts fall below L3 (or fail outright).
	tamper := func(name string, edit func(r *anchor.Receipt), maxLevel anchor.Level) {
		t.Helper()
		bad, err := anchor.ParseReceipt(js)
		require.NoError(t, err)
		edit(bad)
		got, err := bad.Verify(opts)
		if maxLevel == anchor.LevelNone {
			assert.Error(t, err, name)
		}
		assert.LessOrEqual(t, got.Level, maxLevel, "%s: level %s, reason %v", name, got.Level, got.Reason)
		assert.Less(t, got.Level, anchor.L3, name)
	}
	tamper("root byte in the raw tx", func(r *anchor.Receipt) {
		i := bytes.Index(r.Anchors[0].RawTx, root)
		require.GreaterOrEqual(t, i, 0)
		r.Anchors[0].RawTx[i] ^= 1
	}, anchor.L1)
	tamper("claimed txid", func(r *anchor.Receipt) {
		r.Anchors[0].TxID = blk.Txs[0].TxID().String()
	}, anchor.L1)
	tamper("branch step", func(r *anchor.Receipt) { r.Anchors[0].Branch[0][0] ^= 1 }, anchor.L2)
	tamper("tx index", func(r *anchor.Receipt) { r.Anchors[0].TxIndex = 0 }, anchor.L2)
	tamper("header merkle root", func(r *anchor.Receipt) { r.Anchors[0].Headers[0][40] ^= 1 }, anchor.L2)
	tamper("header nonce", func(r *anchor.Receipt) {
		// Regtest work is 1 in 2 per hash: find a nonce change that misses.
		h := r.Anchors[0].Headers[0]
		for n := 1; n < 256; n++ {
			h[76] ^= byte(n)
			hdr, err := btc.ParseHeader(h)
			require.NoError(t, err)
			if errors.Is(hdr.CheckProofOfWork(btc.RegtestPowLimit()), btc.ErrInsufficientWork) {
				return
			}
			h[76] ^= byte(n)
		}
		t.Fatal("no nonce byte change fails proof of work")
	}, anchor.L2)
	tamper("inclusion path", func(r *anchor.Receipt) { r.Path[0][0] ^= 1 }, anchor.LevelNone)
	// Another key in the mined transaction's witness: the txid, branch and
	// headers still match, the signature does not.
	tamper("witness key swapped", func(r *anchor.Receipt) {
		other := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x42}, 32)).PubKey().SerializeCompressed()
		i := bytes.Index(r.Anchors[0].RawTx, key.PubKey().SerializeCompressed())
		require.Positive(t, i)
		copy(r.Anchors[0].RawTx[i:], other)
	}, anchor.L1)
	tamper("prevout amount", func(r *anchor.Receipt) { less := amount - 1; r.Anchors[0].PrevoutAmount = &less }, anchor.L1)
	// Six copies of the anchor header: still L3, but one confirmation.
	rep, err := anchor.ParseReceipt(js)
	require.NoError(t, err)
	for i := range rep.Anchors[0].Headers {
		rep.Anchors[0].Headers[i] = rep.Anchors[0].Headers[0]
	}
	got, err := rep.Verify(opts)
	require.NoError(t, err)
	assert.Equal(t, anchor.L3, got.Level)
	assert.Equal(t, 1, got.Confirmations, "repeated headers are no confirmations")
	assert.ErrorIs(t, got.Reason, anchor.ErrBrokenChain)
	lap("tampered receipts refused")

	_, err = rec.Verify(anchor.VerifyOptions{Leaf: leaves[2]})
	assert.ErrorIs(t, err, anchor.ErrLeafMismatch, "another credential's leaf")
	// The fee paid is what the builder promised, at the mined size.
	fee, err := blk.Txs[idx].Fee([]int64{amount})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, fee*1000, int64(blk.Txs[idx].VSize())*2000)
	t.Logf("anchor tx %s: %d vbytes, fee %d sat, block %s (height %d), total %.2f s",
		nodeTxID, blk.Txs[idx].VSize(), fee, anchorHash, segwitHeight+1, time.Since(start).Seconds())
}
