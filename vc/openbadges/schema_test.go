package openbadges_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

// The spec examples INDEX.tsv ties to the AchievementCredential or
// EndorsementCredential schema validate against it, except four that are
// wrong in the spec itself: the two incomplete ones (see
// TestSpecExamplesValidate), and the two "recommended practices" examples
// that write single types as strings and the issuer as a bare URL, where
// the schema requires arrays and a Profile object.
func TestSpecExamplesAgainstSchemas(t *testing.T) {
	s, err := openbadges.DefaultSchemas()
	require.NoError(t, err)
	schemaFor := map[string]string{
		"org.1edtech.ob.v3p0.achievementcredential.class": openbadges.SchemaAchievementCredential,
		"org.1edtech.ob.v3p0.endorsementcredential.class": openbadges.SchemaEndorsementCredential,
	}
	incomplete := map[string]bool{
		"examples--02.json": true, "readme--01-sample-assertion-credential.json": true,
		"impl_recommended-practices--01-achievement-alignment-case.json":          true,
		"impl_recommended-practices--02-skill-assertion-credential-registry.json": true,
	}
	n := 0
	for _, e := range examples(t) {
		url, ok := schemaFor[e.schema]
		if !ok {
			continue
		}
		n++
		t.Run(e.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/spec-examples", e.file))
			require.NoError(t, err)
			err = s.Validate(url, data)
			if incomplete[e.file] {
				var se *openbadges.SchemaError
				require.True(t, errors.As(err, &se), "%v", err)
				assert.NotEmpty(t, se.Violations)
				return
			}
			assert.NoError(t, err)
		})
	}
	assert.Equal(t, 16, n)
}

func TestBuilderOutputValidates(t *testing.T) {
	data, err := openbadges.NewAchievementCredential(badge("did:example:issuer"))
	require.NoError(t, err)
	require.NoError(t, openbadges.ValidateAchievementCredential(data))
}

func TestSchemaViolationsNamed(t *testing.T) {
	err := openbadges.ValidateAchievementCredential([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`))
	var se *openbadges.SchemaError
	require.True(t, errors.As(err, &se), "%v", err)
	assert.ErrorIs(t, err, openbadges.ErrSchema)
	assert.NotEmpty(t, se.Violations)
}

func TestCheckCredentialSchemas(t *testing.T) {
	s, err := openbadges.DefaultSchemas()
	require.NoError(t, err)
	files, err := filepath.Glob("../../testdata/vectors/dcc/*withSchema*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		n, err := s.CheckCredentialSchemas(data)
		assert.NoError(t, err, f)
		assert.Equal(t, 1, n, f)
	}
	_, err = s.CheckCredentialSchemas([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{"id":"did:example:s"},"credentialSchema":{"id":"https://schemas.example/x.json","type":"1EdTechJsonSchemaValidator2019"}}`))
	assert.ErrorIs(t, err, openbadges.ErrUnknownSchema)
}

// The DCC fixture named badSchema cites no schema, and does not conform to
// the OB 3.0 AchievementCredential schema when checked against it.
func TestBadSchemaFixture(t *testing.T) {
	s, err := openbadges.DefaultSchemas()
	require.NoError(t, err)
	data, err := os.ReadFile("../../testdata/vectors/dcc/v2_dataIntegrityProof_didKey_twoOIDF-revoked-notExpired-badSchema.json")
	require.NoError(t, err)
	n, err := s.CheckCredentialSchemas(data)
	require.NoError(t, err)
	assert.Zero(t, n)
	err = openbadges.ValidateAchievementCredential(data)
	require.ErrorIs(t, err, openbadges.ErrSchema)
	assert.Contains(t, err.Error(), "missing property 'validFrom'")
}

// A credential using the OB 3.0 accessibility extension: its context is
// opt-in (contexts.WithOpenBadgesExtensions), and the extension's schema is
// checked when credentialSchema names it.
func TestAccessibilityExtension(t *testing.T) {
	b := badge("did:example:issuer")
	data, err := openbadges.NewAchievementCredential(b)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["@context"] = append(m["@context"].([]any), contexts.OpenBadgesExtensions, "https://openbadgespec.org/extensions/accessibilityExtension/context-3.0.0.json")
	ach := m["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	ach["accessibilityFeature"] = "captions"
	ach["accessibilityAPI"] = "ARIA"
	ach["url"] = "https://institute.example/course"
	m["credentialSchema"] = []any{map[string]any{"id": "https://openbadgespec.org/extensions/accessibilityExtension/schema_achievement_obv3p0.json", "type": "1EdTechJsonSchemaValidator2019"}}
	ext, err := json.Marshal(m)
	require.NoError(t, err)

	s, err := openbadges.DefaultSchemas()
	require.NoError(t, err)
	n, err := s.CheckCredentialSchemas(ext)
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	delete(ach, "accessibilityFeature")
	missing, err := json.Marshal(m)
	require.NoError(t, err)
	_, err = s.CheckCredentialSchemas(missing)
	assert.ErrorIs(t, err, openbadges.ErrSchema, "the extension schema requires accessibilityFeature")

	var doc map[string]any
	require.NoError(t, json.Unmarshal(ext, &doc))
	withExt, err := contexts.New(contexts.WithOpenBadgesExtensions())
	require.NoError(t, err)
	c, err := canon.NewRDFC(canon.Options{Loader: withExt})
	require.NoError(t, err)
	out, err := c.Canonicalize(doc)
	require.NoError(t, err)
	assert.Contains(t, string(out), "<https://schema.org/accessibilityAPI> \"ARIA\"")
	plain, err := canon.NewRDFC(canon.Options{Loader: contexts.Default()})
	require.NoError(t, err)
	_, err = plain.Canonicalize(doc)
	assert.ErrorIs(t, err, contexts.ErrUnknownContext, "extension contexts are opt-in")
}

// Every embedded schema file has the bytes SHA256SUMS pins (the sources
// are in schemas/README.md), and every file there is one that is embedded.
func TestSchemaFilesPinned(t *testing.T) {
	sums, err := os.ReadFile("schemas/SHA256SUMS")
	require.NoError(t, err)
	pinned := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		sum, file, ok := strings.Cut(line, "  ")
		require.True(t, ok, line)
		pinned[file] = sum
	}
	var files []string
	for _, pattern := range []string{"schemas/*.json", "schemas/extensions/*.json", "schemas/clr/*.json"} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.Len(t, files, len(pinned))
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		assert.Equal(t, pinned[strings.TrimPrefix(f, "schemas/")], hex.EncodeToString(sum[:]), f)
	}
}

