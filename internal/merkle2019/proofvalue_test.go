package merkle2019_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/internal/mtree"
)

type decodedVector struct {
	Source     string `json:"source"`
	ProofValue string `json:"proofValue"`
	CBORHex    string `json:"cbor_hex"`
	Decoded    struct {
		Path       []map[string]string `json:"path"`
		MerkleRoot string              `json:"merkleRoot"`
		TargetHash string              `json:"targetHash"`
		Anchors    []string            `json:"anchors"`
	} `json:"decoded"`
}

func readDecodedVectors(t testing.TB) []decodedVector {
	var v []decodedVector
	readJSON(t, "merkleproof2019-decoded.json", &v)
	require.NotEmpty(t, v)
	return v
}

// TestDecodedVectors decodes every proofValue of
// merkleproof2019-decoded.json (the v3 fixtures of cvj and the JS and
// Python reference vectors), compares with the reference decoding, and
// re-encodes to the same bytes and string.
func TestDecodedVectors(t *testing.T) {
	for _, v := range readDecodedVectors(t) {
		t.Run(v.Source, func(t *testing.T) {
			t.Parallel()
			pv, err := merkle2019.ParseProofValue(v.ProofValue)
			require.NoError(t, err)
			assert.Equal(t, v.Decoded.MerkleRoot, hex.EncodeToString(pv.MerkleRoot))
			assert.Equal(t, v.Decoded.TargetHash, hex.EncodeToString(pv.TargetHash))
			require.Len(t, pv.Path, len(v.Decoded.Path))
			for i, s := range v.Decoded.Path {
				side := "right"
				if pv.Path[i].Left {
					side = "left"
				}
				assert.Equal(t, map[string]string{side: hex.EncodeToString(pv.Path[i].Hash)}, s, "step %d", i)
			}
			var blinks []string
			for _, b := range pv.Anchors {
				blinks = append(blinks, b.String())
				if !strings.HasPrefix(b.String(), "blink:mocknet:This") {
					back, err := merkle2019.ParseBlink(b.String())
					require.NoError(t, err)
					assert.Equal(t, b, back)
				}
			}
			assert.Equal(t, v.Decoded.Anchors, blinks)
			jsForm := strings.Contains(v.Source, "JS Encoder") || strings.Contains(v.Source, "mocknet-v3-valid")
			assert.Equal(t, jsForm, pv.Form == merkle2019.FormBytes)

			raw, err := pv.MarshalCBOR()
			require.NoError(t, err)
			assert.Equal(t, v.CBORHex, hex.EncodeToString(raw), "re-encoding gives the same bytes")
			assert.Equal(t, v.ProofValue, pv.String())
		})
	}
}

func TestParseBlink(t *testing.T) {
	for _, s := range []string{
		"blink:btc:testnet:140ee9382a5c84433b9c89a5d9fea26c47415838b5841deb0c36a8a4b9121f2e",
		"blink:btc:mainnet:2378076e8e140012814e98a2b2cb1af07ec760b239c1d6d93ba54d658a010ecd",
		"blink:eth:sepolia:0x1f615470024000c3ab532ed74c5a60b8f6c2feb6489a67be20f103831996f9ab",
		"blink:mocknet:mocknet:abc",
		"blink:mocknet:This has not been issued on a blockchain and is for testing only",
	} {
		b, err := merkle2019.ParseBlink(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, b.String())
	}
	for _, s := range []string{
		"", "blink:", "blink:btc", "blink:btc:testnet", "blink:doge:mainnet:00",
		"blink:btc:signet:140ee9382a5c84433b9c89a5d9fea26c47415838b5841deb0c36a8a4b9121f2e",
		"blink:btc:testnet:140EE9382A5C84433B9C89A5D9FEA26C47415838B5841DEB0C36A8A4B9121F2E",
		"blink:btc:testnet:0x140ee9382a5c84433b9c89a5d9fea26c47415838b5841deb0c36a8a4b9121f2e",
		"blink:eth:sepolia:1f615470024000c3ab532ed74c5a60b8f6c2feb6489a67be20f103831996f9ab",
		"urn:btc:testnet:140ee9382a5c84433b9c89a5d9fea26c47415838b5841deb0c36a8a4b9121f2e",
	} {
		_, err := merkle2019.ParseBlink(s)
		assert.ErrorIs(t, err, merkle2019.ErrUnsupportedAnchor, "%q", s)
	}
}

// cbor helpers for hand-built probes.
func h32(b byte) string { return strings.Repeat(hex.EncodeToString([]byte{b}), 32) }

func textHash(s string) string { return "5842" + "7840" + hex.EncodeToString([]byte(s)) }

const testnetAnchor = "818382000082010382025842" + "7840" // anchors: [[[0,0],[1,3],[2,<<"…">>]]]

