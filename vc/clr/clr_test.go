package clr_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/clr"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

var at = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

const learner = "did:example:learner-7"

func micro(t *testing.T, issuer string, id, name string) []byte {
	t.Helper()
	data, err := openbadges.NewAchievementCredential(openbadges.AchievementCredential{
		ID: "urn:uuid:" + id, Name: name, ValidFrom: "2025-01-01T00:00:00Z",
		Issuer: openbadges.Profile{ID: issuer, Name: "Example Institute"},
		CredentialSubject: openbadges.AchievementSubject{ID: learner, Achievement: &openbadges.Achievement{
			ID: "https://institute.example/achievements/" + id, Name: name, Description: name + " module",
			Criteria: &openbadges.Criteria{Narrative: "Pass the module."},
		}},
	})
	require.NoError(t, err)
	return data
}

func setup(t *testing.T) (*didkey.Key, *microcred.Issuer, *microcred.Verifier, microcred.Policy) {
	key, err := didkey.NewEd25519FromSeed([]byte("clr-test-seed-0123456789abcdef!!"))
	require.NoError(t, err)
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{suite}}, microcred.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	p, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	require.NoError(t, err)
	return key, iss, v, p
}

// Two signed micro-credentials stack into a certificate: the CLR is built,
// signed and verified, and so is each credential inside it.
func TestStackSignVerify(t *testing.T) {
	key, iss, v, policy := setup(t)
	ctx := context.Background()
	a, err := iss.Issue(ctx, micro(t, key.DID().String(), "m1", "Signatures"))
	require.NoError(t, err)
	b, err := iss.Issue(ctx, micro(t, key.DID().String(), "m2", "Canonicalization"))
	require.NoError(t, err)
	data, err := clr.NewClrCredential(clr.ClrCredential{
		ID: "urn:uuid:clr-1", Name: "Verifiable Credentials Certificate", ValidFrom: "2025-03-01T00:00:00Z",
		Issuer: openbadges.Profile{ID: key.DID().String(), Name: "Example Institute"},
		CredentialSubject: clr.ClrSubject{
			ID:                   learner,
			VerifiableCredential: []json.RawMessage{a, b},
			Achievement: openbadges.List[openbadges.Achievement]{{
				ID: "https://institute.example/achievements/vc-certificate", Name: "VC Certificate",
				Description: "Both modules.", Criteria: &openbadges.Criteria{Narrative: "Earn both module badges."},
			}},
			Association: openbadges.List[clr.Association]{
				{AssociationType: "isPartOf", SourceID: "https://institute.example/achievements/m1", TargetID: "https://institute.example/achievements/vc-certificate"},
				{AssociationType: "precedes", SourceID: "https://institute.example/achievements/m1", TargetID: "https://institute.example/achievements/m2"},
			},
		},
	})
	require.NoError(t, err)
	signed, err := iss.Issue(ctx, data)
	require.NoError(t, err)
	_, err = v.Verify(ctx, signed, policy)
	require.NoError(t, err)

	parsed, err := clr.ParseClrCredential(signed)
	require.NoError(t, err)
	require.Len(t, parsed.EmbeddedCredentials(), 2)
	for _, e := range parsed.EmbeddedCredentials() {
		_, err := v.Verify(ctx, e, policy)
		assert.NoError(t, err, "each embedded credential verifies on its own")
	}
}

