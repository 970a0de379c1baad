package ripemd160

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Test vectors from the RIPEMD-160 page of the designers
// (https://homes.esat.kuleuven.be/~bosselae/ripemd160.html).
func TestSum(t *testing.T) {
	for _, v := range []struct{ in, want string }{
		{"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
		{"a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"},
		{"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
		{"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"},
		{"abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "12a053384a9c0c88e405a06c27dcf49ada62eb2b"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "b0e20b6e3116640286ed3a87a5713079b21f5189"},
		{strings.Repeat("1234567890", 8), "9b752e45573d4b39f4dbd3323cab82bf63326bfb"},
	} {
		got := Sum([]byte(v.in))
		assert.Equal(t, v.want, hex.EncodeToString(got[:]), "RIPEMD-160(%q)", v.in)
	}
}

func TestSumMillionA(t *testing.T) {
	got := Sum([]byte(strings.Repeat("a", 1_000_000)))
	assert.Equal(t, "52783243c1697bdbe16d37f97f68f08325dc1528", hex.EncodeToString(got[:]))
}
