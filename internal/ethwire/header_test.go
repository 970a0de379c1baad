package ethwire

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mainnetGenesis is the Ethereum mainnet genesis header from its
// well-known fields (genesis.json of the Frontier release; the block hash
// d4e56740… is the one every client and explorer shows for block 0).
func mainnetGenesis(t testing.TB) *Header {
	h := &Header{
		Difficulty: big.NewInt(0x400000000),
		GasLimit:   5000,
		Extra:      mustHex(t, "11bbe8db4e347b4e8c937c1c8370e4b5ed33adb3db69cbdb7a38e1e50b1b82fa"),
	}
	copy(h.UncleHash[:], mustHex(t, "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"))
	copy(h.StateRoot[:], mustHex(t, "d7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"))
	copy(h.TxRoot[:], mustHex(t, "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"))
	h.ReceiptRoot = h.TxRoot
	h.Nonce[7] = 0x42
	return h
}

func TestHeaderMainnetGenesis(t *testing.T) {
	g := mainnetGenesis(t)
	raw, err := g.MarshalBinary()
	require.NoError(t, err)
	h, err := g.Hash()
	require.NoError(t, err)
	assert.Equal(t, "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3", h.String())

	parsed, err := ParseHeader(raw)
	require.NoError(t, err)
	assert.Equal(t, g, parsed)
	back, err := parsed.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, raw, back)
}

// Every fork layout round-trips; other field counts and malformed fields
// are refused.
func TestHeaderLayouts(t *testing.T) {
	w, beacon, req := Hash{1}, Hash{2}, Hash{3}
	used, excess := uint64(131072), uint64(0)
	layouts := map[int]func(h *Header){
		15: func(h *Header) {},
		16: func(h *Header) { h.BaseFee = big.NewInt(7) },
		17: func(h *Header) { h.BaseFee = big.NewInt(7); h.WithdrawalsRoot = &w },
		20: func(h *Header) {
			h.BaseFee, h.WithdrawalsRoot = big.NewInt(7), &w
			h.BlobGasUsed, h.ExcessBlobGas, h.ParentBeaconRoot = &used, &excess, &beacon
		},
		21: func(h *Header) {
			h.BaseFee, h.WithdrawalsRoot = big.NewInt(7), &w
			h.BlobGasUsed, h.ExcessBlobGas, h.ParentBeaconRoot = &used, &excess, &beacon
			h.RequestsHash = &req
		},
	}
	for n, set := range layouts {
		h := mainnetGenesis(t)
		h.Number = 22_000_000
		set(h)
		raw, err := h.MarshalBinary()
		require.NoError(t, err)
		it, err := decodeRLP(raw)
		require.NoError(t, err)
		assert.Len(t, it.Items, n)
		parsed, err := ParseHeader(raw)
		require.NoError(t, err, "%d fields", n)
		assert.Equal(t, h, parsed)

		// One field more or less is no layout (except where that is
		// another fork's layout).
		for _, m := range []int{n - 1, n + 1} {
			if _, ok := layouts[m]; ok {
				continue
			}
			var p []byte
			for i := 0; i < m && i < len(it.Items); i++ {
				p = append(p, it.Items[i].Raw...)
			}
			for i := len(it.Items); i < m; i++ {
				p = append(p, 0x80)
			}
			_, err := ParseHeader(appendRLPList(nil, p))
			assert.ErrorIs(t, err, errMalformedHeader, "%d fields", m)
		}
	}
	// Fork fields out of order cannot be encoded.
	h := mainnetGenesis(t)
	h.WithdrawalsRoot = &w
	_, err := h.MarshalBinary()
	assert.ErrorIs(t, err, errMalformedHeader)
	h = mainnetGenesis(t)
	h.BaseFee, h.WithdrawalsRoot, h.BlobGasUsed = big.NewInt(1), &w, &used
	_, err = h.MarshalBinary()
	assert.ErrorIs(t, err, errMalformedHeader, "Cancun fields partly set")

	// A 31-byte parent hash.
	g := mainnetGenesis(t)
	raw, err := g.MarshalBinary()
	require.NoError(t, err)
	it, err := decodeRLP(raw)
	require.NoError(t, err)
	p := appendRLPString(nil, make([]byte, 31))
	for _, c := range it.Items[1:] {
		p = append(p, c.Raw...)
	}
	_, err = ParseHeader(appendRLPList(nil, p))
	assert.ErrorIs(t, err, errMalformedHeader)
	_, err = ParseHeader(append(raw, 0))
	assert.ErrorIs(t, err, errMalformedHeader, "trailing byte")
}

func TestVerifyChain(t *testing.T) {
	var chain []*Header
	prev := mainnetGenesis(t)
	chain = append(chain, prev)
	for i := 1; i < 5; i++ {
		h := mainnetGenesis(t)
		h.Number = uint64(i)
		h.Time = uint64(i * 15)
		ph, err := prev.Hash()
		require.NoError(t, err)
		h.ParentHash = ph
		chain = append(chain, h)
		prev = h
	}
	require.NoError(t, VerifyChain(chain))
	assert.ErrorIs(t, VerifyChain(nil), ErrBrokenChain)
	swapped := []*Header{chain[0], chain[2], chain[1]}
	assert.ErrorIs(t, VerifyChain(swapped), ErrBrokenChain)
	gap := []*Header{chain[0], chain[1], chain[3]}
	assert.ErrorIs(t, VerifyChain(gap), ErrBrokenChain)
	wrongNum := *chain[2]
	wrongNum.Number = 9
	assert.ErrorIs(t, VerifyChain([]*Header{chain[0], chain[1], &wrongNum}), ErrBrokenChain)
	assert.ErrorIs(t, VerifyChain([]*Header{chain[0], nil}), ErrBrokenChain)
}
