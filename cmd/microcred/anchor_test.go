package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/onchaincert/microcred/internal/btcwire"
)

// k1Key writes the secp256k1 key of seedHex and returns its path and DID.
func k1Key(t testing.TB, dir string) (string, string) {
	t.Helper()
	p := filepath.Join(dir, "k1.json")
	r := runCLI(t, "key", "generate", "--type", "secp256k1", "--seed", seedHex, "--out", p)
	require.Equal(t, 0, r.code, r.stderr)
	return p, strings.TrimSpace(r.stdout)
}

var testRoot = strings.Repeat("ab", 32)

func TestAnchorAddressAndBTCBuild(t *testing.T) {
	dir := t.TempDir()
	key, _ := k1Key(t, dir)
	r := runCLI(t, "anchor", "address", "--key", key, "--network", "regtest")
	require.Equal(t, 0, r.code, r.stderr)
	addr := strings.TrimSpace(r.stdout)
	assert.True(t, strings.HasPrefix(addr, "bcrt1q"), addr)

	utxo := strings.Repeat("11", 32) + ":1:100000"
	r = runCLI(t, "anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", utxo,
		"--root", testRoot, "--change", addr, "--fee-rate", "2000")
	require.Equal(t, 0, r.code, r.stderr)
	raw, err := hex.DecodeString(strings.TrimSpace(r.stdout))
	require.NoError(t, err)
	tx, err := btc.ParseTx(raw)
	require.NoError(t, err)
	root, _ := hex.DecodeString(testRoot)
	_, ok := tx.FindRoot(root)
	assert.True(t, ok, "the OP_RETURN output carries the root")
	assert.Contains(t, r.stderr, tx.TxID().String(), "the txid is on stderr")
	pub, err := btcwire.VerifyP2WPKHInput(tx, 0, 100000)
	require.NoError(t, err, "the input is signed for the amount given")
	a, err := btc.AddressFromPubKey(btc.Regtest, pub)
	require.NoError(t, err)
	assert.Equal(t, addr, a.String(), "signed by the key whose address anchor address printed")

	// Not enough money: a failure, not a usage error.
	r = runCLI(t, "anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", strings.Repeat("11", 32)+":1:300",
		"--root", testRoot, "--change", addr)
	assert.Equal(t, 1, r.code, r.stderr)
	// A testnet change address on regtest.
	tb := runCLI(t, "anchor", "address", "--key", key, "--network", "testnet")
	require.Equal(t, 0, tb.code)
	r = runCLI(t, "anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", utxo,
		"--root", testRoot, "--change", strings.TrimSpace(tb.stdout))
	assert.Equal(t, 1, r.code, r.stderr)
}

func TestAnchorETHBuild(t *testing.T) {
	dir := t.TempDir()
	key, _ := k1Key(t, dir)
	for _, args := range [][]string{
		{"--max-fee", "2000000000", "--max-priority-fee", "1000000000"},
		{"--legacy", "--gas-price", "20000000000"},
	} {
		r := runCLI(t, append([]string{"anchor", "eth", "build", "--key", key, "--chain-id", "1337", "--nonce", "3", "--root", testRoot}, args...)...)
		require.Equal(t, 0, r.code, r.stderr)
		raw, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(r.stdout), "0x"))
		require.NoError(t, err)
		tx, err := eth.ParseTx(raw)
		require.NoError(t, err)
		root, _ := hex.DecodeString(testRoot)
		assert.True(t, tx.FindRoot(root))
		assert.Equal(t, uint64(1337), tx.ChainID)
		assert.Equal(t, uint64(3), tx.Nonce)
		h, err := tx.Hash()
		require.NoError(t, err)
		sender, err := tx.Sender()
		require.NoError(t, err)
		assert.Contains(t, r.stderr, h.String())
		assert.Contains(t, r.stderr, sender.String())
	}
}

