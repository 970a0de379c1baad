package ethwire

import (
	"encoding/binary"
	"math/big"
	"math/bits"
)

// Limits on RLP input.
const (
	// maxRLPBytes caps the input of decodeRLP: larger than any
	// transaction a node relays (128 KiB) or any header or trie node.
	maxRLPBytes = 1 << 20
	// maxRLPDepth caps list nesting; transactions nest 4 deep (access
	// lists), headers and trie nodes 2.
	maxRLPDepth = 16
)

// item is one decoded RLP item: a byte string (List false, Str set) or a
// list (List true, Items set). Raw is the item's whole encoding. All
// slices are views of the decoded input; do not modify them.
type item struct {
	List  bool
	Str   []byte
	Items []item
	Raw   []byte
}

// decodeRLP decodes exactly one RLP item (Yellow Paper, appendix B) and
// accepts only the canonical form: a single byte below 0x80 is never
// wrapped as a one-byte string, lengths use the short form up to 55 bytes
// and the long form has no leading zero bytes, and no bytes follow the
// item. Input is capped at maxRLPBytes and nesting at maxRLPDepth.
// Errors wrap errMalformedRLP.
func decodeRLP(b []byte) (item, error) {
	if len(b) > maxRLPBytes {
		return item{}, malformed(errMalformedRLP, "%d bytes exceeds the limit of %d", len(b), maxRLPBytes)
	}
	it, n, err := decodeItem(b, 0)
	if err != nil {
		return item{}, err
	}
	if n != len(b) {
		return item{}, malformed(errMalformedRLP, "%d trailing bytes", len(b)-n)
	}
	return it, nil
}

// header reads an item's prefix: whether it is a list, where its payload
// starts and how long it is. The payload is within b.
func header(b []byte) (list bool, off, size int, err error) {
	if len(b) == 0 {
		return false, 0, 0, malformed(errMalformedRLP, "unexpected end of input")
	}
	p := b[0]
	switch {
	case p < 0x80:
		return false, 0, 1, nil
	case p <= 0xb7:
		size = int(p - 0x80)
		if size == 1 && (len(b) < 2 || b[1] < 0x80) {
			if len(b) < 2 {
				return false, 0, 0, malformed(errMalformedRLP, "unexpected end of input")
			}
			return false, 0, 0, malformed(errMalformedRLP, "single byte %#02x wrapped in a string", b[1])
		}
		off = 1
	case p < 0xc0:
		off, size, err = longSize(b, int(p-0xb7))
		if err != nil {
			return false, 0, 0, err
		}
	case p <= 0xf7:
		list, off, size = true, 1, int(p-0xc0)
	default:
		list = true
		off, size, err = longSize(b, int(p-0xf7))
		if err != nil {
			return false, 0, 0, err
		}
	}
	if size > len(b)-off {
		return false, 0, 0, malformed(errMalformedRLP, "item of %d bytes overruns the input", size)
	}
	return list, off, size, nil
}

// longSize reads a long-form length of n bytes after the prefix byte.
func longSize(b []byte, n int) (off, size int, err error) {
	if len(b) < 1+n {
		return 0, 0, malformed(errMalformedRLP, "unexpected end of input in a length")
	}
	if b[1] == 0 {
		return 0, 0, malformed(errMalformedRLP, "length with a leading zero byte")
	}
	if n > 4 { // every allowed length fits in 3 bytes; 4 keeps int math safe
		return 0, 0, malformed(errMalformedRLP, "%d-byte length", n)
	}
	var s uint64
	for _, c := range b[1 : 1+n] {
		s = s<<8 | uint64(c)
	}
	if s <= 55 {
		return 0, 0, malformed(errMalformedRLP, "long form for a length of %d", s)
	}
	if s > maxRLPBytes {
		return 0, 0, malformed(errMalformedRLP, "length %d exceeds the limit", s)
	}
	return 1 + n, int(s), nil
}

