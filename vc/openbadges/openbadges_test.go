package openbadges_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
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

func badge(issuer string) openbadges.AchievementCredential {
	return openbadges.AchievementCredential{
		ID:        "urn:uuid:7f1c2d36-0d2e-4c8c-9b52-1c2d3e4f5a6b",
		Name:      "Data Integrity 101",
		Issuer:    openbadges.Profile{ID: issuer, Name: "Example Institute", URL: "https://institute.example/"},
		ValidFrom: "2025-01-15T09:00:00Z",
		CredentialSubject: openbadges.AchievementSubject{
			ID: "did:example:learner-1",
			Achievement: &openbadges.Achievement{
				ID:          "https://institute.example/achievements/di-101",
				Name:        "Data Integrity 101",
				Description: "Signing and verifying credentials.",
				Criteria:    &openbadges.Criteria{Narrative: "Pass the final assessment."},
				Alignment: openbadges.List[openbadges.Alignment]{{
					TargetName: "Digital signatures", TargetURL: "https://framework.example/skills/signatures", TargetType: "ceasn:Competency",
				}},
				ResultDescription: openbadges.List[openbadges.ResultDescription]{{
					ID: "https://institute.example/achievements/di-101/results/score", Name: "Final score", ResultType: "Percent",
				}},
			},
			Result: openbadges.List[openbadges.Result]{{ResultDescription: "https://institute.example/achievements/di-101/results/score", Value: "92"}},
		},
		Evidence: openbadges.List[openbadges.Evidence]{{ID: "https://institute.example/evidence/1", Name: "Final assessment"}},
	}
}

func TestBuilderFillsContextAndTypes(t *testing.T) {
	data, err := openbadges.NewAchievementCredential(badge("did:example:issuer"))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Equal(t, []any{contexts.CredentialsV2, contexts.OpenBadgesV3}, m["@context"])
	assert.Equal(t, []any{"VerifiableCredential", "OpenBadgeCredential"}, m["type"])
	subj := m["credentialSubject"].(map[string]any)
	assert.Equal(t, []any{"AchievementSubject"}, subj["type"])
	ach := subj["achievement"].(map[string]any)
	assert.Equal(t, []any{"Achievement"}, ach["type"])
	assert.Equal(t, []any{"Alignment"}, ach["alignment"].([]any)[0].(map[string]any)["type"])
	assert.Equal(t, []any{"Profile"}, m["issuer"].(map[string]any)["type"])
	back, err := openbadges.ParseAchievementCredential(data)
	require.NoError(t, err)
	assert.Equal(t, "Data Integrity 101", back.CredentialSubject.Achievement.Name)
	require.NoError(t, back.Validate())
}

func TestBuilderListsEveryMissingField(t *testing.T) {
	_, err := openbadges.NewAchievementCredential(openbadges.AchievementCredential{
		CredentialSubject: openbadges.AchievementSubject{Achievement: &openbadges.Achievement{
			Alignment: openbadges.List[openbadges.Alignment]{{}},
		}},
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, openbadges.ErrIncomplete)
	var mf *openbadges.MissingFieldsError
	require.True(t, errors.As(err, &mf))
	assert.ElementsMatch(t, []string{
		"/id", "/name", "/issuer/id", "/validFrom",
		"/credentialSubject/id or /credentialSubject/identifier",
		"/credentialSubject/achievement/id", "/credentialSubject/achievement/name",
		"/credentialSubject/achievement/description", "/credentialSubject/achievement/criteria",
		"/credentialSubject/achievement/alignment/0/targetName", "/credentialSubject/achievement/alignment/0/targetUrl",
	}, mf.Paths)
	for _, p := range mf.Paths {
		assert.Contains(t, err.Error(), p)
	}
}

func TestBuilderRejectsBadForms(t *testing.T) {
	b := badge("not a uri")
	b.ValidFrom = "yesterday"
	_, err := openbadges.NewAchievementCredential(b)
	var mf *openbadges.MissingFieldsError
	require.True(t, errors.As(err, &mf))
	assert.Len(t, mf.Invalid, 2)
}

func TestIdentityHash(t *testing.T) {
	// OB 3.0 identity hash: "sha256$" + hex(SHA-256(identity || salt)).
	h := openbadges.HashIdentity("learner@example.edu", "pepper")
	assert.True(t, strings.HasPrefix(h, "sha256$"))
	assert.Len(t, h, len("sha256$")+64)
	o := openbadges.IdentityObject{Hashed: true, IdentityHash: h, IdentityType: "emailAddress", Salt: "pepper"}
	assert.True(t, o.Matches("learner@example.edu"))
	assert.False(t, o.Matches("other@example.edu"))
	o.Salt = "salt"
	assert.False(t, o.Matches("learner@example.edu"), "the salt is part of the hash")
	plain := openbadges.IdentityObject{Hashed: false, IdentityHash: "learner@example.edu"}
	assert.True(t, plain.Matches("learner@example.edu"))
}

// The builder's output signs and verifies end to end.
func TestBuildSignVerify(t *testing.T) {
	key, err := didkey.NewEd25519FromSeed([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	data, err := openbadges.NewAchievementCredential(badge(key.DID().String()))
	require.NoError(t, err)
	at := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	signed, err := iss.Issue(context.Background(), data)
	require.NoError(t, err)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{suite}}, microcred.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), signed, policy)
	require.NoError(t, err)
}

