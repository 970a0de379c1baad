package eddsa2022_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
)

// Documents for the benchmarks: the W3C minimal credential (8 N-Quads), an
// OB 3.0 AchievementCredential (50 N-Quads) and a large one (269 N-Quads,
// many blank nodes).
var benchDocs = []struct{ name, path string }{
	{"minimal", tv + "/unsigned.json"},
	{"ob3", "../../testdata/ob3/achievement-credential.json"},
	{"large", "../../testdata/ob3/large-credential.json"},
}

func benchSuites(b *testing.B) []proof.Suite {
	return []proof.Suite{rdfcSuite(b), eddsa2022.NewJCS()}
}

func BenchmarkSign(b *testing.B) {
	key, err := didkey.NewEd25519FromSeed(seedFromMultibase(b, readMap(b, tv+"/keyPair.json")["privateKeyMultibase"].(string)))
	if err != nil {
		b.Fatal(err)
	}
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range benchSuites(b) {
		for _, d := range benchDocs {
			b.Run(s.Cryptosuite()+"/"+d.name, func(b *testing.B) {
				doc, err := os.ReadFile(d.path)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := proof.Sign(context.Background(), doc, s, key, proof.Options{Created: created}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkSignUniqueCreated is BenchmarkSign for ob3 with a different
// created time on every call, so the canonical proof configuration is never
// reused from the cache (BenchmarkSign's fixed time is what bulk issuance
// sees within one second; verifying different credentials is this case).
func BenchmarkSignUniqueCreated(b *testing.B) {
	key, err := didkey.NewEd25519FromSeed(seedFromMultibase(b, readMap(b, tv+"/keyPair.json")["privateKeyMultibase"].(string)))
	if err != nil {
		b.Fatal(err)
	}
	doc, err := os.ReadFile(benchDocs[1].path)
	if err != nil {
		b.Fatal(err)
	}
	s := rdfcSuite(b)
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		created = created.Add(time.Second)
		if _, err := proof.Sign(context.Background(), doc, s, key, proof.Options{Created: created}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	key, err := didkey.NewEd25519FromSeed(seedFromMultibase(b, readMap(b, tv+"/keyPair.json")["privateKeyMultibase"].(string)))
	if err != nil {
		b.Fatal(err)
	}
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := verifyOpts(b)
	for _, s := range benchSuites(b) {
		for _, d := range benchDocs {
			b.Run(s.Cryptosuite()+"/"+d.name, func(b *testing.B) {
				doc, err := os.ReadFile(d.path)
				if err != nil {
					b.Fatal(err)
				}
				signed, err := proof.Sign(context.Background(), doc, s, key, proof.Options{Created: created})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := proof.Verify(context.Background(), signed, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
