package keccak

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Keccak-256 known answers: the empty string (Ethereum's empty code hash)
// and a real Ethereum transaction hash, keccak256 of the signed RLP of
// mainnet tx 0xa12c498c… (shared/anchors/fixtures/blockcerts/derived/
// eth-tx-a12c498c.json, rebuilt from the Etherscan mock of
// @blockcerts/explorer-lookup@1.7.0).
func TestSum256(t *testing.T) {
	rlp, err := hex.DecodeString("f884028504a817c8008261a894deaddeaddeaddeaddeaddeaddeaddeaddeaddead80a0ec049a808a09f3e8e257401e0898aa3d32a733706fd7d16aacf0ba95f7b42c0c26a00e970a5df815a001360596410b304cfef763cba594b9a14e9804e8fb64ee8295a06e4f235ca308dee52160f0b90802dcde159e3b1ccca7d57330eff42d9783775b")
	require.NoError(t, err)
	for _, v := range []struct {
		in   []byte
		want string
	}{
		{nil, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
		{rlp, "a12c498c8fcf59ee2fe785c94c38be4797fb027e6450439a7ef30ad61d7616d3"},
	} {
		got := Sum256(v.in)
		assert.Equal(t, v.want, hex.EncodeToString(got[:]))
	}
}

// The same sponge with SHA3's padding must give SHA3-256; answers from
// Python 3 hashlib.sha3_256 (OpenSSL), at lengths around the 136-byte rate.
func TestSpongeAgainstSHA3(t *testing.T) {
	for _, v := range []struct {
		n    int
		want string
	}{
		{0, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"},
		{135, "8094bb53c44cfb1e67b7c30447f9a1c33696d2463ecc1d9c92538913392843c9"},
		{136, "3fc5559f14db8e453a0a3091edbd2bc25e11528d81c66fa570a4efdcc2695ee1"},
		{200, "cce34485baf2bf2aca99b94833892a4f52896d3d153f7b840cc4f9fe695f1387"},
		{1000, "8f3934e6f7a15698fe0f396b95d8c4440929a8fa6eae140171c068b4549fbf81"},
	} {
		got := sum([]byte(strings.Repeat("a", v.n)), 0x06)
		assert.Equal(t, v.want, hex.EncodeToString(got[:]), "SHA3-256 of %d bytes of 'a'", v.n)
	}
}
