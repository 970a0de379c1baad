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
