package microcred_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
)

// TestPolicyTrustRequired: a policy is built from exactly one Trust, and
// the Trust values that say nothing (the zero value, an empty or blank
// issuer list) are refused with an error naming what is wrong.
func TestPolicyTrustRequired(t *testing.T) {
	for name, tc := range map[string]struct {
		trust microcred.Trust
		want  string
	}{
		"zero Trust":                {microcred.Trust{}, "microcred: trust: the zero Trust says nothing"},
		"no issuer ids":             {microcred.TrustIssuers(), "microcred: TrustIssuers: no issuer ids"},
		"empty issuer id":           {microcred.TrustIssuers("did:example:1", ""), "microcred: TrustIssuers: issuer id 1 is empty"},
		"no status list issuer ids": {microcred.TrustIssuers("did:example:1").AndStatusListIssuers(), "microcred: AndStatusListIssuers: no issuer ids"},
		"empty status list issuer":  {microcred.AnyIssuerUnsafe().AndStatusListIssuers("did:example:2", ""), "microcred: AndStatusListIssuers: issuer id 1 is empty"},
		"unbound key, listed trust": {microcred.TrustIssuers("did:example:1").UnboundKeyUnsafe(), "microcred: UnboundKeyUnsafe needs AnyIssuerUnsafe"},
		"unbound key, no trust":     {microcred.TrustNoIssuer().UnboundKeyUnsafe(), "microcred: UnboundKeyUnsafe needs AnyIssuerUnsafe"},
	} {
		p, err := microcred.NewPolicy(tc.trust, microcred.IgnoreStatusUnsafe())
		assert.ErrorContains(t, err, tc.want, name)
		assert.Equal(t, microcred.Policy{}, p, name)
	}
	_, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe(), nil)
	assert.ErrorContains(t, err, "microcred: policy option: nil")
}

// TestPolicyTrustKinds: each of the three Trust constructors decides the
// issuer check as documented, with every other check unchanged.
func TestPolicyTrustKinds(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	signed := issue(t, key, obCredential(t, key.DID().String()))
	v := newVerifier(t, checkAt)
	ids := []string{"did:example:someone", key.DID().String()}
	listed := microcred.TrustIssuers(ids...)
	ids[1] = "did:example:changed" // TrustIssuers keeps its own copy
	for name, tc := range map[string]struct {
		trust microcred.Trust
		ok    bool
	}{
		"TrustIssuers, the issuer listed":     {listed, true},
		"TrustIssuers, the issuer not listed": {microcred.TrustIssuers("did:example:someone"), false},
		"TrustNoIssuer":                       {microcred.TrustNoIssuer(), false},
		"AnyIssuerUnsafe":                     {microcred.AnyIssuerUnsafe(), true},
	} {
		p, err := microcred.NewPolicy(tc.trust)
		require.NoError(t, err, name)
		res, err := v.Verify(ctx, signed, p)
		c, _ := res.Check(microcred.CheckIssuer)
		pr, _ := res.Check(microcred.CheckProof)
		assert.Equal(t, microcred.Passed, pr.Outcome, name)
		if tc.ok {
			assert.NoError(t, err, name)
			assert.Equal(t, microcred.Passed, c.Outcome, name)
		} else {
			assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer, name)
			assert.Equal(t, microcred.Failed, c.Outcome, name)
		}
	}
}

// TestPolicyWithTrust: WithTrust replaces the trust decision and keeps
// every other setting; it refuses what NewPolicy refuses.
func TestPolicyWithTrust(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	signed := issue(t, key, obCredential(t, key.DID().String()))
	v := newVerifier(t, checkAt)

	_, err := microcred.Policy{}.WithTrust(microcred.AnyIssuerUnsafe())
	assert.ErrorContains(t, err, "microcred: policy: not made by NewPolicy")

	none, err := microcred.NewPolicy(microcred.TrustNoIssuer())
	require.NoError(t, err)
	_, err = none.WithTrust(microcred.Trust{})
	assert.ErrorContains(t, err, "the zero Trust")
	anyIssuer, err := none.WithTrust(microcred.AnyIssuerUnsafe())
	require.NoError(t, err)
	_, err = v.Verify(ctx, signed, anyIssuer)
	assert.NoError(t, err, "TrustNoIssuer replaced by AnyIssuerUnsafe")
	_, err = v.Verify(ctx, signed, none)
	assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer, "the original policy is unchanged")
	listed, err := anyIssuer.WithTrust(microcred.TrustIssuers("did:example:someone"))
	require.NoError(t, err)
	_, err = v.Verify(ctx, signed, listed)
	assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer, "AnyIssuerUnsafe replaced by a list")

	// Other settings are kept: a recipient requirement still fails.
	elsewhere, err := microcred.NewPolicy(microcred.TrustNoIssuer(), microcred.ExpectRecipient("did:example:other"))
	require.NoError(t, err)
	elsewhere, err = elsewhere.WithTrust(microcred.AnyIssuerUnsafe())
	require.NoError(t, err)
	res, err := v.Verify(ctx, signed, elsewhere)
	require.Error(t, err)
	c, _ := res.Check(microcred.CheckRecipient)
	assert.Equal(t, microcred.Failed, c.Outcome)

	// UnboundKeyUnsafe needs AnyIssuerUnsafe, after WithTrust too.
	unbound, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe().UnboundKeyUnsafe())
	require.NoError(t, err)
	_, err = unbound.WithTrust(microcred.TrustIssuers(key.DID().String()))
	assert.ErrorContains(t, err, "UnboundKeyUnsafe needs AnyIssuerUnsafe")
}
