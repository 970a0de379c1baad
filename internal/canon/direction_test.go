package canon_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/vc/contexts"
)

// directionCases are documents whose strings get a base direction from
// each place JSON-LD takes one: the value object's own @direction, the
// term definition's, a context's default (the document's, a node's own,
// a property-scoped one), and a term's null direction that cancels the
// default. want are literals the canonical form must hold.
func directionCases() map[string]struct {
	doc  map[string]any
	want []string
} {
	v2 := contexts.CredentialsV2
	cred := func(ctx []any, members map[string]any) map[string]any {
		m := map[string]any{
			"@context":          ctx,
			"id":                "urn:uuid:8b0c3b0e-0c5e-4a43-a1c2-d7b7b3f1a001",
			"type":              []any{"VerifiableCredential"},
			"issuer":            "did:example:issuer",
			"validFrom":         "2024-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": "did:example:learner"},
		}
		for k, v := range members {
			m[k] = v
		}
		return m
	}
	label := func(def map[string]any) map[string]any {
		def["@id"] = "https://example.org/label"
		return map[string]any{"label": def}
	}
	const i18n = "^^<https://www.w3.org/ns/i18n#"
	return map[string]struct {
		doc  map[string]any
		want []string
	}{
		"the VCDM 2.0 language example (a list of values)": {
			cred([]any{v2}, map[string]any{"name": []any{
				map[string]any{"@value": "Example University", "@language": "en"},
				map[string]any{"@value": "جامعة المثال", "@language": "ar", "@direction": "rtl"},
			}}),
			[]string{`"Example University"@en`, `"جامعة المثال"` + i18n + `ar_rtl>`},
		},
		"a context's default direction": {
			cred([]any{v2, map[string]any{"@direction": "rtl"}, label(map[string]any{})}, map[string]any{"name": "شارة", "label": "x"}),
			[]string{`"شارة"` + i18n + `_rtl>`, `"x"` + i18n + `_rtl>`},
		},
		"a context's default language and direction": {
			cred([]any{v2, map[string]any{"@direction": "rtl", "@language": "AR"}}, map[string]any{"name": "شارة"}),
			[]string{`"شارة"` + i18n + `ar_rtl>`},
		},
		"a node's own context": {
			cred([]any{v2}, map[string]any{"credentialSubject": map[string]any{
				"@context": map[string]any{"@direction": "ltr", "label": "https://example.org/label"},
				"id":       "did:example:learner", "label": "abc",
			}}),
			[]string{`"abc"` + i18n + `_ltr>`},
		},
		"a term's direction and language": {
			cred([]any{v2, label(map[string]any{"@direction": "rtl", "@language": "he"})}, map[string]any{"label": []any{"שלום", "עולם"}}),
			[]string{`"שלום"` + i18n + `he_rtl>`, `"עולם"` + i18n + `he_rtl>`},
		},
		"a property-scoped context's default": {
			cred([]any{v2, label(map[string]any{"@context": map[string]any{"@direction": "rtl"}})}, map[string]any{"label": "שלום"}),
			[]string{`"שלום"` + i18n + `_rtl>`},
		},
		"a term's null direction cancels the default": {
			cred([]any{v2, map[string]any{"@direction": "rtl"}, label(map[string]any{"@direction": nil})}, map[string]any{"label": "abc", "name": "x"}),
			[]string{`<https://example.org/label> "abc" .`, `"x"` + i18n + `_rtl>`},
		},
		"a typed term takes no direction": {
			cred([]any{v2, map[string]any{"@direction": "rtl"}, label(map[string]any{"@type": "https://example.org/t"})}, map[string]any{"label": "abc"}),
			[]string{`"abc"^^<https://example.org/t>`},
		},
	}
}

// Every source of a base direction is signed, in the i18n datatype, as
// jsonld.js does with rdfDirection i18n-datatype (Digital Bazaar's RDFC
// suites); the walker and the reference path (json-gold's expansion, which
// applies the defaults) write the same bytes, and flipping the direction
// changes them. The walker once wrote a string under a property-scoped
// default as a plain literal, so the embedded context's "rtl" could be
// flipped under an RDFC signature.
func TestDirectionSigned(t *testing.T) {
	p := newPair(t)
	for name, tc := range directionCases() {
		t.Run(name, func(t *testing.T) {
			got, err := p.fast.Canonicalize(tc.doc)
			require.NoError(t, err)
			for _, w := range tc.want {
				assert.Contains(t, string(got), w)
			}
			want, err := p.ref.Canonicalize(tc.doc)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got), "the walker and the reference agree")
			require.NoError(t, p.fast.Check(tc.doc))

			data, err := json.Marshal(tc.doc)
			require.NoError(t, err)
			if !strings.Contains(string(data), `"rtl"`) || !strings.Contains(string(got), "i18n#") {
				return // no direction reaches a string (a typed term)
			}
			var flipped map[string]any
			require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(string(data), `"rtl"`, `"ltr"`)), &flipped))
			other, err := p.fast.Canonicalize(flipped)
			require.NoError(t, err)
			assert.NotEqual(t, string(got), string(other), "the direction is in the signed form")
		})
	}
}