// TestDecodeStrict: malformed CBOR and structure is refused.
func TestDecodeStrict(t *testing.T) {
	valid := "84" + "820380" + "8200" + textHash(h32(1)) + "8201" + textHash(h32(1)) +
		"8202" + testnetAnchor + hex.EncodeToString([]byte(h32(2)))
	raw, err := hex.DecodeString(valid)
	require.NoError(t, err)
	pv, err := merkle2019.DecodeCBOR(raw)
	require.NoError(t, err, "the probe base must decode")
	assert.Empty(t, pv.Path)

	for _, c := range []struct{ name, hex string }{
		{"trailing byte", valid + "00"},
		{"empty", ""},
		{"map at top", "a0"},
		{"three keys", "83" + "820380" + "8200" + textHash(h32(1)) + "8201" + textHash(h32(1))},
		{"indefinite array", "9f" + valid[2:] + "ff"},
		{"non-minimal length", "9804" + valid[2:]},
		{"duplicate key", "84" + "820380" + "820380" + "8201" + textHash(h32(1)) + "8202" + testnetAnchor + hex.EncodeToString([]byte(h32(2)))},
		{"unknown key", "84" + "820480" + "8200" + textHash(h32(1)) + "8201" + textHash(h32(1)) + "8202" + testnetAnchor + hex.EncodeToString([]byte(h32(2)))},
		{"uppercase hex", strings.Replace(valid, hex.EncodeToString([]byte(h32(1))), hex.EncodeToString([]byte(strings.ToUpper(h32(0xab)))), 1)},
		{"short hash", "84" + "820380" + "8200" + "58227820" + hex.EncodeToString([]byte(h32(1)[:32])) + "8201" + textHash(h32(1)) + "8202" + testnetAnchor + hex.EncodeToString([]byte(h32(2)))},
		{"hash not wrapped", "84" + "820380" + "8200" + "7840" + hex.EncodeToString([]byte(h32(1))) + "8201" + textHash(h32(1)) + "8202" + testnetAnchor + hex.EncodeToString([]byte(h32(2)))},
		{"tag", "84" + "820380" + "8200" + "c2" + textHash(h32(1)) + "8201" + textHash(h32(1)) + "8202" + testnetAnchor + hex.EncodeToString([]byte(h32(2)))},
		{"mixed forms", "84" + "820380" + "8200" + "58225820" + h32(1) + "8201" + textHash(h32(1)) + "8202" + testnetAnchor + hex.EncodeToString([]byte(h32(2)))},
		{"no anchors", "84" + "820380" + "8200" + textHash(h32(1)) + "8201" + textHash(h32(1)) + "820280"},
		{"unknown network", strings.Replace(valid, "82010382", "82010782", 1)},
		{"bad path direction", "84" + "82038182" + "02" + textHash(h32(3)) + "8200" + textHash(h32(1)) + "8201" + textHash(h32(1)) + "8202" + testnetAnchor + hex.EncodeToString([]byte(h32(2)))},
		{"array count beyond data", "84" + "82039a7fffffff"},
		{"invalid UTF-8", "84" + "820380" + "8200" + "58427840" + "ff" + hex.EncodeToString([]byte(h32(1)[1:])) + "8201" + textHash(h32(1)) + "8202" + testnetAnchor + hex.EncodeToString([]byte(h32(2)))},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := hex.DecodeString(c.hex)
			require.NoError(t, err, "probe hex")
			pv, err := merkle2019.DecodeCBOR(b)
			assert.ErrorIs(t, err, merkle2019.ErrMalformedProofValue)
			assert.Nil(t, pv)
		})
	}
}

func TestPathLimit(t *testing.T) {
	pv := &merkle2019.ProofValue{
		MerkleRoot: make([]byte, 32), TargetHash: make([]byte, 32),
		Anchors: []merkle2019.Blink{{Chain: "btc", Network: "testnet", TxID: h32(2)}},
	}
	for i := 0; i < mtree.MaxPath; i++ {
		pv.Path = append(pv.Path, mtree.Step{Hash: make([]byte, 32)})
	}
	raw, err := pv.MarshalCBOR()
	require.NoError(t, err)
	_, err = merkle2019.DecodeCBOR(raw)
	require.NoError(t, err, "a path of MaxPath steps is accepted")

	// One step more, hand-encoded, is refused.
	more := append([]byte(nil), raw...)
	require.Equal(t, []byte{0x84, 0x82, 0x03, 0x98, mtree.MaxPath}, more[:5])
	more[4] = mtree.MaxPath + 1
	step := append([]byte{0x82, 0x01}, raw[5+2:5+2+0x44]...)
	more = append(more[:5], append(step, more[5:]...)...)
	_, err = merkle2019.DecodeCBOR(more)
	assert.ErrorIs(t, err, merkle2019.ErrMalformedProofValue)

	pv.Path = append(pv.Path, mtree.Step{Hash: make([]byte, 32)})
	_, err = pv.MarshalCBOR()
	assert.ErrorIs(t, err, merkle2019.ErrMalformedProofValue)
}

func TestParseProofValueStrict(t *testing.T) {
	v := readDecodedVectors(t)[0]
	_, err := merkle2019.ParseProofValue(v.ProofValue)
	require.NoError(t, err)
	raw, err := base58.Decode(v.ProofValue[1:])
	require.NoError(t, err)
	for _, s := range []string{
		"", "z", v.ProofValue[1:], "Z" + v.ProofValue[1:], v.ProofValue + "0",
		"z1" + v.ProofValue[1:], // a leading zero byte
		"z" + base58.Encode(append(raw, 0)),
		"z" + strings.Repeat("2", merkle2019.MaxProofValueLen),
	} {
		pv, err := merkle2019.ParseProofValue(s)
		assert.ErrorIs(t, err, merkle2019.ErrMalformedProofValue, "%.40q", s)
		assert.Nil(t, pv)
	}
}
