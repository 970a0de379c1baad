package legacy_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/vc/contexts"
)

// BenchmarkLegacy signs and verifies the OB 3.0 test credential with
// Ed25519Signature2020 and EcdsaSecp256k1Signature2019.
func BenchmarkLegacy(b *testing.B) {
	data, err := os.ReadFile("../../testdata/ob3/achievement-credential.json")
	if err != nil {
		b.Fatal(err)
	}
	ed2020, err := legacy.NewEd25519Signature2020(contexts.Default())
	if err != nil {
		b.Fatal(err)
	}
	k1suite, err := legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	if err != nil {
		b.Fatal(err)
	}
	edKey, _ := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{1}, 32))
	k1Key, _ := didkey.NewFromSeed(didkey.Secp256k1, bytes.Repeat([]byte{1}, 32))
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		b.Fatal(err)
	}
	created := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		suite proof.Suite
		key   *didkey.Key
	}{{"Ed25519Signature2020", ed2020, edKey}, {"EcdsaSecp256k1Signature2019", k1suite, k1Key}} {
		doc, err := legacy.AddContextFor(data, c.suite.Type())
		if err != nil {
			b.Fatal(err)
		}
		signed, err := proof.Sign(context.Background(), doc, c.suite, c.key, proof.Options{Created: created})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("sign/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := proof.Sign(context.Background(), doc, c.suite, c.key, proof.Options{Created: created}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("verify/"+c.name, func(b *testing.B) {
			opts := proof.VerifyOptions{Suites: []proof.Suite{c.suite}, Resolver: r, Purpose: proof.AssertionMethod, Now: created}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := proof.Verify(context.Background(), signed, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
