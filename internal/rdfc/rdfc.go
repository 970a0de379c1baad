package rdfc

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/onchaincert/microcred/internal/limits"
)

// Kind is the kind of an RDF term.
type Kind uint8

// Term kinds. The zero Kind in a Quad's Graph means the default graph.
const (
	DefaultGraph Kind = iota
	IRI
	BlankNode
	Literal
)

// Term is an RDF term. Blank node values carry no "_:" prefix.
type Term struct {
	Kind     Kind
	Value    string
	Datatype string // literals; "" means xsd:string
	Language string // literals with rdf:langString
}

// Quad is an RDF quad; Graph.Kind == DefaultGraph for the default graph.
type Quad struct {
	Subject, Predicate, Object, Graph Term
}

// Options configure canonicalization.
type Options struct {
	// Hash is crypto.SHA256 (the default when zero) or crypto.SHA384.
	Hash crypto.Hash
	// MaxWork caps Hash N-Degree Quads calls plus permutations tried; 0
	// means limits.MaxCanonWork.
	MaxWork int
	// MaxQuads caps the input size; 0 means limits.MaxQuads.
	MaxQuads int
}

var (
	// ErrTooMuchWork: the dataset needs more work than Options.MaxWork.
	ErrTooMuchWork = errors.New("rdfc: too much canonicalization work (poison graph?)")
	// ErrTooManyQuads: the dataset is larger than Options.MaxQuads.
	ErrTooManyQuads = errors.New("rdfc: too many quads")
	// ErrUnsupportedHash: Options.Hash is neither SHA-256 nor SHA-384.
	ErrUnsupportedHash = errors.New("rdfc: unsupported hash")
	// ErrSyntax: the N-Quads input is malformed.
	ErrSyntax = errors.New("rdfc: N-Quads syntax error")
)

const xsdString = "http://www.w3.org/2001/XMLSchema#string"

// Canonicalize returns the canonical N-Quads of the dataset: each quad on
// its own line ending in "\n", sorted in code point order.
func Canonicalize(quads []Quad, opts Options) ([]byte, error) {
	c, err := canonicalize(quads, opts)
	if err != nil {
		return nil, err
	}
	defer c.release()
	// Serialize every relabelled quad into one scratch buffer, then sort
	// the line spans and copy the distinct lines out.
	buf, spans := c.buf[:0], c.spans[:0]
	for _, q := range quads {
		start := len(buf)
		buf = AppendNQuad(buf, Quad{c.relabel(q.Subject), q.Predicate, c.relabel(q.Object), c.relabel(q.Graph)})
		spans = append(spans, newSpan(buf, start, len(buf)))
	}
	sortSpans(buf, spans)
	res := make([]byte, 0, len(buf))
	var prev []byte
	for i, sp := range spans {
		line := buf[sp.start:sp.end]
		if i > 0 && bytes.Equal(line, prev) {
			continue // a dataset is a set: duplicates collapse
		}
		res = append(res, line...)
		prev = line
	}
	c.buf, c.spans = buf, spans
	return res, nil
}

// A dataset is a set: a quad given twice must not weigh twice in a blank
// node's hashes. Each blank node's list holds its distinct quads only:
// checked by scanning while the list is short, through a set of the
// node's quads once it is long.
const maxScannedList = 16

// sameQuad is q == r, comparing the most distinctive term first.
func sameQuad(q, r *Quad) bool {
	return q.Predicate.Value == r.Predicate.Value && q.Object == r.Object && q.Subject == r.Subject && q.Graph == r.Graph && q.Predicate == r.Predicate
}

// span is one line in a shared buffer, with its first eight bytes as a
// big-endian number (zero-padded): most comparisons end there.
type span struct {
	key        uint64
	start, end int
}

func newSpan(buf []byte, start, end int) span {
	var k uint64
	n := min(end-start, 8)
	for i := range n {
		k |= uint64(buf[start+i]) << (56 - 8*i)
	}
	return span{k, start, end}
}

