package vcjwt

import (
	"bytes"
	"context"
	"testing"

	"github.com/piprate/json-gold/ld"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/vc/contexts"
)

// wrapLoader is a distinct (pointer) cache key per value.
type wrapLoader struct{ inner *contexts.Loader }

func (w *wrapLoader) LoadDocument(url string) (*ld.RemoteDocument, error) {
	return w.inner.LoadDocument(url)
}

// funcLoader is not comparable, so it cannot key a map.
type funcLoader func(string) (*ld.RemoteDocument, error)

func (f funcLoader) LoadDocument(url string) (*ld.RemoteDocument, error) { return f(url) }

// Filling the checker cache past its cap evicts the least recently used
// loader, keeps the recently used ones, and never holds more than the cap.
func TestCheckerCacheIsBounded(t *testing.T) {
	const max = 4
	cc := newCheckerCache(max)
	loaders := make([]*wrapLoader, 3*max)
	first := map[*wrapLoader]any{}
	for i := range loaders {
		loaders[i] = &wrapLoader{inner: contexts.Default()}
		c, err := cc.get(loaders[i])
		require.NoError(t, err)
		first[loaders[i]] = c
		assert.LessOrEqual(t, cc.len(), max, "after %d loaders", i+1)
		if i > 0 {
			// Touch loader 0 each round: used recently, it is never evicted.
			c0, err := cc.get(loaders[0])
			require.NoError(t, err)
			assert.Same(t, first[loaders[0]], c0, "loader 0 stays cached")
		}
	}
	assert.Equal(t, max, cc.len())
	last := loaders[len(loaders)-1]
	c, err := cc.get(last)
	require.NoError(t, err)
	assert.Same(t, first[last], c, "the newest loader is cached")
	evicted := loaders[1]
	c, err = cc.get(evicted)
	require.NoError(t, err)
	assert.NotSame(t, first[evicted], c, "an old, unused loader was evicted and is rebuilt")
	assert.Equal(t, max, cc.len())
}

// A loader that cannot be a map key is served uncached instead of
// panicking, and a nil loader is an error.
func TestCheckerCacheOddLoaders(t *testing.T) {
	cc := newCheckerCache(2)
	fl := funcLoader(contexts.Default().LoadDocument)
	c, err := cc.get(fl)
	require.NoError(t, err)
	require.NotNil(t, c)
	assert.Equal(t, 0, cc.len())
	_, err = cc.get(nil)
	assert.Error(t, err)
	var typedNil *contexts.Loader
	_, err = cc.get(typedNil)
	assert.Error(t, err)
}

// Signing with a fresh loader each time (one per request, say) leaves the
// package-wide cache at its cap; before it was bounded, every loader stayed.
func TestSignWithManyLoadersKeepsCacheBounded(t *testing.T) {
	key, err := didkey.NewFromSeed(didkey.Ed25519, bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	cred := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],` +
		`"issuer":"` + key.DID().String() + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"}}`)
	for i := range 2*maxCheckers + 3 {
		_, err := sign(context.Background(), cred, key, FormatJOSE, &wrapLoader{inner: contexts.Default()})
		require.NoError(t, err, "sign %d", i)
	}
	assert.Equal(t, maxCheckers, checkers.len())
}
