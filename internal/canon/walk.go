package canon

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/onchaincert/microcred/internal/rdfc"
)

// The walker: one pass over a document that both checks it and writes its
// RDF.
//
// It follows the JSON-LD 1.1 Expansion (5.1.2), IRI Expansion (5.2.2),
// Value Expansion (5.3.2), Node Map Generation (7.2) and Deserialize
// JSON-LD to RDF (8.1) algorithms, on compiled contexts (context.go), for
// documents in the compacted form of their contexts, and refuses every
// other document with an *UnsafeError naming the JSON Pointer. "Compacted
// form" here means what a JSON reader needs to see the same document as a
// JSON-LD processor:
//
//   - every member is the term its contexts define for its IRI (or, for an
//     IRI no term names, a compact or absolute IRI); a document-defined
//     second name for a defined IRI, a redefinition of a pinned term, or an
//     alias of @id/@type is refused (ErrAlias);
//   - no keywords but @context, the @id/@type aliases (or @id/@type where
//     the contexts alias neither) and, in value objects, @value, @type and
//     @language: @graph, @included, @reverse, @nest, @index, @list, @set
//     and keyword-like names are refused (ErrNotCompacted), as is null
//     (JSON-LD drops it) and an array inside an array;
//   - an @id is an absolute IRI written in full: not relative, not a
//     compact IRI, not a blank node identifier;
//   - every IRI is a valid absolute IRI that canonical N-Quads can carry
//     (ErrInvalidIRI), every type and member defined (ErrUndefinedTerm),
//     a base direction only "ltr" or "rtl", on a string without a
//     datatype (ErrUnsafeDirection), written in the literal's i18n datatype
//     whether it is the value's own @direction or its term's or context's
//     default;
//   - JSON-LD features beyond those the pinned contexts use (@reverse,
//     @nest, @index, language/id/type maps, @base, @propagate) are refused
//     as unsupported (ErrUnsupported).
//
// Blank node labels are the walker's own ("f1", "f2", ...); RDFC-1.0
// output does not depend on them.

// walker writes quads for one document.
type walker struct {
	r      *RDFC
	out    []rdfc.Quad
	blank  int
	budget budget
	// nodes, when non-nil, receives every node object, children first,
	// with its pointer (path holds the current one).
	nodes *[]Node
	path  []string
	one   [1]string // a single type, without an allocation
	// check: only check, write no quads (Check); literals are validated,
	// not converted, and blank nodes not labelled.
	check bool
	// sawDir: a literal with a base direction was written (see
	// directionTwin).
	sawDir bool
}

var (
	predType  = rdfc.Term{Kind: rdfc.IRI, Value: rdfType}
	predFirst = rdfc.Term{Kind: rdfc.IRI, Value: rdfFirst}
	predRest  = rdfc.Term{Kind: rdfc.IRI, Value: rdfRest}
	termNil   = rdfc.Term{Kind: rdfc.IRI, Value: rdfNil}
)

// walk checks doc and returns its quads (from the pool: putQuads them).
func (r *RDFC) walk(doc map[string]any, nodes *[]Node) ([]rdfc.Quad, error) {
	return r.walkWith(&walker{r: r, out: getQuads(), nodes: nodes}, doc)
}

// walkWith runs w over doc.
func (r *RDFC) walkWith(w *walker, doc map[string]any) ([]rdfc.Quad, error) {
	ctx, has := doc["@context"]
	if !has {
		putQuads(w.out)
		return nil, &UnsafeError{Kind: ErrContext, Term: "the document has no @context"}
	}
	cc, err := r.root(&w.budget, ctx)
	if err != nil {
		putQuads(w.out)
		return nil, at(err, "@context")
	}
	if _, err := w.node(cc, doc, rdfc.Term{}, true); err != nil {
		putQuads(w.out)
		return nil, err
	}
	if w.sawDir {
		if w.check {
			// Check writes no quads; directions are rare: walk again.
			q, err := r.walk(doc, nil)
			putQuads(q)
			return nil, err
		}
		if err := directionTwin(w.out); err != nil {
			putQuads(w.out)
			return nil, err
		}
	}
	return w.out, nil
}

