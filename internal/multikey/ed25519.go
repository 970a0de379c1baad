package multikey

import "strings"

// An Ed25519 public key is the encoding of a point A of edwards25519
// (RFC 8032 section 5.1.2): the 255-bit little-endian y coordinate, and in
// the top bit the low bit ("sign") of x. Decoding (section 5.1.3) recovers
// x from y: x^2 = (y^2 - 1) / (d y^2 + 1) mod p.
//
// Go's crypto/ed25519 verifies against any encoding that decodes. Two kinds
// of keys it accepts are refused here:
//
//   - Small-order points. The curve has cofactor 8: besides the prime-order
//     subgroup there are eight points of order 1, 2, 4 or 8. For such an A,
//     [k]A takes at most eight values whatever the message, so a signature
//     can be forged without a private key; with the identity point
//     (0x01 followed by 31 zero bytes), R = identity and S = 0 verifies for
//     every message. The eight points have y in {1, p-1, 0, y8, p-y8}
//     (orders 1, 2, 4, 8, 8; two points share each y but 1 and p-1), so
//     refusing those y values (after reducing a non-canonical y) refuses
//     exactly the small-order points, whatever the sign bit. The
//     list is the one of Chalkias, Garillot and Nikolaenko, "Taming the many
//     EdDSAs" (SSR 2020, https://eprint.iacr.org/2020/1244), and of the
//     C2SP/CCTV ed25519 vectors ("eight plus six alternative encodings of
//     low-order points", https://github.com/C2SP/CCTV/tree/main/ed25519).
//   - Non-canonical encodings: y >= p (y and y+p name the same point; only
//     y in [0, 18] has such an alias), or x = 0 (y = 1 or p-1) with the sign
//     bit set ("negative zero"). RFC 8032 section 5.1.3 says decoding fails
//     for y >= p; a key that has two encodings has two did:key identifiers.
//
// Mixed-order points (a prime-order point plus a torsion component) are
// not refused: no blocklist can find them, Go's cofactorless verification
// handles them consistently, and they give no forgery without the private
// key.

// Little-endian y coordinates (sign bit cleared) of the eight small-order
// points: 1 (the identity, order 1), p-1 (order 2), 0 (the two points of
// order 4) and y8, p-y8 (the four points of order 8), from the canonical
// encodings in the sources above.
var (
	edY1       = [32]byte{1}
	edYMinus1  = [32]byte{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}
	edY0       = [32]byte{}
	edY8       = [32]byte{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05}
	edYMinusY8 = [32]byte{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a}
)

// CheckEd25519 returns nil if pub is a 32-byte Ed25519 public key that is
// canonically encoded and not of small order. Otherwise the error wraps
// [ErrInvalid] and, by the check that failed, [ErrSmallOrder] and/or
// [ErrNonCanonical].
//
// Whether the point is on the curve at all is left to crypto/ed25519,
// which refuses to verify with a key that does not decode; the checks here
// are byte comparisons and cost nothing next to a verification.
func CheckEd25519(pub []byte) error {
	if len(pub) != 32 {
		return invalid("Ed25519 public key is %d bytes, want 32", len(pub))
	}
	var y [32]byte
	copy(y[:], pub)
	sign := y[31] >> 7
	y[31] &= 0x7f
	nonCanonical := false
	if edAtLeastP(&y) {
		// y - p is y[0] - 0xed, in [0, 18].
		nonCanonical = true
		y = [32]byte{y[0] - 0xed}
	}
	// x = 0 exactly when y^2 = 1: y = 1 or p-1. Its sign bit must be 0.
	if (y == edY1 || y == edYMinus1) && sign == 1 {
		nonCanonical = true
	}
	var failed []error
	switch y {
	case edY1, edYMinus1, edY0, edY8, edYMinusY8:
		failed = append(failed, ErrSmallOrder)
	}
	if nonCanonical {
		failed = append(failed, ErrNonCanonical)
	}
	if len(failed) == 0 {
		return nil
	}
	return &checkError{failed: failed}
}

// edAtLeastP reports whether the little-endian 255-bit y is >= p =
// 2^255 - 19, encoded ed ff … ff 7f.
func edAtLeastP(y *[32]byte) bool {
	if y[31] != 0x7f || y[0] < 0xed {
		return false
	}
	for _, b := range y[1:31] {
		if b != 0xff {
			return false
		}
	}
	return true
}

// checkError is a refusal by one or more key checks; it wraps ErrInvalid
// and each check's sentinel.
type checkError struct{ failed []error }

func (e *checkError) Error() string {
	msgs := make([]string, len(e.failed))
	for i, err := range e.failed {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e *checkError) Unwrap() []error { return append([]error{ErrInvalid}, e.failed...) }
