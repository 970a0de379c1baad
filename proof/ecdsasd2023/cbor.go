package ecdsasd2023

// A minimal, strict CBOR (RFC 8949) codec for exactly the two proof value
// structures of ecdsa-sd-2023: definite lengths only, preferred (shortest)
// argument encoding, no tags, no floats or simple values, and every count
// checked against the bytes left before anything is allocated.

import (
	"errors"
	"unicode/utf8"

	"github.com/onchaincert/microcred/internal/cbor"
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
	major, n, size, err := cbor.ReadHead(r.b[r.i:])
	if major != want {
		return 0, malformed("%s: CBOR major type %d, want %d", what, major, want)
	}
	switch {
	case errors.Is(err, cbor.ErrShort):
		return 0, malformed("%s: unexpected end of data", what)
	case errors.Is(err, cbor.ErrIndefinite):
		return 0, malformed("%s: indefinite or reserved CBOR length", what)
	case errors.Is(err, cbor.ErrNotShortest):
		return 0, malformed("%s: CBOR argument not in shortest form", what)
	}
	r.i += size
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
	n, err := r.head(cbor.MajorBytes, what)
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
	n, err := r.head(cbor.MajorText, what)
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
	n, err := r.head(cbor.MajorUint, what)
	if err != nil {
		return 0, err
	}
	if n > max {
		return 0, malformed("%s: %d is out of range", what, n)
	}
	return n, nil
}
