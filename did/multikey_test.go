package did

import (
	"crypto/ed25519"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/multikey"
)

// identityX is the identity point, 0x01 and 31 zero bytes, in base64url.
const identityX = "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

func TestMultikeyMethodRejectsSmallOrder(t *testing.T) {
	id, err := base64.RawURLEncoding.DecodeString(identityX)
	require.NoError(t, err)
	mk, err := multikey.EncodePublic(ed25519.PublicKey(id))
	require.NoError(t, err)
	for _, typ := range []string{"Multikey", "Ed25519VerificationKey2020"} {
		vm := VerificationMethod{ID: "did:example:a#k", Type: typ, Controller: "did:example:a", PublicKeyMultibase: mk}
		pub, err := vm.PublicKey()
		assert.ErrorIs(t, err, errInvalidKey, typ)
		assert.ErrorIs(t, err, ErrSmallOrderKey, typ)
		assert.Nil(t, pub)
	}
}
