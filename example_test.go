package microcred_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Issue an Open Badges 3.0 credential with a did:key and verify it
// offline. The key comes from a fixed seed and the clock is fixed, so the
// output is deterministic.
func Example() {
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		log.Fatal(err)
	}
	cred, err := os.ReadFile("testdata/vectors/ob3/ldp-test-vector-ob/credential.json")
	if err != nil {
		log.Fatal(err)
	}
	cred, err = vc.SetIssuer(cred, key.DID().String())
	if err != nil {
		log.Fatal(err)
	}

	issuer, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return at }))
	if err != nil {
		log.Fatal(err)
	}
	signed, err := issuer.Issue(ctx, cred)
	if err != nil {
		log.Fatal(err)
	}

	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: []proof.Suite{suite}},
		microcred.WithClock(func() time.Time { return at.Add(time.Hour) }))
	if err != nil {
		log.Fatal(err)
	}
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := v.Verify(ctx, signed, policy)
	fmt.Println("issuer:", res.Issuer)
	for _, c := range res.Checks {
		fmt.Println(c.Check, c.Outcome)
	}
	fmt.Println("verified:", err == nil)

	// Any edit breaks it.
	tampered := bytes.Replace(signed, []byte("Teamwork Badge"), []byte("Teamwork Medal"), 1)
	_, err = v.Verify(ctx, tampered, policy)
	fmt.Println("tampered verified:", err == nil)
	// Output:
	// issuer: did:key:z6MkvDqGT54cXesYGvABpF1UapVNwjCqRcafi4Px6Thv5T3Z
	// parse passed
	// schema passed
	// proof passed
	// issuer passed
	// status skipped
	// validity passed
	// endorsements skipped
	// verified: true
	// tampered verified: false
}
