package microcred_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc"
)

const pipelineSubject = "did:example:ebfeb1f712ebc6f1c276e12ec21"

// vcPipeline is the report order of a VC's verification by a verifier
// with a refresher, receipts and the two checkers of pipelineVerifier,
// under a policy that expects a recipient: every check that applies.
var vcPipeline = []string{"parse", "schema", "proof", "issuer", "refresh", "status", "validity", "endorsements", "anchor", "recipient", "first", "second"}

// pipelineVerifier verifies with every optional step that applies to
// any credential: a refresher (with nothing newer), receipts (none for
// these credentials), and two custom checkers, which fail when the
// credential's name is theirs.
func pipelineVerifier(t *testing.T, opts ...microcred.Option) *microcred.Verifier {
	failsOn := func(name string) func(context.Context, *vc.Credential) error {
		return (func(_ context.Context, c *vc.Credential) error {
			if c.Name() == name {
				return errors.New("checker " + name + " says no")
			}
			return nil
		})
	}
	return newVerifier(t, checkAt, append([]microcred.Option{
		microcred.WithRefresher(func(context.Context, *vc.Credential, json.RawMessage) ([]byte, error) { return nil, nil }),
		microcred.WithReceipts(anchor.Receipts{}),
		microcred.WithChecker("first", failsOn("first")),
		microcred.WithChecker("second", failsOn("second")),
	}, opts...)...)
}

// assertPipeline asserts that res lists every check of want exactly once,
// in that order; that the first failed check is failed; and that exactly
// the checks of skipped (by their prerequisite on failed) are Skipped
// with a reason naming it.
func assertPipeline(t *testing.T, res *microcred.Result, err error, want []string, failed string, skipped ...string) {
	t.Helper()
	require.Error(t, err)
	require.NotNil(t, res)
	var names []string
	for _, c := range res.Checks {
		names = append(names, string(c.Check))
	}
	require.Equal(t, want, names, "every check exactly once, in table order")
	first := ""
	for _, c := range res.Checks {
		if c.Outcome == microcred.Failed {
			first = string(c.Check)
			break
		}
	}
	require.Equal(t, failed, first, "%+v", res.Checks)
	after := "the " + failed + " check failed"
	for _, c := range res.Checks {
		isSkipped := false
		for _, s := range skipped {
			isSkipped = isSkipped || s == string(c.Check)
		}
		if isSkipped {
			assert.Equal(t, microcred.Skipped, c.Outcome, "%s after %s failed", c.Check, failed)
			if assert.Error(t, c.Err, c.Check) {
				assert.Contains(t, c.Err.Error(), after, "%s: the reason names the failed prerequisite", c.Check)
			}
		} else if c.Err != nil {
			assert.NotContains(t, c.Err.Error(), "skipped: ", "%s does not depend on %s", c.Check, failed)
		}
	}
}

// TestPipelineSkipsAfterFailure: whichever check of a VC's verification
// fails, the report lists every later check once, in order, and the
// checks that need the failed one Skipped with a reason naming it.
func TestPipelineSkipsAfterFailure(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	issuer := key.DID().String()
	plain := obCredential(t, issuer)
	signed := issue(t, key, plain)
	named := func(name string) []byte {
		return issue(t, key, bytes.Replace(plain, []byte(`"name": "Teamwork Badge"`), []byte(`"name": "`+name+`"`), 1))
	}
	policy := func(t *testing.T, trust microcred.Trust, opts ...microcred.PolicyOption) microcred.Policy {
		p, err := microcred.NewPolicy(trust, append([]microcred.PolicyOption{microcred.ExpectRecipient(pipelineSubject)}, opts...)...)
		require.NoError(t, err)
		return p
	}
	trusted := func(t *testing.T) microcred.Policy { return policy(t, microcred.TrustIssuers(issuer)) }
	v := pipelineVerifier(t)

	// The valid credential: every check runs (the optional ones not
	// applicable to it skip as such).
	res, err := v.Verify(ctx, signed, trusted(t))
	require.NoError(t, err, "%+v", res.Checks)
	var names []string
	for _, c := range res.Checks {
		names = append(names, string(c.Check))
	}
	require.Equal(t, vcPipeline, names)

	afterProof := vcPipeline[3:] // issuer … second
	noDescription := bytes.Replace(plain, []byte(`"description": "This badge recognizes the development of the capacity to collaborate within a group environment.",`), nil, 1)
	require.NotEqual(t, plain, noDescription)
	withUntil := bytes.Replace(plain, []byte(`"validFrom"`), []byte(`"validUntil": "2025-04-01T00:00:00Z", "validFrom"`), 1)
	for _, c := range []struct {
		name    string
		input   []byte
		policy  microcred.Policy
		failed  string
		skipped []string
	}{
		{"parse: not a credential", []byte("not a credential"), trusted(t), "parse", vcPipeline[1:]},
		{"parse: a broken PNG", []byte("\x89PNG\r\n\x1a\n"), trusted(t), "parse", vcPipeline[1:]},
		{"parse: duplicate member", bytes.Replace(signed, []byte(`"name": "Teamwork Badge"`), []byte(`"name": "Teamwork Badge", "name": "x"`), 1), trusted(t), "parse", vcPipeline[1:]},
		{"schema: the type schema needs a description", issue(t, key, noDescription), trusted(t), "schema", []string{"refresh"}},
		{"proof: a claim changed after signing", bytes.Replace(signed, []byte("Teamwork Badge"), []byte("Teamwork Badgf"), 1), trusted(t), "proof", afterProof},
		{"issuer: not trusted", signed, policy(t, microcred.TrustIssuers(testKey(t, 2).DID().String())), "issuer", []string{"refresh"}},
		{"validity: expired", issue(t, key, withUntil), trusted(t), "validity", nil},
		{"recipient: someone else", signed, policy(t, microcred.TrustIssuers(issuer), microcred.ExpectRecipient("did:example:other")), "recipient", nil},
		{"first checker", named("first"), trusted(t), "first", nil},
		{"second checker", named("second"), trusted(t), "second", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := v.Verify(ctx, c.input, c.policy)
			assertPipeline(t, res, err, vcPipeline, c.failed, c.skipped...)
			assert.False(t, res.Verified)
		})
	}
	// A zero Policy expects no recipient: that check is not part of the
	// verification, the others are.
	withoutRecipient := append(vcPipeline[:9:9], vcPipeline[10:]...)
	res, err = v.Verify(ctx, signed, microcred.Policy{})
	assertPipeline(t, res, err, withoutRecipient, "parse", withoutRecipient[1:]...)
}

