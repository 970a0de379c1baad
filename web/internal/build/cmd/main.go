// Command cmd rebuilds web/verifier.wasm.gz and copies Go's wasm_exec.js
// into web/static (run by `go generate ./web`, from the web directory).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/onchaincert/microcred/web/internal/build"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	// go generate runs in the package directory, web/.
	raw, err := build.Wasm("..")
	if err != nil {
		return err
	}
	gz, err := build.Gzip(raw)
	if err != nil {
		return err
	}
	if err := os.WriteFile("verifier.wasm.gz", gz, 0o644); err != nil {
		return err
	}
	js, err := build.WasmExec()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join("static", "wasm_exec.js"), js, 0o644); err != nil {
		return err
	}
	fmt.Printf("verifier.wasm: %d bytes, %d gzip'd\n", len(raw), len(gz))
	return nil
}
