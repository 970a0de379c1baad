package ots_test

import (
	"bytes"
	"testing"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/ots"
)

// FuzzParse: no panic; nil proof on error; a proof that parses
// serializes back to the same bytes, its ops apply, and random proofs
// never verify above L1 without headers.
func FuzzParse(f *testing.F) {
	for _, name := range otsFiles(f) {
		f.Add(read(f, name))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ots.Parse(b)
		if err != nil {
			if p != nil {
				t.Fatalf("proof returned with error %v", err)
			}
			return
		}
		if got := p.Bytes(); !bytes.Equal(got, b) {
			t.Fatalf("round trip: got %x, want %x", got, b)
		}
		if _, err := p.Commitments(); err != nil {
			t.Fatalf("parsed proof fails to apply: %v", err)
		}
		res, err := p.Verify(p.Digest(), ots.VerifyOptions{})
		if err != nil || res.Level > anchor.L1 {
			t.Fatalf("verify without headers: %v, %v", res.Level, err)
		}
	})
}
