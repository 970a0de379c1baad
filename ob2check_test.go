package microcred_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/ob2/ob2test"
	"github.com/onchaincert/microcred/vc/status"
)

// ob2Policy trusts the issuers of the OB 2.0 cases and expects the
// case's recipient, if any.
func ob2Policy(t testing.TB, v *ob2test.Vector) microcred.Policy {
	var opts []microcred.PolicyOption
	if v.Recipient != "" {
		opts = append(opts, microcred.ExpectRecipient(v.Recipient))
	}
	p, err := microcred.NewPolicy(microcred.TrustIssuers("https://example.org/organization.json", "http://example.com/issuer"), opts...)
	require.NoError(t, err)
	return p
}

// firstFailedCheck names the first failed check of a report, or "".
func firstFailedCheck(res *microcred.Result) microcred.Check {
	for _, c := range res.Checks {
		if c.Outcome == microcred.Failed {
			return c.Check
		}
	}
	return ""
}

// TestVerifyOB2Vectors: the root Verifier gives every OB 2.0 case of
// openbadges-validator-core its verdict, failing the matching check, in
// the same report as an OB 3.0 credential (baked images included).
func TestVerifyOB2Vectors(t *testing.T) {
	for _, v := range ob2test.Load(t, "testdata/ob2") {
		t.Run(v.Name, func(t *testing.T) {
			ver := newVerifier(t, v.Clock(t), microcred.WithOB2Documents(v.Documents(t)))
			res, err := ver.Verify(context.Background(), v.Input(t), ob2Policy(t, &v))
			require.NotNil(t, res)
			names := []microcred.Check{}
			for _, c := range res.Checks {
				names = append(names, c.Check)
			}
			want := []microcred.Check{microcred.CheckParse, microcred.CheckSchema, microcred.CheckProof, microcred.CheckIssuer, microcred.CheckStatus, microcred.CheckValidity}
			if v.Recipient != "" && (v.Valid() || microcred.Check(v.FailingStep()) != microcred.CheckParse && microcred.Check(v.FailingStep()) != microcred.CheckProof) {
				want = append(want, microcred.CheckRecipient)
			}
			if v.Valid() || microcred.Check(v.FailingStep()) != microcred.CheckParse {
				// (An input refused at parse as not OB 2.0 at all, an OB
				// 1.x assertion, gets the OB 3.0 pipeline's report.)
				assert.Equal(t, want, names, "the checks of an OB 3.0 report, in order")
			}
			if v.Valid() {
				require.NoError(t, err, "%s (%s)", v.Name, v.Source)
				assert.True(t, res.Verified)
				require.NotNil(t, res.OB2)
				assert.Nil(t, res.Credential)
				assert.Equal(t, res.OB2.Issuer.ID, res.Issuer)
				return
			}
			require.Error(t, err, "%s (%s)", v.Name, v.Source)
			assert.False(t, res.Verified)
			assert.Nil(t, res.OB2)
			assert.Equal(t, microcred.Check(v.FailingStep()), firstFailedCheck(res), "%v", err)
		})
	}
}

// TestVerifyOB2Hostile: the four attacks of issue 19 fail with the
// errors a caller branches on.
func TestVerifyOB2Hostile(t *testing.T) {
	for name, want := range map[string]error{
		"hosted-origin-mismatch":        ob2.ErrHostedMismatch,
		"hosted-id-not-its-url":         ob2.ErrHostedMismatch,
		"signed-key-owner-mismatch":     microcred.ErrIssuerMismatch,
		"recipient-wrong-salt":          microcred.ErrWrongRecipient,
		"signed-revoked-by-id":          status.ErrRevoked,
		"hosted-revoked":                status.ErrRevoked,
		"signed-embedded-issuer-forged": microcred.ErrIssuerMismatch,
		"hosted-embedded-issuer-forged": ob2.ErrHostedMismatch,
	} {
		t.Run(name, func(t *testing.T) {
			var v *ob2test.Vector
			for _, c := range ob2test.Load(t, "testdata/ob2") {
				if c.Name == name {
					v = &c
				}
			}
			require.NotNil(t, v, "case %s exists", name)
			ver := newVerifier(t, v.Clock(t), microcred.WithOB2Documents(v.Documents(t)))
			res, err := ver.Verify(context.Background(), v.Input(t), ob2Policy(t, v))
			require.Error(t, err)
			assert.ErrorIs(t, err, want)
			assert.False(t, res.Verified)
		})
	}
}

// TestVerifyOB2Trust: an OB 2.0 badge from an issuer the policy does not
// trust fails the issuer check; without OB 2.0 documents the verifier
// refuses OB 2.0 input at parse, naming the option.
func TestVerifyOB2Trust(t *testing.T) {
	var v ob2test.Vector
	for _, c := range ob2test.Load(t, "testdata/ob2") {
		if c.Name == "signed-rs256" {
			v = c
		}
	}
	require.Equal(t, "signed-rs256", v.Name)
	in := v.Input(t)

	ver := newVerifier(t, v.Clock(t), microcred.WithOB2Documents(v.Documents(t)))
	p, err := microcred.NewPolicy(microcred.TrustIssuers("https://example.org/another-issuer"))
	require.NoError(t, err)
	res, err := ver.Verify(context.Background(), in, p)
	assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer)
	assert.Equal(t, microcred.CheckIssuer, firstFailedCheck(res))
	assert.Equal(t, "http://example.org/key1", res.VerificationMethod, "the report names the key that signed")

	res, err = newVerifier(t, v.Clock(t)).Verify(context.Background(), in, ob2Policy(t, &v))
	assert.ErrorIs(t, err, microcred.ErrUnsupportedFormat)
	assert.Equal(t, microcred.CheckParse, firstFailedCheck(res))

	_, err = microcred.NewVerifier(microcred.Trusted{}, microcred.WithOB2Documents(nil))
	assert.Error(t, err)
}
