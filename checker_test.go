package microcred_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

func TestCheckersAndRecipient(t *testing.T) {
	key := testKey(t, 1)
	ctx := context.Background()
	cred := obCredential(t, key.DID().String())
	// Identify the learner by a salted email hash instead of an id.
	hashed := openbadges.HashIdentity("ada@example.edu", "s4lt")
	cred = bytes.Replace(cred, []byte(`"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",`),
		[]byte(`"identifier": [{"type": "IdentityObject", "hashed": true, "identityHash": "`+hashed+`", "identityType": "emailAddress", "salt": "s4lt"}],`), 1)
	signed := issue(t, key, cred)

	ran := 0
	v := newVerifier(t, checkAt,
		microcred.WithChecker("name-known", (func(_ context.Context, c *vc.Credential) error {
			ran++
			if c.Name() == "" {
				return errors.New("no name")
			}
			return nil
		})),
		microcred.WithChecker("endorsed", (func(context.Context, *vc.Credential) error {
			return fmt.Errorf("%w: no endorsements to look at", microcred.ErrNotApplicable)
		})))
	p, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()), microcred.ExpectRecipient("ada@example.edu"))
	require.NoError(t, err)
	res, err := v.Verify(ctx, signed, p)
	require.NoError(t, err)
	assert.Equal(t, 1, ran)
	assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckRecipient])
	assert.Equal(t, microcred.Passed, outcomes(res)["name-known"])
	assert.Equal(t, microcred.Skipped, outcomes(res)["endorsed"])

	p, err = microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()), microcred.ExpectRecipient("eve@example.edu"))
	require.NoError(t, err)
	_, err = v.Verify(ctx, signed, p)
	assert.ErrorIs(t, err, microcred.ErrWrongRecipient)

	failing := newVerifier(t, checkAt, microcred.WithChecker("always-no", (func(context.Context, *vc.Credential) error {
		return errors.New("policy says no")
	})))
	res, err = failing.Verify(ctx, signed, trust(t, key.DID().String()))
	require.Error(t, err)
	assert.Equal(t, microcred.Failed, outcomes(res)["always-no"])

	for _, bad := range []microcred.Option{
		microcred.WithChecker("proof", (func(context.Context, *vc.Credential) error { return nil })),
		microcred.WithChecker("", nil),
	} {
		_, err := microcred.NewVerifier(microcred.Trusted{Resolver: did.ResolverFunc(nil), Suites: []proof.Suite{eddsa2022.NewJCS()}}, bad)
		assert.Error(t, err)
	}
}

// A verifier's own rule: only badges whose achievement comes from an
// accredited catalogue.
func ExampleWithChecker() {
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		log.Fatal(err)
	}
	cred, err := openbadges.NewAchievementCredential(openbadges.AchievementCredential{
		ID: "urn:uuid:0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", Name: "Teamwork", ValidFrom: "2025-01-01T00:00:00Z",
		Issuer: openbadges.Profile{ID: key.DID().String(), Name: "Example Corp"},
		CredentialSubject: openbadges.AchievementSubject{ID: "did:example:learner", Achievement: &openbadges.Achievement{
			ID: "https://catalogue.example/achievements/teamwork", Name: "Teamwork", Description: "Works in a team.",
			Criteria: &openbadges.Criteria{Narrative: "Peer nominated."},
		}},
	})
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

	accredited := (func(_ context.Context, c *vc.Credential) error {
		a, err := openbadges.ParseAchievementCredential(c.Bytes())
		if err != nil {
			return fmt.Errorf("%w: not an Open Badge", microcred.ErrNotApplicable)
		}
		if !strings.HasPrefix(a.CredentialSubject.Achievement.ID, "https://catalogue.example/") {
			return errors.New("achievement is not in the accredited catalogue")
		}
		return nil
	})
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: []proof.Suite{suite}},
		microcred.WithClock(func() time.Time { return at }), microcred.WithChecker("accredited", accredited))
	if err != nil {
		log.Fatal(err)
	}
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := v.Verify(ctx, signed, policy)
	c, _ := res.Check("accredited")
	fmt.Println("accredited:", c.Outcome, "verified:", err == nil)
	// Output:
	// accredited: passed verified: true
}