func TestAnchorUsageErrors(t *testing.T) {
	dir := t.TempDir()
	key, _ := k1Key(t, dir)
	edKey := filepath.Join(dir, "ed.json")
	require.Equal(t, 0, runCLI(t, "key", "generate", "--type", "ed25519", "--seed", seedHex, "--out", edKey).code)
	addr := strings.TrimSpace(runCLI(t, "anchor", "address", "--key", key, "--network", "regtest").stdout)
	utxo := strings.Repeat("11", 32) + ":0:100000"
	for _, args := range [][]string{
		{"anchor"},
		{"anchor", "btc"},
		{"anchor", "sol", "build"},
		{"anchor", "address", "--key", key},
		{"anchor", "address", "--key", key, "--network", "signet"},
		{"anchor", "address", "--network", "regtest"},
		{"anchor", "btc", "build", "--key", key, "--network", "regtest", "--root", testRoot, "--change", addr},
		{"anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", "abc:0:1", "--root", testRoot, "--change", addr},
		{"anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", strings.Repeat("11", 32) + ":0:-5", "--root", testRoot, "--change", addr},
		{"anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", utxo, "--root", "abcd", "--change", addr},
		{"anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", utxo, "--root", testRoot},
		{"anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", utxo, "--root", testRoot, "--change", "notanaddress"},
		{"anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", utxo, "--root", testRoot, "--change", addr, "--fee-rate", "0"},
		{"anchor", "eth", "build", "--key", key, "--nonce", "0", "--max-fee", "2", "--max-priority-fee", "1", "--root", testRoot},
		{"anchor", "eth", "build", "--key", key, "--chain-id", "1", "--max-fee", "2", "--max-priority-fee", "1", "--root", testRoot},
		{"anchor", "eth", "build", "--key", key, "--chain-id", "1", "--nonce", "0", "--root", testRoot},
		{"anchor", "eth", "build", "--key", key, "--chain-id", "1", "--nonce", "0", "--legacy", "--root", testRoot},
		{"anchor", "eth", "build", "--key", key, "--chain-id", "1", "--nonce", "0", "--gas-price", "5", "--root", testRoot},
		{"anchor", "eth", "build", "--key", key, "--chain-id", "1", "--nonce", "0", "--max-fee", "1", "--max-priority-fee", "2", "--root", testRoot},
		{"anchor", "eth", "build", "--key", key, "--chain-id", "1", "--nonce", "0", "--max-fee", "-1", "--max-priority-fee", "0", "--root", testRoot},
	} {
		r := runCLI(t, args...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
	}
	// A key of the wrong type is a failure with a clear message.
	r := runCLI(t, "anchor", "address", "--key", edKey, "--network", "regtest")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "secp256k1")
}

// signedBatch signs three OB 3.0 credentials and returns their paths.
func signedBatch(t *testing.T, dir string) []string {
	t.Helper()
	edKey := filepath.Join(dir, "ed.json")
	require.Equal(t, 0, runCLI(t, "key", "generate", "--type", "ed25519", "--seed", seedHex, "--out", edKey).code)
	var files []string
	for i := range 3 {
		in := writeFile(t, dir, fmt.Sprintf("in%d.json", i), []byte(strings.Replace(string(obCredential(t)), "Teamwork", fmt.Sprintf("Teamwork %d", i), 1)))
		r := runCLI(t, "sign", "--key", edKey, "--set-issuer", "--created", "2024-01-01T00:00:00Z", in)
		require.Equal(t, 0, r.code, r.stderr)
		files = append(files, writeFile(t, dir, fmt.Sprintf("cred%d.json", i), []byte(r.stdout)))
	}
	return files
}

