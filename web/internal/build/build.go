// Package build builds the browser verifier's WebAssembly module
// (web/wasm) the way the committed web/verifier.wasm.gz was built, so
// that a test can check the committed file is up to date.
package build

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Flags are the go build flags of the module: no paths, no symbols, no
// VCS stamp (which would change the module with every commit) and no
// build ID (a hash of the sources, comments included): the module
// changes only when the code it is compiled from does.
var Flags = []string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="}

// Wasm builds web/wasm from the module rooted at dir (the microcred
// checkout) and returns the raw .wasm bytes.
func Wasm(dir string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "microcred-wasm")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "verifier.wasm")
	args := append([]string{"build"}, Flags...)
	args = append(args, "-o", out, "./web/wasm")
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("build: go build ./web/wasm: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return os.ReadFile(out)
}

// Gzip compresses b at the best level, with no name or time in the
// header, so that the same module gives the same bytes.
func Gzip(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WasmExec returns the wasm_exec.js of the Go installation that builds
// the module: the JavaScript half of Go's js/wasm port, which must match
// the toolchain.
func WasmExec() ([]byte, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("build: go env GOROOT: %v", err)
	}
	return os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js"))
}
