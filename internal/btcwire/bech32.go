package btcwire

import (
	"fmt"
	"strings"
)

// Bech32 (BIP 173). Written from the BIP text: the checksum is a BCH code
// over GF(32) whose generator coefficients are the five constants below;
// a valid string's polymod over (expanded HRP ‖ data ‖ checksum) is 1.

const (
	bech32Charset  = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	bech32MaxLen   = 90 // whole string, BIP 173
	bech32MaxHRP   = 83
	bech32Checksum = 6
)

// bech32Rev maps an ASCII byte to its 5-bit value, or -1.
var bech32Rev = func() (t [128]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(bech32Charset); i++ {
		t[bech32Charset[i]] = int8(i)
	}
	return t
}()

var bech32Gen = [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}

// polymodStep feeds one 5-bit value into the checksum state.
func polymodStep(chk uint32, v byte) uint32 {
	top := chk >> 25
	chk = (chk&0x1ffffff)<<5 ^ uint32(v)
	for i := range bech32Gen {
		if (top>>uint(i))&1 == 1 {
			chk ^= bech32Gen[i]
		}
	}
	return chk
}

func bech32Polymod(values []byte, chk uint32) uint32 {
	for _, v := range values {
		chk = polymodStep(chk, v)
	}
	return chk
}

// hrpPolymod feeds the expanded HRP (high bits, a zero, low bits) into
// the checksum without allocating the expansion.
func hrpPolymod(hrp string) uint32 {
	chk := uint32(1)
	for i := 0; i < len(hrp); i++ {
		chk = polymodStep(chk, hrp[i]>>5)
	}
	chk = polymodStep(chk, 0)
	for i := 0; i < len(hrp); i++ {
		chk = polymodStep(chk, hrp[i]&31)
	}
	return chk
}

// bech32Encode returns the BIP 173 string for hrp and data, whose
// elements are 5-bit values (0–31), with the 6-character checksum
// appended. hrp must be 1–83 characters in US-ASCII 33–126 without
// uppercase letters, and the result at most 90 characters. Errors wrap
// errInvalidBech32.
func bech32Encode(hrp string, data []byte) (string, error) {
	if len(hrp) < 1 || len(hrp) > bech32MaxHRP {
		return "", fmt.Errorf("%w: human-readable part must have 1 to %d characters", errInvalidBech32, bech32MaxHRP)
	}
	for i := 0; i < len(hrp); i++ {
		c := hrp[i]
		if c < 33 || c > 126 || (c >= 'A' && c <= 'Z') {
			return "", fmt.Errorf("%w: human-readable part has character 0x%02x", errInvalidBech32, c)
		}
	}
	if n := len(hrp) + 1 + len(data) + bech32Checksum; n > bech32MaxLen {
		return "", fmt.Errorf("%w: %d characters exceeds %d", errInvalidBech32, n, bech32MaxLen)
	}
	var sb strings.Builder
	sb.Grow(len(hrp) + 1 + len(data) + bech32Checksum)
	sb.WriteString(hrp)
	sb.WriteByte('1')
	chk := hrpPolymod(hrp)
	for _, v := range data {
		if v > 31 {
			return "", fmt.Errorf("%w: data value %d is not 5 bits", errInvalidBech32, v)
		}
		sb.WriteByte(bech32Charset[v])
	}
	chk = bech32Polymod(data, chk)
	for range bech32Checksum {
		chk = polymodStep(chk, 0)
	}
	chk ^= 1
	for i := range bech32Checksum {
		sb.WriteByte(bech32Charset[(chk>>uint(5*(5-i)))&31])
	}
	return sb.String(), nil
}

