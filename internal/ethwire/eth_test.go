package ethwire

import (
	"bytes"
	"errors"
	"math/big"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real mainnet Blockcerts anchor 0xa12c498c… (block 5715803): hash,
// EIP-155 signing hash and sender as the fixture records them.
func TestLegacyBlockcertsAnchor(t *testing.T) {
	f := legacyBlockcerts(t)
	raw := mustHex(t, f.RawTx)
	tx, err := ParseTx(raw)
	require.NoError(t, err)

	back, err := tx.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, raw, back, "a parsed transaction must serialize back byte for byte")

	h, err := tx.Hash()
	require.NoError(t, err)
	assert.Equal(t, f.TxHash, h.String())
	assert.Equal(t, f.Explorer.Hash, h.String())

	assert.Equal(t, LegacyTxType, tx.Type)
	assert.Equal(t, f.ChainID, tx.ChainID)
	assert.True(t, tx.Protected())
	assert.Equal(t, uint64(0x26), tx.V)
	assert.Equal(t, uint64(2), tx.Nonce)
	require.NotNil(t, tx.To)
	assert.Equal(t, f.Explorer.To, strings_ToLower(tx.To.String()))
	assert.Equal(t, 0, tx.Value.Sign())
	assert.True(t, tx.FindRoot(mustHex(t, f.Root)), "input data is the Merkle root")

	// The EIP-155 signing payload, byte for byte, and its hash.
	payload := tx.appendFields(nil)
	payload = appendRLPUint(payload, tx.ChainID)
	payload = append(payload, 0x80, 0x80)
	assert.Equal(t, mustHex(t, f.SigningPayload), tx.wrap(payload))
	sh, err := tx.SigningHash()
	require.NoError(t, err)
	assert.Equal(t, "0x"+f.SigHash, sh.String())

	from, err := tx.Sender()
	require.NoError(t, err)
	assert.Equal(t, f.From, strings_ToLower(from.String()))
	assert.Equal(t, f.Explorer.From, strings_ToLower(from.String()))

	pub, err := secp256k1.ParsePubKey(mustHex(t, f.Pubkey))
	require.NoError(t, err)
	assert.Equal(t, from, PubkeyAddress(pub))
}

func strings_ToLower(s string) string { return string(bytes.ToLower([]byte(s))) }

// Two EIP-1559 vectors of ethereumjs (see testdata/README.md).
func TestEIP1559Vectors(t *testing.T) {
	var f eip1559File
	readJSON(t, "eip1559-vectors.json", &f)
	require.Len(t, f.Vectors, 2)
	for _, v := range f.Vectors {
		raw := mustHex(t, v.Raw)
		tx, err := ParseTx(raw)
		require.NoError(t, err)
		back, err := tx.MarshalBinary()
		require.NoError(t, err)
		assert.Equal(t, raw, back)
		assert.Equal(t, dynamicFeeTxType, tx.Type)
		assert.Equal(t, uint64(0x1e8e), tx.ChainID)
		assert.Equal(t, v.Source.Nonce, tx.Nonce)
		assert.Equal(t, v.Source.GasLimit, tx.Gas)
		assert.Equal(t, big.NewInt(v.Source.Value), tx.Value)
		assert.Equal(t, big.NewInt(v.Source.Tip), tx.GasTipCap)
		assert.Equal(t, big.NewInt(v.Source.FeeCap), tx.GasFeeCap)
		assert.Equal(t, v.Source.To, tx.To.String()[:2]+strings_ToLower(tx.To.String()[2:]))
		assert.Equal(t, new(big.Int).SetBytes(mustHex(t, v.Fields.R)), tx.R)
		assert.Equal(t, new(big.Int).SetBytes(mustHex(t, v.Fields.S)), tx.S)

		// The unsigned payload: type ‖ rlp(first 9 fields).
		assert.Equal(t, mustHex(t, v.Unsigned), tx.wrap(tx.appendFields(nil)))
		sh, err := tx.SigningHash()
		require.NoError(t, err)
		assert.Equal(t, "0x"+v.SigHash, sh.String())
		h, err := tx.Hash()
		require.NoError(t, err)
		assert.Equal(t, v.TxHash, h.String())
		from, err := tx.Sender()
		require.NoError(t, err)
		assert.Equal(t, v.From, strings_ToLower(from.String()))

		// The vector's private key gives the same address, and re-signing
		// (RFC 6979) recovers it too.
		key := secp256k1.PrivKeyFromBytes(mustHex(t, v.Source.PrivateKey))
		assert.Equal(t, from, PubkeyAddress(key.PubKey()))
		re := *tx
		require.NoError(t, re.Sign(key))
		from2, err := re.Sender()
		require.NoError(t, err)
		assert.Equal(t, from, from2)

		// Upstream wraps the typed transaction in an RLP string; that is
		// not a raw transaction.
		_, err = ParseTx(mustHex(t, v.Source.Wrapped))
		assert.ErrorIs(t, err, ErrMalformedTx)
	}
}

