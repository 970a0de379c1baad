package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
)

// withStdin makes data the process's standard input for the test.
// (Tests that use it do not run in parallel.)
func withStdin(t *testing.T, data []byte) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	require.NoError(t, err)
	_, err = f.Write(data)
	require.NoError(t, err)
	_, err = f.Seek(0, 0)
	require.NoError(t, err)
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = old; f.Close() })
}

// Color only on a terminal, never with NO_COLOR (set and not empty) or
// TERM=dumb.
func TestColorDecision(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		terminal bool
		env      map[string]string
		want     bool
	}{
		{true, nil, true},
		{true, map[string]string{"TERM": "xterm-256color"}, true},
		{true, map[string]string{"NO_COLOR": "1"}, false},
		{true, map[string]string{"NO_COLOR": "0"}, false}, // any value
		{true, map[string]string{"NO_COLOR": ""}, true},   // empty is unset
		{true, map[string]string{"TERM": "dumb"}, false},
		{false, nil, false},
	} {
		assert.Equal(t, tc.want, wantColor(tc.terminal, env(tc.env)), "terminal=%v env=%v", tc.terminal, tc.env)
	}

	// Not a terminal: a buffer, a regular file, /dev/null (a character
	// device, and still not a terminal).
	assert.False(t, styleFor(&bytes.Buffer{}).color)
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, styleFor(f).color)
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	assert.False(t, styleFor(null).color)

	// A terminal: the master side of a pseudo-terminal, where there is one.
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Logf("no pseudo-terminal here (%v): the terminal case is checked through wantColor only", err)
		return
	}
	defer pty.Close()
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm")
	assert.True(t, styleFor(pty).color, "a terminal gets color")
	t.Setenv("NO_COLOR", "1")
	assert.False(t, styleFor(pty).color, "NO_COLOR wins")
}

// A colored report paints the verdict; reports written anywhere but a
// terminal have no escape codes.
func TestReportColor(t *testing.T) {
	res := &microcred.Result{Verified: true, Checks: []microcred.CheckResult{{Check: "proof", Outcome: microcred.Passed}}}
	var b bytes.Buffer
	writeReport(&b, style{color: true}, "x.json", res)
	assert.Contains(t, b.String(), "\x1b[1;32mVERIFIED\x1b[0m")
	b.Reset()
	writeReport(&b, style{}, "x.json", res)
	assert.NotContains(t, b.String(), "\x1b[")

	r := runCLI(t, "demo")
	require.Equal(t, 0, r.code)
	assert.NotContains(t, r.stdout+r.stderr, "\x1b[", "no color when the output is not a terminal")
}

// "-" is standard input or output wherever a file is read or written.
func TestStdinStdout(t *testing.T) {
	dir := t.TempDir()
	cred := obCredential(t)

	// key generate --out -: the key file on stdout, the DID on stderr.
	r := runCLI(t, "key", "generate", "--seed", seedHex, "--out", "-")
	require.Equal(t, 0, r.code, r.stderr)
	var kf keyFile
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &kf))
	assert.Equal(t, kf.DID+"\n", r.stderr)
	keyJSON := []byte(r.stdout)
	keyPath := writeFile(t, dir, "key.json", keyJSON)

	// sign reads the credential, or the key, from stdin.
	withStdin(t, cred)
	r = runCLI(t, "sign", "--key", keyPath, "--set-issuer", "--created", "2024-01-01T00:00:00Z", "-")
	require.Equal(t, 0, r.code, r.stderr)
	signed := r.stdout
	withStdin(t, keyJSON)
	r = runCLI(t, "sign", "--key", "-", "--set-issuer", "--created", "2024-01-01T00:00:00Z", writeFile(t, dir, "cred.json", cred))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, signed, r.stdout, "same key, same time, same bytes (Ed25519)")

	// Standard input can be read once.
	withStdin(t, keyJSON)
	r = runCLI(t, "sign", "--key", "-", "-")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "only once")

	// bake: the image from stdin, the baked image to stdout; extract
	// and verify read it from stdin.
	pngData, err := drawBadge(16)
	require.NoError(t, err)
	signedPath := writeFile(t, dir, "signed.json", []byte(signed))
	withStdin(t, pngData)
	r = runCLI(t, "bake", "--image", "-", "--credential", signedPath, "--out", "-")
	require.Equal(t, 0, r.code, r.stderr)
	baked := []byte(r.stdout)
	assert.True(t, bytes.HasPrefix(baked, []byte("\x89PNG\r\n\x1a\n")), "the image is on stdout")
	assert.Contains(t, r.stderr, "baked ", "the note is on stderr")
	withStdin(t, baked)
	r = runCLI(t, "extract", "-")
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, signed, r.stdout)
	withStdin(t, baked)
	r = runCLI(t, "verify", "--now", "2024-06-01T00:00:00Z", "--any-issuer", "-")
	assert.Equal(t, 0, r.code, r.stdout+r.stderr)

	// demo --out -: the PNG on stdout, the narrative on stderr.
	r = runCLI(t, "demo", "--out", "-")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "\x89PNG\r\n\x1a\n"))
	assert.Contains(t, r.stderr, "Demo complete")

	// derive reads its base credential from stdin.
	withStdin(t, []byte(signed))
	r = runCLI(t, "derive", "--reveal", "/name", "-")
	assert.Equal(t, 1, r.code, "read from stdin, then refused: not an ecdsa-sd-2023 base proof")
	assert.NotContains(t, r.stderr, "reading input")
}
