package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
)

// anchoredBatch runs batch-root over files into dir/name and anchors its
// root in a regtest block followed by extra linked headers; it returns
// the batch directory and the receipt flags (without --out).
func anchoredBatch(t testing.TB, dir, name string, files []string, extra int) (string, []string) {
	t.Helper()
	batchDir := filepath.Join(dir, name)
	r := runCLI(t, append([]string{"batch-root", "--out", batchDir}, files...)...)
	require.Equal(t, 0, r.code, r.stderr)
	rootHex := strings.TrimSpace(r.stdout)
	key, _ := k1Key(t, dir)
	addr := strings.TrimSpace(runCLI(t, "anchor", "address", "--key", key, "--network", "regtest").stdout)
	r = runCLI(t, "anchor", "btc", "build", "--key", key, "--network", "regtest", "--utxo", strings.Repeat("22", 32)+":0:50000",
		"--root", rootHex, "--change", addr)
	require.Equal(t, 0, r.code, r.stderr)
	txid := strings.Fields(r.stderr)[1]
	block := regtestBlock(t, strings.TrimSpace(r.stdout))
	args := []string{"receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", txid, "--prevout-amount", "50000",
		"--block", writeFile(t, dir, name+".block", []byte(block))}
	if extra > 0 {
		raw, err := hex.DecodeString(block[:160])
		require.NoError(t, err)
		prev, err := btc.ParseHeader(raw)
		require.NoError(t, err)
		var lines []string
		for i := range extra {
			h := &btc.Header{Version: 0x20000000, PrevBlock: prev.Hash(), MerkleRoot: btc.Hash{byte(i)}, Time: prev.Time + 600, Bits: 0x207fffff}
			for ; h.CheckProofOfWork(btc.RegtestPowLimit()) != nil; h.Nonce++ {
			}
			lines = append(lines, hex.EncodeToString(h.Bytes()))
			prev = h
		}
		args = append(args, "--headers", writeFile(t, dir, name+".headers", []byte(strings.Join(lines, "\n"))))
	}
	return batchDir, args
}

func TestReceiptSharedEvidence(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	batchDir, args := anchoredBatch(t, dir, "batch", files, 2)
	out := filepath.Join(dir, "receipts")
	r := runCLI(t, append(args, "--out", out)...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 3, strings.Count(r.stdout, " L3\n"), r.stdout)
	evPath := filepath.Join(out, evidenceFileName)
	assert.Contains(t, r.stdout, evPath+" shared evidence")

	// Each receipt carries its path and a reference, no anchors; the
	// evidence file carries the transaction and headers once.
	evidence, err := os.ReadFile(evPath)
	require.NoError(t, err)
	ev, err := anchor.ParseEvidence(evidence)
	require.NoError(t, err)
	assert.Len(t, ev.Anchors[0].Headers, 3)
	rec1 := filepath.Join(out, "cred1.json"+receiptSuffix)
	data, err := os.ReadFile(rec1)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	assert.NotContains(t, m, "anchors")
	assert.Equal(t, evidenceFileName, m["evidence"].(map[string]any)["name"])
	assert.NotContains(t, string(data), hex.EncodeToString(ev.Anchors[0].RawTx))

	cred1 := filepath.Join(batchDir, "cred1.json")
	now := "2024-06-01T00:00:00Z"
	verify := func(extra ...string) cli {
		return runCLI(t, append(append([]string{"verify", "--any-issuer", "--now", now, "--receipt", rec1}, extra...), cred1)...)
	}
	// Found beside the receipt, or given: the same verdict as a full receipt.
	v := verify("--require-level", "L3")
	require.Equal(t, 0, v.code, v.stdout+v.stderr)
	assert.Contains(t, v.stdout, "level L3")
	assert.Contains(t, v.stdout, "confirmations: 3")
	moved := writeFile(t, dir, "elsewhere.json", evidence)
	v = verify("--evidence", moved, "--require-level", "L3")
	assert.Equal(t, 0, v.code, v.stdout+v.stderr)
	assert.Contains(t, v.stdout, "level L3")
	fullOut := filepath.Join(dir, "full")
	r = runCLI(t, append(args, "--shared-evidence=false", "--out", fullOut)...)
	require.Equal(t, 0, r.code, r.stderr)
	vf := runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", filepath.Join(fullOut, "cred1.json"+receiptSuffix), cred1)
	require.Equal(t, 0, vf.code, vf.stdout)
	assert.Equal(t, vf.stdout, strings.ReplaceAll(verify().stdout, rec1, filepath.Join(fullOut, "cred1.json"+receiptSuffix)))

	// Hostile: evidence that is not the bytes referenced.
	v = verify("--evidence", writeFile(t, dir, "spaced.json", append(bytes.Clone(evidence), ' ')))
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "not the evidence the receipt references")
	// Another batch's evidence.
	otherDir := filepath.Join(dir, "other")
	require.NoError(t, os.MkdirAll(otherDir, 0o755))
	_, otherArgs := anchoredBatch(t, otherDir, "batch2", files[:2], 0)
	otherOut := filepath.Join(dir, "other-receipts")
	require.Equal(t, 0, runCLI(t, append(otherArgs, "--out", otherOut)...).code)
	v = verify("--evidence", filepath.Join(otherOut, evidenceFileName))
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "not the evidence the receipt references")
	// Another batch's receipts into the same --out are refused: its
	// evidence would replace the one these receipts reference.
	r = runCLI(t, append(otherArgs, "--out", out)...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "exists with other evidence")
	got, err := os.ReadFile(evPath)
	require.NoError(t, err)
	assert.Equal(t, evidence, got, "the refused run left the evidence alone")
	// Oversized evidence: refused by the budget, not read whole.
	v = verify("--evidence", writeFile(t, dir, "big.json", append(bytes.Clone(evidence), bytes.Repeat([]byte{' '}, anchor.MaxEvidenceBytes)...)))
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "malformed shared evidence")
	// Missing evidence: beside the receipt (exit 1, with a hint), or given
	// (exit 2, unreadable input).
	require.NoError(t, os.Rename(evPath, evPath+".gone"))
	v = verify()
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "give --evidence FILE")
	assert.Contains(t, v.stdout, "anchor       failed")
	v = verify("--evidence", filepath.Join(dir, "missing.json"))
	assert.Equal(t, 2, v.code, v.stdout)
	// --evidence for a receipt that carries its own, or without --receipt.
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--receipt", filepath.Join(fullOut, "cred1.json"+receiptSuffix), "--evidence", moved, cred1)
	assert.Equal(t, 2, v.code, v.stdout)
	v = runCLI(t, "verify", "--any-issuer", "--now", now, "--evidence", moved, cred1)
	assert.Equal(t, 2, v.code, v.stdout)
}

