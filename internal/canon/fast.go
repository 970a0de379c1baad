package canon

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/piprate/json-gold/ld"

	"github.com/onchaincert/microcred/internal/rdfc"
)

// The compiled-context path.
//
// Most documents we canonicalize cite only context URLs the loader holds,
// and use a small part of JSON-LD: terms with @id/@vocab/@json/datatype
// coercion, @set, @list and @graph containers, property- and type-scoped
// contexts, @protected. For those, general-purpose expansion followed by
// node map generation is most of the cost of a signature. The compiled path
// reads the same active context (processed once per context list and once
// per scoped-context derivation, then cached as a flat term table) and
// writes RDF quads straight from the parsed JSON, following the JSON-LD 1.1
// Expansion (5.1.2), Value Expansion (5.3.2), Node Map Generation (7.2) and
// Deserialize JSON-LD to RDF (8.1) algorithms as json-gold implements them.
//
// Blank node labels differ from the reference path's, and quads come out in
// another order; neither shows in RDFC-1.0 output, which is a function of
// the dataset alone. The compiled path therefore serves Canonicalize only;
// Quads and QuadsAndNodes, whose callers see labels, take the reference path.
//
// Anything the compiled path does not implement, or any input the reference
// path might reject, makes it give up (errFallback) before any output is
// used, and the reference path runs: inline contexts, keywords other than
// @id/@type/@context, null, nested arrays, @value objects, non-string @id,
// relative or undefined IRIs, unknown value types, language or direction
// defaults, @reverse/@index/@language/@id/@type containers, @nest. All
// errors therefore come from the reference path, with its sentinels and
// JSON Pointers.

// errFallback reports that the compiled path does not apply to an input.
var errFallback = errors.New("canon: compiled-context path does not apply")

// fallbackError is errFallback with the reason, for tests and debugging.
type fallbackError struct{ reason string }

func (e *fallbackError) Error() string { return errFallback.Error() + ": " + e.reason }
func (e *fallbackError) Unwrap() error { return errFallback }

func fallback(reason string) error { return &fallbackError{reason} }

// Stats counts which path Canonicalize took; for tests and benchmarks.
type Stats struct {
	// Compiled counts documents canonicalized on the compiled-context path.
	Compiled uint64
	// Reference counts documents that went through json-gold expansion.
	Reference uint64
	// Cached counts small flat documents (proof configurations) answered
	// from the cache of compiled-path results.
	Cached uint64
}

// maxDerived bounds the scoped-context derivations one RDFC caches.
const maxDerived = 1024

type pathCounters struct {
	compiled, reference, cached atomic.Uint64
	derived                     atomic.Int64
}

// Stats returns how many documents took each path so far.
func (c *RDFC) Stats() Stats {
	return Stats{Compiled: c.counters.compiled.Load(), Reference: c.counters.reference.Load(), Cached: c.counters.cached.Load()}
}

// termKind says how a term's IRI mapping is used.
type termKind uint8

const (
	termProperty termKind = iota // an absolute IRI usable as a predicate
	termID                       // alias of @id
	termType                     // alias of @type
	termUnusable                 // anything else: the compiled path gives up on it
)

// term is one compiled term definition.
type term struct {
	kind      termKind
	iri       string
	typ       string // "", "@id", "@vocab", "@json" or an absolute datatype IRI
	list      bool
	graph     bool
	prefix    bool // usable as a compact IRI prefix
	prefixIRI string
	scoped    any // the term's local context, if hasScoped
	hasScoped bool
	// typeUnusable: the datatype is not one the compiled path writes.
	typeUnusable bool
}

type deriveKey struct {
	t         *term
	propagate bool
}

// cctx is a compiled active context. It is immutable but for the cache of
// contexts derived from it.
type cctx struct {
	ld       *ld.Context
	terms    map[string]*term
	vocab    string
	hasVocab bool
	previous *cctx // the context a type-scoped context reverts to
	unusable bool  // defaults (language, direction, base) the path does not implement

	mu      sync.Mutex
	derived map[deriveKey]*cctx
}

func compile(active *ld.Context, previous *cctx) *cctx {
	c := &cctx{ld: active, terms: make(map[string]*term, len(active.TermDefinitions)), previous: previous}
	if v := active.Values; v != nil {
		if v.Vocab != nil {
			c.vocab, c.hasVocab = *v.Vocab, true
		}
		if v.Base != "" || v.HasLanguage || v.Direction != "" {
			c.unusable = true
		}
	}
	for name, td := range active.TermDefinitions {
		c.terms[name] = compileTerm(td)
	}
	return c
}

