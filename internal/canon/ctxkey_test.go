package canon_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Cached contexts are keyed so that no other @context value shares a key:
// a list of one string holding two context URLs separated by a newline
// must not be taken for the list of those two URLs (it names no context the
// loader has), on either path, even after the list was cached.
func TestContextCacheKeysAreUnambiguous(t *testing.T) {
	data, err := os.ReadFile("../../testdata/ob3/achievement-credential.json")
	require.NoError(t, err)
	v, err := strictjson.Decode(data, strictjson.Limits{})
	require.NoError(t, err)
	doc := v.(map[string]any)
	ctxs := doc["@context"].([]any)
	joined := map[string]any{}
	for k, v := range doc {
		joined[k] = v
	}
	joined["@context"] = []any{ctxs[0].(string) + "\n" + ctxs[1].(string)}
	for _, ref := range []bool{false, true} {
		c, err := canon.NewRDFC(canon.Options{Loader: contexts.Default(), ReferenceOnly: ref})
		require.NoError(t, err)
		_, err = c.Canonicalize(doc)
		require.NoError(t, err)
		_, err = c.Canonicalize(joined)
		require.Error(t, err, "reference path only: %v", ref)
		require.Error(t, c.Check(joined))
	}
}
