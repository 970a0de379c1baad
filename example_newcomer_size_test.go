package microcred_test

import (
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewcomerExampleSize: Example_newcomer's file is a whole program (its
// imports, the example and its one helper) of at most 40 lines of code
// (blank and comment lines aside) with at most 6 microcred imports, as
// issue 20 asks of a newcomer's issue-bake-verify program.
func TestNewcomerExampleSize(t *testing.T) {
	const file = "example_newcomer_test.go"
	src, err := os.ReadFile(file)
	require.NoError(t, err)
	code := 0
	for _, line := range strings.Split(string(src), "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "//") {
			code++
		}
	}
	assert.LessOrEqual(t, code, 40, "lines of code in %s", file)
	f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
	require.NoError(t, err)
	ours := 0
	for _, imp := range f.Imports {
		if strings.HasPrefix(imp.Path.Value, `"github.com/onchaincert/microcred`) {
			ours++
		}
	}
	assert.LessOrEqual(t, ours, 6, "microcred imports in %s", file)
	assert.Positive(t, ours, "the count reads the imports")
	assert.Greater(t, code, 20, "the count reads the program")
}