func decodeItem(b []byte, depth int) (item, int, error) {
	list, off, size, err := header(b)
	if err != nil {
		return item{}, 0, err
	}
	end := off + size
	it := item{List: list, Raw: b[:end:end]}
	if !list {
		it.Str = b[off:end:end]
		return it, end, nil
	}
	if depth >= maxRLPDepth {
		return item{}, 0, malformed(errMalformedRLP, "nesting deeper than %d", maxRLPDepth)
	}
	payload := b[off:end]
	// Count first so the slice is allocated once.
	n := 0
	for p := payload; len(p) > 0; n++ {
		_, o, s, err := header(p)
		if err != nil {
			return item{}, 0, err
		}
		p = p[o+s:]
	}
	it.Items = make([]item, 0, n)
	for len(payload) > 0 {
		child, used, err := decodeItem(payload, depth+1)
		if err != nil {
			return item{}, 0, err
		}
		it.Items = append(it.Items, child)
		payload = payload[used:]
	}
	return it, end, nil
}

// Uint64 reads a string item as a canonical big-endian integer: at most 8
// bytes, no leading zero (zero is the empty string). Errors wrap
// errMalformedRLP.
func (it item) Uint64() (uint64, error) {
	if it.List {
		return 0, malformed(errMalformedRLP, "integer expected, got a list")
	}
	if len(it.Str) > 8 {
		return 0, malformed(errMalformedRLP, "integer of %d bytes overflows 64 bits", len(it.Str))
	}
	if len(it.Str) > 0 && it.Str[0] == 0 {
		return 0, malformed(errMalformedRLP, "integer with a leading zero byte")
	}
	var v uint64
	for _, c := range it.Str {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

// BigInt reads a string item as a canonical big-endian integer of at most
// 32 bytes (256 bits). Errors wrap errMalformedRLP.
func (it item) BigInt() (*big.Int, error) {
	if it.List {
		return nil, malformed(errMalformedRLP, "integer expected, got a list")
	}
	if len(it.Str) > 32 {
		return nil, malformed(errMalformedRLP, "integer of %d bytes overflows 256 bits", len(it.Str))
	}
	if len(it.Str) > 0 && it.Str[0] == 0 {
		return nil, malformed(errMalformedRLP, "integer with a leading zero byte")
	}
	return new(big.Int).SetBytes(it.Str), nil
}

// Encode returns the canonical encoding of it, built from Str and Items
// (Raw is ignored). DecodeRLP(b) followed by Encode returns b.
func (it item) Encode() []byte {
	if !it.List {
		return appendRLPString(nil, it.Str)
	}
	var payload []byte
	for _, c := range it.Items {
		payload = append(payload, c.Encode()...)
	}
	return appendRLPList(nil, payload)
}

// appendRLPString appends the encoding of the byte string s to dst.
func appendRLPString(dst, s []byte) []byte {
	if len(s) == 1 && s[0] < 0x80 {
		return append(dst, s[0])
	}
	return append(appendHeader(dst, 0x80, len(s)), s...)
}

// appendRLPList appends a list whose payload, the concatenated encodings
// of its items, is payload.
func appendRLPList(dst, payload []byte) []byte {
	return append(appendHeader(dst, 0xc0, len(payload)), payload...)
}

// appendRLPUint appends the canonical encoding of the integer u.
func appendRLPUint(dst []byte, u uint64) []byte {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], u)
	return appendRLPString(dst, buf[bits.LeadingZeros64(u)/8:])
}

// appendRLPBigInt appends the canonical encoding of the non-negative
// integer x (nil is zero).
func appendRLPBigInt(dst []byte, x *big.Int) []byte {
	if x == nil {
		return appendRLPString(dst, nil)
	}
	return appendRLPString(dst, x.Bytes())
}

func appendHeader(dst []byte, base byte, size int) []byte {
	if size <= 55 {
		return append(dst, base+byte(size))
	}
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(size))
	n := bits.LeadingZeros64(uint64(size)) / 8
	dst = append(dst, base+55+byte(8-n))
	return append(dst, buf[n:]...)
}
