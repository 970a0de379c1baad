package canon

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/piprate/json-gold/ld"

	"github.com/onchaincert/microcred/internal/rdfc"
)

// Vocabularies VCDM 2.0 reserves for terms that no context defines.
var undefinedVocabs = []string{
	"https://www.w3.org/ns/credentials/undefined-term#",
	"https://www.w3.org/ns/credentials/issuer-dependent#",
}

// Options configure RDFC canonicalization.
type Options struct {
	// Loader serves every context the document cites. Required: there is no
	// default and no network fallback.
	Loader ld.DocumentLoader
	// Hash is the hash RDFC-1.0 uses to label blank nodes: crypto.SHA256
	// (the default when zero) or crypto.SHA384.
	Hash crypto.Hash
	// MaxWork caps RDFC-1.0's Hash N-Degree Quads calls; 0 means
	// limits.MaxCanonWork.
	MaxWork int
	// ReferenceOnly makes every document go through json-gold expansion
	// instead of the walker: the reference the tests compare the walker
	// with. It has no work budget, does not apply the compacted-form rules,
	// and mishandles presentations' credentials (see the package doc): never
	// use it on untrusted input.
	ReferenceOnly bool
}

// Checker checks a document against the JSON-LD rules of this package
// without canonicalizing it.
type Checker interface {
	Check(doc map[string]any) error
}

var _ Checker = (*RDFC)(nil)

// Canonicalizer produces the canonical bytes of a JSON-LD document given as
// generic JSON values (map[string]any, []any, string, float64, bool, nil).
// Implementations must not modify doc.
type Canonicalizer interface {
	Canonicalize(doc map[string]any) ([]byte, error)
}

// RDFC canonicalizes with RDFC-1.0 after safe-mode JSON-LD expansion.
type RDFC struct {
	opts Options

	mu          sync.RWMutex
	contexts    map[string]*ld.Context // processed top-level contexts, by URL list
	compiledCtx map[string]*cctx       // compiled top-level contexts, by URL list
	counters    pathCounters
	flat        flatCache
	checked     flatSet
}

// maxCachedContexts bounds the processed-context cache; documents cite a
// handful of context lists in practice.
const maxCachedContexts = 64

var _ Canonicalizer = (*RDFC)(nil)

// NewRDFC returns an RDFC-1.0 canonicalizer.
func NewRDFC(opts Options) (*RDFC, error) {
	if opts.Loader == nil || nilPointer(opts.Loader) {
		return nil, errors.New("canon: a document loader is required")
	}
	switch opts.Hash {
	case 0:
		opts.Hash = crypto.SHA256
	case crypto.SHA256, crypto.SHA384:
	default:
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedHash, opts.Hash)
	}
	return &RDFC{opts: opts, contexts: make(map[string]*ld.Context), compiledCtx: make(map[string]*cctx)}, nil
}

// Canonicalize returns the canonical N-Quads of doc, or an error wrapping
// ErrUnsafe (with an *UnsafeError naming the JSON Pointer), a context
// loading error, or a work-limit error.
//
// Documents whose @context is a list of context URLs go through the
// compiled-context path (fast.go) when it supports everything they use;
// the others, and every document the compiled path is unsure about, through
// json-gold expansion. The output and the errors do not depend on the path.
func (c *RDFC) Canonicalize(doc map[string]any) ([]byte, error) {
	key, flat := "", false
	if !c.opts.ReferenceOnly {
		if key, flat = flatKey(doc); flat {
			if out, ok := c.flat.get(key); ok {
				c.counters.cached.Add(1)
				return out, nil
			}
		}
	}
	out, compiled, err := c.canonicalize(doc)
	if err == nil && flat && compiled {
		c.flat.put(key, out)
	}
	return out, err
}

