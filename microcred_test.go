package microcred_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
	"github.com/onchaincert/microcred/vc/status"
)

var (
	issuedAt = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	checkAt  = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
)

// The OB 3.0 spec walk-through credential (validFrom 2010-01-01), issued
// by a deterministic did:key.
func obCredential(t testing.TB, issuer string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/vectors/ob3/ldp-test-vector-ob/credential.json")
	require.NoError(t, err)
	data, err = vc.SetIssuer(data, issuer)
	require.NoError(t, err)
	return data
}

func testKey(t testing.TB, seedByte byte) *didkey.Key {
	t.Helper()
	k, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{seedByte}, 32))
	require.NoError(t, err)
	return k
}

func newVerifier(t testing.TB, now time.Time, opts ...microcred.Option) *microcred.Verifier {
	t.Helper()
	rdfc, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	ed2020, err := legacy.NewEd25519Signature2020(contexts.Default())
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{rdfc, eddsa2022.NewJCS(), ed2020}},
		append(opts, microcred.WithClock(func() time.Time { return now }))...)
	require.NoError(t, err)
	return v
}

func issue(t testing.TB, key *didkey.Key, cred []byte, opts ...microcred.Option) []byte {
	t.Helper()
	opts = append(opts, microcred.WithClock(func() time.Time { return issuedAt }))
	iss, err := microcred.NewIssuer(key, opts...)
	require.NoError(t, err)
	signed, err := iss.Issue(context.Background(), cred)
	require.NoError(t, err)
	return signed
}

func trust(t testing.TB, ids ...string) microcred.Policy {
	t.Helper()
	p, err := microcred.NewPolicy(microcred.TrustIssuers(ids...))
	require.NoError(t, err)
	return p
}

func outcomes(res *microcred.Result) map[microcred.Check]microcred.Outcome {
	m := map[microcred.Check]microcred.Outcome{}
	for _, c := range res.Checks {
		m[c.Check] = c.Outcome
	}
	return m
}

func TestIssueAndVerify(t *testing.T) {
	key := testKey(t, 1)
	for _, suite := range []proof.Suite{nil, eddsa2022.NewJCS()} {
		name := "default eddsa-rdfc-2022"
		var opts []microcred.Option
		if suite != nil {
			name = suite.Cryptosuite()
			opts = append(opts, microcred.WithSuite(suite))
		}
		t.Run(name, func(t *testing.T) {
			signed := issue(t, key, obCredential(t, key.DID().String()), opts...)
			res, err := newVerifier(t, checkAt).Verify(context.Background(), signed, trust(t, key.DID().String()))
			require.NoError(t, err)
			assert.True(t, res.Verified)
			require.NotNil(t, res.Credential)
			assert.Equal(t, key.DID().String(), res.Credential.Issuer().ID)
			assert.Equal(t, key.VerificationMethod(), res.VerificationMethod)
			assert.Equal(t, map[microcred.Check]microcred.Outcome{
				microcred.CheckParse: microcred.Passed, microcred.CheckSchema: microcred.Passed, microcred.CheckProof: microcred.Passed,
				microcred.CheckIssuer: microcred.Passed, microcred.CheckStatus: microcred.Skipped, microcred.CheckValidity: microcred.Passed,
				microcred.CheckEndorsements: microcred.Skipped,
			}, outcomes(res))
			c, _ := res.Check(microcred.CheckSchema)
			assert.Equal(t, obAchievementSchema+" (type OpenBadgeCredential)", c.Detail,
				"an OB 3.0 credential that names no schema is checked against its type's, and the report says which")
			assert.Equal(t, checkAt, res.At)
		})
	}
}

