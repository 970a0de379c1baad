package merkle2019_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/merkle2019"
)

// TestChainedProof: cert-verifier-js's ChainedProof2021 certificate (an
// EcdsaSecp256k1Signature2019, then a MerkleProof2019 whose previousProof
// is that signature) passes the Merkle steps, with the targetHash over
// the credential and the signature before it; a previousProof that is not
// the proof before it fails at parse, and a changed earlier proof at
// targetHash.
func TestChainedProof(t *testing.T) {
	ctx := context.Background()
	orig := readCVJ(t, "certs/v3/proof-chain-example-secp256k1.json")
	v, err := merkle2019.NewVerifier(merkle2019.Options{Require: anchor.L0})
	require.NoError(t, err)
	res, err := v.Verify(ctx, orig)
	require.NoError(t, err)
	assert.Equal(t, 1, res.ProofIndex)
	assert.Equal(t, "did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ#key-1", res.VerificationMethod)

	edit := func(f func(proofs []any)) []byte {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(orig, &doc))
		f(doc["proof"].([]any))
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		return b
	}
	merkle := func(proofs []any) map[string]any { return proofs[1].(map[string]any) }
	for name, c := range map[string]struct {
		doc  []byte
		step merkle2019.Step
		want error
	}{
		"previousProof changed": {edit(func(p []any) {
			merkle(p)["previousProof"].(map[string]any)["created"] = "2022-07-13T20:21:41.114Z"
		}), merkle2019.StepParse, merkle2019.ErrPreviousProof},
		"previousProof missing": {edit(func(p []any) { delete(merkle(p), "previousProof") }),
			merkle2019.StepParse, merkle2019.ErrPreviousProof},
		"previousProof an unknown id": {edit(func(p []any) { merkle(p)["previousProof"] = "urn:uuid:other" }),
			merkle2019.StepParse, merkle2019.ErrPreviousProof},
		"earlier proof dropped": {edit(func(p []any) { p[0] = p[1]; p[1] = map[string]any{"type": "Other"} }),
			merkle2019.StepParse, merkle2019.ErrPreviousProof},
		"proofs swapped": {edit(func(p []any) { p[0], p[1] = p[1], p[0] }),
			merkle2019.StepParse, merkle2019.ErrPreviousProof},
		// The signature and the previousProof changed alike: the chain
		// is consistent, and the targetHash (which covers the earlier
		// proof) no longer matches.
		"earlier proof changed consistently": {edit(func(p []any) {
			p[0].(map[string]any)["created"] = "2022-07-13T20:21:41.114Z"
			merkle(p)["previousProof"].(map[string]any)["created"] = "2022-07-13T20:21:41.114Z"
		}), merkle2019.StepTargetHash, merkle2019.ErrTargetHashMismatch},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := v.Verify(ctx, c.doc)
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, string(c.step), stepOf(t, err))
		})
	}
}
