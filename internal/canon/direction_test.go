package canon_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/vc/contexts"
)

// A property-scoped context's default @direction applies to the term's
// string values (Value Expansion uses the term's context). The walker once
// wrote such a string as a plain literal, without its direction, so the
// embedded context's "rtl" could be flipped under an RDFC signature. It
// implements only a value's own @direction, and refuses the default; the
// reference path, over json-gold's expansion (which adds the default to the
// value), writes it in the i18n datatype, as jsonld.js does with
// rdfDirection i18n-datatype, so the direction it signs is the one expanded.
func TestScopedContextDirectionRefused(t *testing.T) {
	doc := map[string]any{
		"@context": []any{contexts.CredentialsV2, map[string]any{
			"label": map[string]any{"@id": "https://example.com/label", "@context": map[string]any{"@direction": "rtl"}},
		}},
		"id":    "urn:x",
		"label": "שלום",
	}
	p := newPair(t)
	out, err := p.ref.Canonicalize(doc)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"שלום"^^<https://www.w3.org/ns/i18n#_rtl>`, "json-gold expansion gives the string the direction, and it is signed")
	_, err = p.fast.Canonicalize(doc)
	require.ErrorIs(t, err, canon.ErrUnsafeDirection)
	var ue *canon.UnsafeError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "/label", ue.Pointer)
	assert.Equal(t, "rtl", ue.Term)
	assert.ErrorIs(t, p.fast.Check(doc), canon.ErrUnsafeDirection)
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
