package canon

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"

	"github.com/onchaincert/microcred/internal/jcs"
	"github.com/onchaincert/microcred/internal/rdfc"
)

// RDF and XML Schema IRIs used by the conversion.
const (
	rdfType       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	rdfFirst      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
	rdfRest       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
	rdfNil        = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
	rdfLangString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
	rdfJSON       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
	xsdString     = "http://www.w3.org/2001/XMLSchema#string"
	xsdBoolean    = "http://www.w3.org/2001/XMLSchema#boolean"
	xsdInteger    = "http://www.w3.org/2001/XMLSchema#integer"
	xsdDouble     = "http://www.w3.org/2001/XMLSchema#double"
)

// toRDF converts expanded JSON-LD to RDF quads: the JSON-LD 1.1 API's
// Deserialize JSON-LD to RDF (8.1), Object to RDF (8.2) and List
// Conversion (8.3), on json-gold's node map.
//
// It follows jsonld.js, the reference implementation, where the spec leaves
// room, so that our canonical forms match it byte for byte. Where the
// algorithm would silently drop a statement (relative IRIs, blank node
// predicates, ill-formed language tags, a base direction with no RDF
// form), it returns an error instead: the signature must cover everything
// the reader sees.
func toRDF(expanded []any) (_ []rdfc.Quad, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &jsonGoldPanicError{r}
		}
	}()
	// Node map generation merges values that differ only in @direction:
	// refuse them first (see directionTwin).
	if err := expandedDirectionTwin(expanded); err != nil {
		return nil, err
	}
	issuer := ld.NewIdentifierIssuer("_:b")
	nodeMap := map[string]any{"@default": map[string]any{}}
	if _, err := ld.NewJsonLdApi().GenerateNodeMap(expanded, nodeMap, "@default", issuer, "", "", nil); err != nil {
		return nil, fmt.Errorf("canon: generating node map: %w", err)
	}
	c := &converter{}
	for _, graphName := range sortedKeys(nodeMap) {
		var g rdfc.Term
		if graphName != "@default" {
			t, ok := iriOrBlank(graphName)
			if !ok {
				return nil, &UnsafeError{Term: graphName, Kind: ErrRelativeIRI}
			}
			g = t
		}
		graph, _ := nodeMap[graphName].(map[string]any)
		for _, subject := range sortedKeys(graph) {
			s, ok := iriOrBlank(subject)
			if !ok {
				return nil, &UnsafeError{Term: subject, Kind: ErrRelativeIRI}
			}
			node, _ := graph[subject].(map[string]any)
			for _, property := range sortedKeys(node) {
				values, _ := node[property].([]any)
				if property == "@type" {
					for _, v := range values {
						ts, _ := v.(string)
						o, ok := iriOrBlank(ts)
						if !ok {
							return nil, &UnsafeError{Term: ts, Kind: ErrRelativeIRI}
						}
						c.out = append(c.out, rdfc.Quad{Subject: s, Predicate: rdfc.Term{Kind: rdfc.IRI, Value: rdfType}, Object: o, Graph: g})
					}
					continue
				}
				if strings.HasPrefix(property, "@") {
					continue
				}
				if strings.HasPrefix(property, "_:") {
					return nil, &UnsafeError{Term: property, Kind: ErrUnsafePredicate}
				}
				if !absoluteOrBlank(property) {
					return nil, &UnsafeError{Term: property, Kind: ErrRelativeIRI}
				}
				p := rdfc.Term{Kind: rdfc.IRI, Value: property}
				for _, item := range values {
					o, err := c.object(item, g)
					if err != nil {
						return nil, err
					}
					c.out = append(c.out, rdfc.Quad{Subject: s, Predicate: p, Object: o, Graph: g})
				}
			}
		}
	}
	return c.out, nil
}

type converter struct {
	out   []rdfc.Quad
	lists int
}