// Ill-formed directions are refused, on both paths, wherever they are
// written (json-gold takes some of them).
func TestDirectionIllFormedRefused(t *testing.T) {
	p := newPair(t)
	v2 := contexts.CredentialsV2
	for name, tc := range map[string]struct {
		doc  map[string]any
		kind error
	}{
		"up":             {map[string]any{"@context": []any{v2}, "id": "urn:x", "name": map[string]any{"@value": "x", "@direction": "up"}}, canon.ErrUnsafeDirection},
		"upper case":     {map[string]any{"@context": []any{v2}, "id": "urn:x", "name": map[string]any{"@value": "x", "@direction": "RTL"}}, canon.ErrUnsafeDirection},
		"not a string":   {map[string]any{"@context": []any{v2}, "id": "urn:x", "name": map[string]any{"@value": "x", "@direction": 1.0}}, canon.ErrUnsafeDirection},
		"null":           {map[string]any{"@context": []any{v2}, "id": "urn:x", "name": map[string]any{"@value": "x", "@direction": nil}}, canon.ErrUnsafeDirection},
		"on a number":    {map[string]any{"@context": []any{v2}, "id": "urn:x", "name": map[string]any{"@value": 5.0, "@direction": "rtl"}}, canon.ErrNotCompacted},
		"beside @type":   {map[string]any{"@context": []any{v2}, "id": "urn:x", "name": map[string]any{"@value": "x", "@type": "https://example.org/t", "@direction": "rtl"}}, canon.ErrNotCompacted},
		"a term's up":    {map[string]any{"@context": []any{v2, map[string]any{"label": map[string]any{"@id": "https://example.org/label", "@direction": "up"}}}, "id": "urn:x", "label": "x"}, canon.ErrUnsupported},
		"a context's up": {map[string]any{"@context": []any{v2, map[string]any{"@direction": "up"}}, "id": "urn:x", "name": "x"}, canon.ErrContext},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := p.fast.Canonicalize(tc.doc)
			assert.ErrorIs(t, err, tc.kind)
			assert.ErrorIs(t, p.fast.Check(tc.doc), tc.kind)
			_, err = p.ref.Canonicalize(tc.doc)
			assert.Error(t, err, "the reference refuses it too")
		})
	}
}

// Two values of one node's property that differ only in base direction
// are one value to json-gold's and jsonld.js's node map generation (they
// compare @value, @type, @language and @index), which keeps the first:
// the other's direction would be signed by us and not by them. Both paths
// refuse them, whether the node holds them in one array or is described
// twice; values that differ otherwise, or not at all, are accepted and
// agree.
func TestDirectionTwinsRefused(t *testing.T) {
	p := newPair(t)
	v2 := contexts.CredentialsV2
	ar := func(dir string) map[string]any {
		m := map[string]any{"@value": "شارة", "@language": "ar"}
		if dir != "" {
			m["@direction"] = dir
		}
		return m
	}
	doc := func(members map[string]any) map[string]any {
		m := map[string]any{"@context": []any{v2}, "id": "urn:uuid:8b0c3b0e-0c5e-4a43-a1c2-d7b7b3f1a002", "type": []any{"VerifiableCredential"}}
		for k, v := range members {
			m[k] = v
		}
		return m
	}
	for name, d := range map[string]map[string]any{
		"with and without":        doc(map[string]any{"name": []any{ar(""), ar("rtl")}}),
		"rtl and ltr":             doc(map[string]any{"name": []any{ar("ltr"), ar("rtl")}}),
		"language in other cases": doc(map[string]any{"name": []any{map[string]any{"@value": "شارة", "@language": "AR"}, ar("rtl")}}),
		"a node described twice": doc(map[string]any{
			"issuer":            map[string]any{"id": "did:example:i", "name": ar("")},
			"credentialSubject": map[string]any{"id": "did:example:i", "name": ar("rtl")},
		}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := p.fast.Canonicalize(d)
			require.ErrorIs(t, err, canon.ErrUnsafeDirection)
			assert.Contains(t, err.Error(), "<https://schema.org/name>", "the error names the property")
			assert.ErrorIs(t, p.fast.Check(d), canon.ErrUnsafeDirection)
			_, err = p.ref.Canonicalize(d)
			assert.ErrorIs(t, err, canon.ErrUnsafeDirection, "the reference refuses it too")
		})
	}
	for name, d := range map[string]map[string]any{
		"the same value twice":   doc(map[string]any{"name": []any{ar("rtl"), ar("rtl")}}),
		"other languages":        doc(map[string]any{"name": []any{map[string]any{"@value": "شارة", "@language": "fa"}, ar("rtl")}}),
		"other values":           doc(map[string]any{"name": []any{map[string]any{"@value": "x", "@language": "ar"}, ar("rtl")}}),
		"other properties":       doc(map[string]any{"name": ar(""), "description": ar("rtl")}),
		"other nodes":            doc(map[string]any{"name": ar(""), "credentialSubject": map[string]any{"id": "did:example:s", "name": ar("rtl")}}),
		"blank nodes of a value": doc(map[string]any{"credentialSubject": []any{map[string]any{"name": ar("")}, map[string]any{"name": ar("rtl")}}}),
	} {
		t.Run(name, func(t *testing.T) {
			took, err := p.compare(d)
			require.NoError(t, err)
			assert.True(t, took, "accepted: %v", canon.WalkError(p.fast, d))
		})
	}
}
