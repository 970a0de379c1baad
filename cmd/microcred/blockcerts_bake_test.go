package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor/btc"
)

// TestBlockcertsBakedSameVerdict: a Blockcerts certificate gets the same
// verdict as JSON and baked into a PNG or SVG (microcred bake), and an
// expired one fails at validity in every form. Before, the JSON went the
// MerkleProof2019 path (no validity check: the expired one verified) and
// the baked one the Data Integrity path (failed at the proof check).
func TestBlockcertsBakedSameVerdict(t *testing.T) {
	dir := t.TempDir()
	key, did := k1Key(t, dir)
	doc := func(name, extra string) string {
		return writeFile(t, dir, name+".json", []byte(fmt.Sprintf(`{
  "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/blockcerts/v3"],
  "id": "urn:uuid:cccccccc-0000-4000-8000-0000000000%02d",
  "type": ["VerifiableCredential", "BlockcertsCredential"],
  "issuer": %q,
  "issuanceDate": "2024-01-01T00:00:00Z",%s
  "credentialSubject": {"id": "did:example:student", "name": "Student"}
}`, len(name), did, extra)))
	}
	inputs := []string{doc("valid", ""), doc("expired", `
  "expirationDate": "2024-06-01T00:00:00Z",`)}
	r := runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet"}, inputs...)...)
	require.Equal(t, 0, r.code, r.stderr)
	root := strings.TrimSpace(r.stdout)
	addr := strings.Fields(r.stderr)[6]
	out := filepath.Join(dir, "out")
	txid := strings.Repeat("ab", 32)
	r = runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-testnet", "--anchor-tx", txid, "--root", root,
		"--created", "2024-01-02T00:00:00Z", "--out", out}, inputs...)...)
	require.Equal(t, 0, r.code, r.stderr)
	tx := writeFile(t, dir, "tx.json", []byte(fmt.Sprintf(`{"anchor":"blink:btc:testnet:%s","remoteHash":%q,"issuingAddress":%q,"time":"2024-01-02T01:00:00Z"}`, txid, root, addr)))

	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))))
	img := writeFile(t, dir, "badge.png", buf.Bytes())
	svg := writeFile(t, dir, "badge.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>`))
	for name, want := range map[string]int{"valid": 0, "expired": 1} {
		cert := filepath.Join(out, name+".json")
		forms := []string{cert}
		for _, image := range []string{img, svg} {
			baked := filepath.Join(dir, name+"-baked"+filepath.Ext(image))
			b := runCLI(t, "bake", "--image", image, "--credential", cert, "--out", baked)
			require.Equal(t, 0, b.code, b.stderr)
			forms = append(forms, baked)
		}
		for _, f := range forms {
			v := runCLI(t, "verify", "--trust", did, "--blockcerts-tx", tx, f)
			assert.Equal(t, want, v.code, "%s: %s", f, v.stdout+v.stderr)
			assert.Regexp(t, `proof +passed +MerkleProof2019`, v.stdout, f)
			if want == 0 {
				assert.Regexp(t, `validity +passed`, v.stdout, f)
				assert.Contains(t, v.stdout, "level L1", f)
			} else {
				assert.Regexp(t, `validity +failed .*expired`, v.stdout, f)
			}
		}
	}
}

// TestBlockcertsRegtest: bitcoin-regtest writes blink:btc:regtest anchors
// (the lds-merkle-proof-2019 network name; cert-verifier-js treats regtest
// as a test chain) from the testnet P2PKH address of the key.
func TestBlockcertsRegtest(t *testing.T) {
	dir := t.TempDir()
	key, did := k1Key(t, dir)
	inputs := blockcertsInputs(t, dir, did)
	r := runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-regtest"}, inputs...)...)
	require.Equal(t, 0, r.code, r.stderr)
	addr := strings.Fields(r.stderr)[6]
	assert.True(t, strings.HasPrefix(addr, "m") || strings.HasPrefix(addr, "n"), r.stderr)
	root := strings.TrimSpace(r.stdout)
	out := filepath.Join(dir, "out")
	txid := strings.Repeat("12", 32)
	r = runCLI(t, append([]string{"blockcerts", "--key", key, "--chain", "bitcoin-regtest", "--anchor-tx", txid, "--root", root,
		"--created", "2024-01-02T00:00:00Z", "--out", out}, inputs...)...)
	require.Equal(t, 0, r.code, r.stderr)
	tx := writeFile(t, dir, "tx.json", []byte(fmt.Sprintf(`{"remoteHash":%q,"issuingAddress":%q,"time":"2024-01-02T01:00:00Z"}`, root, addr)))
	v := runCLI(t, "verify", "--trust", did, "--blockcerts-tx", tx, filepath.Join(out, "cert0.json"))
	assert.Equal(t, 0, v.code, v.stdout+v.stderr)
	assert.Contains(t, v.stdout, "blink:btc:regtest:"+txid)
	assert.Contains(t, v.stdout, "chain: bitcoin-regtest")
	assert.Contains(t, v.stdout, "no finality: true")
}

