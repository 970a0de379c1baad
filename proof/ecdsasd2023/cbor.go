package ecdsasd2023

// A minimal, strict CBOR (RFC 8949) codec for exactly the two proof value
// structures of ecdsa-sd-2023: definite lengths only, preferred (shortest)
// argument encoding, no tags, no floats or simple values, and every count
// checked against the bytes left before anything is allocated.

import "unicode/utf8"

const (
	majorUint  = 0
	majorBytes = 2
	majorText  = 3
	majorArray = 4
	majorMap   = 5
)

// cborReader reads CBOR items from b.
type cborReader struct {
	b []byte
	i int
}

func (r *cborReader) left() int { return len(r.b) - r.i }

// head reads an item head and checks that it has major type want and a
// shortest-form argument.
func (r *cborReader) head(want byte, what string) (uint64, error) {
	if r.i >= len(r.b) {
		return 0, malformed("%s: unexpected end of data", what)
	}
	ib := r.b[r.i]
	r.i++
	if major := ib >> 5; major != want {
		return 0, malformed("%s: CBOR major type %d, want %d", what, major, want)
	}
	ai := ib & 0x1f
	if ai < 24 {
		return uint64(ai), nil
	}
	var size int
	var min uint64
	switch ai {
	case 24:
		size, min = 1, 24
	case 25:
		size, min = 2, 0x100
	case 26:
		size, min = 4, 0x10000
	case 27:
		size, min = 8, 0x100000000
	default: // 28-30 reserved, 31 indefinite length
		return 0, malformed("%s: indefinite or reserved CBOR length", what)
	}
	if r.left() < size {
		return 0, malformed("%s: unexpected end of data", what)
	}
	var n uint64
	for _, c := range r.b[r.i : r.i+size] {
		n = n<<8 | uint64(c)
	}
	r.i += size
	if n < min {
		return 0, malformed("%s: CBOR argument not in shortest form", what)
	}
	return n, nil
}

// count reads an array or map head of at most max entries, each taking at
// least minSize bytes.
func (r *cborReader) count(major byte, max, minSize int, what string) (int, error) {
	n, err := r.head(major, what)
	if err != nil {
		return 0, err
	}
	if n > uint64(max) {
		return 0, malformed("%s: %d entries, more than the limit of %d", what, n, max)
	}
	if n*uint64(minSize) > uint64(r.left()) {
		return 0, malformed("%s: %d entries do not fit in the data", what, n)
	}
	return int(n), nil
}

// bytes reads a byte string of exactly size bytes (size < 0: any size).
func (r *cborReader) bytes(size int, what string) ([]byte, error) {
	n, err := r.head(majorBytes, what)
	if err != nil {
		return nil, err
	}
	if n > uint64(r.left()) {
		return nil, malformed("%s: byte string runs past the end of data", what)
	}
	if size >= 0 && n != uint64(size) {
		return nil, malformed("%s: %d bytes, want %d", what, n, size)
	}
	out := append([]byte(nil), r.b[r.i:r.i+int(n)]...)
	r.i += int(n)
	return out, nil
}

// text reads a UTF-8 text string of at most max bytes.
func (r *cborReader) text(max int, what string) (string, error) {
	n, err := r.head(majorText, what)
	if err != nil {
		return "", err
	}
	if n > uint64(max) || n > uint64(r.left()) {
		return "", malformed("%s: text string too long", what)
	}
	s := string(r.b[r.i : r.i+int(n)])
	r.i += int(n)
	if !utf8.ValidString(s) {
		return "", malformed("%s: text string is not UTF-8", what)
	}
	return s, nil
}

// uint reads an unsigned integer no larger than max.
func (r *cborReader) uint(max uint64, what string) (uint64, error) {
	n, err := r.head(majorUint, what)
	if err != nil {
		return 0, err
	}
	if n > max {
		return 0, malformed("%s: %d is out of range", what, n)
	}
	return n, nil
}
