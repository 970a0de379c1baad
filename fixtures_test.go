package microcred_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
	"github.com/onchaincert/microcred/vc/status"
)

// TestVectors verifies the DCC's signed OB 3.0 credentials (did:key,
// eddsa-rdfc-2022 and Ed25519Signature2020): credentials signed by another
// implementation verify here, with the outcome
// testdata/vectors/dcc/EXPECT.tsv states.
func TestVectors(t *testing.T) {
	f, err := os.Open("testdata/vectors/dcc/EXPECT.tsv")
	require.NoError(t, err)
	defer f.Close()
	v := newVerifier(t, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), microcred.WithStatusFetcher(dccStatusLists(t)))
	// The DCC publishes every test status list under one key of its own.
	policy, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe().AndStatusListIssuers(dccStatusIssuer))
	require.NoError(t, err)
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		file, expect, ok := strings.Cut(sc.Text(), "\t")
		if !ok || file == "file" {
			continue
		}
		n++
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata/vectors/dcc", file))
			require.NoError(t, err)
			res, err := v.Verify(context.Background(), data, policy)
			switch expect {
			case "valid":
				require.NoError(t, err)
				assert.True(t, res.Verified)
				assert.Equal(t, res.Issuer, res.Credential.Issuer().ID)
			case "invalid: expired":
				assert.ErrorIs(t, err, vc.ErrExpired)
				c, _ := res.Check(microcred.CheckProof)
				assert.Equal(t, microcred.Passed, c.Outcome, "the signature itself is fine")
			case "invalid: not-yet-valid":
				assert.ErrorIs(t, err, vc.ErrNotYetValid)
			case "invalid: unknown-context":
				assert.ErrorIs(t, err, contexts.ErrUnknownContext)
			case "invalid: schema":
				assert.ErrorIs(t, err, openbadges.ErrSchema)
				c, _ := res.Check(microcred.CheckProof)
				assert.Equal(t, microcred.Passed, c.Outcome, "the signature itself is fine")
				lax, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe().AndStatusListIssuers(dccStatusIssuer), microcred.IgnoreTypeSchemaUnsafe())
				require.NoError(t, err)
				res, err = v.Verify(context.Background(), data, lax)
				require.NoError(t, err, "it verifies when the type schema is not required")
				c, _ = res.Check(microcred.CheckSchema)
				assert.Equal(t, microcred.Skipped, c.Outcome)
			case "invalid: signature":
				assert.ErrorIs(t, err, proof.ErrInvalidSignature)
			case "invalid: endorsement":
				assert.ErrorIs(t, err, vc.ErrExpired)
				c, _ := res.Check(microcred.CheckEndorsements)
				assert.Equal(t, microcred.Failed, c.Outcome)
				c, _ = res.Check(microcred.CheckProof)
				assert.Equal(t, microcred.Passed, c.Outcome)
			case "invalid: revoked":
				assert.ErrorIs(t, err, status.ErrRevoked)
				c, _ := res.Check(microcred.CheckStatus)
				assert.Equal(t, microcred.Failed, c.Outcome)
			case "invalid: wrong-status-list":
				// The DCC serves list e5WK8CbZ1GjycuPombrj at two mirror
				// URLs, but the list calls itself
				// https://testing.dcconsortium.org/status/e5WK8CbZ1GjycuPombrj:
				// a list that names another URL is not the one the entry
				// names (another list of the issuer's would verify as well).
				assert.ErrorIs(t, err, status.ErrWrongList)
				c, _ := res.Check(microcred.CheckStatus)
				assert.Equal(t, microcred.Failed, c.Outcome)
				c, _ = res.Check(microcred.CheckProof)
				assert.Equal(t, microcred.Passed, c.Outcome)
			case "invalid: status-list":
				assert.ErrorIs(t, err, status.ErrInvalidList)
				c, _ := res.Check(microcred.CheckStatus)
				assert.Equal(t, microcred.Failed, c.Outcome)
			default:
				t.Fatalf("unknown expectation %q", expect)
			}
		})
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, 61, n)
}