// quadPool recycles the quad slices of the walker (a 50-quad credential's
// slice is ~11 KiB, zeroed on every allocation otherwise).
var quadPool = sync.Pool{New: func() any { s := make([]rdfc.Quad, 0, 64); return &s }}

func getQuads() []rdfc.Quad { return (*quadPool.Get().(*[]rdfc.Quad))[:0] }

// putQuads returns a slice to the pool, dropping its string references.
func putQuads(q []rdfc.Quad) {
	if q == nil || cap(q) > 4096 {
		return
	}
	clear(q[:cap(q)])
	q = q[:0]
	quadPool.Put(&q)
}

func (w *walker) newBlank() rdfc.Term {
	if w.check {
		return rdfc.Term{Kind: rdfc.BlankNode}
	}
	w.blank++
	return rdfc.Term{Kind: rdfc.BlankNode, Value: "f" + strconv.Itoa(w.blank)}
}

func (w *walker) emit(s, p, o, g rdfc.Term) {
	if w.check {
		return
	}
	w.out = append(w.out, rdfc.Quad{Subject: s, Predicate: p, Object: o, Graph: g})
}

func (w *walker) push(tok string) {
	if w.nodes != nil {
		w.path = append(w.path, tok)
	}
}

func (w *walker) pop() {
	if w.nodes != nil {
		w.path = w.path[:len(w.path)-1]
	}
}

