package ecdsasd2023

import (
	"sort"
	"strconv"
	"strings"
)

// parsePointer splits an RFC 6901 JSON pointer into unescaped reference
// tokens (vc-di-ecdsa 3.4.11 jsonPointerToPaths). The empty pointer (the
// whole document) is refused: select members instead.
func parsePointer(p string) ([]string, error) {
	if p == "" || p[0] != '/' {
		return nil, &pointerError{Pointer: p, Reason: "must start with '/'"}
	}
	if len(p) > maxPointerLength {
		return nil, &pointerError{Pointer: p[:64] + "…", Reason: "too long"}
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		if !strings.Contains(t, "~") {
			continue
		}
		for j := 0; j < len(t); j++ {
			if t[j] == '~' && (j+1 == len(t) || (t[j+1] != '0' && t[j+1] != '1')) {
				return nil, &pointerError{Pointer: p, Reason: "'~' not followed by '0' or '1'"}
			}
		}
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks, nil
}

// arrayIndex reads an RFC 6901 array index (no sign, no leading zeros).
func arrayIndex(tok string, n int) (int, bool) {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') {
		return 0, false
	}
	for _, c := range tok {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i >= n {
		return 0, false
	}
	return i, true
}

// sparse is an array of a selection under construction: only the
// selected indexes are present (selectPaths' "arrays").
type sparse struct {
	items map[int]any
}

// childOf returns the member tok of a document value, or false.
func childOf(v any, tok string) (any, bool) {
	switch t := v.(type) {
	case map[string]any:
		c, ok := t[tok]
		return c, ok
	case []any:
		i, ok := arrayIndex(tok, len(t))
		if !ok {
			return nil, false
		}
		return t[i], true
	}
	return nil, false
}

// selChild returns the member tok of a selection value, or false.
func selChild(v any, tok string) (any, bool) {
	if s, ok := v.(*sparse); ok {
		i, err := strconv.Atoi(tok)
		if err != nil {
			return nil, false
		}
		c, ok := s.items[i]
		return c, ok
	}
	return childOf(v, tok)
}

// setChild sets the member tok of a selection value. The selection
// mirrors the document, so tok is valid for it.
func setChild(v any, tok string, c any) {
	switch t := v.(type) {
	case map[string]any:
		t[tok] = c
	case *sparse:
		i, _ := strconv.Atoi(tok)
		t.items[i] = c
	case []any:
		i, _ := strconv.Atoi(tok)
		t[i] = c
	}
}

// initialSelection is vc-di-ecdsa 3.4.12 createInitialSelection: a node's
// non-blank id and its type. Both the aliases the spec assumes ("id",
// "type") and the keywords are kept.
func initialSelection(source any) map[string]any {
	sel := map[string]any{}
	m, ok := source.(map[string]any)
	if !ok {
		return sel
	}
	for _, k := range []string{"id", "@id"} {
		if id, ok := m[k].(string); ok && !strings.HasPrefix(id, "_:") {
			sel[k] = id
		}
	}
	for _, k := range []string{"type", "@type"} {
		if t, ok := m[k]; ok {
			sel[k] = deepCopy(t)
		}
	}
	return sel
}

// selectJSONLD is vc-di-ecdsa 3.4.14 selectJsonLd: the part of doc that
// pointers select, plus @context and the id and type of every object on
// the way. It returns nil if pointers is empty.
func selectJSONLD(pointers []string, doc map[string]any) (map[string]any, error) {
	if len(pointers) == 0 {
		return nil, nil
	}
	sel := initialSelection(doc)
	if ctx, ok := doc["@context"]; ok {
		sel["@context"] = deepCopy(ctx)
	}
	for _, p := range pointers {
		toks, err := parsePointer(p)
		if err != nil {
			return nil, err
		}
		if err := selectPaths(p, toks, doc, sel); err != nil {
			return nil, err
		}
	}
	return densify(sel).(map[string]any), nil
}

// selectPaths is vc-di-ecdsa 3.4.13 selectPaths.
func selectPaths(pointer string, toks []string, doc map[string]any, sel map[string]any) error {
	var value any = doc
	var selectedParent, selectedValue any = sel, sel
	for _, tok := range toks {
		selectedParent = selectedValue
		parentValue := value
		var ok bool
		if value, ok = childOf(parentValue, tok); !ok {
			return &pointerError{Pointer: pointer, Reason: "selects nothing in the document"}
		}
		if selectedValue, ok = selChild(selectedParent, tok); !ok {
			if _, isArray := value.([]any); isArray {
				selectedValue = &sparse{items: map[int]any{}}
			} else {
				selectedValue = initialSelection(value)
			}
			setChild(selectedParent, tok, selectedValue)
		}
	}
	// With traversal complete at the target value, compute the selection.
	switch t := value.(type) {
	case map[string]any:
		merged := map[string]any{}
		if m, ok := selectedValue.(map[string]any); ok {
			for k, v := range m {
				merged[k] = v
			}
		}
		for k, v := range t {
			merged[k] = deepCopy(v)
		}
		selectedValue = merged
	default: // literal or array
		selectedValue = deepCopy(t)
	}
	setChild(selectedParent, toks[len(toks)-1], selectedValue)
	return nil
}

// densify turns sparse arrays into dense ones, in index order.
func densify(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			t[k] = densify(c)
		}
		return t
	case []any:
		for i, c := range t {
			t[i] = densify(c)
		}
		return t
	case *sparse:
		idx := make([]int, 0, len(t.items))
		for i := range t.items {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		out := make([]any, len(idx))
		for j, i := range idx {
			out[j] = densify(t.items[i])
		}
		return out
	}
	return v
}

// deepCopy copies a generic JSON value.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, c := range t {
			out[k] = deepCopy(c)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, c := range t {
			out[i] = deepCopy(c)
		}
		return out
	}
	return v
}

// lookup returns the value at a parsed pointer in doc.
func lookup(doc any, toks []string) (any, bool) {
	v := doc
	for _, tok := range toks {
		var ok bool
		if v, ok = childOf(v, tok); !ok {
			return nil, false
		}
	}
	return v, true
}
