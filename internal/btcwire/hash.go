package btcwire

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Hash is a double-SHA-256 value (txid, block hash, merkle node) in
// internal byte order: the order the bytes are hashed and serialized in.
// Explorers and RPC display it byte-reversed; [Hash.String] does the same.
type Hash [32]byte

// String returns the display form: lowercase hex of the reversed bytes.
func (h Hash) String() string {
	var r [32]byte
	for i := range h {
		r[31-i] = h[i]
	}
	return hex.EncodeToString(r[:])
}

// ParseHash reads a hash in display (byte-reversed) hex, as
// [Hash.String] writes it. Exactly 64 hex digits are required.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 {
		return Hash{}, fmt.Errorf("btc: hash %q is not 64 hex digits", s)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return Hash{}, fmt.Errorf("btc: hash %q is not hex", s)
	}
	for i := range b {
		h[31-i] = b[i]
	}
	return h, nil
}

// DoubleSHA256 returns SHA-256(SHA-256(b)), the hash Bitcoin uses for
// txids, block hashes and merkle nodes.
func DoubleSHA256(b []byte) Hash {
	first := sha256.Sum256(b)
	return sha256.Sum256(first[:])
}

// hashPair returns SHA256d(l || r) without allocating.
func hashPair(l, r *Hash) Hash {
	var buf [64]byte
	copy(buf[:32], l[:])
	copy(buf[32:], r[:])
	return DoubleSHA256(buf[:])
}
