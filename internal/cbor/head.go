package cbor

import "errors"

// The refusals of ReadHead. Each decoder words its own message around
// them; they are compared, never shown.
var (
	// ErrShort: the data ends inside the head.
	ErrShort = errors.New("cbor: unexpected end of data")
	// ErrIndefinite: additional information 28 to 31, an indefinite
	// length, a break or a reserved value.
	ErrIndefinite = errors.New("cbor: indefinite length or reserved additional information")
	// ErrNotShortest: an argument that a shorter head could carry.
	ErrNotShortest = errors.New("cbor: argument not in shortest form")
)

// ReadHead reads the head of the data item at the start of b: its major
// type, its argument and the head's length n in bytes. It accepts only a
// definite argument in preferred (shortest) form, the one AppendHead
// writes: empty b, or b ending inside the head, is refused with ErrShort;
// additional information 28 to 31 with ErrIndefinite; an argument not in
// shortest form with ErrNotShortest. On a refusal of a non-empty b, major
// is still b's first byte's major type (so that a caller can name the
// wrong type first), and with ErrNotShortest arg is the argument read.
// It does not look past the head: the content's length is the caller's to
// check against what is left.
func ReadHead(b []byte) (major byte, arg uint64, n int, err error) {
	if len(b) == 0 {
		return 0, 0, 0, ErrShort
	}
	major, ai := b[0]>>5, b[0]&0x1f
	if ai < 24 {
		return major, uint64(ai), 1, nil
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
	default: // 28-30 reserved, 31 indefinite length or break
		return major, 0, 0, ErrIndefinite
	}
	if len(b)-1 < size {
		return major, 0, 0, ErrShort
	}
	for _, c := range b[1 : 1+size] {
		arg = arg<<8 | uint64(c)
	}
	if arg < min {
		return major, arg, 0, ErrNotShortest
	}
	return major, arg, 1 + size, nil
}
