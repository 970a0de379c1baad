package bake

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"unicode/utf8"

	"github.com/onchaincert/microcred/internal/limits"
)

// Budgets of the SVG scanner (see the package doc), checked as the scan
// goes: a token is counted once read, an element's attributes as they are
// read, its depth and declarations before it is pushed.
const (
	// maxSVGDepth caps element nesting; the root <svg> is at depth 1.
	maxSVGDepth = limits.MaxSVGDepth
	// maxSVGTokens caps the tokens of one SVG: start tags, end tags (an
	// empty-element tag counts as both), runs of character data, CDATA
	// sections, comments and processing instructions.
	maxSVGTokens = 1 << 20
	// maxSVGAttrs caps the attributes of one element, namespace
	// declarations included.
	maxSVGAttrs = limits.MaxSVGAttrs
	// maxSVGNamespaces caps the namespace declarations in scope at any
	// point of the document.
	maxSVGNamespaces = 64
)

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// nsKind classifies a namespace URI for finding carriers.
type nsKind uint8

const (
	nsOther  nsKind = iota
	nsOB3           // exactly namespace
	nsOB3ish        // another 1EdTech/IMS URI: a look-alike of Namespace
	nsOB2           // an OB 2.0 URI (http://openbadges.org and the like)
)

func classifyNS(uri []byte) nsKind {
	switch {
	case string(uri) == namespace:
		return nsOB3
	case containsFold(uri, "imsglobal.org"), containsFold(uri, "1edtech.org"):
		return nsOB3ish
	case containsFold(uri, "openbadges"):
		return nsOB2
	}
	return nsOther
}

type svgBinding struct {
	prefix []byte // nil for the default namespace
	uri    []byte // the value as written
	kind   nsKind
}

type svgOpen struct {
	name    []byte // qualified name as written, to match the end tag
	nsMark  int    // len(ns) before this element's declarations
	carrier bool   // this element is the carrier
}

// svgAttr is an attribute of the current tag as offsets into the input
// (no pointers, so filling the reused slice costs no write barriers).
type svgAttr struct {
	n0, n1, v0, v1 int32 // name and value (as written, between the quotes)
}

type svgAttrBytes struct{ name, value []byte }

func (s *svgScanner) attrName(a svgAttr) []byte  { return s.b[a.n0:a.n1] }
func (s *svgScanner) attrValue(a svgAttr) []byte { return s.b[a.v0:a.v1] }

// svgCarrier is an element some reader could take a badge from: one
// named credential or assertion (in any letter case) that has the prefix
// openbadges or is in an Open Badges namespace.
type svgCarrier struct {
	name       []byte // qualified name as written
	ns         []byte // the namespace URI it is in, as written
	kind       nsKind
	ob2        bool // an OB 2.0 assertion (local name assertion)
	start, end int  // the whole element
	depth      int
	parent     []byte // qualified name of the parent element

	verify    []byte // the verify attribute's value as written
	hasVerify bool
	badAttr   []byte // a prefixed or differently cased verify attribute
	cdata     []byte // the first CDATA section
	nCDATA    int
	text      bool   // character data that is not white space
	child     []byte // the first child element
	markup    string // "comment" or "processing instruction", if one is inside
}

// svgDoc is what one scan of an SVG finds.
type svgDoc struct {
	src                []byte
	rootStart, rootEnd int // the root start tag
	rootEmpty          bool
	rootOB             []byte // the root's xmlns:openbadges value as written
	rootHasOB          bool
	carrier            *svgCarrier
}

// line is the 1-based line of byte offset off, for messages.
func (d *svgDoc) line(off int) int { return 1 + bytes.Count(d.src[:off], []byte("\n")) }

func (d *svgDoc) describe(c *svgCarrier) string {
	return fmt.Sprintf("<%s> at line %d, depth %d", c.name, d.line(c.start), c.depth)
}

// describer describes a carrier when an error is formatted, not before.
type describer struct {
	d *svgDoc
	c *svgCarrier
}

func (w describer) String() string { return w.d.describe(w.c) }

// attrEquals reports whether the attribute written as raw has the value s.
func attrEquals(raw []byte, s string) bool {
	if !bytes.ContainsAny(raw, "&\t\n\r") {
		return string(raw) == s
	}
	return string(decodeAttr(nil, raw)) == s
}

// svgScanner is a strict, non-validating XML 1.0 scanner for the subset
// of XML an SVG badge needs. It refuses what a careful XML parser would
// refuse, and more (DTDs but the SVG ones, other encodings); it allocates nothing per token
// and its memory is bounded by the budgets above, not by the input.
type svgScanner struct {
	svgDoc
	b       []byte
	pos     int
	tokens  int
	hasDTD  bool // a document type declaration has been read
	closed  bool // the root element has ended
	open    []svgOpen
	ns      []svgBinding
	attrs   []svgAttr
	seed    maphash.Seed
	gen     uint32
	seen    [2 * maxSVGAttrs]struct{ gen, idx uint32 }
	scratch []byte
}

