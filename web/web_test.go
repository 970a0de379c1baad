package web_test

import (
	"bytes"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/web"
	"github.com/onchaincert/microcred/web/internal/build"
)

// TestWasmUpToDate: the committed verifier.wasm.gz is what `go generate
// ./web` builds from the sources now (the build is reproducible:
// -trimpath, no VCS stamp). A change to the verifier or its dependencies
// without a regenerate fails here.
func TestWasmUpToDate(t *testing.T) {
	fresh, err := build.Wasm("..")
	require.NoError(t, err)
	committed, err := web.Module()
	require.NoError(t, err)
	assert.Equal(t, sha256.Sum256(fresh), sha256.Sum256(committed), "web/verifier.wasm.gz is stale: run go generate ./web")
	assert.True(t, bytes.HasPrefix(committed, []byte("\x00asm")), "a WebAssembly module")
	gz, err := os.ReadFile("verifier.wasm.gz")
	require.NoError(t, err)
	t.Logf("module: %d bytes raw, %d gzip'd", len(committed), len(gz))
	assert.LessOrEqual(t, len(gz), 6<<20, "the compressed module is at most 6 MB")
}

// TestWasmExecIsGos: static/wasm_exec.js is the Go installation's own
// file, which must match the toolchain that built the module.
func TestWasmExecIsGos(t *testing.T) {
	want, err := build.WasmExec()
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join("static", "wasm_exec.js"))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "static/wasm_exec.js differs from $(go env GOROOT)/lib/wasm/wasm_exec.js: run go generate ./web")
}

// TestWasmLeavesOutTheServer: the browser build links no store backend
// (SQLite, PostgreSQL), no VC API service and no CLI.
func TestWasmLeavesOutTheServer(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./web/wasm")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/onchaincert/microcred", "the list is the module's")
	for _, d := range deps {
		for _, banned := range []string{"modernc.org/sqlite", "github.com/jackc/pgx", "github.com/onchaincert/microcred/vcapi",
			"github.com/onchaincert/microcred/store/", "github.com/onchaincert/microcred/cmd", "github.com/skip2/go-qrcode", "github.com/onchaincert/microcred/web/internal/build"} {
			assert.False(t, strings.HasPrefix(d, banned), "the wasm build imports %s", d)
		}
	}
}

// TestHandler: every file is served with the Content-Security-Policy that
// forbids connections; the index at the prefix; nothing else; no POST.
func TestHandler(t *testing.T) {
	h, err := web.Handler("/verify/")
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	for path, ctype := range map[string]string{"/verify/": "text/html", "/verify/app.js": "javascript", "/verify/style.css": "text/css", "/verify/" + web.ModuleScript: "javascript", "/verify/wasm_exec.js": "javascript"} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Contains(t, resp.Header.Get("Content-Type"), ctype, path)
		assert.Equal(t, web.ContentSecurityPolicy, resp.Header.Get("Content-Security-Policy"), path)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "connect-src 'none'")
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	}
	for _, path := range []string{"/verify/../web.go", "/verify/nope.js", "/other/index.html", "/verify/static/app.js"} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}
	resp, err := http.Post(srv.URL+"/verify/", "text/plain", strings.NewReader("x"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	_, err = web.Handler("verify")
	assert.Error(t, err)
}

// TestExport: the exported page is the served one, with the policy in its
// meta tag (a static host may send no header), no third-party URL, and
// the module carried by a script, not fetched.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, web.Export(dir))
	files, err := web.Files()
	require.NoError(t, err)
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), name)
	}
	index := string(files["index.html"])
	assert.Contains(t, index, `http-equiv="Content-Security-Policy"`)
	// The meta tag's policy is the header's, less frame-ancestors (which
	// browsers ignore in a meta tag).
	meta := strings.TrimSuffix(web.ContentSecurityPolicy, "; frame-ancestors 'none'")
	require.NotEqual(t, meta, web.ContentSecurityPolicy)
	assert.Contains(t, index, `content="`+meta+`"`)
	for name, b := range files {
		if name == "wasm_exec.js" || name == web.ModuleScript {
			continue
		}
		for _, bad := range []string{"http://", "https://", "fetch(", "XMLHttpRequest", "innerHTML", "eval("} {
			assert.NotContains(t, string(b), bad, "%s must not use %s", name, bad)
		}
	}
	assert.True(t, strings.HasPrefix(string(files[web.ModuleScript]), "// The microcred verifier"))
}