func TestVerifyFailures(t *testing.T) {
	key := testKey(t, 1)
	signed := issue(t, key, obCredential(t, key.DID().String()))
	v := newVerifier(t, checkAt)
	ctx := context.Background()

	t.Run("tampered claim", func(t *testing.T) {
		bad := bytes.Replace(signed, []byte("Teamwork Badge"), []byte("Teamwork Badgf"), 1)
		require.NotEqual(t, signed, bad, "the credential names the achievement")
		res, err := v.Verify(ctx, bad, trust(t, key.DID().String()))
		require.Error(t, err)
		assert.ErrorIs(t, err, proof.ErrInvalidSignature)
		var ve *microcred.VerificationError
		require.True(t, errors.As(err, &ve))
		assert.False(t, res.Verified)
		assert.Nil(t, res.Credential, "no credential unless verified")
		assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckProof])
		assert.Equal(t, microcred.Skipped, outcomes(res)[microcred.CheckValidity])
	})
	t.Run("untrusted issuer", func(t *testing.T) {
		_, err := v.Verify(ctx, signed, trust(t, testKey(t, 2).DID().String()))
		assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer)
	})
	t.Run("expired", func(t *testing.T) {
		withUntil := bytes.Replace(obCredential(t, key.DID().String()), []byte(`"validFrom"`), []byte(`"validUntil": "2025-04-01T00:00:00Z", "validFrom"`), 1)
		res, err := v.Verify(ctx, issue(t, key, withUntil), trust(t, key.DID().String()))
		assert.ErrorIs(t, err, vc.ErrExpired)
		assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckProof])
	})
	t.Run("not yet valid", func(t *testing.T) {
		_, err := newVerifier(t, time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC)).Verify(ctx, signed, trust(t, key.DID().String()))
		require.Error(t, err)
		// The proof was created in 2025, also in that clock's future.
		assert.ErrorIs(t, err, proof.ErrCreatedInFuture)
	})
	t.Run("signed by a key the issuer does not control", func(t *testing.T) {
		other := testKey(t, 3)
		suite, err := eddsa2022.NewRDFC(contexts.Default())
		require.NoError(t, err)
		forged, err := proof.Sign(ctx, obCredential(t, key.DID().String()), suite, other, proof.Options{Created: issuedAt})
		require.NoError(t, err)
		_, err = v.Verify(ctx, forged, trust(t, key.DID().String()))
		assert.ErrorIs(t, err, microcred.ErrIssuerMismatch)
		anyIssuer, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe())
		require.NoError(t, err)
		_, err = v.Verify(ctx, forged, anyIssuer)
		assert.ErrorIs(t, err, microcred.ErrIssuerMismatch, "any issuer is still bound to its key")
		// Only the loudly named opt-out accepts it, and says so.
		_, err = microcred.NewPolicy(microcred.TrustNoIssuer().UnboundKeyUnsafe())
		assert.ErrorContains(t, err, "UnboundKeyUnsafe needs AnyIssuerUnsafe")
		_, err = microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()).UnboundKeyUnsafe())
		assert.ErrorContains(t, err, "UnboundKeyUnsafe needs AnyIssuerUnsafe")
		unbound, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe().UnboundKeyUnsafe())
		require.NoError(t, err)
		res, err := v.Verify(ctx, forged, unbound)
		require.NoError(t, err)
		c, _ := res.Check(microcred.CheckIssuer)
		assert.Contains(t, c.Detail, "NOT the issuer's key")
		// A bad signature still fails under it.
		_, err = v.Verify(ctx, bytes.Replace(forged, []byte(`"Example`), []byte(`"Exampel`), 1), unbound)
		assert.Error(t, err)
	})
	t.Run("member added after signing is an undefined term", func(t *testing.T) {
		bad := bytes.Replace(signed, []byte(`"validFrom"`), []byte(`"favoriteColor": "blue", "validFrom"`), 1)
		_, err := v.Verify(ctx, bad, trust(t, key.DID().String()))
		require.Error(t, err)
		assert.ErrorIs(t, err, canon.ErrUndefinedTerm)
		assert.Contains(t, err.Error(), "favoriteColor")
	})
	t.Run("not JSON", func(t *testing.T) {
		res, err := v.Verify(ctx, []byte("\x89PNG\r\n"), trust(t, key.DID().String()))
		assert.ErrorIs(t, err, microcred.ErrUnsupportedFormat)
		assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckParse])
	})
	t.Run("zero policy", func(t *testing.T) {
		res, err := v.Verify(ctx, signed, microcred.Policy{})
		require.Error(t, err)
		assert.False(t, res.Verified)
	})
}

