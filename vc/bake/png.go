package bake

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"unicode/utf8"
)

// pngChunk is one chunk as it lies in the file.
type pngChunk struct {
	typ        [4]byte
	data       []byte
	start, end int // byte range of the whole chunk (length, type, data, CRC)
}

// walkPNG walks a PNG strictly and calls visit for each chunk but IEND,
// in file order; it returns IEND. The signature comes first, IHDR is the
// first chunk, every length stays within the file, every CRC-32 matches,
// and IEND ends the file. It keeps no per-chunk state, so memory does
// not grow with the number of chunks, and it stops at the first error
// visit returns.
func walkPNG(img []byte, visit func(pngChunk) error) (pngChunk, error) {
	if len(img) > MaxImageBytes {
		return pngChunk{}, fmt.Errorf("%w: image larger than %d bytes", ErrLimit, MaxImageBytes)
	}
	if !bytes.HasPrefix(img, pngSignature) {
		return pngChunk{}, fmt.Errorf("%w: not a PNG", ErrMalformed)
	}
	pos := len(pngSignature)
	for first := true; pos < len(img); first = false {
		if len(img)-pos < 12 {
			return pngChunk{}, fmt.Errorf("%w: truncated chunk at byte %d", ErrMalformed, pos)
		}
		n := binary.BigEndian.Uint32(img[pos:])
		if n > 1<<31-1 || uint64(n) > uint64(len(img)-pos-12) {
			return pngChunk{}, fmt.Errorf("%w: chunk length %d at byte %d runs past the end", ErrMalformed, n, pos)
		}
		c := pngChunk{start: pos, end: pos + 12 + int(n), data: img[pos+8 : pos+8+int(n)]}
		copy(c.typ[:], img[pos+4:pos+8])
		for _, b := range c.typ {
			if !(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z') {
				return pngChunk{}, fmt.Errorf("%w: bad chunk type at byte %d", ErrMalformed, pos)
			}
		}
		if crc32.ChecksumIEEE(img[pos+4:pos+8+int(n)]) != binary.BigEndian.Uint32(img[pos+8+int(n):]) {
			return pngChunk{}, fmt.Errorf("%w: bad CRC in %s chunk at byte %d", ErrMalformed, string(c.typ[:]), pos)
		}
		if first && string(c.typ[:]) != "IHDR" {
			return pngChunk{}, fmt.Errorf("%w: first chunk is %s, not IHDR", ErrMalformed, string(c.typ[:]))
		}
		pos = c.end
		if string(c.typ[:]) == "IEND" {
			if pos != len(img) {
				return pngChunk{}, fmt.Errorf("%w: %d bytes after IEND", ErrMalformed, len(img)-pos)
			}
			return c, nil
		}
		if err := visit(c); err != nil {
			return pngChunk{}, err
		}
	}
	return pngChunk{}, fmt.Errorf("%w: no IEND chunk", ErrMalformed)
}

// pngCarrier is a text chunk some reader could take a badge from.
type pngCarrier struct {
	pngChunk
	keyword []byte // as written
	ob2     bool   // the OB 2.0 keyword "openbadges" (or a look-alike)
	exact   bool   // an iTXt chunk whose keyword is exactly keyword
}

func (c *pngCarrier) String() string {
	return fmt.Sprintf("%s chunk %q at byte %d", c.typ[:], c.keyword, c.start)
}

// pngCarrierOf tells whether c is a carrier. Every text chunk type counts
// (tEXt, zTXt, iTXt, compressed or not, and their spellings in another
// case), and so does every keyword that a lenient reader could take for
// "openbadgecredential" or "openbadges": compared without regard to ASCII
// case and to leading or trailing spaces.
func pngCarrierOf(c pngChunk) (*pngCarrier, bool) {
	typ := string(c.typ[:])
	if !equalFold(typ, "iTXt") && !equalFold(typ, "tEXt") && !equalFold(typ, "zTXt") {
		return nil, false
	}
	kw := c.data
	nul := bytes.IndexByte(kw, 0)
	if nul >= 0 {
		kw = kw[:nul]
	}
	norm := bytes.TrimFunc(kw, isKeywordSpace)
	ob3 := equalFold(string(norm), keyword)
	ob2 := equalFold(string(norm), ob2Keyword)
	if !ob3 && !ob2 {
		return nil, false
	}
	return &pngCarrier{
		pngChunk: c,
		keyword:  kw,
		ob2:      ob2,
		exact:    typ == "iTXt" && nul >= 0 && string(kw) == keyword,
	}, true
}

// isKeywordSpace: ASCII white space and the Latin-1 no-break space
// (PNG keywords are Latin-1), which a lenient reader may trim.
func isKeywordSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0xa0, utf8.RuneError:
		return true
	}
	return false
}

// ob2Keyword is the keyword of an OB 2.0 assertion chunk.
const ob2Keyword = "openbadges"

