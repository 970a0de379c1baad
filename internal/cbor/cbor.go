// Package cbor writes the small subset of CBOR (RFC 8949) the proof
// formats here need, always in the shortest (preferred) encoding that
// their strict decoders require: heads, integers, byte and text strings.
// Decoding stays with each format, whose rules differ.
package cbor

// Major types (RFC 8949 §3.1).
const (
	MajorUint  = 0
	MajorNeg   = 1
	MajorBytes = 2
	MajorText  = 3
	MajorArray = 4
	MajorMap   = 5
)

// AppendHead appends an item head of major type major with argument n.
func AppendHead(dst []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(dst, m|byte(n))
	case n <= 0xff:
		return append(dst, m|24, byte(n))
	case n <= 0xffff:
		return append(dst, m|25, byte(n>>8), byte(n))
	case n <= 0xffffffff:
		return append(dst, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(dst, m|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32),
		byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// AppendInt appends an integer (major type 0 or 1).
func AppendInt(dst []byte, v int64) []byte {
	if v >= 0 {
		return AppendHead(dst, MajorUint, uint64(v))
	}
	return AppendHead(dst, MajorNeg, uint64(-1-v))
}

// AppendBytes appends a byte string.
func AppendBytes(dst []byte, b []byte) []byte {
	return append(AppendHead(dst, MajorBytes, uint64(len(b))), b...)
}

// AppendText appends a text string.
func AppendText(dst []byte, s string) []byte {
	return append(AppendHead(dst, MajorText, uint64(len(s))), s...)
}