func TestIssueRefusals(t *testing.T) {
	key := testKey(t, 1)
	iss, err := microcred.NewIssuer(key)
	require.NoError(t, err)
	ctx := context.Background()

	_, err = iss.Issue(ctx, obCredential(t, testKey(t, 2).DID().String()))
	assert.ErrorIs(t, err, microcred.ErrIssuerMismatch, "the issuer must be the key's DID")

	undefined := bytes.Replace(obCredential(t, key.DID().String()), []byte(`"validFrom"`), []byte(`"shoeSize": 42, "validFrom"`), 1)
	_, err = iss.Issue(ctx, undefined)
	require.Error(t, err)
	assert.ErrorIs(t, err, canon.ErrUndefinedTerm)
	var ue *canon.UnsafeError
	require.True(t, errors.As(err, &ue))
	assert.Equal(t, "/shoeSize", ue.Pointer)
	assert.Contains(t, err.Error(), "shoeSize")

	// A learner-supplied value that lands in an IRI cannot add statements
	// of its own: an IRI N-Quads cannot carry is refused at issuance,
	// naming where it is (literals are escaped, so text fields are safe).
	var doc map[string]any
	require.NoError(t, json.Unmarshal(obCredential(t, key.DID().String()), &doc))
	subject := doc["credentialSubject"].(map[string]any)
	for _, id := range []string{
		"did:example:learner> <https://www.w3.org/2018/credentials#validUntil> \"2099-01-01T00:00:00Z\" .\n<did:example:x",
		"https://example.com/learners/jos\u00e9 mu\u00f1oz",
		"did:example:learner\u0000",
	} {
		subject["id"] = id
		data, err := json.Marshal(doc)
		require.NoError(t, err)
		_, err = iss.Issue(ctx, data)
		assert.ErrorIs(t, err, canon.ErrInvalidIRI, "%q", id)
		var ue *canon.UnsafeError
		if assert.True(t, errors.As(err, &ue)) {
			assert.Equal(t, "/credentialSubject/id", ue.Pointer)
		}
	}
	subject["id"] = "did:example:learner"
	subject["name"] = "Jos\u00e9 \"> <x> .\n"
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	fixed, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return issuedAt }))
	require.NoError(t, err)
	signed, err := fixed.Issue(ctx, data)
	require.NoError(t, err, "N-Quads syntax in a literal is escaped, not refused")
	res, err := newVerifier(t, checkAt).Verify(ctx, signed, trust(t, key.DID().String()))
	require.NoError(t, err)
	assert.True(t, res.Verified)
}

func TestConstructorsFailClosed(t *testing.T) {
	rdfc, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	_, err = microcred.NewVerifier(microcred.Trusted{Suites: []proof.Suite{rdfc}})
	assert.Error(t, err, "no resolver")
	_, err = microcred.NewVerifier(microcred.Trusted{Resolver: r})
	assert.Error(t, err, "no suites")
	_, err = microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{rdfc}}, microcred.WithClockSkew(-time.Second))
	assert.Error(t, err, "negative skew")
	_, err = microcred.NewPolicy(microcred.Trust{})
	assert.Error(t, err, "a policy must say whom to trust")
	_, err = microcred.NewIssuer(nil)
	assert.Error(t, err)
}

// TrustNoIssuer: the issuer check fails with ErrUntrustedIssuer (not a
// mismatch: the key is the issuer's), and every other check still runs.
func TestTrustNoIssuer(t *testing.T) {
	key := testKey(t, 1)
	signed := issue(t, key, obCredential(t, key.DID().String()))
	policy, err := microcred.NewPolicy(microcred.TrustNoIssuer())
	require.NoError(t, err)
	res, err := newVerifier(t, checkAt).Verify(context.Background(), signed, policy)
	assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer)
	assert.NotErrorIs(t, err, microcred.ErrIssuerMismatch)
	assert.False(t, res.Verified)
	assert.Nil(t, res.Credential)
	assert.Equal(t, key.DID().String(), res.Issuer)
	assert.Equal(t, map[microcred.Check]microcred.Outcome{
		microcred.CheckParse: microcred.Passed, microcred.CheckSchema: microcred.Passed, microcred.CheckProof: microcred.Passed,
		microcred.CheckIssuer: microcred.Failed, microcred.CheckStatus: microcred.Skipped, microcred.CheckValidity: microcred.Passed,
		microcred.CheckEndorsements: microcred.Skipped,
	}, outcomes(res))
}

