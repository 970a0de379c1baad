package microcred_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

const (
	sdListURL      = "https://status.example/sd"
	sdRevokedIndex = 7
	sdClearIndex   = 8
)

// sdFixture: a P-256 issuer, its revocation list (signed with
// ecdsa-rdfc-2019), and a verifier that accepts ecdsa-sd-2023.
type sdFixture struct {
	key  *didkey.Key
	list []byte
}

func newSDFixture(t testing.TB) *sdFixture {
	t.Helper()
	key, err := didkey.NewFromSeed(didkey.P256, bytes.Repeat([]byte{0x13}, 32))
	require.NoError(t, err)
	l, err := status.NewList(status.MinBits, 1)
	require.NoError(t, err)
	require.NoError(t, l.Set(sdRevokedIndex, 1))
	data, err := status.NewListCredential(status.ListCredential{ID: sdListURL, Issuer: key.DID().String(), Purpose: status.Revocation, ValidFrom: issuedAt, List: l})
	require.NoError(t, err)
	rdfc, err := ecdsa2019.NewRDFC(contexts.Default())
	require.NoError(t, err)
	return &sdFixture{key: key, list: issue(t, key, data, microcred.WithSuite(rdfc))}
}

func (f *sdFixture) verifier(t testing.TB, now time.Time) *microcred.Verifier {
	t.Helper()
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	sd, err := ecdsasd2023.New(contexts.Default())
	require.NoError(t, err)
	rdfc, err := ecdsa2019.NewRDFC(contexts.Default())
	require.NoError(t, err)
	ed, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{sd, rdfc, ed}},
		microcred.WithClock(func() time.Time { return now }), microcred.WithStatusFetcher(status.StaticFetcher{sdListURL: f.list}))
	require.NoError(t, err)
	return v
}

// credential is the OB 3.0 test credential (validUntil 2028-01-15) by the
// fixture's issuer, with a revocation entry at index.
func (f *sdFixture) credential(t testing.TB, index int) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/ob3/achievement-credential.json")
	require.NoError(t, err)
	data, err = vc.SetIssuer(data, f.key.DID().String())
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["credentialStatus"] = map[string]any{
		"id": sdListURL + "#" + itoa(index), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
		"statusListIndex": itoa(index), "statusListCredential": sdListURL,
	}
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// derived signs cred with an ecdsa-sd-2023 suite built with opts and
// derives a credential disclosing selective (and what is mandatory).
func (f *sdFixture) derived(t testing.TB, cred []byte, opts []ecdsasd2023.Option, selective ...string) []byte {
	t.Helper()
	sd, err := ecdsasd2023.New(contexts.Default(), opts...)
	require.NoError(t, err)
	base := issue(t, f.key, cred, microcred.WithSuite(sd))
	out, err := sd.Derive(base, selective)
	require.NoError(t, err)
	return out
}

func (f *sdFixture) policy(t testing.TB, opts ...microcred.PolicyOption) microcred.Policy {
	t.Helper()
	p, err := microcred.NewPolicy(microcred.TrustIssuers(f.key.DID().String()), opts...)
	require.NoError(t, err)
	return p
}

const achievementName = "/credentialSubject/achievement/name"

var dropDefaults = []ecdsasd2023.Option{ecdsasd2023.WithoutDefaultMandatoryUnsafe(), ecdsasd2023.WithMandatoryPointers("/issuer")}