func TestRLPCanonical(t *testing.T) {
	good := []string{
		"80", "00", "7f", "8180", "81ff", "c0", "c3010203", "c4c3010203",
		"b838" + hexRepeat("61", 56), "f838" + hexRepeat("01", 56),
		"820400",
	}
	for _, g := range good {
		b := mustHex(t, g)
		it, err := decodeRLP(b)
		require.NoError(t, err, g)
		assert.Equal(t, b, it.Encode(), "re-encoding %s", g)
		assert.Equal(t, b, it.Raw)
	}
	bad := map[string]string{
		"":                             "empty input",
		"8100":                         "single byte below 0x80 wrapped",
		"817f":                         "single byte below 0x80 wrapped",
		"b801" + "61":                  "long form for a short string",
		"b837" + hexRepeat("61", 55):   "long form for 55 bytes",
		"b90038" + hexRepeat("61", 56): "length with a leading zero",
		"f800":                         "long list form for an empty list",
		"f90001" + "00":                "long list length with a leading zero",
		"8201":                         "string overruns the input",
		"c201":                         "list overruns the input",
		"c2018180":                     "item overruns its list payload",
		"c1" + "8100":                  "non-canonical item inside a list",
		"8001":                         "trailing byte",
		"c0c0":                         "two items",
		"bf0000000000000001":           "8-byte length",
		"c38180":                       "list whose item overruns it",
	}
	for in, why := range bad {
		_, err := decodeRLP(mustHex(t, in))
		assert.ErrorIs(t, err, errMalformedRLP, "%s must be refused: %s", in, why)
	}
	// Depth.
	deep := []byte{0xc0}
	for i := 0; i < maxRLPDepth; i++ {
		deep = appendRLPList(nil, deep)
	}
	_, err := decodeRLP(deep)
	assert.ErrorIs(t, err, errMalformedRLP, "nesting beyond MaxRLPDepth")

	// Integers.
	for in, want := range map[string]uint64{"80": 0, "01": 1, "7f": 127, "8180": 128, "820100": 256, "88ffffffffffffffff": 1<<64 - 1} {
		it, err := decodeRLP(mustHex(t, in))
		require.NoError(t, err)
		got, err := it.Uint64()
		require.NoError(t, err)
		assert.Equal(t, want, got, in)
		assert.Equal(t, mustHex(t, in), appendRLPUint(nil, want))
	}
	for _, in := range []string{"820001", "8900ffffffffffffffff", "89010000000000000000", "c0"} {
		it, err := decodeRLP(mustHex(t, in))
		require.NoError(t, err)
		_, err = it.Uint64()
		assert.ErrorIs(t, err, errMalformedRLP, "integer %s", in)
	}
}

func hexRepeat(s string, n int) string { return string(bytes.Repeat([]byte(s), n)) }

func testKey(t testing.TB) *secp256k1.PrivateKey {
	return secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x42}, 32))
}

var testRoot = mustHexNoT("ec049a808a09f3e8e257401e0898aa3d32a733706fd7d16aacf0ba95f7b42c0c")

func mustHexNoT(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		b[i] = unhex(s[2*i])<<4 | unhex(s[2*i+1])
	}
	return b
}

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