func (w *walker) pointer() string {
	var b strings.Builder
	for _, t := range w.path {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}

// idTerm expands a node's @id or an @id-coerced value. It must be an
// absolute IRI written in full: JSON-LD would resolve a relative one,
// expand a compact one, and relabel a blank node identifier, so the JSON
// would show another value than the graph holds.
func (c *cctx) idTerm(v any) (rdfc.Term, error) {
	s, ok := v.(string)
	if !ok {
		return rdfc.Term{}, &UnsafeError{Kind: ErrNotCompacted, Term: fmt.Sprint(v), why: "an @id must be a string"}
	}
	iri, _, err := c.expandIRI(s, false)
	if err != nil {
		if ue, ok := err.(*UnsafeError); ok && ue.Kind == ErrUndefinedTerm {
			return rdfc.Term{}, &UnsafeError{Kind: ErrRelativeIRI, Term: s}
		}
		return rdfc.Term{}, err
	}
	if iri != s {
		return rdfc.Term{}, &UnsafeError{Kind: ErrNotCompacted, Term: s, why: "a compact IRI as an @id expands to " + strconv.Quote(iri) + "; write the IRI in full"}
	}
	return rdfc.Term{Kind: rdfc.IRI, Value: iri}, nil
}

// vocabTerm expands a type or an @vocab-coerced value: a term of the
// context, or an IRI no term names.
func (c *cctx) vocabTerm(v string) (rdfc.Term, error) {
	iri, t, err := c.expandIRI(v, true)
	if err != nil {
		if ue, ok := err.(*UnsafeError); ok && ue.Kind == ErrUndefinedTerm && ue.why == "" && !c.hasVocab {
			// Without @vocab, JSON-LD keeps v as a relative IRI, which RDF
			// conversion then drops.
			ue.Kind = ErrRelativeIRI
		}
		return rdfc.Term{}, err
	}
	if iri == "@id" || iri == "@type" {
		return rdfc.Term{}, &UnsafeError{Kind: ErrNotCompacted, Term: v, why: "a keyword is not a type"}
	}
	if err := c.checkName(v, iri, t); err != nil {
		return rdfc.Term{}, err
	}
	return rdfc.Term{Kind: rdfc.IRI, Value: iri}, nil
}

// checkName refuses a name that is not the context's own name for iri: an
// alias or redefinition the document made, or an IRI (full or compact)
// spelled where a term names it.
func (c *cctx) checkName(name, iri string, t *term) error {
	switch {
	case t != nil && t.redefines:
		return &UnsafeError{Kind: ErrAlias, Term: name, why: "the document redefines a term of its pinned contexts"}
	case t != nil && t.alias:
		other := c.rev[iri].name
		if other == name {
			other = "another term"
		} else {
			other = strconv.Quote(other)
		}
		return &UnsafeError{Kind: ErrAlias, Term: name, why: "the document defines it as a second name for " + iri + ", which its contexts call " + other}
	case t == nil:
		if e := c.rev[iri]; e.n > 0 {
			return &UnsafeError{Kind: ErrAlias, Term: name, why: "the contexts name this IRI " + strconv.Quote(e.name) + "; use that name"}
		}
	}
	return nil
}

// memberKind classifies a member name of a node object.
func (c *cctx) member(k string) (iri string, t *term, err error) {
	iri, t, err = c.expandIRI(k, true)
	if err != nil {
		return "", t, err
	}
	switch iri {
	case "@id", "@type":
		if t == nil && c.rev[iri].n > 0 {
			return "", nil, &UnsafeError{Kind: ErrNotCompacted, Term: k, why: "the contexts alias " + k + " as " + strconv.Quote(c.rev[iri].name) + "; use that name"}
		}
		if t != nil && t.alias {
			return "", t, &UnsafeError{Kind: ErrAlias, Term: k, why: "the document defines its own alias of " + iri}
		}
		return iri, t, nil
	}
	if err := c.checkName(k, iri, t); err != nil {
		return "", nil, err
	}
	return iri, t, nil
}

// node writes a node object's quads into graph g and returns its subject
// (Expansion 5.1.2 steps 6-14 with Node Map Generation 7.2 step 6).
func (w *walker) node(c *cctx, m map[string]any, g rdfc.Term, top bool) (rdfc.Term, error) {
	// Step 9: an embedded context (the top level's was processed already).
	if local, ok := m["@context"]; ok && !top {
		d, err := c.embedded(w.r, &w.budget, local)
		if err != nil {
			return rdfc.Term{}, at(err, "@context")
		}
		c = d
	}
	if c.why != "" {
		return rdfc.Term{}, &UnsafeError{Kind: ErrUnsupported, Term: "@context", why: c.why}
	}
	// Find the @type member, in the context on entry: "@type" itself or a
	// term aliasing it (no compact or absolute IRI expands to a keyword).
	typeKey := ""
	for k := range m {
		if k == "@context" {
			continue
		}
		if t := c.terms[k]; !(strings.HasPrefix(k, "@") || t != nil && (t.kind == termType || t.kind == termID)) {
			continue
		}
		// A keyword spelling or keyword alias in error is reported now:
		// the types depend on it.
		iri, _, err := c.member(k)
		if err != nil {
			return rdfc.Term{}, at(err, k)
		}
		if iri == "@type" {
			if typeKey != "" {
				return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: k, why: "a second @type member (" + strconv.Quote(typeKey) + ")"}, k)
			}
			typeKey = k
		}
	}
	// Type-scoped contexts, in lexicographic order of the types
	// (Expansion step 11); the types expand in the context before them.
	typeScoped := c
	var types []string
	if typeKey != "" {
		switch tv := m[typeKey].(type) {
		case string:
			types = w.one[:1]
			types[0] = tv
		case []any:
			types = make([]string, len(tv))
			for i, e := range tv {
				s, ok := e.(string)
				if !ok {
					return rdfc.Term{}, at(at(&UnsafeError{Kind: ErrNotCompacted, Term: fmt.Sprint(e), why: "a type must be a string"}, strconv.Itoa(i)), typeKey)
				}
				types[i] = s
			}
		default:
			return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: fmt.Sprint(tv), why: "a type must be a string or a list of strings"}, typeKey)
		}
		for _, tn := range sortedTypes(types) {
			if t, ok := typeScoped.terms[tn]; ok && t.hasScoped {
				if t.kind == termUnusable {
					return rdfc.Term{}, at(&UnsafeError{Kind: ErrUnsupported, Term: tn, why: t.why}, typeKey)
				}
				d, err := c.derive(w.r, &w.budget, t, false)
				if err != nil {
					return rdfc.Term{}, at(err, typeKey)
				}
				c = d
				if c.why != "" {
					return rdfc.Term{}, at(&UnsafeError{Kind: ErrUnsupported, Term: tn, why: c.why}, typeKey)
				}
			}
		}
	}
	// The other members expand in the context the types gave. Of several
	// members in error, the first by name is reported, so that a document
	// always gets the same error.
	idKey := ""
	var firstErr error
	errKey := ""
	var buf [24]memberInfo
	members := buf[:0]
	for k := range m {
		if k == "@context" {
			continue
		}
		iri, t, err := c.member(k)
		if err != nil {
			if firstErr == nil || k < errKey {
				firstErr, errKey = err, k
			}
			continue
		}
		switch iri {
		case "@id":
			if idKey != "" {
				return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: k, why: "a second @id member (" + strconv.Quote(idKey) + ")"}, k)
			}
			idKey = k
		case "@type":
			if k != typeKey {
				return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: k, why: "a type-scoped context makes it a second @type member"}, k)
			}
		default:
			if k == typeKey {
				return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: k, why: "a type-scoped context redefines the @type member"}, k)
			}
			members = append(members, memberInfo{k, iri, t})
		}
	}
	if firstErr != nil {
		return rdfc.Term{}, at(firstErr, errKey)
	}
	var subject rdfc.Term
	id := ""
	if idKey != "" {
		var err error
		if subject, err = c.idTerm(m[idKey]); err != nil {
			return rdfc.Term{}, at(err, idKey)
		}
		id = subject.Value
	} else {
		subject = w.newBlank()
	}
	for i, tn := range types {
		o, err := typeScoped.vocabTerm(tn)
		if err != nil {
			if len(types) > 1 || isList(m[typeKey]) {
				err = at(err, strconv.Itoa(i))
			}
			return rdfc.Term{}, at(err, typeKey)
		}
		w.emit(subject, predType, o, g)
	}
	for _, mi := range members {
		k := mi.key
		w.push(k)
		err := w.property(c, subject, k, mi.iri, mi.t, m[k], g)
		w.pop()
		if err != nil && (firstErr == nil || k < errKey) {
			firstErr, errKey = err, k
		}
	}
	if firstErr != nil {
		return rdfc.Term{}, at(firstErr, errKey)
	}
	if w.nodes != nil {
		idName := "@id"
		if e := c.rev["@id"]; e.n > 0 {
			idName = e.name
		}
		*w.nodes = append(*w.nodes, Node{Pointer: w.pointer(), ID: id, IDMember: idName})
	}
	return subject, nil
}

