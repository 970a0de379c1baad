package eddsa2022_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"time"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Sign a document with eddsa-rdfc-2022 and verify it, at the proof level.
func ExampleNewRDFC() {
	ctx := context.Background()
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		log.Fatal(err)
	}
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + key.DID().String() + `","credentialSubject":{"id":"did:example:learner"}}`)
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	signed, err := proof.Sign(ctx, doc, suite, key, proof.Options{Created: created})
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	res, err := proof.Verify(ctx, signed, proof.VerifyOptions{Suites: []proof.Suite{suite}, Resolver: resolver, Now: created})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Verified().Proof.Cryptosuite, res.Verified().Controller == key.DID().String())
	// Output:
	// eddsa-rdfc-2022 true
}
