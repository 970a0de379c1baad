package canon_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/vc/contexts"
)

// A property-scoped context's default @direction applies to the term's
// string values (Value Expansion uses the term's context), and RDF
// conversion drops it. Both paths must refuse the value: the walker once
// dropped it silently, so the embedded context's "rtl" could be flipped
// under an RDFC signature.
func TestScopedContextDirectionRefused(t *testing.T) {
	doc := map[string]any{
		"@context": []any{contexts.CredentialsV2, map[string]any{
			"label": map[string]any{"@id": "https://example.com/label", "@context": map[string]any{"@direction": "rtl"}},
		}},
		"id":    "urn:x",
		"label": "שלום",
	}
	p := newPair(t)
	_, err := p.ref.Canonicalize(doc)
	require.ErrorIs(t, err, canon.ErrUnsafeDirection, "json-gold expansion gives the string the direction, and the reference refuses it")
	_, err = p.fast.Canonicalize(doc)
	require.ErrorIs(t, err, canon.ErrUnsafeDirection)
	var ue *canon.UnsafeError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "/label", ue.Pointer)
	assert.Equal(t, "rtl", ue.Term)
	assert.ErrorIs(t, p.fast.Check(doc), canon.ErrUnsafeDirection)
}
