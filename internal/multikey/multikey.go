// Package multikey encodes and decodes public and secret keys as Multikey
// values: multibase base58btc ('z') of a multicodec varint prefix and the
// raw key (https://www.w3.org/TR/cid-1.0/#Multikey, and the did:key method).
//
// Public keys: Ed25519 (ed25519-pub 0xed), P-256 (p256-pub 0x1200, 33-byte
// compressed point), P-384 (p384-pub 0x1201, 49-byte compressed point) and
// secp256k1 (secp256k1-pub 0xe7, 33-byte compressed point). Secret keys:
// ed25519-priv 0x1300 (the 32-byte seed), p256-priv 0x1306, p384-priv 0x1307
// and secp256k1-priv 0x1301 (the big-endian private scalar).
//
// # Security considerations
//
// Decoding is strict: only base58btc, minimal varints, exact key lengths,
// points on their curves. Ed25519 public keys must moreover be canonically
// encoded and not of small order ([CheckEd25519]): Go's crypto/ed25519
// accepts the identity point as a key, and a constant signature then
// verifies for every message. Errors about secret keys never include key
// bytes.
//
// # Offline use
//
// Pure functions.
//
// # Compatibility
//
// Codes from the multicodec table; the encodings match did:key identifiers
// and Multikey verification methods produced by Digital Bazaar's libraries.
package multikey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred/internal/base58"
)

// Codec is a multicodec code.
type Codec uint64

// Multicodec codes for keys.
const (
	Ed25519Pub    Codec = 0xed
	Secp256k1Pub  Codec = 0xe7
	P256Pub       Codec = 0x1200
	P384Pub       Codec = 0x1201
	Ed25519Priv   Codec = 0x1300
	Secp256k1Priv Codec = 0x1301
	P256Priv      Codec = 0x1306
	P384Priv      Codec = 0x1307
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

const maxEncodedLen = 256

// decode splits a 'z' multibase string into codec and payload.
func decode(s string) (Codec, []byte, error) {
	if len(s) < 2 || s[0] != 'z' {
		return 0, nil, invalid("not base58btc multibase (must start with 'z')")
	}
	// The largest key here (an uncompressed P-384 point and its codec)
	// is 99 bytes, 136 digits; refuse far longer strings before the
	// (quadratic) decoding.
	if len(s) > maxEncodedLen {
		return 0, nil, invalid("%d characters, too long for a key", len(s))
	}
	b, err := base58.Decode(s[1:])
	if err != nil {
		return 0, nil, invalid("bad base58btc: %v", err)
	}
	code, n := binary.Uvarint(b)
	if n <= 0 || n > 3 {
		return 0, nil, invalid("bad multicodec varint")
	}
	// Minimal encoding: the varint must not end in a zero continuation.
	if n > 1 && b[n-1] == 0 {
		return 0, nil, invalid("non-minimal multicodec varint")
	}
	return Codec(code), b[n:], nil
}

func encode(c Codec, key []byte) string {
	buf := binary.AppendUvarint(nil, uint64(c))
	return "z" + base58.Encode(append(buf, key...))
}

// DecodePublic decodes a Multikey public key into ed25519.PublicKey,
// *ecdsa.PublicKey (P-256, P-384) or *secp256k1.PublicKey.
func DecodePublic(s string) (crypto.PublicKey, error) {
	c, b, err := decode(s)
	if err != nil {
		return nil, err
	}
	return PublicFromBytes(c, b)
}

// PublicFromBytes decodes the raw key bytes for codec c.
func PublicFromBytes(c Codec, b []byte) (crypto.PublicKey, error) {
	switch c {
	case Ed25519Pub:
		if err := CheckEd25519(b); err != nil {
			return nil, err
		}
		return ed25519.PublicKey(append([]byte(nil), b...)), nil
	case P256Pub:
		return ecPublic(elliptic.P256(), b, 33)
	case P384Pub:
		return ecPublic(elliptic.P384(), b, 49)
	case Secp256k1Pub:
		if len(b) != 33 {
			return nil, invalid("secp256k1 public key is %d bytes, want 33 (compressed)", len(b))
		}
		pk, err := secp256k1.ParsePubKey(b)
		if err != nil {
			return nil, invalid("secp256k1 public key is not a curve point")
		}
		return pk, nil
	}
	return nil, invalid("unsupported public key codec 0x%x", uint64(c))
}

func ecPublic(curve elliptic.Curve, b []byte, size int) (crypto.PublicKey, error) {
	name := curve.Params().Name
	if len(b) != size || (b[0] != 2 && b[0] != 3) {
		return nil, invalid("%s public key must be a %d-byte compressed point", name, size)
	}
	x, y := elliptic.UnmarshalCompressed(curve, b)
	if x == nil {
		return nil, invalid("%s public key is not a curve point", name)
	}
	return &ecdsa.PublicKey{Curve: curve, X: x, Y: y}, nil
}

// EncodePublic encodes a public key as a Multikey string.
func EncodePublic(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", errors.New("multikey: bad Ed25519 public key length")
		}
		return encode(Ed25519Pub, k), nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return encode(P256Pub, elliptic.MarshalCompressed(k.Curve, k.X, k.Y)), nil
		case elliptic.P384():
			return encode(P384Pub, elliptic.MarshalCompressed(k.Curve, k.X, k.Y)), nil
		}
		return "", fmt.Errorf("multikey: unsupported curve %s", k.Curve.Params().Name)
	case *secp256k1.PublicKey:
		return encode(Secp256k1Pub, k.SerializeCompressed()), nil
	}
	return "", fmt.Errorf("multikey: unsupported public key type %T", pub)
}

// DecodeSecret decodes a Multikey secret key into its codec and raw bytes
// (Ed25519: the 32-byte seed; ECDSA: the big-endian scalar). Errors do not
// include key material.
func DecodeSecret(s string) (Codec, []byte, error) {
	c, b, err := decode(s)
	if err != nil {
		return 0, nil, err
	}
	want := map[Codec]int{Ed25519Priv: 32, Secp256k1Priv: 32, P256Priv: 32, P384Priv: 48}[c]
	if want == 0 {
		return 0, nil, invalid("unsupported secret key codec 0x%x", uint64(c))
	}
	if len(b) != want {
		return 0, nil, invalid("secret key has the wrong length")
	}
	return c, b, nil
}

// EncodeSecret encodes raw secret key bytes under codec c.
func EncodeSecret(c Codec, key []byte) (string, error) {
	want := map[Codec]int{Ed25519Priv: 32, Secp256k1Priv: 32, P256Priv: 32, P384Priv: 48}[c]
	if want == 0 || len(key) != want {
		return "", errors.New("multikey: unsupported secret key codec or length")
	}
	return encode(c, key), nil
}
