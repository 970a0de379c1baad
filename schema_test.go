package microcred_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
	"github.com/onchaincert/microcred/vc/template"
)

// The OB 3.0 schema URLs that credentials cite in credentialSchema (the
// vc/openbadges package doc states them).
const (
	obAchievementSchema = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	obEndorsementSchema = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)

// unsignedCredentials are the OB 3.0 AchievementCredentials this module
// ships for issuing: the CLI's demo template, the batch templates (filled
// with a row), and the test credentials, each with issuer as its issuer.
func unsignedCredentials(t *testing.T, issuer string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	demo, err := os.ReadFile("cmd/microcred/demo-credential.json")
	require.NoError(t, err)
	out["demo"] = []byte(strings.NewReplacer(
		"CREDENTIAL-ID", "1b4f7d0c-2f3e-4c55-9a4e-6f0e7a1c9e11",
		"ISSUER-DID", issuer,
		"VALID-FROM", "2025-03-01T12:00:00Z",
		"VALID-UNTIL", "2028-03-01T12:00:00Z",
	).Replace(string(demo)))
	for _, path := range []string{"vc/template/testdata/template.json", "examples/bulk-issue-csv/data/template.json"} {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		data, err = vc.SetIssuer(data, issuer)
		require.NoError(t, err)
		tpl, err := template.Parse(data)
		require.NoError(t, err, path)
		cred, err := tpl.Fill(template.Row{Line: 2, Values: map[string]string{
			"email": "ada@example.org", "course": "Intro to Data Integrity", "course_id": "di-101", "score": "92",
		}})
		require.NoError(t, err, path)
		out[path] = cred
	}
	// (testdata/ob3/large-credential.json is not one: its embedded
	// endorsements have no @context and no proof, as a canonicalization
	// benchmark needs no more.)
	for _, path := range []string{"testdata/ob3/achievement-credential.json", "testdata/vectors/ob3/ldp-test-vector-ob/credential.json"} {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		data, err = vc.SetIssuer(data, issuer)
		require.NoError(t, err)
		out[filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path)] = data
	}
	return out
}

// What microcred signs from a valid OB 3.0 credential passes the 1EdTech
// AchievementCredential schema, with every suite and as a JWT payload.
// (Before: every signed credential failed it, "/proof: got object, want
// array", since an embedded proof is one object.)
func TestSignedCredentialsPassTheSchema(t *testing.T) {
	ctx := context.Background()
	ed := testKey(t, 7)
	p256, err := didkey.NewFromSeed(didkey.P256, bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	rdfc, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	ecRDFC, err := ecdsa2019.NewRDFC(contexts.Default())
	require.NoError(t, err)
	sd, err := ecdsasd2023.New(contexts.Default())
	require.NoError(t, err)
	ed2020, err := legacy.NewEd25519Signature2020(contexts.Default())
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		key   *didkey.Key
		suite proof.Suite
	}{
		{"eddsa-rdfc-2022", ed, rdfc},
		{"eddsa-jcs-2022", ed, eddsa2022.NewJCS()},
		{"ecdsa-rdfc-2019", p256, ecRDFC},
		{"ecdsa-jcs-2019", p256, ecdsa2019.NewJCS()},
		{"ecdsa-sd-2023", p256, sd},
		{"Ed25519Signature2020", ed, ed2020},
	} {
		issuer, err := microcred.NewIssuer(tc.key, microcred.WithSuite(tc.suite), microcred.WithClock(func() time.Time { return issuedAt }))
		require.NoError(t, err)
		for name, cred := range unsignedCredentials(t, tc.key.DID().String()) {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				require.NoError(t, openbadges.ValidateAchievementCredential(cred), "the unsigned credential is valid")
				if tc.suite == ed2020 {
					cred, err = legacy.AddContextFor(cred, legacy.TypeEd25519Signature2020)
					require.NoError(t, err)
				}
				signed, err := issuer.Issue(ctx, cred)
				require.NoError(t, err)
				assert.NoError(t, openbadges.ValidateAchievementCredential(signed), "what microcred signs passes the schema")
			})
		}
	}
	// A VC-JOSE-COSE payload is the credential itself.
	for name, cred := range unsignedCredentials(t, ed.DID().String()) {
		token, err := vcjwt.Sign(ctx, cred, ed, vcjwt.FormatJOSE)
		require.NoError(t, err, name)
		payload, _, err := vcjwt.UnsafeCredentialWithoutVerification(token)
		require.NoError(t, err)
		assert.NoError(t, openbadges.ValidateAchievementCredential(payload), name)
	}
}

