package proof_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
)

// A proof set in which one proof's previousProof names a proof the set
// lacks is broken as a whole (DI 1.0 4.5): verification fails even though
// another proof of the set verifies on its own. (The W3C vc-di-eddsa
// suite's previousProof tests send exactly this.)
func TestBrokenChainFailsTheSet(t *testing.T) {
	ctx := context.Background()
	key, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	other, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	created := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	base := []byte(`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": "` + key.DID().String() + `", "credentialSubject": {"id": "did:example:alice"}}`)

	withC, err := proof.Sign(ctx, base, suite, key, proof.Options{ID: "urn:proof:c", Created: created})
	require.NoError(t, err)
	chained, err := proof.Sign(ctx, withC, suite, key, proof.Options{PreviousProof: []string{"urn:proof:c"}, Created: created})
	require.NoError(t, err)
	alone, err := proof.Sign(ctx, base, suite, other, proof.Options{Created: created})
	require.NoError(t, err)

	var c, a map[string]any
	require.NoError(t, json.Unmarshal(chained, &c))
	require.NoError(t, json.Unmarshal(alone, &a))
	opts := proof.VerifyOptions{Suites: []proof.Suite{suite}, Resolver: resolver, Now: created.Add(time.Hour)}

	// The chain as signed verifies.
	_, err = proof.Verify(ctx, chained, opts)
	require.NoError(t, err)

	// The set {A, B} where B's previous proof C is gone.
	c["proof"] = []any{a["proof"], c["proof"].([]any)[1]}
	broken, err := json.Marshal(c)
	require.NoError(t, err)
	res, err := proof.Verify(ctx, broken, opts)
	require.Error(t, err)
	assert.ErrorIs(t, err, proof.ErrMissingPreviousProof)
	assert.Nil(t, res.Verified(), "no proof of a broken set counts as verified")

	// A alone still verifies.
	_, err = proof.Verify(ctx, alone, opts)
	assert.NoError(t, err)
}