func TestBatchRootReceiptVerify(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	batchDir := filepath.Join(dir, "batch")
	r := runCLI(t, append([]string{"batch-root", "--out", batchDir}, files...)...)
	require.Equal(t, 0, r.code, r.stderr)
	rootHex := strings.TrimSpace(r.stdout)

	// The root is the RFC 6962 root of SHA-256 of each file's bytes.
	tree, err := anchor.NewTree(anchor.ModeRFC6962)
	require.NoError(t, err)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		_, err = tree.Append(batchLeaf(data))
		require.NoError(t, err)
	}
	want, err := tree.Root()
	require.NoError(t, err)
	assert.Equal(t, hex.EncodeToString(want), rootHex)
	// A second batch-root into the same directory is refused.
	assert.Equal(t, 1, runCLI(t, append([]string{"batch-root", "--out", batchDir}, files...)...).code)

	// A regtest anchor transaction with the root, in a block we build
	// (one coinbase-like transaction and ours): receipt computes index,
	// branch and header from the raw block.
	key, _ := k1Key(t, dir)
	addr := strings.TrimSpace(runCLI(t, "anchor", "address", "--key", key, "--network", "regtest").stdout)
	r = runCLI(t, "anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", strings.Repeat("22", 32)+":0:50000",
		"--root", rootHex, "--change", addr)
	require.Equal(t, 0, r.code, r.stderr)
	anchorTx := strings.TrimSpace(r.stdout)
	r2 := runCLI(t, "anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", strings.Repeat("33", 32)+":0:50000",
		"--root", testRoot, "--change", addr)
	require.Equal(t, 0, r2.code)
	txidLine := strings.Fields(r.stderr)
	txid := txidLine[1]
	block := regtestBlock(t, strings.TrimSpace(r2.stdout), anchorTx)
	blockPath := writeFile(t, dir, "block.hex", []byte(block))

	out := filepath.Join(dir, "receipts")
	// Without the spent amount the segwit sender cannot be proven: refused.
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", txid, "--block", blockPath, "--out", out)
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "--prevout-amount is required")
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", txid, "--block", blockPath, "--prevout-amount", "49999", "--out", out)
	assert.Equal(t, 1, r.code, "a wrong amount: the signature does not verify")
	assert.Contains(t, r.stderr, "invalid signature")
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", txid, "--block", blockPath, "--prevout-amount", "50000", "--shared-evidence=false", "--out", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 3, strings.Count(r.stdout, " L3\n"), r.stdout)

	cred1 := filepath.Join(batchDir, "cred1.json")
	rec1 := filepath.Join(out, "cred1.json"+receiptSuffix)
	rec0 := filepath.Join(out, "cred0.json"+receiptSuffix)
	now := "2024-06-01T00:00:00Z"
	v := runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", rec1, cred1)
	require.Equal(t, 0, v.code, v.stdout+v.stderr)
	assert.Contains(t, v.stdout, "level L3")
	assert.Contains(t, v.stdout, "chain: bitcoin-regtest")
	assert.Contains(t, v.stdout, "no finality: true")
	assert.Contains(t, v.stdout, "confirmations: 1")
	assert.Contains(t, v.stdout, "stopped: anchor: chain has no finality")
	assert.Contains(t, v.stdout, "sender: "+addr, "the sender, proven by its signature")
	assert.Contains(t, v.stdout, "work: about 2^1.0 hashes")
	assert.Contains(t, v.stdout, "warning: cheap to forge")
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", rec1, "--require-level", "L3", cred1)
	assert.Equal(t, 0, v.code, v.stdout)
	// A raised floor is enforced; a lowered one needs --lower-floor-unsafe.
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", rec1, "--require-level", "L3", "--floor", "bitcoin-regtest:1f00ffff", cred1)
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "level L2")
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", rec1, "--floor", "bitcoin-mainnet:1d00ffff", cred1)
	assert.Equal(t, 2, v.code, v.stdout)
	assert.Contains(t, v.stderr, "--lower-floor-unsafe")
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", rec1, "--floor", "bitcoin-mainnet:1d00ffff", "--lower-floor-unsafe", cred1)
	assert.Equal(t, 0, v.code, v.stdout+v.stderr)
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--json", "--receipt", rec1, cred1)
	assert.Contains(t, v.stdout, `"work":"2"`)
	assert.Contains(t, v.stdout, `"warnings":["warning: cheap to forge`)
	// Regtest never reaches L4, whatever the checkpoint.
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", rec1, "--require-level", "L4",
		"--checkpoint", "bitcoin-regtest:"+strings.Repeat("00", 32)+":207fffff", cred1)
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "NOT ENOUGH")

	// Another credential's receipt, or a changed credential: exit 1.
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", rec0, cred1)
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "leaf does not match")
	data, err := os.ReadFile(cred1)
	require.NoError(t, err)
	// A trailing newline is not part of the leaf (anchor.Leaf trims it)...
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", rec1, writeFile(t, dir, "newline.json", append(append([]byte(nil), data...), '\n')))
	assert.Equal(t, 0, v.code, v.stdout)
	// ...but whitespace inside the JSON is: the signature still holds,
	// yet these are not the bytes that were anchored.
	moved := writeFile(t, dir, "moved.json", append([]byte("{ "), data[1:]...))
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", rec1, moved)
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "proof        passed")
	assert.Contains(t, v.stdout, "leaf does not match")

	// Tampered evidence in the receipt stops below L3.
	recData, err := os.ReadFile(rec1)
	require.NoError(t, err)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(recData, &rec))
	an := rec["anchors"].([]any)[0].(map[string]any)
	branch := an["branch"].([]any)
	branch[0] = strings.Repeat("00", 32)
	bad, err := json.Marshal(rec)
	require.NoError(t, err)
	badRec := writeFile(t, dir, "bad.receipt.json", bad)
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", badRec, "--require-level", "L3", cred1)
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "level L2")
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", writeFile(t, dir, "junk.receipt.json", []byte(`{"version":1}`)), cred1)
	assert.Equal(t, 1, v.code, v.stdout)

	// A file changed in the batch directory: receipt refuses the batch.
	require.NoError(t, os.WriteFile(filepath.Join(batchDir, "cred2.json"), append(data, ' '), 0o644))
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "mock", "--txid", "x", "--out", filepath.Join(dir, "r2"))
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "cred2.json does not hash to its leaf")
}

