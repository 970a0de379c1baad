package report_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/hostile"
	"github.com/onchaincert/microcred/web/internal/report"
)

func corpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "hostile", name))
	require.NoError(t, err)
	return b
}

func issuer(t *testing.T) string {
	t.Helper()
	k, _, err := hostile.Keys()
	require.NoError(t, err)
	return k.DID().String()
}

func failed(r *report.Report) []string {
	var f []string
	for _, c := range r.Checks {
		if c.Outcome == microcred.Failed {
			f = append(f, c.Check)
		}
	}
	return f
}

var now = hostile.Now.Format(time.RFC3339)

// TestVerify: a trusted valid credential verifies and carries its
// verified bytes; a tampered one fails at proof and carries none; with no
// trust list only trust is missing; with another issuer listed it is
// untrusted; a revoked one fails at status only with its list beside it.
func TestVerify(t *testing.T) {
	ctx := context.Background()
	valid := corpus(t, "valid.json")
	rep := report.Verify(ctx, report.Request{Input: valid, TrustList: []byte("# mine\n" + issuer(t) + "\n"), Now: now})
	require.Empty(t, rep.Error)
	assert.True(t, rep.Verified)
	assert.Equal(t, report.Trusted, rep.Trust)
	assert.Equal(t, 1, rep.TrustedCount)
	assert.JSONEq(t, string(valid), string(rep.Credential))
	assert.Nil(t, rep.UnverifiedCredential)
	assert.Equal(t, "json", rep.Format)
	assert.Equal(t, "Example Technical Institute", rep.ClaimedIssuerName)

	rep = report.Verify(ctx, report.Request{Input: corpus(t, "tampered-achievement-name.json"), TrustList: []byte(issuer(t)), Now: now})
	assert.False(t, rep.Verified)
	assert.Equal(t, []string{"proof"}, failed(rep))
	assert.Nil(t, rep.Credential, "no verified bytes for what did not verify")
	assert.NotNil(t, rep.UnverifiedCredential)

	rep = report.Verify(ctx, report.Request{Input: valid, Now: now})
	assert.False(t, rep.Verified)
	assert.Equal(t, []string{"issuer"}, failed(rep))
	assert.True(t, rep.OnlyTrustMissing)
	assert.Equal(t, report.Untrusted, rep.Trust)

	_, other, err := hostile.Keys()
	require.NoError(t, err)
	rep = report.Verify(ctx, report.Request{Input: valid, TrustList: []byte(`["` + other.DID().String() + `"]`), Now: now})
	assert.False(t, rep.Verified)
	assert.Equal(t, report.Untrusted, rep.Trust)

	rep = report.Verify(ctx, report.Request{Input: valid, AnyIssuerUnsafe: true, Now: now})
	assert.True(t, rep.Verified)
	assert.Equal(t, report.AnyIssuer, rep.Trust)

	revoked := corpus(t, "status-revoked.json")
	rep = report.Verify(ctx, report.Request{Input: revoked, TrustList: []byte(issuer(t)), Now: now,
		Extras: []report.File{{Name: "list.json", Data: corpus(t, "lists/revocation.json")}, {Name: "notes.txt", Data: []byte("hello")}}})
	assert.Equal(t, []string{"status"}, failed(rep))
	assert.ErrorContains(t, nil2err(rep), "revoked")
	assert.Len(t, rep.Used, 1)
	assert.Len(t, rep.Ignored, 1)
	// Without the list the status check cannot pass either: nothing is fetched.
	rep = report.Verify(ctx, report.Request{Input: revoked, TrustList: []byte(issuer(t)), Now: now})
	assert.Equal(t, []string{"status"}, failed(rep))

	rep = report.Verify(ctx, report.Request{Input: corpus(t, "expired.json"), TrustList: []byte(issuer(t)), Now: now})
	assert.Equal(t, []string{"validity"}, failed(rep))
	// The same credential the day it was valid.
	rep = report.Verify(ctx, report.Request{Input: valid, TrustList: []byte(issuer(t)), Now: "2200-01-01T00:00:00Z"})
	assert.Equal(t, []string{"validity"}, failed(rep), "the time given is the one checked")
}

func nil2err(r *report.Report) error {
	for _, c := range r.Checks {
		if c.Outcome == microcred.Failed {
			return &checkErr{c.Error}
		}
	}
	return nil
}

type checkErr struct{ s string }

func (e *checkErr) Error() string { return e.s }

