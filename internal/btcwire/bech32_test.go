package btcwire

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bip173File is testdata/bip173/bip173-vectors.json (BIP 173's test
// vectors, see testdata/README.md).
type bip173File struct {
	Bech32Valid   []string `json:"bech32Valid"`
	Bech32Invalid []struct {
		String string `json:"string"`
		Hex    string `json:"hex"`
		Reason string `json:"reason"`
	} `json:"bech32Invalid"`
	SegwitValid []struct {
		Address      string `json:"address"`
		ScriptPubKey string `json:"scriptPubKey"`
		Expect       string `json:"expect"`
	} `json:"segwitValid"`
	SegwitInvalid []struct {
		Address string `json:"address"`
		Reason  string `json:"reason"`
	} `json:"segwitInvalid"`
}

func bip173Vectors(t testing.TB) bip173File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "bip173", "bip173-vectors.json"))
	require.NoError(t, err)
	var f bip173File
	require.NoError(t, json.Unmarshal(data, &f))
	require.NotEmpty(t, f.Bech32Valid)
	return f
}

func TestBech32Vectors(t *testing.T) {
	f := bip173Vectors(t)
	for _, s := range f.Bech32Valid {
		t.Run("valid/"+s, func(t *testing.T) {
			hrp, data, err := bech32Decode(s)
			require.NoError(t, err)
			back, err := bech32Encode(hrp, data)
			require.NoError(t, err)
			assert.Equal(t, strings.ToLower(s), back, "re-encoding gives the lowercase form")
			// Any single changed data character breaks the checksum.
			pos := strings.LastIndexByte(s, '1') + 1
			mut := []byte(strings.ToLower(s))
			mut[pos] = bech32Charset[(strings.IndexByte(bech32Charset, mut[pos])+1)%32]
			_, _, err = bech32Decode(string(mut))
			assert.ErrorIs(t, err, errInvalidBech32, "one changed character")
		})
	}
	for _, v := range f.Bech32Invalid {
		s := v.String
		if v.Hex != "" {
			s = string(mustHex(t, v.Hex))
		}
		t.Run("invalid/"+v.Reason, func(t *testing.T) {
			hrp, data, err := bech32Decode(s)
			assert.ErrorIs(t, err, errInvalidBech32, "%q: %s", s, v.Reason)
			assert.Empty(t, hrp)
			assert.Nil(t, data)
		})
	}
}

func TestSegwitVectors(t *testing.T) {
	f := bip173Vectors(t)
	for _, v := range f.SegwitValid {
		t.Run("valid/"+v.Address, func(t *testing.T) {
			hrp, version, prog, err := decodeSegwit(v.Address)
			switch {
			case v.Expect == "valid":
				require.NoError(t, err)
				script := append([]byte{0x00, byte(len(prog))}, prog...)
				assert.Equal(t, v.ScriptPubKey, hex.EncodeToString(script))
				assert.Zero(t, version)
				back, err := encodeSegwit(hrp, version, prog)
				require.NoError(t, err)
				assert.Equal(t, strings.ToLower(v.Address), back)
			case strings.HasPrefix(v.Expect, "invalid: witness version"):
				// Valid in BIP 173, refused since BIP 350 (bech32m).
				assert.ErrorIs(t, err, errUnsupportedWitnessVersion)
				assert.Nil(t, prog)
			default:
				t.Fatalf("unknown expect %q", v.Expect)
			}
		})
	}
	for _, v := range f.SegwitInvalid {
		t.Run("invalid/"+v.Reason, func(t *testing.T) {
			a, err := ParseAddress(v.Address)
			assert.Error(t, err, v.Reason)
			assert.Zero(t, a)
			if v.Reason == "Invalid human-readable part" {
				assert.ErrorIs(t, err, errInvalidAddress)
				return
			}
			_, _, prog, err := decodeSegwit(v.Address)
			assert.Error(t, err, v.Reason)
			assert.Nil(t, prog)
		})
	}
}

func TestParseAddress(t *testing.T) {
	// The P2WPKH vector of BIP 173 under each network's prefix.
	prog := mustHex(t, "751e76e8199196d454941c45d1b3a323f1433bd6")
	for _, c := range []struct {
		net  Network
		addr string
	}{
		{Mainnet, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"},
		{Testnet, "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"}, // BIP 173 example text
		{Regtest, ""},
	} {
		a, err := NewAddress(c.net, [20]byte(prog))
		require.NoError(t, err)
		if c.addr != "" {
			assert.Equal(t, c.addr, a.String())
		}
		assert.True(t, strings.HasPrefix(a.String(), c.net.HRP()+"1q"))
		back, err := ParseAddress(a.String())
		require.NoError(t, err)
		assert.Equal(t, a, back, "Parse(String()) round-trips")
		up, err := ParseAddress(strings.ToUpper(a.String()))
		require.NoError(t, err)
		assert.Equal(t, a, up, "uppercase form")
		assert.Equal(t, c.net, back.Network())
		assert.Equal(t, [20]byte(prog), back.PubKeyHash())
		assert.Equal(t, append([]byte{0, 0x14}, prog...), back.PkScript())
		h, ok := isP2WPKH(back.PkScript())
		assert.True(t, ok)
		assert.Equal(t, [20]byte(prog), h)
	}

	// P2WSH is a valid segwit address, but not P2WPKH.
	_, err := ParseAddress("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")
	assert.ErrorIs(t, err, errInvalidAddress)
	// Base58 addresses are not bech32.
	_, err = ParseAddress("1AwdUWQzJgfDDjeKtpPzMzYMHejFBrRZoo")
	assert.ErrorIs(t, err, errInvalidBech32)
	// Unknown networks and keys that are not compressed points.
	_, err = NewAddress(0, [20]byte{})
	assert.ErrorIs(t, err, errInvalidAddress)
	_, err = AddressFromPubKey(Regtest, append([]byte{0x04}, make([]byte, 64)...))
	assert.ErrorIs(t, err, errInvalidAddress)
	_, err = AddressFromPubKey(Regtest, append([]byte{0x02}, make([]byte, 32)...))
	assert.ErrorIs(t, err, errInvalidAddress, "x = 0 is not on the curve")
	assert.Empty(t, Address{}.String())
	assert.Equal(t, "unknown", Network(0).String())
}

func TestBech32EncodeErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		hrp  string
		data []byte
	}{
		{"empty hrp", "", nil},
		{"uppercase hrp", "BC", nil},
		{"space in hrp", "b c", nil},
		{"hrp too long", strings.Repeat("a", 84), nil},
		{"value above 31", "bc", []byte{32}},
		{"too long", "bc", make([]byte, 82)},
	} {
		_, err := bech32Encode(c.hrp, c.data)
		assert.ErrorIs(t, err, errInvalidBech32, c.name)
	}
	_, err := encodeSegwit("bc", 1, make([]byte, 32))
	assert.ErrorIs(t, err, errUnsupportedWitnessVersion)
	_, err = encodeSegwit("bc", 0, make([]byte, 21))
	assert.ErrorIs(t, err, errInvalidAddress)
	_, err = encodeSegwit("bc", 17, make([]byte, 20))
	assert.ErrorIs(t, err, errInvalidAddress)
}
