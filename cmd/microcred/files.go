package main

import (
	"fmt"
	"io"
	"os"

	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
)

// Wherever a command reads or writes a file, "-" names standard input or
// standard output. These helpers are the only places that open files for
// the commands.

// maxSmallFile caps the small files commands read: key files, hex
// evidence, issuer profiles, transaction data.
const maxSmallFile = vc.MaxCredentialBytes

// readInput reads a credential or other JSON input ("-" for standard
// input), at most vc.MaxCredentialBytes; an unreadable or oversize
// input is a usage error (exit 2).
func readInput(path string) ([]byte, error) {
	return readCapped(path, vc.MaxCredentialBytes, "reading input")
}

// readImage reads a badge image ("-" for standard input), at most
// bake.MaxImageBytes: what bake writes, verify and extract read.
func readImage(path string) ([]byte, error) {
	return readCapped(path, bake.MaxImageBytes, "reading image")
}

// readVerifyInput reads what verify is given: a credential, a JWT, or a
// baked image of up to bake.MaxImageBytes, the most bake writes (the
// verifier holds the credential inside to vc.MaxCredentialBytes).
func readVerifyInput(path string) ([]byte, error) {
	return readCapped(path, bake.MaxImageBytes, "reading input")
}

// readSmallFile reads a key file, a receipt, an issuer profile or
// transaction data ("-" for standard input).
func readSmallFile(path, what string) ([]byte, error) {
	return readCapped(path, maxSmallFile, what)
}

func readCapped(path string, limit int, what string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, &usageError{msg: fmt.Sprintf("%s: %v", what, err)}
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, &usageError{msg: fmt.Sprintf("%s: %v", what, err)}
	}
	if len(data) > limit {
		name := path
		if path == "-" {
			name = "standard input"
		}
		return nil, &usageError{msg: fmt.Sprintf("%s: %s is larger than %d bytes", what, name, limit)}
	}
	return data, nil
}

// maxEvidenceFile caps a file of hex evidence (a raw block of up to 4 MB
// is 8 MB of hex).
const maxEvidenceFile = 16 << 20

// readEvidenceFile reads a file of hex evidence ("-" for standard input).
func readEvidenceFile(path, what string) ([]byte, error) {
	return readCapped(path, maxEvidenceFile, what)
}

// writeOutput writes data to path, or to stdout for "-".
func writeOutput(path string, data []byte, stdout io.Writer) error {
	if path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// stdinOnce refuses two "-" among the paths a command reads: standard
// input can be read once.
func stdinOnce(paths ...string) error {
	n := 0
	for _, p := range paths {
		if p == "-" {
			n++
		}
	}
	if n > 1 {
		return usagef("standard input (-) can be read only once, and %d arguments name it", n)
	}
	return nil
}
