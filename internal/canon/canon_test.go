package canon_test

import (
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/vc/contexts"
)

const vectors = "../../testdata/vectors"

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

func readText(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

func newRDFC(t testing.TB) *canon.RDFC {
	t.Helper()
	c, err := canon.NewRDFC(canon.Options{Loader: contexts.Default()})
	require.NoError(t, err)
	return c
}

// The W3C eddsa-rdfc-2022 vectors give the canonical document and its hash.
func TestRDFCMatchesEdDSAVectors(t *testing.T) {
	for _, tc := range []struct{ doc, dir string }{
		{"unsigned.json", "eddsa-rdfc-2022"},
		{"employmentAuth.json", "eddsa-rdfc-2022/employ"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			doc := readJSON(t, filepath.Join(vectors, "eddsa/TestVectors", tc.doc))
			got, err := newRDFC(t).Canonicalize(doc)
			require.NoError(t, err)
			want := readText(t, filepath.Join(vectors, "eddsa/TestVectors", tc.dir, "canonDocDataInt.txt"))
			assert.Equal(t, want, string(got))
			sum := sha256.Sum256(got)
			assert.Equal(t, strings.TrimSpace(readText(t, filepath.Join(vectors, "eddsa/TestVectors", tc.dir, "docHashDataInt.txt"))), hex.EncodeToString(sum[:]))
		})
	}
}

// The OB 3.0 spec's signing walk-through gives the canonical credential.
func TestRDFCMatchesOpenBadgesWalkThrough(t *testing.T) {
	for _, dir := range []string{"ldp-test-vector-ob", "ldp-test-vector-clr"} {
		t.Run(dir, func(t *testing.T) {
			doc := readJSON(t, filepath.Join(vectors, "ob3", dir, "credential.json"))
			got, err := newRDFC(t).Canonicalize(doc)
			require.NoError(t, err)
			assert.Equal(t, readText(t, filepath.Join(vectors, "ob3", dir, "document-canon.txt")), string(got))
		})
	}
}

func TestCanonicalizeDoesNotModifyInput(t *testing.T) {
	path := filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json")
	doc := readJSON(t, path)
	_, err := newRDFC(t).Canonicalize(doc)
	require.NoError(t, err)
	assert.Equal(t, readJSON(t, path), doc)
}

func unsafeErr(t *testing.T, err error) *canon.UnsafeError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, canon.ErrUnsafe)
	var ue *canon.UnsafeError
	require.True(t, errors.As(err, &ue), "error %v carries an *UnsafeError", err)
	return ue
}

func TestSafeModeUndefinedTerm(t *testing.T) {
	for _, tc := range []struct {
		name, pointer, term string
		edit                func(m map[string]any)
	}{
		{"top-level member", "/favoriteColor", "favoriteColor", func(m map[string]any) { m["favoriteColor"] = "blue" }},
		{"nested member", "/credentialSubject/achievement/notInContext", "notInContext", func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["notInContext"] = map[string]any{"a": 1.0}
		}},
		{"undefined-term vocabulary", "/credentialSubject/shoeSize", "shoeSize", func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), "https://www.w3.org/ns/credentials/undefined-terms/v2")
			m["credentialSubject"].(map[string]any)["shoeSize"] = 42.0
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := readJSON(t, filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json"))
			tc.edit(doc)
			_, err := newRDFC(t).Canonicalize(doc)
			ue := unsafeErr(t, err)
			assert.ErrorIs(t, err, canon.ErrUndefinedTerm)
			assert.Equal(t, tc.pointer, ue.Pointer)
			assert.Equal(t, tc.term, ue.Term)
			assert.Contains(t, err.Error(), tc.term, "the message names the term")
		})
	}
}

