package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every --suite name builds the suite of that name: the CLI spells the
// cryptosuite names itself, so they must stay those the suites write.
func TestSuiteNamesMatchSuites(t *testing.T) {
	for _, name := range suiteNames {
		s, err := suiteByName(name, nil, false)
		require.NoError(t, err, name)
		if s.Cryptosuite() == "" {
			assert.Equal(t, name, s.Type(), "a legacy suite is named by its proof type")
		} else {
			assert.Equal(t, name, s.Cryptosuite())
		}
	}
}
