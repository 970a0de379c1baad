package microcred_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/hostile"
	"github.com/onchaincert/microcred/internal/rdfc"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
	"github.com/onchaincert/microcred/vc/status"
)

var updateHostile = flag.Bool("update-hostile", false, "rewrite the generated files of testdata/hostile")

// hostileErrors names the sentinels MANIFEST.tsv may cite.
var hostileErrors = map[string]error{
	"strictjson.ErrTooDeep":          strictjson.ErrTooDeep,
	"strictjson.ErrDuplicateKey":     strictjson.ErrDuplicateKey,
	"strictjson.ErrSyntax":           strictjson.ErrSyntax,
	"strictjson.ErrTooLarge":         strictjson.ErrTooLarge,
	"rdfc.ErrTooMuchWork":            rdfc.ErrTooMuchWork,
	"vc.ErrInvalidCredential":        vc.ErrInvalidCredential,
	"contexts.ErrUnknownContext":     contexts.ErrUnknownContext,
	"canon.ErrUnsafe":                canon.ErrUnsafe,
	"canon.ErrUndefinedTerm":         canon.ErrUndefinedTerm,
	"canon.ErrRelativeIRI":           canon.ErrRelativeIRI,
	"canon.ErrNotCompacted":          canon.ErrNotCompacted,
	"canon.ErrAlias":                 canon.ErrAlias,
	"canon.ErrInvalidIRI":            canon.ErrInvalidIRI,
	"canon.ErrUnsupported":           canon.ErrUnsupported,
	"canon.ErrContext":               canon.ErrContext,
	"proof.ErrNoVerifiedProof":       proof.ErrNoVerifiedProof,
	"proof.ErrInvalidSignature":      proof.ErrInvalidSignature,
	"proof.ErrMalformedProof":        proof.ErrMalformedProof,
	"proof.ErrPurposeMismatch":       proof.ErrPurposeMismatch,
	"proof.ErrCreatedInFuture":       proof.ErrCreatedInFuture,
	"proof.ErrProofExpired":          proof.ErrProofExpired,
	"proof.ErrMissingPreviousProof":  proof.ErrMissingPreviousProof,
	"proof.ErrChallengeMismatch":     proof.ErrChallengeMismatch,
	"did.ErrInvalidDID":              did.ErrInvalidDID,
	"did.ErrMethodNotSupported":      did.ErrMethodNotSupported,
	"did.ErrNotAuthorized":           did.ErrNotAuthorized,
	"did.ErrSmallOrderKey":           did.ErrSmallOrderKey,
	"did.ErrPrivateKeyMaterial":      did.ErrPrivateKeyMaterial,
	"legacy.ErrHighS":                legacy.ErrHighS,
	"vcjwt.ErrAlgorithm":             vcjwt.ErrAlgorithm,
	"vcjwt.ErrClaims":                vcjwt.ErrClaims,
	"vcjwt.ErrCritical":              vcjwt.ErrCritical,
	"vcjwt.ErrKey":                   vcjwt.ErrKey,
	"vcjwt.ErrMalformed":             vcjwt.ErrMalformed,
	"vc.ErrExpired":                  vc.ErrExpired,
	"vc.ErrNotYetValid":              vc.ErrNotYetValid,
	"microcred.ErrIssuerMismatch":    microcred.ErrIssuerMismatch,
	"microcred.ErrUntrustedIssuer":   microcred.ErrUntrustedIssuer,
	"status.ErrRevoked":              status.ErrRevoked,
	"status.ErrSuspended":            status.ErrSuspended,
	"microcred.ErrUnsupportedFormat": microcred.ErrUnsupportedFormat,
	"microcred.ErrHolderMismatch":    microcred.ErrHolderMismatch,
	"openbadges.ErrSchema":           openbadges.ErrSchema,
	"status.ErrInvalidList":          status.ErrInvalidList,
	"status.ErrNoList":               status.ErrNoList,
	"status.ErrWrongList":            status.ErrWrongList,
	"status.ErrStaleList":            status.ErrStaleList,
	"bake.ErrMultiple":               bake.ErrMultiple,
	"bake.ErrMalformed":              bake.ErrMalformed,
	"microcred.ErrWithheld":          microcred.ErrWithheld,
	"ecdsasd2023.ErrBaseProof":       ecdsasd2023.ErrBaseProof,
	"bake.ErrLimit":                  bake.ErrLimit,
}

