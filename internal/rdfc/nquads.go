package rdfc

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

const upperHex = "0123456789ABCDEF"

// AppendNQuad appends q as one canonical N-Quads line, "\n" included.
func AppendNQuad(dst []byte, q Quad) []byte {
	dst = appendTerm(dst, q.Subject)
	dst = append(dst, ' ')
	dst = appendTerm(dst, q.Predicate)
	dst = append(dst, ' ')
	dst = appendTerm(dst, q.Object)
	if q.Graph.Kind != DefaultGraph {
		dst = append(dst, ' ')
		dst = appendTerm(dst, q.Graph)
	}
	return append(dst, ' ', '.', '\n')
}

// String returns q as a canonical N-Quads line without the newline.
func (q Quad) String() string {
	b := AppendNQuad(nil, q)
	return string(b[:len(b)-1])
}

func appendTerm(dst []byte, t Term) []byte {
	switch t.Kind {
	case IRI:
		dst = append(dst, '<')
		dst = append(dst, t.Value...)
		return append(dst, '>')
	case BlankNode:
		dst = append(dst, '_', ':')
		return append(dst, t.Value...)
	case Literal:
		dst = append(dst, '"')
		dst = appendEscaped(dst, t.Value)
		dst = append(dst, '"')
		if t.Language != "" {
			dst = append(dst, '@')
			return append(dst, t.Language...)
		}
		if t.Datatype != "" && t.Datatype != xsdString {
			dst = append(dst, '^', '^', '<')
			dst = append(dst, t.Datatype...)
			return append(dst, '>')
		}
	}
	return dst
}

// appendEscaped escapes a literal's lexical form as canonical N-Quads
// requires: ECHAR for \b \t \n \f \r " \, UCHAR (\u00XX, upper-case hex)
// for the other control characters U+0000-U+001F and U+007F, everything
// else as is.
func appendEscaped(dst []byte, s string) []byte {
	start := 0 // s[start:i] needs no escaping
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch c {
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		default:
			dst = append(dst, '\\', 'u', '0', '0', upperHex[c>>4], upperHex[c&0xf])
		}
	}
	return append(dst, s[start:]...)
}

// ParseNQuads parses an N-Quads document strictly. Errors name the line.
func ParseNQuads(data []byte) ([]Quad, error) {
	var quads []Quad
	for n, line := range bytes.Split(data, []byte("\n")) {
		p := &lineParser{s: strings.TrimSuffix(string(line), "\r"), line: n + 1}
		p.skipSpace()
		if p.done() || p.peek() == '#' {
			continue
		}
		q, err := p.quad()
		if err != nil {
			return nil, err
		}
		quads = append(quads, q)
	}
	return quads, nil
}

type lineParser struct {
	s    string
	i    int
	line int
}

func (p *lineParser) done() bool { return p.i >= len(p.s) }
func (p *lineParser) peek() byte { return p.s[p.i] }

func (p *lineParser) skipSpace() {
	for !p.done() && (p.peek() == ' ' || p.peek() == '\t') {
		p.i++
	}
}

func (p *lineParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: line %d, column %d: %s", ErrSyntax, p.line, p.i+1, fmt.Sprintf(format, args...))
}

func (p *lineParser) quad() (Quad, error) {
	var q Quad
	var err error
	if q.Subject, err = p.term(IRI, BlankNode); err != nil {
		return q, err
	}
	if q.Predicate, err = p.term(IRI); err != nil {
		return q, err
	}
	if q.Object, err = p.term(IRI, BlankNode, Literal); err != nil {
		return q, err
	}
	p.skipSpace()
	if !p.done() && p.peek() != '.' {
		if q.Graph, err = p.term(IRI, BlankNode); err != nil {
			return q, err
		}
		p.skipSpace()
	}
	if p.done() || p.peek() != '.' {
		return q, p.errorf("expected '.'")
	}
	p.i++
	p.skipSpace()
	if !p.done() && p.peek() != '#' {
		return q, p.errorf("unexpected text after '.'")
	}
	return q, nil
}

func (p *lineParser) term(allowed ...Kind) (Term, error) {
	p.skipSpace()
	if p.done() {
		return Term{}, p.errorf("unexpected end of line")
	}
	var t Term
	var err error
	switch p.peek() {
	case '<':
		t.Kind = IRI
		t.Value, err = p.iri()
	case '_':
		t.Kind = BlankNode
		t.Value, err = p.blank()
	case '"':
		t.Kind = Literal
		err = p.literal(&t)
	default:
		return t, p.errorf("unexpected character %q", p.peek())
	}
	if err != nil {
		return t, err
	}
	for _, k := range allowed {
		if k == t.Kind {
			return t, nil
		}
	}
	return t, p.errorf("term not allowed in this position")
}