// scanSVG scans svg, finds its root and its carrier, and refuses it with
// [ErrMultiple] at the second carrier, [ErrLimit] when it goes over a
// budget, and [ErrMalformed] when it is not well-formed.
func scanSVG(svg []byte) (*svgDoc, error) {
	if len(svg) > MaxImageBytes {
		return nil, fmt.Errorf("%w: image larger than %d bytes", ErrLimit, MaxImageBytes)
	}
	s := &svgScanner{b: svg, seed: maphash.MakeSeed()}
	s.src = svg
	s.open = make([]svgOpen, 0, 32)
	s.ns = make([]svgBinding, 0, 16)
	s.attrs = make([]svgAttr, 0, 32)
	s.scratch = make([]byte, 0, 128)
	if err := s.scan(); err != nil {
		return nil, err
	}
	return &s.svgDoc, nil
}

func (s *svgScanner) errorf(off int, format string, args ...any) error {
	return fmt.Errorf("%w: SVG line %d: %s", ErrMalformed, s.line(off), fmt.Sprintf(format, args...))
}

func (s *svgScanner) limitf(off int, format string, args ...any) error {
	return fmt.Errorf("%w: SVG line %d: %s", ErrLimit, s.line(off), fmt.Sprintf(format, args...))
}

func (s *svgScanner) count(off, n int) error {
	s.tokens += n
	if s.tokens > maxSVGTokens {
		return s.limitf(off, "more than %d tokens", maxSVGTokens)
	}
	return nil
}

func (s *svgScanner) scan() error {
	b := s.b
	if bad := invalidChar(b); bad >= 0 {
		return s.errorf(bad, "a byte sequence that is not an XML character in UTF-8 at byte %d", bad)
	}
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		s.pos = 3
	}
	if bytes.HasPrefix(b[s.pos:], []byte("<?xml")) && s.pos+5 < len(b) && isSpace(b[s.pos+5]) {
		if err := s.xmlDecl(); err != nil {
			return err
		}
	}
	for s.pos < len(b) {
		var err error
		rest := b[s.pos:]
		switch {
		case rest[0] != '<':
			err = s.text()
		case bytes.HasPrefix(rest, []byte("<!--")):
			err = s.comment()
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			err = s.cdata()
		case bytes.HasPrefix(rest, []byte("<!DOCTYPE")):
			err = s.doctype()
		case bytes.HasPrefix(rest, []byte("<!")):
			err = s.errorf(s.pos, "markup declarations are refused")
		case bytes.HasPrefix(rest, []byte("<?")):
			err = s.pi()
		case bytes.HasPrefix(rest, []byte("</")):
			err = s.endTag()
		default:
			err = s.startTag()
		}
		if err != nil {
			return err
		}
	}
	switch {
	case len(s.open) > 0:
		return s.errorf(len(b), "the file ends inside <%s>", s.open[len(s.open)-1].name)
	case !s.closed:
		return s.errorf(len(b), "no root element")
	}
	return nil
}

// svgDTDs are the document type declarations of the W3C's SVG 1.0 and 1.1
// DTDs, public identifier and system identifier (SVG 1.0 appendix A, SVG
// 1.1 appendix A), the ones editors write. These DTDs declare no general
// entity, and the attribute defaults they give (xmlns, xmlns:xlink and
// presentation attributes on SVG elements) say nothing about the
// openbadges prefix or the credential element.
var svgDTDs = map[string]string{
	"-//W3C//DTD SVG 1.0//EN":       "http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd",
	"-//W3C//DTD SVG 1.1//EN":       "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd",
	"-//W3C//DTD SVG 1.1 Basic//EN": "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-basic.dtd",
	"-//W3C//DTD SVG 1.1 Tiny//EN":  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-tiny.dtd",
}

