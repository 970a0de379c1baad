package microcred_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did/didkey"
)

// methodSigner is a key that claims another verification method.
type methodSigner struct {
	*didkey.Key
	vm string
}

func (s methodSigner) VerificationMethod() string { return s.vm }

// TestIssuerDID: an Issuer's id is the DID of its signer's verification
// method, typed; a method that is not a DID URL with a fragment (an https
// key, no fragment, a path or query, a malformed DID) is refused at
// construction, naming the method.
func TestIssuerDID(t *testing.T) {
	key := testKey(t, 1)
	iss, err := microcred.NewIssuer(key)
	require.NoError(t, err)
	assert.Equal(t, key.DID(), iss.DID())
	assert.Equal(t, "did:key", "did:"+iss.DID().Method())

	d := key.DID().String()
	for _, vm := range []string{
		"https://school.example/issuer#key-1",
		d,
		d + "#",
		d + "/keys#1",
		d + "?v=1#1",
		"did:Key:z6Mk#1",
		"did::x#1",
	} {
		_, err := microcred.NewIssuer(methodSigner{key, vm})
		assert.ErrorContains(t, err, "microcred: signer: verification method", vm)
	}
	iss, err = microcred.NewIssuer(methodSigner{key, "did:example:school#key-1"})
	require.NoError(t, err)
	assert.Equal(t, "did:example:school", iss.DID().String())
}