// An OB 3.0 credential is checked against its type's 1EdTech schema even
// when it names none (before: Skipped, and the credential verified); the
// report names the schema and why; IgnoreTypeSchemaUnsafe turns only that
// off; other credentials, VCDM 1.1 ones and selectively disclosed ones
// are not checked against it.
func TestTypeSchemaByDefault(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	v := newVerifier(t, checkAt)
	policy := trust(t, key.DID().String())
	good := obCredential(t, key.DID().String())

	res, err := v.Verify(ctx, issue(t, key, good), policy)
	require.NoError(t, err)
	c, _ := res.Check(microcred.CheckSchema)
	assert.Equal(t, microcred.Passed, c.Outcome)
	assert.Equal(t, obAchievementSchema+" (type OpenBadgeCredential)", c.Detail)

	// The schema requires an achievement description; no credentialSchema.
	bad := bytes.Replace(good, []byte(`"description": "This badge recognizes the development of the capacity to collaborate within a group environment.",`), nil, 1)
	require.NotEqual(t, good, bad)
	signedBad := issue(t, key, bad)
	res, err = v.Verify(ctx, signedBad, policy)
	assert.ErrorIs(t, err, openbadges.ErrSchema)
	var se *openbadges.SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, obAchievementSchema, se.Schema)
	assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckSchema])
	assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckProof], "the signature is fine")

	lax, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()), microcred.IgnoreTypeSchemaUnsafe())
	require.NoError(t, err)
	res, err = v.Verify(ctx, signedBad, lax)
	require.NoError(t, err, "IgnoreTypeSchemaUnsafe: the type schema is not required")
	c, _ = res.Check(microcred.CheckSchema)
	assert.Equal(t, microcred.Skipped, c.Outcome)
	assert.ErrorIs(t, c.Err, microcred.ErrNotApplicable)

	// AchievementCredential is the other name of the type.
	ach := bytes.Replace(good, []byte(`"OpenBadgeCredential"`), []byte(`"AchievementCredential"`), 1)
	require.NotEqual(t, good, ach)
	res, err = v.Verify(ctx, issue(t, key, ach), policy)
	require.NoError(t, err)
	c, _ = res.Check(microcred.CheckSchema)
	assert.Equal(t, obAchievementSchema+" (type AchievementCredential)", c.Detail)

	// An EndorsementCredential gets the EndorsementCredential schema.
	endorsement, err := openbadges.NewEndorsementCredential(openbadges.EndorsementCredential{
		ID: "urn:uuid:e1", Name: "Accreditation of Teamwork", ValidFrom: "2025-01-01T00:00:00Z",
		Issuer:            openbadges.Profile{ID: key.DID().String(), Name: "Accreditation Body"},
		CredentialSubject: openbadges.EndorsementSubject{ID: "https://example.com/achievements/teamwork", EndorsementComment: "Meets the standard."},
	})
	require.NoError(t, err)
	res, err = v.Verify(ctx, issue(t, key, endorsement), policy)
	require.NoError(t, err)
	c, _ = res.Check(microcred.CheckSchema)
	assert.Equal(t, obEndorsementSchema+" (type EndorsementCredential)", c.Detail)

	// A credential that is not OB 3.0 (no OB context) gets none.
	plain := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"id":"urn:uuid:0b1e8b9a-1f27-4c3a-9f43-6b0b0a7f1e11","type":["VerifiableCredential","ExampleAlumniCredential"],"issuer":"` + key.DID().String() + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:abcdefgh","alumniOf":"The School of Examples"}}`)
	res, err = v.Verify(ctx, issue(t, key, plain), policy)
	require.NoError(t, err)
	c, _ = res.Check(microcred.CheckSchema)
	assert.Equal(t, microcred.Skipped, c.Outcome)
	assert.ErrorIs(t, c.Err, microcred.ErrNotApplicable)
}

// A credential that names its type's schema is checked against it once.
func TestTypeSchemaNamedOnce(t *testing.T) {
	s, err := openbadges.DefaultSchemas()
	require.NoError(t, err)
	key := testKey(t, 1)
	named := bytes.Replace(obCredential(t, key.DID().String()), []byte(`"validFrom"`),
		[]byte(`"credentialSchema": [{"id": "`+obAchievementSchema+`", "type": "1EdTechJsonSchemaValidator2019"}], "validFrom"`), 1)
	named = bytes.Replace(named, []byte(`"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"`),
		[]byte(`"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "`+contexts.OpenBadgesExtensions+`"`), 1)
	c, err := vc.ParseCredential(named)
	require.NoError(t, err)
	assert.Equal(t, []openbadges.SchemaUse{{URL: obAchievementSchema, Reason: "credentialSchema"}}, s.For(c))
	// Its -jsonschema1.json id is the same schema.
	id := strings.Replace(obAchievementSchema, "_schema.json", "-jsonschema1.json", 1)
	c, err = vc.ParseCredential(bytes.Replace(named, []byte(obAchievementSchema), []byte(id), 1))
	require.NoError(t, err)
	assert.Equal(t, []openbadges.SchemaUse{{URL: id, Reason: "credentialSchema"}}, s.For(c))
}

// A selectively disclosed credential is not held to the type schema: the
// holder may withhold members it requires (sd-valid.json withholds the
// achievement's criteria and description).
func TestTypeSchemaNotForDerivedCredentials(t *testing.T) {
	data, err := os.ReadFile("testdata/hostile/sd-valid.json")
	require.NoError(t, err)
	res, err := hostileVerifier(t).Verify(context.Background(), data, hostilePolicy(t, "sd"))
	require.NoError(t, err)
	c, _ := res.Check(microcred.CheckSchema)
	assert.Equal(t, microcred.Skipped, c.Outcome)
	assert.ErrorIs(t, c.Err, microcred.ErrNotApplicable)
	assert.Contains(t, c.Err.Error(), "selectively disclosed")
	require.NotNil(t, res.Disclosure)
	assert.Error(t, openbadges.ValidateAchievementCredential(data), "the derived credential alone is outside the schema")
}
