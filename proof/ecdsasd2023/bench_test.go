package ecdsasd2023_test

import (
	"context"
	"testing"
	"time"

	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
)

// The benchmarks use the employ vector: 24 statements, 4 mandatory.

func BenchmarkSignBase(b *testing.B) {
	v := vectors()[0]
	mandatory, _ := v.pointers(b)
	s := newSuite(b, ecdsasd2023.WithoutDefaultMandatoryUnsafe(), ecdsasd2023.WithMandatoryPointers(mandatory...))
	doc := v.unsignedBytes(b)
	signer := baseSigner(b)
	opts := proof.Options{Created: time.Date(2023, 8, 15, 23, 36, 38, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := proof.Sign(context.Background(), doc, s, signer, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDerive(b *testing.B) {
	v := vectors()[0]
	_, selective := v.pointers(b)
	s := newSuite(b)
	base := read(b, v.file("addSignedSDBase.json"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Derive(base, selective); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyDerived(b *testing.B) {
	v := vectors()[0]
	derived := read(b, v.file("derivedRevealDocument.json"))
	opts := verifyOpts(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := proof.Verify(context.Background(), derived, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyDisclosure(b *testing.B) {
	v := vectors()[0]
	reveal := readMap(b, v.file("derivedRevealDocument.json"))
	doc, p := withoutProof(reveal), reveal["proof"].(map[string]any)
	key := publicKey(b, material(b).BaseKeyPair.PublicKeyMultibase)
	s := newSuite(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.VerifyDisclosure(doc, p, key); err != nil {
			b.Fatal(err)
		}
	}
}