// memberInfo is a member of a node object and what its name expands to.
type memberInfo struct {
	key, iri string
	t        *term
}

func isList(v any) bool {
	_, ok := v.([]any)
	return ok
}

// property writes the statements of one member (Expansion step 13 for a
// non-keyword key, then the node map and RDF conversion of its values).
func (w *walker) property(c *cctx, s rdfc.Term, key, iri string, t *term, v any, g rdfc.Term) error {
	p := rdfc.Term{Kind: rdfc.IRI, Value: iri}
	// Scalar values expand in the term's property-scoped context, with
	// the term as that context defines it (vt; nil when the scoped
	// context drops it); containers and @json come from t itself.
	termCtx, vt := c, t
	if t != nil && t.hasScoped {
		d, err := c.derive(w.r, &w.budget, t, true)
		if err != nil {
			return err
		}
		termCtx, vt = d, d.terms[key]
		if vt != nil && vt.kind != termProperty {
			vt = nil
		}
	}
	if t != nil && t.typ == "@json" {
		lit, err := w.literal(v, "@json", "", false)
		if err != nil {
			return &UnsafeError{Kind: ErrNotCompacted, Term: key, why: err.Error()}
		}
		w.emit(s, p, lit, g)
		return nil
	}
	if v == nil {
		return nil // JSON-LD drops it, and so does every reader: null is no value
	}
	items, isArray := v.([]any)
	if !isArray {
		items = []any{v}
	}
	if t != nil && t.list {
		objs := make([]rdfc.Term, 0, len(items))
		for i, it := range items {
			if it == nil {
				continue // a null in a list is dropped
			}
			w.push(strconv.Itoa(i))
			o, err := w.item(c, termCtx, key, t, vt, it, g)
			w.pop()
			if err != nil {
				if isArray {
					err = at(err, strconv.Itoa(i))
				}
				return err
			}
			objs = append(objs, o)
		}
		head := termNil
		if len(objs) > 0 {
			nodes := make([]rdfc.Term, len(objs))
			for i := range nodes {
				nodes[i] = w.newBlank()
			}
			for i, o := range objs {
				w.emit(nodes[i], predFirst, o, g)
				next := termNil
				if i+1 < len(nodes) {
					next = nodes[i+1]
				}
				w.emit(nodes[i], predRest, next, g)
			}
			head = nodes[0]
		}
		w.emit(s, p, head, g)
		return nil
	}
	for i, it := range items {
		if it == nil {
			continue // a null in an array is dropped
		}
		if isArray {
			w.push(strconv.Itoa(i))
		}
		var err error
		if t != nil && t.graph {
			// A graph container: the value becomes a graph object whose
			// blank node name the property refers to.
			if _, ok := it.(map[string]any); !ok {
				err = &UnsafeError{Kind: ErrNotCompacted, Term: key, why: "the value of a @graph container must be an object"}
			} else {
				name := w.newBlank()
				if _, err = w.item(c, termCtx, key, t, vt, it, name); err == nil {
					w.emit(s, p, name, g)
					if w.nodes != nil {
						*w.nodes = append(*w.nodes, Node{Pointer: w.pointer(), Graph: true})
					}
				}
			}
		} else {
			var o rdfc.Term
			if o, err = w.item(c, termCtx, key, t, vt, it, g); err == nil {
				w.emit(s, p, o, g)
			}
		}
		if isArray {
			w.pop()
			if err != nil {
				err = at(err, strconv.Itoa(i))
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// item converts one value of key (not an array) to an RDF term, writing
// a node object's own statements into graph g. c is the context of the
// node the member belongs to, termCtx that context with the term's
// property-scoped context applied, t the term in c and vt the term as
// termCtx defines it.
func (w *walker) item(c, termCtx *cctx, key string, t, vt *term, v any, g rdfc.Term) (rdfc.Term, error) {
	switch x := v.(type) {
	case []any:
		return rdfc.Term{}, &UnsafeError{Kind: ErrNotCompacted, Term: key, why: "an array inside an array"}
	case map[string]any:
		if isValueObject(x) {
			return w.valueObject(termCtx, x)
		}
		// Expansion 5.1.2 steps 7 and 8: a type-scoped context does not
		// reach into a node object (unless it is a node reference), and
		// the property-scoped context applies to what is left.
		child := c
		if c.previous != nil && !soleID(c, x) {
			child = c.previous
		}
		if t != nil && t.hasScoped {
			d, err := child.derive(w.r, &w.budget, t, true)
			if err != nil {
				return rdfc.Term{}, err
			}
			child = d
		}
		return w.node(child, x, g, false)
	case string:
		if vt != nil && vt.typ == "@vocab" {
			return termCtx.vocabTerm(x)
		}
		if vt != nil && vt.typ == "@id" {
			return termCtx.idTerm(x)
		}
	case float64, bool:
		if vt != nil && (vt.typ == "@id" || vt.typ == "@vocab") {
			return rdfc.Term{}, &UnsafeError{Kind: ErrNotCompacted, Term: fmt.Sprint(x), why: "the term takes an IRI, and JSON-LD would make this a literal"}
		}
	default:
		return rdfc.Term{}, &UnsafeError{Kind: ErrNotCompacted, Term: fmt.Sprint(x), why: fmt.Sprintf("a value of type %T", v)}
	}
	dt, lang, hasLang := "", "", false
	if vt != nil {
		dt = vt.typ
	}
	if _, isString := v.(string); isString && dt == "" {
		switch {
		case vt != nil && vt.hasLang:
			lang, hasLang = vt.lang, vt.lang != ""
		case termCtx.hasLang:
			lang, hasLang = termCtx.lang, termCtx.lang != ""
		}
		// Value Expansion (5.3.2 step 5.2) gives a string the base
		// direction of its term, else the default of the context it
		// expands in (a property-scoped context's, if the term has one):
		// signed in the i18n datatype, as a value's own @direction.
		dir := termCtx.dir
		if vt != nil && vt.hasDir {
			dir = vt.dir
		}
		if dir != "" {
			w.sawDir = true
			return directional(v.(string), lang, hasLang, dir)
		}
	}
	return w.literal(v, dt, lang, hasLang)
}

// literal is literal(), or in check mode the checks literal() makes.
func (w *walker) literal(v any, dt, lang string, hasLang bool) (rdfc.Term, error) {
	if !w.check || dt == "@json" {
		return literal(v, dt, lang, hasLang)
	}
	if _, isString := v.(string); isString && hasLang && !wellFormedLanguage(lang) {
		return rdfc.Term{}, &UnsafeError{Term: lang, Kind: ErrUnsafeLanguage}
	}
	return rdfc.Term{Kind: rdfc.Literal}, nil
}

// isValueObject reports an object with a member that expands to @value.
func isValueObject(m map[string]any) bool {
	if _, ok := m["@value"]; ok {
		return true
	}
	return false
}

// valueObject converts a value object: @value with an optional @type, or
// an optional @language and @direction (Value Expansion does not apply the
// term's coercion to it).
func (w *walker) valueObject(c *cctx, m map[string]any) (rdfc.Term, error) {
	var dt, lang, dir string
	hasType, hasLang, hasDir := false, false, false
	for k, v := range m {
		iri := k
		if !strings.HasPrefix(k, "@") {
			var err error
			if iri, _, err = c.member(k); err != nil {
				return rdfc.Term{}, at(err, k)
			}
		}
		switch iri {
		case "@value":
		case "@type":
			s, ok := v.(string)
			if !ok {
				return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: fmt.Sprint(v), why: "a datatype must be a string"}, k)
			}
			if s != "@json" {
				e, _, err := c.expandIRI(s, true)
				if err != nil {
					return rdfc.Term{}, at(err, k)
				}
				if e == "@id" || e == "@type" {
					return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: s, why: "a keyword is not a datatype"}, k)
				}
				s = e
			}
			dt, hasType = s, true
		case "@language":
			s, ok := v.(string)
			if !ok {
				return rdfc.Term{}, at(&UnsafeError{Kind: ErrUnsafeLanguage, Term: fmt.Sprint(v)}, k)
			}
			lang, hasLang = s, true
		case "@direction":
			s, ok := v.(string)
			if !ok || (s != "ltr" && s != "rtl") {
				return rdfc.Term{}, at(&UnsafeError{Kind: ErrUnsafeDirection, Term: fmt.Sprint(v), why: "a base direction is \"ltr\" or \"rtl\""}, k)
			}
			dir, hasDir = s, true
		default:
			return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: k, why: "a value object has only @value, @type, @language and @direction"}, k)
		}
	}
	v := m["@value"]
	switch v.(type) {
	case nil:
		return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: "null", why: "JSON-LD drops a null value"}, "@value")
	case string:
	case float64, bool:
		if hasLang || hasDir {
			return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: fmt.Sprint(v), why: "a value with a language or a direction must be a string"}, "@value")
		}
	default:
		if dt != "@json" {
			return rdfc.Term{}, at(&UnsafeError{Kind: ErrNotCompacted, Term: "@value", why: "a value must be a string, number or boolean"}, "@value")
		}
	}
	if hasType && (hasLang || hasDir) {
		return rdfc.Term{}, &UnsafeError{Kind: ErrNotCompacted, Term: "@type", why: "a value object has @type, or @language and @direction, not both"}
	}
	if hasDir {
		w.sawDir = true
		return directional(v.(string), lang, hasLang, dir)
	}
	return w.literal(v, dt, lang, hasLang)
}

// soleID reports a node reference: a single member expanding to @id,
// which keeps a type-scoped context (Expansion step 7).
func soleID(c *cctx, m map[string]any) bool {
	if len(m) != 1 {
		return false
	}
	for k := range m {
		iri, _, _ := c.expandIRI(k, true)
		return iri == "@id"
	}
	return false
}
