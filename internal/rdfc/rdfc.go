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
	"hash/maphash"
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
		spans = append(spans, span{start, len(buf)})
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

// maxUndedupedList bounds the per-blank-node repeat check (quadratic in
// the list length); a node mentioned by more quads gets the dataset
// deduplicated first.
const maxUndedupedList = 32

func (c *canon) longestList() int {
	n := 0
	for _, l := range c.lists[:len(c.ids)] {
		n = max(n, len(l))
	}
	return n
}

// repeats reports whether q equals one of quads[idx].
func repeats(quads []Quad, idx []int, q Quad) bool {
	for _, j := range idx {
		if quads[j] == q {
			return true
		}
	}
	return false
}

// errNeedsDedup makes CanonicalizeQuads run again over deduplicated quads.
var errNeedsDedup = errors.New("rdfc: N-degree hashing needs deduplicated quads")

// dedup returns the quads without repeated blank-node quads, in
// first-seen order. Only quads that mention a blank node can change a
// blank node's hash if repeated; repeated ground quads are harmless here
// and collapse when the output lines are deduplicated. Quads are keyed by
// a 64-bit hash of their terms (cheaper than hashing the 224-byte
// struct); equal hashes are compared in full.
func dedup(quads []Quad) []Quad {
	if len(quads) < 2 {
		return quads
	}
	seed := dedupSeed
	first := make(map[uint64]int32, len(quads))
	unique := make([]Quad, 0, len(quads))
	var h maphash.Hash
	h.SetSeed(seed)
	for _, q := range quads {
		if q.Subject.Kind != BlankNode && q.Object.Kind != BlankNode && q.Graph.Kind != BlankNode {
			unique = append(unique, q)
			continue
		}
		h.Reset()
		for _, t := range [4]*Term{&q.Subject, &q.Predicate, &q.Object, &q.Graph} {
			h.WriteByte(byte(t.Kind))
			h.WriteString(t.Value)
			h.WriteByte(0)
			h.WriteString(t.Datatype)
			h.WriteByte(0)
			h.WriteString(t.Language)
			h.WriteByte(0)
		}
		k := h.Sum64()
		if i, ok := first[k]; ok {
			if unique[i] == q {
				continue
			}
			// A collision of different quads: rare; fall back to a full scan.
			dup := false
			for _, u := range unique {
				if u == q {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
		} else {
			first[k] = int32(len(unique))
		}
		unique = append(unique, q)
	}
	return unique
}

var dedupSeed = maphash.MakeSeed()

// span is one line in a shared buffer.
type span struct{ start, end int }

func sortSpans(buf []byte, spans []span) {
	slices.SortFunc(spans, func(a, b span) int {
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
	issued := make(map[string]string, len(c.canonical.issued))
	for k, v := range c.canonical.issued {
		issued[k] = v
	}
	return out, issued, nil
}

// canonicalize issues the canonical blank node identifiers. The caller
// must release the returned state once it has read c.canonical.
func canonicalize(quads []Quad, opts Options) (*canon, error) {
	// A dataset is a set: a repeated quad must not weigh twice in the
	// blank node hashes. First-degree hashing skips repeated quads in each
	// blank node's (short) list itself, so the (costly) deduplication of
	// the whole dataset is needed only when some blank nodes
	// share a first-degree hash and the N-degree algorithm runs: then the
	// whole run starts again over the deduplicated quads.
	c, err := newCanon(quads, opts)
	if err != nil {
		return nil, err
	}
	if c.longestList() > maxUndedupedList {
		err = errNeedsDedup // the per-node check is quadratic: dedup first
	} else {
		err = c.run()
	}
	if errors.Is(err, errNeedsDedup) {
		c.release()
		if c, err = newCanon(dedup(quads), opts); err != nil {
			return nil, err
		}
		c.deduped = true
		err = c.run()
	}
	if err != nil {
		c.release()
		return nil, err
	}
	return c, nil
}

// issuer is an Identifier Issuer (RDFC-1.0 4.3).
type issuer struct {
	prefix string
	issued map[string]string
	order  []string
}

func newIssuer(prefix string) *issuer {
	return &issuer{prefix: prefix, issued: map[string]string{}}
}

func (is *issuer) issue(id string) string {
	if v, ok := is.issued[id]; ok {
		return v
	}
	v := is.prefix + strconv.Itoa(len(is.order))
	is.issued[id] = v
	is.order = append(is.order, id)
	return v
}

func (is *issuer) clone() *issuer {
	c := &issuer{prefix: is.prefix, issued: make(map[string]string, len(is.issued)), order: append([]string(nil), is.order...)}
	for k, v := range is.issued {
		c.issued[k] = v
	}
	return c
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
	deduped   bool // quads hold no repeated blank-node quad

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
	c.quads, c.work, c.maxWork, c.deduped = quads, 0, opts.MaxWork, false
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
				c.lists[n] = append(list, i)
			}
		}
	}
	return c, nil
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
	clear(c.canonical.issued)
	clear(c.canonical.order)
	c.canonical.order = c.canonical.order[:0]
	clear(c.hashed)
	c.hashed = c.hashed[:0]
	canonPool.Put(c)
}

func (c *canon) relabel(t Term) Term {
	if t.Kind == BlankNode {
		t.Value = c.canonical.issued[t.Value]
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
	// Step 5: the rest, by N-degree hashes, which need the quads as a set.
	if len(shared) > 0 && !c.deduped {
		return errNeedsDedup
	}
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
			if _, done := c.canonical.issued[n]; done {
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
	for n, i := range idx {
		q := c.quads[i]
		if !c.deduped && repeats(c.quads, idx[:n], q) {
			continue // the same quad twice: the dataset is a set
		}
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
		spans = append(spans, span{start, len(buf)})
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
	if id, ok := c.canonical.issued[related]; ok {
		b.WriteString("_:" + id)
	} else if id, ok := is.issued[related]; ok {
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
				if cid, ok := c.canonical.issued[r]; ok {
					path.WriteString("_:" + cid)
				} else {
					if _, ok := cp.issued[r]; !ok {
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
