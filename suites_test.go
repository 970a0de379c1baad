package microcred_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/vc/contexts"
)

// TestDefaultSuites: every suite the module verifies, once each, and a
// verifier built on them verifies an ecdsa-rdfc-2019 credential, which
// the README's verifier (eddsa-rdfc-2022 alone) used to refuse.
func TestDefaultSuites(t *testing.T) {
	_, err := microcred.DefaultSuites(nil)
	assert.Error(t, err)
	suites, err := microcred.DefaultSuites(contexts.Default())
	require.NoError(t, err)
	var names []string
	for _, s := range suites {
		n := s.Type()
		if s.Cryptosuite() != "" {
			n += "/" + s.Cryptosuite()
		}
		names = append(names, n)
	}
	assert.Equal(t, []string{
		"DataIntegrityProof/eddsa-rdfc-2022", "DataIntegrityProof/eddsa-jcs-2022",
		"DataIntegrityProof/ecdsa-rdfc-2019", "DataIntegrityProof/ecdsa-jcs-2019",
		"DataIntegrityProof/ecdsa-sd-2023",
		"Ed25519Signature2020", "EcdsaSecp256k1Signature2019",
	}, names)

	ctx := context.Background()
	key, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	suite, err := ecdsa2019.NewRDFC(contexts.Default())
	require.NoError(t, err)
	signed, err := proof.Sign(ctx, obCredential(t, key.DID().String()), suite, key, proof.Options{Created: issuedAt})
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: suites}, microcred.WithClock(func() time.Time { return checkAt }))
	require.NoError(t, err)
	res, err := v.Verify(ctx, signed, trust(t, key.DID().String()))
	require.NoError(t, err, "%+v", res.Checks)
	c, _ := res.Check(microcred.CheckProof)
	assert.Contains(t, c.Detail, "ecdsa-rdfc-2019")
	// Its corrupted copy does not.
	bad := bytes.Replace(signed, []byte("Teamwork Badge"), []byte("Teamwork Badgf"), 1)
	require.NotEqual(t, signed, bad)
	res, err = v.Verify(ctx, bad, trust(t, key.DID().String()))
	assert.ErrorIs(t, err, proof.ErrInvalidSignature)
	assert.Equal(t, microcred.Failed, outcomes(res)[microcred.CheckProof])
}
