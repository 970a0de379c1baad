package anchor

import (
	"bytes"
	"crypto/sha256"
)

// Leaf returns the RFC 6962-mode leaf of a signed credential: SHA-256 of
// its bytes exactly as issued (a JSON credential with its embedded proof,
// or a compact JWT), with surrounding whitespace removed so that a
// trailing newline written by a tool does not change it. Everything that
// batches or verifies credentials in this module computes leaves with it.
func Leaf(credential []byte) []byte {
	d := sha256.Sum256(bytes.TrimSpace(credential))
	return d[:]
}