func (p *lineParser) iri() (string, error) {
	p.i++ // <
	var b strings.Builder
	for !p.done() {
		c := p.peek()
		switch {
		case c == '>':
			p.i++
			v := b.String()
			if !strings.Contains(v, ":") {
				return "", p.errorf("relative IRI %q", v)
			}
			return v, nil
		case c == '\\':
			r, err := p.uchar()
			if err != nil {
				return "", err
			}
			// An escape may not smuggle in what IRIREF forbids.
			if r <= 0x20 || (r < 0x80 && strings.IndexByte("<>\"{}|^`\\", byte(r)) >= 0) {
				return "", p.errorf("escaped character %q not allowed in an IRI", r)
			}
			b.WriteRune(r)
		case c <= 0x20 || strings.IndexByte("<\"{}|^`", c) >= 0:
			return "", p.errorf("character %q not allowed in an IRI", c)
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", p.errorf("unterminated IRI")
}

func (p *lineParser) blank() (string, error) {
	if !strings.HasPrefix(p.s[p.i:], "_:") {
		return "", p.errorf("bad blank node")
	}
	p.i += 2
	start := p.i
	for !p.done() {
		r, size := utf8.DecodeRuneInString(p.s[p.i:])
		ok := r == '_' || r == '-' || r == '.' || r == ':' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r >= 0x80 && r != utf8.RuneError
		if !ok {
			break
		}
		p.i += size
	}
	// A label cannot end with '.'.
	for p.i > start && p.s[p.i-1] == '.' {
		p.i--
	}
	if p.i == start {
		return "", p.errorf("empty blank node label")
	}
	return p.s[start:p.i], nil
}

func (p *lineParser) literal(t *Term) error {
	p.i++ // "
	var b strings.Builder
	for {
		if p.done() {
			return p.errorf("unterminated literal")
		}
		c := p.peek()
		if c == '"' {
			p.i++
			break
		}
		if c == '\n' || c == '\r' {
			return p.errorf("newline in literal")
		}
		if c != '\\' {
			b.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return p.errorf("bad escape")
		}
		switch e := p.s[p.i+1]; e {
		case 'u', 'U':
			r, err := p.uchar()
			if err != nil {
				return err
			}
			b.WriteRune(r)
			continue
		case 't':
			b.WriteByte('\t')
		case 'b':
			b.WriteByte('\b')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case '"', '\'', '\\':
			b.WriteByte(e)
		default:
			return p.errorf("bad escape \\%c", e)
		}
		p.i += 2
	}
	t.Value = b.String()
	if !utf8.ValidString(t.Value) {
		return p.errorf("invalid UTF-8 in literal")
	}
	if !p.done() && p.peek() == '@' {
		p.i++
		start := p.i
		for !p.done() && (p.peek() == '-' || 'a' <= p.peek() && p.peek() <= 'z' || 'A' <= p.peek() && p.peek() <= 'Z' || '0' <= p.peek() && p.peek() <= '9') {
			p.i++
		}
		if p.i == start {
			return p.errorf("empty language tag")
		}
		t.Language = p.s[start:p.i]
		t.Datatype = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
	} else if strings.HasPrefix(p.s[p.i:], "^^") {
		p.i += 2
		if p.done() || p.peek() != '<' {
			return p.errorf("expected datatype IRI")
		}
		dt, err := p.iri()
		if err != nil {
			return err
		}
		t.Datatype = dt
	}
	return nil
}

// uchar reads \uXXXX or \UXXXXXXXX at p.i.
func (p *lineParser) uchar() (rune, error) {
	if p.i+1 >= len(p.s) {
		return 0, p.errorf("bad escape")
	}
	n := 4
	switch p.s[p.i+1] {
	case 'u':
	case 'U':
		n = 8
	default:
		return 0, p.errorf("bad escape in IRI")
	}
	if p.i+2+n > len(p.s) {
		return 0, p.errorf("short \\u escape")
	}
	v, err := strconv.ParseUint(p.s[p.i+2:p.i+2+n], 16, 32)
	if err != nil || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return 0, p.errorf("bad \\u escape")
	}
	p.i += 2 + n
	return rune(v), nil
}
