package interop_test

// TestOTSFromReceiptInReferenceClient converts a microcred Bitcoin
// receipt into a .ots file (microcred ots upgrade-from-receipt) and has
// the OpenTimestamps JavaScript client (npm opentimestamps 0.4.9) read
// it: it must deserialize the file, show the leaf as the file digest and
// the anchor transaction's id in its info, and its own block header check
// (verifyAgainstBlockheader) must accept the ops' result as the anchor
// block's merkle root. The official client examples are the control:
// the complete one verifies in the client, the bad stamp does not.

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

type otsReport struct {
	FileHashOp   string `json:"fileHashOp"`
	Digest       string `json:"digest"`
	Info         string `json:"info"`
	Error        string `json:"error"`
	Attestations []struct {
		Type     string `json:"type"`
		Height   uint64 `json:"height"`
		Verified bool   `json:"verified"`
		Time     uint32 `json:"time"`
		Error    string `json:"error"`
	} `json:"attestations"`
}

// nodeOTS runs js/ots.mjs on a proof with headers {height: hex}.
func nodeOTS(t *testing.T, e *env, proof string, headers map[string]string) (otsReport, int) {
	t.Helper()
	hj, err := json.Marshal(headers)
	require.NoError(t, err)
	out, errOut, code := run(t, "node", "js/ots.mjs", proof, e.write(t, "headers.json", hj))
	require.Contains(t, []int{0, 1, 2}, code, "ots.mjs: %s %s", out, errOut)
	var rep otsReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "ots.mjs output: %s %s", out, errOut)
	return rep, code
}

