// Package bake puts a credential into a badge image and takes it out
// again, as Open Badges 3.0 defines (https://www.imsglobal.org/spec/ob/v3p0/#baking):
//
//   - PNG: one uncompressed iTXt chunk with the keyword
//     "openbadgecredential" whose text is the credential (JSON, or a
//     compact JWT), inserted right before IEND.
//   - SVG: the root <svg> declares xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"
//     and holds one <openbadges:credential> element: JSON in a CDATA
//     section, or a JWT in its verify attribute.
//
// [Detect] tells a PNG, an SVG, a JSON credential and a JWT apart by content,
// never by file name; [Extract] dispatches on it.
//
// # Security considerations
//
// Images are hostile input. PNGs are walked strictly: signature, IHDR
// first, every chunk length within the file and its CRC-32 checked, IEND
// last with nothing after it; compressed iTXt is refused (no decompression
// at all), inputs are capped ([MaxImageBytes]) and so are payloads. SVGs
// are parsed with encoding/xml and any DOCTYPE (and so any entity
// declaration) is refused. An extracted credential is not verified: pass it
// to the verifier.
//
// # Offline use
//
// Pure functions; no I/O.
//
// # Compatibility
//
// An Open Badges 2.0 image (an "openbadges" tEXt/iTXt chunk, or an
// openbadges:assertion element) is reported with [ErrOB2], never read as
// an OB 3.0 credential.
package bake

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/onchaincert/microcred/internal/limits"
)

// MaxImageBytes caps a badge image.
const MaxImageBytes = 16 << 20

// Keyword is the PNG iTXt keyword of an OB 3.0 credential.
const Keyword = "openbadgecredential"

// Namespace is the OB 3.0 SVG namespace.
const Namespace = "https://purl.imsglobal.org/ob/v3p0"

var (
	// ErrNotBaked: the image carries no OB 3.0 credential.
	ErrNotBaked = errors.New("bake: image carries no Open Badges 3.0 credential")
	// ErrAlreadyBaked: baking into an image that has one, without Replace.
	ErrAlreadyBaked = errors.New("bake: image already carries a credential")
	// ErrMultiple: more than one credential in an image.
	ErrMultiple = errors.New("bake: image carries more than one credential")
	// ErrOB2: the image carries an Open Badges 2.0 assertion only.
	ErrOB2 = errors.New("bake: image carries an Open Badges 2.0 assertion, not an OB 3.0 credential")
	// ErrMalformed: the image or the payload is malformed.
	ErrMalformed = errors.New("bake: malformed image")
)

// Kind is what a file is, by content.
type Kind int

// Kinds.
const (
	Unknown Kind = iota
	PNG
	SVG
	JSON
	JWT
)

func (k Kind) String() string {
	return [...]string{"unknown", "PNG", "SVG", "JSON", "JWT"}[k]
}

// Format is the form of a baked payload.
type Format int

// Formats.
const (
	FormatJSON Format = iota + 1
	FormatJWT
)

func (f Format) String() string {
	switch f {
	case FormatJSON:
		return "JSON"
	case FormatJWT:
		return "JWT"
	}
	return "unknown"
}

// Payload is a credential taken out of an image.
type Payload struct {
	Data   []byte
	Format Format
}