// TestSelectiveDisclosureDefaults: signed with the default mandatory
// pointers and derived to show only the achievement's name, the
// credential still carries its validity and status, and the verifier
// checks them.
func TestSelectiveDisclosureDefaults(t *testing.T) {
	ctx := context.Background()
	f := newSDFixture(t)
	derived := f.derived(t, f.credential(t, sdClearIndex), nil, achievementName)
	var m map[string]any
	require.NoError(t, json.Unmarshal(derived, &m))
	assert.Equal(t, "2028-01-15T09:00:00Z", m["validUntil"])
	assert.Contains(t, m, "credentialStatus")
	assert.NotContains(t, m, "evidence", "not revealed")

	res, err := f.verifier(t, checkAt).Verify(ctx, derived, f.policy(t))
	require.NoError(t, err)
	assert.Equal(t, &microcred.Disclosure{
		Mandatory: []string{"validFrom", "validUntil", "credentialStatus"},
		Withheld:  []string{"credentialSchema"},
	}, res.Disclosure)
	c, ok := res.Check(microcred.CheckDisclosure)
	require.True(t, ok)
	assert.Equal(t, microcred.Passed, c.Outcome)
	assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckStatus], "the status entry is checked")

	// Expired: the mandatory validUntil is read.
	res, err = f.verifier(t, time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)).Verify(ctx, derived, f.policy(t))
	assert.ErrorIs(t, err, vc.ErrExpired)
	assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckValidity])
	assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckDisclosure])

	// Revoked: the mandatory credentialStatus is read.
	revoked := f.derived(t, f.credential(t, sdRevokedIndex), nil, achievementName)
	res, err = f.verifier(t, checkAt).Verify(ctx, revoked, f.policy(t))
	assert.ErrorIs(t, err, status.ErrRevoked)
	assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckStatus])
}

// TestSelectiveDisclosureWithheld: with the defaults dropped the holder
// can withhold validity and status; the default policy refuses that, and
// names what is missing.
func TestSelectiveDisclosureWithheld(t *testing.T) {
	ctx := context.Background()
	f := newSDFixture(t)
	v := f.verifier(t, checkAt)
	derived := f.derived(t, f.credential(t, sdRevokedIndex), dropDefaults, achievementName)
	var m map[string]any
	require.NoError(t, json.Unmarshal(derived, &m))
	for _, member := range []string{"validFrom", "validUntil", "credentialStatus"} {
		assert.NotContains(t, m, member)
	}

	res, err := v.Verify(ctx, derived, f.policy(t))
	require.ErrorIs(t, err, microcred.ErrWithheld)
	var we *microcred.WithheldError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, []string{"validUntil", "credentialStatus"}, we.Members, "required by default")
	assert.False(t, res.Verified)
	assert.Nil(t, res.Credential)
	assert.Equal(t, &microcred.Disclosure{Withheld: []string{"validFrom", "validUntil", "credentialStatus", "credentialSchema"}}, res.Disclosure)
	failed := 0
	for _, c := range res.Checks {
		if c.Outcome == microcred.Failed {
			failed++
			assert.Equal(t, microcred.CheckDisclosure, c.Check)
		}
	}
	assert.Equal(t, 1, failed)

	// RequireDisclosure adds members; each missing one is named.
	_, err = v.Verify(ctx, derived, f.policy(t, microcred.RequireDisclosure("validFrom", "evidence")))
	require.ErrorAs(t, err, &we)
	assert.Equal(t, []string{"validFrom", "validUntil", "credentialStatus", "evidence"}, we.Members)

	// AllowWithheldUnsafe accepts it: revoked, but nobody can tell.
	res, err = v.Verify(ctx, derived, f.policy(t, microcred.AllowWithheldUnsafe("validUntil", "credentialStatus")))
	require.NoError(t, err)
	assert.Equal(t, microcred.Skipped, outcomes(res)[microcred.CheckStatus])
	_, err = v.Verify(ctx, derived, f.policy(t, microcred.AllowWithheldUnsafe("validUntil", "credentialStatus"), microcred.RequireDisclosure("validFrom")))
	require.ErrorAs(t, err, &we)
	assert.Equal(t, []string{"validFrom"}, we.Members)

	// Disclosed by the holder's choice: accepted, reported as selective,
	// and the status is checked.
	chosen := f.derived(t, f.credential(t, sdRevokedIndex), dropDefaults, achievementName, "/validUntil", "/credentialStatus")
	res, err = v.Verify(ctx, chosen, f.policy(t))
	assert.ErrorIs(t, err, status.ErrRevoked)
	assert.NotErrorIs(t, err, microcred.ErrWithheld)
	assert.Equal(t, &microcred.Disclosure{
		Selective: []string{"validUntil", "credentialStatus"},
		Withheld:  []string{"validFrom", "credentialSchema"},
	}, res.Disclosure)
}

