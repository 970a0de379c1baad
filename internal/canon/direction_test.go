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
