package microcred_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/vc/contexts"
)

// TestOptionForTheOtherConstructor: Issuer and Verifier share one Option
// type, so the compiler cannot tell an issuer's option from a verifier's;
// the constructors do, and refuse the wrong one naming it. WithClock is
// both's.
func TestOptionForTheOtherConstructor(t *testing.T) {
	key := testKey(t, 1)
	suites, err := microcred.DefaultSuites(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	trusted := microcred.Trusted{Resolver: r, Suites: suites}
	clock := microcred.WithClock(func() time.Time { return checkAt })

	for name, o := range map[string]microcred.Option{
		"WithReceipts":  microcred.WithReceipts(nil),
		"WithClockSkew": microcred.WithClockSkew(time.Minute),
	} {
		iss, err := microcred.NewIssuer(key, o)
		assert.EqualError(t, err, "microcred: "+name+" is an option of NewVerifier, not NewIssuer")
		assert.Nil(t, iss)
	}
	for name, o := range map[string]microcred.Option{
		"WithSuite":       microcred.WithSuite(suites[0]),
		"WithoutAutofill": microcred.WithoutAutofill(),
	} {
		v, err := microcred.NewVerifier(trusted, o)
		assert.EqualError(t, err, "microcred: "+name+" is an option of NewIssuer, not NewVerifier")
		assert.Nil(t, v)
	}
	_, err = microcred.NewIssuer(key, clock)
	require.NoError(t, err)
	_, err = microcred.NewVerifier(trusted, clock)
	require.NoError(t, err)
	_, err = microcred.NewVerifier(trusted, microcred.WithClock(nil))
	assert.EqualError(t, err, "microcred: WithClock(nil)")
	_, err = microcred.NewIssuer(key, microcred.WithClock(nil))
	assert.EqualError(t, err, "microcred: WithClock(nil)")
}