// Every valid DCC credential fails once tampered: a claim edited, the
// issuer swapped, a member added.
func TestVectorsTampered(t *testing.T) {
	v := newVerifier(t, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	policy, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe())
	require.NoError(t, err)
	for _, file := range []string{
		"v2_dataIntegrityProof_didKey_legacyRegistry-noStatus-noExpiry-alignments.json",
		"v1_dataIntegrityProof_didKey_oidf-noStatus-noExpiry.json",
		"v2_bothSignatureTypes_didkey_legacy-noStatus-notExpired-endorsement.json",
	} {
		data, err := os.ReadFile(filepath.Join("testdata/vectors/dcc", file))
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		for name, edit := range map[string]func(map[string]any){
			"name":   func(m map[string]any) { m["name"] = "Forged " + m["name"].(string) },
			"issuer": func(m map[string]any) { swapIssuer(m, "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2") },
			"member": func(m map[string]any) { m["awardedTo"] = "someone" },
		} {
			c := map[string]any{}
			for k, val := range m {
				c[k] = val
			}
			edit(c)
			bad, err := json.Marshal(c)
			require.NoError(t, err)
			_, err = v.Verify(context.Background(), bad, policy)
			require.Error(t, err, "%s: %s", file, name)
			assert.True(t, errors.Is(err, proof.ErrInvalidSignature) || errors.Is(err, canon.ErrUndefinedTerm) || errors.Is(err, microcred.ErrIssuerMismatch), "%s: %s: %v", file, name, err)
		}
	}
}

// dccStatusIssuer signs all of the DCC's test status lists.
const dccStatusIssuer = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"

// dccStatusLists serves the DCC status list credentials at the URLs the
// fixtures cite.
func dccStatusLists(t testing.TB) status.StaticFetcher {
	data, err := os.ReadFile("testdata/vectors/dcc/statusLists/URLS.tsv")
	require.NoError(t, err)
	f := status.StaticFetcher{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		url, file, ok := strings.Cut(line, "\t")
		require.True(t, ok)
		b, err := os.ReadFile(filepath.Join("testdata/vectors/dcc/statusLists", file))
		require.NoError(t, err)
		f[url] = b
	}
	return f
}

func swapIssuer(m map[string]any, id string) {
	switch iss := m["issuer"].(type) {
	case string:
		m["issuer"] = id
	case map[string]any:
		c := map[string]any{}
		for k, v := range iss {
			c[k] = v
		}
		c["id"] = id
		m["issuer"] = c
	}
}

// failingTransport fails the test if anything tries the network.
type failingTransport struct{ calls atomic.Int32 }

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.calls.Add(1)
	return nil, errors.New("network access during an offline test: " + r.URL.String())
}

// With networking unavailable to the process (http.DefaultTransport
// fails), verification of the vectors and of a credential citing an
// unknown context still behave: nothing tries the network.
func TestOfflineNoNetwork(t *testing.T) {
	ft := &failingTransport{}
	orig := http.DefaultTransport
	http.DefaultTransport = ft
	t.Cleanup(func() { http.DefaultTransport = orig })

	key := testKey(t, 1)
	signed := issue(t, key, obCredential(t, key.DID().String()))
	v := newVerifier(t, checkAt)
	_, err := v.Verify(context.Background(), signed, trust(t, key.DID().String()))
	require.NoError(t, err)

	const unknown = "https://contexts.example/unknown/v1"
	var m map[string]any
	require.NoError(t, json.Unmarshal(obCredential(t, key.DID().String()), &m))
	m["@context"] = append(m["@context"].([]any), unknown)
	withUnknown, err := json.Marshal(m)
	require.NoError(t, err)
	iss, err := microcred.NewIssuer(key)
	require.NoError(t, err)
	_, err = iss.Issue(context.Background(), withUnknown)
	require.Error(t, err)
	assert.ErrorIs(t, err, contexts.ErrUnknownContext)
	assert.Contains(t, err.Error(), unknown)

	_, err = v.Verify(context.Background(), signedWithContext(t, signed, unknown), trust(t, key.DID().String()))
	assert.ErrorIs(t, err, contexts.ErrUnknownContext)
	assert.Zero(t, ft.calls.Load(), "no network access")
}