// sortSpans sorts lines in code point (byte) order. Comparing keys first
// gives the same order as bytes.Compare: where two keys differ, either the
// lines differ at that byte, or the shorter line is a prefix of the other
// (its padding zeros match the other's bytes up to there) and sorts first.
func sortSpans(buf []byte, spans []span) {
	slices.SortFunc(spans, func(a, b span) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return bytes.Compare(buf[a.start:a.end], buf[b.start:b.end])
	})
}

// CanonicalizeQuads relabels the dataset's blank nodes canonically and
// returns the relabelled quads (in input order) and the issued identifier
// map (input label -> c14nN).
func CanonicalizeQuads(quads []Quad, opts Options) ([]Quad, map[string]string, error) {
	c, err := canonicalize(quads, opts)
	if err != nil {
		return nil, nil, err
	}
	defer c.release()
	out := make([]Quad, len(quads))
	for i, q := range quads {
		out[i] = Quad{c.relabel(q.Subject), q.Predicate, c.relabel(q.Object), c.relabel(q.Graph)}
	}
	issued := make(map[string]string, len(c.canonical.order))
	for i, id := range c.canonical.order {
		issued[id] = label(c.canonical.prefix, i)
	}
	return out, issued, nil
}

// canonicalize issues the canonical blank node identifiers. The caller
// must release the returned state once it has read c.canonical.
func canonicalize(quads []Quad, opts Options) (*canon, error) {
	c, err := newCanon(quads, opts)
	if err != nil {
		return nil, err
	}
	if err := c.run(); err != nil {
		c.release()
		return nil, err
	}
	return c, nil
}

// issuer is an Identifier Issuer (RDFC-1.0 4.3). Identifiers are found by
// scanning while there are few (the temporary issuers of N-degree hashing,
// cloned for every permutation), through an index once there are many.
type issuer struct {
	prefix string
	order  []string       // input identifiers, in issuing order
	index  map[string]int // position in order, once len(order) > maxScannedIssuer
}

const maxScannedIssuer = 16

func newIssuer(prefix string) *issuer {
	return &issuer{prefix: prefix}
}

// lookup returns the identifier issued for id, if any.
func (is *issuer) lookup(id string) (string, bool) {
	if is.index != nil {
		if i, ok := is.index[id]; ok {
			return label(is.prefix, i), true
		}
		return "", false
	}
	for i, o := range is.order {
		if o == id {
			return label(is.prefix, i), true
		}
	}
	return "", false
}

func (is *issuer) issue(id string) string {
	if v, ok := is.lookup(id); ok {
		return v
	}
	i := len(is.order)
	is.order = append(is.order, id)
	if is.index != nil {
		is.index[id] = i
	} else if len(is.order) > maxScannedIssuer {
		is.index = make(map[string]int, 2*len(is.order))
		for j, o := range is.order {
			is.index[o] = j
		}
	}
	return label(is.prefix, i)
}

func (is *issuer) clone() *issuer {
	c := &issuer{prefix: is.prefix, order: append(make([]string, 0, len(is.order)+4), is.order...)}
	if is.index != nil {
		c.index = make(map[string]int, len(is.index))
		for k, v := range is.index {
			c.index[k] = v
		}
	}
	return c
}

// reset empties the issuer for reuse.
func (is *issuer) reset() {
	clear(is.order)
	is.order = is.order[:0]
	if len(is.index) > 4*maxPooledNodes {
		is.index = nil
	}
	clear(is.index)
}

// Labels of the two prefixes in use, precomputed for small numbers.
var (
	c14nLabels = makeLabels("c14n", 512)
	bLabels    = makeLabels("b", 64)
)