// TestSelectiveDisclosureMutations: a mandatory member cannot be edited or
// removed from a derived credential.
func TestSelectiveDisclosureMutations(t *testing.T) {
	ctx := context.Background()
	f := newSDFixture(t)
	v := f.verifier(t, checkAt)
	derived := f.derived(t, f.credential(t, sdClearIndex), nil, achievementName)
	for _, tc := range []struct {
		name   string
		mutate func(m map[string]any)
	}{
		{"validUntil edited", func(m map[string]any) { m["validUntil"] = "2099-01-15T09:00:00Z" }},
		{"validUntil removed", func(m map[string]any) { delete(m, "validUntil") }},
		{"credentialStatus removed", func(m map[string]any) { delete(m, "credentialStatus") }},
		{"credentialStatus emptied", func(m map[string]any) { m["credentialStatus"] = []any{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			require.NoError(t, json.Unmarshal(derived, &m))
			tc.mutate(m)
			data, err := json.Marshal(m)
			require.NoError(t, err)
			res, err := v.Verify(ctx, data, f.policy(t))
			assert.ErrorIs(t, err, proof.ErrInvalidSignature, "the mandatory hash no longer matches")
			assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckProof])
		})
	}

	// With the defaults dropped, an empty status list is unsigned and
	// does not count as disclosed.
	withheld := f.derived(t, f.credential(t, sdClearIndex), dropDefaults, achievementName)
	var m map[string]any
	require.NoError(t, json.Unmarshal(withheld, &m))
	m["credentialStatus"] = []any{}
	data, err := json.Marshal(m)
	require.NoError(t, err)
	_, err = v.Verify(ctx, data, f.policy(t, microcred.AllowWithheldUnsafe("validUntil")))
	var we *microcred.WithheldError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, []string{"credentialStatus"}, we.Members)
}

// TestDisclosureNotApplicable: credentials with other proofs carry what
// their issuer signed; the check does not run, whatever the policy.
func TestDisclosureNotApplicable(t *testing.T) {
	f := newSDFixture(t)
	key := testKey(t, 1)
	signed := issue(t, key, obCredential(t, key.DID().String()))
	p, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()), microcred.RequireDisclosure("credentialSchema"))
	require.NoError(t, err)
	res, err := f.verifier(t, checkAt).Verify(context.Background(), signed, p)
	require.NoError(t, err)
	assert.Nil(t, res.Disclosure)
	_, ran := res.Check(microcred.CheckDisclosure)
	assert.False(t, ran)
}

func TestDisclosurePolicyOptions(t *testing.T) {
	trustSome := microcred.TrustIssuers("did:example:issuer")
	for name, opts := range map[string][]microcred.PolicyOption{
		"no members":          {microcred.RequireDisclosure()},
		"a pointer":           {microcred.RequireDisclosure("/validUntil")},
		"@context":            {microcred.RequireDisclosure("@context")},
		"empty name":          {microcred.RequireDisclosure("")},
		"allow nothing":       {microcred.AllowWithheldUnsafe()},
		"allow a non-default": {microcred.AllowWithheldUnsafe("validFrom")},
		"allow, then require": {microcred.AllowWithheldUnsafe("validUntil"), microcred.RequireDisclosure("validUntil")},
		"require, then allow": {microcred.RequireDisclosure("credentialStatus"), microcred.AllowWithheldUnsafe("credentialStatus")},
	} {
		_, err := microcred.NewPolicy(trustSome, opts...)
		assert.Error(t, err, name)
	}
	_, err := microcred.NewPolicy(trustSome, microcred.RequireDisclosure("validFrom", "evidence"), microcred.AllowWithheldUnsafe("expirationDate", "credentialStatus"))
	assert.NoError(t, err)
}

func BenchmarkVerifier_VerifySelectiveDisclosure(b *testing.B) {
	f := newSDFixture(b)
	derived := f.derived(b, f.credential(b, sdClearIndex), nil, achievementName)
	v := f.verifier(b, checkAt)
	policy := f.policy(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), derived, policy); err != nil {
			b.Fatal(err)
		}
	}
}
