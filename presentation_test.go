package microcred_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc/contexts"
)

// A learner presents two badges (one with an embedded proof, one as an
// enveloped JWT) to an employer who sent a challenge.
func TestPresentation(t *testing.T) {
	ctx := context.Background()
	school, learner := testKey(t, 1), testKey(t, 8)
	badge1 := issue(t, school, obCredential(t, school.DID().String()))
	jwt, err := vcjwt.Sign(ctx, obCredential(t, school.DID().String()), school, vcjwt.FormatJOSE)
	require.NoError(t, err)
	vp := map[string]any{
		"@context": []any{contexts.CredentialsV2},
		"type":     []any{"VerifiablePresentation"},
		"holder":   learner.DID().String(),
		"verifiableCredential": []any{
			json.RawMessage(badge1),
			map[string]any{"@context": contexts.CredentialsV2, "id": "data:application/vc+jwt," + jwt, "type": "EnvelopedVerifiableCredential"},
		},
	}
	data, err := json.Marshal(vp)
	require.NoError(t, err)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	holder := holderOf(t, learner, suite)
	signed, err := holder.SignPresentation(ctx, data, microcred.PresentationOptions{Challenge: "c-42", Domain: "employer.example"})
	require.NoError(t, err)

	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{suite}, AcceptJWT: true},
		microcred.WithClock(func() time.Time { return checkAt }))
	require.NoError(t, err)
	policy := trust(t, school.DID().String())
	opts := microcred.PresentationOptions{Challenge: "c-42", Domain: "employer.example"}

	res, err := v.VerifyPresentation(ctx, signed, policy, opts)
	require.NoError(t, err)
	assert.True(t, res.Verified)
	assert.Equal(t, learner.DID().String(), res.Holder)
	require.Len(t, res.Credentials, 2)
	for _, c := range res.Credentials {
		assert.True(t, c.Verified)
	}

	_, err = v.VerifyPresentation(ctx, signed, policy, microcred.PresentationOptions{Challenge: "c-43", Domain: "employer.example"})
	assert.ErrorIs(t, err, proof.ErrChallengeMismatch, "a replayed presentation")
	_, err = v.VerifyPresentation(ctx, signed, policy, microcred.PresentationOptions{Challenge: "c-42", Domain: "evil.example"})
	assert.ErrorIs(t, err, proof.ErrDomainMismatch)
	_, err = v.VerifyPresentation(ctx, signed, policy, microcred.PresentationOptions{})
	assert.Error(t, err, "the verifier must send a challenge")
	_, err = v.VerifyPresentation(ctx, signed, trust(t, testKey(t, 2).DID().String()), opts)
	assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer, "the embedded credentials are checked under the policy")

	// Someone else signs the learner's presentation.
	other := testKey(t, 9)
	forged, err := proof.Sign(ctx, data, suite, other, proof.Options{Purpose: proof.Authentication, Challenge: "c-42", Domain: "employer.example", Created: issuedAt})
	require.NoError(t, err)
	_, err = v.VerifyPresentation(ctx, forged, policy, opts)
	assert.ErrorIs(t, err, microcred.ErrHolderMismatch)
	_, err = holderOf(t, other, suite).SignPresentation(ctx, data, microcred.PresentationOptions{Challenge: "c-42"})
	assert.ErrorIs(t, err, microcred.ErrHolderMismatch)

	// An edited embedded credential breaks the presentation's own proof.
	edited := bytes.Replace(signed, []byte("Teamwork Badge"), []byte("Teamwork Badgf"), 1)
	_, err = v.VerifyPresentation(ctx, edited, policy, opts)
	assert.ErrorIs(t, err, proof.ErrInvalidSignature)
}

// holderOf is the holder's side: an Issuer over the holder's key, its
// clock at issuedAt.
func holderOf(t *testing.T, key proof.Signer, suite proof.Suite) *microcred.Issuer {
	t.Helper()
	h, err := microcred.NewIssuer(key, microcred.WithSuite(suite), microcred.WithClock(func() time.Time { return issuedAt }))
	require.NoError(t, err)
	return h
}

// TestSignPresentationOptions: a missing challenge is refused with an
// error naming it, and so is an Issuer that makes JWTs; otherwise the
// proof carries the challenge and domain given, and Domain may be left out.
func TestSignPresentationOptions(t *testing.T) {
	ctx := context.Background()
	learner := testKey(t, 8)
	data := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"` + learner.DID().String() + `"}`)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	holder := holderOf(t, learner, suite)
	signed, err := holder.SignPresentation(ctx, data, microcred.PresentationOptions{Domain: "employer.example"})
	assert.ErrorContains(t, err, "microcred: presentation signing: Challenge: missing")
	assert.Nil(t, signed)
	jwtHolder, err := microcred.NewIssuer(learner, microcred.WithJWT(vcjwt.FormatJOSE))
	require.NoError(t, err)
	signed, err = jwtHolder.SignPresentation(ctx, data, microcred.PresentationOptions{Challenge: "c-42"})
	assert.ErrorContains(t, err, "WithJWT")
	assert.Nil(t, signed)
	for name, o := range map[string]microcred.PresentationOptions{
		"with domain": {Challenge: "c-42", Domain: "employer.example"},
		"no domain":   {Challenge: "c-42"},
	} {
		signed, err := holder.SignPresentation(ctx, data, o)
		require.NoError(t, err, name)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(signed, &doc), name)
		proofs, err := proof.ParseProofs(doc)
		require.NoError(t, err, name)
		require.Len(t, proofs, 1, name)
		assert.Equal(t, o.Challenge, proofs[0].Challenge, name)
		assert.Equal(t, o.Domain, proofs[0].Domain, name)
		assert.Equal(t, issuedAt.UTC().Format(time.RFC3339), proofs[0].Created, name)
	}
}
