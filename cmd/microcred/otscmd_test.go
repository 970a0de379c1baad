package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/ots"
)

const otsExamples = "../../anchor/ots/testdata/client-examples/"

// The official opentimestamps-client examples, through the CLI: the
// complete proof verifies against its real mainnet header, the corrupted
// one is refuted, a pending one is only claimed.
func TestOTSVerifyOfficialExamples(t *testing.T) {
	dir := t.TempDir()
	hdr, err := os.ReadFile("../../anchor/ots/testdata/headers/mainnet-358391.hex")
	require.NoError(t, err)
	headers := writeFile(t, dir, "h.txt", []byte("358391 "+strings.TrimSpace(string(hdr))+"\n"))
	bare := writeFile(t, dir, "bare.txt", hdr)

	r := runCLI(t, "ots", "verify", otsExamples+"hello-world.txt.ots", "--file", otsExamples+"hello-world.txt", "--headers", headers)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "VERIFIED")
	assert.Contains(t, r.stdout, "attestation  BitcoinBlockHeaderAttestation(358391): L3")
	assert.Contains(t, r.stdout, "block 358391, time 2015-05-28T15:41:18Z")
	assert.Contains(t, r.stdout, "level L3")
	assert.Contains(t, r.stdout, "chain: bitcoin-mainnet")
	assert.Contains(t, r.stdout, "warning: cheap to forge", "one header, no checkpoint")
	// Bare hex with --height is the same header source.
	r2 := runCLI(t, "ots", "verify", "--headers", bare, "--height", "358391", "--file", otsExamples+"hello-world.txt", otsExamples+"hello-world.txt.ots")
	assert.Equal(t, 0, r2.code, r2.stdout+r2.stderr)
	assert.Equal(t, r.stdout, r2.stdout)
	// L4 needs a checkpoint and confirmations this header cannot give.
	r = runCLI(t, "ots", "verify", otsExamples+"hello-world.txt.ots", "--file", otsExamples+"hello-world.txt", "--headers", headers, "--require-level", "L4")
	assert.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stdout, "NOT ENOUGH")
	// The header at another height: no header for the attestation.
	r = runCLI(t, "ots", "verify", otsExamples+"hello-world.txt.ots", "--file", otsExamples+"hello-world.txt", "--headers", bare, "--height", "358392")
	assert.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stdout, "level L1")
	// Another file.
	r = runCLI(t, "ots", "verify", otsExamples+"hello-world.txt.ots", "--file", otsExamples+"bad-stamp.txt", "--headers", headers)
	assert.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stdout, "anchor       failed")
	assert.Contains(t, r.stdout, "digest")
	// bad-stamp: its ops lead elsewhere than the header's merkle root.
	r = runCLI(t, "ots", "verify", otsExamples+"bad-stamp.txt.ots", "--file", otsExamples+"bad-stamp.txt", "--headers", headers)
	assert.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stdout, "level L0")
	// Pending only: L1, enough only if asked for no more.
	r = runCLI(t, "ots", "verify", otsExamples+"incomplete.txt.ots", "--file", otsExamples+"incomplete.txt")
	assert.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stdout, "level L1")
	assert.Contains(t, r.stdout, "pending")
	r = runCLI(t, "ots", "verify", otsExamples+"incomplete.txt.ots", "--file", otsExamples+"incomplete.txt", "--require-level", "L1")
	assert.Equal(t, 0, r.code, r.stdout)
	// A malformed proof.
	r = runCLI(t, "ots", "verify", otsExamples+"invalid/bad-major-version.ots", "--digest", strings.Repeat("00", 32))
	assert.Equal(t, 1, r.code, r.stdout)

	for _, args := range [][]string{
		{"ots"},
		{"ots", "stamp"},
		{"ots", "verify", "--digest", "00"},
		{"ots", "verify", otsExamples + "hello-world.txt.ots"},
		{"ots", "verify", otsExamples + "hello-world.txt.ots", "--digest", "00", "--file", otsExamples + "hello-world.txt"},
		{"ots", "verify", otsExamples + "hello-world.txt.ots", "--digest", "zz"},
		{"ots", "verify", otsExamples + "hello-world.txt.ots", "--digest", "00", "--height", "5"},
		{"ots", "verify", otsExamples + "hello-world.txt.ots", "--digest", "00", "--headers", bare},
		{"ots", "verify", otsExamples + "hello-world.txt.ots", "--digest", "00", "--chain", "ethereum-mainnet"},
		{"ots", "verify", otsExamples + "hello-world.txt.ots", "--digest", "00", "--floor", "bitcoin-mainnet:1d00ffff"},
		{"ots", "verify", otsExamples + "hello-world.txt.ots", "--digest", "00", "--require-level", "L9"},
		{"ots", "verify", otsExamples + "hello-world.txt.ots", "extra", "--digest", "00"},
		{"ots", "verify", filepath.Join(dir, "missing.ots"), "--digest", "00"},
		{"ots", "upgrade-from-receipt", "--height", "1", "x.json"},
		{"ots", "upgrade-from-receipt", "-o", "x.ots", "x.json"},
	} {
		r := runCLI(t, args...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r.stdout+r.stderr)
	}
}