// doctype reads a document type declaration (XML 1.0 §2.8) and accepts
// only <!DOCTYPE svg> and the W3C SVG ones of svgDTDs, once, before the
// root element. Everything that could declare an entity, or send a reader
// to another DTD, is refused: an internal subset ("[", which holds entity
// and parameter entity declarations), a SYSTEM identifier, a PUBLIC one
// not in svgDTDs or with another system identifier.
func (s *svgScanner) doctype() error {
	start := s.pos
	switch {
	case s.hasDTD:
		return s.errorf(start, "a second DOCTYPE")
	case len(s.open) > 0 || s.closed:
		return s.errorf(start, "a DOCTYPE after the root element started")
	}
	s.hasDTD = true
	p := start + len("<!DOCTYPE")
	q := skipSpace(s.b, p)
	if q == p {
		return s.errorf(start, "malformed DOCTYPE")
	}
	n, err := s.name(q)
	if err != nil {
		return err
	}
	if string(s.b[q:n]) != "svg" {
		return s.errorf(start, "DOCTYPE %q is refused (only svg)", s.b[q:n])
	}
	p = skipSpace(s.b, n)
	if p < len(s.b) && s.b[p] != '>' && s.b[p] != '[' {
		if p == n {
			return s.errorf(start, "malformed DOCTYPE")
		}
		kw, err := s.name(p)
		if err != nil {
			return err
		}
		if string(s.b[p:kw]) != "PUBLIC" {
			return s.errorf(start, "DOCTYPE with %s identifier is refused (a reader would fetch that DTD)", s.b[p:kw])
		}
		pub, end, err := s.literal(kw, start)
		if err != nil {
			return err
		}
		sys, end, err := s.literal(end, start)
		if err != nil {
			return err
		}
		if want, ok := svgDTDs[string(pub)]; !ok || string(sys) != want {
			return s.errorf(start, "DOCTYPE PUBLIC %q %q is refused (only the W3C SVG 1.0 and 1.1 DTDs)", pub, sys)
		}
		p = skipSpace(s.b, end)
	}
	switch {
	case p < len(s.b) && s.b[p] == '[':
		return s.errorf(start, "a DOCTYPE internal subset is refused (entity and markup declarations)")
	case p >= len(s.b) || s.b[p] != '>':
		return s.errorf(start, "malformed DOCTYPE")
	}
	s.pos = p + 1
	return s.count(start, 1)
}

// literal reads white space and then a quoted system or public literal
// from p, returning its text and the offset after the closing quote.
func (s *svgScanner) literal(p, tag int) ([]byte, int, error) {
	q := skipSpace(s.b, p)
	if q == p || q >= len(s.b) || s.b[q] != '"' && s.b[q] != '\'' {
		return nil, 0, s.errorf(tag, "malformed DOCTYPE")
	}
	end := bytes.IndexByte(s.b[q+1:], s.b[q])
	if end < 0 {
		return nil, 0, s.errorf(tag, "unterminated literal in the DOCTYPE")
	}
	return s.b[q+1 : q+1+end], q + 2 + end, nil
}

// xmlDecl reads <?xml version="1.0" encoding="UTF-8" standalone="…"?>:
// version 1.0 only, and UTF-8 only, since another reader that honours
// another encoding would read other characters.
func (s *svgScanner) xmlDecl() error {
	start := s.pos
	p := s.pos + 5
	version := false
	for {
		q := skipSpace(s.b, p)
		if bytes.HasPrefix(s.b[q:], []byte("?>")) {
			s.pos = q + 2
			break
		}
		if q == p || q >= len(s.b) {
			return s.errorf(start, "malformed XML declaration")
		}
		n := q
		for n < len(s.b) && s.b[n] >= 'a' && s.b[n] <= 'z' {
			n++
		}
		name := s.b[q:n]
		v, end, err := s.quoted(skipSpace(s.b, n), start)
		if err != nil {
			return err
		}
		switch {
		case string(name) == "version" && string(v) == "1.0":
			version = true
		case string(name) == "encoding" && equalFold(string(v), "UTF-8"):
		case string(name) == "standalone" && (string(v) == "yes" || string(v) == "no"):
		default:
			return s.errorf(start, "XML declaration %s=%q is refused (only version 1.0, UTF-8)", name, v)
		}
		p = end
	}
	if !version {
		return s.errorf(start, "XML declaration without version")
	}
	return nil
}

// quoted reads `= "value"` (or single quotes) from p and returns the value
// and the offset after the closing quote.
func (s *svgScanner) quoted(p, tag int) ([]byte, int, error) {
	if p >= len(s.b) || s.b[p] != '=' {
		return nil, 0, s.errorf(tag, "an attribute without =")
	}
	p = skipSpace(s.b, p+1)
	if p >= len(s.b) || s.b[p] != '"' && s.b[p] != '\'' {
		return nil, 0, s.errorf(tag, "an unquoted attribute value")
	}
	end := bytes.IndexByte(s.b[p+1:], s.b[p])
	if end < 0 {
		return nil, 0, s.errorf(tag, "an unterminated attribute value")
	}
	v := s.b[p+1 : p+1+end]
	if bytes.IndexByte(v, '<') >= 0 {
		return nil, 0, s.errorf(tag, "< in an attribute value")
	}
	if err := s.checkRefs(v, p+1); err != nil {
		return nil, 0, err
	}
	return v, p + 2 + end, nil
}

