package canon

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/piprate/json-gold/ld"

	"github.com/onchaincert/microcred/internal/jcs"
)

// Compiled active contexts.
//
// Context Processing (JSON-LD 1.1 API 4.1) is json-gold's. Its result, an
// *ld.Context, is compiled once into a flat term table (cctx) that the
// walker (walk.go) reads, and cached: top-level contexts by their list of
// URLs, and every context derived from a compiled one (a property- or
// type-scoped context, an embedded @context) on the context it was derived
// from. A document therefore pays for context processing only the first
// time a context is seen, and a hostile document that makes up contexts of
// its own pays within a budget (maxContextWork).
//
// Each term also records where its definition came from. A definition from
// a context the loader holds (the pinned contexts and any the caller added)
// is trusted; one written in the document itself (an embedded context
// object, or a scoped context inside one) is not. Two names for one IRI are
// accepted only when both come from trusted contexts (the pinned contexts
// define a few such aliases, e.g. OpenBadgeCredential and
// AchievementCredential); a document cannot give a defined IRI a second
// name, redefine a trusted term, or alias a keyword. Otherwise a JSON
// reader looking a member up by name, and the signed graph, would disagree.

// termKind says how a term's IRI mapping is used.
type termKind uint8

const (
	termProperty termKind = iota // an absolute IRI usable as a predicate
	termID                       // alias of @id
	termType                     // alias of @type
	termNull                     // defined as null: JSON-LD ignores the member
	termUnusable                 // a feature the walker does not implement
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
	// lang is the term's @language: hasLang with lang "" means null
	// (no language even if the context has a default).
	lang    string
	hasLang bool
	// dir is the term's @direction, likewise: hasDir with dir "" means
	// null (no direction even if the context has a default).
	dir    string
	hasDir bool
	// why says what is unusable, for the error message.
	why string
	// trusted: defined by a context the loader holds.
	trusted bool
	// alias: an untrusted term whose IRI another term of its context also
	// maps to, or an untrusted keyword alias.
	alias bool
	// redefines: an untrusted redefinition of a trusted term.
	redefines bool
	// badIRI: the IRI or datatype cannot be written in N-Quads.
	badIRI bool
}

// revEntry counts the terms mapping to one IRI (or keyword) in a context.
type revEntry struct {
	n    int
	name string // one of them, for messages
}

// cctx is a compiled active context. It is immutable but for the caches of
// contexts derived from it.
type cctx struct {
	ld       *ld.Context
	terms    map[string]*term
	rev      map[string]revEntry
	vocab    string
	hasVocab bool
	lang     string // default language
	hasLang  bool
	dir      string // default base direction ("ltr", "rtl"), "" for none
	previous *cctx  // the context a type-scoped context reverts to
	// why is set when the context uses a default the walker does not
	// implement (@base). A default @direction (dir) is written into the
	// i18n datatype of each string it reaches, as a value's own.
	why string

	mu      sync.Mutex
	derived map[deriveKey]*cctx
	local   map[string]*cctx // embedded contexts, by content
}

type deriveKey struct {
	t         *term
	propagate bool
}

// Context work budget, per document: each Context Processing call costs
// one unit per term of the context it starts from (json-gold copies the
// term table) plus one. Cached contexts cost nothing. A typical OB 3.0
// credential costs a few thousand units the first time, none afterwards.
const maxContextWork = 1 << 18

// maxEmbeddedTerms caps the members of the context objects a document
// embeds (counted through nested objects and lists, over the document):
// json-gold processes each term definition, and a document has no need
// for more terms of its own than the OB 3.0 context defines (about 300).
const maxEmbeddedTerms = 4096

// maxDerived bounds the derived contexts one RDFC caches in all.
const maxDerived = 1024

// maxLocalKey bounds the size of an embedded context that is cached by
// content (larger ones are processed every time, within the budget).
const maxLocalKey = 16 << 10