type example struct{ file, typ, schema string }

func examples(t *testing.T) []example {
	f, err := os.Open("testdata/spec-examples/INDEX.tsv")
	require.NoError(t, err)
	defer f.Close()
	var out []example
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 5 || cols[0] == "file" || strings.HasPrefix(cols[0], "#") {
			continue
		}
		out = append(out, example{cols[0], cols[3], cols[4]})
	}
	return out
}

// describedTwice is the spec example whose refreshService has the
// credential's own id (http://1edtech.edu/credentials/3732): in the graph
// they are one node, so a holder could move validUntil from the credential
// into the refresh service object without touching the signature. Such
// credentials are refused (vc.ErrInvalidCredential, naming both places).
const describedTwice = "examples_fullOpenBadge--01-complete-openbadgecredential.json"

// The 34 examples of the OB 3.0 spec are JSON; the OpenBadgeCredentials
// read as AchievementCredentials (but describedTwice), the endorsement as
// an EndorsementCredential, the profiles as Profiles.
func TestSpecExamplesParse(t *testing.T) {
	ex := examples(t)
	require.Len(t, ex, 34)
	read := 0
	for _, e := range ex {
		t.Run(e.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/spec-examples", e.file))
			require.NoError(t, err)
			var v any
			require.NoError(t, json.Unmarshal(data, &v))
			switch {
			case e.file == describedTwice:
				_, err := openbadges.ParseAchievementCredential(data)
				var fe *vc.FieldError
				require.ErrorAs(t, err, &fe)
				assert.ErrorIs(t, err, vc.ErrInvalidCredential)
				assert.Contains(t, fe.Field, "refreshService")
				read++
			case strings.Contains(e.typ, "OpenBadgeCredential"):
				a, err := openbadges.ParseAchievementCredential(data)
				require.NoError(t, err)
				assert.NotEmpty(t, a.Issuer.ID)
				read++
			case strings.Contains(e.typ, "EndorsementCredential"):
				var en openbadges.EndorsementCredential
				require.NoError(t, json.Unmarshal(data, &en))
				assert.NotEmpty(t, en.CredentialSubject.ID)
				read++
			case e.typ == `"Profile"`:
				var p openbadges.Profile
				require.NoError(t, json.Unmarshal(data, &p))
				assert.NotEmpty(t, p.ID)
				read++
			}
		})
	}
	assert.Equal(t, 22, read)
}

// The examples tied to the AchievementCredential schema have every field
// OB 3.0 requires, except two that are errors in the spec: the README's
// "sample assertion" (readme--01) and its copy in the examples page
// (examples--02) have no name, and a credentialSubject with neither a type
// nor an achievement, which the AchievementCredential schema requires.
func TestSpecExamplesValidate(t *testing.T) {
	incomplete := map[string][]string{
		"examples--02.json":                           {"/name", "/credentialSubject/type (AchievementSubject)", "/credentialSubject/achievement"},
		"readme--01-sample-assertion-credential.json": {"/name", "/credentialSubject/type (AchievementSubject)", "/credentialSubject/achievement"},
	}
	checked := 0
	for _, e := range examples(t) {
		if e.schema != "org.1edtech.ob.v3p0.achievementcredential.class" {
			continue
		}
		checked++
		if e.file == describedTwice {
			continue // refused at parsing, see TestSpecExamplesParse
		}
		t.Run(e.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/spec-examples", e.file))
			require.NoError(t, err)
			a, err := openbadges.ParseAchievementCredential(data)
			require.NoError(t, err)
			err = a.Validate()
			if want, ok := incomplete[e.file]; ok {
				var mf *openbadges.MissingFieldsError
				require.True(t, errors.As(err, &mf), "%v", err)
				assert.Equal(t, want, mf.Paths)
				return
			}
			assert.NoError(t, err)
		})
	}
	assert.Equal(t, 15, checked)
}