// canonicalize canonicalizes doc with the walker (compiled reports that
// it did), or, with Options.ReferenceOnly, through json-gold.
func (c *RDFC) canonicalize(doc map[string]any) (_ []byte, compiled bool, _ error) {
	var quads []rdfc.Quad
	var err error
	if c.opts.ReferenceOnly {
		c.counters.reference.Add(1)
		if quads, err = c.referenceQuads(doc); err != nil {
			return nil, false, err
		}
	} else {
		if quads, err = c.walk(doc, nil); err != nil {
			return nil, false, err
		}
		compiled = true
		c.counters.compiled.Add(1)
		defer putQuads(quads)
	}
	out, err := rdfc.Canonicalize(quads, rdfc.Options{Hash: c.opts.Hash, MaxWork: c.opts.MaxWork})
	if err != nil {
		return nil, false, fmt.Errorf("canon: %w", err)
	}
	return out, compiled, nil
}

// A proof configuration is canonicalized for every signature and every
// verification, and most of it repeats: the suite, the key, the purpose,
// the contexts; created changes once a second at most. Documents of that
// shape, a few members whose values are all strings (@context a list of
// strings), are keyed by their exact content and their canonical form is
// kept, a bounded number of them. Only results of the compiled path are
// kept (so a hit stands for a compiled-path result), and
// the key determines the output: the same canonicalizer (loader, hash,
// work limit) would compute the same bytes again.
const (
	maxFlatMembers = 12
	maxFlatCached  = 256
	maxFlatKey     = 2048
)

type flatCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (f *flatCache) get(key string) ([]byte, bool) {
	f.mu.Lock()
	out, ok := f.m[key]
	f.mu.Unlock()
	if !ok {
		return nil, false
	}
	return bytes.Clone(out), true // the caller owns what it gets
}

func (f *flatCache) put(key string, out []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = make(map[string][]byte)
	}
	if len(f.m) >= maxFlatCached {
		for k := range f.m { // evict one entry, any
			delete(f.m, k)
			break
		}
	}
	f.m[key] = bytes.Clone(out)
}

// flatKey returns the cache key of a flat document: its members sorted by
// name, each name and value length-prefixed. ok is false for any other
// document, as soon as one member shows it.
func flatKey(doc map[string]any) (key string, ok bool) {
	if len(doc) > maxFlatMembers {
		return "", false
	}
	var names [maxFlatMembers]string
	n, size := 0, 0
	for k, v := range doc {
		switch x := v.(type) {
		case string:
			size += len(k) + len(x)
		case []any:
			if k != "@context" {
				return "", false
			}
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return "", false
				}
				size += len(s) + 8
			}
		default:
			return "", false
		}
		names[n] = k
		n++
	}
	if size > maxFlatKey {
		return "", false
	}
	sort.Strings(names[:n])
	b := make([]byte, 0, size+16*n)
	for _, k := range names[:n] {
		b = strconv.AppendInt(b, int64(len(k)), 10)
		b = append(b, ':')
		b = append(b, k...)
		switch x := doc[k].(type) {
		case string:
			b = append(b, 's')
			b = strconv.AppendInt(b, int64(len(x)), 10)
			b = append(b, ':')
			b = append(b, x...)
		case []any:
			b = append(b, 'l')
			b = strconv.AppendInt(b, int64(len(x)), 10)
			for _, e := range x {
				s := e.(string)
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(len(s)), 10)
				b = append(b, ':')
				b = append(b, s...)
			}
			b = append(b, ';')
		}
	}
	return string(b), true
}

// Check runs the walker's checks over doc without canonicalizing: nil if
// doc is in the compacted form of its contexts, every member and type is
// defined and every IRI valid, else the error Canonicalize would return.
func (c *RDFC) Check(doc map[string]any) error {
	if c.opts.ReferenceOnly {
		c.counters.reference.Add(1)
		_, err := c.referenceQuads(doc)
		return err
	}
	// Small flat documents (proof configurations) repeat: remember those
	// that passed, as Canonicalize remembers their canonical forms.
	key, flat := flatKey(doc)
	if flat && c.checked.has(key) {
		c.counters.cached.Add(1)
		return nil
	}
	if _, err := c.walkWith(&walker{r: c, check: true}, doc); err != nil {
		return err
	}
	c.counters.compiled.Add(1)
	if flat {
		c.checked.add(key)
	}
	return nil
}

