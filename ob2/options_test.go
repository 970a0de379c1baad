package ob2_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/onchaincert/microcred/ob2"
)

// A nil loader or a nil option is a construction error naming it.
func TestNewVerifierOptions(t *testing.T) {
	v, err := ob2.NewVerifier(ob2.Documents{}, ob2.WithLoader(nil))
	assert.EqualError(t, err, "ob2: WithLoader(nil)")
	assert.Nil(t, v)
	v, err = ob2.NewVerifier(ob2.Documents{}, nil)
	assert.EqualError(t, err, "ob2: nil option")
	assert.Nil(t, v)
	v, err = ob2.NewVerifier(nil)
	assert.NoError(t, err, "a nil fetcher supplies no documents; badges then fail")
	assert.NotNil(t, v)
}
