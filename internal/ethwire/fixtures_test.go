package ethwire

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	require.NoError(tb, err, "hex %q", s)
	return b
}

func readJSON(tb testing.TB, name string, v any) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(tb, err)
	require.NoError(tb, json.Unmarshal(data, v), name)
}

type legacyFixture struct {
	Explorer struct {
		From  string `json:"from"`
		Hash  string `json:"hash"`
		Input string `json:"input"`
		Nonce string `json:"nonce"`
		To    string `json:"to"`
		V     string `json:"v"`
		R     string `json:"r"`
		S     string `json:"s"`
	} `json:"explorer_fields"`
	ChainID        uint64 `json:"chainId"`
	RawTx          string `json:"rlp_signed_tx_hex"`
	TxHash         string `json:"tx_hash_keccak256_of_rlp_signed"`
	SigningPayload string `json:"rlp_signing_payload_hex"`
	SigHash        string `json:"sighash_keccak256"`
	Pubkey         string `json:"recovered_uncompressed_pubkey"`
	From           string `json:"recovered_from_address"`
	Root           string `json:"anchored_root_in_input"`
}

func legacyBlockcerts(tb testing.TB) legacyFixture {
	var f legacyFixture
	readJSON(tb, "legacy-eip155-blockcerts-anchor-a12c498c.json", &f)
	return f
}

type eip1559File struct {
	Vectors []struct {
		Source struct {
			PrivateKey string `json:"privateKey"`
			Wrapped    string `json:"signedTransactionRLP"`
			Nonce      uint64 `json:"nonce"`
			Value      int64  `json:"value"`
			GasLimit   uint64 `json:"gasLimit"`
			Tip        int64  `json:"maxInclusionFeePerGas"`
			FeeCap     int64  `json:"maxFeePerGas"`
			To         string `json:"to"`
		} `json:"source_vector"`
		Raw      string `json:"typed_tx_hex"`
		Unsigned string `json:"unsigned_payload_hex"`
		SigHash  string `json:"signing_hash"`
		TxHash   string `json:"tx_hash"`
		From     string `json:"recovered_from"`
		Fields   struct {
			ChainID string `json:"chainId"`
			YParity string `json:"yParity"`
			R       string `json:"r"`
			S       string `json:"s"`
		} `json:"decoded_fields"`
	} `json:"vectors"`
}

type otsProof struct {
	OTS    string `json:"ots"`
	Height uint64 `json:"height"`
	RawTx  string `json:"tx_rlp_hex"`
	TxHash string `json:"tx_hash"`
	Root   string `json:"transactions_root"`
	Parts  []struct {
		Prefix string `json:"prefix"`
		Suffix string `json:"suffix"`
	} `json:"leaf_to_root_parts"`
}

// otsProofs rebuilds the trie nodes of the OpenTimestamps Ethereum
// attestations, root first.
func otsProofs(tb testing.TB) []struct {
	otsProof
	raw   []byte
	root  Hash
	nodes [][]byte
} {
	var f struct {
		Proofs []otsProof `json:"proofs"`
	}
	readJSON(tb, "ots-eth-tx-trie-parts.json", &f)
	var out []struct {
		otsProof
		raw   []byte
		root  Hash
		nodes [][]byte
	}
	for _, p := range f.Proofs {
		raw := mustHex(tb, p.RawTx)
		child := raw
		var nodes [][]byte
		for _, part := range p.Parts {
			node := append(append(mustHex(tb, part.Prefix), child...), mustHex(tb, part.Suffix)...)
			nodes = append([][]byte{node}, nodes...)
			h := Keccak256(node)
			child = h[:]
		}
		root, err := ParseHash("0x" + p.Root)
		require.NoError(tb, err)
		out = append(out, struct {
			otsProof
			raw   []byte
			root  Hash
			nodes [][]byte
		}{p, raw, root, nodes})
	}
	return out
}
