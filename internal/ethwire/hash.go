package ethwire

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"golang.org/x/crypto/sha3"
)

// Hash is a 32-byte Keccak-256 digest.
type Hash [32]byte

// String returns "0x" and 64 lowercase hex digits, as JSON-RPC writes
// hashes.
func (h Hash) String() string { return "0x" + hex.EncodeToString(h[:]) }

// ParseHash reads "0x" and 64 hex digits (either case).
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := parseHex(s, len(h))
	if err != nil {
		return Hash{}, fmt.Errorf("eth: hash %q: %w", s, err)
	}
	copy(h[:], b)
	return h, nil
}

// Keccak256 returns the Keccak-256 digest of the concatenated inputs (the
// original Keccak padding Ethereum uses, not FIPS 202 SHA3-256).
func Keccak256(data ...[]byte) Hash {
	d := sha3.NewLegacyKeccak256()
	for _, b := range data {
		d.Write(b)
	}
	var h Hash
	d.Sum(h[:0])
	return h
}

// Address is a 20-byte account address.
type Address [20]byte

// String returns the EIP-55 mixed-case checksummed form, "0x" and 40 hex
// digits.
func (a Address) String() string {
	lower := hex.EncodeToString(a[:])
	sum := Keccak256([]byte(lower))
	out := []byte("0x" + lower)
	for i := 0; i < 40; i++ {
		c := lower[i]
		nib := sum[i/2] >> (4 * (1 - uint(i%2))) & 0xf
		if c >= 'a' && nib >= 8 {
			out[2+i] = c - 'a' + 'A'
		}
	}
	return string(out)
}

// ParseAddress reads "0x" and 40 hex digits. All-lowercase and
// all-uppercase digits are accepted; mixed case must be the EIP-55
// checksum. Errors wrap errInvalidAddress.
func ParseAddress(s string) (Address, error) {
	var a Address
	b, err := parseHex(s, len(a))
	if err != nil {
		return Address{}, fmt.Errorf("%w %q: %w", errInvalidAddress, s, err)
	}
	copy(a[:], b)
	digits := s[2:]
	if digits != strings.ToLower(digits) && digits != strings.ToUpper(digits) && a.String()[2:] != digits {
		return Address{}, fmt.Errorf("%w %q: wrong EIP-55 checksum", errInvalidAddress, s)
	}
	return a, nil
}

// PubkeyAddress returns the address of a secp256k1 public key: the last 20
// bytes of the Keccak-256 of its uncompressed X‖Y coordinates.
func PubkeyAddress(pub *secp256k1.PublicKey) Address {
	var a Address
	if pub == nil {
		return a
	}
	h := Keccak256(pub.SerializeUncompressed()[1:])
	copy(a[:], h[12:])
	return a
}

func parseHex(s string, size int) ([]byte, error) {
	if len(s) != 2+2*size || (s[:2] != "0x" && s[:2] != "0X") {
		return nil, fmt.Errorf("want 0x and %d hex digits", 2*size)
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return nil, fmt.Errorf("not hex")
	}
	return b, nil
}
