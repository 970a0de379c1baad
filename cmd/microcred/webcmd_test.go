package main

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/web"
	"github.com/onchaincert/microcred/web/share"
)

func TestWebExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	r := runCLI(t, "web", "export", dir)
	require.Equal(t, 0, r.code, r.stderr)
	for _, f := range []string{"index.html", "app.js", "style.css", "wasm_exec.js", "verifier-wasm.js"} {
		_, err := os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, f)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(index), "connect-src 'none'")
	for _, args := range [][]string{{"web"}, {"web", "export"}, {"web", "export", "a", "b"}, {"web", "publish", dir}} {
		assert.Equal(t, 2, runCLI(t, args...).code, "%v", args)
	}
}

func hostileFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", name))
	require.NoError(t, err)
	return b
}

// TestShare: the link carries the credential (from JSON or from a baked
// badge: the same link), the LinkedIn URL names the verified achievement
// and issuer, the QR code is a PNG; a credential that does not verify
// gets no link.
func TestShare(t *testing.T) {
	dir := t.TempDir()
	valid := hostileFile(t, "valid.json")
	cred := writeFile(t, dir, "valid.json", valid)
	qr := filepath.Join(dir, "qr.png")
	r := runCLI(t, "share", "--base", "https://badges.example.edu/verify/", "--qr", qr, cred)
	require.Equal(t, 0, r.code, r.stderr)
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		k, v, _ := strings.Cut(l, ": ")
		lines[k] = v
	}
	link := lines["link"]
	require.True(t, strings.HasPrefix(link, "https://badges.example.edu/verify/#vc="), r.stdout)
	_, frag, _ := strings.Cut(link, "#")
	got, err := share.DecodeFragment(frag)
	require.NoError(t, err)
	assert.Equal(t, valid, got)
	li, err := url.Parse(lines["linkedin"])
	require.NoError(t, err)
	assert.Equal(t, "Intro to Data Integrity", li.Query().Get("name"))
	assert.Equal(t, "Example Technical Institute", li.Query().Get("organizationName"))
	assert.Equal(t, link, li.Query().Get("certUrl"))
	qrBytes, err := os.ReadFile(qr)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(qrBytes))
	require.NoError(t, err)
	assert.Equal(t, 512, img.Bounds().Dx())

	// The same credential baked into a badge: the same link.
	baked, err := bake.BakeSVG([]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`), valid, bake.Options{})
	require.NoError(t, err)
	r2 := runCLI(t, "share", "--base", "https://badges.example.edu/verify/", writeFile(t, dir, "b.svg", baked))
	require.Equal(t, 0, r2.code, r2.stderr)
	_, frag2, ok := strings.Cut(strings.TrimSpace(strings.Split(r2.stdout, "\n")[0]), "#")
	require.True(t, ok, r2.stdout)
	got2, err := share.DecodeFragment(frag2)
	require.NoError(t, err)
	assert.Equal(t, string(bytes.TrimSpace(valid)), string(bytes.TrimSpace(got2)), "the baked credential is the one shared")

	// Without --base: the fragment only.
	r3 := runCLI(t, "share", cred)
	require.Equal(t, 0, r3.code, r3.stderr)
	assert.Contains(t, r3.stdout, "fragment: #"+frag)

	bad := runCLI(t, "share", "--base", "https://badges.example.edu/verify/", writeFile(t, dir, "t.json", hostileFile(t, "tampered-achievement-name.json")))
	assert.Equal(t, 1, bad.code)
	assert.NotContains(t, bad.stdout, "link:")
	assert.Contains(t, bad.stderr, "does not verify")
	assert.Equal(t, 2, runCLI(t, "share", "--qr", qr, cred).code, "--qr needs --base")
	assert.Equal(t, 2, runCLI(t, "share", "--base", "ftp://x/", cred).code)
}

// TestServeWebRoutes: the page at /verify/ always, at / for browsers only
// when the service issues nothing; the API keeps its routes.
func TestServeWebRoutes(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Header().Set("X-API", "1") })
	get := func(h http.Handler, method, path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, noIssuers := range []bool{true, false} {
		h, err := webRoutes(api, noIssuers)
		require.NoError(t, err)
		rec := get(h, "GET", "/verify/", "text/html")
		assert.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, web.ContentSecurityPolicy, rec.Header().Get("Content-Security-Policy"))
		assert.Contains(t, rec.Body.String(), "Verify a credential")
		assert.Equal(t, http.StatusMovedPermanently, get(h, "GET", "/verify", "").Code)
		assert.Equal(t, "1", get(h, "POST", "/credentials/verify", "").Header().Get("X-API"))
		assert.Equal(t, "1", get(h, "GET", "/", "application/json").Header().Get("X-API"), "API clients get the service information")
		root := get(h, "GET", "/", "text/html,application/xhtml+xml")
		js := get(h, "GET", "/app.js", "")
		if noIssuers {
			assert.Empty(t, root.Header().Get("X-API"))
			assert.Contains(t, root.Body.String(), "Verify a credential")
			assert.Empty(t, js.Header().Get("X-API"))
			assert.Equal(t, http.StatusOK, js.Code)
		} else {
			assert.Equal(t, "1", root.Header().Get("X-API"), "an issuing service keeps / for itself")
			assert.Equal(t, "1", js.Header().Get("X-API"))
		}
	}
}

// TestServeVerifierOnly: a config with no issuers (and no store) runs a
// verifier-only service: the page at / for a browser and at /verify/,
// the service information at / for an API client, and verification.
func TestServeVerifierOnly(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "verify.json", []byte(`{"listen": "127.0.0.1:0", "auth": {"none": true}, "verifier": {"anyIssuer": true}}`))
	url, stop := startServe(t, cfg)
	for _, p := range []string{"/", "/verify/"} {
		req, err := http.NewRequest("GET", url+p, nil)
		require.NoError(t, err)
		req.Header.Set("Accept", "text/html")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body := new(bytes.Buffer)
		_, err = body.ReadFrom(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode, p)
		assert.Contains(t, body.String(), "Verify a credential", p)
		assert.Equal(t, web.ContentSecurityPolicy, resp.Header.Get("Content-Security-Policy"), p)
	}
	resp, err := http.Get(url + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Contains(t, resp.Header.Get("Content-Type"), "json", "an API client still gets the service information")
	code, body, err := postJSON(http.DefaultClient, url+"/credentials/verify", `{"verifiableCredential": `+string(hostileFile(t, "valid.json"))+`}`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code, "%s", body)
	res := stop()
	assert.Equal(t, 0, res.code, res.stderr)
	// Issuers still need a store.
	f := newServeFixture(t)
	noStore := writeFile(t, f.dir, "s.json", []byte(`{"listen": "127.0.0.1:0", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}}`))
	r := runCLI(t, "serve", "--config", noStore)
	assert.NotEqual(t, 0, r.code)
	assert.Contains(t, r.stderr, "store: missing")
}
