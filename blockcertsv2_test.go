package microcred_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	pubmerkle "github.com/onchaincert/microcred/anchor/merkle2019"
	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/status"
)

// The v2 mainnet certificate of cert-verifier-js and what its test serves.
const (
	v2Cert       = "certs/v2/mainnet-valid-2.0.json"
	v2ProfileURL = "https://blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json"
	v2ListURL    = "https://blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e/revocation.json"
	v2CertID     = "https://blockcerts.learningmachine.com/certificate/ab56912734bb5784bced00b7e0e82ac9"
	v2Sender     = "1AwdUWQzJgfDDjeKtpPzMfYMHejFBrxZfo"
	v2Root       = "b2ceea1d52627b6ed8d919ad1039eca32f6e099ef4a357cbb7f7361c471ea6c8"
)

var v2TxTime = time.Date(2018, 2, 8, 0, 23, 34, 0, time.UTC)

// v2Setup is what one v2 verification is given; the zero fields take
// cert-verifier-js's values.
type v2Setup struct {
	tx      *merkle2019.TxData // nil: cvj's; use noTx for none
	noTx    bool
	profile []byte
	list    []byte
	noList  bool
	opts    []microcred.Option
	// servedAt supplies the profile as served at its URL
	// (IssuerProfilesAt) instead of under its id.
	servedAt bool
}

func (s v2Setup) verify(t *testing.T, input []byte, p microcred.Policy) (*microcred.Result, error) {
	t.Helper()
	tx := s.tx
	if tx == nil {
		tx = &merkle2019.TxData{RemoteHash: v2Root, IssuingAddress: v2Sender, Time: v2TxTime}
	}
	bc := pubmerkle.Evidence{IssuerProfiles: map[string][]byte{}}
	if !s.noTx {
		bc.Transactions = &cvjLookForTx{tx: tx}
	}
	profile := s.profile
	if profile == nil {
		profile = readCVJFile(t, "profiles/issuer-profile-mainnet-example.json")
	}
	bc.IssuerProfiles[v2ProfileURL] = profile
	if s.servedAt {
		bc.IssuerProfiles, bc.IssuerProfilesAt = nil, bc.IssuerProfiles
	}
	lists := status.StaticFetcher{}
	if !s.noList {
		lists[v2ListURL] = s.list
		if s.list == nil {
			lists[v2ListURL] = readCVJFile(t, "status/v2-revocation-list.json")
		}
	}
	v := newVerifier(t, checkAt, append([]microcred.Option{microcred.WithBlockcerts(bc), microcred.WithStatusFetcher(lists)}, s.opts...)...)
	return v.Verify(context.Background(), input, p)
}

