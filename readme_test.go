package microcred_test

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's \"Use it from Go\" block from Example_readme")

// readmeSnippet is what README.md's "Use it from Go" block must say: the
// imports of example_readme_test.go, then the body of Example_readme up
// to its Output comment, one tab less indented.
func readmeSnippet(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("example_readme_test.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "example_readme_test.go", src, parser.ParseComments)
	require.NoError(t, err)
	offset := func(p token.Pos) int { return fset.Position(p).Offset }
	var imports, body string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				imports = string(src[offset(d.Pos()):offset(d.End())])
			}
		case *ast.FuncDecl:
			if d.Name.Name != "Example_readme" {
				continue
			}
			end := offset(d.Body.Rbrace)
			for _, cg := range f.Comments {
				if cg.Pos() > d.Body.Lbrace && cg.End() < d.Body.Rbrace && strings.HasPrefix(cg.Text(), "Output:") {
					end = offset(cg.Pos())
				}
			}
			var lines []string
			for _, line := range strings.Split(strings.Trim(string(src[offset(d.Body.Lbrace)+1:end]), "\n\t "), "\n") {
				lines = append(lines, strings.TrimPrefix(line, "\t"))
			}
			body = strings.Join(lines, "\n")
		}
	}
	require.NotEmpty(t, imports)
	require.NotEmpty(t, body, "Example_readme")
	return imports + "\n\n" + body + "\n"
}

// The README's "Use it from Go" is Example_readme, which compiles and runs
// with the tests (issue 20: the snippet had five compile errors). Run
// go test -run TestReadmeSnippet -update-readme . after editing the
// example.
func TestReadmeSnippet(t *testing.T) {
	want := readmeSnippet(t)
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	readme := string(data)
	const heading = "## Use it from Go\n\n```go\n"
	start := strings.Index(readme, heading)
	require.GreaterOrEqual(t, start, 0, "README.md has a %q section opening with a go block", "Use it from Go")
	start += len(heading)
	n := strings.Index(readme[start:], "```\n")
	require.GreaterOrEqual(t, n, 0, "the block is closed")
	got := readme[start : start+n]
	if *updateReadme && got != want {
		require.NoError(t, os.WriteFile("README.md", []byte(readme[:start]+want+readme[start+n:]), 0o644))
		return
	}
	assert.Equal(t, want, got, "README.md's snippet is not Example_readme (go test -run TestReadmeSnippet -update-readme .)")
}