func makeLabels(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

func label(prefix string, i int) string {
	switch {
	case prefix == "c14n" && i < len(c14nLabels):
		return c14nLabels[i]
	case prefix == "b" && i < len(bLabels):
		return bLabels[i]
	}
	return prefix + strconv.Itoa(i)
}

type canon struct {
	quads     []Quad
	index     map[string]int32 // blank node -> its position in ids and lists
	ids       []string         // blank nodes, in order of first mention
	lists     [][]int          // lists[i]: indexes of the quads mentioning ids[i]
	canonical *issuer
	hashKind  crypto.Hash
	newHash   func() hash.Hash
	work      int
	maxWork   int
	firstHash map[string]string
	sets      map[int32]map[Quad]struct{} // the quads of nodes with long lists

	// Scratch space reused by the hashing algorithms and serialization.
	h      hash.Hash
	sum    []byte
	buf    []byte
	spans  []span
	hashed []hashedNode
}

// hashedNode is a blank node with its first-degree hash.
type hashedNode struct{ hash, id string }

// canonPool recycles canonicalization state: its maps, lists and buffers
// are most of the allocations of a small dataset.
var canonPool = sync.Pool{New: func() any {
	return &canon{index: map[string]int32{}, firstHash: map[string]string{}, canonical: newIssuer("c14n")}
}}

// Pooled state larger than this is dropped rather than kept.
const maxPooledNodes, maxPooledBuf = 1024, 1 << 20

func newCanon(quads []Quad, opts Options) (*canon, error) {
	maxQuads := opts.MaxQuads
	if maxQuads == 0 {
		maxQuads = limits.MaxQuads
	}
	if len(quads) > maxQuads {
		return nil, fmt.Errorf("%w: %d, limit %d", ErrTooManyQuads, len(quads), maxQuads)
	}
	kind := opts.Hash
	switch kind {
	case 0, crypto.SHA256:
		kind = crypto.SHA256
	case crypto.SHA384:
	default:
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedHash, opts.Hash)
	}
	c := canonPool.Get().(*canon)
	c.quads, c.work, c.maxWork = quads, 0, opts.MaxWork
	if c.maxWork == 0 {
		c.maxWork = limits.MaxCanonWork
	}
	if c.h == nil || c.hashKind != kind {
		c.hashKind = kind
		c.newHash = sha256.New
		if kind == crypto.SHA384 {
			c.newHash = sha512.New384
		}
		c.h = c.newHash()
	}
	for i, q := range quads {
		for _, t := range [...]*Term{&q.Subject, &q.Object, &q.Graph} {
			if t.Kind != BlankNode {
				continue
			}
			n, ok := c.index[t.Value]
			if !ok {
				n = int32(len(c.ids))
				c.index[t.Value] = n
				c.ids = append(c.ids, t.Value)
				if len(c.lists) <= int(n) {
					c.lists = append(c.lists, nil)
				}
				c.lists[n] = c.lists[n][:0]
			}
			if list := c.lists[n]; len(list) == 0 || list[len(list)-1] != i {
				if !c.seen(n, list, i) {
					c.lists[n] = append(list, i)
				}
			}
		}
	}
	return c, nil
}

// seen reports whether quads[i] equals one of the quads already in node
// n's list (and, for a long list, records it).
func (c *canon) seen(n int32, list []int, i int) bool {
	q := &c.quads[i]
	if len(list) < maxScannedList {
		for _, j := range list {
			if sameQuad(&c.quads[j], q) {
				return true
			}
		}
		return false
	}
	set := c.sets[n]
	if set == nil {
		if c.sets == nil {
			c.sets = make(map[int32]map[Quad]struct{})
		}
		set = make(map[Quad]struct{}, 2*len(list))
		for _, j := range list {
			set[c.quads[j]] = struct{}{}
		}
		c.sets[n] = set
	}
	if _, dup := set[*q]; dup {
		return true
	}
	set[*q] = struct{}{}
	return false
}

// quadsOf returns the indexes of the quads mentioning blank node id.
func (c *canon) quadsOf(id string) []int {
	if n, ok := c.index[id]; ok {
		return c.lists[n]
	}
	return nil
}

// release returns c to the pool; c must not be used afterwards.
func (c *canon) release() {
	if len(c.ids) > maxPooledNodes || cap(c.buf) > maxPooledBuf {
		return
	}
	c.quads = nil
	clear(c.index)
	clear(c.ids)
	c.ids = c.ids[:0]
	clear(c.firstHash)
	c.canonical.reset()
	clear(c.hashed)
	c.hashed = c.hashed[:0]
	c.sets = nil
	canonPool.Put(c)
}

