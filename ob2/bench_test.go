package ob2_test

import (
	"context"
	"testing"

	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/ob2/ob2test"
)

// BenchmarkVerify: a hosted badge by URL and a signed RS256 one,
// offline, end to end.
func BenchmarkVerify(b *testing.B) {
	for _, name := range []string{"hosted-url", "signed-rs256"} {
		var v ob2test.Vector
		for _, c := range ob2test.Load(b, testdata) {
			if c.Name == name {
				v = c
			}
		}
		ver, err := ob2.NewVerifier(v.Documents(b))
		if err != nil {
			b.Fatal(err)
		}
		in, now := v.Input(b), v.Clock(b)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ver.Verify(context.Background(), in, ob2.Checks{Now: now}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