// TestPipelineBlockcertsV2SkipsAfterFailure: a Blockcerts v2 certificate
// whose proof cannot be checked (no WithBlockcerts) lists every later
// check, the recipient and custom checks included, Skipped.
func TestPipelineBlockcertsV2SkipsAfterFailure(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata/blockcerts", "certs/v2/mainnet-valid-2.0.json"))
	require.NoError(t, err)
	p, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe(), microcred.ExpectRecipient(pipelineSubject))
	require.NoError(t, err)
	res, err := pipelineVerifier(t).Verify(context.Background(), data, p)
	want := []string{"parse", "schema", "proof", "issuer", "status", "validity", "endorsements", "anchor", "recipient", "first", "second"}
	assertPipeline(t, res, err, want, "proof", want[3:]...)
	assert.ErrorIs(t, err, microcred.ErrNoBlockcerts)
}

// TestPipelinePresentationSkipsAfterFailure: a presentation refused at
// parse or proof lists its later checks Skipped, naming the failure.
func TestPipelinePresentationSkipsAfterFailure(t *testing.T) {
	v := newVerifier(t, checkAt)
	p := trust(t, testKey(t, 1).DID().String())
	names := func(checks []microcred.CheckResult) (out []string) {
		for _, c := range checks {
			out = append(out, string(c.Check))
			if c.Check != microcred.CheckParse && c.Check != microcred.CheckProof {
				assert.Equal(t, microcred.Skipped, c.Outcome, c.Check)
				if assert.Error(t, c.Err) {
					assert.True(t, strings.Contains(c.Err.Error(), "the parse check failed") || strings.Contains(c.Err.Error(), "the proof check failed"), c.Err.Error())
				}
			}
		}
		return out
	}
	res, err := v.VerifyPresentation(context.Background(), []byte(`{}`), p, microcred.PresentationOptions{})
	require.Error(t, err)
	assert.Equal(t, []string{"parse", "proof", "holder", "credentials"}, names(res.Checks), "no challenge")
	res, err = v.VerifyPresentation(context.Background(), []byte(`[]`), p, microcred.PresentationOptions{Challenge: "c"})
	require.Error(t, err)
	assert.Equal(t, []string{"parse", "proof", "holder", "credentials"}, names(res.Checks), "not a presentation")
}

// TestCheckerNamesComeFromTheTables: a custom checker cannot take the
// name of any built-in step, those a hand-kept list left out included
// (disclosure, holder, credentials).
func TestCheckerNamesComeFromTheTables(t *testing.T) {
	r := did.ResolverFunc(nil)
	for _, name := range []string{"parse", "schema", "proof", "issuer", "refresh", "status", "validity", "endorsements", "anchor", "recipient", "disclosure", "holder", "credentials"} {
		_, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{eddsa2022.NewJCS()}},
			microcred.WithChecker(microcred.Check(name), (func(context.Context, *vc.Credential) error { return nil })))
		assert.ErrorContains(t, err, "built-in check", name)
	}
	_, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{eddsa2022.NewJCS()}},
		microcred.WithChecker("accreditation", (func(context.Context, *vc.Credential) error { return nil })))
	assert.NoError(t, err)
}