// The CLR 2.0 schemas are embedded under the ids credentials cite, and
// 1EdTech's "any" ids validate a VCDM 2.0 credential as the VCDM 2.0
// schema does; a VCDM 1.1 one citing them is an unknown schema (that
// branch is not embedded).
func TestCLRAndAnySchemas(t *testing.T) {
	s, err := openbadges.DefaultSchemas()
	require.NoError(t, err)
	for _, id := range []string{openbadges.SchemaClrCredential, openbadges.SchemaClrAchievementCredential, openbadges.SchemaClrEndorsementCredential,
		"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_anyachievementcredential_schema.json",
		"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_anyendorsementcredential_schema.json",
		"https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_anyclrcredential_schema.json",
		"https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_anyendorsementcredential_schema.json"} {
		assert.True(t, s.Known(id), id)
	}
	assert.False(t, s.Known("https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_anyachievementcredential_schema.json"), "not a schema 1EdTech names")

	clr, err := os.ReadFile("../../testdata/vectors/1edtech-validator/clr20/simple.json")
	require.NoError(t, err)
	require.NoError(t, s.Validate(openbadges.SchemaClrCredential, clr))
	require.NoError(t, s.Validate("https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_anyclrcredential_schema.json", clr))
	var m map[string]any
	require.NoError(t, json.Unmarshal(clr, &m))
	delete(m, "credentialSubject")
	broken, err := json.Marshal(m)
	require.NoError(t, err)
	for _, id := range []string{openbadges.SchemaClrCredential, "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_anyclrcredential_schema.json"} {
		var se *openbadges.SchemaError
		require.ErrorAs(t, s.Validate(id, broken), &se, id)
		assert.Contains(t, se.Violations, "/: missing property 'credentialSubject'")
	}

	ob, err := os.ReadFile("../../testdata/vectors/1edtech-validator/ob30/simple.json")
	require.NoError(t, err)
	anyOB := "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_anyachievementcredential_schema.json"
	assert.Equal(t, s.Validate(openbadges.SchemaAchievementCredential, ob), s.Validate(anyOB, ob))
	v1, err := os.ReadFile("../../testdata/vectors/1edtech-validator/ob30/simple_v1.json")
	require.NoError(t, err)
	assert.ErrorIs(t, s.Validate(anyOB, v1), openbadges.ErrUnknownSchema)
	// The context is read from the document validated: anything but the
	// VCDM 2.0 context first is not the VCDM 2.0 branch.
	for _, doc := range []string{`{"@context":"https://www.w3.org/2018/credentials/v1"}`, `{"@context":[]}`, `{"@context":[{"@vocab":"https://www.w3.org/ns/credentials/v2"}]}`, `{}`, `[]`} {
		assert.ErrorIs(t, s.Validate(anyOB, []byte(doc)), openbadges.ErrUnknownSchema, doc)
	}
	var se *openbadges.SchemaError
	assert.ErrorAs(t, s.Validate(anyOB, []byte(`{"@context":"https://www.w3.org/ns/credentials/v2"}`)), &se, "a VCDM 2.0 document, validated (and refused) by the VCDM 2.0 schema")
}

// Schemas.For: an OB 3.0 VCDM 2.0 credential gets its type's schema; a
// VCDM 1.1 one (issuanceDate, which the schemas do not describe) and a
// credential without an OB 3.0 context get none.
func TestSchemasFor(t *testing.T) {
	s, err := openbadges.DefaultSchemas()
	require.NoError(t, err)
	for file, want := range map[string][]openbadges.SchemaUse{
		"../../testdata/ob3/achievement-credential.json":                                                           {{URL: openbadges.SchemaAchievementCredential, Reason: "type OpenBadgeCredential"}},
		"../../testdata/vectors/dcc/v1_dataIntegrityProof_didKey_legacy-noStatus-noExpiry.json":                    nil,
		"../../testdata/vectors/dcc/v2_bothSignatureTypes_didkey_legacy-noStatus-noExpiry-nonOBWithOBContext.json": nil,
	} {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		c, err := vc.ParseCredential(data)
		require.NoError(t, err, file)
		assert.Equal(t, want, s.For(c), file)
	}
}