// Options control baking.
type Options struct {
	// Replace replaces a credential already in the image; without it,
	// baking such an image fails with ErrAlreadyBaked.
	Replace bool
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Detect tells what data is by its content.
func Detect(data []byte) Kind {
	if bytes.HasPrefix(data, pngSignature) {
		return PNG
	}
	t := bytes.TrimSpace(data)
	if bytes.HasPrefix(t, []byte("\xef\xbb\xbf")) {
		t = t[3:]
	}
	switch {
	case len(t) == 0:
		return Unknown
	case t[0] == '{':
		return JSON
	case t[0] == '<':
		if looksLikeSVG(t) {
			return SVG
		}
		return Unknown
	case isJWT(t):
		return JWT
	}
	return Unknown
}

func looksLikeSVG(t []byte) bool {
	head := t
	if len(head) > 4096 {
		head = head[:4096]
	}
	return bytes.Contains(head, []byte("<svg"))
}

func isJWT(t []byte) bool {
	parts := bytes.Split(t, []byte("."))
	if len(parts) != 3 || len(parts[0]) == 0 || len(parts[1]) == 0 {
		return false
	}
	for _, p := range parts {
		for _, c := range p {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// payload checks a credential to bake or one extracted.
func payload(data []byte) (*Payload, error) {
	t := bytes.TrimSpace(data)
	if len(t) == 0 {
		return nil, fmt.Errorf("%w: empty credential", ErrMalformed)
	}
	if len(t) > limits.MaxCredentialBytes {
		return nil, fmt.Errorf("%w: credential larger than %d bytes", ErrMalformed, limits.MaxCredentialBytes)
	}
	switch {
	case t[0] == '{':
		return &Payload{Data: append([]byte(nil), t...), Format: FormatJSON}, nil
	case isJWT(t):
		return &Payload{Data: append([]byte(nil), t...), Format: FormatJWT}, nil
	}
	return nil, fmt.Errorf("%w: the credential is neither a JSON object nor a compact JWT", ErrMalformed)
}

// Extract takes the credential out of a PNG or SVG badge.
func Extract(data []byte) (*Payload, error) {
	switch Detect(data) {
	case PNG:
		return ExtractPNG(data)
	case SVG:
		return ExtractSVG(data)
	}
	return nil, fmt.Errorf("%w: not a PNG or SVG image", ErrMalformed)
}

// ---- PNG ----

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

// ---- SVG ----

// ExtractSVG takes the credential out of a baked SVG.
func ExtractSVG(svg []byte) (*Payload, error) {
	if len(svg) > MaxImageBytes {
		return nil, fmt.Errorf("%w: image larger than %d bytes", ErrMalformed, MaxImageBytes)
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	depth := 0
	var found *Payload
	ob2 := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) || bytes.Contains(t, []byte("ENTITY")) {
				return nil, fmt.Errorf("%w: DOCTYPE and entity declarations are refused", ErrMalformed)
			}
		case xml.StartElement:
			depth++
			if depth == 1 && t.Name.Local != "svg" {
				return nil, fmt.Errorf("%w: root element is <%s>, not <svg>", ErrMalformed, t.Name.Local)
			}
			if depth == 2 && t.Name.Space == Namespace && t.Name.Local == "credential" {
				if found != nil {
					return nil, ErrMultiple
				}
				p, err := svgCredential(dec, t)
				if err != nil {
					return nil, err
				}
				found = p
				depth--
				continue
			}
			if t.Name.Local == "assertion" && strings.Contains(t.Name.Space, "openbadges") {
				ob2 = true
			}
		case xml.EndElement:
			depth--
		}
	}
	if found == nil {
		if ob2 {
			return nil, ErrOB2
		}
		return nil, ErrNotBaked
	}
	return found, nil
}

// svgCredential reads one <openbadges:credential> element.
func svgCredential(dec *xml.Decoder, start xml.StartElement) (*Payload, error) {
	var verify string
	for _, a := range start.Attr {
		if a.Name.Local == "verify" {
			verify = a.Value
		}
	}
	var text bytes.Buffer
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
			if text.Len() > limits.MaxCredentialBytes {
				return nil, fmt.Errorf("%w: credential larger than %d bytes", ErrMalformed, limits.MaxCredentialBytes)
			}
		case xml.StartElement:
			return nil, fmt.Errorf("%w: unexpected <%s> inside the credential element", ErrMalformed, t.Name.Local)
		case xml.EndElement:
			body := bytes.TrimSpace(text.Bytes())
			switch {
			case verify != "" && len(body) > 0:
				return nil, fmt.Errorf("%w: credential element has both a verify attribute and content", ErrMalformed)
			case verify != "":
				p, err := payload([]byte(verify))
				if err != nil || p.Format != FormatJWT {
					return nil, fmt.Errorf("%w: the verify attribute is not a compact JWT", ErrMalformed)
				}
				return p, nil
			default:
				p, err := payload(body)
				if err != nil {
					return nil, err
				}
				if p.Format != FormatJSON {
					return nil, fmt.Errorf("%w: a JWT belongs in the verify attribute", ErrMalformed)
				}
				return p, nil
			}
		}
	}
}

// BakeSVG returns a copy of svg carrying credential: JSON in a CDATA
// section, a JWT in the verify attribute. Other bytes are kept.
func BakeSVG(svg, credential []byte, opts Options) ([]byte, error) {
	p, err := payload(credential)
	if err != nil {
		return nil, err
	}
	_, err = ExtractSVG(svg)
	switch {
	case err == nil && !opts.Replace:
		return nil, ErrAlreadyBaked
	case err == nil:
		if svg, err = removeSVGCredential(svg); err != nil {
			return nil, err
		}
	case errors.Is(err, ErrNotBaked), errors.Is(err, ErrOB2):
	default:
		return nil, err
	}
	var elem string
	if p.Format == FormatJWT {
		elem = `<openbadges:credential verify="` + string(p.Data) + `"></openbadges:credential>`
	} else {
		if bytes.Contains(p.Data, []byte("]]>")) {
			return nil, fmt.Errorf("%w: the credential contains \"]]>\", which cannot be baked in CDATA", ErrMalformed)
		}
		elem = "<openbadges:credential><![CDATA[" + string(p.Data) + "]]></openbadges:credential>"
	}
	start, end, err := rootStartTag(svg)
	if err != nil {
		return nil, err
	}
	tag := string(svg[start:end])
	if !strings.Contains(tag, `xmlns:openbadges=`) {
		insert := ` xmlns:openbadges="` + Namespace + `"`
		closeAt := end - 1
		if svg[closeAt-1] == '/' {
			return nil, fmt.Errorf("%w: the <svg> element is empty", ErrMalformed)
		}
		tag = tag[:closeAt-start] + insert + ">"
	} else if !strings.Contains(tag, `xmlns:openbadges="`+Namespace+`"`) && !strings.Contains(tag, `xmlns:openbadges='`+Namespace+`'`) {
		return nil, fmt.Errorf("%w: the svg binds the openbadges prefix to another namespace", ErrMalformed)
	}
	out := make([]byte, 0, len(svg)+len(elem)+64)
	out = append(out, svg[:start]...)
	out = append(out, tag...)
	out = append(out, elem...)
	return append(out, svg[end:]...), nil
}

// rootStartTag finds the byte range of the root <svg ...> start tag.
func rootStartTag(svg []byte) (int, int, error) {
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			if t.Name.Local != "svg" {
				return 0, 0, fmt.Errorf("%w: root element is <%s>", ErrMalformed, t.Name.Local)
			}
			startAt := bytes.IndexByte(svg[off:], '<') + int(off)
			return startAt, int(dec.InputOffset()), nil
		}
	}
}

// removeSVGCredential cuts the <openbadges:credential> element out.
func removeSVGCredential(svg []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	depth := 0
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name.Space == Namespace && t.Name.Local == "credential" {
				if err := dec.Skip(); err != nil {
					return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
				}
				startAt := bytes.IndexByte(svg[off:], '<') + int(off)
				out := append([]byte(nil), svg[:startAt]...)
				return append(out, svg[dec.InputOffset():]...), nil
			}
		case xml.EndElement:
			depth--
		}
	}
}
