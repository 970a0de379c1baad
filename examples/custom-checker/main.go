// Command custom-checker shows a verifier's own rule: an employer accepts
// a badge only if its achievement aligns to a skill in the employer's
// framework. The rule is a checker (microcred.WithChecker), run after the built-in
// checks and reported under its own name.
//
//	go run ./examples/custom-checker
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
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

// framework is the employer's skills framework (targetUrl -> skill).
var framework = map[string]string{
	"https://framework.example/skills/input-validation": "Input validation",
	"https://framework.example/skills/threat-modelling": "Threat modelling",
}

// alignsToFramework passes when the achievement aligns to a framework
// skill, fails when it does not, and skips credentials that are not badges.
func alignsToFramework(_ context.Context, c *vc.Credential) error {
	a, err := openbadges.ParseAchievementCredential(c.Bytes())
	if err != nil || a.CredentialSubject.Achievement == nil {
		return fmt.Errorf("%w: not an Open Badge", microcred.ErrNotApplicable)
	}
	for _, al := range a.CredentialSubject.Achievement.Alignment {
		if _, ok := framework[al.TargetURL]; ok {
			return nil
		}
	}
	return fmt.Errorf("%q aligns to no skill of the framework", a.CredentialSubject.Achievement.Name)
}

func badge(ctx context.Context, issuer *microcred.Issuer, school, name string, align openbadges.Alignment) []byte {
	cred, err := openbadges.NewAchievementCredential(openbadges.AchievementCredential{
		ID:   "urn:uuid:" + map[string]string{"secure-coding": "11111111-2222-4333-8444-555555555555", "public-speaking": "66666666-7777-4888-9999-000000000000"}[name],
		Name: name, Issuer: openbadges.Profile{ID: school, Name: "Example School"}, ValidFrom: "2025-01-15T09:00:00Z",
		CredentialSubject: openbadges.AchievementSubject{ID: "did:example:learner-42", Achievement: &openbadges.Achievement{
			ID: "https://school.example/achievements/" + name, Name: name, Description: name + " course.",
			Criteria: &openbadges.Criteria{Narrative: "Pass the lab."}, Alignment: []openbadges.Alignment{align},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	signed, err := issuer.Issue(ctx, cred)
	if err != nil {
		log.Fatal(err)
	}
	return signed
}

func main() {
	ctx := context.Background()
	key, err := didkey.GenerateEd25519()
	if err != nil {
		log.Fatal(err)
	}
	issuer, err := microcred.NewIssuer(key)
	if err != nil {
		log.Fatal(err)
	}
	school := key.DID().String()
	secure := badge(ctx, issuer, school, "secure-coding", openbadges.Alignment{TargetName: "Input validation", TargetURL: "https://framework.example/skills/input-validation"})
	speaking := badge(ctx, issuer, school, "public-speaking", openbadges.Alignment{TargetName: "Public speaking", TargetURL: "https://other.example/skills/speaking"})

	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: []proof.Suite{suite}},
		microcred.WithChecker("skills-framework", alignsToFramework))
	if err != nil {
		log.Fatal(err)
	}
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(school))
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range []struct {
		name string
		data []byte
	}{{"secure-coding", secure}, {"public-speaking", speaking}} {
		res, err := verifier.Verify(ctx, b.data, policy)
		c, _ := res.Check("skills-framework")
		line := fmt.Sprintf("%-16s skills-framework %s, verified: %v", b.name, c.Outcome, err == nil)
		if c.Err != nil {
			line += " (" + c.Err.Error() + ")"
		}
		fmt.Println(line)
	}
}