func TestReceiptEvidence(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	batchDir := filepath.Join(dir, "batch")
	r := runCLI(t, append([]string{"batch-root", "--out", batchDir}, files...)...)
	require.Equal(t, 0, r.code, r.stderr)
	rootHex := strings.TrimSpace(r.stdout)

	// Mock: L0, no finality; it never meets the default --require-level.
	out := filepath.Join(dir, "mock")
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "mock", "--txid", "test-anchor", "--out", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 3, strings.Count(r.stdout, " L0\n"), r.stdout)
	rec := filepath.Join(out, "cred0.json"+receiptSuffix)
	v := runCLI(t, "verify", "--any-issuer", "--now", "2024-06-01T00:00:00Z", "--receipt", rec, filepath.Join(batchDir, "cred0.json"))
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "level L0")
	v = runCLI(t, "verify", "--any-issuer", "--now", "2024-06-01T00:00:00Z", "--receipt", rec, "--require-level", "L0", filepath.Join(batchDir, "cred0.json"))
	assert.Equal(t, 0, v.code, v.stdout)

	// A raw transaction that does not carry the root is refused.
	key, _ := k1Key(t, dir)
	addr := strings.TrimSpace(runCLI(t, "anchor", "address", "--key", key, "--network", "regtest").stdout)
	build := func(root string) (string, string) {
		r := runCLI(t, "anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", strings.Repeat("22", 32)+":0:50000",
			"--root", root, "--change", addr)
		require.Equal(t, 0, r.code, r.stderr)
		return writeFile(t, dir, root[:8]+".tx", []byte(r.stdout)), strings.Fields(r.stderr)[1]
	}
	wrongTx, wrongID := build(testRoot)
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", wrongID, "--raw-tx", wrongTx, "--prevout-amount", "50000", "--out", filepath.Join(dir, "x"))
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "does not hold")
	// The right one reaches L2.
	goodTx, goodID := build(rootHex)
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", goodID, "--raw-tx", goodTx, "--prevout-amount", "50000", "--shared-evidence=false", "--out", filepath.Join(dir, "l2"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 3, strings.Count(r.stdout, " L2\n"), r.stdout)
	l2 := filepath.Join(dir, "l2", "cred0.json"+receiptSuffix)
	v = runCLI(t, "verify", "--any-issuer", "--now", "2024-06-01T00:00:00Z", "--json", "--receipt", l2, filepath.Join(batchDir, "cred0.json"))
	assert.Equal(t, 0, v.code, v.stdout)
	assert.Contains(t, v.stdout, `"sender":"`+addr+`"`)

	// A receipt written before prevoutAmount existed reads, at L1, with
	// the reason and a hint.
	var old map[string]any
	data, err := os.ReadFile(l2)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &old))
	delete(old["anchors"].([]any)[0].(map[string]any), "prevoutAmount")
	oldData, err := json.Marshal(old)
	require.NoError(t, err)
	v = runCLI(t, "verify", "--any-issuer", "--now", "2024-06-01T00:00:00Z", "--receipt", writeFile(t, dir, "old.receipt.json", oldData), filepath.Join(batchDir, "cred0.json"))
	assert.Equal(t, 0, v.code, v.stdout)
	assert.Contains(t, v.stdout, "level L1")
	assert.Contains(t, v.stdout, "sender not proven")
	assert.Contains(t, v.stdout, "--prevout-amount")
	// A txid that is not the raw transaction's is refused.
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", wrongID, "--raw-tx", goodTx, "--prevout-amount", "50000", "--out", filepath.Join(dir, "y"))
	assert.Equal(t, 1, r.code)
	// A block without the transaction.
	other, _ := os.ReadFile(wrongTx)
	blk := writeFile(t, dir, "blk.hex", []byte(regtestBlock(t, strings.TrimSpace(string(other)))))
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", goodID, "--block", blk, "--out", filepath.Join(dir, "z"))
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "is not in block")
}