// compile compiles active, derived from parent (nil for a context list
// processed from scratch). Terms active shares with parent keep parent's
// compiled term; new or changed terms are trusted iff trusted is.
func compile(active *ld.Context, parent, previous *cctx, trusted bool) *cctx {
	c := &cctx{ld: active, terms: make(map[string]*term, len(active.TermDefinitions)), previous: previous}
	if v := active.Values; v != nil {
		if v.Vocab != nil {
			c.vocab, c.hasVocab = *v.Vocab, true
		}
		c.lang, c.hasLang = v.Language, v.HasLanguage
		c.dir = v.Direction
		if v.Base != "" {
			c.why = "a context sets @base, which resolves relative IRIs the JSON shows unresolved"
		}
	}
	for name, td := range active.TermDefinitions {
		if parent != nil {
			if old, ok := parent.ld.TermDefinitions[name]; ok && old == td {
				c.terms[name] = parent.terms[name]
				continue
			}
		}
		t := compileTerm(td)
		t.trusted = trusted
		if parent != nil {
			if old, ok := parent.terms[name]; ok && old.trusted && !trusted {
				if sameTerm(old, t) {
					t.trusted = true // an identical redefinition changes nothing
				} else {
					t.redefines = true
				}
			}
		}
		c.terms[name] = t
	}
	c.rev = make(map[string]revEntry, len(c.terms))
	for name, t := range c.terms {
		if t.kind == termNull || t.kind == termUnusable && t.iri == "" {
			continue
		}
		e := c.rev[t.iri]
		e.n++
		if e.name == "" || name < e.name {
			e.name = name
		}
		c.rev[t.iri] = e
	}
	// Untrusted terms sharing their IRI, and untrusted keyword aliases,
	// are aliases. A term shared with the parent is recompiled when its
	// flag changes here, so that the parent's copy stays as it was.
	for name, t := range c.terms {
		if t.trusted || t.kind == termNull {
			continue
		}
		alias := t.kind == termID || t.kind == termType || c.rev[t.iri].n > 1
		if alias != t.alias {
			cp := *t
			cp.alias = alias
			c.terms[name] = &cp
		}
	}
	return c
}

func sameTerm(a, b *term) bool {
	return a.kind == b.kind && a.iri == b.iri && a.typ == b.typ && a.list == b.list && a.graph == b.graph &&
		a.prefix == b.prefix && a.prefixIRI == b.prefixIRI && a.hasScoped == b.hasScoped &&
		a.lang == b.lang && a.hasLang == b.hasLang && a.dir == b.dir && a.hasDir == b.hasDir && a.badIRI == b.badIRI &&
		(!a.hasScoped || a.scoped == nil && b.scoped == nil || sameJSON(a.scoped, b.scoped))
}