func (s *svgScanner) top() *svgOpen {
	if len(s.open) == 0 {
		return nil
	}
	return &s.open[len(s.open)-1]
}

// inCarrier is the carrier when the current element is it.
func (s *svgScanner) inCarrier() *svgCarrier {
	if t := s.top(); t != nil && t.carrier {
		return s.carrier
	}
	return nil
}

func (s *svgScanner) text() error {
	start := s.pos
	n := bytes.IndexByte(s.b[start:], '<')
	if n < 0 {
		n = len(s.b) - start
	}
	seg := s.b[start : start+n]
	s.pos = start + n
	if err := s.count(start, 1); err != nil {
		return err
	}
	white := isAllSpace(seg)
	if len(s.open) == 0 {
		if !white {
			return s.errorf(start, "text outside the root element")
		}
		return nil
	}
	if i := bytes.Index(seg, []byte("]]>")); i >= 0 {
		return s.errorf(start+i, "]]> in character data")
	}
	if err := s.checkRefs(seg, start); err != nil {
		return err
	}
	if c := s.inCarrier(); c != nil && !white {
		c.text = true
	}
	return nil
}

func (s *svgScanner) comment() error {
	start := s.pos
	body := s.b[start+4:]
	end := bytes.Index(body, []byte("-->"))
	if end < 0 {
		return s.errorf(start, "unterminated comment")
	}
	body = body[:end]
	if i := bytes.Index(body, []byte("--")); i >= 0 || bytes.HasSuffix(body, []byte("-")) {
		return s.errorf(start, "-- inside a comment")
	}
	s.pos = start + 4 + end + 3
	if err := s.count(start, 1); err != nil {
		return err
	}
	if c := s.inCarrier(); c != nil && c.markup == "" {
		c.markup = "comment"
	}
	return s.noHiddenCarrier(body, start, "a comment")
}

func (s *svgScanner) cdata() error {
	start := s.pos
	if len(s.open) == 0 {
		return s.errorf(start, "CDATA section outside the root element")
	}
	body := s.b[start+9:]
	end := bytes.Index(body, []byte("]]>"))
	if end < 0 {
		return s.errorf(start, "unterminated CDATA section")
	}
	body = body[:end]
	s.pos = start + 9 + end + 3
	if err := s.count(start, 1); err != nil {
		return err
	}
	if c := s.inCarrier(); c != nil {
		if c.nCDATA == 0 {
			c.cdata = body
		}
		c.nCDATA++
	}
	return s.noHiddenCarrier(body, start, "a CDATA section")
}

func (s *svgScanner) pi() error {
	start := s.pos
	n, err := s.name(start + 2)
	if err != nil {
		return err
	}
	if equalFold(string(s.b[start+2:n]), "xml") {
		return s.errorf(start, "an XML declaration that is not at the start of the file")
	}
	end := bytes.Index(s.b[n:], []byte("?>"))
	if end < 0 || end > 0 && !isSpace(s.b[n]) {
		return s.errorf(start, "malformed processing instruction")
	}
	s.pos = n + end + 2
	if err := s.count(start, 1); err != nil {
		return err
	}
	if c := s.inCarrier(); c != nil && c.markup == "" {
		c.markup = "processing instruction"
	}
	return s.noHiddenCarrier(s.b[n:n+end], start, "a processing instruction")
}

// noHiddenCarrier refuses "<openbadges:" (in any case) inside a comment,
// CDATA section or processing instruction: a reader that searches the
// text rather than parsing it would find a carrier there.
func (s *svgScanner) noHiddenCarrier(body []byte, off int, where string) error {
	for i := 0; ; i++ {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			return nil
		}
		i += j
		if len(body)-i > len("openbadges:") && equalFold(string(body[i+1:i+1+len("openbadges:")]), "openbadges:") {
			return s.errorf(off, "%s holds %q, which a reader that searches the text would take for a badge", where, body[i:i+1+len("openbadges:")])
		}
	}
}

// name reads an XML name starting at p and returns its end.
func (s *svgScanner) name(p int) (int, error) {
	if p >= len(s.b) || !isNameStart(s.b[p]) {
		return 0, s.errorf(min(p, len(s.b)), "a name was expected")
	}
	q := p + 1
	for q < len(s.b) && isNameChar(s.b[q]) {
		q++
	}
	return q, nil
}

