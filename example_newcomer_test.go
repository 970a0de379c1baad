package microcred_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

// A newcomer's whole program: build an Open Badges 3.0 credential with the
// builders, sign it, bake it into a PNG, and verify the baked badge
// offline, trusting its issuer. (The key comes from a seed so that the
// output is the same every time; a real issuer uses
// didkey.GenerateEd25519.) TestNewcomerExampleSize keeps this file, the
// whole program, within 40 lines of code and 6 microcred imports.
func Example_newcomer() {
	ctx := context.Background()
	key := must(didkey.NewEd25519FromSeed(bytes.Repeat([]byte{1}, 32)))
	cred := must(openbadges.NewAchievementCredential(openbadges.AchievementCredential{
		ID: "urn:uuid:4f6b2c1e-0d7a-4e59-9b8c-2a1d3e4f5a6b", Name: "Intro to SQL", ValidFrom: "2026-06-01T09:00:00Z",
		Issuer: openbadges.Profile{ID: key.DID().String(), Name: "Example College"},
		CredentialSubject: openbadges.AchievementSubject{ID: "did:example:learner-7",
			Achievement: &openbadges.Achievement{ID: "https://college.example/badges/sql", Name: "Intro to SQL",
				Description: "Queries, joins and aggregates.", Criteria: &openbadges.Criteria{Narrative: "Pass the final lab."}}},
	}))
	signed := must(must(microcred.NewIssuer(key)).Issue(ctx, cred))
	badge := must(bake.BakePNG(must(os.ReadFile("testdata/ob2/public_domain_heart.png")), signed, bake.Options{}))

	resolver := must(did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}}))
	suites := must(microcred.DefaultSuites(contexts.Default()))
	verifier := must(microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: suites}))
	policy := must(microcred.NewPolicy(microcred.TrustIssuers(key.DID().String())))
	res, err := verifier.Verify(ctx, badge, policy)
	fmt.Println("verified:", err == nil, "issuer:", res.Issuer)
	// Output:
	// verified: true issuer: did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX
}

// must stops the program on an error; a real program would handle it.
func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}
