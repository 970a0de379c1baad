package bake

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

type chunk struct {
	typ        string
	data       []byte
	start, end int // byte range of the whole chunk in the file
}

// chunks walks a PNG strictly.
func chunks(img []byte) ([]chunk, error) {
	if len(img) > MaxImageBytes {
		return nil, fmt.Errorf("%w: image larger than %d bytes", ErrMalformed, MaxImageBytes)
	}
	if !bytes.HasPrefix(img, pngSignature) {
		return nil, fmt.Errorf("%w: not a PNG", ErrMalformed)
	}
	var out []chunk
	pos := len(pngSignature)
	for pos < len(img) {
		if len(img)-pos < 12 {
			return nil, fmt.Errorf("%w: truncated chunk at byte %d", ErrMalformed, pos)
		}
		n := binary.BigEndian.Uint32(img[pos:])
		if n > 1<<31-1 || uint64(n) > uint64(len(img)-pos-12) {
			return nil, fmt.Errorf("%w: chunk length %d at byte %d runs past the end", ErrMalformed, n, pos)
		}
		typ := string(img[pos+4 : pos+8])
		for i := 0; i < 4; i++ {
			c := typ[i]
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				return nil, fmt.Errorf("%w: bad chunk type at byte %d", ErrMalformed, pos)
			}
		}
		data := img[pos+8 : pos+8+int(n)]
		want := binary.BigEndian.Uint32(img[pos+8+int(n):])
		if crc32.ChecksumIEEE(img[pos+4:pos+8+int(n)]) != want {
			return nil, fmt.Errorf("%w: bad CRC in %s chunk at byte %d", ErrMalformed, typ, pos)
		}
		c := chunk{typ: typ, data: data, start: pos, end: pos + 12 + int(n)}
		if len(out) == 0 && typ != "IHDR" {
			return nil, fmt.Errorf("%w: first chunk is %s, not IHDR", ErrMalformed, typ)
		}
		out = append(out, c)
		pos = c.end
		if typ == "IEND" {
			if pos != len(img) {
				return nil, fmt.Errorf("%w: %d bytes after IEND", ErrMalformed, len(img)-pos)
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("%w: no IEND chunk", ErrMalformed)
}

// itxt parses an iTXt chunk: keyword, compression flag and method,
// language tag, translated keyword, text.
func itxt(data []byte) (keyword string, compressed bool, text []byte, err error) {
	k := bytes.IndexByte(data, 0)
	if k < 1 || k > 79 || len(data) < k+3 {
		return "", false, nil, fmt.Errorf("%w: bad iTXt keyword", ErrMalformed)
	}
	keyword = string(data[:k])
	flag, method := data[k+1], data[k+2]
	if flag > 1 || method != 0 {
		return "", false, nil, fmt.Errorf("%w: bad iTXt compression fields", ErrMalformed)
	}
	rest := data[k+3:]
	l := bytes.IndexByte(rest, 0)
	if l < 0 {
		return "", false, nil, fmt.Errorf("%w: bad iTXt language tag", ErrMalformed)
	}
	rest = rest[l+1:]
	tk := bytes.IndexByte(rest, 0)
	if tk < 0 {
		return "", false, nil, fmt.Errorf("%w: bad iTXt translated keyword", ErrMalformed)
	}
	return keyword, flag == 1, rest[tk+1:], nil
}

func isOB2Chunk(c chunk) bool {
	switch c.typ {
	case "tEXt", "iTXt", "zTXt":
		k := bytes.IndexByte(c.data, 0)
		return k > 0 && string(c.data[:k]) == "openbadges"
	}
	return false
}

// findPNG returns the index of the credential chunk, or -1.
func findPNG(cs []chunk) (int, bool, error) {
	idx, ob2 := -1, false
	for i, c := range cs {
		if isOB2Chunk(c) {
			ob2 = true
		}
		if c.typ != "iTXt" {
			continue
		}
		k := bytes.IndexByte(c.data, 0)
		if k <= 0 || string(c.data[:k]) != Keyword {
			continue
		}
		if idx >= 0 {
			return -1, ob2, ErrMultiple
		}
		idx = i
	}
	return idx, ob2, nil
}

// ExtractPNG takes the credential out of a baked PNG.
func ExtractPNG(img []byte) (*Payload, error) {
	cs, err := chunks(img)
	if err != nil {
		return nil, err
	}
	i, ob2, err := findPNG(cs)
	if err != nil {
		return nil, err
	}
	if i < 0 {
		if ob2 {
			return nil, ErrOB2
		}
		return nil, ErrNotBaked
	}
	_, compressed, text, err := itxt(cs[i].data)
	if err != nil {
		return nil, err
	}
	if compressed {
		return nil, fmt.Errorf("%w: compressed openbadgecredential iTXt chunk (OB 3.0 requires it uncompressed)", ErrMalformed)
	}
	return payload(text)
}

// BakePNG returns a copy of the PNG img carrying credential.
func BakePNG(img, credential []byte, opts Options) ([]byte, error) {
	p, err := payload(credential)
	if err != nil {
		return nil, err
	}
	cs, err := chunks(img)
	if err != nil {
		return nil, err
	}
	i, _, err := findPNG(cs)
	if err != nil {
		return nil, err
	}
	if i >= 0 && !opts.Replace {
		return nil, ErrAlreadyBaked
	}
	var data bytes.Buffer
	data.WriteString(Keyword)
	data.Write([]byte{0, 0, 0, 0, 0}) // NUL, flag 0, method 0, empty language tag NUL, empty translated keyword NUL
	data.Write(p.Data)
	newChunk := encodeChunk("iTXt", data.Bytes())
	out := make([]byte, 0, len(img)+len(newChunk))
	iend := cs[len(cs)-1]
	for j, c := range cs[:len(cs)-1] {
		if j == i {
			continue // replaced
		}
		out = append(out, img[c.start:c.end]...)
	}
	out = append(append([]byte(nil), pngSignature...), out...)
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