// qname reads a namespace-qualified name (prefix:local or local).
func (s *svgScanner) qname(p int) (int, error) {
	q, err := s.name(p)
	if err != nil {
		return 0, err
	}
	n := s.b[p:q]
	if c := bytes.IndexByte(n, ':'); c >= 0 && (c == 0 || c == len(n)-1 || bytes.IndexByte(n[c+1:], ':') >= 0) {
		return 0, s.errorf(p, "%q is not a qualified name", n)
	}
	return q, nil
}

func splitQName(n []byte) (prefix, local []byte) {
	if c := bytes.IndexByte(n, ':'); c >= 0 {
		return n[:c], n[c+1:]
	}
	return nil, n
}

func (s *svgScanner) startTag() error {
	start := s.pos
	if s.closed {
		return s.errorf(start, "an element after the root element")
	}
	p, err := s.qname(start + 1)
	if err != nil {
		return err
	}
	name := s.b[start+1 : p]
	s.attrs = s.attrs[:0]
	empty, decls := false, false
	for {
		q := skipSpace(s.b, p)
		if q >= len(s.b) {
			return s.errorf(start, "unterminated start tag <%s>", name)
		}
		if s.b[q] == '>' {
			p = q + 1
			break
		}
		if s.b[q] == '/' {
			if q+1 < len(s.b) && s.b[q+1] == '>' {
				p, empty = q+2, true
				break
			}
			return s.errorf(start, "/ inside start tag <%s>", name)
		}
		if q == p {
			return s.errorf(start, "attributes of <%s> not separated by white space", name)
		}
		if len(s.attrs) == maxSVGAttrs {
			return s.limitf(start, "<%s> has more than %d attributes", name, maxSVGAttrs)
		}
		n, err := s.qname(q)
		if err != nil {
			return err
		}
		v, end, err := s.quoted(skipSpace(s.b, n), start)
		if err != nil {
			return err
		}
		s.attrs = append(s.attrs, svgAttr{int32(q), int32(n), int32(end - 1 - len(v)), int32(end - 1)})
		if n-q >= 5 && string(s.b[q:q+5]) == "xmlns" {
			decls = true
		}
		p = end
	}
	if err := s.count(start, 1); err != nil {
		return err
	}
	if err := s.uniqueAttrs(start, name); err != nil {
		return err
	}
	depth := len(s.open) + 1
	if depth > maxSVGDepth {
		return s.limitf(start, "elements nested deeper than %d", maxSVGDepth)
	}
	if c := s.inCarrier(); c != nil && c.child == nil {
		c.child = name
	}
	mark := len(s.ns)
	if decls {
		if err := s.declare(start); err != nil {
			return err
		}
	}
	_, local := splitQName(name)
	if depth == 1 {
		if string(local) != "svg" {
			return s.errorf(start, "root element is <%s>, not <svg>", name)
		}
		s.rootStart, s.rootEnd, s.rootEmpty = start, p, empty
		for _, a := range s.attrs {
			if string(s.attrName(a)) == "xmlns:openbadges" {
				s.rootOB, s.rootHasOB = s.attrValue(a), true
			}
		}
	}
	isCarrier, err := s.carrierAt(start, p, name, depth)
	if err != nil {
		return err
	}
	s.pos = p
	if empty {
		s.ns = s.ns[:mark]
		if isCarrier {
			s.carrier.end = p
		}
		if depth == 1 {
			s.closed = true
		}
		return s.count(start, 1)
	}
	s.open = append(s.open, svgOpen{name: name, nsMark: mark, carrier: isCarrier})
	return nil
}

// uniqueAttrs refuses an attribute name given twice in one tag (XML 1.0
// "Unique Att Spec"): readers differ on which one wins. It is linear in
// the attributes, through a table that is reused for every tag.
func (s *svgScanner) uniqueAttrs(tag int, elem []byte) error {
	if len(s.attrs) < 2 {
		return nil
	}
	s.gen++
	const mask = len(s.seen) - 1
	for i, a := range s.attrs {
		name := s.attrName(a)
		h := int(maphash.Bytes(s.seed, name)) & mask
		for {
			slot := &s.seen[h]
			if slot.gen != s.gen {
				slot.gen, slot.idx = s.gen, uint32(i)
				break
			}
			if bytes.Equal(s.attrName(s.attrs[slot.idx]), name) {
				return s.errorf(tag, "<%s> has the attribute %s twice", elem, name)
			}
			h = (h + 1) & mask
		}
	}
	return nil
}