type hostileCase struct{ file, setup, check, err, what string }

func readManifest(t *testing.T) []hostileCase {
	t.Helper()
	f, err := os.Open("testdata/hostile/MANIFEST.tsv")
	require.NoError(t, err)
	defer f.Close()
	var cases []hostileCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		require.Len(t, cols, 5, "MANIFEST.tsv: %q", line)
		cases = append(cases, hostileCase{cols[0], cols[1], cols[2], cols[3], cols[4]})
	}
	require.NoError(t, sc.Err())
	return cases
}

// TestHostileCorpus: every file in testdata/hostile is rejected by the check
// MANIFEST.tsv names, with an error wrapping the sentinel it names, within a
// second, and without a panic; the checks before it pass and those after it
// are skipped. The two controls verify. A file without a manifest line fails.
func TestHostileCorpus(t *testing.T) {
	cases := readManifest(t)
	listed := map[string]bool{}
	for _, c := range cases {
		require.False(t, listed[c.file], "%s listed twice", c.file)
		listed[c.file] = true
	}
	entries, err := os.ReadDir("testdata/hostile")
	require.NoError(t, err)
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "README.md" && e.Name() != "MANIFEST.tsv" {
			assert.True(t, listed[e.Name()], "%s has no line in MANIFEST.tsv", e.Name())
		}
	}
	v := hostileVerifier(t)
	hostiles := 0
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/hostile", c.file))
			require.NoError(t, err)
			start := time.Now()
			var checks []microcred.CheckResult
			var verified bool
			var cred *vc.Credential
			if c.setup == "vp" {
				res, verr := v.VerifyPresentation(context.Background(), data, hostilePolicy(t, c.setup), microcred.PresentationOptions{Challenge: hostile.Challenge})
				require.NotNil(t, res)
				err, checks, verified = verr, res.Checks, res.Verified
			} else {
				res, verr := v.Verify(context.Background(), data, hostilePolicy(t, c.setup))
				require.NotNil(t, res)
				err, checks, verified, cred = verr, res.Checks, res.Verified, res.Credential
			}
			assert.Less(t, time.Since(start), time.Second)
			if c.check == "-" {
				require.NoError(t, err, "control %s must verify", c.file)
				assert.True(t, verified)
				return
			}
			require.Error(t, err)
			assert.False(t, verified)
			assert.Nil(t, cred)
			target, ok := hostileErrors[c.err]
			require.True(t, ok, "MANIFEST.tsv names unknown error %q", c.err)
			assert.ErrorIs(t, err, target, "%s: %s", c.file, c.what)
			// The named check is the one that failed; nothing else did.
			var failed []string
			for _, ch := range checks {
				if ch.Outcome == microcred.Failed {
					failed = append(failed, string(ch.Check))
				}
			}
			assert.Equal(t, strings.Split(c.check, "+"), failed, "%s: %v", c.file, err)
		})
		if c.check != "-" {
			hostiles++
		}
	}
	assert.GreaterOrEqual(t, hostiles, 60, "the corpus has at least 60 hostile inputs")
}

// TestHostileCorpusIsGenerated: the generated files are what
// internal/hostile makes (run with -update-hostile to rewrite them).
func TestHostileCorpusIsGenerated(t *testing.T) {
	base, err := os.ReadFile("testdata/ob3/achievement-credential.json")
	require.NoError(t, err)
	files, err := hostile.Generate(base)
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for name, want := range files {
		path := filepath.Join("testdata/hostile", name)
		if *updateHostile {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, want, 0o644))
			continue
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err, "run go test -run TestHostileCorpusIsGenerated -update-hostile")
		assert.True(t, bytes.Equal(want, got), "%s differs from what internal/hostile makes", name)
	}
}

