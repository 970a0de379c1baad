package canon

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/piprate/json-gold/ld"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/contexts"
)

// json-gold's own RDF conversion and URDNA2015 are the reference for our
// conversion (tordf.go) and RDFC-1.0 (internal/rdfc): on every credential
// in testdata the canonical N-Quads must be identical.
func TestDifferentialAgainstJSONGold(t *testing.T) {
	var files []string
	for _, pattern := range []string{
		"../../testdata/vectors/eddsa/TestVectors/*.json",
		"../../testdata/vectors/eddsa/TestVectors/*/*.json",
		"../../testdata/vectors/ob3/*/credential.json",
		"../../testdata/vectors/ob3/*/signed-credential.json",
		"../../testdata/ob3/*.json",
		"../../vc/testdata/valid/*.json",
	} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.Greater(t, len(files), 20)
	c, err := NewRDFC(Options{Loader: contexts.Default()})
	require.NoError(t, err)
	compared := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil || doc["@context"] == nil {
			continue // key files, configs without contexts
		}
		t.Run(f, func(t *testing.T) {
			ours, err := c.Canonicalize(doc)
			require.NoError(t, err, "every credential in testdata is safe to canonicalize")
			opts := ld.NewJsonLdOptions("")
			opts.DocumentLoader = contexts.Default()
			opts.Algorithm = ld.AlgorithmURDNA2015
			opts.Format = "application/n-quads"
			theirs, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
			require.NoError(t, err)
			assert.Equal(t, theirs, string(ours))
			compared++
		})
	}
	t.Logf("compared %d documents", compared)
	assert.Greater(t, compared, 20)
}