func sameJSON(a, b any) bool {
	x, err1 := jcs.Marshal(a)
	y, err2 := jcs.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

func compileTerm(td *ld.TermDefinition) *term {
	if td == nil {
		return &term{kind: termNull}
	}
	t := &term{iri: td.ID, typ: td.Type, scoped: td.Context, hasScoped: td.HasContext}
	unusable := func(why string) {
		if t.kind != termUnusable {
			t.kind, t.why = termUnusable, why
		}
	}
	switch {
	case td.ID == "@id":
		t.kind = termID
	case td.ID == "@type":
		t.kind = termType
	case td.ID == "":
		t.kind = termNull
	case strings.HasPrefix(td.ID, "@"):
		unusable("it aliases the keyword " + td.ID)
	case strings.HasPrefix(td.ID, "_:"):
		unusable("it maps to a blank node, which cannot be a predicate")
	case !usableIRI(td.ID):
		unusable("it maps to " + strconv.Quote(td.ID) + ", not an absolute IRI")
	case !validIRI(td.ID):
		t.badIRI = true
	}
	switch {
	case td.Reverse:
		unusable("it is a @reverse property")
	case td.Nest != "":
		unusable("it uses @nest")
	case td.Index != "":
		unusable("it uses @index")
	}
	if td.HasLanguage {
		t.hasLang = true
		if td.Language != nil {
			t.lang = *td.Language
		}
	}
	if td.HasDirection {
		t.hasDir = true
		if td.Direction != nil {
			t.dir = *td.Direction
		}
		// JSON-LD 1.1 API 4.2.2 step 20.2 allows null, "ltr" and "rtl";
		// json-gold takes any string, lower-cased (so "RTL" reaches us as
		// "rtl", and is signed as such).
		if t.dir != "" && t.dir != "ltr" && t.dir != "rtl" {
			unusable("its @direction " + strconv.Quote(t.dir) + ` is not "ltr" or "rtl"`)
		}
	}
	for _, k := range td.Container {
		switch k {
		case "@set":
		case "@list":
			t.list = true
		case "@graph":
			t.graph = true
		default:
			unusable("it uses a " + k + " container")
		}
	}
	if t.list && t.graph {
		unusable("it combines @list and @graph containers")
	}
	switch td.Type {
	case "", "@id", "@vocab":
	case "@json":
		if t.list || t.graph {
			unusable("it combines @json with a container")
		}
	case "@none":
		unusable("it uses @type @none")
	default:
		if !usableIRI(td.Type) {
			unusable("its datatype " + strconv.Quote(td.Type) + " is not an absolute IRI")
		} else if !validIRI(td.Type) {
			t.badIRI = true
		}
	}
	if td.ID != "" && td.Prefix != nil && *td.Prefix {
		t.prefix, t.prefixIRI = true, td.ID
	}
	if t.hasScoped && !scopedUsable(td.Context) {
		unusable("its scoped context uses @propagate")
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

// budget counts one document's context processing.
type budget struct{ used, embedded int }

// spendEmbedded counts the members of an embedded context object.
func (b *budget) spendEmbedded(local any) error {
	b.embedded += countMembers(local, maxEmbeddedTerms-b.embedded+1)
	if b.embedded > maxEmbeddedTerms {
		return fmt.Errorf("%w: the document's own contexts define more than %d terms", ErrTooMuchWork, maxEmbeddedTerms)
	}
	return nil
}

// countMembers counts object members in v, stopping past limit.
func countMembers(v any, limit int) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			n += 1 + countMembers(e, limit-n)
			if n > limit {
				return n
			}
		}
	case []any:
		for _, e := range x {
			n += countMembers(e, limit-n)
			if n > limit {
				return n
			}
		}
	}
	return n
}

func (b *budget) spend(c *cctx) error {
	n := 1
	if c != nil {
		n += len(c.terms)
	}
	b.used += n
	if b.used > maxContextWork {
		return fmt.Errorf("%w: context processing over its budget of %d units", ErrTooMuchWork, maxContextWork)
	}
	return nil
}

// parse runs Context Processing on base with local, as the step of a
// document's context processing it is. A property-scoped context may
// nullify the context (JSON-LD 1.1 API 4.1.2 step 5.1, with override
// protected); json-gold's public Parse does not take that flag, so a null
// entry here starts again from a new active context.
func (r *RDFC) parse(base *ld.Context, local any, allowNull bool) (*ld.Context, error) {
	items, isList := local.([]any)
	if !isList {
		items = []any{local}
	}
	active := base
	for _, it := range items {
		if it == nil {
			if !allowNull {
				return nil, errors.New("a null context outside a term definition would drop protected terms")
			}
			active = ld.NewContext(nil, r.ldOptions())
			continue
		}
		next, err := active.Parse(it)
		if err != nil {
			return nil, err
		}
		active = next
	}
	return active, nil
}

// derive returns the context after applying t's scoped context: a
// property-scoped context (propagate) or a type-scoped one (!propagate,
// which the next node object reverts).
func (c *cctx) derive(r *RDFC, b *budget, t *term, propagate bool) (*cctx, error) {
	key := deriveKey{t, propagate}
	c.mu.Lock()
	d, ok := c.derived[key]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	if err := b.spend(c); err != nil {
		return nil, err
	}
	active, err := r.parse(c.ld, t.scoped, propagate)
	if err != nil {
		return nil, contextError(err)
	}
	prev := c.previous
	if !propagate && prev == nil {
		prev = c
	}
	d = compile(active, c, prev, t.trusted)
	if r.counters.derived.Add(1) > maxDerived {
		return d, nil // do not grow the cache further
	}
	return keep(&c.mu, &c.derived, key, d), nil
}

// keep stores d under key in *cache, or returns the context another
// goroutine stored first.
func keep[K comparable](mu *sync.Mutex, cache *map[K]*cctx, key K, d *cctx) *cctx {
	mu.Lock()
	defer mu.Unlock()
	if *cache == nil {
		*cache = make(map[K]*cctx)
	}
	if old, ok := (*cache)[key]; ok {
		return old
	}
	(*cache)[key] = d
	return d
}

