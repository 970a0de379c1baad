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
func checkDescribedOnce(obj map[string]any, kind error) error {
	watched := map[string]string{} // id -> where the verifier reads it
	if id := nodeID(obj); id != "" {
		watched[id] = ""
	}
	for _, name := range readNodes {
		for i, e := range asList(obj[name]) {
			if m, ok := e.(map[string]any); ok {
				if id := nodeID(m); id != "" {
					if _, seen := watched[id]; !seen {
						watched[id] = fmt.Sprintf("/%s/%d", name, i)
					}
				}
			}
		}
	}
	if len(watched) == 0 {
		return nil
	}
	first := map[string]map[string]any{}
	firstAt := map[string]string{}
	var walk func(v any, ptr string, top bool) error
	walk = func(v any, ptr string, top bool) error {
		switch x := v.(type) {
		case map[string]any:
			if id := nodeID(x); id != "" && describes(x) {
				if _, ok := watched[id]; ok {
					if prev, dup := first[id]; !dup {
						first[id], firstAt[id] = x, ptr
					} else if !reflect.DeepEqual(prev, x) {
						return &FieldError{Field: fieldName(ptr), kind: kind, Err: fmt.Errorf(
							"a second description of %q (the first is at %s): in the signed graph both are one node, so a member of either would not be where the verifier reads it",
							id, pointerOrRoot(firstAt[id]))}
					}
				}
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys) // the same error for the same document
			for _, k := range keys {
				if top && separateGraphs[k] || k == "proof" || k == "@context" {
					continue
				}
				if err := walk(x[k], ptr+"/"+escapeToken(k), false); err != nil {
					return err
				}
			}
		case []any:
			for i, e := range x {
				if err := walk(e, ptr+"/"+strconv.Itoa(i), false); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(obj, "", true)
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
