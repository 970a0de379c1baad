package ethwire

import (
	"math/big"
	"testing"
)

func BenchmarkParseTx(b *testing.B) {
	raw := mustHex(b, legacyBlockcerts(b).RawTx)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ParseTx(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRecoverSender(b *testing.B) {
	tx, err := ParseTx(mustHex(b, legacyBlockcerts(b).RawTx))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tx.Sender(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyTrieProof(b *testing.B) {
	p := otsProofs(b)[1] // block 3283690, index 19
	b.ReportAllocs()
	for b.Loop() {
		if err := VerifyTxProof(p.root, 19, p.raw, p.nodes); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTxProof(b *testing.B) {
	key := testKey(b)
	var txs [][]byte
	for i := 0; i < 300; i++ {
		tx, err := NewAnchorTx(key, testRoot, AnchorParams{ChainID: 1, Nonce: uint64(i), MaxPriorityFeePerGas: big.NewInt(1), MaxFeePerGas: big.NewInt(2)})
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := tx.MarshalBinary()
		txs = append(txs, raw)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := TxProof(txs, 150); err != nil {
			b.Fatal(err)
		}
	}
}

// Verifying a proof allocates per node decoded, not per byte.
func TestVerifyTxProofAllocations(t *testing.T) {
	p := otsProofs(t)[1]
	allocs := testing.AllocsPerRun(100, func() {
		if err := VerifyTxProof(p.root, 19, p.raw, p.nodes); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 8 {
		t.Errorf("VerifyTxProof: %v allocations, want at most 8", allocs)
	}
}