// bech32Decode parses a BIP 173 string and returns its human-readable
// part (lowercased) and data (5-bit values, checksum removed). As BIP 173
// requires: at most 90 characters, each in US-ASCII 33–126, all lowercase
// or all uppercase, the last '1' separates a 1–83 character HRP from at
// least 6 data characters of the bech32 alphabet, and the checksum
// verifies. Errors wrap errInvalidBech32; on error hrp and data are
// zero.
func bech32Decode(s string) (hrp string, data []byte, err error) {
	if len(s) > bech32MaxLen {
		return "", nil, fmt.Errorf("%w: %d characters exceeds %d", errInvalidBech32, len(s), bech32MaxLen)
	}
	lower, upper := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 {
			return "", nil, fmt.Errorf("%w: character 0x%02x at %d out of range", errInvalidBech32, c, i)
		}
		lower = lower || (c >= 'a' && c <= 'z')
		upper = upper || (c >= 'A' && c <= 'Z')
	}
	if lower && upper {
		return "", nil, fmt.Errorf("%w: mixed case", errInvalidBech32)
	}
	s = strings.ToLower(s)
	sep := strings.LastIndexByte(s, '1')
	if sep < 0 {
		return "", nil, fmt.Errorf("%w: no separator", errInvalidBech32)
	}
	if sep < 1 || sep > bech32MaxHRP {
		return "", nil, fmt.Errorf("%w: human-readable part must have 1 to %d characters", errInvalidBech32, bech32MaxHRP)
	}
	if len(s)-sep-1 < bech32Checksum {
		return "", nil, fmt.Errorf("%w: checksum too short", errInvalidBech32)
	}
	values := make([]byte, len(s)-sep-1)
	for i := range values {
		c := s[sep+1+i]
		v := bech32Rev[c] // c < 127 was checked above
		if v < 0 {
			return "", nil, fmt.Errorf("%w: invalid data character %q", errInvalidBech32, c)
		}
		values[i] = byte(v)
	}
	hrp = s[:sep]
	if bech32Polymod(values, hrpPolymod(hrp)) != 1 {
		return "", nil, fmt.Errorf("%w: checksum mismatch", errInvalidBech32)
	}
	return hrp, values[:len(values)-bech32Checksum], nil
}

// convertBits regroups from-bit values into to-bit values. With pad, a
// final partial group is zero-padded; without, leftover bits must be
// fewer than from and all zero (BIP 173's rule for decoding programs).
func convertBits(in []byte, from, to uint, pad bool) ([]byte, bool) {
	var acc, bits uint
	maxv := uint(1)<<to - 1
	out := make([]byte, 0, len(in)*int(from)/int(to)+1)
	for _, v := range in {
		if uint(v)>>from != 0 {
			return nil, false
		}
		acc = acc<<from | uint(v)
		bits += from
		for bits >= to {
			bits -= to
			out = append(out, byte(acc>>bits&maxv))
		}
	}
	if pad {
		if bits > 0 {
			out = append(out, byte(acc<<(to-bits)&maxv))
		}
	} else if bits >= from || acc<<(to-bits)&maxv != 0 {
		return nil, false
	}
	return out, true
}

// encodeSegwit returns the bech32 segwit address for a witness version 0
// program (20 bytes P2WPKH, 32 bytes P2WSH) under hrp. Versions 1–16 use
// bech32m (BIP 350), which this package does not implement: they are
// errUnsupportedWitnessVersion. Other errors wrap errInvalidAddress
// or errInvalidBech32.
func encodeSegwit(hrp string, version byte, program []byte) (string, error) {
	if err := checkProgram(version, program); err != nil {
		return "", err
	}
	five, _ := convertBits(program, 8, 5, true)
	return bech32Encode(hrp, append([]byte{version}, five...))
}

// decodeSegwit decodes a bech32 segwit address (BIP 173) into its
// lowercase HRP, witness version and program. It accepts only version 0
// with a 20- or 32-byte program; the checksum, the 8-to-5 padding (at
// most 4 zero bits) and the program length are all checked. It does not
// check the HRP; see [ParseAddress]. Errors wrap errInvalidBech32,
// errInvalidAddress or errUnsupportedWitnessVersion; on error all
// other results are zero.
func decodeSegwit(addr string) (hrp string, version byte, program []byte, err error) {
	h, data, err := bech32Decode(addr)
	if err != nil {
		return "", 0, nil, err
	}
	if len(data) < 1 {
		return "", 0, nil, fmt.Errorf("%w: empty data part", errInvalidAddress)
	}
	prog, ok := convertBits(data[1:], 5, 8, false)
	if !ok {
		return "", 0, nil, fmt.Errorf("%w: invalid padding", errInvalidAddress)
	}
	if err := checkProgram(data[0], prog); err != nil {
		return "", 0, nil, err
	}
	return h, data[0], prog, nil
}

// checkProgram applies BIP 141's witness program rules, then this
// package's restriction to version 0.
func checkProgram(version byte, program []byte) error {
	if version > 16 {
		return fmt.Errorf("%w: witness version %d", errInvalidAddress, version)
	}
	if len(program) < 2 || len(program) > 40 {
		return fmt.Errorf("%w: %d-byte witness program", errInvalidAddress, len(program))
	}
	if version != 0 {
		return fmt.Errorf("%w: witness version %d needs bech32m (BIP 350)", errUnsupportedWitnessVersion, version)
	}
	if len(program) != 20 && len(program) != 32 {
		return fmt.Errorf("%w: %d-byte version 0 program, want 20 or 32", errInvalidAddress, len(program))
	}
	return nil
}