func (c *canon) relabel(t Term) Term {
	if t.Kind == BlankNode {
		t.Value, _ = c.canonical.lookup(t.Value)
	}
	return t
}

// run is the Canonicalization Algorithm (RDFC-1.0 4.4.3), steps 3-6.
func (c *canon) run() error {
	// Step 3: hash every blank node's first-degree quads.
	hashed := c.hashed[:0]
	for _, id := range c.ids {
		hashed = append(hashed, hashedNode{c.hashFirstDegree(id), id})
	}
	c.hashed = hashed
	slices.SortFunc(hashed, func(a, b hashedNode) int {
		if n := strings.Compare(a.hash, b.hash); n != 0 {
			return n
		}
		return strings.Compare(a.id, b.id)
	})
	// Step 4: unique hashes get canonical identifiers in hash order.
	var shared [][]hashedNode
	for i := 0; i < len(hashed); {
		j := i + 1
		for j < len(hashed) && hashed[j].hash == hashed[i].hash {
			j++
		}
		if j == i+1 {
			c.canonical.issue(hashed[i].id)
		} else {
			shared = append(shared, hashed[i:j])
		}
		i = j
	}
	// Step 5: the rest, by N-degree hashes.
	for _, group := range shared {
		// group is sorted by id: deterministic iteration, though the
		// results do not depend on it.
		type result struct {
			hash   string
			issuer *issuer
		}
		var paths []result
		for _, hn := range group {
			n := hn.id
			if _, done := c.canonical.lookup(n); done {
				continue
			}
			tmp := newIssuer("b")
			tmp.issue(n)
			hh, is, err := c.hashNDegree(n, tmp)
			if err != nil {
				return err
			}
			paths = append(paths, result{hh, is})
		}
		sort.SliceStable(paths, func(i, j int) bool { return paths[i].hash < paths[j].hash })
		for _, r := range paths {
			for _, id := range r.issuer.order {
				c.canonical.issue(id)
			}
		}
	}
	return nil
}

func (c *canon) digest(s string) string {
	c.h.Reset()
	io.WriteString(c.h, s)
	c.sum = c.h.Sum(c.sum[:0])
	return hex.EncodeToString(c.sum)
}

// hashFirstDegree is Hash First Degree Quads (4.6.3). It serializes the
// quads into a reused buffer and hashes the sorted lines with a reused
// hasher.
func (c *canon) hashFirstDegree(id string) string {
	if h, ok := c.firstHash[id]; ok {
		return h
	}
	idx := c.quadsOf(id)
	buf, spans := c.buf[:0], c.spans[:0]
	for _, i := range idx {
		q := c.quads[i]
		start := len(buf)
		buf = appendMaskedTerm(buf, q.Subject, id)
		buf = append(buf, ' ')
		buf = appendTerm(buf, q.Predicate)
		buf = append(buf, ' ')
		buf = appendMaskedTerm(buf, q.Object, id)
		if q.Graph.Kind != DefaultGraph {
			buf = append(buf, ' ')
			buf = appendMaskedTerm(buf, q.Graph, id)
		}
		buf = append(buf, ' ', '.', '\n')
		spans = append(spans, newSpan(buf, start, len(buf)))
	}
	sortSpans(buf, spans)
	c.h.Reset()
	for _, sp := range spans {
		c.h.Write(buf[sp.start:sp.end])
	}
	c.sum = c.h.Sum(c.sum[:0])
	h := hex.EncodeToString(c.sum)
	c.buf, c.spans = buf, spans
	c.firstHash[id] = h
	return h
}

// appendMaskedTerm writes t, with blank nodes as _:a (id itself) or _:z.
func appendMaskedTerm(dst []byte, t Term, id string) []byte {
	if t.Kind != BlankNode {
		return appendTerm(dst, t)
	}
	if t.Value == id {
		return append(dst, '_', ':', 'a')
	}
	return append(dst, '_', ':', 'z')
}

