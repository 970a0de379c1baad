package canon

import (
	"testing"

	"github.com/piprate/json-gold/ld"
)

// plainAbsolute is a shortcut for json-gold's IsAbsoluteIri: wherever it
// says yes, IsAbsoluteIri must too.
func TestPlainAbsoluteImpliesIsAbsoluteIri(t *testing.T) {
	for _, s := range []string{
		"https://example.com/a?b#c", "did:key:z6Mk#z6Mk", "urn:uuid:1234", "http://a/b c", "http://a:80/",
		"http://[::1]/", "http://user@host/", "http://ho%20st/", "http://h/%zz", "mailto:a@b", "http:///x",
		"x:", "a+b.c-d:e", "1a:b", "http://h\x7f/", "http://h/\u00e9", "http://exa mple/", "tag:a,2000:b",
		"https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement", "_:b0", "", ":x", "http://h?x#y",
	} {
		if plainAbsolute(s) && !ld.IsAbsoluteIri(s) {
			t.Errorf("plainAbsolute(%q) but not IsAbsoluteIri", s)
		}
	}
	for _, s := range []string{"https://example.com/a?b#c", "did:key:z6Mk#z6Mk", "urn:uuid:1234", "http://h?x#y"} {
		if !plainAbsolute(s) {
			t.Errorf("plainAbsolute(%q) = false; the shortcut should take it", s)
		}
	}
}

func FuzzPlainAbsolute(f *testing.F) {
	f.Add("https://example.com/a?b#c")
	f.Add("did:key:z6Mk#z6Mk")
	f.Add("http://a:80/")
	f.Fuzz(func(t *testing.T, s string) {
		if plainAbsolute(s) && !ld.IsAbsoluteIri(s) {
			t.Fatalf("plainAbsolute(%q) but not IsAbsoluteIri", s)
		}
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
