package ots

import (
	"errors"
	"fmt"
)

var (
	errEOF     = errors.New("unexpected end of input")
	errTooLong = errors.New("too long")
)

// reader reads the primitives of the format from a byte slice.
type reader struct {
	b   []byte
	off int
}

func (r *reader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errEOF
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *reader) bytes(n int) ([]byte, error) {
	if n < 0 || len(r.b)-r.off < n {
		return nil, errEOF
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s, nil
}

// uvarint reads an unsigned LEB128 integer that fits in 64 bits, in its
// shortest encoding (a non-minimal encoding would not round-trip).
func (r *reader) uvarint() (uint64, error) {
	var v uint64
	for i := 0; ; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 9 && c > 1 {
			return 0, fmt.Errorf("varuint overflows 64 bits: %w", errTooLong)
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if c == 0 && i > 0 {
				return 0, errors.New("varuint not in its shortest form")
			}
			return v, nil
		}
	}
}

// varbytes reads a varuint length in [min, max] and that many bytes.
func (r *reader) varbytes(min, max int) ([]byte, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(max) {
		return nil, fmt.Errorf("length %d exceeds %d: %w", n, max, errTooLong)
	}
	if n < uint64(min) {
		return nil, fmt.Errorf("length %d below %d", n, min)
	}
	return r.bytes(int(n))
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}
