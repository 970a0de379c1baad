package merkle2019_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/internal/btcwire"
	"github.com/onchaincert/microcred/internal/merkle2019"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err, "reading testdata/%s", name)
	return b
}

func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(readFile(t, name), v), "parsing testdata/%s", name)
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// manifestCase is one entry of testdata/manifest.json.
type manifestCase struct {
	File      string `json:"file"`
	Scenario  string `json:"scenario"`
	Expect    string `json:"expect"`
	Message   string `json:"message"`
	LookForTx *struct {
		RemoteHash     string `json:"remoteHash"`
		IssuingAddress string `json:"issuingAddress"`
		Time           string `json:"time"`
	} `json:"lookForTx"`
	HTTP map[string]string `json:"http"`
}

func readManifest(t testing.TB) []manifestCase {
	var m struct {
		Cases []manifestCase `json:"cases"`
	}
	readJSON(t, "manifest.json", &m)
	require.NotEmpty(t, m.Cases)
	return m.Cases
}

// txData turns a manifest lookForTx into TxData.
func (c *manifestCase) txData(t testing.TB) *merkle2019.TxData {
	if c.LookForTx == nil {
		return nil
	}
	tm, err := time.Parse(time.RFC3339, c.LookForTx.Time)
	require.NoError(t, err)
	return &merkle2019.TxData{
		RemoteHash:     c.LookForTx.RemoteHash,
		IssuingAddress: c.LookForTx.IssuingAddress,
		Time:           tm,
	}
}

// didKey reads the secp256k1 JWK of #key-1 from a DID document in
// testdata/issuers and returns it as an uncompressed SEC1 key.
func didKey(t testing.TB, name string) []byte {
	var doc struct {
		VerificationMethod []struct {
			ID  string `json:"id"`
			JWK struct {
				Crv string `json:"crv"`
				X   string `json:"x"`
				Y   string `json:"y"`
			} `json:"publicKeyJwk"`
		} `json:"verificationMethod"`
	}
	readJSON(t, "issuers/"+name, &doc)
	for _, vm := range doc.VerificationMethod {
		if vm.ID != "#key-1" {
			continue
		}
		require.Equal(t, "secp256k1", vm.JWK.Crv)
		x, err := base64.RawURLEncoding.DecodeString(vm.JWK.X)
		require.NoError(t, err)
		y, err := base64.RawURLEncoding.DecodeString(vm.JWK.Y)
		require.NoError(t, err)
		return append(append([]byte{4}, x...), y...)
	}
	t.Fatalf("no #key-1 in %s", name)
	return nil
}

// derivedKeys is testdata/issuer-key-address-derivation.json.
type derivedKey struct {
	CompressedPubkey string `json:"compressed_pubkey"`
	ETH              string `json:"eth"`
	BTCMainnet       string `json:"btc_mainnet"`
	BTCTestnet       string `json:"btc_testnet"`
}

func readDerivedKeys(t testing.TB) map[string]derivedKey {
	var m map[string]derivedKey
	readJSON(t, "issuer-key-address-derivation.json", &m)
	return m
}

// syntheticTx builds a legacy Bitcoin transaction spending one P2PKH
// input, really signed by key (SIGHASH_ALL over the legacy digest), with
// a change output and the anchor OP_RETURN PUSH32 root last, as
// cert-issuer lays it out. The output spent is made up: nothing here
// needs it to exist. It returns the raw bytes and the txid in display
// order.
func syntheticTx(t testing.TB, key *secp256k1.PrivateKey, root []byte) ([]byte, string) {
	require.Len(t, root, 32)
	pubkey := key.PubKey().SerializeCompressed()
	build := func(scriptSig []byte) []byte {
		var b []byte
		b = binary.LittleEndian.AppendUint32(b, 1) // version
		b = append(b, 1)                           // one input
		prev := sha256.Sum256([]byte("previous transaction"))
		b = append(b, prev[:]...)
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = append(b, byte(len(scriptSig)))
		b = append(b, scriptSig...)
		b = binary.LittleEndian.AppendUint32(b, 0xffffffff)
		b = append(b, 2) // two outputs
		b = binary.LittleEndian.AppendUint64(b, 50_000)
		p2pkh := append(append([]byte{0x76, 0xa9, 0x14}, make([]byte, 20)...), 0x88, 0xac)
		b = append(b, byte(len(p2pkh)))
		b = append(b, p2pkh...)
		b = binary.LittleEndian.AppendUint64(b, 0)
		b = append(b, 34, 0x6a, 0x20)
		b = append(b, root...)
		return binary.LittleEndian.AppendUint32(b, 0) // lock time
	}
	unsigned, err := btc.ParseTx(build(nil))
	require.NoError(t, err)
	digest, err := btcwire.LegacySigHash(unsigned, 0, btcwire.P2WPKHScriptCode(btc.Hash160(pubkey)), btcwire.SigHashAll)
	require.NoError(t, err)
	sig := append(ecdsa.Sign(key, digest[:]).Serialize(), byte(btcwire.SigHashAll))
	script := append(append([]byte{byte(len(sig))}, sig...), byte(len(pubkey)))
	tx, err := btc.ParseTx(build(append(script, pubkey...)))
	require.NoError(t, err)
	return tx.Bytes(), tx.TxID().String()
}

// segwitTx builds a real P2WPKH anchor transaction (btc.BuildAnchorTx)
// spending a made-up output of amount satoshis that pays to key.
func segwitTx(t testing.TB, key *secp256k1.PrivateKey, root []byte, amount int64) ([]byte, string) {
	change, err := btc.AddressFromPubKey(btc.Testnet, key.PubKey().SerializeCompressed())
	require.NoError(t, err)
	tx, err := btc.BuildAnchorTx(btc.AnchorParams{
		Network: btc.Testnet, Key: key, Root: root, Change: change, FeeRate: 1000,
		Inputs: []btc.UTXO{{TxID: btc.DoubleSHA256([]byte("funding")), Vout: 1, Amount: amount}},
	})
	require.NoError(t, err)
	return tx.Bytes(), tx.TxID().String()
}

// testKey returns a fixed secp256k1 key: 32 bytes of b.
func testKey(b byte) *secp256k1.PrivateKey {
	return secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{b}, 32))
}