func compileTerm(td *ld.TermDefinition) *term {
	if td == nil {
		return &term{kind: termUnusable}
	}
	t := &term{iri: td.ID, typ: td.Type, scoped: td.Context, hasScoped: td.HasContext}
	switch {
	case td.ID == "@id":
		t.kind = termID
	case td.ID == "@type":
		t.kind = termType
	case !usablePredicate(td.ID):
		t.kind = termUnusable
	}
	if td.Reverse || td.Nest != "" || td.Index != "" || td.HasLanguage || td.HasDirection {
		t.kind = termUnusable
	}
	for _, k := range td.Container {
		switch k {
		case "@set":
		case "@list":
			t.list = true
		case "@graph":
			t.graph = true
		default:
			t.kind = termUnusable
		}
	}
	if t.list && t.graph {
		t.kind = termUnusable
	}
	switch td.Type {
	case "", "@id", "@vocab":
	case "@json":
		if t.list || t.graph {
			t.kind = termUnusable
		}
	default:
		if !usableIRI(td.Type) {
			t.typeUnusable = true
		}
	}
	if td.ID != "" && td.Prefix != nil && *td.Prefix {
		t.prefix, t.prefixIRI = true, td.ID
	}
	if t.hasScoped && !scopedUsable(td.Context) {
		t.kind = termUnusable
	}
	return t
}

// scopedUsable rejects scoped contexts using @propagate, whose handling
// json-gold's public context API does not expose.
func scopedUsable(ctx any) bool {
	switch x := ctx.(type) {
	case nil, string:
		return true
	case map[string]any:
		_, p := x["@propagate"]
		return !p
	case []any:
		for _, e := range x {
			if !scopedUsable(e) {
				return false
			}
		}
		return true
	}
	return false
}

// usableIRI reports an absolute IRI that safe mode accepts.
func usableIRI(s string) bool {
	if strings.HasPrefix(s, "_:") || !absoluteOrBlank(s) {
		return false
	}
	_, undefined := undefinedSuffix(s)
	return !undefined
}

// usablePredicate is usableIRI for a property IRI, which json-gold also
// requires to parse as an absolute URL.
func usablePredicate(s string) bool {
	return usableIRI(s) && (plainAbsolute(s) || ld.IsAbsoluteIri(s))
}