// equalFold is ASCII-only case folding: a look-alike test, not Unicode.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// scanPNG walks img and returns its carrier (nil if none) and its IEND
// chunk. A second carrier is an error wrapping [ErrMultiple].
func scanPNG(img []byte) (*pngCarrier, pngChunk, error) {
	var found *pngCarrier
	iend, err := walkPNG(img, func(c pngChunk) error {
		p, ok := pngCarrierOf(c)
		if !ok {
			return nil
		}
		if found != nil {
			return fmt.Errorf("%w: %s and %s", ErrMultiple, found, p)
		}
		found = p
		return nil
	})
	return found, iend, err
}

// extractPNG takes the credential out of a baked PNG.
//
// It returns an error wrapping [ErrMultiple] if more than one text chunk
// (tEXt, zTXt or iTXt) carries the keyword "openbadgecredential" or
// "openbadges", [ErrOB2] if the one there is an OB 2.0 "openbadges" chunk,
// [ErrMalformed] if it is not an uncompressed iTXt chunk with the keyword
// exactly "openbadgecredential" (nothing is ever decompressed) or the PNG
// is malformed, [ErrLimit] if the image or the credential is too large,
// and [ErrNotBaked] if there is none.
func extractPNG(img []byte) (*Payload, error) {
	c, _, err := scanPNG(img)
	switch {
	case err != nil:
		return nil, err
	case c == nil:
		return nil, ErrNotBaked
	case c.ob2:
		return nil, fmt.Errorf("%w: %s", ErrOB2, c)
	case !c.exact:
		// From spec (OB 3.0 §5.3.1): an iTXt chunk with the keyword
		// openbadgecredential; a tEXt or zTXt chunk, or another spelling,
		// is read by some readers and ignored by others.
		return nil, fmt.Errorf("%w: %s; OB 3.0 puts the credential in an iTXt chunk with the keyword %q", ErrMalformed, c, keyword)
	}
	compressed, text, err := itxt(c.data)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, c)
	}
	if compressed {
		// From spec: "Compression MUST NOT be used."
		return nil, fmt.Errorf("%w: %s is compressed (OB 3.0 requires it uncompressed)", ErrMalformed, c)
	}
	return payload(text)
}

// itxt parses an iTXt chunk: keyword, compression flag and method,
// language tag, translated keyword, text.
func itxt(data []byte) (compressed bool, text []byte, err error) {
	k := bytes.IndexByte(data, 0)
	if k < 1 || k > 79 || len(data) < k+3 {
		return false, nil, fmt.Errorf("%w: bad iTXt keyword", ErrMalformed)
	}
	flag, method := data[k+1], data[k+2]
	if flag > 1 || method != 0 {
		return false, nil, fmt.Errorf("%w: bad iTXt compression fields", ErrMalformed)
	}
	rest := data[k+3:]
	l := bytes.IndexByte(rest, 0)
	if l < 0 {
		return false, nil, fmt.Errorf("%w: bad iTXt language tag", ErrMalformed)
	}
	rest = rest[l+1:]
	tk := bytes.IndexByte(rest, 0)
	if tk < 0 {
		return false, nil, fmt.Errorf("%w: bad iTXt translated keyword", ErrMalformed)
	}
	return flag == 1, rest[tk+1:], nil
}

// BakePNG returns a copy of the PNG img carrying credential in an
// uncompressed iTXt chunk right before IEND.
//
// An image that already has a carrier (any chunk extractPNG counts,
// including an OB 2.0 assertion or a form OB 3.0 does not allow) is
// refused with errAlreadyBaked unless opts.Replace is set; then that
// chunk is dropped. Two carriers are refused with [ErrMultiple] either
// way. The result is refused with [ErrLimit] if it would exceed
// [MaxImageBytes], so that whatever BakePNG returns, ExtractPNG reads back.
func BakePNG(img, credential []byte, opts Options) ([]byte, error) {
	p, err := payload(credential)
	if err != nil {
		return nil, err
	}
	old, iend, err := scanPNG(img)
	if err != nil {
		return nil, err
	}
	if old != nil && !opts.Replace {
		return nil, fmt.Errorf("%w: %s", errAlreadyBaked, old)
	}
	var data bytes.Buffer
	data.WriteString(keyword)
	data.Write([]byte{0, 0, 0, 0, 0}) // NUL, flag 0, method 0, empty language tag NUL, empty translated keyword NUL
	data.Write(p.Data)
	newChunk := encodeChunk("iTXt", data.Bytes())
	body := img[:iend.start]
	size := len(body) + len(newChunk) + iend.end - iend.start
	if old != nil {
		size -= old.end - old.start
	}
	if size > MaxImageBytes {
		return nil, fmt.Errorf("%w: the baked image would be larger than %d bytes", ErrLimit, MaxImageBytes)
	}
	out := make([]byte, 0, size)
	if old != nil {
		out = append(append(out, body[:old.start]...), body[old.end:]...)
	} else {
		out = append(out, body...)
	}
	out = append(out, newChunk...)
	return append(out, img[iend.start:iend.end]...), nil
}

func encodeChunk(typ string, data []byte) []byte {
	out := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(out, uint32(len(data)))
	copy(out[4:], typ)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}