// flatSet is a bounded set of flat-document keys.
type flatSet struct {
	mu sync.Mutex
	m  map[string]struct{}
}

func (f *flatSet) has(key string) bool {
	f.mu.Lock()
	_, ok := f.m[key]
	f.mu.Unlock()
	return ok
}

func (f *flatSet) add(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = make(map[string]struct{})
	}
	if len(f.m) >= maxFlatCached {
		for k := range f.m {
			delete(f.m, k)
			break
		}
	}
	f.m[key] = struct{}{}
}

// Quads checks doc as Check does and returns its RDF, without
// canonicalizing. Blank node labels are the canonicalizer's own.
func (c *RDFC) Quads(doc map[string]any) ([]rdfc.Quad, error) {
	if c.opts.ReferenceOnly {
		return c.referenceQuads(doc)
	}
	quads, err := c.walk(doc, nil)
	if err != nil {
		return nil, err
	}
	out := append([]rdfc.Quad(nil), quads...)
	putQuads(quads)
	return out, nil
}

// referenceQuads is json-gold expansion and our RDF conversion, in
// json-gold's safe mode: the reference the walker is tested against.
func (c *RDFC) referenceQuads(doc map[string]any) ([]rdfc.Quad, error) {
	expanded, _, err := c.expandSafe(doc)
	if err != nil {
		return nil, err
	}
	return toRDF(expanded)
}

func (c *RDFC) ldOptions() *ld.JsonLdOptions {
	lo := ld.NewJsonLdOptions("")
	lo.DocumentLoader = c.opts.Loader
	lo.ProcessingMode = ld.JsonLd_1_1
	lo.SafeMode = true
	return lo
}

type seenNode struct {
	pointer string
	node    map[string]any
}

// expandSafe expands doc and applies the safe-mode checks. It also returns
// the node objects expansion reported, with their JSON Pointers.
func (c *RDFC) expandSafe(doc map[string]any) (_ []any, _ []seenNode, err error) {
	// json-gold can panic on some malformed input (a member named "" whose
	// value is a list ending in a non-string is taken for @type); input
	// must never crash the caller.
	defer func() {
		if r := recover(); r != nil {
			err = &jsonGoldPanicError{r}
		}
	}()
	lo := c.ldOptions()
	var nodes []seenNode
	lo.ExpandedElementHandler = func(pointer string, expanded any) {
		if m, ok := expanded.(map[string]any); ok {
			nodes = append(nodes, seenNode{pointer, m})
		}
	}
	expanded, err := c.expand(doc, lo)
	if err != nil {
		var jerr *ld.JsonLdError
		if errors.As(err, &jerr) && jerr.Code == ld.InvalidProperty {
			if ptr, term, ok := c.locateDropped(doc); ok {
				return nil, nil, &UnsafeError{Pointer: ptr, Term: term, Kind: ErrUndefinedTerm}
			}
			return nil, nil, fmt.Errorf("%w: %w: a member is not defined by the contexts", ErrUnsafe, ErrUndefinedTerm)
		}
		return nil, nil, fmt.Errorf("canon: expanding JSON-LD: %w", err)
	}
	for _, n := range nodes {
		if err := checkNode(n.pointer, n.node); err != nil {
			return nil, nil, err
		}
	}
	return expanded, nodes, nil
}

// jsonGoldPanicError reports a panic inside json-gold, recovered.
type jsonGoldPanicError struct{ v any }

func (e *jsonGoldPanicError) Error() string {
	return fmt.Sprintf("canon: JSON-LD expansion rejected the document (json-gold panicked: %v)", e.v)
}

// Unwrap returns ErrUnsafe: a document json-gold cannot process is not
// safe to canonicalize.
func (e *jsonGoldPanicError) Unwrap() error { return ErrUnsafe }

