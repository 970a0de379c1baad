package microcred_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/rdfc"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
)

// TestHostileCorpus: every file in testdata/hostile fails with the error
// named here, quickly, and a file without an expectation fails the test.
func TestHostileCorpus(t *testing.T) {
	want := map[string]error{
		"deep-nesting.json":                    strictjson.ErrTooDeep,
		"duplicate-proof-member.json":          strictjson.ErrDuplicateKey,
		"number-out-of-range.json":             strictjson.ErrSyntax,
		"poison-blank-node-clique.json":        rdfc.ErrTooMuchWork,
		"too-many-proofs.json":                 vc.ErrInvalidCredential,
		"unknown-context.json":                 contexts.ErrUnknownContext,
		"protected-term-redefined.json":        proof.ErrNoVerifiedProof,
		"inline-context-added-member.json":     proof.ErrInvalidSignature,
		"proofvalue-not-base58.json":           proof.ErrMalformedProof,
		"trailing-data.json":                   strictjson.ErrSyntax,
		"too-large.json":                       strictjson.ErrTooLarge,
		"verification-method-swapped.json":     proof.ErrInvalidSignature,
		"verification-method-garbage-did.json": did.ErrInvalidDID,
		"jwt-alg-none.jwt":                     vcjwt.ErrAlgorithm,
		"proof-purpose-authentication.json":    proof.ErrPurposeMismatch,
		"invalid-utf8.json":                    strictjson.ErrSyntax,
	}
	files, err := filepath.Glob("testdata/hostile/*")
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{suite}, AcceptJWT: true},
		microcred.WithClock(func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }))
	require.NoError(t, err)
	policy, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe())
	require.NoError(t, err)
	n := 0
	for _, f := range files {
		name := filepath.Base(f)
		if name == "README.md" {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			target, ok := want[name]
			require.True(t, ok, "no expectation for %s", name)
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			start := time.Now()
			res, err := v.Verify(context.Background(), data, policy)
			require.Error(t, err)
			assert.Less(t, time.Since(start), time.Second)
			require.NotNil(t, res)
			assert.False(t, res.Verified)
			assert.Nil(t, res.Credential)
			assert.True(t, errors.Is(err, target), "want %v, got %v", target, err)
		})
	}
	assert.Equal(t, len(want), n)
}