func TestBatchReceiptUsageErrors(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	batchDir := filepath.Join(dir, "batch")
	require.Equal(t, 0, runCLI(t, append([]string{"batch-root", "--out", batchDir}, files...)...).code)
	f := writeFile(t, dir, "f.hex", []byte("00"))
	for _, args := range [][]string{
		{"batch-root", "--out", filepath.Join(dir, "b2")},
		{"batch-root", files[0]},
		{"batch-root", "--out", filepath.Join(dir, "b3"), files[0], files[0]},
		{"batch-root", "--out", filepath.Join(dir, "b4"), filepath.Join(dir, "missing.json")},
		{"batch-root", "--out", filepath.Join(dir, "b5"), f},
		{"receipt", "--chain", "mock", "--txid", "x", "--out", dir},
		{"receipt", "--batch", batchDir, "--chain", "dogecoin", "--txid", "x", "--out", dir},
		{"receipt", "--batch", batchDir, "--chain", "mock", "--out", dir},
		{"receipt", "--batch", batchDir, "--chain", "mock", "--txid", "x", "--raw-tx", f, "--out", dir},
		{"receipt", "--batch", batchDir, "--chain", "ethereum-dev", "--txid", "0x" + testRoot, "--block", f, "--out", dir},
		{"receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", testRoot, "--block", f, "--tx-index", "1", "--out", dir},
		{"receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", testRoot, "--tx-index", "1", "--out", dir},
		{"receipt", "--batch", filepath.Join(dir, "nobatch"), "--chain", "mock", "--txid", "x", "--out", dir},
		{"verify", "--checkpoint", "bitcoin-mainnet:" + testRoot + ":1d00ffff", files[0]},
		{"verify", "--require-level", "L2", files[0]},
		{"verify", "--receipt", f, "--require-level", "L9", files[0]},
		{"verify", "--receipt", f, "--checkpoint", "bitcoin-mainnet:" + testRoot + ":1d00ffff", files[0]},
		{"verify", "--receipt", f, "--checkpoint", "bitcoin-mainnet:xyz", files[0]},
		{"verify", "--receipt", f, "--checkpoint", "ethereum-mainnet:0x" + testRoot + ":1d00ffff", files[0]},
		{"verify", "--receipt", f, "--floor", "bitcoin-mainnet:1d00ffff", files[0]},
		{"verify", "--receipt", f, "--floor", "ethereum-mainnet:1d00ffff", files[0]},
		{"verify", "--receipt", f, "--floor", "bitcoin-mainnet", files[0]},
		{"verify", "--floor", "bitcoin-mainnet:1800ffff", files[0]},
		{"receipt", "--batch", batchDir, "--chain", "mock", "--txid", "x", "--prevout-amount", "5", "--out", dir},
		{"receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", testRoot, "--prevout-amount", "5", "--out", dir},
		{"receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", testRoot, "--raw-tx", f, "--prevout-amount", "-5", "--out", dir},
		{"verify", "--blockcerts-tx", f, files[0]},
	} {
		r := runCLI(t, args...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
	}
}

// regtestBlock returns a raw block in hex holding the transactions
// (hex) given, whose header meets regtest's proof of work.
func regtestBlock(t testing.TB, txs ...string) string {
	t.Helper()
	var ids []btc.Hash
	var body []byte
	for _, h := range txs {
		raw, err := hex.DecodeString(h)
		require.NoError(t, err)
		tx, err := btc.ParseTx(raw)
		require.NoError(t, err)
		ids = append(ids, tx.TxID())
		body = append(body, raw...)
	}
	root, _, err := btc.MerkleRoot(ids)
	require.NoError(t, err)
	hdr := make([]byte, 80)
	hdr[0] = 0x20                                               // version
	copy(hdr[36:68], root[:])                                   // merkle root
	hdr[68], hdr[69], hdr[70], hdr[71] = 1, 0, 0, 0x66          // time
	hdr[72], hdr[73], hdr[74], hdr[75] = 0xff, 0xff, 0x7f, 0x20 // bits 0x207fffff
	limit := btc.RegtestPowLimit()
	for n := uint32(0); ; n++ {
		hdr[76], hdr[77], hdr[78], hdr[79] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
		h, err := btc.ParseHeader(hdr)
		require.NoError(t, err)
		if h.CheckProofOfWork(limit) == nil {
			break
		}
	}
	blk := append(append(hdr, byte(len(txs))), body...)
	_, err = btc.ParseBlock(blk)
	require.NoError(t, err)
	return hex.EncodeToString(blk)
}

// blockcertsInputs writes three unsigned Blockcerts v3 credentials whose
// issuer is issuer.
func blockcertsInputs(t *testing.T, dir, issuer string) []string {
	t.Helper()
	var files []string
	for i := range 3 {
		doc := fmt.Sprintf(`{
  "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/blockcerts/v3"],
  "id": "urn:uuid:bbbbbbbb-0000-4000-8000-00000000000%d",
  "type": ["VerifiableCredential", "BlockcertsCredential"],
  "issuer": {"id": %q, "name": "Example University"},
  "issuanceDate": "2024-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:student%d", "name": "Student %d"},
  "metadata": "{}",
  "display": {"contentMediaType": "text/html", "content": "<div>Certificate %d</div>"}
}`, i, issuer, i, i, i)
		files = append(files, writeFile(t, dir, fmt.Sprintf("cert%d.json", i), []byte(doc)))
	}
	return files
}

func TestBlockcerts(t *testing.T) {
	dir := t.TempDir()
	key, did := k1Key(t, dir)
	inputs := blockcertsInputs(t, dir, did)
	txid := strings.Repeat("cd", 32)

	t.Run("mocknet", func(t *testing.T) {
		out := filepath.Join(dir, "mock")
		r := runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "mocknet", "--anchor-tx", "test-label",
			"--created", "2024-01-02T00:00:00Z", "--out", out}, inputs...)...)
		require.Equal(t, 0, r.code, r.stderr)
		cert := filepath.Join(out, "cert1.json")
		// Mocknet is on no chain: L0 only. The Merkle proof holds, but no
		// transaction sender binds the credential to its issuer, so it
		// does not verify, whatever the trust and level asked (before,
		// --require-level L0 --trust printed VERIFIED).
		for _, args := range [][]string{{"--require-level", "L0", "--trust", did}, {}, {"--require-level", "L0"}, {"--require-level", "L0", "--any-issuer"}} {
			v := runCLI(t, append(append([]string{"verify"}, args...), cert)...)
			assert.Equal(t, 1, v.code, v.stdout+v.stderr)
			assert.Contains(t, v.stdout, cert+": NOT VERIFIED")
			assert.Regexp(t, `proof +passed +MerkleProof2019`, v.stdout)
			assert.Contains(t, v.stdout, "level L0")
			assert.Contains(t, v.stdout, "no finality: true")
			assert.Contains(t, v.stdout, "no transaction sender binds the credential")
		}
	})

	t.Run("bitcoin-testnet", func(t *testing.T) {
		r := runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet"}, inputs...)...)
		require.Equal(t, 0, r.code, r.stderr)
		root := strings.TrimSpace(r.stdout)
		require.Len(t, root, 64)
		addr := strings.Fields(r.stderr)[6]
		assert.True(t, strings.HasPrefix(addr, "m") || strings.HasPrefix(addr, "n"), "a testnet P2PKH address: %s", r.stderr)

		out := filepath.Join(dir, "btc")
		r = runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--anchor-tx", txid, "--root", root,
			"--created", "2024-01-02T00:00:00Z", "--out", out}, inputs...)...)
		require.Equal(t, 0, r.code, r.stderr)
		// Another root than the one anchored: refused.
		r = runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--anchor-tx", txid, "--root", testRoot,
			"--out", filepath.Join(dir, "nope")}, inputs...)...)
		assert.Equal(t, 1, r.code)

		txData := func(name, remote, sender string) string {
			return writeFile(t, dir, name, []byte(fmt.Sprintf(`{"remoteHash":%q,"issuingAddress":%q,"time":"2024-01-02T01:00:00Z"}`, remote, sender)))
		}
		good := txData("tx.json", root, addr)
		for i := range 3 {
			cert := filepath.Join(out, fmt.Sprintf("cert%d.json", i))
			v := runCLI(t, "verify", "--blockcerts-tx", good, "--trust", did, cert)
			assert.Equal(t, 0, v.code, v.stdout+v.stderr)
			assert.Contains(t, v.stdout, "level L1")
			assert.Contains(t, v.stdout, "chain: bitcoin-testnet")
		}
		cert := filepath.Join(out, "cert1.json")
		data, err := os.ReadFile(cert)
		require.NoError(t, err)
		tampered := writeFile(t, dir, "tampered.json", []byte(strings.Replace(string(data), "Student 1", "Student 7", 1)))
		for name, args := range map[string][]string{
			"tampered":       {"--blockcerts-tx", good, tampered},
			"no tx data":     {cert},
			"other root":     {"--blockcerts-tx", txData("tx2.json", testRoot, addr), cert},
			"other sender":   {"--blockcerts-tx", txData("tx3.json", root, "mgdWjvq4RYAAP5goUNagTRMx7Xw534S5am"), cert},
			"untrusted":      {"--blockcerts-tx", good, "--trust", "did:example:other", cert},
			"require L2 raw": {"--blockcerts-tx", good, "--require-level", "L2", cert},
		} {
			v := runCLI(t, append([]string{"verify"}, args...)...)
			assert.Equal(t, 1, v.code, "%s: %s", name, v.stdout)
		}
		v := runCLI(t, "verify", "--blockcerts-tx", good, "--require-level", "L3", "--trust", did, cert)
		assert.Equal(t, 1, v.code, v.stdout)
		assert.Contains(t, v.stdout, "reached L1, need L3", "L3 needs the raw transaction and its block evidence")
	})

	t.Run("issuer-profile", func(t *testing.T) {
		url := "https://issuer.example.edu/profile.json"
		out := filepath.Join(dir, "profile")
		// The second run needs a key created before the anchor: from the
		// first run's profile or --key-created, never "now" after the tx.
		r := runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--issuer-profile", url, "--set-issuer",
			"--anchor-tx", txid, "--out", filepath.Join(dir, "noprofile")}, inputs...)...)
		assert.Equal(t, 2, r.code, r.stderr)
		assert.Contains(t, r.stderr, "must precede the anchor transaction")

		r = runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--issuer-profile", url, "--set-issuer",
			"--key-created", "2024-01-01T00:00:00Z", "--out", out}, inputs...)...)
		require.Equal(t, 0, r.code, r.stderr)
		root := strings.TrimSpace(r.stdout)
		prof := filepath.Join(out, "issuer-profile.json")
		first, err := os.ReadFile(prof)
		require.NoError(t, err, "the first run writes the profile, before the anchor")
		assert.Contains(t, string(first), `"created": "2024-01-01T00:00:00Z"`)
		addr := regexp.MustCompile(`from (\S+) \(the address`).FindStringSubmatch(r.stderr)[1]
		r = runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--issuer-profile", url, "--set-issuer",
			"--anchor-tx", txid, "--created", "2024-01-02T00:00:00Z", "--out", out}, inputs...)...)
		require.Equal(t, 0, r.code, r.stderr)
		// A later batch keeps the key entry: earlier batches stay valid.
		r = runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--issuer-profile", url, "--set-issuer",
			"--anchor-tx", strings.Repeat("ef", 32), "--out", out}, inputs...)...)
		require.Equal(t, 0, r.code, r.stderr)
		again, err := os.ReadFile(prof)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(again), "the profile is stable across batches")
		// Rewrite the certificates of the first anchor for the checks below.
		r = runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--issuer-profile", url, "--set-issuer",
			"--anchor-tx", txid, "--created", "2024-01-02T00:00:00Z", "--out", out}, inputs...)...)
		require.Equal(t, 0, r.code, r.stderr)
		tx := writeFile(t, dir, "ptx.json", []byte(fmt.Sprintf(`{"remoteHash":%q,"issuingAddress":%q,"time":"2024-01-02T01:00:00Z"}`, root, addr)))
		cert := filepath.Join(out, "cert2.json")
		v := runCLI(t, "verify", "--any-issuer", "--blockcerts-tx", tx, "--issuer-profile", prof, cert)
		assert.Equal(t, 0, v.code, v.stdout+v.stderr)
		// Without the profile nothing can be resolved: the issuer check
		// fails and says what is missing.
		v = runCLI(t, "verify", "--any-issuer", "--blockcerts-tx", tx, cert)
		assert.Equal(t, 1, v.code, v.stdout+v.stderr)
		assert.Contains(t, v.stdout, "no issuer profile or DID document of "+url+" was supplied")
		// A transaction before the key's creation in the profile fails.
		early := writeFile(t, dir, "early.json", []byte(fmt.Sprintf(`{"remoteHash":%q,"issuingAddress":%q,"time":"2023-01-01T00:00:00Z"}`, root, addr)))
		v = runCLI(t, "verify", "--blockcerts-tx", early, "--issuer-profile", prof, cert)
		assert.Equal(t, 1, v.code, v.stdout)
	})
}