// hashRelated is Hash Related Blank Node (4.7.3).
func (c *canon) hashRelated(related string, q Quad, is *issuer, position byte) string {
	var b strings.Builder
	b.WriteByte(position)
	if position != 'g' {
		b.WriteByte('<')
		b.WriteString(q.Predicate.Value)
		b.WriteByte('>')
	}
	if id, ok := c.canonical.lookup(related); ok {
		b.WriteString("_:" + id)
	} else if id, ok := is.lookup(related); ok {
		b.WriteString("_:" + id)
	} else {
		b.WriteString(c.hashFirstDegree(related))
	}
	return c.digest(b.String())
}

func (c *canon) spend() error {
	c.work++
	if c.work > c.maxWork {
		return fmt.Errorf("%w: more than %d steps", ErrTooMuchWork, c.maxWork)
	}
	return nil
}

// hashNDegree is Hash N-Degree Quads (4.8.3).
func (c *canon) hashNDegree(id string, is *issuer) (string, *issuer, error) {
	if err := c.spend(); err != nil {
		return "", nil, err
	}
	// Steps 1-3: group related blank nodes by their related hash.
	hashToRelated := map[string][]string{}
	for _, i := range c.quadsOf(id) {
		q := c.quads[i]
		for _, pt := range [...]struct {
			t   Term
			pos byte
		}{{q.Subject, 's'}, {q.Object, 'o'}, {q.Graph, 'g'}} {
			if pt.t.Kind != BlankNode || pt.t.Value == id {
				continue
			}
			h := c.hashRelated(pt.t.Value, q, is, pt.pos)
			hashToRelated[h] = append(hashToRelated[h], pt.t.Value)
		}
	}
	related := make([]string, 0, len(hashToRelated))
	for h := range hashToRelated {
		related = append(related, h)
	}
	sort.Strings(related)
	var data strings.Builder
	// Step 5.
	for _, rh := range related {
		data.WriteString(rh)
		var chosenPath string
		var chosenIssuer *issuer
		err := permute(hashToRelated[rh], func(perm []string) (bool, error) {
			if err := c.spend(); err != nil {
				return false, err
			}
			cp := is.clone()
			var path strings.Builder
			var recursion []string
			skip := func() bool {
				return chosenPath != "" && path.Len() >= len(chosenPath) && path.String() > chosenPath
			}
			for _, r := range perm {
				if cid, ok := c.canonical.lookup(r); ok {
					path.WriteString("_:" + cid)
				} else {
					if _, ok := cp.lookup(r); !ok {
						recursion = append(recursion, r)
					}
					path.WriteString("_:" + cp.issue(r))
				}
				if skip() {
					return true, nil
				}
			}
			for _, r := range recursion {
				h, ris, err := c.hashNDegree(r, cp)
				if err != nil {
					return false, err
				}
				path.WriteString("_:" + ris.issue(r))
				path.WriteString("<" + h + ">")
				cp = ris
				if skip() {
					return true, nil
				}
			}
			if chosenPath == "" || path.String() < chosenPath {
				chosenPath = path.String()
				chosenIssuer = cp
			}
			return true, nil
		})
		if err != nil {
			return "", nil, err
		}
		data.WriteString(chosenPath)
		is = chosenIssuer
	}
	return c.digest(data.String()), is, nil
}

// permute calls f with every permutation of list (Heap's algorithm, on a
// copy) until f returns false or an error.
func permute(list []string, f func([]string) (bool, error)) error {
	a := append([]string(nil), list...)
	n := len(a)
	idx := make([]int, n)
	if ok, err := f(a); err != nil || !ok {
		return err
	}
	for i := 1; i < n; {
		if idx[i] < i {
			if i%2 == 0 {
				a[0], a[i] = a[i], a[0]
			} else {
				a[idx[i]], a[i] = a[i], a[idx[i]]
			}
			if ok, err := f(a); err != nil || !ok {
				return err
			}
			idx[i]++
			i = 1
		} else {
			idx[i] = 0
			i++
		}
	}
	return nil
}
