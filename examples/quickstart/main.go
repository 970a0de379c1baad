// Command quickstart issues an Open Badges 3.0 credential and verifies it
// offline, in the fewest lines microcred allows.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

func main() {
	ctx := context.Background()

	// The school's key: a did:key it can publish nowhere and still be verified by.
	key, err := didkey.GenerateEd25519()
	if err != nil {
		log.Fatal(err)
	}

	// The badge: the builder refuses an incomplete one, listing what is missing.
	cred, err := openbadges.NewAchievementCredential(openbadges.AchievementCredential{
		ID:        "urn:uuid:0f9e8d7c-6b5a-4432-8a10-fedcba987654",
		Name:      "Intro to Data Integrity",
		Issuer:    openbadges.Profile{ID: key.DID().String(), Name: "Example School"},
		ValidFrom: "2025-01-15T09:00:00Z",
		CredentialSubject: openbadges.AchievementSubject{
			ID: "did:example:learner-42",
			Achievement: &openbadges.Achievement{
				ID:          "https://school.example/achievements/di-101",
				Name:        "Intro to Data Integrity",
				Description: "Signs and verifies W3C Verifiable Credentials.",
				Criteria:    &openbadges.Criteria{Narrative: "Pass the final assessment."},
			},
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	// Issue: signs with eddsa-rdfc-2022 and returns the exact bytes.
	issuer, err := microcred.NewIssuer(key)
	if err != nil {
		log.Fatal(err)
	}
	signed, err := issuer.Issue(ctx, cred)
	if err != nil {
		log.Fatal(err)
	}

	// Verify offline: embedded contexts, did:key resolved locally.
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: []proof.Suite{suite}})
	if err != nil {
		log.Fatal(err)
	}
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := verifier.Verify(ctx, signed, policy)
	for _, c := range res.Checks {
		fmt.Printf("%-12s %s\n", c.Check, c.Outcome)
	}
	fmt.Println("verified:", err == nil)
}