// object converts one item to an RDF term, emitting list statements.
func (c *converter) object(item any, g rdfc.Term) (rdfc.Term, error) {
	m, ok := item.(map[string]any)
	if !ok {
		return rdfc.Term{}, fmt.Errorf("canon: unexpected %T in expanded JSON-LD", item)
	}
	if list, ok := m["@list"]; ok {
		items, _ := list.([]any)
		return c.list(items, g)
	}
	v, isValue := m["@value"]
	if !isValue {
		id, _ := m["@id"].(string)
		t, ok := iriOrBlank(id)
		if !ok {
			return rdfc.Term{}, &UnsafeError{Term: id, Kind: ErrRelativeIRI}
		}
		return t, nil
	}
	datatype, _ := m["@type"].(string)
	if datatype != "" && datatype != "@json" && !absoluteOrBlank(datatype) {
		return rdfc.Term{}, &UnsafeError{Term: datatype, Kind: ErrRelativeIRI}
	}
	lang, hasLang := m["@language"].(string)
	if d, ok := m["@direction"]; ok {
		dir, _ := d.(string)
		s, isString := v.(string)
		if (dir != "ltr" && dir != "rtl") || !isString || datatype != "" {
			return rdfc.Term{}, &UnsafeError{Term: fmt.Sprint(d), Kind: ErrUnsafeDirection, why: "a base direction is \"ltr\" or \"rtl\", on a string without a datatype"}
		}
		return directional(s, lang, hasLang, dir)
	}
	return literal(v, datatype, lang, hasLang)
}

// i18nBase is the namespace of the datatypes a base direction is written
// in (JSON-LD 1.1 API, rdfDirection i18n-datatype).
const i18nBase = "https://www.w3.org/ns/i18n#"

// directional converts a string with a base direction the way Digital
// Bazaar's RDFC cryptosuites and di-sd-primitives do (jsonld.js toRdf with
// rdfDirection "i18n-datatype", JSON-LD 1.1 API 8.2 step 13): the literal's
// datatype is i18n:LANGUAGE_DIRECTION, the language lower-cased (empty
// without one), and it has no language tag. So the direction is in the
// signed statements: flipping it changes the canonical form. (With
// rdfDirection unset, the default, JSON-LD drops the direction and a
// signature would not cover it.)
func directional(v, lang string, hasLang bool, dir string) (rdfc.Term, error) {
	if hasLang && !wellFormedLanguage(lang) {
		return rdfc.Term{}, &UnsafeError{Term: lang, Kind: ErrUnsafeLanguage}
	}
	return rdfc.Term{Kind: rdfc.Literal, Value: v, Datatype: i18nBase + strings.ToLower(lang) + "_" + dir}, nil
}

// literal converts a value object's @value (with its @type, or its
// @language if hasLang) to an RDF literal (JSON-LD 1.1 API 8.2, steps
// 5-13). The compiled-context path (fast.go) shares it, so both paths write
// numbers, booleans and JSON literals identically.
func literal(v any, datatype, lang string, hasLang bool) (rdfc.Term, error) {
	lit := rdfc.Term{Kind: rdfc.Literal}
	switch {
	case datatype == "@json":
		b, err := jcs.Marshal(v)
		if err != nil {
			return rdfc.Term{}, fmt.Errorf("canon: canonicalizing a JSON literal: %w", err)
		}
		lit.Value, lit.Datatype = string(b), rdfJSON
	default:
		switch x := v.(type) {
		case bool:
			lit.Value = strconv.FormatBool(x)
			lit.Datatype = orDefault(datatype, xsdBoolean)
		case float64:
			if isJSDouble(x) || datatype == xsdDouble {
				lit.Value = canonicalDouble(x)
				lit.Datatype = orDefault(datatype, xsdDouble)
			} else {
				lit.Value = jsToFixed0(x)
				lit.Datatype = orDefault(datatype, xsdInteger)
			}
		case string:
			lit.Value = x
			if hasLang {
				if !wellFormedLanguage(lang) {
					return rdfc.Term{}, &UnsafeError{Term: lang, Kind: ErrUnsafeLanguage}
				}
				lit.Language = strings.ToLower(lang)
				lit.Datatype = rdfLangString
			} else {
				lit.Datatype = orDefault(datatype, xsdString)
			}
		default:
			return rdfc.Term{}, fmt.Errorf("canon: unexpected @value of type %T", v)
		}
	}
	return lit, nil
}