// TestBlockcertsV2Pipeline: a Blockcerts v2 (MerkleProof2017) certificate
// goes through Verifier.Verify's checks, in order and under the same
// names, with the same verdict as JSON and baked into a PNG or an SVG;
// every corruption of its evidence fails at the check that owns it. On
// the code before v2 was wired in, the certificate failed at parse (an
// Open Badges 2.0 assertion is not a VC).
func TestBlockcertsV2Pipeline(t *testing.T) {
	cert := readCVJFile(t, v2Cert)
	policy := trust(t, v2ProfileURL)
	for form, input := range containers(t, cert) {
		t.Run(form, func(t *testing.T) {
			res, err := v2Setup{}.verify(t, input, policy)
			require.NoError(t, err, "%+v", res.Checks)
			assert.True(t, res.Verified)
			assert.Nil(t, res.Credential, "a v2 certificate is not a VC")
			assert.Equal(t, v2ProfileURL, res.Issuer)
			var names []microcred.Check
			for _, c := range res.Checks {
				names = append(names, c.Check)
			}
			assert.Equal(t, []microcred.Check{"parse", "schema", "proof", "issuer", "status", "validity", "endorsements", "anchor"}, names)
			o := outcomes(res)
			for _, c := range []microcred.Check{"parse", "proof", "issuer", "status", "validity", "anchor"} {
				assert.Equal(t, microcred.Passed, o[c], c)
			}
			assert.Equal(t, anchor.L1, res.Anchor.Level)
			assert.Equal(t, v2Sender, res.Anchor.Sender)
		})
	}

	otherList := []byte(`{"revokedAssertions":[{"id":"` + v2CertID + `","revocationReason":"test"}]}`)
	// The profile without the key the transaction was sent from.
	profile := readCVJFile(t, "profiles/issuer-profile-mainnet-example.json")
	withoutKey := bytes.Replace(profile, []byte("ecdsa-koblitz-pubkey:"+v2Sender), []byte("ecdsa-koblitz-pubkey:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"), 1)
	require.NotEqual(t, profile, withoutKey)
	claim := bytes.Replace(cert, []byte(`"issuedOn": "2018-02-07T23:52:16.636+00:00"`), []byte(`"issuedOn": "2018-02-07T23:52:16.637+00:00"`), 1)
	require.NotEqual(t, cert, claim)
	var m map[string]any
	require.NoError(t, json.Unmarshal(cert, &m))
	th := m["signature"].(map[string]any)["targetHash"].(string)
	flipped := bytes.Replace(cert, []byte(th), []byte(th[:10]+string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", th[10])+1)%16])+th[11:]), 1)
	require.NotEqual(t, cert, flipped)

	for _, c := range []struct {
		name  string
		input []byte
		setup v2Setup
		p     microcred.Policy
		check microcred.Check
		is    error
	}{
		{"claim edited", claim, v2Setup{}, policy, microcred.CheckProof, merkle2019.ErrTargetHashMismatch},
		{"targetHash flipped", flipped, v2Setup{}, policy, microcred.CheckProof, merkle2019.ErrTargetHashMismatch},
		{"another root on chain", cert, v2Setup{tx: &merkle2019.TxData{RemoteHash: strings.Repeat("ab", 32), IssuingAddress: v2Sender, Time: v2TxTime}}, policy, microcred.CheckProof, merkle2019.ErrOnChainRootMismatch},
		{"another sender", cert, v2Setup{tx: &merkle2019.TxData{RemoteHash: v2Root, IssuingAddress: "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", Time: v2TxTime}}, policy, microcred.CheckIssuer, microcred.ErrIssuerMismatch},
		{"sent before the key was created", cert, v2Setup{tx: &merkle2019.TxData{RemoteHash: v2Root, IssuingAddress: v2Sender, Time: time.Date(2018, 2, 7, 21, 0, 0, 0, time.UTC)}}, policy, microcred.CheckIssuer, microcred.ErrIssuerMismatch},
		{"profile lacks the key", cert, v2Setup{profile: withoutKey}, policy, microcred.CheckIssuer, microcred.ErrIssuerMismatch},
		{"no transaction data (L0)", cert, v2Setup{noTx: true}, policy, microcred.CheckIssuer, microcred.ErrIssuerMismatch},
		{"untrusted issuer", cert, v2Setup{}, trust(t, "https://someone.example/profile.json"), microcred.CheckIssuer, microcred.ErrUntrustedIssuer},
		{"revoked", cert, v2Setup{list: otherList}, policy, microcred.CheckStatus, status.ErrRevoked},
		{"revocation list not supplied", cert, v2Setup{noList: true}, policy, microcred.CheckStatus, status.ErrNoList},
		{"revocation list malformed", cert, v2Setup{list: []byte(`{"revokedAssertions":{}}`)}, policy, microcred.CheckStatus, status.ErrInvalidList},
		{"custom checker cannot read it", cert, v2Setup{opts: []microcred.Option{microcred.WithChecker("mine", (func(context.Context, *vc.Credential) error { return nil }))}}, policy, "mine", microcred.ErrUnsupportedFormat},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := c.setup.verify(t, c.input, c.p)
			failedAt(t, res, err, c.check)
			assert.ErrorIs(t, err, c.is)
		})
	}

	t.Run("no WithBlockcerts", func(t *testing.T) {
		res, err := newVerifier(t, checkAt).Verify(context.Background(), cert, policy)
		failedAt(t, res, err, microcred.CheckProof)
		assert.ErrorIs(t, err, microcred.ErrNoBlockcerts)
	})
	t.Run("receipt malformed", func(t *testing.T) {
		bad := bytes.Replace(cert, []byte(`"signature": {`), []byte(`"signature": {"path": [],`), 1)
		require.NotEqual(t, cert, bad)
		res, err := v2Setup{}.verify(t, bad, policy)
		failedAt(t, res, err, microcred.CheckParse)
		assert.ErrorIs(t, err, merkle2019.ErrMalformedV2Signature)
	})
}