func TestSafeModeRelativeIRIs(t *testing.T) {
	for _, tc := range []struct {
		name, term string
		edit       func(m map[string]any)
	}{
		{"relative subject id", "learner-42", func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["id"] = "learner-42"
		}},
		{"relative credential id", "badge/1", func(m map[string]any) { m["id"] = "badge/1" }},
		{"relative achievement id", "#a1", func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["id"] = "#a1"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := readJSON(t, filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json"))
			tc.edit(doc)
			_, err := newRDFC(t).Canonicalize(doc)
			ue := unsafeErr(t, err)
			assert.ErrorIs(t, err, canon.ErrRelativeIRI)
			assert.Equal(t, tc.term, ue.Term)
		})
	}
}

func TestSafeModeUndefinedType(t *testing.T) {
	doc := readJSON(t, filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json"))
	doc["@context"] = append(doc["@context"].([]any), "https://www.w3.org/ns/credentials/undefined-terms/v2")
	doc["type"] = append(doc["type"].([]any), "MadeUpCredential")
	_, err := newRDFC(t).Canonicalize(doc)
	ue := unsafeErr(t, err)
	assert.ErrorIs(t, err, canon.ErrUndefinedTerm)
	assert.Equal(t, "MadeUpCredential", ue.Term)
}

// An unknown context is an error naming the URL, and never a fetch: the
// loader has no fetcher, and this test fails if one were attempted because
// the URL's host does not exist.
func TestUnknownContextFailsOffline(t *testing.T) {
	doc := readJSON(t, filepath.Join(vectors, "eddsa/TestVectors/unsigned.json"))
	const u = "https://unknown-context.invalid/v1"
	doc["@context"] = append(doc["@context"].([]any), u)
	_, err := newRDFC(t).Canonicalize(doc)
	require.Error(t, err)
	assert.ErrorIs(t, err, contexts.ErrUnknownContext)
	assert.ErrorIs(t, err, canon.ErrContext)
	// The message is the loader's: it names the URL and says nothing was
	// fetched (json-gold's own wording, "loading remote context failed",
	// suggested a failed download).
	assert.Contains(t, err.Error(), u)
	assert.Contains(t, err.Error(), "unknown context URL")
	assert.NotContains(t, err.Error(), "loading remote context failed")
	assert.NotContains(t, err.Error(), "dereferencing")
}

func TestNewRDFCOptions(t *testing.T) {
	_, err := canon.NewRDFC(canon.Options{})
	assert.Error(t, err, "a loader is required")
	_, err = canon.NewRDFC(canon.Options{Loader: contexts.Default(), Hash: crypto.MD5})
	assert.ErrorIs(t, err, canon.ErrUnsupportedHash)
}

func BenchmarkCanonicalizeRDFC(b *testing.B) {
	for _, tc := range []struct{ name, path string }{
		{"minimal", filepath.Join(vectors, "eddsa/TestVectors/unsigned.json")},
		{"ob3", filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json")},
		{"large", "../../testdata/ob3/large-credential.json"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			doc := readJSON(b, tc.path)
			for _, path := range []struct {
				name      string
				reference bool
			}{{"compiled", false}, {"reference", true}} {
				b.Run(path.name, func(b *testing.B) {
					c, err := canon.NewRDFC(canon.Options{Loader: contexts.Default(), ReferenceOnly: path.reference})
					require.NoError(b, err)
					b.ReportAllocs()
					for b.Loop() {
						if _, err := c.Canonicalize(doc); err != nil {
							b.Fatal(err)
						}
					}
					if !path.reference && c.Stats().Reference != 0 {
						b.Fatal("the benchmark must measure the compiled path")
					}
				})
			}
		})
	}
}

// One canonicalizer serves many documents, concurrently, with the cached
// processed contexts: results and safe-mode verdicts must not leak between
// calls.
func TestRDFCReuseAndConcurrency(t *testing.T) {
	c := newRDFC(t)
	good := readJSON(t, filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json"))
	want := readText(t, filepath.Join(vectors, "ob3/ldp-test-vector-ob/document-canon.txt"))
	bad := readJSON(t, filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json"))
	bad["credentialSubject"].(map[string]any)["id"] = "relative-id"
	done := make(chan struct{})
	for i := 0; i < 4; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for j := 0; j < 10; j++ {
				got, err := c.Canonicalize(good)
				assert.NoError(t, err)
				assert.Equal(t, want, string(got))
				_, err = c.Canonicalize(bad)
				assert.ErrorIs(t, err, canon.ErrRelativeIRI)
			}
		}()
	}
	for i := 0; i < 4; i++ {
		<-done
	}
}

// SHA-384 labels blank nodes differently from SHA-256 (RDFC-1.0's hash is
// part of the algorithm); on a document without blank nodes both agree.
func TestRDFCHashOption(t *testing.T) {
	c384, err := canon.NewRDFC(canon.Options{Loader: contexts.Default(), Hash: crypto.SHA384})
	require.NoError(t, err)
	withBlank := readJSON(t, filepath.Join(vectors, "eddsa/TestVectors/employmentAuth.json"))
	a, err := newRDFC(t).Canonicalize(withBlank)
	require.NoError(t, err)
	b, err := c384.Canonicalize(withBlank)
	require.NoError(t, err)
	assert.Equal(t, strings.Count(string(a), "\n"), strings.Count(string(b), "\n"))
	noBlank := readJSON(t, filepath.Join(vectors, "eddsa/TestVectors/unsigned.json"))
	a, err = newRDFC(t).Canonicalize(noBlank)
	require.NoError(t, err)
	b, err = c384.Canonicalize(noBlank)
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
}

// Values JSON-LD would drop or that RDF cannot carry are refused.
func TestSafeModeValueChecks(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(m map[string]any)
		kind error
	}{
		"base direction up": {func(m map[string]any) {
			m["name"] = map[string]any{"@value": "شارة", "@language": "ar", "@direction": "up"}
		}, canon.ErrUnsafeDirection},
		"base direction of a number": {func(m map[string]any) {
			m["name"] = map[string]any{"@value": 7.0, "@direction": "rtl"}
		}, canon.ErrNotCompacted},
		"base direction with a datatype": {func(m map[string]any) {
			m["name"] = map[string]any{"@value": "x", "@type": "https://example.com/t", "@direction": "rtl"}
		}, canon.ErrNotCompacted},
		"base direction not a string": {func(m map[string]any) {
			m["name"] = map[string]any{"@value": "x", "@direction": true}
		}, canon.ErrUnsafeDirection},
		"ill-formed language": {func(m map[string]any) {
			m["name"] = map[string]any{"@value": "x", "@language": "not a tag"}
		}, canon.ErrUnsafe},
	} {
		t.Run(name, func(t *testing.T) {
			doc := readJSON(t, filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json"))
			tc.edit(doc)
			_, err := newRDFC(t).Canonicalize(doc)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.kind)
		})
	}
}

