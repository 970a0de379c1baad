package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/ob2/ob2test"
)

const ob2Cases = "../../testdata/ob2"

// ob2Args are verify's flags for one OB 2.0 case: its clock, its
// issuer trusted, and each document as --ob2-doc URL=FILE.
func ob2Args(v *ob2test.Vector) []string {
	args := []string{"verify", "--now", v.Now, "--trust", "https://example.org/organization.json"}
	for u, f := range v.Docs {
		args = append(args, "--ob2-doc", u+"="+filepath.Join(ob2Cases, "cases", v.Name, f))
	}
	return args
}

func ob2Case(t *testing.T, name string) *ob2test.Vector {
	for _, v := range ob2test.Load(t, ob2Cases) {
		if v.Name == name {
			return &v
		}
	}
	t.Fatalf("no case %s", name)
	return nil
}

// TestVerifyOB2CLI: verify takes an OB 2.0 signed badge baked in a PNG
// with its documents from --ob2-doc, and refuses a revoked one at the
// status check; without --ob2-doc the parse check names the flag's
// option.
func TestVerifyOB2CLI(t *testing.T) {
	dir := t.TempDir()
	v := ob2Case(t, "signed-baked-png")
	png := writeFile(t, dir, "badge.png", v.Input(t))
	r := runCLI(t, append(ob2Args(v), png)...)
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "RS256 JWS by http://example.org/key1")
	assert.Contains(t, r.stdout, "baked in a PNG")

	r = runCLI(t, "verify", "--now", v.Now, "--trust", "https://example.org/organization.json", png)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "WithOB2Documents")

	v = ob2Case(t, "signed-revoked-with-reason")
	jws := writeFile(t, dir, "revoked.jws", v.Input(t))
	r = runCLI(t, append(ob2Args(v), jws)...)
	assert.Equal(t, 1, r.code)
	assert.True(t, strings.Contains(r.stdout, "status") && strings.Contains(r.stdout, "A good reason, for sure"), "the report says why: %s", r.stdout)

	r = runCLI(t, "verify", "--ob2-doc", "no-equals-sign", jws)
	assert.Equal(t, 2, r.code, "a malformed --ob2-doc is a usage error")
}

// TestMigrateCLI: migrate verifies an OB 2.0 badge and writes an OB 3.0
// credential that verify accepts from the migrating issuer; a revoked
// badge is refused, and migrated only with --unsafe-unverified.
func TestMigrateCLI(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "key.json")
	r := runCLI(t, "key", "generate", "--type", "ed25519", "--out", keyPath)
	require.Equal(t, 0, r.code, r.stderr)
	var kf struct {
		DID string `json:"did"`
	}
	require.NoError(t, json.Unmarshal([]byte(readFileT(t, keyPath)), &kf))
	require.NotEmpty(t, kf.DID)

	v := ob2Case(t, "signed-baked-png")
	png := writeFile(t, dir, "badge.png", v.Input(t))
	out := filepath.Join(dir, "out")
	args := append([]string{"migrate", "--key", keyPath, "--out", out}, ob2Args(v)[1:]...)
	r = runCLI(t, append(args, png)...)
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	migrated := filepath.Join(out, "badge.json")
	r = runCLI(t, "verify", "--trust", kf.DID, migrated)
	assert.Equal(t, 0, r.code, "the migrated credential verifies: %s", r.stdout)
	assert.Contains(t, readFileT(t, migrated), "verified by the migrating issuer")

	v = ob2Case(t, "signed-revoked-by-id")
	jws := writeFile(t, dir, "revoked.jws", v.Input(t))
	args = append([]string{"migrate", "--key", keyPath, "--out", out}, ob2Args(v)[1:]...)
	r = runCLI(t, append(args, jws)...)
	assert.Equal(t, 1, r.code, "a revoked badge is not migrated: %s", r.stdout)
	assert.Contains(t, r.stdout, "NOT migrated")
	r = runCLI(t, append(append(args, "--unsafe-unverified"), jws)...)
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, readFileT(t, filepath.Join(out, "revoked.json")), "NOT verified by the migrating issuer")
}

func readFileT(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

// TestMigrateCLIBatch: migrate takes a directory of badges and a CSV of
// assertion URLs and files (with a header row), one output per badge.
func TestMigrateCLIBatch(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "key.json")
	require.Equal(t, 0, runCLI(t, "key", "generate", "--type", "ed25519", "--out", keyPath).code)

	hosted, signed := ob2Case(t, "hosted-url"), ob2Case(t, "signed-rs256")
	args := []string{"migrate", "--key", keyPath, "--now", signed.Now, "--trust", "https://example.org/organization.json"}
	for _, v := range []*ob2test.Vector{hosted, signed} {
		for u, f := range v.Docs {
			args = append(args, "--ob2-doc", u+"="+filepath.Join(ob2Cases, "cases", v.Name, f))
		}
	}
	badges := filepath.Join(dir, "badges")
	require.NoError(t, os.MkdirAll(badges, 0o755))
	writeFile(t, badges, "a.jws", signed.Input(t))
	writeFile(t, badges, "b.txt", hosted.Input(t))
	writeFile(t, dir, "c.jws", signed.Input(t))
	list := writeFile(t, dir, "list.csv", []byte("assertion,note\n"+hosted.In.URL+",hosted\nc.jws,signed\n"))

	out := filepath.Join(dir, "out")
	r := runCLI(t, append(args, "--out", out, badges, list)...)
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	for _, name := range []string{"a", "b", "list-2", "list-3"} {
		assert.FileExists(t, filepath.Join(out, name+".json"))
	}
	assert.NoFileExists(t, filepath.Join(out, "list-1.json"), "the header row is skipped")
	assert.Equal(t, 4, strings.Count(r.stdout, "migrated to"))
}
