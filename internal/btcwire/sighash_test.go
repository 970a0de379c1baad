package btcwire

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bip143Vector is one example of BIP 143's "Example" section
// (testdata/bip143/bip143-examples.json, see testdata/README.md).
type bip143Vector struct {
	Name         string `json:"name"`
	Expect       string `json:"expect"`
	UnsignedTx   string `json:"unsignedTx"`
	Index        int    `json:"index"`
	ScriptPubKey string `json:"scriptPubKey"`
	Amount       int64  `json:"amount"`
	ScriptCode   string `json:"scriptCode"`
	HashType     uint32 `json:"hashType"`
	HashPrevouts string `json:"hashPrevouts"`
	HashSequence string `json:"hashSequence"`
	HashOutputs  string `json:"hashOutputs"`
	Preimage     string `json:"preimage"`
	SigHash      string `json:"sigHash"`
	PrivateKey   string `json:"privateKey"`
	PublicKey    string `json:"publicKey"`
	Signature    string `json:"signature"`
	SignedTx     string `json:"signedTx"`
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func bip143Vectors(t testing.TB) []bip143Vector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "bip143", "bip143-examples.json"))
	require.NoError(t, err)
	var f struct {
		Vectors []bip143Vector `json:"vectors"`
	}
	require.NoError(t, json.Unmarshal(data, &f))
	require.NotEmpty(t, f.Vectors)
	return f.Vectors
}

func TestBIP143Examples(t *testing.T) {
	for _, v := range bip143Vectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			switch v.Expect {
			case "valid", "sighash only":
			default:
				if len(v.Expect) < 8 || v.Expect[:8] != "invalid:" {
					t.Fatalf("unknown expect %q", v.Expect)
				}
			}
			tx, err := ParseTx(mustHex(t, v.UnsignedTx))
			require.NoError(t, err, "the unsigned transaction parses")
			code := mustHex(t, v.ScriptCode)

			// Intermediate values: the midstates and the preimage.
			h := newSigHasher(tx)
			if v.HashPrevouts != "" {
				assert.Equal(t, v.HashPrevouts, hex.EncodeToString(h.hashPrevouts[:]), "hashPrevouts")
			}
			if v.HashSequence != "" {
				assert.Equal(t, v.HashSequence, hex.EncodeToString(h.hashSequence[:]), "hashSequence")
			}
			if v.HashOutputs != "" && v.HashType == SigHashAll {
				assert.Equal(t, v.HashOutputs, hex.EncodeToString(h.hashOutput[:]), "hashOutputs")
			}
			pre := h.preimage(v.Index, code, v.Amount, v.HashType)
			if v.Preimage != "" {
				assert.Equal(t, v.Preimage, hex.EncodeToString(pre), "preimage")
			}
			if v.HashOutputs != "" && v.HashType != SigHashAll {
				// SINGLE: hashOutputs is item 8 of the preimage.
				off := len(pre) - 4 - 4 - 32
				assert.Equal(t, v.HashOutputs, hex.EncodeToString(pre[off:off+32]), "hashOutputs (SINGLE)")
			}

			digest, err := witnessV0SigHash(tx, v.Index, code, v.Amount, v.HashType)
			require.NoError(t, err)
			assert.Equal(t, v.SigHash, hex.EncodeToString(digest[:]), "sigHash")

			// The BIP's signature verifies against our digest with its key,
			// and the private key is the public key's.
			priv := secp256k1.PrivKeyFromBytes(mustHex(t, v.PrivateKey))
			pubBytes := mustHex(t, v.PublicKey)
			assert.Equal(t, pubBytes, priv.PubKey().SerializeCompressed(), "private key matches public key")
			pub, err := secp256k1.ParsePubKey(pubBytes)
			require.NoError(t, err)
			sig, err := ecdsa.ParseDERSignature(mustHex(t, v.Signature))
			require.NoError(t, err)
			assert.True(t, sig.Verify(digest[:], pub), "BIP signature verifies against our digest")
			// Bitcoin Core signs with RFC 6979 nonces, as decred's Sign does,
			// so the BIP's signatures are reproduced byte for byte.
			assert.Equal(t, v.Signature, hex.EncodeToString(ecdsa.Sign(priv, digest[:]).Serialize()), "RFC 6979 signature")

			if v.SignedTx == "" {
				return
			}
			signed, err := ParseTx(mustHex(t, v.SignedTx))
			require.NoError(t, err, "the signed transaction parses")
			assert.Equal(t, tx.Outputs, signed.Outputs)
			got, err := VerifyP2WPKHInput(signed, v.Index, v.Amount)
			if v.Expect != "valid" {
				assert.ErrorIs(t, err, errNotP2WPKH, v.Expect)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, pubBytes, got)
			h160 := Hash160(got)
			assert.Equal(t, mustHex(t, v.ScriptPubKey), p2wpkhScript(h160), "HASH160(pubkey) is the prevout's program")
			assert.Equal(t, code, P2WPKHScriptCode(h160))

			// Our signer reproduces the BIP's witness for this input.
			wit := signP2WPKH(newSigHasher(tx), v.Index, priv, pubBytes, v.Amount)
			assert.Equal(t, signed.Inputs[v.Index].Witness, wit)

			// The signature commits to the amount: 6.25 BTC instead of 6.
			_, err = VerifyP2WPKHInput(signed, v.Index, v.Amount+25_000_000)
			assert.ErrorIs(t, err, ErrInvalidSignature)
			// Input 0 is a P2PK spend, not P2WPKH.
			_, err = VerifyP2WPKHInput(signed, 0, 625_000_000)
			assert.ErrorIs(t, err, errNotP2WPKH)
		})
	}
}

func TestWitnessV0SigHashErrors(t *testing.T) {
	v := bip143Vectors(t)[0]
	tx, err := ParseTx(mustHex(t, v.UnsignedTx))
	require.NoError(t, err)
	for _, c := range []struct {
		name   string
		tx     *Tx
		index  int
		amount int64
	}{
		{"nil tx", nil, 0, 1},
		{"negative index", tx, -1, 1},
		{"index past the inputs", tx, 2, 1},
		{"negative amount", tx, 1, -1},
		{"amount above MaxMoney", tx, 1, MaxMoney + 1},
	} {
		_, err := witnessV0SigHash(c.tx, c.index, nil, c.amount, SigHashAll)
		assert.ErrorIs(t, err, errMalformedTx, c.name)
		_, err = VerifyP2WPKHInput(c.tx, c.index, c.amount)
		assert.ErrorIs(t, err, errMalformedTx, c.name)
	}
}

func TestHash160(t *testing.T) {
	// BIP 173, Examples: "All examples use public key 0279BE66…F81798"
	// (the generator); "Mainnet P2WPKH: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".
	g := mustHex(t, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
	h := Hash160(g)
	assert.Equal(t, "751e76e8199196d454941c45d1b3a323f1433bd6", hex.EncodeToString(h[:]))
	a, err := AddressFromPubKey(Mainnet, g)
	require.NoError(t, err)
	assert.Equal(t, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", a.String())
}