// embedded returns the context after an embedded @context (a node's own,
// or the document's top-level one), processed on c. Each URL of a list is
// trusted, each object in it is not.
func (c *cctx) embedded(r *RDFC, b *budget, local any) (*cctx, error) {
	key, cacheable := localKey(local)
	if cacheable {
		c.mu.Lock()
		d, ok := c.local[key]
		c.mu.Unlock()
		if ok {
			return d, nil
		}
	}
	items, isList := local.([]any)
	if !isList {
		items = []any{local}
	}
	d := c
	for _, it := range items {
		if err := b.spend(d); err != nil {
			return nil, err
		}
		if err := b.spendEmbedded(it); err != nil {
			return nil, err
		}
		// (A null item resets to a new active context, which json-gold
		// refuses when protected terms would be lost.)
		active, err := d.ld.Parse(it)
		if err != nil {
			return nil, contextError(err)
		}
		_, url := it.(string)
		parent := d
		if it == nil {
			parent = nil
		}
		d = compile(active, parent, d.previous, url)
	}
	if cacheable && r.counters.derived.Add(1) <= maxDerived {
		d = keep(&c.mu, &c.local, key, d)
	}
	return d, nil
}

// localKey is the cache key of an embedded context: its canonical JSON,
// unless too large.
func localKey(local any) (string, bool) {
	if k, ok := contextKey(local); ok {
		return "u" + k, len(k) <= maxLocalKey
	}
	b, err := jcs.Marshal(local)
	if err != nil || len(b) > maxLocalKey {
		return "", false
	}
	return "j" + string(b), true
}

// root returns the compiled context of a document's top-level @context:
// the cached processing of its longest prefix of URLs, then each object
// in it, untrusted.
func (r *RDFC) root(b *budget, ctx any) (*cctx, error) {
	items, isList := ctx.([]any)
	if !isList {
		items = []any{ctx}
	}
	n := 0
	for n < len(items) {
		if _, ok := items[n].(string); !ok {
			break
		}
		n++
	}
	if n == 0 {
		if err := b.spend(nil); err != nil {
			return nil, err
		}
		initial := compile(ld.NewContext(nil, r.ldOptions()), nil, nil, true)
		return initial.embedded(r, b, ctx)
	}
	prefix := items[:n]
	key, _ := contextKey(prefix)
	cc, err := r.compiled(key, prefix)
	if err != nil {
		return nil, err
	}
	if n == len(items) {
		return cc, nil
	}
	return cc.embedded(r, b, items[n:])
}

// compiled returns the compiled context of a list of context URLs.
func (r *RDFC) compiled(key string, ctx []any) (*cctx, error) {
	r.mu.RLock()
	cc, ok := r.compiledCtx[key]
	r.mu.RUnlock()
	if ok {
		return cc, nil
	}
	active, err := r.activeContext(key, ctx)
	if err != nil {
		return nil, contextError(err)
	}
	cc = compile(active, nil, nil, true)
	r.mu.Lock()
	if old, ok := r.compiledCtx[key]; ok {
		cc = old
	} else if len(r.compiledCtx) < maxCachedContexts {
		r.compiledCtx[key] = cc
	}
	r.mu.Unlock()
	return cc, nil
}

// contextError turns a Context Processing failure into an *UnsafeError of
// kind ErrContext (or ErrUnknownContext's own error when a URL is not one
// the loader holds), keeping the loader's error in the chain.
func contextError(err error) error {
	var jerr *ld.JsonLdError
	if errors.As(err, &jerr) && jerr.Code == ld.LoadingRemoteContextFailed {
		// json-gold wraps the loader's error in a message of its own; the
		// loader's (e.g. contexts.ErrUnknownContext: "unknown context URL
		// ... never fetches") says what is wrong.
		if d, ok := jerr.Details.(error); ok {
			if cause := errors.Unwrap(d); cause != nil {
				return &UnsafeError{Kind: ErrContext, Term: cause.Error(), cause: err}
			}
		}
	}
	msg := err.Error()
	if jerr != nil {
		msg = string(jerr.Code)
		if d, ok := jerr.Details.(string); ok && d != "" {
			msg += ": " + d
		}
	}
	return &UnsafeError{Kind: ErrContext, Term: msg, cause: err}
}

