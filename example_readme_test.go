package microcred_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Issue an Open Badges 3.0 credential and verify it offline. This is the
// README's "Use it from Go": TestReadmeSnippet holds the README's code
// block equal to this file's imports and this function's body.
func Example_readme() {
	ctx := context.Background()

	// Issue: the credential's issuer must be the key's DID.
	key, err := didkey.GenerateEd25519() // implements proof.Signer
	if err != nil {
		log.Fatal(err)
	}
	credentialJSON, err := os.ReadFile("testdata/vectors/ob3/ldp-test-vector-ob/credential.json") // an OB 3.0 AchievementCredential
	if err != nil {
		log.Fatal(err)
	}
	credentialJSON, err = vc.SetIssuer(credentialJSON, key.DID().String())
	if err != nil {
		log.Fatal(err)
	}
	issuer, err := microcred.NewIssuer(key) // eddsa-rdfc-2022 over the embedded contexts
	if err != nil {
		log.Fatal(err)
	}
	signed, err := issuer.Issue(ctx, credentialJSON) // the exact signed bytes
	if err != nil {
		log.Fatal(err)
	}

	// Verify, offline, with every proof suite the module supports.
	suites, err := microcred.DefaultSuites(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: suites})
	if err != nil {
		log.Fatal(err)
	}
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := v.Verify(ctx, signed, policy)
	// err == nil iff every check passed; res.Checks says what was checked and why anything failed:
	// errors.Is(err, proof.ErrInvalidSignature), errors.Is(err, vc.ErrExpired), ...
	fmt.Println("verified:", err == nil)
	for _, c := range res.Checks {
		fmt.Println(c.Check, c.Outcome)
	}
	// Output:
	// verified: true
	// parse passed
	// schema passed
	// proof passed
	// issuer passed
	// status skipped
	// validity passed
	// endorsements skipped
}
