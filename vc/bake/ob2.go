package bake

import (
	"bytes"
	"fmt"
)

// ob2Namespace is the SVG namespace of OB 2.0 baking.
const ob2Namespace = "http://openbadges.org"

// ExtractOB2 takes an Open Badges 2.0 assertion out of a baked PNG or SVG
// and returns it as written: a URL (a hosted assertion's id), a compact
// JWS (a signed assertion) or a JSON assertion. It reads nothing else:
// what the text means is for package ob2 to decide.
//
// The carriers are counted as [Extract] counts them, so an image with an
// OB 3.0 credential and an OB 2.0 assertion is [ErrMultiple]. The OB 2.0
// forms (OB 2.0 Baking Specification) are: a PNG iTXt chunk with the
// keyword exactly "openbadges", uncompressed; an SVG
// <openbadges:assertion> element in the namespace http://openbadges.org
// with a verify attribute (a URL or a JWS) or one CDATA section holding
// the JSON assertion (with both, the verify attribute is read). Anything
// else is an error wrapping [ErrMalformed];
// an image with an OB 3.0 credential only, or none, is [ErrNotBaked].
func ExtractOB2(img []byte) ([]byte, error) {
	if len(img) > MaxImageBytes {
		return nil, fmt.Errorf("%w: image larger than %d bytes", ErrLimit, MaxImageBytes)
	}
	switch Detect(img) {
	case PNG:
		c, _, err := scanPNG(img)
		switch {
		case err != nil:
			return nil, err
		case c == nil || !c.ob2:
			return nil, fmt.Errorf("%w: no OB 2.0 openbadges chunk", ErrNotBaked)
		case string(c.typ[:]) != "iTXt" || string(c.keyword) != ob2Keyword:
			return nil, fmt.Errorf("%w: %s; OB 2.0 puts the assertion in an iTXt chunk with the keyword %q", ErrMalformed, c, ob2Keyword)
		}
		compressed, text, err := itxt(c.data)
		if err != nil {
			return nil, fmt.Errorf("%w (%s)", err, c)
		}
		if compressed {
			return nil, fmt.Errorf("%w: %s is compressed (nothing is decompressed here)", ErrMalformed, c)
		}
		return ob2Text(text, c.String())
	case SVG:
		doc, err := scanSVG(img)
		if err != nil {
			return nil, err
		}
		c := doc.carrier
		if c == nil || !c.ob2 {
			return nil, fmt.Errorf("%w: no OB 2.0 openbadges:assertion element", ErrNotBaked)
		}
		what := describer{doc, c}.String()
		switch {
		case string(c.name) != "openbadges:assertion" || !attrEquals(c.ns, ob2Namespace):
			return nil, fmt.Errorf("%w: %s in namespace %q: OB 2.0 writes <openbadges:assertion> with the prefix bound to %q", ErrMalformed, what, c.ns, ob2Namespace)
		case c.child != nil:
			return nil, fmt.Errorf("%w: <%s> inside %s", ErrMalformed, c.child, what)
		case c.markup != "":
			return nil, fmt.Errorf("%w: a %s inside %s", ErrMalformed, c.markup, what)
		case c.badAttr != nil:
			return nil, fmt.Errorf("%w: %s has an attribute %s; the URL or JWS goes in verify, without a prefix", ErrMalformed, what, c.badAttr)
		case c.text || c.nCDATA > 1:
			return nil, fmt.Errorf("%w: %s holds text outside one CDATA section", ErrMalformed, what)
		}
		// From spec (OB 2.0 Baking, SVG): the verify attribute holds the
		// hosted URL or the signature; the CDATA section, if any, the
		// JSON assertion. When both are there, the verify attribute says
		// where the assertion is checked and the CDATA copy is ignored by
		// readers; reading only one of them keeps one answer.
		if c.hasVerify {
			return ob2Text(decodeAttr(nil, c.verify), what)
		}
		if c.nCDATA == 1 {
			return ob2Text(c.cdata, what)
		}
		return nil, fmt.Errorf("%w: %s has neither a verify attribute nor a CDATA section", ErrMalformed, what)
	}
	return nil, fmt.Errorf("%w: not a PNG or SVG image", ErrMalformed)
}

// ob2Text checks the size of a baked OB 2.0 text and copies it.
func ob2Text(text []byte, where string) ([]byte, error) {
	t := bytes.TrimSpace(text)
	switch {
	case len(t) == 0:
		return nil, fmt.Errorf("%w: %s is empty", ErrMalformed, where)
	case len(t) > MaxImageBytes:
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrLimit, where, MaxImageBytes)
	}
	return append([]byte(nil), t...), nil
}
