package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor/btc"
)

// TestBlockcertsBlockEvidenceCLI: a --blockcerts-tx file with the raw
// transaction's block evidence (txIndex, branch, headers) takes a
// Blockcerts certificate to L3 in microcred verify, graded as receipts
// are (six linked regtest headers: six confirmations, no finality); an
// edited header falls to L2 and fails --require-level L3.
func TestBlockcertsBlockEvidenceCLI(t *testing.T) {
	dir := t.TempDir()
	keyPath, did := k1Key(t, dir)
	priv, err := loadSecp256k1(keyPath)
	require.NoError(t, err)
	inputs := blockcertsInputs(t, dir, did)
	r := runCLI(t, append([]string{"blockcerts", "--key", keyPath, "--chain", "bitcoin-regtest"}, inputs...)...)
	require.Equal(t, 0, r.code, r.stderr)
	root, err := hex.DecodeString(strings.TrimSpace(r.stdout))
	require.NoError(t, err)
	change, err := btc.AddressFromPubKey(btc.Testnet, priv.PubKey().SerializeCompressed())
	require.NoError(t, err)
	tx, err := btc.BuildAnchorTx(btc.AnchorParams{Network: btc.Testnet, Key: priv, Root: root, Change: change, FeeRate: 1000,
		Inputs: []btc.UTXO{{TxID: btc.DoubleSHA256([]byte("funding")), Vout: 0, Amount: 50_000}}})
	require.NoError(t, err)
	out := filepath.Join(dir, "out")
	r = runCLI(t, append([]string{"blockcerts", "--key", keyPath, "--chain", "bitcoin-regtest", "--anchor-tx", tx.TxID().String(),
		"--created", "2024-01-02T00:00:00Z", "--out", out}, inputs...)...)
	require.Equal(t, 0, r.code, r.stderr)

	// The block: a coinbase stand-in, then the anchor transaction; five
	// linked successors.
	txids := []btc.Hash{btc.Hash(sha256.Sum256([]byte("coinbase"))), tx.TxID()}
	mr, _, err := btc.MerkleRoot(txids)
	require.NoError(t, err)
	br, err := btc.MerkleBranch(txids, 1)
	require.NoError(t, err)
	var branch, headers []string
	for _, h := range br {
		branch = append(branch, hex.EncodeToString(h[:]))
	}
	at := time.Date(2024, 1, 2, 1, 0, 0, 0, time.UTC)
	var prev btc.Hash
	for i := 0; i < 6; i++ {
		h := &btc.Header{Version: 4, PrevBlock: prev, MerkleRoot: mr, Time: uint32(at.Add(time.Duration(i) * 10 * time.Minute).Unix()), Bits: 0x207fffff}
		if i > 0 {
			h.MerkleRoot = btc.Hash(sha256.Sum256([]byte(fmt.Sprint("block ", i))))
		}
		for h.CheckProofOfWork(btc.RegtestPowLimit()) != nil {
			h.Nonce++
		}
		headers = append(headers, hex.EncodeToString(h.Bytes()))
		prev = h.Hash()
	}
	write := func(name string, hdrs []string) string {
		data, err := json.Marshal(map[string]any{"rawTx": hex.EncodeToString(tx.Bytes()), "prevoutAmount": 50_000,
			"txIndex": 1, "branch": branch, "headers": hdrs})
		require.NoError(t, err)
		return writeFile(t, dir, name, data)
	}
	cert := filepath.Join(out, "cert0.json")

	v := runCLI(t, "verify", "--trust", did, "--blockcerts-tx", write("tx.json", headers), "--require-level", "L3", cert)
	require.Equal(t, 0, v.code, v.stdout+v.stderr)
	assert.Regexp(t, `anchor +level L3`, v.stdout)
	assert.Contains(t, v.stdout, "confirmations: 6")
	assert.Contains(t, v.stdout, "no finality: true")

	bad := append([]string(nil), headers...)
	bad[0] = bad[0][:150] + map[bool]string{true: "1", false: "0"}[bad[0][150] == '0'] + bad[0][151:] // the nonce
	v = runCLI(t, "verify", "--trust", did, "--blockcerts-tx", write("bad.json", bad), "--require-level", "L3", cert)
	assert.Equal(t, 1, v.code, v.stdout)
	assert.Regexp(t, `anchor +level L2`, v.stdout)

	v = runCLI(t, "verify", "--trust", did, "--blockcerts-tx", write("half.json", headers), "--checkpoint", "bitcoin-regtest:"+strings.Repeat("ab", 32), "--require-level", "L4", cert)
	assert.Equal(t, 1, v.code, "a regtest anchor never reaches L4: %s", v.stdout)
}