func TestReportMarshalsOutcomeNames(t *testing.T) {
	data, err := json.Marshal(microcred.CheckResult{Check: "proof", Outcome: microcred.Passed})
	require.NoError(t, err)
	assert.Contains(t, string(data), `"passed"`)
	assert.Equal(t, "unknown", microcred.Outcome(0).String(), "the zero outcome is not success")
}

// A credential naming the OB 3.0 schema is checked against it: the
// builder's output passes; a credential missing what the schema requires
// fails the schema check even though its proof is fine.
func TestSchemaCheck(t *testing.T) {
	key := testKey(t, 1)
	good := bytes.Replace(obCredential(t, key.DID().String()), []byte(`"validFrom"`),
		[]byte(`"credentialSchema": [{"id": "`+obAchievementSchema+`", "type": "1EdTechJsonSchemaValidator2019"}], "validFrom"`), 1)
	// The 1EdTech validator type needs the OB extensions context.
	good = bytes.Replace(good, []byte(`"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"`),
		[]byte(`"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "`+contexts.OpenBadgesExtensions+`"`), 1)
	signed := issue(t, key, good)
	res, err := newVerifier(t, checkAt).Verify(context.Background(), signed, trust(t, key.DID().String()))
	require.NoError(t, err)
	assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckSchema])

	// The schema requires an achievement description.
	bad := bytes.Replace(good, []byte(`"description": "This badge recognizes the development of the capacity to collaborate within a group environment.",`), nil, 1)
	require.NotEqual(t, good, bad)
	res, err = newVerifier(t, checkAt).Verify(context.Background(), issue(t, key, bad), trust(t, key.DID().String()))
	assert.ErrorIs(t, err, openbadges.ErrSchema)
	assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckSchema])
	assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckProof])

	unknown := bytes.Replace(good, []byte(obAchievementSchema), []byte("https://schemas.example/other.json"), 1)
	_, err = newVerifier(t, checkAt).Verify(context.Background(), issue(t, key, unknown), trust(t, key.DID().String()))
	assert.ErrorIs(t, err, openbadges.ErrUnknownSchema)
}

// A JWT credential verifies through the same Verifier, with the same
// checks; a verifier that does not accept JWTs refuses it.
func TestVerifyJWT(t *testing.T) {
	key := testKey(t, 1)
	token, err := vcjwt.Sign(context.Background(), obCredential(t, key.DID().String()), key, vcjwt.FormatOB3)
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, AcceptJWT: true}, microcred.WithClock(func() time.Time { return checkAt }))
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), []byte(token), trust(t, key.DID().String()))
	require.NoError(t, err)
	assert.True(t, res.Verified)
	assert.Equal(t, key.VerificationMethod(), res.VerificationMethod)

	_, err = v.Verify(context.Background(), []byte(token), trust(t, testKey(t, 2).DID().String()))
	assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer)

	res, err = newVerifier(t, checkAt).Verify(context.Background(), []byte(token), trust(t, key.DID().String()))
	assert.ErrorIs(t, err, microcred.ErrUnsupportedFormat)
	assert.False(t, res.Verified)
}