// expand is json-gold's expansion, except that a top-level @context made of
// URLs is processed once and reused: context processing is immutable work
// and the most expensive part of expanding a typical credential.
func (c *RDFC) expand(doc map[string]any, lo *ld.JsonLdOptions) ([]any, error) {
	key, cacheable := contextKey(doc["@context"])
	if !cacheable {
		return ld.NewJsonLdProcessor().Expand(doc, lo)
	}
	active, err := c.activeContext(key, doc["@context"])
	if err != nil {
		return nil, err
	}
	body := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "@context" {
			body[k] = v
		}
	}
	out, err := ld.NewJsonLdApi().Expand(active, "", body, lo, false, nil)
	if err != nil {
		return nil, err
	}
	// The final steps of the Expansion Algorithm (JSON-LD 1.1 API, 5.1.2 step 19).
	m, isMap := out.(map[string]any)
	if isMap {
		if len(m) == 0 {
			return []any{}, nil
		}
		if g, ok := m["@graph"]; ok && len(m) == 1 {
			if list, ok := g.([]any); ok {
				return list, nil
			}
			return []any{g}, nil
		}
		return []any{m}, nil
	}
	if out == nil {
		return []any{}, nil
	}
	if list, ok := out.([]any); ok {
		return list, nil
	}
	return []any{out}, nil
}

// contextKey returns a cache key for a @context that is a URL or a list of
// URLs; embedded context objects are processed every time. Each URL is
// written length-prefixed, so two @context values share a key only if they
// are the same list (a single URL counts as the list of it, as in JSON-LD):
// one string holding two URLs and a newline is not the list of the two.
func contextKey(ctx any) (string, bool) {
	switch t := ctx.(type) {
	case string:
		return strconv.Itoa(len(t)) + ":" + t, true
	case []any:
		var b strings.Builder
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return "", false
			}
			b.WriteString(strconv.Itoa(len(s)))
			b.WriteByte(':')
			b.WriteString(s)
		}
		return b.String(), true
	}
	return "", false
}

func (c *RDFC) activeContext(key string, ctx any) (*ld.Context, error) {
	c.mu.RLock()
	active, ok := c.contexts[key]
	c.mu.RUnlock()
	if ok {
		return active, nil
	}
	// Parse with options of its own: the context keeps a pointer to them,
	// and must not keep this call's element handler.
	active, err := ld.NewContext(nil, c.ldOptions()).Parse(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.contexts) < maxCachedContexts {
		c.contexts[key] = active
	}
	c.mu.Unlock()
	return active, nil
}

// checkNode applies the safe-mode checks to one expanded node object.
func checkNode(ptr string, node map[string]any) error {
	if id, ok := node["@id"].(string); ok && !absoluteOrBlank(id) {
		return &UnsafeError{Pointer: ptr, Term: id, Kind: ErrRelativeIRI}
	}
	if types, ok := node["@type"].([]any); ok {
		for _, t := range types {
			s, _ := t.(string)
			if term, undefined := undefinedSuffix(s); undefined {
				return &UnsafeError{Pointer: ptr, Term: term, Kind: ErrUndefinedTerm}
			}
			if !absoluteOrBlank(s) {
				return &UnsafeError{Pointer: ptr, Term: s, Kind: ErrRelativeIRI}
			}
		}
	}
	for _, k := range sortedKeys(node) {
		if strings.HasPrefix(k, "@") {
			continue
		}
		if term, undefined := undefinedSuffix(k); undefined {
			return &UnsafeError{Pointer: ptr + "/" + escapePointer(term), Term: term, Kind: ErrUndefinedTerm}
		}
		if err := checkValues(ptr, node[k]); err != nil {
			return err
		}
	}
	return nil
}

// checkValues checks value and list objects under a property. Node objects
// are checked on their own, with their own pointer.
func checkValues(ptr string, v any) error {
	items, _ := v.([]any)
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		if _, isValue := m["@value"]; isValue {
			if dt, ok := m["@type"].(string); ok && dt != "@json" && !absoluteOrBlank(dt) {
				return &UnsafeError{Pointer: ptr, Term: dt, Kind: ErrRelativeIRI}
			}
			if dt, ok := m["@type"].(string); ok {
				if term, undefined := undefinedSuffix(dt); undefined {
					return &UnsafeError{Pointer: ptr, Term: term, Kind: ErrUndefinedTerm}
				}
			}
			continue
		}
		if list, ok := m["@list"]; ok {
			if err := checkValues(ptr, list); err != nil {
				return err
			}
		}
	}
	return nil
}

