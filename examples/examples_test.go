// Package examples_test runs every example program as a user would (go run
// from the module root) and checks what it prints.
package examples_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func goRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := run(args...)
	require.NoError(t, err, "%s", out)
	return out
}

func run(args ...string) (string, error) {
	cmd := exec.Command("go", append([]string{"run"}, args...)...)
	cmd.Dir = ".." // the module root, as the READMEs say
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestExamples(t *testing.T) {
	t.Run("quickstart", func(t *testing.T) {
		out := goRun(t, "./examples/quickstart")
		assert.Regexp(t, `proof\s+passed`, out)
		assert.Contains(t, out, "verified: true")
	})
	t.Run("custom-checker", func(t *testing.T) {
		out := goRun(t, "./examples/custom-checker")
		assert.Regexp(t, `secure-coding\s+skills-framework passed, verified: true`, out)
		assert.Regexp(t, `public-speaking\s+skills-framework failed, verified: false`, out)
	})
	t.Run("bulk-issue-csv", func(t *testing.T) {
		out := goRun(t, "./examples/bulk-issue-csv")
		assert.Contains(t, out, `skipped row 4, column "course": empty`)
		assert.Contains(t, out, "skipped row 5: 3 fields, the header has 4")
		assert.Contains(t, out, "issued row 2 as leaf 0")
		assert.Contains(t, out, "issued row 3 as leaf 1")
		assert.Regexp(t, `2 credentials; batch root to anchor: [0-9a-f]{64}`, out)
	})
	t.Run("anchor-bitcoin", func(t *testing.T) {
		out := goRun(t, "./examples/anchor-bitcoin")
		assert.Regexp(t, `batch of 3, root [0-9a-f]{64}`, out)
		assert.Regexp(t, `anchor transaction [0-9a-f]{64}`, out)
		assert.Contains(t, out, "credential 2 verified; anchor: L3 on bitcoin-regtest (no finality)")
	})
	t.Run("issue-badge and verify-offline", func(t *testing.T) {
		png := filepath.Join(t.TempDir(), "badge.png")
		out := goRun(t, "./examples/issue-badge", "-out", png)
		m := regexp.MustCompile(`verified=true, issuer (did:key:\S+)`).FindStringSubmatch(out)
		require.Len(t, m, 2, out)
		_, err := os.Stat(png)
		require.NoError(t, err)
		out = goRun(t, "./examples/verify-offline", "-trust", m[1], png)
		assert.Contains(t, out, "verified=true issuer="+m[1])
		out, err = run("./examples/verify-offline", "-trust", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", png)
		assert.Error(t, err, "another trusted issuer: exit status 1")
		assert.Contains(t, out, "verified=false")
		assert.Regexp(t, `issuer\s+failed\s+microcred: issuer is not trusted`, out)
	})
}
