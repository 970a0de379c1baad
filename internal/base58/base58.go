// Package base58 encodes and decodes base58 with the Bitcoin alphabet (the
// "base58btc" of multibase), quickly: proof values are encoded on every
// signature and decoded on every verification.
//
// Numbers are converted five digits at a time (58^5 < 2^32) over 32-bit
// limbs, with divisions by constants the compiler turns into
// multiplications.
package base58

import (
	"errors"
	"fmt"
)

const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// pow5 is 58^5, the largest power of 58 below 2^32.
const pow5 = 58 * 58 * 58 * 58 * 58

// ErrInvalid is wrapped by errors from Decode.
var ErrInvalid = errors.New("base58: invalid input")

var digitValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// Encode returns the base58 encoding of b: one '1' per leading zero byte,
// then the rest of b as a big-endian number in base 58.
func Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	rest := b[zeros:]
	// rest as big-endian 32-bit limbs, most significant first.
	var small [32]uint32
	n := (len(rest) + 3) / 4
	var words []uint32
	if n <= len(small) {
		words = small[:n]
	} else {
		words = make([]uint32, n)
	}
	pad := n*4 - len(rest)
	for i, c := range rest {
		k := pad + i
		words[k/4] |= uint32(c) << (8 * (3 - k%4))
	}
	// Divide by 58^5 until nothing is left, collecting digits least
	// significant first.
	var sbuf [96]byte
	digits := sbuf[:0]
	if max := len(rest)*138/100 + 6; max > len(sbuf) {
		digits = make([]byte, 0, max)
	}
	for start := 0; start < n; {
		var rem uint64
		for i := start; i < n; i++ {
			cur := rem<<32 | uint64(words[i])
			words[i] = uint32(cur / pow5)
			rem = cur % pow5
		}
		for start < n && words[start] == 0 {
			start++
		}
		for range 5 {
			digits = append(digits, alphabet[rem%58])
			rem /= 58
		}
	}
	for len(digits) > 0 && digits[len(digits)-1] == '1' {
		digits = digits[:len(digits)-1] // zero digits above the number
	}
	var obuf [96]byte
	out := obuf[:0]
	if zeros+len(digits) > len(obuf) {
		out = make([]byte, 0, zeros+len(digits))
	}
	out = out[:zeros+len(digits)]
	for i := range zeros {
		out[i] = '1'
	}
	for i, d := range digits {
		out[len(out)-1-i] = d
	}
	return string(out)
}

// Decode returns the bytes s encodes. Every character must be in the
// alphabet; the error names the first one that is not.
func Decode(s string) ([]byte, error) {
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	rest := s[zeros:]
	// The number needs at most len(rest) * log(58)/log(256) bytes.
	n := (len(rest)*733/1000 + 1 + 3) / 4
	var small [32]uint32
	var words []uint32 // little-endian limbs: words[0] least significant
	if n <= len(small) {
		words = small[:n]
	} else {
		words = make([]uint32, n)
	}
	used := 0 // limbs holding non-zero values so far
	for i := 0; i < len(rest); {
		// Up to five digits at a time: acc < 58^5 and mul = 58^k.
		var acc, mul uint64 = 0, 1
		for k := 0; k < 5 && i < len(rest); k, i = k+1, i+1 {
			v := digitValue[rest[i]]
			if v < 0 {
				return nil, fmt.Errorf("%w: character %q at offset %d", ErrInvalid, rest[i], zeros+i)
			}
			acc = acc*58 + uint64(v)
			mul *= 58
		}
		carry := acc
		for j := 0; j < used; j++ {
			cur := uint64(words[j])*mul + carry
			words[j] = uint32(cur)
			carry = cur >> 32
		}
		if carry != 0 {
			words[used] = uint32(carry)
			used++
		}
	}
	size := used * 4
	for size > 0 && byte(words[(size-1)/4]>>(8*((size-1)%4))) == 0 {
		size--
	}
	out := make([]byte, zeros+size)
	for k := 0; k < size; k++ {
		out[len(out)-1-k] = byte(words[k/4] >> (8 * (k % 4)))
	}
	return out, nil
}