// list emits the rdf:first/rdf:rest chain of a list and returns its head.
func (c *converter) list(items []any, g rdfc.Term) (rdfc.Term, error) {
	if len(items) == 0 {
		return rdfc.Term{Kind: rdfc.IRI, Value: rdfNil}, nil
	}
	nodes := make([]rdfc.Term, len(items))
	for i := range items {
		c.lists++
		// "_:l" labels cannot collide with the node map's "_:b" labels.
		nodes[i] = rdfc.Term{Kind: rdfc.BlankNode, Value: "l" + strconv.Itoa(c.lists)}
	}
	first := rdfc.Term{Kind: rdfc.IRI, Value: rdfFirst}
	rest := rdfc.Term{Kind: rdfc.IRI, Value: rdfRest}
	for i, it := range items {
		o, err := c.object(it, g)
		if err != nil {
			return rdfc.Term{}, err
		}
		c.out = append(c.out, rdfc.Quad{Subject: nodes[i], Predicate: first, Object: o, Graph: g})
		next := rdfc.Term{Kind: rdfc.IRI, Value: rdfNil}
		if i+1 < len(items) {
			next = nodes[i+1]
		}
		c.out = append(c.out, rdfc.Quad{Subject: nodes[i], Predicate: rest, Object: next, Graph: g})
	}
	return nodes[0], nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func iriOrBlank(s string) (rdfc.Term, bool) {
	if strings.HasPrefix(s, "_:") {
		return rdfc.Term{Kind: rdfc.BlankNode, Value: s[2:]}, len(s) > 2
	}
	if !absoluteOrBlank(s) {
		return rdfc.Term{}, false
	}
	return rdfc.Term{Kind: rdfc.IRI, Value: s}, true
}

// wellFormedLanguage checks BCP 47 shape as JSON-LD does:
// [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*.
func wellFormedLanguage(s string) bool {
	parts := strings.Split(s, "-")
	for i, p := range parts {
		if len(p) == 0 || len(p) > 8 {
			return false
		}
		for j := 0; j < len(p); j++ {
			c := p[j]
			alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
			if !alpha && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// isJSDouble mirrors jsonld.js: a number is written as xsd:double when
// JavaScript's String(n) contains a "." or |n| >= 1e21.
func isJSDouble(x float64) bool {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return true
	}
	a := math.Abs(x)
	if a >= 1e21 {
		return true
	}
	if a == 0 {
		return false
	}
	if a < 1e-6 {
		// String(n) is exponential: "d.ddde-7" has a "." iff there is
		// more than one significant digit.
		digits := strconv.FormatFloat(a, 'e', -1, 64)
		return strings.Contains(digits[:strings.IndexByte(digits, 'e')], ".")
	}
	return a != math.Trunc(a)
}

// jsToFixed0 is JavaScript's n.toFixed(0) for |n| < 1e21.
func jsToFixed0(x float64) string {
	r := math.Round(x) // toFixed rounds half away from zero, like math.Round
	if r == 0 {
		if x < 0 { // toFixed keeps the sign of a negative number rounded to 0
			return "-0"
		}
		return "0"
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// canonicalDouble is jsonld.js's canonical xsd:double:
// n.toExponential(15) with trailing zeros of the mantissa and the
// exponent's "+" and leading zeros removed, e.g. 5.3E0, 1.0E-7.
func canonicalDouble(x float64) string {
	s := strconv.FormatFloat(x, 'e', 15, 64) // d.ddddddddddddddde±dd
	mant, exp, _ := strings.Cut(s, "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	frac = strings.TrimRight(frac, "0")
	if frac == "" {
		frac = "0"
	}
	e, _ := strconv.Atoi(exp)
	return intPart + "." + frac + "E" + strconv.Itoa(e)
}

// Two values of one node's property that differ only in base direction
// ("x"@ar, and "x"@ar with direction rtl; or rtl and ltr) are one value to
// JSON-LD's node map generation: json-gold and jsonld.js compare @value,
// @type, @language and @index, not @direction, and keep the first. Their
// canonical form then lacks the other's direction: an RDFC signature made
// with them does not cover it (the value can be removed under it), and
// ours, which keeps both statements, would not match theirs. Such
// documents are refused, on both paths.

// twinKey is what node map generation compares values by.
type twinKey struct {
	s, p, g     rdfc.Term
	value, lang string
}

func twinError(value, p, a, b string) error {
	if a > b {
		a, b = b, a
	}
	name := func(d string) string {
		if d == "" {
			return "none"
		}
		return strconv.Quote(d)
	}
	return &UnsafeError{Kind: ErrUnsafeDirection, Term: value, why: fmt.Sprintf(
		"a node has this value twice for <%s>, with base direction %s and %s; JSON-LD processors (json-gold, jsonld.js) merge the two and drop a direction, which a signature would then not cover",
		p, name(a), name(b))}
}

// directionTwin finds such values among the walker's quads.
func directionTwin(quads []rdfc.Quad) error {
	var seen map[twinKey]string
	for _, q := range quads {
		lang, dir, ok := langDir(q.Object)
		if !ok {
			continue
		}
		if seen == nil {
			seen = make(map[twinKey]string)
		}
		k := twinKey{q.Subject, q.Predicate, q.Graph, q.Object.Value, lang}
		if d, ok := seen[k]; ok && d != dir {
			return twinError(q.Object.Value, q.Predicate.Value, d, dir)
		}
		seen[k] = dir
	}
	return nil
}

// langDir returns the language and base direction of a string literal
// (plain, language-tagged or in an i18n datatype).
func langDir(o rdfc.Term) (lang, dir string, ok bool) {
	if o.Kind != rdfc.Literal {
		return "", "", false
	}
	switch {
	case o.Datatype == xsdString:
		return "", "", true
	case o.Datatype == rdfLangString:
		return o.Language, "", true
	case strings.HasPrefix(o.Datatype, i18nBase):
		ld := o.Datatype[len(i18nBase):]
		i := strings.LastIndexByte(ld, '_')
		if i < 0 {
			return "", "", false
		}
		return ld[:i], ld[i+1:], true
	}
	return "", "", false
}

// expandedDirectionTwin finds such values in an expanded document, before
// node map generation merges them: values are grouped by graph, node
// (@id, or the node object itself when it has none) and property.
func expandedDirectionTwin(expanded []any) error {
	seen := map[twinKey]string{}
	anon := 0
	blank := func() rdfc.Term {
		anon++
		return rdfc.Term{Kind: rdfc.BlankNode, Value: "t" + strconv.Itoa(anon)}
	}
	var node func(n map[string]any, g rdfc.Term) error
	var items func(v any, s, p, g rdfc.Term) error
	items = func(v any, s, p, g rdfc.Term) error {
		list, _ := v.([]any)
		for _, it := range list {
			m, ok := it.(map[string]any)
			if !ok {
				continue
			}
			if l, ok := m["@list"]; ok {
				// List items are the objects of distinct rdf:first
				// statements: not merged. Their node objects are nodes.
				if err := items(l, blank(), p, g); err != nil {
					return err
				}
				continue
			}
			if val, ok := m["@value"]; ok {
				str, isString := val.(string)
				if _, typed := m["@type"]; !isString || typed {
					continue
				}
				lang, _ := m["@language"].(string)
				dir, _ := m["@direction"].(string)
				k := twinKey{s, p, g, str, strings.ToLower(lang)}
				if d, ok := seen[k]; ok && d != dir {
					return twinError(str, p.Value, d, dir)
				}
				seen[k] = dir
				continue
			}
			if err := node(m, g); err != nil {
				return err
			}
		}
		return nil
	}
	node = func(n map[string]any, g rdfc.Term) error {
		s := blank()
		if id, ok := n["@id"].(string); ok {
			s = rdfc.Term{Kind: rdfc.IRI, Value: id}
		}
		for _, k := range sortedKeys(n) {
			switch {
			case k == "@graph":
				// A graph object: its nodes are in the graph it names.
				if list, ok := n[k].([]any); ok {
					for _, e := range list {
						if m, ok := e.(map[string]any); ok {
							if err := node(m, s); err != nil {
								return err
							}
						}
					}
				}
			case strings.HasPrefix(k, "@"):
			default:
				if err := items(n[k], s, rdfc.Term{Kind: rdfc.IRI, Value: k}, g); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, e := range expanded {
		if m, ok := e.(map[string]any); ok {
			if err := node(m, rdfc.Term{}); err != nil {
				return err
			}
		}
	}
	return nil
}
