package bake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/onchaincert/microcred/internal/limits"
)

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