// hostileVerifier is the verifier the corpus runs against: every suite,
// did:key and did:jwk, JWTs, the corpus' clock and its status lists.
func hostileVerifier(t testing.TB) *microcred.Verifier {
	t.Helper()
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}, "jwk": didjwk.Resolver{}})
	require.NoError(t, err)
	rdfcSuite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	ecdsaRDFC, err := ecdsa2019.NewRDFC(contexts.Default())
	require.NoError(t, err)
	ed2020, err := legacy.NewEd25519Signature2020(contexts.Default())
	require.NoError(t, err)
	secp2019, err := legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	require.NoError(t, err)
	sd, err := ecdsasd2023.New(contexts.Default())
	require.NoError(t, err)
	lists := status.StaticFetcher{}
	for url, file := range map[string]string{
		hostile.ListRevocation:  "revocation.json",
		hostile.ListSuspension:  "suspension.json",
		hostile.ListOtherIssuer: "other-issuer.json",
		hostile.ListTampered:    "tampered.json",
		hostile.ListReplayed:    "replayed.json",
		hostile.ListExpired:     "expired.json",
		hostile.ListRespelled:   "respelled.json",
	} {
		data, err := os.ReadFile(filepath.Join("testdata/hostile/lists", file))
		require.NoError(t, err)
		lists[url] = data
	}
	v, err := microcred.NewVerifier(microcred.Trusted{
		Resolver:  r,
		Suites:    []proof.Suite{rdfcSuite, eddsa2022.NewJCS(), ecdsaRDFC, ecdsa2019.NewJCS(), ed2020, secp2019, sd},
		AcceptJWT: true,
	}, microcred.WithClock(func() time.Time { return hostile.Now }), microcred.WithStatusFetcher(lists))
	require.NoError(t, err)
	return v
}

// hostilePolicy: "trust" trusts the corpus issuer, "trust-other" only the
// other party, "any" any issuer (the older hand-made files); "sd" trusts
// the ecdsa-sd-2023 issuer (and the corpus issuer's status lists) with the
// default disclosure policy, "require-disclosure" also requires validFrom.
func hostilePolicy(t testing.TB, setup string) microcred.Policy {
	t.Helper()
	issuer, other, err := hostile.Keys()
	require.NoError(t, err)
	var opts []microcred.PolicyOption
	var trust microcred.Trust
	switch setup {
	case "trust", "vp":
		trust = microcred.TrustIssuers(issuer.DID().String())
	case "trust-other":
		trust = microcred.TrustIssuers(other.DID().String())
	case "sd", "require-disclosure":
		sdKey, err := hostile.SDKey()
		require.NoError(t, err)
		trust = microcred.TrustIssuers(sdKey.DID().String()).AndStatusListIssuers(issuer.DID().String())
		if setup == "require-disclosure" {
			opts = append(opts, microcred.RequireDisclosure("validFrom"))
		}
	default:
		trust = microcred.AnyIssuerUnsafe()
	}
	p, err := microcred.NewPolicy(trust, opts...)
	require.NoError(t, err)
	return p
}

// TestRespellingsKeepTheGraph: each respelled corpus file has exactly the
// RDF graph of the file it was made from (document and proof
// configurations, canonicalized by json-gold, which takes any spelling), so
// its signature is still valid: what refuses it is the compacted-form rule,
// not a broken proof. Without those rules each would verify.
func TestRespellingsKeepTheGraph(t *testing.T) {
	ref, err := canon.NewRDFC(canon.Options{Loader: contexts.Default(), ReferenceOnly: true})
	require.NoError(t, err)
	graphs := func(t *testing.T, file string) []string {
		data, err := os.ReadFile(filepath.Join("testdata/hostile", file))
		require.NoError(t, err)
		v, err := strictjson.Decode(data, strictjson.Limits{})
		require.NoError(t, err)
		doc := v.(map[string]any)
		unsecured := map[string]any{}
		for k, e := range doc {
			if k != "proof" {
				unsecured[k] = e
			}
		}
		d, err := ref.Canonicalize(unsecured)
		require.NoError(t, err, "json-gold takes %s", file)
		out := []string{string(d)}
		proofs, isList := doc["proof"].([]any)
		if !isList {
			proofs = []any{doc["proof"]}
		}
		for _, p := range proofs {
			cfg := map[string]any{"@context": doc["@context"]}
			for k, e := range p.(map[string]any) {
				if k != "proofValue" {
					cfg[k] = e
				}
			}
			c, err := ref.Canonicalize(cfg)
			require.NoError(t, err)
			out = append(out, string(c), p.(map[string]any)["proofValue"].(string))
		}
		return out
	}
	require.NotEmpty(t, hostile.Respellings())
	for file, from := range hostile.Respellings() {
		t.Run(file, func(t *testing.T) {
			assert.Equal(t, graphs(t, from), graphs(t, file), "%s must keep the graph (and proof) of %s", file, from)
		})
	}
}