// A value's base direction is signed as jsonld.js signs it with
// rdfDirection i18n-datatype: in the literal's datatype, so flipping it
// changes the canonical form; the reference path agrees.
func TestBaseDirection(t *testing.T) {
	ref, err := canon.NewRDFC(canon.Options{Loader: contexts.Default(), ReferenceOnly: true})
	require.NoError(t, err)
	for _, tc := range []struct {
		value map[string]any
		want  string
	}{
		{map[string]any{"@value": "شارة", "@language": "ar-EG", "@direction": "rtl"}, `"شارة"^^<https://www.w3.org/ns/i18n#ar-eg_rtl>`},
		{map[string]any{"@value": "Example", "@language": "en", "@direction": "ltr"}, `"Example"^^<https://www.w3.org/ns/i18n#en_ltr>`},
		{map[string]any{"@value": "Example", "@direction": "ltr"}, `"Example"^^<https://www.w3.org/ns/i18n#_ltr>`},
	} {
		doc := readJSON(t, filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json"))
		doc["name"] = tc.value
		got, err := newRDFC(t).Canonicalize(doc)
		require.NoError(t, err)
		assert.Contains(t, string(got), tc.want)
		want, err := ref.Canonicalize(doc)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "the walker and the reference path agree")
		flipped := map[string]any{}
		for k, v := range tc.value {
			flipped[k] = v
		}
		flipped["@direction"] = map[string]string{"ltr": "rtl", "rtl": "ltr"}[tc.value["@direction"].(string)]
		doc["name"] = flipped
		other, err := newRDFC(t).Canonicalize(doc)
		require.NoError(t, err)
		assert.NotEqual(t, string(got), string(other), "the direction is in the signed form")
	}
	// A context's default direction reaches the credential's strings and
	// is signed the same way (direction_test.go has the other sources).
	doc := readJSON(t, filepath.Join(vectors, "ob3/ldp-test-vector-ob/credential.json"))
	doc["@context"] = append(doc["@context"].([]any), map[string]any{"@direction": "rtl"})
	got, err := newRDFC(t).Canonicalize(doc)
	require.NoError(t, err)
	assert.Contains(t, string(got), `^^<https://www.w3.org/ns/i18n#_rtl>`)
	want, err := ref.Canonicalize(doc)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "the walker and the reference path agree")
}

