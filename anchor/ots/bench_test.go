package ots_test

import (
	"testing"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/ots"
)

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"client-examples/hello-world.txt.ots", "client-examples/empty.ots"} {
		proof := read(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(proof)))
			for b.Loop() {
				if _, err := ots.Parse(proof); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	proof := read(b, "client-examples/hello-world.txt.ots")
	file := read(b, "client-examples/hello-world.txt")
	opts := ots.VerifyOptions{
		Headers: ots.Headers{358391: mainnetHeader(b)},
		Checkpoints: []anchor.Checkpoint{{
			Chain:     anchor.ChainBitcoinMainnet,
			BlockHash: "0000000000000000040238cb61fda1452649edc9d18f435f7e1b285a589463b9",
			MaxBits:   0x181686f5,
		}},
		Confirmations: 1,
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := ots.VerifyFile(proof, file, opts)
		if err != nil || res.Level != anchor.L4 {
			b.Fatal(res.Level, err)
		}
	}
}
