package microcred_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	pubmerkle "github.com/onchaincert/microcred/anchor/merkle2019"
	"github.com/onchaincert/microcred/internal/merkle2019"
)

// cert-verifier-js's testnet v2 certificate (testnet-v2-valid.test.ts):
// its issuer is the URL its test serves issuer-blockcerts-v2a.json at,
// and that profile names itself by a w3id.org alias.
const (
	servedCert    = "certs/v2/testnet-valid-2.0.json"
	servedProfile = "profiles/issuer-blockcerts-v2a.json"
	servedAt      = "https://www.blockcerts.org/samples/2.0/issuer-testnet.json"
	servedSelfID  = "https://w3id.org/blockcerts/samples/2.0-alpha/issuerTestnet.json"
)

func servedVerify(t *testing.T, bc pubmerkle.Evidence) (*microcred.Result, error) {
	t.Helper()
	bc.Transactions = &cvjLookForTx{tx: &merkle2019.TxData{
		RemoteHash:     "f029b45bb1a7b1f0b970f6de35344b73cccd16177b4c037acbc2541c7fc27078",
		IssuingAddress: "msBCHdwaQ7N2ypBYupkp6uNxtr9Pg76imj",
		Time:           time.Date(2017, 6, 29, 22, 10, 29, 0, time.UTC),
	}}
	v := newVerifier(t, checkAt, microcred.WithBlockcerts(bc))
	p, err := microcred.NewPolicy(microcred.TrustIssuers(servedAt), microcred.IgnoreStatusUnsafe())
	require.NoError(t, err)
	return v.Verify(context.Background(), readCVJFile(t, servedCert), p)
}

// TestBlockcertsIssuerProfilesAt: a profile the caller says it fetched
// from URL X is the profile of issuer X even when its id is another URL,
// and the issuer check says so; a profile supplied without a URL is
// still the profile of its own id only, and a profile served at one URL
// is no profile of another.
func TestBlockcertsIssuerProfilesAt(t *testing.T) {
	profile := readCVJFile(t, servedProfile)

	t.Run("served at the issuer URL", func(t *testing.T) {
		res, err := servedVerify(t, pubmerkle.Evidence{IssuerProfilesAt: map[string][]byte{servedAt: profile}})
		require.NoError(t, err, "%+v", res.Checks)
		assert.Contains(t, checkDetail(res, microcred.CheckIssuer), "profile served at "+servedAt+" names itself "+servedSelfID)
		assert.Equal(t, servedAt, res.Issuer)
	})
	t.Run("keyed by its own id, another issuer", func(t *testing.T) {
		res, err := servedVerify(t, pubmerkle.Evidence{IssuerProfiles: map[string][]byte{servedSelfID: profile}})
		require.Error(t, err)
		assert.Equal(t, microcred.CheckIssuer, firstFailed(t, res))
		assert.ErrorIs(t, err, microcred.ErrIssuerMismatch)
		assert.ErrorContains(t, err, "no issuer profile "+servedAt+" was supplied")
	})
	t.Run("served at another URL", func(t *testing.T) {
		res, err := servedVerify(t, pubmerkle.Evidence{IssuerProfilesAt: map[string][]byte{servedSelfID: profile}})
		require.Error(t, err)
		assert.Equal(t, microcred.CheckIssuer, firstFailed(t, res))
		assert.ErrorIs(t, err, microcred.ErrIssuerMismatch)
	})
	t.Run("served at its own id: no note", func(t *testing.T) {
		p, err := microcred.NewPolicy(microcred.TrustIssuers(v2ProfileURL))
		require.NoError(t, err)
		res, err := v2Setup{servedAt: true}.verify(t, readCVJFile(t, v2Cert), p)
		require.NoError(t, err, "%+v", res.Checks)
		assert.NotContains(t, checkDetail(res, microcred.CheckIssuer), "served at")
	})
	t.Run("construction", func(t *testing.T) {
		for name, bc := range map[string]pubmerkle.Evidence{
			"in both maps": {IssuerProfiles: map[string][]byte{servedSelfID: profile}, IssuerProfilesAt: map[string][]byte{servedSelfID: profile}},
			"empty URL":    {IssuerProfilesAt: map[string][]byte{"": profile}},
			"not JSON":     {IssuerProfilesAt: map[string][]byte{servedAt: []byte("{")}},
		} {
			_, err := microcred.NewVerifier(cvjTrusted(t), microcred.WithBlockcerts(bc))
			require.ErrorContains(t, err, "microcred: WithBlockcerts: ", name)
		}
	})
}

// TestBlockcertsProfileSignatureKeys: the signature beside the
// MerkleProof2019 of cert-verifier-js's mocknet certificate is by a key of
// the issuer's profile, which the verifier reads from the supplied
// profile (as a controller document). Served at its own URL it verifies,
// and its issuer is bound by that signature; served at another URL, or
// absent, the key is nowhere and the proof check fails.
func TestBlockcertsProfileSignatureKeys(t *testing.T) {
	const (
		sigProfile = "profiles/hyland-issuer-profile-secp256k1.json"
		sigURL     = "https://issuer.dev.hylandcredentials.com/93d02af5-8683-452a-a79c-959deae72495/issuer_profile.json"
		anchorProf = "profiles/hyland-issuer-profile-mocknet-merkleproof2019.json"
	)
	doc := readCVJFile(t, "certs/v3/mocknet-v3-valid.json")
	p, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe(), microcred.RequireAnchor(anchor.L0), microcred.IgnoreStatusUnsafe())
	require.NoError(t, err)
	for name, c := range map[string]struct {
		profiles []string
		ok       bool
	}{
		"under its id":          {[]string{sigProfile, anchorProf}, true},
		"served at its own URL": {[]string{sigProfile + "@" + sigURL, anchorProf}, true},
		"served at another URL": {[]string{sigProfile + "@https://issuer.example/elsewhere.json", anchorProf}, false},
		"absent":                {[]string{anchorProf}, false},
	} {
		t.Run(name, func(t *testing.T) {
			v, _, _ := cvjVerifier(t, cvjRow{id: name, tx: "-", profiles: c.profiles})
			res, err := v.Verify(context.Background(), doc, p)
			if !c.ok {
				failedAt(t, res, err, microcred.CheckProof)
				assert.ErrorContains(t, err, sigURL)
				return
			}
			require.NoError(t, err, "%+v", res.Checks)
			// bound by the signature, not passed as unbound
			assert.Equal(t, "key controlled by the issuer; issuer not checked against a trust list (AnyIssuerUnsafe)", checkDetail(res, microcred.CheckIssuer))
			assert.Contains(t, checkDetail(res, microcred.CheckAnchor), "anchored by https://issuer.dev.hylandcredentials.com/61e6c3fc-5779-4a6d-b05f-fdd10fdac5f0/issuer_profile.json#mocknet-public-key at L0")
		})
	}
}