// Numbers follow jsonld.js: integers as xsd:integer, others as canonical
// xsd:double.
func TestNumbers(t *testing.T) {
	doc := map[string]any{
		"@context": []any{contexts.CredentialsV2, map[string]any{"n": "https://example.com/n"}},
		"id":       "urn:x",
		"n":        []any{5.0, 5.3, 1e21, math.Copysign(0, -1), 1e-7},
	}
	out, err := newRDFC(t).Canonicalize(doc)
	require.NoError(t, err)
	for _, want := range []string{
		`"5"^^<http://www.w3.org/2001/XMLSchema#integer>`,
		`"5.3E0"^^<http://www.w3.org/2001/XMLSchema#double>`,
		`"1.0E21"^^<http://www.w3.org/2001/XMLSchema#double>`,
		`"0"^^<http://www.w3.org/2001/XMLSchema#integer>`,
	} {
		assert.Contains(t, string(out), want)
	}
}

// json-gold panics on a member named "" whose value is a list ending in a
// non-string (it takes the member for @type); found by FuzzFastVsReference.
// Canonicalization must return an error instead.
func TestJSONGoldPanicIsAnError(t *testing.T) {
	for _, doc := range []map[string]any{
		{"": []any{0.0}},
		{"@context": []any{contexts.CredentialsV2}, "": []any{0.0}},
	} {
		_, err := newRDFC(t).Canonicalize(doc)
		assert.ErrorIs(t, err, canon.ErrUnsafe)
	}
}

// An IRI holding "> .\n<" ends its term early when written unescaped: on
// json-gold's path a credential with such an issuer IRI has the canonical
// bytes of another credential, which has a validUntil, so one signature
// verifies both. The walker refuses the IRI (both at sign and verify time).
func TestIRIInjectionCollision(t *testing.T) {
	const cred = "https://www.w3.org/2018/credentials#"
	base := func() map[string]any {
		return map[string]any{
			"@context":          []any{"https://www.w3.org/ns/credentials/v2"},
			"id":                "urn:x",
			"type":              "VerifiableCredential",
			"credentialSubject": map[string]any{"id": "urn:s"},
		}
	}
	expired := base()
	expired["issuer"] = "urn:i"
	expired["validUntil"] = "2000-01-01T00:00:00Z"
	injected := base()
	injected["issuer"] = "urn:i> .\n<urn:x> <" + cred + "validUntil> \"2000-01-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime"

	ref, err := canon.NewRDFC(canon.Options{Loader: contexts.Default(), ReferenceOnly: true})
	require.NoError(t, err)
	a, err := ref.Canonicalize(expired)
	require.NoError(t, err)
	b, err := ref.Canonicalize(injected)
	require.NoError(t, err, "the reference path takes the IRI")
	require.Equal(t, string(a), string(b), "two documents, one canonical form: the injection works there")

	_, err = newRDFC(t).Canonicalize(injected)
	assert.ErrorIs(t, err, canon.ErrInvalidIRI)
	var ue *canon.UnsafeError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "/issuer", ue.Pointer)
	_, err = newRDFC(t).Canonicalize(expired)
	assert.NoError(t, err)
}