func TestAnchorTxRoundTrip(t *testing.T) {
	key := testKey(t)
	me := PubkeyAddress(key.PubKey())
	burn, err := ParseAddress("0xdeaddeaddeaddeaddeaddeaddeaddeaddeaddead")
	require.NoError(t, err)
	cases := map[string]AnchorParams{
		"eip1559-self":  {ChainID: 1, Nonce: 7, MaxPriorityFeePerGas: big.NewInt(1e9), MaxFeePerGas: big.NewInt(30e9)},
		"eip1559-burn":  {ChainID: 11155111, MaxPriorityFeePerGas: big.NewInt(0), MaxFeePerGas: big.NewInt(1), To: &burn},
		"legacy155-dev": {ChainID: 1337, Legacy: true, GasPrice: big.NewInt(20e9), GasLimit: 25000},
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			tx, err := NewAnchorTx(key, testRoot, p)
			require.NoError(t, err)
			raw, err := tx.MarshalBinary()
			require.NoError(t, err)
			parsed, err := ParseTx(raw)
			require.NoError(t, err)
			assert.Equal(t, tx, parsed, "parsing gives back the built fields")
			from, err := parsed.Sender()
			require.NoError(t, err)
			assert.Equal(t, me, from, "sender is our address")
			assert.True(t, parsed.FindRoot(testRoot))
			assert.Equal(t, 0, parsed.Value.Sign())
			assert.True(t, parsed.S.Cmp(curveHalfN) <= 0, "low s")
			if p.To == nil {
				assert.Equal(t, me, *parsed.To)
			} else {
				assert.Equal(t, *p.To, *parsed.To)
			}
			if p.GasLimit == 0 {
				assert.Equal(t, uint64(22280), parsed.Gas, "EIP-7623 floor for 32 non-zero bytes")
			}
			h, err := parsed.Hash()
			require.NoError(t, err)
			assert.Equal(t, Keccak256(raw), h)

			// Every single-byte flip either fails to parse, changes the
			// hash and does not recover our address, or fails recovery.
			for i := range raw {
				mut := bytes.Clone(raw)
				mut[i] ^= 0x01
				mtx, err := ParseTx(mut)
				if err != nil {
					continue
				}
				mh, err := mtx.Hash()
				require.NoError(t, err)
				assert.NotEqual(t, h, mh)
				if from, err := mtx.Sender(); err == nil {
					assert.NotEqual(t, me, from, "flip at byte %d still recovers the sender", i)
				}
			}

			// Wrong chain id: the signature no longer recovers our
			// address (or v is inconsistent).
			wrong := *parsed
			wrong.ChainID++
			if from, err := wrong.Sender(); err == nil {
				assert.NotEqual(t, me, from)
			} else {
				assert.ErrorIs(t, err, errInvalidSignature)
			}

			// High s (the malleated twin n − s, parity flipped) is refused.
			high := *parsed
			high.S = new(big.Int).Sub(curveN, parsed.S)
			if high.Type == LegacyTxType {
				high.V ^= 1
			} else {
				high.V ^= 1
			}
			_, err = high.Sender()
			assert.ErrorIs(t, err, errInvalidSignature)
			hraw, err := high.MarshalBinary()
			require.NoError(t, err)
			htx, err := ParseTx(hraw)
			require.NoError(t, err, "high s parses; Sender refuses it")
			_, err = htx.Sender()
			assert.ErrorIs(t, err, errInvalidSignature)

			// r = 0, s = 0.
			zero := *parsed
			zero.R = new(big.Int)
			_, err = zero.Sender()
			assert.ErrorIs(t, err, errInvalidSignature)
		})
	}
}

func TestAnchorParamsRejected(t *testing.T) {
	key := testKey(t)
	ok := AnchorParams{ChainID: 1, MaxPriorityFeePerGas: big.NewInt(1), MaxFeePerGas: big.NewInt(2)}
	_, err := NewAnchorTx(key, testRoot, ok)
	require.NoError(t, err)
	for name, p := range map[string]AnchorParams{
		"no chain id":       {MaxPriorityFeePerGas: big.NewInt(1), MaxFeePerGas: big.NewInt(2)},
		"tip above fee cap": {ChainID: 1, MaxPriorityFeePerGas: big.NewInt(3), MaxFeePerGas: big.NewInt(2)},
		"no fee cap":        {ChainID: 1},
		"legacy no price":   {ChainID: 1, Legacy: true},
		"negative price":    {ChainID: 1, Legacy: true, GasPrice: big.NewInt(-1)},
	} {
		_, err := NewAnchorTx(key, testRoot, p)
		assert.ErrorIs(t, err, ErrInvalidParams, name)
	}
	_, err = NewAnchorTx(key, testRoot[:31], ok)
	assert.ErrorIs(t, err, ErrInvalidParams, "31-byte root")
	_, err = NewAnchorTx(nil, testRoot, ok)
	assert.ErrorIs(t, err, ErrInvalidParams, "nil key")
}

