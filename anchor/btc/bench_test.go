package btc

import "testing"

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
		if err := VerifyMerkleBranch(ids[100], 100, branch, blk.Header.MerkleRoot); err != nil {
			b.Fatal(err)
		}
	}
}