func TestOTSFromReceiptInReferenceClient(t *testing.T) {
	e := setup(t)
	if _, err := os.Stat("node_modules/opentimestamps"); err != nil {
		t.Fatal("npm package opentimestamps is missing: run scripts/setup.sh")
	}

	// Control: the client's own examples, offline, with the real mainnet
	// header of block 358391.
	examples := "../anchor/ots/testdata/client-examples/"
	hdr, err := os.ReadFile("../anchor/ots/testdata/headers/mainnet-358391.hex")
	require.NoError(t, err)
	mainnet := map[string]string{"358391": strings.TrimSpace(string(hdr))}
	rep, code := nodeOTS(t, e, examples+"hello-world.txt.ots", mainnet)
	require.Equal(t, 0, code, "%+v", rep)
	require.Len(t, rep.Attestations, 1)
	assert.Equal(t, uint32(1432827678), rep.Attestations[0].Time)
	rep, code = nodeOTS(t, e, examples+"bad-stamp.txt.ots", mainnet)
	assert.Equal(t, 1, code, "the client refutes the bad stamp: %+v", rep)

	// A batch of five files anchored on regtest: microcred builds and
	// signs the transaction, the block (with another transaction before
	// it) and two successors are mined here at regtest difficulty.
	var files []string
	for i := range 5 {
		files = append(files, e.write(t, fmt.Sprintf("c%d.json", i), []byte(fmt.Sprintf(`{"credential":%d}`, i))))
	}
	batchDir := filepath.Join(e.dir, "batch")
	out, errOut, code := run(t, e.bin, append([]string{"batch-root", "--out", batchDir}, files...)...)
	require.Equal(t, 0, code, errOut)
	root := strings.TrimSpace(out)
	kp := filepath.Join(e.dir, "k1.json")
	_, errOut, code = run(t, e.bin, "key", "generate", "--type", "secp256k1", "--seed", w3cSeed, "--out", kp)
	require.Equal(t, 0, code, errOut)
	addr, _, _ := run(t, e.bin, "anchor", "address", "--key", kp, "--network", "regtest")
	addr = strings.TrimSpace(addr)
	build := func(r, utxo string) string {
		out, errOut, code := run(t, e.bin, "anchor", "btc", "build", "--key", kp, "--network", "regtest",
			"--utxo", utxo+":0:50000", "--root", r, "--change", addr)
		require.Equal(t, 0, code, errOut)
		return strings.TrimSpace(out)
	}
	otherTx := build(strings.Repeat("cd", 32), strings.Repeat("11", 32))
	anchorTx := build(root, strings.Repeat("22", 32))
	var ids []btc.Hash
	var body []byte
	for _, h := range []string{otherTx, anchorTx} {
		raw, err := hex.DecodeString(h)
		require.NoError(t, err)
		tx, err := btc.ParseTx(raw)
		require.NoError(t, err)
		ids = append(ids, tx.TxID())
		body = append(body, raw...)
	}
	mr, _, err := btc.MerkleRoot(ids)
	require.NoError(t, err)
	mine := func(prev btc.Hash, merkle btc.Hash, time uint32) *btc.Header {
		h := &btc.Header{Version: 0x20000000, PrevBlock: prev, MerkleRoot: merkle, Time: time, Bits: 0x207fffff}
		for ; h.CheckProofOfWork(btc.RegtestPowLimit()) != nil; h.Nonce++ {
		}
		return h
	}
	blk := mine(btc.Hash{1}, mr, 1_767_225_600)
	next := mine(blk.Hash(), btc.Hash{2}, blk.Time+600)
	last := mine(next.Hash(), btc.Hash{3}, next.Time+600)
	block := append(append(blk.Bytes(), 2), body...)
	blockPath := e.write(t, "block.hex", []byte(hex.EncodeToString(block)))
	headersPath := e.write(t, "headers.txt", []byte(hex.EncodeToString(next.Bytes())+"\n"+hex.EncodeToString(last.Bytes())+"\n"))
	receipts := filepath.Join(e.dir, "receipts")
	_, errOut, code = run(t, e.bin, "receipt", "--batch", batchDir, "--chain", "bitcoin-regtest", "--txid", ids[1].String(),
		"--block", blockPath, "--headers", headersPath, "--prevout-amount", "50000", "--out", receipts)
	require.Equal(t, 0, code, errOut)

	const height = 777
	heights := map[string]string{
		fmt.Sprint(height): hex.EncodeToString(blk.Bytes()), fmt.Sprint(height + 1): hex.EncodeToString(next.Bytes()),
		fmt.Sprint(height + 2): hex.EncodeToString(last.Bytes()),
	}
	for i := range files {
		name := fmt.Sprintf("c%d.json", i)
		proof := filepath.Join(e.dir, name+".ots")
		_, errOut, code := run(t, e.bin, "ots", "upgrade-from-receipt", filepath.Join(receipts, name+".receipt.json"),
			"--height", fmt.Sprint(height), "-o", proof)
		require.Equal(t, 0, code, errOut)
		data, err := os.ReadFile(filepath.Join(batchDir, name))
		require.NoError(t, err)
		leaf := anchor.Leaf(data)

		rep, code := nodeOTS(t, e, proof, heights)
		require.Equal(t, 0, code, "the reference client accepts %s: %+v", name, rep)
		assert.Equal(t, "sha256", rep.FileHashOp)
		assert.Equal(t, hex.EncodeToString(leaf), rep.Digest)
		require.Len(t, rep.Attestations, 1)
		assert.Equal(t, "BitcoinBlockHeaderAttestation", rep.Attestations[0].Type)
		assert.Equal(t, uint64(height), rep.Attestations[0].Height)
		assert.Equal(t, blk.Time, rep.Attestations[0].Time)
		assert.Contains(t, rep.Info, "# transaction id "+ids[1].String(), "the client recognizes our anchor transaction in the ops")
		assert.Contains(t, rep.Info, "verify BitcoinBlockHeaderAttestation(777)")

		// microcred's own ots verify agrees, on the same headers.
		var lines []string
		for h := height; h < height+3; h++ {
			lines = append(lines, fmt.Sprintf("%d %s", h, heights[fmt.Sprint(h)]))
		}
		hp := e.write(t, "h.txt", []byte(strings.Join(lines, "\n")))
		out, errOut, code = run(t, e.bin, "ots", "verify", proof, "--digest", hex.EncodeToString(leaf), "--headers", hp, "--chain", "bitcoin-regtest")
		require.Equal(t, 0, code, out+errOut)
		assert.Contains(t, out, "level L3")
		assert.Contains(t, out, "confirmations: 3")

		// Refuted by the client: the wrong block at that height, or a
		// corrupted op argument.
		rep, code = nodeOTS(t, e, proof, map[string]string{fmt.Sprint(height): hex.EncodeToString(next.Bytes())})
		assert.Equal(t, 1, code, "%+v", rep)
		proofBytes, err := os.ReadFile(proof)
		require.NoError(t, err)
		at := bytes.Index(proofBytes, ids[0][:]) // the other transaction's id: the branch sibling
		require.Positive(t, at, "the branch holds the sibling txid")
		bad := bytes.Clone(proofBytes)
		bad[at] ^= 1
		rep, code = nodeOTS(t, e, e.write(t, "bad.ots", bad), heights)
		assert.Equal(t, 1, code, "%+v", rep)
		assert.Contains(t, rep.Attestations[0].Error, "Digest does not match merkleroot")
	}
}