// TestBadRequests: a bad trust list or time is an error naming it, and
// nothing is verified.
func TestBadRequests(t *testing.T) {
	valid := corpus(t, "valid.json")
	for name, req := range map[string]report.Request{
		"empty list":   {Input: valid, TrustList: []byte("# nobody\n")},
		"DID URL":      {Input: valid, TrustList: []byte(issuer(t) + "#key-1")},
		"not a DID":    {Input: valid, TrustList: []byte("school")},
		"bad JSON":     {Input: valid, TrustList: []byte(`["did:key:z6Mk"`)},
		"JSON + more":  {Input: valid, TrustList: []byte(`["` + issuer(t) + `"] x`)},
		"bad time":     {Input: valid, AnyIssuerUnsafe: true, Now: "yesterday"},
		"empty string": {Input: valid, TrustList: []byte{}},
	} {
		rep := report.Verify(context.Background(), req)
		assert.NotEmpty(t, rep.Error, name)
		assert.False(t, rep.Verified, name)
		assert.Empty(t, rep.Checks, name)
	}
}

func TestKind(t *testing.T) {
	assert.Equal(t, report.KindCredential, report.Kind(corpus(t, "valid.json")))
	assert.Equal(t, report.KindCredential, report.Kind(corpus(t, "jwt-valid.jwt")))
	assert.Equal(t, report.KindCredential, report.Kind(corpus(t, "baked-tampered.svg")))
	assert.Equal(t, report.KindStatusList, report.Kind(corpus(t, "lists/revocation.json")))
	assert.Equal(t, report.KindCredential, report.Kind(corpus(t, "deep-nesting.json")), "JSON the parser refuses is still the thing to verify")
	assert.Equal(t, report.KindUnknown, report.Kind([]byte("hello")))
}

func TestParseTrustList(t *testing.T) {
	ids, err := report.ParseTrustList([]byte("  # comment\n\ndid:key:z6MktULudTtAsAhRegYPiZ6631RV3viv12qd4GQF8z1xB22S \nhttps://issuer.example/profile\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"did:key:z6MktULudTtAsAhRegYPiZ6631RV3viv12qd4GQF8z1xB22S", "https://issuer.example/profile"}, ids)
}

func FuzzVerify(f *testing.F) {
	valid, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "hostile", "valid.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid, []byte("did:example:x"))
	f.Add([]byte(`{"@context":[]}`), []byte(`[]`))
	f.Fuzz(func(t *testing.T, input, trust []byte) {
		switch k := report.Kind(input); k {
		case report.KindCredential, report.KindStatusList, report.KindReceipt, report.KindDIDDoc, report.KindUnknown:
		default:
			t.Fatalf("Kind returned %q", k)
		}
		rep := report.Verify(context.Background(), report.Request{Input: input, TrustList: trust, Now: now,
			Extras: []report.File{{Name: "beside", Data: input}}})
		if rep.Verified && rep.Credential == nil {
			t.Fatal("verified without verified bytes")
		}
		if !rep.Verified && rep.Credential != nil {
			t.Fatal("verified bytes for an unverified input")
		}
	})
}

// TestReceiptBeside: an anchor receipt dropped beside the credential is
// graded (an unanchored batch: L0), shown as its level; a receipt whose
// path was altered fails the anchor check; one for another credential
// leaves it unchecked.
func TestReceiptBeside(t *testing.T) {
	valid := corpus(t, "valid.json")
	tree, err := anchor.NewTree(anchor.ModeRFC6962)
	require.NoError(t, err)
	for _, leaf := range [][]byte{anchor.Leaf(valid), anchor.Leaf([]byte("another credential")), anchor.Leaf([]byte("a third"))} {
		_, err := tree.Append(leaf)
		require.NoError(t, err)
	}
	receipt := func(i uint64, edit func(*anchor.Receipt)) []byte {
		rc, err := tree.Receipt(i)
		require.NoError(t, err)
		if edit != nil {
			edit(rc)
		}
		b, err := json.Marshal(rc)
		require.NoError(t, err)
		return b
	}
	run := func(rc []byte) *report.Report {
		return report.Verify(context.Background(), report.Request{Input: valid, TrustList: []byte(issuer(t)), Now: now,
			Extras: []report.File{{Name: "receipt.json", Data: rc}}})
	}
	rep := run(receipt(0, nil))
	require.Len(t, rep.Used, 1, "the receipt was taken: %v", rep.Ignored)
	assert.True(t, rep.Verified, "%+v", rep.Checks)
	require.NotNil(t, rep.Anchor)
	assert.Equal(t, "L0", rep.Anchor.Level)
	ac := findCheck(rep, microcred.CheckAnchor)
	assert.Equal(t, microcred.Passed, ac.Outcome)

	rep = run(receipt(0, func(r *anchor.Receipt) { r.Path[0][0] ^= 1 }))
	assert.False(t, rep.Verified)
	assert.Equal(t, []string{string(microcred.CheckAnchor)}, failed(rep))

	rep = run(receipt(1, nil))
	assert.True(t, rep.Verified)
	assert.Equal(t, microcred.Skipped, findCheck(rep, microcred.CheckAnchor).Outcome, "no receipt for this credential")
}

func findCheck(r *report.Report, name microcred.Check) report.Check {
	for _, c := range r.Checks {
		if c.Check == string(name) {
			return c
		}
	}
	return report.Check{}
}