func TestValidateRefusesBadRecords(t *testing.T) {
	key, iss, _, _ := setup(t)
	signed, err := iss.Issue(context.Background(), micro(t, key.DID().String(), "m1", "Signatures"))
	require.NoError(t, err)
	unsigned := micro(t, key.DID().String(), "m2", "Other")
	base := func() clr.ClrCredential {
		return clr.ClrCredential{
			ID: "urn:uuid:clr-2", Name: "Record", ValidFrom: "2025-03-01T00:00:00Z",
			Issuer:            openbadges.Profile{ID: key.DID().String()},
			CredentialSubject: clr.ClrSubject{ID: learner, VerifiableCredential: []json.RawMessage{signed}},
		}
	}
	for name, tc := range map[string]struct {
		edit func(c *clr.ClrCredential)
		want string
	}{
		"unsigned credential": {func(c *clr.ClrCredential) {
			c.CredentialSubject.VerifiableCredential = append(c.CredentialSubject.VerifiableCredential, unsigned)
		}, "not signed"},
		"another learner": {func(c *clr.ClrCredential) { c.CredentialSubject.ID = "did:example:someone-else" }, "not the record's learner"},
		"unknown association end": {func(c *clr.ClrCredential) {
			c.CredentialSubject.Association = openbadges.List[clr.Association]{{AssociationType: "isPartOf", SourceID: "https://institute.example/achievements/m1", TargetID: "urn:x:nowhere"}}
		}, "targetId"},
		"bad association type": {func(c *clr.ClrCredential) {
			c.CredentialSubject.Association = openbadges.List[clr.Association]{{AssociationType: "isFriendOf", SourceID: "https://institute.example/achievements/m1", TargetID: "https://institute.example/achievements/m1"}}
		}, "associationType"},
		"empty record": {func(c *clr.ClrCredential) { c.CredentialSubject.VerifiableCredential = nil }, "verifiableCredential"},
		"no name":      {func(c *clr.ClrCredential) { c.Name = "" }, "/name"},
	} {
		t.Run(name, func(t *testing.T) {
			c := base()
			tc.edit(&c)
			_, err := clr.NewClrCredential(c)
			require.Error(t, err)
			assert.True(t, errors.Is(err, clr.ErrInvalid))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// The CLR 2.0 specification's signing walk-through credential reads and
// validates (its proof is checked step by step in proof/eddsa2022).
func TestWalkThroughCredential(t *testing.T) {
	data, err := os.ReadFile("../../testdata/vectors/ob3/ldp-test-vector-clr/signed-credential.json")
	require.NoError(t, err)
	c, err := clr.ParseClrCredential(data)
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	assert.NotEmpty(t, c.CredentialSubject.Association)
	assert.NotEmpty(t, c.EmbeddedCredentials())
}

func FuzzParseClrCredential(f *testing.F) {
	data, err := os.ReadFile("../../testdata/vectors/ob3/ldp-test-vector-clr/signed-credential.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := clr.ParseClrCredential(data)
		if err != nil {
			if c != nil {
				t.Fatal("credential returned with error")
			}
			return
		}
		_ = c.Validate()
	})
}

// AssociationTypes returns a copy: overwriting it neither admits a new type
// nor removes one, which an exported slice variable could not promise.
func TestAssociationTypesIsACopy(t *testing.T) {
	key, iss, _, _ := setup(t)
	signed, err := iss.Issue(context.Background(), micro(t, key.DID().String(), "m1", "Signatures"))
	require.NoError(t, err)
	signed2, err := iss.Issue(context.Background(), micro(t, key.DID().String(), "m2", "Hashes"))
	require.NoError(t, err)
	withType := func(typ string) error {
		_, err := clr.NewClrCredential(clr.ClrCredential{
			ID: "urn:uuid:clr-3", Name: "Record", ValidFrom: "2025-03-01T00:00:00Z",
			Issuer: openbadges.Profile{ID: key.DID().String()},
			CredentialSubject: clr.ClrSubject{ID: learner, VerifiableCredential: []json.RawMessage{signed, signed2},
				Association: openbadges.List[clr.Association]{{AssociationType: typ,
					SourceID: "https://institute.example/achievements/m1", TargetID: "https://institute.example/achievements/m2"}}},
		})
		return err
	}
	types := clr.AssociationTypes()
	require.Len(t, types, 8)
	assert.Contains(t, types, "isPartOf")
	for i := range types {
		types[i] = "isFriendOf"
	}
	assert.Contains(t, clr.AssociationTypes(), "isPartOf", "a fresh copy each call")
	assert.NoError(t, withType("isPartOf"))
	err = withType("isFriendOf")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "associationType")
}
