package eddsa2022_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/piprate/json-gold/ld"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/vc/contexts"
)

var _ proof.ContextLoader = (*contexts.Loader)(nil)

// countingLoader serves another loader's documents and counts the calls.
type countingLoader struct {
	inner proof.ContextLoader
	n     atomic.Int64
}

func (l *countingLoader) LoadDocument(url string) (*ld.RemoteDocument, error) {
	l.n.Add(1)
	return l.inner.LoadDocument(url)
}

// emptyLoader serves nothing.
type emptyLoader struct{}

func (emptyLoader) LoadDocument(url string) (*ld.RemoteDocument, error) {
	return nil, &contexts.UnknownContextError{URL: url}
}

// The RDFC suite takes any proof.ContextLoader and loads contexts from it,
// not from the embedded set behind its back: the W3C vector verifies
// through a wrapping loader that sees the loads, and fails through a loader
// that holds nothing.
func TestSuiteUsesTheLoaderItIsGiven(t *testing.T) {
	signed := read(t, filepath.Join(tv, "eddsa-rdfc-2022", "signedDataInt.json"))
	verify := func(l proof.ContextLoader) (*proof.Result, error) {
		s, err := eddsa2022.NewRDFC(l)
		require.NoError(t, err)
		opts := verifyOpts(t)
		opts.Suites = []proof.Suite{s}
		return proof.Verify(context.Background(), signed, opts)
	}

	cl := &countingLoader{inner: contexts.Default()}
	res, err := verify(cl)
	require.NoError(t, err)
	require.Len(t, res.Proofs, 1)
	assert.NoError(t, res.Proofs[0].Err)
	assert.Positive(t, cl.n.Load(), "the suite loaded its contexts through the given loader")

	res, err = verify(emptyLoader{})
	require.Error(t, err)
	unknown := errors.Is(err, contexts.ErrUnknownContext)
	if res != nil {
		for _, p := range res.Proofs {
			unknown = unknown || errors.Is(p.Err, contexts.ErrUnknownContext)
		}
	}
	assert.True(t, unknown, "the failure names the unknown context: %v", err)
}

// A nil loader, typed or not, is a construction error for every suite
// that takes one, never a panic at first use.
func TestSuitesRefuseNilLoader(t *testing.T) {
	var typedNil *contexts.Loader
	for _, l := range []proof.ContextLoader{nil, typedNil} {
		_, err := eddsa2022.NewRDFC(l)
		assert.Error(t, err, "eddsa2022 %T", l)
		_, err = ecdsa2019.NewRDFC(l)
		assert.Error(t, err, "ecdsa2019 %T", l)
		_, err = ecdsasd2023.New(l)
		assert.Error(t, err, "ecdsasd2023 %T", l)
		_, err = legacy.NewEd25519Signature2020(l)
		assert.Error(t, err, "legacy Ed25519Signature2020 %T", l)
		_, err = legacy.NewEcdsaSecp256k1Signature2019(l)
		assert.Error(t, err, "legacy EcdsaSecp256k1Signature2019 %T", l)
	}
}
