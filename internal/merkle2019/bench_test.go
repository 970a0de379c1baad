package merkle2019_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/merkle2019"
)

// BenchmarkVerify: one v3 certificate (testnet-v3-did) to L1, offline.
func BenchmarkVerify(b *testing.B) {
	c := readManifest(b)[0]
	doc := readFile(b, c.File)
	v, err := merkle2019.NewVerifier(merkle2019.Options{
		Transactions: merkle2019.StaticTx{"blink:btc:testnet:140ee9382a5c84433b9c89a5d9fea26c47415838b5841deb0c36a8a4b9121f2e": c.txData(b)},
		IssuerKeys:   []merkle2019.IssuerKey{{Address: c.LookForTx.IssuingAddress}},
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := v.Verify(ctx, doc)
		if err != nil || res.Level != anchor.L1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreate1000: 1000 credentials' proofs from a tree: targetHashes
// into a Blockcerts tree, the root, and each proofValue encoded. Hashing
// the credentials themselves (RDFC) is BenchmarkTargetHash.
func BenchmarkCreate1000(b *testing.B) {
	leaves := make([][]byte, 1000)
	for i := range leaves {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(i))
		s := sha256.Sum256(n[:])
		leaves[i] = s[:]
	}
	anc := merkle2019.Blink{Chain: "btc", Network: "mainnet", TxID: "2378076e8e140012814e98a2b2cb1af07ec760b239c1d6d93ba54d658a010ecd"}
	b.ReportAllocs()
	for b.Loop() {
		batch, err := merkle2019.NewBatch(nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range leaves {
			if _, err := batch.AddTargetHash(l); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := batch.Root(); err != nil {
			b.Fatal(err)
		}
		for i := range leaves {
			pv, err := batch.ProofValue(i, anc)
			if err != nil {
				b.Fatal(err)
			}
			if pv.String() == "" {
				b.Fatal("empty proofValue")
			}
		}
	}
}

// BenchmarkTargetHash: RDFC canonicalization and SHA-256 of one v3
// certificate, the per-credential cost of issuing and verifying.
func BenchmarkTargetHash(b *testing.B) {
	var doc map[string]any
	readJSON(b, "v3/testnet-v3-did.json", &doc)
	h, err := merkle2019.NewHasher(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := h.TargetHash(doc, 0); err != nil {
			b.Fatal(err)
		}
	}
}