func ExampleNewAchievementCredential() {
	data, err := openbadges.NewAchievementCredential(openbadges.AchievementCredential{
		ID:        "urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-1f4c7e2a9d10",
		Name:      "Teamwork",
		Issuer:    openbadges.Profile{ID: "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", Name: "Example Corp"},
		ValidFrom: "2025-01-15T09:00:00Z",
		CredentialSubject: openbadges.AchievementSubject{
			ID: "did:example:learner",
			Achievement: &openbadges.Achievement{
				ID:          "https://example.com/achievements/teamwork",
				Name:        "Teamwork",
				Description: "Collaborates within a group.",
				Criteria:    &openbadges.Criteria{Narrative: "Nominated by peers."},
			},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		log.Fatal(err)
	}
	fmt.Println(m["@context"])
	fmt.Println(m["type"])

	_, err = openbadges.NewAchievementCredential(openbadges.AchievementCredential{Name: "Incomplete"})
	fmt.Println(err)
	// Output:
	// [https://www.w3.org/ns/credentials/v2 https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json]
	// [VerifiableCredential OpenBadgeCredential]
	// openbadges: incomplete credential: missing /id, /issuer/id, /validFrom, /credentialSubject/id or /credentialSubject/identifier, /credentialSubject/achievement
}

// OB 3.0 credentials in VCDM 1.1 and 2.0 form, signed by another
// implementation, read as AchievementCredentials; the fixtures that are not
// OB 3.0 credentials (plain VCs, endorsements) are refused as such.
func TestReadDCCFixtures(t *testing.T) {
	files, err := filepath.Glob("../../testdata/vectors/dcc/*.json")
	require.NoError(t, err)
	require.Len(t, files, 61)
	notOB := map[string]bool{
		"v1_dataIntegrityProof_didKey_legacyRegistry-noStatus-noExpiry-oldDCCExample.json":    true,
		"v2_bothSignatureTypes_didkey_legacy-noStatus-noExpiry-nonOBWithOBContext.json":       true,
		"v2_bothSignatureTypes_didkey_legacy-noStatus-notExpired-endorsement-withSchema.json": true,
		"v2_bothSignatureTypes_didkey_legacy-noStatus-notExpired-endorsement.json":            true,
		"v2_dataIntegrityProof_didKey_legacyRegistry-noStatus-noExpiry-minimal.json":          true,
		// Status-list test credentials: plain VerifiableCredentials.
		"v2_ed25519_didKey_legacy-expiredStatus-noExpiry.json":     true,
		"v2_ed25519_didKey_legacy-missingTypeStatus-noExpiry.json": true,
		"v2_ed25519_didKey_legacy-notYetValidStatus-noExpiry.json": true,
		"v2_ed25519_didKey_legacy-tamperedStatus-noExpiry.json":    true,
	}
	v1, v2 := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		a, err := openbadges.ParseAchievementCredential(data)
		if notOB[filepath.Base(f)] {
			assert.ErrorIs(t, err, openbadges.ErrInvalid, f)
			continue
		}
		require.NoError(t, err, f)
		require.NotNil(t, a.CredentialSubject.Achievement, f)
		assert.NotEmpty(t, a.CredentialSubject.Achievement.Name, f)
		if a.IssuanceDate != "" {
			v1++
		} else {
			assert.NotEmpty(t, a.ValidFrom, f)
			v2++
		}
	}
	assert.Equal(t, 52, v1+v2)
	assert.Positive(t, v1, "VCDM 1.1 credentials read")
	assert.Positive(t, v2, "VCDM 2.0 credentials read")
}

func TestBuilderAddsExtensionsContextForSchemaValidator(t *testing.T) {
	b := badge("did:example:issuer")
	b.CredentialSchema = openbadges.List[openbadges.CredentialSchema]{{ID: openbadges.SchemaAchievementCredential, Type: openbadges.ValidatorType}}
	data, err := openbadges.NewAchievementCredential(b)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Contains(t, m["@context"], contexts.OpenBadgesExtensions)
	require.NoError(t, openbadges.ValidateAchievementCredential(data))
}