// signedWithContext appends a context URL to a signed credential (which
// breaks the signature, but the loader must refuse before that matters).
func signedWithContext(t *testing.T, signed []byte, url string) []byte {
	var m map[string]any
	require.NoError(t, json.Unmarshal(signed, &m))
	m["@context"] = append(m["@context"].([]any), url)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

// BenchmarkVerifier_Verify: offline, end to end (parse, schema, proof with
// did:key resolution, issuer binding, validity) for the 50-N-Quad OB3
// credential.
func BenchmarkVerifier_Verify(b *testing.B) { benchmarkVerify(b) }

// BenchmarkVerifier_VerifyWithoutTypeSchema is BenchmarkVerifier_Verify
// without the OB 3.0 type schema (IgnoreTypeSchemaUnsafe): the difference
// is what that check costs.
func BenchmarkVerifier_VerifyWithoutTypeSchema(b *testing.B) {
	benchmarkVerify(b, microcred.IgnoreTypeSchemaUnsafe())
}

func benchmarkVerify(b *testing.B, opts ...microcred.PolicyOption) {
	key := testKey(b, 1)
	data, err := os.ReadFile("testdata/ob3/achievement-credential.json")
	if err != nil {
		b.Fatal(err)
	}
	data, err = vc.SetIssuer(data, key.DID().String())
	if err != nil {
		b.Fatal(err)
	}
	signed := issue(b, key, data)
	v := newVerifier(b, checkAt)
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), signed, policy); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifier_VerifyWithStatus: as BenchmarkVerifier_Verify, plus a
// revocation entry checked against a signed 131,072-entry list served by a
// static fetcher (the list's proof is verified and its bitstring decoded on
// every call: no cache).
func BenchmarkVerifier_VerifyWithStatus(b *testing.B) {
	key := testKey(b, 1)
	data, err := os.ReadFile("testdata/ob3/achievement-credential.json")
	if err != nil {
		b.Fatal(err)
	}
	data, err = vc.SetIssuer(data, key.DID().String())
	if err != nil {
		b.Fatal(err)
	}
	const listURL = "https://status.example/bench"
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		b.Fatal(err)
	}
	m["credentialStatus"] = map[string]any{"id": listURL + "#94567", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "94567", "statusListCredential": listURL}
	if data, err = json.Marshal(m); err != nil {
		b.Fatal(err)
	}
	signed := issue(b, key, data)
	l, err := status.NewList(status.MinBits, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Set(94566, 1); err != nil {
		b.Fatal(err)
	}
	listData, err := status.NewListCredential(status.ListCredential{ID: listURL, Issuer: key.DID().String(), Purpose: status.Revocation, ValidFrom: issuedAt, List: l})
	if err != nil {
		b.Fatal(err)
	}
	list := issue(b, key, listData)
	v := newVerifier(b, checkAt, microcred.WithStatusFetcher(status.StaticFetcher{listURL: list}))
	policy := trust(b, key.DID().String())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), signed, policy); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssuer_Issue(b *testing.B) {
	key := testKey(b, 1)
	data, err := os.ReadFile("testdata/ob3/achievement-credential.json")
	if err != nil {
		b.Fatal(err)
	}
	data, err = vc.SetIssuer(data, key.DID().String())
	if err != nil {
		b.Fatal(err)
	}
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return issuedAt }))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iss.Issue(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}

// Without trusting the DCC's list key, a list signed by someone other than
// the credential's issuer is refused.
func TestStatusListFromAnotherIssuerRefused(t *testing.T) {
	v := newVerifier(t, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), microcred.WithStatusFetcher(dccStatusLists(t)))
	policy, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe())
	require.NoError(t, err)
	data, err := os.ReadFile("testdata/vectors/dcc/v2_dataIntegrityProof_didKey_oidf-revokedStatus-noExpiry.json")
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), data, policy)
	assert.ErrorIs(t, err, status.ErrInvalidList)
	assert.NotErrorIs(t, err, status.ErrRevoked)
}