// Issue fills a missing id, issuer and validFrom, and allocates a status
// entry; WithoutAutofill refuses instead.
func TestIssueAutofillAndStatus(t *testing.T) {
	key := testKey(t, 1)
	bare := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"id":"did:example:learner"}}`)
	alloc, err := status.NewMemoryAllocator("https://status.example/lists/7", status.MinBits)
	require.NoError(t, err)
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return issuedAt }), microcred.WithStatus(alloc, status.Revocation))
	require.NoError(t, err)
	var indexes []string
	for k := 0; k < 2; k++ {
		signed, err := iss.Issue(context.Background(), bare)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(signed, &m))
		assert.Equal(t, key.DID().String(), m["issuer"])
		assert.True(t, strings.HasPrefix(m["id"].(string), "urn:uuid:"))
		assert.Equal(t, "2025-03-01T12:00:00Z", m["validFrom"])
		st := m["credentialStatus"].(map[string]any)
		assert.Equal(t, "https://status.example/lists/7", st["statusListCredential"])
		indexes = append(indexes, st["statusListIndex"].(string))
	}
	assert.Equal(t, []string{"0", "1"}, indexes, "each credential gets its own index")

	strict, err := microcred.NewIssuer(key, microcred.WithoutAutofill())
	require.NoError(t, err)
	_, err = strict.Issue(context.Background(), bare)
	assert.ErrorIs(t, err, vc.ErrInvalidCredential)
}

// An OB 3.0 credential carrying a third party's signed endorsement of the
// achievement: the endorsement is verified with the credential; an edited
// endorsement fails the endorsements check.
func TestEndorsements(t *testing.T) {
	ctx := context.Background()
	school, endorser := testKey(t, 1), testKey(t, 5)
	endorsement, err := openbadges.NewEndorsementCredential(openbadges.EndorsementCredential{
		ID: "urn:uuid:e1", Name: "Accreditation of Teamwork", ValidFrom: "2025-01-01T00:00:00Z",
		Issuer:            openbadges.Profile{ID: endorser.DID().String(), Name: "Accreditation Body"},
		CredentialSubject: openbadges.EndorsementSubject{ID: "https://example.com/achievements/21st-century-skills/teamwork", EndorsementComment: "Meets the standard."},
	})
	require.NoError(t, err)
	signedEndorsement := issue(t, endorser, endorsement)
	with := func(e []byte) []byte {
		return bytes.Replace(obCredential(t, school.DID().String()), []byte(`"name": "Teamwork Badge",`), []byte(`"name": "Teamwork Badge", "endorsement": [`+string(e)+`],`), 1)
	}
	v := newVerifier(t, checkAt)
	res, err := v.Verify(ctx, issue(t, school, with(signedEndorsement)), trust(t, school.DID().String()))
	require.NoError(t, err)
	assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckEndorsements])

	forged := bytes.Replace(signedEndorsement, []byte("Meets the standard."), []byte("Exceeds the standard."), 1)
	res, err = v.Verify(ctx, issue(t, school, with(forged)), trust(t, school.DID().String()))
	assert.ErrorIs(t, err, proof.ErrInvalidSignature)
	assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckEndorsements])
	assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckProof], "the badge's own proof is fine")
}

// Baked badges verify like the credentials inside them, JSON or JWT, PNG or
// SVG; a baked credential that was edited does not.
func TestVerifyBakedBadges(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	signed := issue(t, key, obCredential(t, key.DID().String()))
	token, err := vcjwt.Sign(ctx, obCredential(t, key.DID().String()), key, vcjwt.FormatOB3)
	require.NoError(t, err)
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>`)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{suite}, AcceptJWT: true},
		microcred.WithClock(func() time.Time { return checkAt }))
	require.NoError(t, err)
	for _, payload := range [][]byte{signed, []byte(token)} {
		p, err := bake.BakePNG(buf.Bytes(), payload, bake.Options{})
		require.NoError(t, err)
		s, err := bake.BakeSVG(svg, payload, bake.Options{})
		require.NoError(t, err)
		for _, badge := range [][]byte{p, s} {
			res, err := v.Verify(ctx, badge, trust(t, key.DID().String()))
			require.NoError(t, err)
			c, _ := res.Check(microcred.CheckParse)
			assert.Contains(t, c.Detail, "baked in a")
		}
	}
	edited := bytes.Replace(signed, []byte("Teamwork Badge"), []byte("Teamwork Badgf"), 1)
	p, err := bake.BakePNG(buf.Bytes(), edited, bake.Options{})
	require.NoError(t, err)
	_, err = v.Verify(ctx, p, trust(t, key.DID().String()))
	assert.ErrorIs(t, err, proof.ErrInvalidSignature)
	_, err = v.Verify(ctx, buf.Bytes(), trust(t, key.DID().String()))
	assert.ErrorIs(t, err, bake.ErrNotBaked)
}

