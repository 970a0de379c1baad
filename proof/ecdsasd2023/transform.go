package ecdsasd2023

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/onchaincert/microcred/internal/rdfc"
)

// skolemized is a document whose blank nodes all carry an @id under a
// random URN prefix (vc-di-ecdsa 3.4.7 skolemizeCompactJsonLd).
type skolemized struct {
	doc    map[string]any
	prefix string
	count  int // the nodes named prefix+"g0" … prefix+"g<count-1>"
}

// skolemize gives every node object of doc without an @id the IRI
// prefix+"g"+N. Instead of expanding, skolemizing and compacting again (as
// the spec describes), it adds "@id" to the JSON objects in place, found
// through the pointers expansion reports: the result has the same shape
// as doc, so JSON pointers address it the same way, and its RDF is the
// RDF of doc with skolem IRIs for the blank nodes.
func (s *Suite) skolemize(doc map[string]any) (*skolemized, error) {
	_, nodes, err := s.canon.QuadsAndNodes(doc)
	if err != nil {
		return nil, err
	}
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	sk := &skolemized{doc: deepCopy(doc).(map[string]any), prefix: "urn:bnid:" + hex.EncodeToString(rnd[:]) + ":"}
	count := 0
	for _, n := range nodes {
		if n.Graph {
			return nil, fmt.Errorf("%w: graph object at %s", errUnsupportedDocument, pointerOrRoot(n.Pointer))
		}
		if strings.HasPrefix(n.ID, "_:") {
			return nil, fmt.Errorf("%w: explicit blank node identifier %q at %s", errUnsupportedDocument, n.ID, pointerOrRoot(n.Pointer))
		}
		if n.ID != "" {
			continue
		}
		var toks []string
		if n.Pointer != "" {
			if toks, err = parsePointer(n.Pointer); err != nil {
				return nil, err
			}
		}
		v, ok := lookup(sk.doc, toks)
		m, isMap := v.(map[string]any)
		if !ok || !isMap {
			return nil, fmt.Errorf("%w: node at %s is not a JSON object", errUnsupportedDocument, pointerOrRoot(n.Pointer))
		}
		m[n.IDMember] = sk.prefix + "g" + strconv.Itoa(count)
		count++
	}
	sk.count = count
	return sk, nil
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/ (document root)"
	}
	return p
}

// quads returns the deskolemized RDF of a (part of a) skolemized
// document (vc-di-ecdsa 3.4.8 toDeskolemizedNQuads): skolem IRIs become
// blank nodes again.
func (s *Suite) quads(sk *skolemized, doc map[string]any) ([]rdfc.Quad, error) {
	qs, err := s.canon.Quads(doc)
	if err != nil {
		return nil, err
	}
	for i := range qs {
		for _, t := range []*rdfc.Term{&qs[i].Subject, &qs[i].Object, &qs[i].Graph} {
			if t.Kind == rdfc.IRI && strings.HasPrefix(t.Value, sk.prefix) {
				*t = rdfc.Term{Kind: rdfc.BlankNode, Value: t.Value[len(sk.prefix):]}
			}
		}
	}
	return qs, nil
}

// hmacLabel is vc-di-ecdsa 3.4.4 createHmacIdLabelMapFunction for one
// canonical label: "u" + base64url-no-pad(HMAC-SHA-256(key, label)).
func hmacLabel(key []byte, c14n string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(c14n))
	return "u" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// relabel writes quads as N-Quads with blank node labels replaced through
// labels; a label missing from the map is an error.
func relabel(quads []rdfc.Quad, labels map[string]string) ([]string, error) {
	out := make([]string, len(quads))
	for i, q := range quads {
		for _, t := range []*rdfc.Term{&q.Subject, &q.Object, &q.Graph} {
			if t.Kind != rdfc.BlankNode {
				continue
			}
			l, ok := labels[t.Value]
			if !ok {
				return nil, fmt.Errorf("%w: no label for blank node _:%s", errLabelMap, t.Value)
			}
			t.Value = l
		}
		out[i] = string(rdfc.AppendNQuad(nil, q))
	}
	return out, nil
}

// sortedSet sorts N-Quads in code point order and drops duplicates (an
// RDF dataset is a set).
func sortedSet(nq []string) []string {
	sort.Strings(nq)
	out := nq[:0]
	for i, s := range nq {
		if i == 0 || s != nq[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// canonicalize runs RDFC-1.0 (SHA-256) on quads and returns the
// relabelled quads and the issued map (input label -> c14nN).
func (s *Suite) canonicalize(quads []rdfc.Quad) ([]rdfc.Quad, map[string]string, error) {
	out, issued, err := rdfc.CanonicalizeQuads(quads, rdfc.Options{Hash: cryptoSHA256})
	if err != nil {
		return nil, nil, fmt.Errorf("ecdsasd2023: %w", err)
	}
	return out, issued, nil
}

// group is one named selection of canonicalizeAndGroup.
type group struct {
	matching []int        // indexes into the canonical N-Quads, increasing
	isMatch  map[int]bool // the same, as a set
	quads    []rdfc.Quad  // the selection's deskolemized quads
}

// grouped is the result of vc-di-ecdsa 3.4.17 canonicalizeAndGroup.
type grouped struct {
	nquads   []string          // HMAC-relabelled canonical N-Quads, sorted
	labelMap map[string]string // deskolemized label -> HMAC label
	groups   map[string]*group
}

// canonicalizeAndGroup is vc-di-ecdsa 3.4.17 with the HMAC label map
// function of 3.4.4.
func (s *Suite) canonicalizeAndGroup(doc map[string]any, hmacKey []byte, defs map[string][]string) (*grouped, error) {
	sk, err := s.skolemize(doc)
	if err != nil {
		return nil, err
	}
	quads, err := s.quads(sk, sk.doc)
	if err != nil {
		return nil, err
	}
	canonical, issued, err := s.canonicalize(quads)
	if err != nil {
		return nil, err
	}
	byC14n := make(map[string]string, len(issued))
	g := &grouped{labelMap: make(map[string]string, len(issued)), groups: map[string]*group{}}
	for in, c14n := range issued {
		l := hmacLabel(hmacKey, c14n)
		byC14n[c14n] = l
		g.labelMap[in] = l
	}
	nq, err := relabel(canonical, byC14n)
	if err != nil {
		return nil, err
	}
	g.nquads = sortedSet(nq)
	for name, pointers := range defs {
		sel, err := selectJSONLD(pointers, sk.doc)
		if err != nil {
			return nil, err
		}
		gr := &group{isMatch: map[int]bool{}}
		if sel != nil {
			if gr.quads, err = s.quads(sk, sel); err != nil {
				return nil, fmt.Errorf("ecdsasd2023: selection of %s: %w", name, err)
			}
			selected, err := relabel(gr.quads, g.labelMap)
			if err != nil {
				return nil, fmt.Errorf("%w (selection of %s reaches a blank node the document does not identify; lists cannot be selected)", err, name)
			}
			set := make(map[string]bool, len(selected))
			for _, q := range selected {
				set[q] = true
			}
			for i, q := range g.nquads {
				if set[q] {
					gr.matching = append(gr.matching, i)
					gr.isMatch[i] = true
				}
			}
		}
		g.groups[name] = gr
	}
	return g, nil
}
