package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
)

func readManifestT(t *testing.T, dir string) []manifestEntry {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, manifestFile))
	require.NoError(t, err)
	defer f.Close()
	var out []manifestEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e manifestEntry
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		out = append(out, e)
	}
	return out
}

func lines(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	s := strings.TrimSpace(string(data))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// A CSV with bad rows issues the good ones (JSON, JWT, baked PNG), lists
// the bad ones with row and column, and writes a batch root that the
// leaves of the written files reproduce.
func TestBatchCommand(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "key.json")
	r := runCLI(t, "key", "generate", "--type", "ed25519", "--seed", seedHex, "--out", key)
	require.Equal(t, 0, r.code, r.stderr)
	issuer := strings.TrimSpace(r.stdout)
	badge, err := drawBadge(64)
	require.NoError(t, err)
	png := writeFile(t, dir, "badge.png", badge)
	for _, format := range []string{"json", "jwt", "png"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+format)
			args := []string{"batch", "--template", "../../vc/template/testdata/template.json", "--data", "../../vc/template/testdata/learners.csv", "--key", key, "--set-issuer", "--out", out, "--quiet"}
			switch format {
			case "jwt":
				args = append(args, "--format", "jwt")
			case "png":
				args = append(args, "--bake", png)
			}
			r := runCLI(t, args...)
			require.Equal(t, 1, r.code, "some rows failed: %s", r.stderr)
			assert.Contains(t, r.stdout, "issued 2 credential(s)")
			assert.Contains(t, r.stderr, "3 of 5 rows failed")
			m := readManifestT(t, out)
			require.Len(t, m, 2)
			assert.Equal(t, []int{2, 3}, []int{m[0].Row, m[1].Row})
			errs := lines(t, filepath.Join(out, errorsFile))
			require.Len(t, errs, 3)
			assert.Contains(t, errs[0], `"row":4,"column":"course","reason":"empty"`)
			var info batchManifest
			data, err := os.ReadFile(filepath.Join(out, batchFile))
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &info))
			tree, err := anchor.NewTree(anchor.ModeRFC6962)
			require.NoError(t, err)
			for i, e := range m {
				signed, err := readIssued(filepath.Join(out, e.File))
				require.NoError(t, err)
				assert.Equal(t, e.LeafHash, hex.EncodeToString(anchor.Leaf(signed)))
				_, err = tree.Append(anchor.Leaf(signed))
				require.NoError(t, err)
				assert.Equal(t, int64(i), e.Leaf)
				v := runCLI(t, "verify", "--trust", issuer, filepath.Join(out, e.File))
				assert.Equal(t, 0, v.code, v.stdout)
			}
			root, err := tree.Root()
			require.NoError(t, err)
			assert.Equal(t, hex.EncodeToString(root), info.Root)
			assert.Contains(t, r.stdout, info.Root)

			// Receipts for the whole batch once its root is anchored (here an
			// L1 claim), read back by verify --receipt.
			rcpt := runCLI(t, "receipt", "--batch", out, "--chain", "bitcoin-testnet", "--txid", strings.Repeat("ab", 32), "--out", filepath.Join(out, "receipts"))
			require.Equal(t, 0, rcpt.code, rcpt.stderr)
			v := runCLI(t, "verify", "--trust", issuer, "--receipt", filepath.Join(out, "receipts", m[0].File+".receipt.json"), filepath.Join(out, m[0].File))
			assert.Equal(t, 0, v.code, v.stdout)
			assert.Contains(t, v.stdout, "level L1")

			// The same --out again without --resume is refused.
			assert.Equal(t, 1, runCLI(t, args...).code)
		})
	}
	assert.Equal(t, 2, runCLI(t, "batch", "--template", "x").code)
}

// A batch killed midway (SIGKILL, while it writes) and resumed issues
// every row exactly once and never reuses a status-list index.
func TestBatchKilledAndResumed(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "microcred")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	key := filepath.Join(dir, "key.json")
	r := runCLI(t, "key", "generate", "--type", "ed25519", "--seed", seedHex, "--out", key)
	require.Equal(t, 0, r.code, r.stderr)
	const rows = 400
	var csv strings.Builder
	csv.WriteString("email,course,course_id,score\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&csv, "learner%d@example.org,Intro to Data Integrity,di-101,%d\n", i, 50+i%50)
	}
	data := writeFile(t, dir, "learners.csv", []byte(csv.String()))
	outDir := filepath.Join(dir, "batch")
	args := []string{"batch", "--template", "../../vc/template/testdata/template.json", "--data", data, "--key", key, "--set-issuer", "--out", outDir, "--status-list", "https://school.example/status/1", "--workers", "1", "--quiet"}

	cmd := exec.Command(bin, args...)
	require.NoError(t, cmd.Start())
	deadline := time.Now().Add(60 * time.Second)
	for {
		if files, _ := filepath.Glob(filepath.Join(outDir, "credentials", "*.json")); len(files) >= 40 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the batch did not get going")
		time.Sleep(2 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	files, err := filepath.Glob(filepath.Join(outDir, "credentials", "*.json"))
	require.NoError(t, err)
	before := len(files)
	require.Less(t, before, rows, "killed midway")

	res := exec.Command(bin, append(args, "--resume")...)
	combined, err := res.CombinedOutput()
	require.NoError(t, err, "%s", combined)

	m := readManifestT(t, outDir)
	require.Len(t, m, rows, "every row exactly once")
	seenRow, seenIdx, seenID := map[int]bool{}, map[int]bool{}, map[string]bool{}
	for _, e := range m {
		assert.False(t, seenRow[e.Row], "row %d issued twice", e.Row)
		assert.False(t, seenIdx[e.StatusIndex], "status index %d reused", e.StatusIndex)
		assert.False(t, seenID[e.ID], "id %s repeated", e.ID)
		assert.GreaterOrEqual(t, e.StatusIndex, 0)
		seenRow[e.Row], seenIdx[e.StatusIndex], seenID[e.ID] = true, true, true
	}
	files, err = filepath.Glob(filepath.Join(outDir, "credentials", "*"))
	require.NoError(t, err)
	assert.Len(t, files, rows, "one file per row, none left over")
	var info batchManifest
	b, err := os.ReadFile(filepath.Join(outDir, batchFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &info))
	assert.Equal(t, int64(rows), info.Size)
	t.Logf("killed after %d of %d rows; resumed and finished", before, rows)
}
