package microcred_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/vc"
)

func TestRefresh(t *testing.T) {
	ctx := context.Background()
	key, other := testKey(t, 1), testKey(t, 2)
	cred := func(id, issuer, until string) []byte {
		return []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json","https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"],"id":"` + id + `","type":["VerifiableCredential"],"issuer":"` + issuer + `","validFrom":"2025-01-01T00:00:00Z","validUntil":"` + until + `","credentialSubject":{"id":"did:example:learner"},"refreshService":{"id":"https://school.example/refresh/1","type":"1EdTechCredentialRefresh"}}`)
	}
	// The presented copy expired; the refresh service has a current one.
	stale := issue(t, key, cred("urn:uuid:r1", key.DID().String(), "2025-05-01T00:00:00Z"))
	current := issue(t, key, cred("urn:uuid:r2", key.DID().String(), "2026-05-01T00:00:00Z"))
	calls := 0
	type refresher = func(context.Context, *vc.Credential, json.RawMessage) ([]byte, error)
	serve := func(data []byte, err error) refresher {
		return (func(_ context.Context, c *vc.Credential, service json.RawMessage) ([]byte, error) {
			calls++
			assert.Contains(t, string(service), "https://school.example/refresh/1")
			return data, err
		})
	}
	policy := trust(t, key.DID().String())

	_, err := newVerifier(t, checkAt).Verify(ctx, stale, policy)
	require.ErrorIs(t, err, vc.ErrExpired, "without a refresher the stale copy is checked as is")

	res, err := newVerifier(t, checkAt, microcred.WithRefresher(serve(current, nil))).Verify(ctx, stale, policy)
	require.NoError(t, err)
	assert.Equal(t, microcred.Passed, outcomes(res)[microcred.CheckRefresh])
	assert.Equal(t, "urn:uuid:r2", res.Credential.ID())
	assert.Equal(t, 1, calls, "refreshed once; the fresh copy's own refreshService is not followed")

	// A refreshed copy from someone else is refused.
	forged := issue(t, other, cred("urn:uuid:r3", other.DID().String(), "2026-05-01T00:00:00Z"))
	_, err = newVerifier(t, checkAt, microcred.WithRefresher(serve(forged, nil))).Verify(ctx, stale, policy)
	assert.ErrorIs(t, err, microcred.ErrRefreshIssuer)

	// A tampered refreshed copy fails its own proof check.
	var m map[string]any
	require.NoError(t, json.Unmarshal(current, &m))
	m["validUntil"] = "2027-05-01T00:00:00Z"
	tampered, err := json.Marshal(m)
	require.NoError(t, err)
	res, err = newVerifier(t, checkAt, microcred.WithRefresher(serve(tampered, nil))).Verify(ctx, stale, policy)
	require.Error(t, err)
	assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckProof])
	assert.Nil(t, res.Credential)

	// Nothing newer, or an unreachable service: the original is judged.
	for _, r := range []refresher{serve(nil, nil), serve(nil, errors.New("offline"))} {
		res, err = newVerifier(t, checkAt, microcred.WithRefresher(r)).Verify(ctx, stale, policy)
		assert.ErrorIs(t, err, vc.ErrExpired)
		assert.Equal(t, microcred.Skipped, outcomes(res)[microcred.CheckRefresh])
	}
	// A credential whose own checks fail before refresh is never refreshed.
	calls = 0
	_, err = newVerifier(t, checkAt, microcred.WithRefresher(serve(current, nil))).Verify(ctx, stale, trust(t, other.DID().String()))
	assert.ErrorIs(t, err, microcred.ErrUntrustedIssuer)
	assert.Equal(t, 0, calls)
}
