package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// cliBinary builds the command once for the tests that run it as a
// process of its own.
func cliBinary(t *testing.T) string {
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "microcred-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "microcred")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	require.NoError(t, binErr)
	return binPath
}

// Two microcred batch processes against one store at once never share an
// index: SQLite (the default file next to the key) and, when
// MICROCRED_TEST_POSTGRES names a server, PostgreSQL.
func TestConcurrentBatchProcesses(t *testing.T) {
	stores := map[string]string{"sqlite": ""}
	if dsn := os.Getenv("MICROCRED_TEST_POSTGRES"); dsn != "" {
		stores["postgres"] = dsn
	}
	for name, dsn := range stores {
		t.Run(name, func(t *testing.T) {
			bin := cliBinary(t)
			f := newBatchFixture(t, 0)
			const rows = 600
			const list = "https://school.example/status/concurrent"
			var extra []string
			if dsn != "" {
				extra = []string{"--store", dsn}
			}
			var cmds []*exec.Cmd
			var outs []*bytes.Buffer
			for p := 0; p < 2; p++ {
				csv := writeCSV(t, f.dir, "p"+string(rune('0'+p))+".csv", rows, p*rows)
				args := append([]string{"batch", "--template", f.tpl, "--data", csv, "--key", f.key, "--out", filepath.Join(f.dir, "out"+string(rune('0'+p))),
					"--status-list", list, "--workers", "1", "--quiet"}, extra...)
				cmd := exec.Command(bin, args...)
				var buf bytes.Buffer
				cmd.Stdout, cmd.Stderr = &buf, &buf
				require.NoError(t, cmd.Start())
				cmds, outs = append(cmds, cmd), append(outs, &buf)
			}
			for i, c := range cmds {
				require.NoError(t, c.Wait(), "%s", outs[i])
			}
			seen := map[string]map[int]string{}
			for p := 0; p < 2; p++ {
				m := readIssuedT(t, filepath.Join(f.dir, "out"+string(rune('0'+p))))
				require.Len(t, m, rows)
				for _, e := range m {
					if seen[e.StatusList] == nil {
						seen[e.StatusList] = map[int]string{}
					}
					other, dup := seen[e.StatusList][e.StatusIndex]
					require.False(t, dup, "index %d given to %s and %s", e.StatusIndex, other, e.Learner)
					seen[e.StatusList][e.StatusIndex] = e.Learner
				}
			}
			assert.Len(t, seen[list], 2*rows)
		})
	}
}