func undefinedSuffix(iri string) (string, bool) {
	for _, v := range undefinedVocabs {
		if strings.HasPrefix(iri, v) {
			return iri[len(v):], true
		}
	}
	return "", false
}

// absoluteOrBlank reports whether s is a blank node identifier or an IRI
// with a scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":").
func absoluteOrBlank(s string) bool {
	if strings.HasPrefix(s, "_:") {
		return len(s) > 2
	}
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func escapePointer(tok string) string {
	tok = strings.ReplaceAll(tok, "~", "~0")
	return strings.ReplaceAll(tok, "/", "~1")
}

// member is one object member of the input, addressed by its JSON Pointer.
type member struct {
	pointer string
	key     string
}

// locateDropped finds the member whose name expansion drops. Expansion
// reports only that something was dropped, so we search: members are listed
// children-first, and removing a growing prefix of that list eventually
// makes expansion succeed; the member whose removal does it is the culprit
// (a child before its parent, so the deepest undefined name is reported).
// This runs only on the error path.
func (c *RDFC) locateDropped(doc map[string]any) (string, string, bool) {
	var members []member
	collectMembers(doc, "", &members)
	if len(members) == 0 {
		return "", "", false
	}
	ok := func(n int) bool {
		removed := make(map[string]bool, n)
		for _, m := range members[:n] {
			removed[m.pointer] = true
		}
		pruned := prune(doc, "", removed)
		lo := c.ldOptions()
		_, err := ld.NewJsonLdProcessor().Expand(pruned, lo)
		return err == nil
	}
	if !ok(len(members)) {
		return "", "", false
	}
	lo, hi := 0, len(members) // ok(hi) is true; find the least such n
	for lo < hi {
		mid := (lo + hi) / 2
		if ok(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo == 0 {
		return "", "", false
	}
	m := members[lo-1]
	return m.pointer, m.key, true
}

// collectMembers lists object members in post-order (children first),
// skipping @context, which is not data.
func collectMembers(v any, ptr string, out *[]member) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			if k == "@context" {
				continue
			}
			p := ptr + "/" + escapePointer(k)
			collectMembers(t[k], p, out)
			*out = append(*out, member{pointer: p, key: k})
		}
	case []any:
		for i, e := range t {
			collectMembers(e, ptr+"/"+strconv.Itoa(i), out)
		}
	}
}

// prune copies v without the members whose pointers are in removed.
func prune(v any, ptr string, removed map[string]bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			p := ptr + "/" + escapePointer(k)
			if k != "@context" && removed[p] {
				continue
			}
			if k == "@context" {
				out[k] = e
				continue
			}
			out[k] = prune(e, p, removed)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = prune(e, ptr+"/"+strconv.Itoa(i), removed)
		}
		return out
	}
	return v
}

// Stats counts which path Canonicalize took; for tests and benchmarks.
type Stats struct {
	// Compiled counts documents canonicalized by the walker.
	Compiled uint64
	// Reference counts documents that went through json-gold expansion
	// (Options.ReferenceOnly).
	Reference uint64
	// Cached counts small flat documents (proof configurations) answered
	// from the cache of walker results.
	Cached uint64
}

type pathCounters struct {
	compiled, reference, cached atomic.Uint64
	derived                     atomic.Int64
}

// Stats returns how many documents took each path so far.
func (c *RDFC) Stats() Stats {
	return Stats{Compiled: c.counters.compiled.Load(), Reference: c.counters.reference.Load(), Cached: c.counters.cached.Load()}
}

// nilPointer reports whether v holds a nil pointer: a (*contexts.Loader)(nil)
// passed as an interface is not == nil, but it has no documents either.
func nilPointer(v any) bool {
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}