// TestBlockcertsRawTxSender: with the raw anchor transaction and its
// prevout amount, verify reaches L2, the sender proven by its input
// signature; the witness-swap forgery (another key signed, the issuer's
// public key put in the witness) and a missing prevout amount do not.
func TestBlockcertsRawTxSender(t *testing.T) {
	dir := t.TempDir()
	keyPath, did := k1Key(t, dir)
	priv, err := loadSecp256k1(keyPath)
	require.NoError(t, err)
	inputs := blockcertsInputs(t, dir, did)
	r := runCLI(t, append([]string{"blockcerts", "--key", keyPath, "--chain", "bitcoin-testnet"}, inputs...)...)
	require.Equal(t, 0, r.code, r.stderr)
	root, err := hex.DecodeString(strings.TrimSpace(r.stdout))
	require.NoError(t, err)
	const amount = 50_000
	build := func(k *secp256k1.PrivateKey) *btc.Tx {
		change, err := btc.AddressFromPubKey(btc.Testnet, k.PubKey().SerializeCompressed())
		require.NoError(t, err)
		tx, err := btc.BuildAnchorTx(btc.AnchorParams{Network: btc.Testnet, Key: k, Root: root, Change: change, FeeRate: 1000,
			Inputs: []btc.UTXO{{TxID: btc.DoubleSHA256([]byte("funding")), Vout: 0, Amount: amount}}})
		require.NoError(t, err)
		return tx
	}
	attacker := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x0b}, 32))
	for name, c := range map[string]struct {
		raw    func() (*btc.Tx, []byte)
		amount string
		code   int
	}{
		"issuer's transaction": {func() (*btc.Tx, []byte) { tx := build(priv); return tx, tx.Bytes() }, `,"prevoutAmount":50000`, 0},
		"no prevout amount":    {func() (*btc.Tx, []byte) { tx := build(priv); return tx, tx.Bytes() }, ``, 1},
		"witness swap": {func() (*btc.Tx, []byte) {
			tx := build(attacker)
			return tx, bytes.Replace(tx.Bytes(), attacker.PubKey().SerializeCompressed(), priv.PubKey().SerializeCompressed(), 1)
		}, `,"prevoutAmount":50000`, 1},
	} {
		t.Run(name, func(t *testing.T) {
			tx, raw := c.raw()
			out := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
			r := runCLI(t, append([]string{"blockcerts", "--key", keyPath, "--chain", "bitcoin-testnet", "--anchor-tx", tx.TxID().String(),
				"--created", "2024-01-02T00:00:00Z", "--out", out}, inputs...)...)
			require.Equal(t, 0, r.code, r.stderr)
			f := writeFile(t, dir, "tx-"+filepath.Base(out)+".json", []byte(fmt.Sprintf(`{"rawTx":%q,"time":"2024-01-02T01:00:00Z"%s}`, hex.EncodeToString(raw), c.amount)))
			v := runCLI(t, "verify", "--trust", did, "--blockcerts-tx", f, "--require-level", "L2", filepath.Join(out, "cert0.json"))
			assert.Equal(t, c.code, v.code, v.stdout+v.stderr)
			if c.code == 0 {
				assert.Regexp(t, `anchor +level L2`, v.stdout)
			} else {
				assert.Regexp(t, `anchor +level L0`, v.stdout, "the sender never counts as the issuer's")
			}
			if name == "no prevout amount" {
				assert.Contains(t, v.stdout, `add "prevoutAmount"`)
			}
		})
	}
}