// plainAbsolute reports, without url.Parse, an IRI of a shape for which
// json-gold's IsAbsoluteIri (url.Parse succeeds and the URL has a scheme)
// is certainly true: a valid scheme; no control character, space or '%'
// (url.Parse's only failures in paths, queries and fragments are bad
// escapes); and an authority, if any, of host-name characters only (no
// user info, port or IP literal, which url.Parse validates). Other IRIs
// go through IsAbsoluteIri.
func plainAbsolute(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || !absoluteOrBlank(s) || strings.HasPrefix(s, "_:") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '%' {
			return false
		}
	}
	rest := s[colon+1:]
	if !strings.HasPrefix(rest, "//") {
		return true
	}
	auth := rest[2:]
	if i := strings.IndexAny(auth, "/?#"); i >= 0 {
		auth = auth[:i]
	}
	if auth == "" {
		return false
	}
	for i := 0; i < len(auth); i++ {
		switch c := auth[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}

// derive returns the context after applying t's scoped context: a
// property-scoped context (propagate) or a type-scoped one (!propagate,
// which the next node object reverts).
func (c *cctx) derive(r *RDFC, t *term, propagate bool) (*cctx, error) {
	key := deriveKey{t, propagate}
	c.mu.Lock()
	d, ok := c.derived[key]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	// Context Processing (JSON-LD 1.1 API 4.1.2) is json-gold's: the
	// expensive part runs once per (context, scoped context) pair. The
	// public Parse does not override protected terms, as a property-scoped
	// context may: where that matters, Parse fails and the reference path
	// runs instead.
	active, err := c.ld.Parse(t.scoped)
	if err != nil {
		return nil, fallback("scoped context: " + err.Error())
	}
	prev := c.previous
	if !propagate && prev == nil {
		prev = c
	}
	d = compile(active, prev)
	if r.counters.derived.Add(1) > maxDerived {
		return d, nil // a hostile document: do not grow the cache
	}
	c.mu.Lock()
	if c.derived == nil {
		c.derived = make(map[deriveKey]*cctx)
	}
	if old, ok := c.derived[key]; ok {
		d = old
	} else {
		c.derived[key] = d
	}
	c.mu.Unlock()
	return d, nil
}

// compiled returns the compiled context for a cacheable @context.
func (c *RDFC) compiled(key string, ctx any) (*cctx, error) {
	c.mu.RLock()
	cc, ok := c.compiledCtx[key]
	c.mu.RUnlock()
	if ok {
		return cc, nil
	}
	active, err := c.activeContext(key, ctx)
	if err != nil {
		return nil, fallback("context: " + err.Error())
	}
	cc = compile(active, nil)
	c.mu.Lock()
	if old, ok := c.compiledCtx[key]; ok {
		cc = old
	} else if len(c.compiledCtx) < maxCachedContexts {
		c.compiledCtx[key] = cc
	}
	c.mu.Unlock()
	return cc, nil
}

// expandIRI is IRI Expansion (JSON-LD 1.1 API 5.2.2) on a compiled
// context, for a value in the document: vocab for property names and
// types and for @vocab-coerced values, not for @id. It returns "" where the
// result is a keyword the path does not handle, would be relative, or
// would not be accepted by safe mode.
func (c *cctx) expandIRI(v string, vocab bool) (string, *term) {
	if strings.HasPrefix(v, "@") {
		if v == "@id" || v == "@type" {
			return v, nil
		}
		return "", nil
	}
	if vocab {
		if t, ok := c.terms[v]; ok {
			if t.kind == termUnusable {
				return "", nil
			}
			return t.iri, t
		}
	}
	if i := strings.IndexByte(v, ':'); i > 0 {
		prefix, suffix := v[:i], v[i+1:]
		if prefix == "_" {
			if vocab || len(v) <= 2 {
				return "", nil // blank node types and predicates are unsafe
			}
			return v, nil
		}
		if !strings.HasPrefix(suffix, "//") {
			if t, ok := c.terms[prefix]; ok {
				if !t.prefix {
					return "", nil // json-gold and the spec might disagree here
				}
				v = t.prefixIRI + suffix
				if !usablePredicate(v) {
					return "", nil
				}
				return v, nil
			}
		}
		if usablePredicate(v) {
			return v, nil
		}
		return "", nil
	}
	if vocab && c.hasVocab {
		v = c.vocab + v
		if usablePredicate(v) {
			return v, nil
		}
	}
	return "", nil
}

// fastConv writes quads for one document.
type fastConv struct {
	r      *RDFC
	out    []rdfc.Quad
	blank  int
	labels map[string]string // the document's blank node identifiers
}

var (
	predType  = rdfc.Term{Kind: rdfc.IRI, Value: rdfType}
	predFirst = rdfc.Term{Kind: rdfc.IRI, Value: rdfFirst}
	predRest  = rdfc.Term{Kind: rdfc.IRI, Value: rdfRest}
	termNil   = rdfc.Term{Kind: rdfc.IRI, Value: rdfNil}
)

// fastQuads converts doc on the compiled path, or returns errFallback.
func (c *RDFC) fastQuads(doc map[string]any) ([]rdfc.Quad, error) {
	key, ok := contextKey(doc["@context"])
	if !ok {
		return nil, fallback("@context is not a list of URLs")
	}
	cc, err := c.compiled(key, doc["@context"])
	if err != nil {
		return nil, err
	}
	f := &fastConv{r: c, out: getQuads()}
	if _, err := f.node(cc, doc, rdfc.Term{}, true); err != nil {
		return nil, err
	}
	return f.out, nil
}

// quadPool recycles the quad slices of the compiled path (a 50-quad
// credential's slice is ~11 KiB, zeroed on every allocation otherwise).
var quadPool = sync.Pool{New: func() any { s := make([]rdfc.Quad, 0, 64); return &s }}

func getQuads() []rdfc.Quad { return (*quadPool.Get().(*[]rdfc.Quad))[:0] }

// putQuads returns a slice to the pool, dropping its string references.
func putQuads(q []rdfc.Quad) {
	if cap(q) > 4096 {
		return
	}
	clear(q[:cap(q)])
	q = q[:0]
	quadPool.Put(&q)
}

func (f *fastConv) newBlank() rdfc.Term {
	f.blank++
	return rdfc.Term{Kind: rdfc.BlankNode, Value: "f" + strconv.Itoa(f.blank)}
}

// blankFor maps a blank node identifier of the document ("_:x").
func (f *fastConv) blankFor(id string) rdfc.Term {
	if l, ok := f.labels[id]; ok {
		return rdfc.Term{Kind: rdfc.BlankNode, Value: l}
	}
	if f.labels == nil {
		f.labels = make(map[string]string)
	}
	t := f.newBlank()
	f.labels[id] = t.Value
	return t
}

func (f *fastConv) emit(s, p, o, g rdfc.Term) {
	f.out = append(f.out, rdfc.Quad{Subject: s, Predicate: p, Object: o, Graph: g})
}

// idTerm expands a node's @id (document-relative, not vocab-relative).
func (c *cctx) idTerm(f *fastConv, v any) (rdfc.Term, error) {
	s, ok := v.(string)
	if !ok {
		return rdfc.Term{}, fallback("@id is not a string")
	}
	iri, _ := c.expandIRI(s, false)
	if iri == "" || iri == "@id" || iri == "@type" {
		return rdfc.Term{}, fallback("@id " + strconv.Quote(s))
	}
	if strings.HasPrefix(iri, "_:") {
		return f.blankFor(iri), nil
	}
	return rdfc.Term{Kind: rdfc.IRI, Value: iri}, nil
}

// node writes a node object's quads into graph g and returns its subject
// (Expansion 5.1.2 steps 6-14 with Node Map Generation 7.2 step 6).
func (f *fastConv) node(c *cctx, m map[string]any, g rdfc.Term, top bool) (rdfc.Term, error) {
	if c.unusable {
		return rdfc.Term{}, fallback("context sets a default language, direction or base")
	}
	// Find the @type member, in the context on entry.
	var typeKey string
	nType := 0
	for k := range m {
		if k == "@context" {
			if !top {
				return rdfc.Term{}, fallback("an embedded context")
			}
			continue
		}
		if iri, _ := c.expandIRI(k, true); iri == "@type" {
			typeKey = k
			nType++
		}
	}
	if nType > 1 {
		return rdfc.Term{}, fallback("several @type members")
	}
	// Type-scoped contexts, in lexicographic order of the types
	// (Expansion step 11); the types expand in the context before them.
	typeScoped := c
	var types []string
	if nType == 1 {
		switch tv := m[typeKey].(type) {
		case string:
			types = []string{tv}
		case []any:
			types = make([]string, len(tv))
			for i, e := range tv {
				s, ok := e.(string)
				if !ok {
					return rdfc.Term{}, fallback("@type value is not a string")
				}
				types[i] = s
			}
		default:
			return rdfc.Term{}, fallback("@type value is not a string or list")
		}
		sorted := types
		if len(types) > 1 {
			sorted = append([]string(nil), types...)
			sort.Strings(sorted)
		}
		for _, tn := range sorted {
			if t, ok := typeScoped.terms[tn]; ok && t.hasScoped {
				if t.kind == termUnusable && !scopedUsable(t.scoped) {
					return rdfc.Term{}, fallback("type-scoped context uses @propagate")
				}
				d, err := c.derive(f.r, t, false)
				if err != nil {
					return rdfc.Term{}, err
				}
				c = d
				if c.unusable {
					return rdfc.Term{}, fallback("type-scoped context sets a default language, direction or base")
				}
			}
		}
	}
	// The other members expand in the context the types gave.
	var idKey string
	nID := 0
	for k := range m {
		if k == "@context" {
			continue
		}
		switch iri, _ := c.expandIRI(k, true); iri {
		case "@id":
			idKey = k
			nID++
		case "@type":
			if k != typeKey {
				return rdfc.Term{}, fallback("a type-scoped @type alias")
			}
		case "":
			return rdfc.Term{}, fallback("member " + strconv.Quote(k))
		default:
			if k == typeKey {
				return rdfc.Term{}, fallback("a type-scoped @type alias")
			}
		}
	}
	if nID > 1 {
		return rdfc.Term{}, fallback("several @id members")
	}
	var subject rdfc.Term
	if nID == 1 {
		var err error
		if subject, err = c.idTerm(f, m[idKey]); err != nil {
			return rdfc.Term{}, err
		}
	} else {
		subject = f.newBlank()
	}
	for _, tn := range types {
		iri, _ := typeScoped.expandIRI(tn, true)
		if iri == "" || iri == "@id" || iri == "@type" {
			return rdfc.Term{}, fallback("type " + strconv.Quote(tn))
		}
		f.emit(subject, predType, rdfc.Term{Kind: rdfc.IRI, Value: iri}, g)
	}
	for k, v := range m {
		if k == "@context" || k == idKey || k == typeKey {
			continue
		}
		iri, t := c.expandIRI(k, true)
		if iri == "" || iri == "@id" || iri == "@type" {
			return rdfc.Term{}, fallback("member " + strconv.Quote(k))
		}
		if err := f.property(c, subject, k, iri, t, v, g); err != nil {
			return rdfc.Term{}, err
		}
	}
	return subject, nil
}

// property writes the statements of one member (Expansion step 13 for a
// non-keyword key, then the node map and RDF conversion of its values).
func (f *fastConv) property(c *cctx, s rdfc.Term, key, iri string, t *term, v any, g rdfc.Term) error {
	p := rdfc.Term{Kind: rdfc.IRI, Value: iri}
	termCtx := c
	if t != nil && t.hasScoped {
		d, err := c.derive(f.r, t, true)
		if err != nil {
			return err
		}
		termCtx = d
		// The value is expanded with the term as the scoped context
		// defines it; give up if that changes anything we rely on.
		t2 := d.terms[key]
		if t2 == nil || t2.kind != t.kind || t2.iri != t.iri || t2.typ != t.typ || t2.list != t.list || t2.graph != t.graph || t2.typeUnusable != t.typeUnusable || t2.hasScoped != t.hasScoped {
			return fallback("scoped context redefines " + strconv.Quote(key))
		}
		t = t2
	}
	if t != nil && t.typeUnusable {
		return fallback("datatype of " + strconv.Quote(key))
	}
	if v == nil {
		return fallback("null value")
	}
	if t != nil && t.typ == "@json" {
		lit, err := literal(v, "@json", "", false)
		if err != nil {
			return fallback("JSON literal")
		}
		f.emit(s, p, lit, g)
		return nil
	}
	items, isArray := v.([]any)
	if !isArray {
		items = []any{v}
	}
	if t != nil && t.list {
		objs := make([]rdfc.Term, len(items))
		for i, it := range items {
			if _, nested := it.([]any); nested {
				return fallback("list of lists")
			}
			o, err := f.object(termCtx, key, t, it, g)
			if err != nil {
				return err
			}
			objs[i] = o
		}
		head := termNil
		if len(objs) > 0 {
			nodes := make([]rdfc.Term, len(objs))
			for i := range nodes {
				nodes[i] = f.newBlank()
			}
			for i, o := range objs {
				f.emit(nodes[i], predFirst, o, g)
				next := termNil
				if i+1 < len(nodes) {
					next = nodes[i+1]
				}
				f.emit(nodes[i], predRest, next, g)
			}
			head = nodes[0]
		}
		f.emit(s, p, head, g)
		return nil
	}
	for _, it := range items {
		if t != nil && t.graph {
			// A graph container: the value becomes a graph object whose
			// blank node name the property refers to.
			if _, ok := it.(map[string]any); !ok {
				return fallback("graph container value is not an object")
			}
			name := f.newBlank()
			if _, err := f.object(termCtx, key, t, it, name); err != nil {
				return err
			}
			f.emit(s, p, name, g)
			continue
		}
		o, err := f.object(termCtx, key, t, it, g)
		if err != nil {
			return err
		}
		f.emit(s, p, o, g)
	}
	return nil
}

// object converts one value of key (not an array) to an RDF term, writing
// a node object's own statements into graph g.
func (f *fastConv) object(termCtx *cctx, key string, t *term, v any, g rdfc.Term) (rdfc.Term, error) {
	switch x := v.(type) {
	case map[string]any:
		child := termCtx
		if termCtx.previous != nil && !soleID(termCtx, x) {
			child = termCtx.previous // type-scoped contexts do not propagate
		}
		if t != nil && t.hasScoped {
			d, err := child.derive(f.r, t, true)
			if err != nil {
				return rdfc.Term{}, err
			}
			child = d
		}
		return f.node(child, x, g, false)
	case string:
		if t != nil && (t.typ == "@id" || t.typ == "@vocab") {
			if t.typ == "@vocab" {
				iri, _ := termCtx.expandIRI(x, true)
				if iri == "" || iri == "@id" || iri == "@type" {
					return rdfc.Term{}, fallback("@vocab value " + strconv.Quote(x))
				}
				return rdfc.Term{Kind: rdfc.IRI, Value: iri}, nil
			}
			return termCtx.idTerm(f, x)
		}
	case float64, bool:
		if t != nil && (t.typ == "@id" || t.typ == "@vocab") {
			return rdfc.Term{}, fallback("non-string value of an @id or @vocab term")
		}
	default:
		return rdfc.Term{}, fallback(fmt.Sprintf("value of type %T", v))
	}
	dt := ""
	if t != nil {
		dt = t.typ
	}
	lit, err := literal(v, dt, "", false)
	if err != nil {
		return rdfc.Term{}, fallback("literal: " + err.Error())
	}
	return lit, nil
}

// soleID reports a node reference: a single member expanding to @id,
// which keeps a type-scoped context (Expansion step 7).
func soleID(c *cctx, m map[string]any) bool {
	if len(m) != 1 {
		return false
	}
	for k := range m {
		iri, _ := c.expandIRI(k, true)
		return iri == "@id"
	}
	return false
}