// In a proof set, the issuer binding rests on a verified proof made with a
// key the issuer controls, wherever it is in the set: a stranger's valid
// proof placed first neither makes a genuine credential fail nor counts
// for the issuer.
func TestProofSetIssuerBinding(t *testing.T) {
	ctx := context.Background()
	issuer, stranger := testKey(t, 1), testKey(t, 2)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	unsigned := obCredential(t, issuer.DID().String())
	opts := proof.Options{Created: issuedAt}
	strangerFirst, err := proof.Sign(ctx, unsigned, suite, stranger, opts)
	require.NoError(t, err)
	strangerFirst, err = proof.Sign(ctx, strangerFirst, suite, issuer, opts)
	require.NoError(t, err)
	v := newVerifier(t, checkAt)

	res, err := v.Verify(ctx, strangerFirst, trust(t, issuer.DID().String()))
	require.NoError(t, err, "the issuer's own proof, second in the set, binds the issuer")
	assert.Equal(t, issuer.VerificationMethod(), res.VerificationMethod)

	// The stranger's proof alone does not make the stranger the issuer,
	// nor does trusting the stranger help.
	onlyStranger, err := proof.Sign(ctx, unsigned, suite, stranger, opts)
	require.NoError(t, err)
	_, err = v.Verify(ctx, onlyStranger, trust(t, issuer.DID().String()))
	assert.ErrorIs(t, err, microcred.ErrIssuerMismatch)
	_, err = v.Verify(ctx, strangerFirst, trust(t, stranger.DID().String()))
	assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer, "the issuer is who the credential names, not who else signed")
}

// relatedResource digests of the credential's own contexts are checked
// against the pinned bytes the verifier processes them from: a credential
// that pins another version of a context than microcred holds fails.
func TestRelatedResourceContexts(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return issuedAt }))
	require.NoError(t, err)
	v2, err := contexts.Default().Document(contexts.CredentialsV2)
	require.NoError(t, err)
	sum := sha512.Sum384(v2)
	with := func(digest string) []byte {
		t.Helper()
		var doc map[string]any
		require.NoError(t, json.Unmarshal(obCredential(t, key.DID().String()), &doc))
		doc["relatedResource"] = []any{map[string]any{"id": contexts.CredentialsV2, "digestSRI": digest}}
		data, err := json.Marshal(doc)
		require.NoError(t, err)
		signed, err := iss.Issue(ctx, data)
		require.NoError(t, err)
		return signed
	}
	v := newVerifier(t, checkAt)
	_, err = v.Verify(ctx, with("sha384-"+base64.StdEncoding.EncodeToString(sum[:])), trust(t, key.DID().String()))
	assert.NoError(t, err, "the digest of the pinned VCDM 2.0 context")
	wrong := sum
	wrong[0] ^= 1
	wrongDigest := "sha384-" + base64.StdEncoding.EncodeToString(wrong[:])
	var doc map[string]any
	require.NoError(t, json.Unmarshal(obCredential(t, key.DID().String()), &doc))
	doc["relatedResource"] = []any{map[string]any{"id": contexts.CredentialsV2, "digestSRI": wrongDigest}}
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	_, err = iss.Issue(ctx, data)
	assert.ErrorIs(t, err, vc.ErrDigestMismatch, "the issuer refuses it too")

	// Signed by a less careful issuer, the verifier refuses it.
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	signed, err := proof.Sign(ctx, data, suite, key, proof.Options{Created: issuedAt})
	require.NoError(t, err)
	res, err := v.Verify(ctx, signed, trust(t, key.DID().String()))
	assert.ErrorIs(t, err, vc.ErrDigestMismatch)
	c, _ := res.Check(microcred.CheckParse)
	assert.Equal(t, microcred.Failed, c.Outcome)
}
