// Package web is the browser verifier: a static page around the same
// Verifier (package microcred) the CLI runs, compiled to WebAssembly (web/wasm),
// that verifies a credential in the browser and sends it nowhere.
//
// The page takes a baked PNG or SVG, a JSON credential or a JWT (picked,
// dropped, pasted, or carried in the URL fragment as #vc=…, see package
// web/share), and the files dropped beside it: the user's trust list,
// status list credentials, anchor receipts and did:web DID documents. It
// shows each check the verifier ran, what "trusted" means, and the
// credential as a person reads it.
//
// [Files] returns the site; [Export] writes it to a directory for any
// web host; [Handler] serves it (microcred serve mounts it at /verify).
//
// # Building
//
// The module is committed, gzip'd, as verifier.wasm.gz, built by
// `go generate ./web` (package web/internal/build: GOOS=js GOARCH=wasm,
// -trimpath -buildvcs=false -ldflags="-s -w -buildid="); static/wasm_exec.js is the
// Go installation's own lib/wasm/wasm_exec.js, copied by the same
// command. TestWasmUpToDate rebuilds the module and fails if the
// committed one differs, so a change to the verifier needs a regenerate.
//
// # Guarantees
//
// [Files] and [Export] give the site exactly as committed (the module is
// the committed verifier.wasm.gz, checked by TestWasmUpToDate); [Handler]
// serves it with [ContentSecurityPolicy]. The page, once loaded, connects
// nowhere: the credential and the files beside it stay in the browser.
//
// # Refuses
//
// Under its Content Security Policy the page refuses every connection
// (connect-src 'none'), and scripts, styles and images from other
// origins (images only from the origin, blob: and data:). It renders
// credential text only as text, never as HTML.
//
// # Security considerations
//
// The page is served with [ContentSecurityPolicy] (also in the page's
// meta tag, for hosts that set no header): no connections (connect-src
// 'none'), scripts and styles only from the page's origin, images only
// from the origin and from the user's own files (blob:, data:). The
// module itself is loaded as a script (verifier-wasm.js), not fetched,
// so that connect-src stays 'none'. No third-party script, font or
// tracker is used. The page renders credential text as text (never as
// HTML), and says which issuer names are only claimed.
//
// # Offline use
//
// Once loaded the page needs no network: contexts are embedded in the
// module, and status lists, receipts and DID documents come only from
// files the user gives it. Nothing is fetched.
package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:generate go run ./internal/build/cmd

//go:embed static verifier.wasm.gz
var embedded embed.FS

// ContentSecurityPolicy is the policy the page is served with.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' blob: data:; connect-src 'none'; font-src 'none'; object-src 'none'; " +
	"form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// moduleScript is the file that carries the module to the page.
const moduleScript = "verifier-wasm.js"

var (
	siteOnce  sync.Once
	site      map[string][]byte
	siteError error
)

// Files returns the site: the name (index.html, app.js, style.css,
// wasm_exec.js, and verifier-wasm.js, the script that carries the
// WebAssembly module to the page) of each file and its bytes. The caller
// must not modify them.
func Files() (map[string][]byte, error) {
	siteOnce.Do(func() { site, siteError = build() })
	return site, siteError
}

func build() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := fs.WalkDir(embedded, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		out[strings.TrimPrefix(p, "static/")] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: reading the embedded site: %w", err)
	}
	gz, err := embedded.ReadFile("verifier.wasm.gz")
	if err != nil {
		return nil, fmt.Errorf("web: reading the module: %w", err)
	}
	// The module is gzip'd in a script so that the page can load it with
	// connect-src 'none': the browser decompresses it (DecompressionStream).
	var js bytes.Buffer
	js.WriteString("// The microcred verifier's WebAssembly module (web/wasm), gzip'd, base64.\nglobalThis.microcredWasmGzip = \"")
	js.WriteString(base64.StdEncoding.EncodeToString(gz))
	js.WriteString("\";\n")
	out[moduleScript] = js.Bytes()
	return out, nil
}

// module returns the raw WebAssembly module the page runs.
func module() ([]byte, error) {
	gz, err := embedded.ReadFile("verifier.wasm.gz")
	if err != nil {
		return nil, err
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("web: verifier.wasm.gz: %w", err)
	}
	return io.ReadAll(r)
}

// Export writes the site into dir, creating it if needed. Existing files
// of the same names are replaced; nothing else in dir is touched.
func Export(dir string) error {
	files, err := Files()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("web: export: %w", err)
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return fmt.Errorf("web: export: %w", err)
		}
	}
	return nil
}

// Handler serves the site under prefix (e.g. "/verify/"; "/" for the
// root), with [ContentSecurityPolicy] and no caching by intermediaries of
// anything but the page's own files. A request for prefix without its
// trailing slash is redirected to it.
func Handler(prefix string) (http.Handler, error) {
	files, err := Files()
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(prefix, "/") || !strings.HasSuffix(prefix, "/") {
		return nil, fmt.Errorf("web: handler prefix %q: want /…/", prefix)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if prefix != "/" && r.URL.Path == strings.TrimSuffix(prefix, "/") {
			http.Redirect(w, r, prefix, http.StatusMovedPermanently)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if name == "" {
			name = "index.html"
		}
		b, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, name, zeroTime, bytes.NewReader(b))
	}), nil
}

// zeroTime: ServeContent sends no Last-Modified for it.
var zeroTime = time.Time{}
