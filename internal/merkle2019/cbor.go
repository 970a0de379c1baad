package merkle2019

// A minimal, strict CBOR (RFC 8949) codec for the subset a MerkleProof2019
// proofValue uses: unsigned and negative integers, byte strings, text
// strings, arrays and maps. Definite lengths only, preferred (shortest)
// argument encoding, no tags, floats or simple values, valid UTF-8 text,
// bounded depth and item count, and every length checked against the bytes
// left before anything is allocated. Decoding the same bytes and encoding
// the result gives the same bytes.

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/onchaincert/microcred/internal/cbor"
)

const (
	// maxCBORDepth bounds nesting: the deepest proofValue item (an anchor
	// entry's value) sits at depth 5.
	maxCBORDepth = 8
	// maxCBORItems bounds the items in one decoded CBOR value.
	maxCBORItems = 2048
)

// item is one decoded CBOR data item.
type item struct {
	major byte
	n     uint64 // unsigned value; for cbor.MajorNeg the value is -1-n
	b     []byte // byte or text string contents (aliases the input)
	a     []item // array elements; for a map, key and value alternate
}

func (it *item) kind() string {
	switch it.major {
	case cbor.MajorUint, cbor.MajorNeg:
		return "integer"
	case cbor.MajorBytes:
		return "byte string"
	case cbor.MajorText:
		return "text string"
	case cbor.MajorArray:
		return "array"
	case cbor.MajorMap:
		return "map"
	}
	return "unknown"
}

// int returns the item as a signed integer, if it is an integer that fits.
func (it *item) int() (int64, bool) {
	switch it.major {
	case cbor.MajorUint:
		if it.n > 1<<62 {
			return 0, false
		}
		return int64(it.n), true
	case cbor.MajorNeg:
		if it.n > 1<<62 {
			return 0, false
		}
		return -1 - int64(it.n), true
	}
	return 0, false
}

// decodeCBOR decodes exactly one data item filling all of b.
func decodeCBOR(b []byte) (item, error) {
	d := cborDecoder{b: b}
	it, err := d.item(0)
	if err != nil {
		return item{}, err
	}
	if d.i != len(b) {
		return item{}, malformed("%d trailing bytes after the CBOR item", len(b)-d.i)
	}
	return it, nil
}

type cborDecoder struct {
	b     []byte
	i     int
	items int
}

func (d *cborDecoder) left() int { return len(d.b) - d.i }

// head reads an item head: major type and shortest-form argument.
func (d *cborDecoder) head() (major byte, arg uint64, err error) {
	major, arg, n, err := cbor.ReadHead(d.b[d.i:])
	switch {
	case errors.Is(err, cbor.ErrShort):
		return 0, 0, malformed("CBOR: unexpected end of data")
	case errors.Is(err, cbor.ErrIndefinite):
		return 0, 0, malformed("CBOR: indefinite length or reserved additional information %d", d.b[d.i]&0x1f)
	case errors.Is(err, cbor.ErrNotShortest):
		return 0, 0, malformed("CBOR: argument %d not in shortest form", arg)
	}
	d.i += n
	return major, arg, nil
}

func (d *cborDecoder) item(depth int) (item, error) {
	if depth > maxCBORDepth {
		return item{}, malformed("CBOR: nesting deeper than %d", maxCBORDepth)
	}
	if d.items++; d.items > maxCBORItems {
		return item{}, malformed("CBOR: more than %d items", maxCBORItems)
	}
	major, arg, err := d.head()
	if err != nil {
		return item{}, err
	}
	it := item{major: major}
	switch major {
	case cbor.MajorUint, cbor.MajorNeg:
		it.n = arg
	case cbor.MajorBytes, cbor.MajorText:
		if arg > uint64(d.left()) {
			return item{}, malformed("CBOR: string of %d bytes exceeds the %d bytes left", arg, d.left())
		}
		it.b = d.b[d.i : d.i+int(arg)]
		d.i += int(arg)
		if major == cbor.MajorText && !utf8.Valid(it.b) {
			return item{}, malformed("CBOR: text string is not valid UTF-8")
		}
	case cbor.MajorArray, cbor.MajorMap:
		count := arg
		if major == cbor.MajorMap {
			if arg > uint64(d.left())/2 {
				return item{}, malformed("CBOR: map of %d pairs exceeds the bytes left", arg)
			}
			count = 2 * arg
		}
		// Every item takes at least one byte: a count larger than the
		// bytes left is a lie, refused before allocating.
		if count > uint64(d.left()) || count > maxCBORItems {
			return item{}, malformed("CBOR: %d elements exceed the bytes left", count)
		}
		it.a = make([]item, 0, count)
		for k := uint64(0); k < count; k++ {
			e, err := d.item(depth + 1)
			if err != nil {
				return item{}, err
			}
			it.a = append(it.a, e)
		}
	default: // 6 tags, 7 floats and simple values
		return item{}, malformed("CBOR: major type %d is not allowed", major)
	}
	return it, nil
}

// malformed returns an error wrapping ErrMalformedProofValue.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformedProofValue, fmt.Sprintf(format, args...))
}
