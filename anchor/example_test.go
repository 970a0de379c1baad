package anchor_test

import (
	"crypto/sha256"
	"fmt"
	"log"

	"github.com/onchaincert/microcred/anchor"
)

func ExampleNewTree() {
	tr, err := anchor.NewTree(anchor.ModeRFC6962)
	if err != nil {
		log.Fatal(err)
	}
	// Leaves are SHA-256 digests of the signed credentials.
	for _, cred := range []string{`{"id":"urn:1"}`, `{"id":"urn:2"}`, `{"id":"urn:3"}`} {
		d := sha256.Sum256([]byte(cred))
		if _, err := tr.Append(d[:]); err != nil {
			log.Fatal(err)
		}
	}
	r, err := tr.Receipt(2, anchor.Anchor{Chain: anchor.ChainMock, TxID: "mock-1"})
	if err != nil {
		log.Fatal(err)
	}
	leaf := sha256.Sum256([]byte(`{"id":"urn:3"}`))
	a, err := r.Verify(anchor.VerifyOptions{Leaf: leaf[:]})
	if err != nil {
		log.Fatal(err)
	}
	// A mock anchor is on no chain: the proof holds (L0), nothing more.
	fmt.Println(a.Level, a.NoFinality, len(r.Path))
	// Output: L0 true 1
}