func TestBlockcertsUsageErrors(t *testing.T) {
	dir := t.TempDir()
	key, did := k1Key(t, dir)
	edKey := filepath.Join(dir, "ed.json")
	require.Equal(t, 0, runCLI(t, "key", "generate", "--type", "ed25519", "--seed", seedHex, "--out", edKey).code)
	inputs := blockcertsInputs(t, dir, did)
	for _, args := range [][]string{
		{"blockcerts", "--key", key, "--chain", "mocknet"},
		{"blockcerts", "--key", key, "--chain", "dogecoin", inputs[0]},
		{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--anchor-tx", "nothex", "--out", dir, inputs[0]},
		{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--anchor-tx", strings.Repeat("cd", 32), inputs[0]},
		{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--root", testRoot, inputs[0]},
		{"blockcerts", "--key", key, "--chain", "mocknet", "--created", "yesterday", inputs[0]},
		{"blockcerts", "--key", key, "--chain", "mocknet", "--issuer-profile", "http://insecure.example/p.json", inputs[0]},
		{"blockcerts", "--chain", "mocknet", inputs[0]},
	} {
		r := runCLI(t, args...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
	}
	// The issuer is not the key's DID: refused, with the way out.
	other := blockcertsInputs(t, t.TempDir(), "did:example:someone")
	r := runCLI(t, "blockcerts", "--key", key, "--chain", "mocknet", other[0])
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "--set-issuer")
	r = runCLI(t, "blockcerts", "--key", edKey, "--chain", "mocknet", inputs[0])
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "secp256k1")
}