// declare pushes the current tag's namespace declarations.
func (s *svgScanner) declare(tag int) error {
	for _, at := range s.attrs {
		a := svgAttrBytes{s.attrName(at), s.attrValue(at)}
		prefix, local := splitQName(a.name)
		var bound []byte
		switch {
		case prefix == nil && string(local) == "xmlns":
			bound = nil
		case string(prefix) == "xmlns":
			bound = local
		default:
			continue
		}
		s.scratch = decodeAttr(s.scratch[:0], a.value)
		uri := s.scratch
		switch {
		case string(bound) == "xmlns", string(bound) == "xml" && string(uri) != xmlNamespace,
			string(bound) != "xml" && string(uri) == xmlNamespace:
			return s.errorf(tag, "%s=%q is not allowed", a.name, a.value)
		case bound != nil && len(uri) == 0:
			return s.errorf(tag, "%s undeclares a prefix (not allowed in XML 1.0)", a.name)
		}
		if len(s.ns) == maxSVGNamespaces {
			return s.limitf(tag, "more than %d namespace declarations in scope", maxSVGNamespaces)
		}
		s.ns = append(s.ns, svgBinding{prefix: bound, uri: a.value, kind: classifyNS(uri)})
	}
	return nil
}

// lookup finds the innermost declaration of prefix (nil: the default).
func (s *svgScanner) lookup(prefix []byte) *svgBinding {
	for i := len(s.ns) - 1; i >= 0; i-- {
		if bytes.Equal(s.ns[i].prefix, prefix) && (prefix != nil) == (s.ns[i].prefix != nil) {
			return &s.ns[i]
		}
	}
	return nil
}

// carrierAt records the element just read if it is a carrier; the second
// carrier is an error.
func (s *svgScanner) carrierAt(start, end int, name []byte, depth int) (bool, error) {
	prefix, local := splitQName(name)
	ob2 := equalFold(string(local), "assertion")
	if !ob2 && !equalFold(string(local), "credential") {
		return false, nil
	}
	var uri []byte
	kind := nsOther
	if b := s.lookup(prefix); b != nil {
		uri, kind = b.uri, b.kind
	}
	if kind == nsOther && !equalFold(string(prefix), "openbadges") {
		return false, nil
	}
	c := &svgCarrier{name: name, ns: uri, kind: kind, ob2: ob2, start: start, end: end, depth: depth}
	if depth > 1 {
		c.parent = s.open[len(s.open)-1].name
	}
	for _, at := range s.attrs {
		a := svgAttrBytes{s.attrName(at), s.attrValue(at)}
		switch {
		case string(a.name) == "verify":
			c.verify, c.hasVerify = a.value, true
		case bytes.HasPrefix(a.name, []byte("xmlns")):
		default:
			if _, l := splitQName(a.name); equalFold(string(l), "verify") && c.badAttr == nil {
				c.badAttr = a.name
			}
		}
	}
	if s.carrier != nil {
		return false, fmt.Errorf("%w: %s and %s", ErrMultiple, s.describe(s.carrier), s.describe(c))
	}
	s.carrier = c
	return true, nil
}

func (s *svgScanner) endTag() error {
	start := s.pos
	p, err := s.qname(start + 2)
	if err != nil {
		return err
	}
	name := s.b[start+2 : p]
	p = skipSpace(s.b, p)
	if p >= len(s.b) || s.b[p] != '>' {
		return s.errorf(start, "malformed end tag </%s>", name)
	}
	t := s.top()
	if t == nil {
		return s.errorf(start, "end tag </%s> without a start tag", name)
	}
	if !bytes.Equal(t.name, name) {
		return s.errorf(start, "<%s> closed by </%s>", t.name, name)
	}
	if t.carrier {
		s.carrier.end = p + 1
	}
	s.ns = s.ns[:t.nsMark]
	s.open = s.open[:len(s.open)-1]
	if len(s.open) == 0 {
		s.closed = true
	}
	s.pos = p + 1
	return s.count(start, 1)
}

// checkRefs checks every & in seg starts a predefined entity or a
// character reference to an XML character: no DTD the scanner accepts
// declares another entity.
func (s *svgScanner) checkRefs(seg []byte, off int) error {
	for i := 0; ; {
		j := bytes.IndexByte(seg[i:], '&')
		if j < 0 {
			return nil
		}
		i += j
		_, n := decodeRef(seg[i:])
		if n == 0 {
			end := min(len(seg), i+12)
			return s.errorf(off+i, "%q is not a predefined entity or a character reference", seg[i:end])
		}
		i += n
	}
}

// decodeRef decodes the reference at the start of ref (which starts with
// &); n is 0 if it is not a valid one.
func decodeRef(ref []byte) (r rune, n int) {
	semi := bytes.IndexByte(ref[:min(len(ref), 12)], ';')
	if semi < 0 {
		return 0, 0
	}
	body := string(ref[1:semi])
	switch body {
	case "lt":
		return '<', semi + 1
	case "gt":
		return '>', semi + 1
	case "amp":
		return '&', semi + 1
	case "apos":
		return '\'', semi + 1
	case "quot":
		return '"', semi + 1
	}
	if len(body) < 2 || body[0] != '#' {
		return 0, 0
	}
	digits, base := body[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, 0
	}
	for _, c := range []byte(digits) {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, 0
		}
		r = r*base + d
	}
	if !isXMLChar(r) {
		return 0, 0
	}
	return r, semi + 1
}

