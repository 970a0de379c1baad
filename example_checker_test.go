package microcred_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

// exampleBadge issues a signed OB 3.0 badge by the school whose key has
// seed byte seed, aligned to the given framework items.
func exampleBadge(seed byte, at time.Time, alignments ...openbadges.Alignment) (signed []byte, issuerDID string) {
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		log.Fatal(err)
	}
	cred, err := openbadges.NewAchievementCredential(openbadges.AchievementCredential{
		ID: "urn:uuid:6a1f7c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b", Name: "Secure coding", ValidFrom: "2025-01-01T00:00:00Z",
		Issuer: openbadges.Profile{ID: key.DID().String(), Name: "Example School"},
		CredentialSubject: openbadges.AchievementSubject{ID: "did:example:learner", Achievement: &openbadges.Achievement{
			ID: "https://school.example/achievements/secure-coding", Name: "Secure coding",
			Description: "Writes code that resists common attacks.", Criteria: &openbadges.Criteria{Narrative: "Pass the final lab."},
			Alignment: alignments,
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	issuer, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return at }))
	if err != nil {
		log.Fatal(err)
	}
	if signed, err = issuer.Issue(context.Background(), cred); err != nil {
		log.Fatal(err)
	}
	return signed, key.DID().String()
}

// exampleVerifier is an offline verifier with one custom checker.
func exampleVerifier(at time.Time, name microcred.Check, c func(context.Context, *vc.Credential) error) *microcred.Verifier {
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: []proof.Suite{suite}},
		microcred.WithClock(func() time.Time { return at }), microcred.WithChecker(name, c))
	if err != nil {
		log.Fatal(err)
	}
	return v
}

// Accreditation is one registry entry: who accredited the issuer, and when.
type Accreditation struct {
	Body        string
	From, Until time.Time
}

// AccreditationRegistry is a checker (its Check method, for microcred.WithChecker): the credential's issuer must hold an
// accreditation that covers the credential's validFrom. A verifier loads
// the registry from wherever its accreditation body publishes it.
type AccreditationRegistry map[string]Accreditation

func (r AccreditationRegistry) Check(_ context.Context, c *vc.Credential) error {
	a, ok := r[c.Issuer().ID]
	if !ok {
		return fmt.Errorf("issuer %s is not in the accreditation registry", c.Issuer().ID)
	}
	from, ok, err := c.ValidFrom()
	if err != nil || !ok {
		return errors.New("credential has no validFrom to compare with the accreditation")
	}
	if from.Before(a.From) || !from.Before(a.Until) {
		return fmt.Errorf("issued %s, outside %s's accreditation (%s to %s)", from.Format(time.DateOnly), a.Body, a.From.Format(time.DateOnly), a.Until.Format(time.DateOnly))
	}
	return nil
}

// A verifier accepts badges only from schools an accreditation body lists,
// issued while their accreditation ran. Trust in the issuer's key (the
// policy) and trust in the school (the registry) are separate questions;
// this verifier trusts any key-holder and lets the registry decide.
func ExampleWithChecker_accreditationRegistry() {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	listed, school := exampleBadge(21, at)
	unlisted, _ := exampleBadge(22, at)
	registry := AccreditationRegistry{school: {
		Body: "Example Accreditation Board",
		From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
	}}
	v := exampleVerifier(at, "accreditation", registry.Check)
	policy, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe())
	if err != nil {
		log.Fatal(err)
	}
	for _, badge := range [][]byte{listed, unlisted} {
		res, err := v.Verify(context.Background(), badge, policy)
		c, _ := res.Check("accreditation")
		fmt.Println("accreditation:", c.Outcome, "verified:", err == nil)
	}
	// Output:
	// accreditation: passed verified: true
	// accreditation: failed verified: false
}

// SkillsFramework is a checker (its Check method, for microcred.WithChecker): every achievement in an Open Badge must
// align to at least one item of the framework (by targetUrl). Credentials
// that are not Open Badges are skipped, not failed.
type SkillsFramework struct {
	Name  string
	Items map[string]bool // targetUrl -> in the framework
}

func (f SkillsFramework) Check(_ context.Context, c *vc.Credential) error {
	a, err := openbadges.ParseAchievementCredential(c.Bytes())
	if err != nil || a.CredentialSubject.Achievement == nil {
		return fmt.Errorf("%w: not an Open Badge", microcred.ErrNotApplicable)
	}
	for _, al := range a.CredentialSubject.Achievement.Alignment {
		if f.Items[al.TargetURL] {
			return nil
		}
	}
	return fmt.Errorf("achievement %s aligns to nothing in %s", a.CredentialSubject.Achievement.ID, f.Name)
}

// An employer accepts badges only if the achievement aligns to its skills
// framework.
func ExampleWithChecker_skillsFramework() {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	framework := SkillsFramework{Name: "Example Secure Software Framework", Items: map[string]bool{
		"https://framework.example/skills/input-validation": true,
		"https://framework.example/skills/threat-modelling": true,
	}}
	aligned, school := exampleBadge(23, at, openbadges.Alignment{
		TargetName: "Input validation", TargetURL: "https://framework.example/skills/input-validation",
		TargetFramework: framework.Name, TargetType: "ceasn:Competency",
	})
	unaligned, _ := exampleBadge(23, at, openbadges.Alignment{
		TargetName: "Public speaking", TargetURL: "https://other.example/skills/public-speaking",
	})
	v := exampleVerifier(at, "skills-framework", framework.Check)
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(school))
	if err != nil {
		log.Fatal(err)
	}
	for _, badge := range [][]byte{aligned, unaligned} {
		res, err := v.Verify(context.Background(), badge, policy)
		c, _ := res.Check("skills-framework")
		fmt.Println("skills-framework:", c.Outcome, "verified:", err == nil)
	}
	// Output:
	// skills-framework: passed verified: true
	// skills-framework: failed verified: false
}
