package interop_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/ob2/ob2test"
)

// TestMigratedOB2TheyVerify: `microcred migrate` turns Open Badges 2.0
// badges (a signed one baked in a PNG, a hosted one given by URL; cases
// carried over from 1EdTech's openbadges-validator-core) into OB 3.0
// credentials that @digitalbazaar/vc's verifyCredential accepts, as does
// microcred; one changed character of the kept original (the evidence)
// is refused by both.
func TestMigratedOB2TheyVerify(t *testing.T) {
	e := setup(t)
	key := e.key(t)
	const migrateNow = "2025-12-01T00:00:00Z" // before the suite's fixed now, after the badges' issuedOn
	for _, v := range ob2test.Load(t, "../testdata/ob2") {
		if v.Name != "signed-baked-png" && v.Name != "hosted-url" && v.Name != "signed-es256" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			in := e.write(t, v.Name+".badge", v.Input(t))
			out := filepath.Join(e.dir, "migrated-"+v.Name)
			args := []string{"migrate", "--key", key, "--now", migrateNow, "--trust", "https://example.org/organization.json", "--out", out}
			for u, f := range v.Docs {
				args = append(args, "--ob2-doc", u+"="+filepath.Join("../testdata/ob2/cases", v.Name, f))
			}
			stdout, errOut, code := run(t, e.bin, append(args, in)...)
			require.Equal(t, 0, code, "%s %s", stdout, errOut)
			path := filepath.Join(out, v.Name+".json")
			ok, why := nodeVerify(t, path)
			assert.True(t, ok, "Digital Bazaar rejects the migrated credential: %s", why)
			ok, why = ourVerifyAny(t, e, path)
			assert.True(t, ok, why)

			signed, err := os.ReadFile(path)
			require.NoError(t, err)
			bad := bytes.Replace(signed, []byte("SHA-256 of the bytes"), []byte("SHA-256 of the bytez"), 1)
			require.NotEqual(t, signed, bad)
			p := e.write(t, v.Name+"-tampered.json", bad)
			ok, _ = nodeVerify(t, p)
			assert.False(t, ok, "Digital Bazaar accepts an edited evidence")
			ok, _ = ourVerifyAny(t, e, p)
			assert.False(t, ok, "microcred accepts an edited evidence")
		})
	}
}
