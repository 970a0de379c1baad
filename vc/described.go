package vc

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// In the RDF graph a signature covers, every JSON object with the same @id
// is one node: their members merge. A reader that takes a credential's
// validUntil, or a status entry's statusSize, from the one object where it
// looks would miss the same member written in a second object naming the
// same id: the signed graph is the same, the JSON reads differently. So
// the nodes the verifier reads members of, and takes the absence of a
// member as meaning something (no validUntil: no expiry; no statusSize: one
// bit), may be described, within the document's graph, by one JSON object
// only: the document itself and the entries of its credentialStatus,
// credentialSchema, refreshService, termsOfUse and evidence. Elsewhere an
// object naming such an id may carry nothing but the id (a reference), or
// repeat the same description exactly. (The issuer and the subjects are not
// among them: OB 3.0 credentials describe the issuer's profile again as the
// achievement's creator, an endorsement's subject is often its issuer, a
// CLR describes its learner in every credential it holds; the verifier
// reads only their ids.)
//
// Proofs are graphs of their own (the @graph container of proof), as are
// a presentation's credentials (each is parsed on its own): they are not
// searched.

// readNodes are the members whose node objects the verifier reads.
var readNodes = []string{"credentialStatus", "credentialSchema", "refreshService", "termsOfUse", "evidence"}

// separateGraphs are the top-level members whose values are graphs of
// their own; a proof is one at any depth.
var separateGraphs = map[string]bool{"proof": true, "verifiableCredential": true}

// checkDescribedOnce applies the rule above to the decoded document obj.
// The walk allocates nothing unless it finds a second description; then it
// walks again in member-name order to name the first one deterministically.
func checkDescribedOnce(obj map[string]any, kind error) error {
	var watched [8]string
	ids := watched[:0]
	if id := nodeID(obj); id != "" {
		ids = append(ids, id)
	}
	for _, name := range readNodes {
		switch v := obj[name].(type) {
		case map[string]any:
			if id := nodeID(v); id != "" {
				ids = append(ids, id)
			}
		case []any:
			for _, e := range v {
				if m, ok := e.(map[string]any); ok {
					if id := nodeID(m); id != "" {
						ids = append(ids, id)
					}
				}
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var firsts [8]description
	d := describedWalk{ids: ids, first: firsts[:0]}
	if !d.walk(obj, true) {
		return nil
	}
	// Found one: walk again, in order, for the error.
	d = describedWalk{ids: ids, ordered: true}
	d.walk(obj, true)
	return &FieldError{Field: fieldName(d.at), kind: kind, Err: fmt.Errorf(
		"a second description of %q (the first is at %s): in the signed graph both are one node, so a member of either would not be where the verifier reads it",
		d.id, pointerOrRoot(d.firstAt))}
}

// describedWalk looks for a second, different description of a watched
// id. With ordered, it visits members by name and records pointers.
type describedWalk struct {
	ids     []string
	first   []description // the first description of each id seen
	ordered bool
	path    []string
	// The finding: the id, where it was described first and again.
	id, firstAt, at string
}

type description struct {
	id string
	m  map[string]any
	at string // ordered only
}

func (d *describedWalk) watched(id string) bool {
	for _, w := range d.ids {
		if w == id {
			return true
		}
	}
	return false
}

func (d *describedWalk) pointer() string {
	if !d.ordered {
		return ""
	}
	var b strings.Builder
	for _, t := range d.path {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

// seen records a description of id and reports a second, different one.
func (d *describedWalk) seen(id string, m map[string]any) bool {
	for _, f := range d.first {
		if f.id == id {
			if reflect.DeepEqual(f.m, m) {
				return false
			}
			d.id, d.at, d.firstAt = id, d.pointer(), f.at
			return true
		}
	}
	d.first = append(d.first, description{id: id, m: m, at: d.pointer()})
	return false
}

// member walks member k of x.
func (d *describedWalk) member(x map[string]any, k string, top bool) bool {
	if top && separateGraphs[k] || k == "proof" || k == "@context" {
		return false
	}
	if !d.ordered {
		return d.walk(x[k], false)
	}
	d.path = append(d.path, k)
	found := d.walk(x[k], false)
	d.path = d.path[:len(d.path)-1]
	return found
}

// walk reports whether it found a second description.
func (d *describedWalk) walk(v any, top bool) bool {
	switch x := v.(type) {
	case map[string]any:
		if id := nodeID(x); id != "" && describes(x) && d.watched(id) && d.seen(id, x) {
			return true
		}
		if !d.ordered {
			for k := range x {
				if d.member(x, k, top) {
					return true
				}
			}
			return false
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if d.member(x, k, top) {
				return true
			}
		}
	case []any:
		for i, e := range x {
			if d.ordered {
				d.path = append(d.path, strconv.Itoa(i))
			}
			found := d.walk(e, false)
			if d.ordered {
				d.path = d.path[:len(d.path)-1]
			}
			if found {
				return true
			}
		}
	}
	return false
}

// nodeID returns the object's id ("id" or "@id"), if a string.
func nodeID(m map[string]any) string {
	if s, ok := m["id"].(string); ok {
		return s
	}
	s, _ := m["@id"].(string)
	return s
}

// describes reports an object with members besides its id.
func describes(m map[string]any) bool {
	for k := range m {
		if k != "id" && k != "@id" && k != "@context" {
			return true
		}
	}
	return false
}

func escapeToken(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/ (the document)"
	}
	return p
}

// fieldName turns a JSON Pointer into the FieldError field notation.
func fieldName(ptr string) string {
	if ptr == "" {
		return "(document)"
	}
	return strings.TrimPrefix(ptr, "/")
}