// A microcred Bitcoin receipt becomes a standard .ots that ots verify
// accepts at the receipt's level, for the same headers.
func TestOTSUpgradeFromReceipt(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	batchDir, args := anchoredBatch(t, dir, "batch", files, 2)
	out := filepath.Join(dir, "receipts")
	require.Equal(t, 0, runCLI(t, append(args, "--out", out)...).code)
	full := filepath.Join(dir, "full")
	require.Equal(t, 0, runCLI(t, append(args, "--shared-evidence=false", "--out", full)...).code)
	evidence, err := os.ReadFile(filepath.Join(out, evidenceFileName))
	require.NoError(t, err)
	ev, err := anchor.ParseEvidence(evidence)
	require.NoError(t, err)
	var lines []string
	for _, h := range ev.Anchors[0].Headers {
		lines = append(lines, hex.EncodeToString(h))
	}
	headers := writeFile(t, dir, "headers.txt", []byte(strings.Join(lines, "\n")+"\n"))

	rec := filepath.Join(out, "cred1.json"+receiptSuffix)
	proof := filepath.Join(dir, "cred1.ots")
	r := runCLI(t, "ots", "upgrade-from-receipt", rec, "--height", "500", "-o", proof)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "BitcoinBlockHeaderAttestation(500) on bitcoin-regtest")
	assert.Contains(t, r.stdout, "--chain bitcoin-regtest")
	data, err := os.ReadFile(proof)
	require.NoError(t, err)
	p, err := ots.Parse(data)
	require.NoError(t, err, "a standard .ots file")
	cred, err := readIssued(filepath.Join(batchDir, "cred1.json"))
	require.NoError(t, err)
	leaf := hex.EncodeToString(batchLeaf(cred))
	assert.Equal(t, leaf, hex.EncodeToString(p.Digest()))

	// The full receipt converts to the same bytes.
	proof2 := filepath.Join(dir, "cred1-full.ots")
	require.Equal(t, 0, runCLI(t, "ots", "upgrade-from-receipt", filepath.Join(full, "cred1.json"+receiptSuffix), "--height", "500", "-o", proof2).code)
	data2, err := os.ReadFile(proof2)
	require.NoError(t, err)
	assert.Equal(t, data, data2)

	v := runCLI(t, "ots", "verify", proof, "--digest", leaf, "--headers", headers, "--height", "500", "--chain", "bitcoin-regtest")
	require.Equal(t, 0, v.code, v.stdout+v.stderr)
	assert.Contains(t, v.stdout, "level L3")
	assert.Contains(t, v.stdout, "confirmations: 3")
	assert.Contains(t, v.stdout, "no finality: true")
	// The receipt's own verdict says the same.
	rv := runCLI(t, "verify", "--any-issuer", "--now", "2024-06-01T00:00:00Z", "--receipt", rec, filepath.Join(batchDir, "cred1.json"))
	require.Equal(t, 0, rv.code, rv.stdout)
	assert.Contains(t, rv.stdout, "confirmations: 3")
	// The stamped file itself, as issued (no surrounding whitespace).
	v = runCLI(t, "ots", "verify", proof, "--file", writeFile(t, dir, "cred1-trimmed.json", cred), "--headers", headers, "--height", "500", "--chain", "bitcoin-regtest")
	assert.Equal(t, 0, v.code, v.stdout+v.stderr)
	// Corrupted: another credential, mainnet's floor, another height.
	other, err := readIssued(filepath.Join(batchDir, "cred0.json"))
	require.NoError(t, err)
	v = runCLI(t, "ots", "verify", proof, "--digest", hex.EncodeToString(batchLeaf(other)), "--headers", headers, "--height", "500", "--chain", "bitcoin-regtest")
	assert.Equal(t, 1, v.code, v.stdout)
	v = runCLI(t, "ots", "verify", proof, "--digest", leaf, "--headers", headers, "--height", "500")
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Contains(t, v.stdout, "level L1", "regtest headers are below mainnet's floor")
	v = runCLI(t, "ots", "verify", proof, "--digest", leaf, "--headers", headers, "--height", "501", "--chain", "bitcoin-regtest")
	assert.Equal(t, 1, v.code, v.stdout)
	for i := len(ots.Magic) + 34; i < len(data); i += 29 {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x04
		v = runCLI(t, "ots", "verify", writeFile(t, dir, "bad.ots", bad), "--digest", leaf, "--headers", headers, "--height", "500", "--chain", "bitcoin-regtest")
		assert.NotEqual(t, 0, v.code, "flip at %d: %s", i, v.stdout)
	}

	// Refused: a slim receipt with another batch's evidence, a mock
	// receipt (no transaction).
	otherDir := filepath.Join(dir, "o")
	require.NoError(t, os.MkdirAll(otherDir, 0o755))
	_, otherArgs := anchoredBatch(t, otherDir, "b2", files[:2], 0)
	require.Equal(t, 0, runCLI(t, append(otherArgs, "--out", filepath.Join(dir, "r2"))...).code)
	r = runCLI(t, "ots", "upgrade-from-receipt", rec, "--height", "500", "--evidence", filepath.Join(dir, "r2", evidenceFileName), "-o", filepath.Join(dir, "x.ots"))
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "not the evidence the receipt references")
	mock := filepath.Join(dir, "mock")
	require.Equal(t, 0, runCLI(t, "receipt", "--batch", batchDir, "--chain", "mock", "--txid", "m", "--out", mock).code)
	r = runCLI(t, "ots", "upgrade-from-receipt", filepath.Join(mock, "cred1.json"+receiptSuffix), "--height", "500", "-o", filepath.Join(dir, "y.ots"))
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "no Bitcoin anchor")
	_, err = os.Stat(filepath.Join(dir, "y.ots"))
	assert.True(t, os.IsNotExist(err), "nothing written")
}