// expandIRI is IRI Expansion (JSON-LD 1.1 API 5.2.2) on a compiled
// context, for a value in the document: vocab for member names, types and
// @vocab-coerced values, not for @id. It returns the IRI (or "@id",
// "@type" for those keywords and their aliases), the term it came from if
// any, and, when the result is not one the walker can use, "" and why.
func (c *cctx) expandIRI(v string, vocab bool) (string, *term, error) {
	if strings.HasPrefix(v, "@") {
		switch v {
		case "@id", "@type":
			return v, nil, nil
		}
		if isKeyword(v) {
			return "", nil, &UnsafeError{Kind: ErrNotCompacted, Term: v, why: "the keyword " + v + " has no place in the data model"}
		}
		return "", nil, &UnsafeError{Kind: ErrUndefinedTerm, Term: v, why: "it has the form of a keyword, which JSON-LD ignores"}
	}
	if vocab {
		if t, ok := c.terms[v]; ok {
			switch t.kind {
			case termNull:
				return "", t, &UnsafeError{Kind: ErrUndefinedTerm, Term: v, why: "the contexts define it as null, so JSON-LD ignores it"}
			case termUnusable:
				return "", t, &UnsafeError{Kind: ErrUnsupported, Term: v, why: t.why}
			case termID:
				return "@id", t, nil
			case termType:
				return "@type", t, nil
			}
			if t.badIRI {
				return "", t, &UnsafeError{Kind: ErrInvalidIRI, Term: t.iri}
			}
			return t.iri, t, nil
		}
	}
	if i := strings.IndexByte(v, ':'); i > 0 {
		prefix, suffix := v[:i], v[i+1:]
		if prefix == "_" {
			if vocab {
				return "", nil, &UnsafeError{Kind: ErrUnsafePredicate, Term: v}
			}
			return "", nil, &UnsafeError{Kind: ErrNotCompacted, Term: v, why: "a blank node identifier is relabelled by canonicalization, so it is not what the JSON shows"}
		}
		if !strings.HasPrefix(suffix, "//") {
			if t, ok := c.terms[prefix]; ok && t.kind != termNull {
				if !t.prefix {
					return "", nil, &UnsafeError{Kind: ErrUnsupported, Term: v, why: strconv.Quote(prefix) + " is a term that is not a prefix"}
				}
				return checkedIRI(t.prefixIRI + suffix)
			}
		}
		return checkedIRI(v)
	}
	if vocab && c.hasVocab {
		return checkedIRI(c.vocab + v)
	}
	return "", nil, &UnsafeError{Kind: ErrUndefinedTerm, Term: v}
}

// checkedIRI applies the IRI checks to an expanded IRI.
func checkedIRI(iri string) (string, *term, error) {
	if term, undefined := undefinedSuffix(iri); undefined {
		return "", nil, &UnsafeError{Kind: ErrUndefinedTerm, Term: term}
	}
	if !absoluteOrBlank(iri) {
		return "", nil, &UnsafeError{Kind: ErrRelativeIRI, Term: iri}
	}
	if !validIRI(iri) {
		return "", nil, &UnsafeError{Kind: ErrInvalidIRI, Term: iri}
	}
	return iri, nil, nil
}

var keywords = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range []string{"@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included",
		"@index", "@json", "@language", "@list", "@nest", "@none", "@prefix", "@propagate", "@protected", "@reverse",
		"@set", "@type", "@value", "@version", "@vocab", "@default", "@embed", "@explicit", "@omitDefault", "@requireAll"} {
		m[k] = true
	}
	return m
}()

func isKeyword(s string) bool { return keywords[s] }

// sortedTypes returns types sorted, for type-scoped contexts (JSON-LD 1.1
// API 5.1.2 step 11 applies them in lexicographical order).
func sortedTypes(types []string) []string {
	if len(types) < 2 {
		return types
	}
	s := append([]string(nil), types...)
	sort.Strings(s)
	return s
}