func TestParseTxRejects(t *testing.T) {
	f := legacyBlockcerts(t)
	raw := mustHex(t, f.RawTx)
	tx, err := ParseTx(raw)
	require.NoError(t, err)

	reencode := func(mod func(items [][]byte) [][]byte) []byte {
		it, err := decodeRLP(raw)
		require.NoError(t, err)
		var items [][]byte
		for _, c := range it.Items {
			items = append(items, c.Raw)
		}
		return appendRLPList(nil, bytes.Join(mod(items), nil))
	}
	cases := map[string]struct {
		raw  []byte
		want error
	}{
		"trailing byte":     {append(bytes.Clone(raw), 0), ErrMalformedTx},
		"truncated":         {raw[:len(raw)-1], ErrMalformedTx},
		"unknown type 0x05": {append([]byte{5}, raw...), errUnsupportedTxType},
		"blob type 0x03":    {append([]byte{3}, raw...), errUnsupportedTxType},
		"8 fields":          {reencode(func(i [][]byte) [][]byte { return i[:8] }), ErrMalformedTx},
		"10 fields":         {reencode(func(i [][]byte) [][]byte { return append(i, []byte{0x80}) }), ErrMalformedTx},
		"nonce leading 0":   {reencode(func(i [][]byte) [][]byte { i[0] = []byte{0x82, 0, 2}; return i }), ErrMalformedTx},
		"to of 19 bytes":    {reencode(func(i [][]byte) [][]byte { i[3] = appendRLPString(nil, make([]byte, 19)); return i }), ErrMalformedTx},
		"v = 29":            {reencode(func(i [][]byte) [][]byte { i[6] = []byte{29}; return i }), errInvalidSignature},
		"v = 35 (chain 0)":  {reencode(func(i [][]byte) [][]byte { i[6] = []byte{35}; return i }), errInvalidSignature},
		"r of 33 bytes":     {reencode(func(i [][]byte) [][]byte { i[7] = appendRLPString(nil, bytes.Repeat([]byte{1}, 33)); return i }), ErrMalformedTx},
		"data is a list":    {reencode(func(i [][]byte) [][]byte { i[5] = []byte{0xc0}; return i }), ErrMalformedTx},
		"wrapped in string": {appendRLPString(nil, raw), ErrMalformedTx},
		"empty":             {nil, ErrMalformedTx},
		"oversize":          {make([]byte, maxTxBytes+1), ErrMalformedTx},
	}
	for name, c := range cases {
		got, err := ParseTx(c.raw)
		assert.ErrorIs(t, err, c.want, name)
		assert.Nil(t, got, name)
	}

	// Typed: yParity 2, and a legacy v consistent with another chain.
	var f2 eip1559File
	readJSON(t, "eip1559-vectors.json", &f2)
	typed := mustHex(t, f2.Vectors[1].Raw)
	it, err := decodeRLP(typed[1:])
	require.NoError(t, err)
	var items [][]byte
	for _, c := range it.Items {
		items = append(items, c.Raw)
	}
	items[9] = []byte{2}
	_, err = ParseTx(append([]byte{2}, appendRLPList(nil, bytes.Join(items, nil))...))
	assert.ErrorIs(t, err, errInvalidSignature, "yParity 2")

	other := *tx
	other.ChainID = 5 // v = 0x26 encodes chain 1
	_, err = other.Sender()
	assert.ErrorIs(t, err, errInvalidSignature)
	assert.True(t, errors.Is(err, errInvalidSignature))
}

func TestAddress(t *testing.T) {
	// EIP-55's own examples.
	for _, s := range []string{
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	} {
		a, err := ParseAddress(s)
		require.NoError(t, err)
		assert.Equal(t, s, a.String())
		_, err = ParseAddress(strings_ToLower(s))
		assert.NoError(t, err)
	}
	_, err := ParseAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
	assert.ErrorIs(t, err, errInvalidAddress, "wrong checksum")
	_, err = ParseAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae")
	assert.ErrorIs(t, err, errInvalidAddress, "39 digits")
}

// EIP-2930 (type 1) with an access list: sign, encode, parse back, same
// fields, same sender; a corrupted storage key changes the sender.
func TestAccessListTxRoundTrip(t *testing.T) {
	key := testKey(t)
	to := Address{0xaa}
	tx := &Tx{Type: accessListTxType, ChainID: 5, Nonce: 1, GasPrice: big.NewInt(3e9), Gas: 50000, To: &to,
		Value: big.NewInt(0), Data: testRoot,
		AccessList: []AccessTuple{{Address: Address{1}, StorageKeys: []Hash{{2}, {3}}}, {Address: Address{4}}}}
	require.NoError(t, tx.Sign(key))
	raw, err := tx.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, byte(1), raw[0])
	parsed, err := ParseTx(raw)
	require.NoError(t, err)
	assert.Equal(t, tx, parsed)
	from, err := parsed.Sender()
	require.NoError(t, err)
	assert.Equal(t, PubkeyAddress(key.PubKey()), from)

	mut := *parsed
	mut.AccessList = []AccessTuple{{Address: Address{1}, StorageKeys: []Hash{{2}, {4}}}, {Address: Address{4}}}
	if got, err := mut.Sender(); err == nil {
		assert.NotEqual(t, from, got)
	}
	// A storage key of 31 bytes does not parse.
	bad := bytes.Replace(raw, append([]byte{0xa0, 2}, make([]byte, 31)...), append([]byte{0x9f, 2}, make([]byte, 30)...), 1)
	require.NotEqual(t, raw, bad)
	_, err = ParseTx(bad)
	assert.Error(t, err)
}
