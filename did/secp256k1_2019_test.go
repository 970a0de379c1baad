package did

import (
	"encoding/json"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The secp256k1 key of cert-verifier-js's Hyland issuer profile
// (testdata/blockcerts/profiles/hyland-issuer-profile-secp256k1.json), and
// the did:key of cert-verifier-js's chained-proof certificate.
const (
	k1JWK       = `{"kty":"EC","crv":"secp256k1","x":"EyJKa1HqDD4D_Pkoc4VZsbe4F-QfnSDCqhTKeQ0qcnQ","y":"lgLO0crF99N0Fcj6umV5wz1pSGGl2dLQOGnHcvSApIo"}`
	k1Multibase = "zQ3shQHqLdkCacGpenXzbXZLqBbDeKfxgbxJgDSi1hoajzzg8"
	p256JWK     = `{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`
)

// TestEcdsaSecp256k1VerificationKey2019: the type reads a secp256k1 key
// from publicKeyJwk or publicKeyMultibase, and refuses another curve, both
// members at once, or neither.
func TestEcdsaSecp256k1VerificationKey2019(t *testing.T) {
	vm := func(jwk, mb string) *VerificationMethod {
		m := &VerificationMethod{ID: "https://issuer.example/p.json#k", Type: "EcdsaSecp256k1VerificationKey2019", Controller: "https://issuer.example/p.json", PublicKeyMultibase: mb}
		if jwk != "" {
			m.PublicKeyJwk = json.RawMessage(jwk)
		}
		return m
	}
	for name, m := range map[string]*VerificationMethod{"jwk": vm(k1JWK, ""), "multibase": vm("", k1Multibase)} {
		pub, err := m.PublicKey()
		require.NoError(t, err, name)
		assert.IsType(t, &secp256k1.PublicKey{}, pub, name)
	}
	for name, m := range map[string]*VerificationMethod{
		"P-256 JWK": vm(p256JWK, ""),
		"both":      vm(k1JWK, k1Multibase),
		"neither":   vm("", ""),
		"Ed25519":   vm("", "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"),
	} {
		_, err := m.PublicKey()
		assert.ErrorIs(t, err, errInvalidKey, name)
	}
}