// Ctrl-C (SIGINT) stops a batch cleanly, saying how to continue; --resume
// then issues every remaining row once.
func TestBatchInterruptedAndResumed(t *testing.T) {
	bin := cliBinary(t)
	f := newBatchFixture(t, 500)
	args := f.args("out", "--status-list", "https://school.example/status/int", "--workers", "1")
	cmd := exec.Command(bin, args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	require.NoError(t, cmd.Start())
	deadline := time.Now().Add(60 * time.Second)
	for {
		if files, _ := filepath.Glob(filepath.Join(f.dir, "out", "credentials", "*.json")); len(files) >= 30 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the batch did not get going")
		time.Sleep(2 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%s", buf.String())
	assert.Equal(t, exitInterrupt, ee.ExitCode())
	assert.Contains(t, buf.String(), "--resume")

	r := runCLI(t, append(args, "--resume")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "issued by the earlier run")
	m := readIssuedT(t, filepath.Join(f.dir, "out"))
	require.Len(t, m, 500)
	ids, idx := map[string]bool{}, map[int]bool{}
	for _, e := range m {
		assert.False(t, ids[e.ID] || idx[e.StatusIndex], "row %d issued twice", e.Row)
		ids[e.ID], idx[e.StatusIndex] = true, true
	}
	files, err := filepath.Glob(filepath.Join(f.dir, "out", "credentials", "*"))
	require.NoError(t, err)
	assert.Len(t, files, 500, "one file per row, none left over")
}

// The issuer configuration file gives batch and status the key, store
// and status list; its unknown fields and bad values are refused naming
// them.
func TestConfigFile(t *testing.T) {
	f := newBatchFixture(t, 4)
	conf := writeFile(t, f.dir, "issuers.json", []byte(`{
  "store": "state/issuer.db",
  "issuers": {"school": {"key": "key.json", "suite": "eddsa-rdfc-2022",
    "statusLists": [{"url": "https://school.example/status/s", "purpose": "suspension", "file": "public/s.json"}]}}
}`))
	require.NoError(t, os.MkdirAll(filepath.Join(f.dir, "state"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(f.dir, "public"), 0o755))
	r := runCLI(t, "batch", "--config", conf, "--template", f.tpl, "--data", f.csv, "--out", filepath.Join(f.dir, "out"), "--quiet")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, filepath.Join(f.dir, "state", "issuer.db"))
	_, err := os.Stat(filepath.Join(f.dir, defaultStoreName))
	assert.ErrorIs(t, err, os.ErrNotExist, "the config's store, not the default")

	// A suspension list: suspend, then clear; the list goes to the config's file.
	r = runCLI(t, "status", "suspend", "--config", conf, "--learner", "learner1@example.org")
	require.Equal(t, 0, r.code, r.stderr)
	listPath := filepath.Join(f.dir, "public", "s.json")
	assert.Contains(t, r.stdout, "wrote "+listPath)
	e := readIssuedT(t, filepath.Join(f.dir, "out"))[1]
	v := runCLI(t, "verify", "--trust", f.did, "--status-list", "https://school.example/status/s="+listPath, filepath.Join(f.dir, "out", e.File))
	assert.Equal(t, 1, v.code, "suspended: %s", v.stdout)
	require.Equal(t, 0, runCLI(t, "status", "clear", "--config", conf, "--learner", "learner1@example.org").code)
	v = runCLI(t, "verify", "--trust", f.did, "--status-list", "https://school.example/status/s="+listPath, filepath.Join(f.dir, "out", e.File))
	assert.Equal(t, 0, v.code, "cleared: %s", v.stdout)
	r = runCLI(t, "status", "revoke", "--config", conf, "--learner", "learner1@example.org")
	assert.Equal(t, 1, r.code, "a suspension list does not revoke")

	for name, body := range map[string]string{
		"unknown field": `{"issuers": {"a": {"key": "k.json", "colour": "red"}}}`,
		"no key":        `{"issuers": {"a": {}}}`,
		"bad suite":     `{"issuers": {"a": {"key": "key.json", "suite": "rot13"}}}`,
		"bad purpose":   `{"issuers": {"a": {"key": "key.json", "statusLists": [{"url": "https://x.example/1", "purpose": "refresh"}]}}}`,
		"no issuers":    `{"store": "x.db"}`,
	} {
		p := writeFile(t, f.dir, "bad.json", []byte(body))
		r := runCLI(t, "status", "revoke", "--config", p, "--learner", "x")
		assert.NotEqual(t, 0, r.code, name)
		assert.Contains(t, r.stderr, "config", name)
	}
	two := writeFile(t, f.dir, "two.json", []byte(`{"issuers": {"a": {"key": "key.json"}, "b": {"key": "key.json"}}}`))
	r = runCLI(t, "status", "revoke", "--config", two, "--learner", "x")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--issuer")
	assert.Equal(t, 2, runCLI(t, "status", "revoke", "--config", two, "--key", f.key, "--learner", "x").code, "--key and --config")
}

// File names come from the learner id: plain ids as they are, others
// sanitized with a hash, never two learners on one name.
func TestLearnerFile(t *testing.T) {
	assert.Equal(t, "ada@example.org", learnerFile("ada@example.org"))
	assert.Equal(t, "s-1234", learnerFile("s-1234"))
	for _, id := range []string{"Ada@example.org", "../../etc/passwd", "José", "a b", ".hidden", strings.Repeat("x", 200), "a/b", "a\\b", ""} {
		n := learnerFile(id)
		assert.NotContains(t, n, "/", id)
		assert.NotContains(t, n, "\\", id)
		assert.False(t, strings.HasPrefix(n, "."), id)
		assert.LessOrEqual(t, len(n), maxNameBytes+13, id)
		assert.Regexp(t, `-[0-9a-f]{12}$`, n, id)
	}
	assert.NotEqual(t, strings.ToLower(learnerFile("Ada@example.org")), strings.ToLower(learnerFile("ada@example.org")), "distinct on case-insensitive file systems")
}

// --dry-run checks and signs row 1, writes and reserves nothing.
func TestBatchDryRun(t *testing.T) {
	f := newBatchFixture(t, 3)
	r := runCLI(t, f.args("out", "--status-list", "https://school.example/status/d", "--dry-run")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "row 2 signed and verified")
	_, err := os.Stat(filepath.Join(f.dir, "out"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = os.Stat(filepath.Join(f.dir, defaultStoreName))
	assert.ErrorIs(t, err, os.ErrNotExist, "no store created by a dry run")
	// A template the signer refuses (an undefined term) fails the dry run:
	// nothing is signed for real.
	bad := writeFile(t, f.dir, "bad.json", []byte(strings.Replace(mustRead(t, f.tpl), `"name": "{{course}} completion"`, `"name": "{{course}} completion", "nickname": "x"`, 1)))
	r = runCLI(t, "batch", "--template", bad, "--data", f.csv, "--key", f.key, "--out", filepath.Join(f.dir, "out"), "--quiet")
	assert.Equal(t, exitAllFailed, r.code)
	assert.Contains(t, r.stderr, "dry run")
	_, err = os.Stat(filepath.Join(f.dir, "out"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