// BenchmarkReceiptBytes measures what microcred receipt writes for a
// batch of 10,000 credentials anchored on Bitcoin with the block and 5
// more headers (L4-shaped evidence): every receipt full, and slim
// receipts plus one shared evidence file. Run it with
// go test ./cmd/microcred -run XXX -bench ReceiptBytes -benchtime 1x.
func BenchmarkReceiptBytes(b *testing.B) {
	dir := b.TempDir()
	var files []string
	for i := range 10_000 {
		files = append(files, writeFile(b, dir, fmt.Sprintf("cred%05d.json", i), []byte(fmt.Sprintf(`{"credential":%d}`, i))))
	}
	_, args := anchoredBatch(b, dir, "batch", files, 5)
	for _, mode := range []string{"full", "shared"} {
		b.Run(mode, func(b *testing.B) {
			var total int64
			for n := 0; b.Loop(); n++ {
				out := filepath.Join(dir, fmt.Sprintf("%s-%d", mode, n))
				r := runCLI(b, append(args, "--shared-evidence="+fmt.Sprint(mode == "shared"), "--out", out)...)
				if r.code != 0 {
					b.Fatal(r.stderr)
				}
				total = 0
				entries, err := os.ReadDir(out)
				if err != nil {
					b.Fatal(err)
				}
				for _, e := range entries {
					info, err := e.Info()
					if err != nil {
						b.Fatal(err)
					}
					total += info.Size()
				}
			}
			b.ReportMetric(float64(total), "bytes/batch")
		})
	}
}

// Credentials in a subdirectory of the batch (as microcred batch writes
// credentials/row-N.json): their receipts reference ../batch.evidence.json,
// and verify finds it from there.
func TestReceiptSharedEvidenceSubdirectory(t *testing.T) {
	dir := t.TempDir()
	batchDir := filepath.Join(dir, "batch")
	require.NoError(t, os.MkdirAll(filepath.Join(batchDir, "credentials"), 0o755))
	tree, err := anchor.NewTree(anchor.ModeRFC6962)
	require.NoError(t, err)
	m := batchManifest{Version: 1, Mode: anchor.ModeRFC6962.String()}
	for i := range 3 {
		name := fmt.Sprintf("credentials/row-%d.json", i)
		data := []byte(fmt.Sprintf(`{"row":%d}`, i))
		writeFile(t, batchDir, name, data)
		_, err := tree.Append(batchLeaf(data))
		require.NoError(t, err)
		m.Files = append(m.Files, name)
		m.Leaves = append(m.Leaves, hex.EncodeToString(batchLeaf(data)))
	}
	root, err := tree.Root()
	require.NoError(t, err)
	m.Root = hex.EncodeToString(root)
	js, err := json.Marshal(m)
	require.NoError(t, err)
	writeFile(t, batchDir, batchManifestName, js)

	out := filepath.Join(dir, "receipts")
	r := runCLI(t, "receipt", "--batch", batchDir, "--chain", "mock", "--txid", "m", "--out", out)
	require.Equal(t, 0, r.code, r.stderr)
	rec := filepath.Join(out, "credentials", "row-1.json"+receiptSuffix)
	data, err := os.ReadFile(rec)
	require.NoError(t, err)
	parsed, err := anchor.ParseReceipt(data)
	require.NoError(t, err)
	assert.Equal(t, "../"+evidenceFileName, parsed.Evidence.Name)
	// Only the stamped bytes matter here (the credential is not signed):
	// the library reads the evidence the receipt names and grades it.
	evidence, err := os.ReadFile(filepath.Join(out, evidenceFileName))
	require.NoError(t, err)
	a, err := parsed.VerifyEvidence(evidence, anchor.VerifyOptions{Leaf: batchLeaf([]byte(`{"row":1}`))})
	require.NoError(t, err)
	assert.Equal(t, anchor.L0, a.Level)
	assert.ErrorIs(t, a.Reason, anchor.ErrNoFinality, "a mock anchor, from the shared evidence")
	got, found, err := readSharedEvidence("", rec, parsed.Evidence)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, evidence, got)
}
