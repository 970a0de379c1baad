package canon_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/rdfc"
	"github.com/onchaincert/microcred/vc/contexts"
)

// pair is a canonicalizer on the compiled-context path and one on the
// reference (json-gold expansion) path.
type pair struct{ fast, ref *canon.RDFC }

func newPair(t testing.TB) pair {
	t.Helper()
	fast, err := canon.NewRDFC(canon.Options{Loader: contexts.Default()})
	require.NoError(t, err)
	ref, err := canon.NewRDFC(canon.Options{Loader: contexts.Default(), ReferenceOnly: true})
	require.NoError(t, err)
	return pair{fast, ref}
}

// sentinels are the error classes both paths must agree on.
var sentinels = []error{
	canon.ErrUnsafe, canon.ErrUndefinedTerm, canon.ErrRelativeIRI, canon.ErrUnsafePredicate,
	canon.ErrUnsafeLanguage, canon.ErrUnsafeDirection, rdfc.ErrTooMuchWork, rdfc.ErrTooManyQuads,
	contexts.ErrUnknownContext,
}

// compare canonicalizes doc on both paths and reports a difference in
// bytes or in error class (and, for *UnsafeError, pointer and term) as an
// error. It returns whether the compiled path was taken.
func (p pair) compare(doc map[string]any) (bool, error) {
	before := p.fast.Stats()
	got, gerr := p.fast.Canonicalize(doc)
	after := p.fast.Stats()
	fast := after.Compiled > before.Compiled || after.Cached > before.Cached
	want, werr := p.ref.Canonicalize(doc)
	switch {
	case gerr == nil && werr == nil:
		if string(got) != string(want) {
			return fast, &diffError{"canonical N-Quads differ:\ncompiled:\n" + string(got) + "\nreference:\n" + string(want)}
		}
	case gerr == nil || werr == nil:
		return fast, &diffError{"only one path failed: compiled=" + errString(gerr) + " reference=" + errString(werr)}
	default:
		for _, s := range sentinels {
			if errors.Is(gerr, s) != errors.Is(werr, s) {
				return fast, &diffError{"error classes differ: compiled=" + gerr.Error() + " reference=" + werr.Error()}
			}
		}
		var gu, wu *canon.UnsafeError
		if errors.As(gerr, &gu) != errors.As(werr, &wu) || (gu != nil && (gu.Pointer != wu.Pointer || gu.Term != wu.Term || gu.Kind != wu.Kind)) {
			return fast, &diffError{"unsafe errors differ: compiled=" + gerr.Error() + " reference=" + werr.Error()}
		}
	}
	return fast, nil
}

type diffError struct{ msg string }

func (e *diffError) Error() string { return e.msg }

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// variants returns the documents a Data Integrity suite canonicalizes for
// doc: doc itself, doc without its proof, and each proof's configuration
// (the proof with the document's @context, without proofValue).
func variants(doc map[string]any) []map[string]any {
	out := []map[string]any{doc}
	p, ok := doc["proof"]
	if !ok {
		return out
	}
	unsecured := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	out = append(out, unsecured)
	proofs, isList := p.([]any)
	if !isList {
		proofs = []any{p}
	}
	for _, pr := range proofs {
		pm, ok := pr.(map[string]any)
		if !ok {
			continue
		}
		cfg := make(map[string]any, len(pm)+1)
		for k, v := range pm {
			if k != "proofValue" {
				cfg[k] = v
			}
		}
		if ctx, ok := doc["@context"]; ok {
			cfg["@context"] = ctx
		}
		out = append(out, cfg)
	}
	return out
}

// corpusRoots are the repository's JSON-LD inputs, relative to this package.
var corpusRoots = []string{
	"../../testdata",
	"../../proof",
	"../../vc",
	"../rdfc/testdata",
}

// corpusFiles lists every JSON document under corpusRoots.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, root := range corpusRoots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "fuzz" {
				return filepath.SkipDir
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".jsonld")) && !strings.Contains(path, "/contexts/data/") {
				files = append(files, path)
			}
			return nil
		})
		require.NoError(t, err)
	}
	sort.Strings(files)
	return files
}

func readDoc(path string) (map[string]any, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var doc map[string]any
	if json.Unmarshal(data, &doc) != nil {
		return nil, false
	}
	return doc, true
}

// Every JSON-LD document in the repository canonicalizes to the same bytes,
// or fails with the same error, on both paths.
func TestFastMatchesReferenceOnCorpus(t *testing.T) {
	p := newPair(t)
	compared, fast := 0, 0
	var fellBack []string
	for _, f := range corpusFiles(t) {
		doc, ok := readDoc(f)
		if !ok {
			continue
		}
		for i, v := range variants(doc) {
			took, err := p.compare(v)
			assert.NoError(t, err, "%s (variant %d)", f, i)
			compared++
			if took {
				fast++
			} else if i == 0 && doc["@context"] != nil {
				fellBack = append(fellBack, f)
			}
		}
	}
	t.Logf("compared %d documents; %d on the compiled path", compared, fast)
	for _, f := range fellBack {
		t.Logf("reference path: %s", f)
	}
	assert.Greater(t, compared, 400)
}

// expectedFallbacks are the inputs among those TestFastPathTaken covers
// that the compiled path leaves to json-gold, and why.
var expectedFallbacks = map[string]string{
	// cites https://w3id.org/dcc/v1, which the loader does not hold
	"v1_dataIntegrityProof_didKey_legacyRegistry-noStatus-noExpiry-oldDCCExample.json": "unknown context URL",
	// embedded (inline) contexts
	"v2_dataIntegrityProof_didKey_oidf-noStatus-notExpired-complexIssuer.json": "embedded context",
	"v2_dataIntegrityProof_didKey_twoOIDF-revoked-notExpired-badSchema.json":   "@context is not a list of URLs",
	"ldp-test-vector-clr/credential.json":                                      "embedded context",
}

// The inputs the benchmarks and users care about take the compiled path.
func TestFastPathTaken(t *testing.T) {
	var files []string
	for _, pattern := range []string{
		"../../testdata/ob3/*.json",
		"../../testdata/vectors/dcc/*.json",
		"../../testdata/vectors/eddsa/TestVectors/*.json",
		"../../testdata/vectors/ecdsa/TestVectors/*.json",
		"../../testdata/vectors/ob3/*/credential.json",
	} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	p := newPair(t)
	for _, f := range files {
		doc, ok := readDoc(f)
		if !ok || doc["@context"] == nil {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			for i, v := range variants(doc) {
				if _, hasProof := v["proof"]; hasProof && strings.Contains(f, "/dcc/") {
					continue // Ed25519Signature2020 proofs use a context of their own
				}
				took, err := p.compare(v)
				require.NoError(t, err)
				for name, why := range expectedFallbacks {
					if strings.HasSuffix(f, name) {
						assert.False(t, took, "variant %d of %s", i, f)
						assert.Contains(t, canon.FallbackReason(p.fast, v), why)
						return
					}
				}
				assert.True(t, took, "variant %d of %s takes the compiled path: %s", i, f, canon.FallbackReason(p.fast, v))
			}
		})
	}
}