// v2Issue builds a Blockcerts v2 certificate from cert-verifier-js's
// mocknet one with extra members, re-hashed as a one-leaf tree (targetHash
// = merkleRoot, empty path) on a mock anchor: what a v2 issuer would
// write, for the members no fixture carries.
func v2Issue(t *testing.T, extra map[string]any) []byte {
	var m map[string]any
	require.NoError(t, json.Unmarshal(readCVJFile(t, "certs/v2/mocknet-valid-2.0.json"), &m))
	for k, v := range extra {
		m[k] = v
	}
	sig := m["signature"].(map[string]any)
	delete(m, "signature")
	loader, err := merkle2019.LoaderV2()
	require.NoError(t, err)
	h, err := merkle2019.NewHasher(loader)
	require.NoError(t, err)
	sum, _, err := h.TargetHash(m, -1)
	require.NoError(t, err)
	sig["targetHash"], sig["merkleRoot"], sig["proof"] = hex.EncodeToString(sum), hex.EncodeToString(sum), []any{}
	m["signature"] = sig
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

// TestBlockcertsV2Expires: the signed expires of a v2 certificate bounds
// it (cert-verifier-js checkExpiresDate); an expires the signature does
// not cover changes the hash and fails at proof.
func TestBlockcertsV2Expires(t *testing.T) {
	ctx := context.Background()
	p, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe().UnboundKeyUnsafe(), microcred.RequireAnchor(anchor.L0))
	require.NoError(t, err)
	v := newVerifier(t, checkAt, microcred.WithBlockcerts(pubmerkle.Evidence{}),
		microcred.WithStatusFetcher(status.StaticFetcher{
			"https://www.blockcerts.org/samples/2.0/revocation-list-testnet.json": readCVJFile(t, "status/v2-testnet-revocation-list.json")}))

	later := v2Issue(t, map[string]any{"expires": "2030-01-01T00:00:00Z"})
	res, err := v.Verify(ctx, later, p)
	require.NoError(t, err, "%+v", res.Checks)
	c, _ := res.Check(microcred.CheckValidity)
	assert.Contains(t, c.Detail, "before expires 2030-01-01T00:00:00Z")

	expired := v2Issue(t, map[string]any{"expires": "2020-01-01T00:00:00Z"})
	res, err = v.Verify(ctx, expired, p)
	failedAt(t, res, err, microcred.CheckValidity)
	assert.ErrorIs(t, err, vc.ErrExpired)

	// The expiry moved after signing: the hash no longer matches.
	moved := bytes.Replace(expired, []byte("2020-01-01T00:00:00Z"), []byte("2030-01-01T00:00:00Z"), 1)
	res, err = v.Verify(ctx, moved, p)
	failedAt(t, res, err, microcred.CheckProof)
	assert.ErrorIs(t, err, merkle2019.ErrTargetHashMismatch)

	bad := v2Issue(t, map[string]any{"expires": "next year"})
	res, err = v.Verify(ctx, bad, p)
	require.Error(t, err)
	assert.False(t, res.Verified)
	assert.False(t, errors.Is(err, vc.ErrExpired))

	// Baked into a PNG: the same verdict.
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2))))
	baked, err := bake.BakePNG(buf.Bytes(), expired, bake.Options{})
	require.NoError(t, err)
	res, err = v.Verify(ctx, baked, p)
	failedAt(t, res, err, microcred.CheckValidity)
}

// FuzzVerifyBlockcertsV2: Verifier.Verify on mutated Blockcerts v2
// certificates never panics and keeps its contract: a Result with every
// check, err == nil iff Verified, and never a Credential (a v2
// certificate is not a VC).
func FuzzVerifyBlockcertsV2(f *testing.F) {
	for _, name := range []string{"certs/v2/testnet-revoked-key-2.0.json", "certs/v2/testnet-valid-v1-issuer-2.0.json"} {
		data, err := os.ReadFile(filepath.Join(cvjDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"signature":{"type":"MerkleProof2017","targetHash":"00","merkleRoot":"00","anchors":[]}}`))
	f.Add([]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","signature":{"type":["MerkleProof2017","Extension"],"targetHash":"` + strings.Repeat("0", 64) + `","merkleRoot":"` + strings.Repeat("0", 64) + `","anchors":[{"sourceId":"x","type":"Mock","chain":"mockchain"}]}}`))
	p, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe().UnboundKeyUnsafe(), microcred.RequireAnchor(anchor.L0))
	if err != nil {
		f.Fatal(err)
	}
	profile, err := os.ReadFile(filepath.Join(cvjDir, "profiles/issuer-blockcerts-v2a.json"))
	if err != nil {
		f.Fatal(err)
	}
	v := newVerifier(f, checkAt, microcred.WithBlockcerts(pubmerkle.Evidence{
		IssuerProfiles: map[string][]byte{"https://w3id.org/blockcerts/samples/2.0-alpha/issuerTestnet.json": profile},
	}), microcred.WithStatusFetcher(status.StaticFetcher{}))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := v.Verify(context.Background(), data, p)
		if res == nil || len(res.Checks) == 0 || (err == nil) != res.Verified {
			t.Fatalf("contract broken: %v, %+v", err, res)
		}
		if isV2 := merkle2019.IsV2(data); isV2 && res.Credential != nil {
			t.Fatalf("a v2 certificate returned a Credential")
		}
	})
}

// BenchmarkVerifier_VerifyBlockcertsV2: cert-verifier-js's v2 mainnet
// certificate (107 KB) through the whole pipeline (URDNA2015 targetHash,
// on-chain root, path, issuer profile key window, revocation list),
// offline.
func BenchmarkVerifier_VerifyBlockcertsV2(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(cvjDir, v2Cert))
	if err != nil {
		b.Fatal(err)
	}
	profile, err := os.ReadFile(filepath.Join(cvjDir, "profiles/issuer-profile-mainnet-example.json"))
	if err != nil {
		b.Fatal(err)
	}
	list, err := os.ReadFile(filepath.Join(cvjDir, "status/v2-revocation-list.json"))
	if err != nil {
		b.Fatal(err)
	}
	v := newVerifier(b, checkAt, microcred.WithBlockcerts(pubmerkle.Evidence{
		Transactions:   &cvjLookForTx{tx: &merkle2019.TxData{RemoteHash: v2Root, IssuingAddress: v2Sender, Time: v2TxTime}},
		IssuerProfiles: map[string][]byte{v2ProfileURL: profile},
	}), microcred.WithStatusFetcher(status.StaticFetcher{v2ListURL: list}))
	p := trust(b, v2ProfileURL)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), data, p); err != nil {
			b.Fatal(err)
		}
	}
}
