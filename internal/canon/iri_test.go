package canon

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/rdfc"
)

// Valid and invalid absolute IRIs (RFC 3987 section 2.2; RDF 1.1 N-Quads
// production [10] IRIREF for the characters an IRI may not hold).
func TestValidIRI(t *testing.T) {
	valid := []string{
		"https://example.com/a?b#c", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXg",
		"urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "http://a:80/", "http://[::1]/", "http://[v7.fe::1]:8080/x",
		"http://user:pw@host/", "http://h/%7Ea", "mailto:a@b", "http:///x", "x:", "a+b.c-d:e", "tag:a,2000:b",
		"https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement", "http://h?x#y", "http://h/\u00e9t\u00e9",
		"did:web:example.com%3A8443:users:alice", "https://example.com/?q=\ue000", "urn:x:!$&'()*+,;=",
		"https://example.com/#frag/with?chars", "http://h/\u200f\u00a0x\ufeff",
	}
	for _, s := range valid {
		assert.True(t, validIRI(s), "%q is a valid absolute IRI", s)
	}
	invalid := map[string]string{
		"":                                 "empty",
		"relative/path":                    "no scheme",
		":x":                               "empty scheme",
		"1a:b":                             "scheme starts with a digit",
		"_:b0":                             "blank node identifier",
		"http://exa mple/":                 "space",
		"http://h/a b":                     "space in the path",
		"http://h/>":                       "the character that ends an IRIREF",
		"http://h/> <http://x> <http://y":  "statement injection",
		"http://h/\n":                      "newline",
		"http://h/\x00":                    "NUL",
		"http://h/\x7f":                    "DEL",
		"http://h/<":                       "<",
		"http://h/\"":                      "quote",
		"http://h/{x}":                     "braces",
		"http://h/a|b":                     "bar",
		"http://h/a^b":                     "caret",
		"http://h/a`b":                     "backtick",
		"http://h/a\\b":                    "backslash",
		"http://h/%zz":                     "bad percent-encoding",
		"http://h/%4":                      "truncated percent-encoding",
		"http://h/#a#b":                    "second #",
		"http://h:8x/":                     "port not digits",
		"http://[::1/":                     "unterminated IP literal",
		"http://[]/":                       "empty IP literal",
		"http://h[1]/":                     "bracket outside an IP literal",
		"http://h/\ue000":                  "iprivate outside the query",
		"http://h/\ufffe":                  "noncharacter",
		"http://h/" + string([]byte{0xff}): "invalid UTF-8",
	}
	for s, why := range invalid {
		assert.False(t, validIRI(s), "%q is not a valid IRI: %s", s, why)
	}
}

// Whatever validIRI accepts, N-Quads carries: "<iri>" parses back as the
// same IRI, so it cannot end its term early or add statements.
func FuzzValidIRI(f *testing.F) {
	for _, s := range []string{"https://example.com/a?b#c", "did:key:z6Mk#z6Mk", "http://[::1]:80/", "http://h/%41", "urn:x:y z", "http://h/>x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validIRI(s) {
			return
		}
		line := "<" + s + "> <http://p.example/p> <" + s + "> <" + s + "> .\n"
		quads, err := rdfc.ParseNQuads([]byte(line))
		require.NoError(t, err, "%q", s)
		require.Len(t, quads, 1)
		assert.Equal(t, s, quads[0].Subject.Value)
		assert.Equal(t, s, quads[0].Object.Value)
		assert.Equal(t, s, quads[0].Graph.Value)
		assert.Equal(t, line, string(rdfc.AppendNQuad(nil, quads[0])))
	})
}

func TestContextKey(t *testing.T) {
	distinct := []any{
		[]any{"a", "b"}, "a\nb", []any{"3:abc"}, []any{"abc"}, []any{"a", "b", ""}, []any{"ab"}, []any{},
	}
	seen := map[string]any{}
	for _, ctx := range distinct {
		k, ok := contextKey(ctx)
		if !ok {
			t.Fatalf("%q not cacheable", ctx)
		}
		if prev, dup := seen[k]; dup {
			t.Errorf("%q and %q share the key %q", prev, ctx, k)
		}
		seen[k] = ctx
	}
	// A single URL is the list of it: same processed context, same key.
	a, _ := contextKey("https://example.org/c")
	b, _ := contextKey([]any{"https://example.org/c"})
	if a != b {
		t.Errorf("a URL and the list of it: %q, %q", a, b)
	}
	if _, ok := contextKey([]any{"a", map[string]any{}}); ok {
		t.Error("an embedded context was taken for cacheable")
	}
}