// decodeAttr appends the value of an attribute written as raw (already
// checked) to dst: references decoded, and white space normalized as XML
// 1.0 §3.3.3 says (each literal tab, newline or carriage return, and each
// CR LF pair, becomes one space).
func decodeAttr(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		switch c := raw[i]; c {
		case '&':
			r, n := decodeRef(raw[i:])
			dst = utf8.AppendRune(dst, r)
			i += n
		case '\r':
			dst = append(dst, ' ')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case '\t', '\n':
			dst = append(dst, ' ')
			i++
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}

func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// invalidChar returns the offset of the first byte that does not start
// a UTF-8 encoded XML character, or -1.
func invalidChar(b []byte) int {
	ascii := true
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return i
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if ascii {
		return -1
	}
	if !utf8.Valid(b) {
		for i := 0; i < len(b); {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				return i
			}
			i += n
		}
	}
	// U+FFFE and U+FFFF are valid UTF-8 but not XML characters.
	for _, bad := range []string{"\uFFFE", "\uFFFF"} {
		if i := bytes.Index(b, []byte(bad)); i >= 0 {
			return i
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isAllSpace(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, p int) int {
	for p < len(b) && isSpace(b[p]) {
		p++
	}
	return p
}

// isNameStart and isNameChar follow XML 1.0 names for ASCII and accept
// every non-ASCII byte (the input is valid UTF-8 by then).
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

func isNameChar(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// containsFold reports whether b contains the ASCII string sub, ignoring
// ASCII case.
func containsFold(b []byte, sub string) bool {
	for i := 0; i+len(sub) <= len(b); i++ {
		if equalFold(string(b[i:i+len(sub)]), sub) {
			return true
		}
	}
	return false
}

// extractSVG takes the credential out of a baked SVG.
//
// It returns an error wrapping [ErrMultiple] if the SVG holds more than
// one carrier (an element named credential or assertion, in any letter
// case, that has the prefix openbadges or is in an Open Badges namespace,
// at any depth); [ErrOB2] if the one there is an OB 2.0 assertion;
// [ErrMalformed] if it is not an <openbadges:credential> in the OB 3.0
// namespace directly inside the root <svg> (which declares that prefix)
// holding either a verify attribute with a compact JWT or one CDATA
// section with a JSON credential, or if the SVG is not well-formed;
// [ErrLimit] if the SVG goes over a budget; and [ErrNotBaked] if there is
// no carrier.
func extractSVG(svg []byte) (*Payload, error) {
	doc, err := scanSVG(svg)
	if err != nil {
		return nil, err
	}
	return doc.extract()
}

func (d *svgDoc) extract() (*Payload, error) {
	c := d.carrier
	if c == nil {
		return nil, ErrNotBaked
	}
	what := describer{d, c}
	// From spec (OB 3.0 §5.3.2): the root declares xmlns:openbadges, and
	// "directly after the <svg> tag" comes one <openbadges:credential>.
	switch {
	case c.ob2:
		return nil, fmt.Errorf("%w: %s", ErrOB2, what)
	case string(c.name) != "openbadges:credential" || c.kind != nsOB3:
		return nil, fmt.Errorf("%w: %s in namespace %q: OB 3.0 writes <openbadges:credential> with the prefix bound to %q", ErrMalformed, what, c.ns, namespace)
	case c.depth != 2:
		return nil, fmt.Errorf("%w: %s is inside <%s>; OB 3.0 puts it directly inside the root <svg>", ErrMalformed, what, c.parent)
	case !d.rootHasOB || !attrEquals(d.rootOB, namespace):
		return nil, fmt.Errorf("%w: %s, but the root <svg> does not declare xmlns:openbadges=%q", ErrMalformed, what, namespace)
	case c.child != nil:
		return nil, fmt.Errorf("%w: <%s> inside %s", ErrMalformed, c.child, what)
	case c.markup != "":
		return nil, fmt.Errorf("%w: a %s inside %s", ErrMalformed, c.markup, what)
	case c.badAttr != nil:
		return nil, fmt.Errorf("%w: %s has an attribute %s; the JWT goes in verify, without a prefix", ErrMalformed, what, c.badAttr)
	}
	if c.hasVerify {
		if c.nCDATA > 0 || c.text {
			return nil, fmt.Errorf("%w: %s has both a verify attribute and content", ErrMalformed, what)
		}
		p, err := payload(decodeAttr(nil, c.verify))
		if err != nil {
			return nil, err
		}
		if p.format != formatJWT {
			return nil, fmt.Errorf("%w: the verify attribute of %s is not a compact JWT", ErrMalformed, what)
		}
		return p, nil
	}
	// From spec: the JSON "MUST go into the body of the tag, wrapped in
	// <![CDATA[...]]>". Text outside CDATA, or a second section, is read
	// by some readers and not by others.
	switch {
	case c.text:
		return nil, fmt.Errorf("%w: %s holds text outside a CDATA section", ErrMalformed, what)
	case c.nCDATA == 0:
		return nil, fmt.Errorf("%w: %s is empty", ErrMalformed, what)
	case c.nCDATA > 1:
		return nil, fmt.Errorf("%w: %s holds %d CDATA sections, not one", ErrMalformed, what, c.nCDATA)
	}
	p, err := payload(normalizeNewlines(c.cdata))
	if err != nil {
		return nil, err
	}
	if p.format != formatJSON {
		return nil, fmt.Errorf("%w: a JWT belongs in the verify attribute of %s", ErrMalformed, what)
	}
	return p, nil
}

// normalizeNewlines turns CR LF and lone CR into LF, as an XML parser
// does with all text (XML 1.0 §2.11).
func normalizeNewlines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' {
			out = append(out, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		out = append(out, b[i])
	}
	return out
}

// BakeSVG returns a copy of svg carrying credential: JSON in a CDATA
// section, a JWT in the verify attribute, as the first child of the root
// <svg>, which gets the xmlns:openbadges declaration if it lacks it.
// Other bytes are kept.
//
// An SVG that already has a carrier (any element extractSVG counts,
// including an OB 2.0 assertion, or a credential out of place) is refused
// with errAlreadyBaked unless opts.Replace is set; then that element is
// cut out. Two carriers are refused with [ErrMultiple] either way. The
// result is read back with ExtractSVG before it is returned, so whatever
// BakeSVG returns, ExtractSVG reads.
func BakeSVG(svg, credential []byte, opts Options) ([]byte, error) {
	p, err := payload(credential)
	if err != nil {
		return nil, err
	}
	var elem string
	if p.format == formatJWT {
		elem = `<openbadges:credential verify="` + string(p.Data) + `"></openbadges:credential>`
	} else {
		if bytes.Contains(p.Data, []byte("]]>")) {
			return nil, fmt.Errorf("%w: the credential contains \"]]>\", which cannot be baked in CDATA", ErrMalformed)
		}
		// An XML parser turns CR LF into LF in CDATA too, so a CR cannot
		// be carried: JSON white space, it goes now, not on the way out.
		p.Data = normalizeNewlines(p.Data)
		elem = "<openbadges:credential><![CDATA[" + string(p.Data) + "]]></openbadges:credential>"
	}
	doc, err := scanSVG(svg)
	if err != nil {
		return nil, err
	}
	old := doc.carrier
	switch {
	case old != nil && !opts.Replace:
		return nil, fmt.Errorf("%w: %s", errAlreadyBaked, doc.describe(old))
	case doc.rootEmpty:
		return nil, fmt.Errorf("%w: the <svg> element is empty", ErrMalformed)
	case doc.rootHasOB && !attrEquals(doc.rootOB, namespace):
		return nil, fmt.Errorf("%w: the svg binds the openbadges prefix to another namespace", ErrMalformed)
	}
	tag := svg[:doc.rootEnd-1] // without the closing >
	var decl string
	if !doc.rootHasOB {
		decl = ` xmlns:openbadges="` + namespace + `"`
	}
	rest := svg[doc.rootEnd:]
	size := len(tag) + len(decl) + 1 + len(elem) + len(rest)
	if old != nil {
		size -= old.end - old.start
	}
	if size > MaxImageBytes {
		return nil, fmt.Errorf("%w: the baked image would be larger than %d bytes", ErrLimit, MaxImageBytes)
	}
	out := make([]byte, 0, size)
	out = append(append(append(append(out, tag...), decl...), '>'), elem...)
	if old != nil {
		out = append(append(out, svg[doc.rootEnd:old.start]...), svg[old.end:]...)
	} else {
		out = append(out, rest...)
	}
	back, err := extractSVG(out)
	if err != nil {
		return nil, fmt.Errorf("baking the credential into the SVG: %w", err)
	}
	if !bytes.Equal(back.Data, p.Data) {
		return nil, fmt.Errorf("%w: the baked SVG reads back another credential", ErrMalformed)
	}
	return out, nil
}
