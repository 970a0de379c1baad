package anchor

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"testing"
)

func leavesN(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(i))
		d := sha256.Sum256(b[:])
		out[i] = d[:]
	}
	return out
}

// BenchmarkTreeWithProofs builds an RFC 6962 tree of 1k, 100k and 1M
// leaves and produces every leaf's inclusion proof (the target:
// 1M in ≤ 1.5 s on one core).
func BenchmarkTreeWithProofs(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			leaves := leavesN(n)
			b.ReportAllocs()
			for b.Loop() {
				tr, _ := NewTree(ModeRFC6962)
				for _, l := range leaves {
					if _, err := tr.Append(l); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := tr.Root(); err != nil {
					b.Fatal(err)
				}
				var buf []byte
				for i := range leaves {
					var err error
					if buf, err = tr.AppendPath(buf[:0], uint64(i)); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkRootOnly100k computes the root of 100,000 leaves in O(log n)
// memory.
func BenchmarkRootOnly100k(b *testing.B) {
	leaves := leavesN(100_000)
	b.ReportAllocs()
	for b.Loop() {
		tr, _ := NewRootTree(ModeRFC6962)
		for _, l := range leaves {
			_, _ = tr.Append(l)
		}
		if _, err := tr.Root(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyInclusion(b *testing.B) {
	leaves := leavesN(100_000)
	tr, _ := NewTree(ModeRFC6962)
	for _, l := range leaves {
		_, _ = tr.Append(l)
	}
	root, _ := tr.Root()
	path, _ := tr.Path(77_777)
	b.ReportAllocs()
	for b.Loop() {
		if err := verifyInclusion(77_777, 100_000, leaves[77_777], path, root); err != nil {
			b.Fatal(err)
		}
	}
}

func TestVerifyInclusionAllocs(t *testing.T) {
	leaves := leavesN(1000)
	tr, _ := NewTree(ModeRFC6962)
	for _, l := range leaves {
		_, _ = tr.Append(l)
	}
	root, _ := tr.Root()
	path, _ := tr.Path(500)
	allocs := testing.AllocsPerRun(100, func() {
		if err := verifyInclusion(500, 1000, leaves[500], path, root); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("VerifyInclusion allocates %v times per run, want 0", allocs)
	}
}

func BenchmarkParseReceipt(b *testing.B) {
	r := regtestReceipt(b)
	js, err := r.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseReceipt(js); err != nil {
			b.Fatal(err)
		}
	}
}
