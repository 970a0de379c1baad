package btcwire

import (
	"fmt"
	"testing"
)

func BenchmarkParseTx(b *testing.B) {
	raw := readHex(b, "blockcerts-mainnet-2378076e.hex")
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ParseTx(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseBlock277647(b *testing.B) {
	raw := readHex(b, "block-277647.hex")
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		blk, err := ParseBlock(raw)
		if err != nil {
			b.Fatal(err)
		}
		if err := blk.CheckMerkleRoot(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyMerkleBranch(b *testing.B) {
	blk, err := ParseBlock(readHex(b, "block-277647.hex"))
	if err != nil {
		b.Fatal(err)
	}
	ids := blk.TxIDs()
	branch, err := MerkleBranch(ids, 100)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := verifyMerkleBranch(ids[100], 100, branch, blk.Header.MerkleRoot); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildAnchorTx(b *testing.B) {
	for _, n := range []int{1, 10} {
		amounts := make([]int64, n)
		for i := range amounts {
			amounts[i] = 100_000
		}
		p := testParams(b, amounts...)
		b.Run(fmt.Sprintf("inputs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := BuildAnchorTx(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyP2WPKHInput(b *testing.B) {
	p := testParams(b, 100_000)
	tx, err := BuildAnchorTx(p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyP2WPKHInput(tx, 0, 100_000); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBech32Decode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAddress("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"); err != nil {
			b.Fatal(err)
		}
	}
}
