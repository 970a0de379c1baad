package archtest

import (
	"go/doc/comment"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryPackageHasADoc: every package with code, commands included, has
// a package comment (for proof, what it guarantees and what it refuses).
// Test-only directories are exempt.
func TestEveryPackageHasADoc(t *testing.T) {
	for _, p := range listModule(t) {
		if len(p.GoFiles) == 0 {
			continue
		}
		if strings.TrimSpace(p.Doc) == "" {
			t.Errorf("%s has no package comment", p.ImportPath)
		}
	}
}

// publicPackage reports whether p is part of the module's public API: not
// internal, not a command, not an example.
func publicPackage(p pkg) bool {
	if p.Name == "main" || len(p.GoFiles) == 0 {
		return false
	}
	rel := strings.TrimPrefix(p.ImportPath, module)
	for _, part := range strings.Split(rel, "/") {
		if part == "internal" || part == "cmd" || part == "examples" {
			return false
		}
	}
	return true
}

// packageComment returns the package comment of p: the text of the doc
// comment of every (non-test) file that has one.
func packageComment(t *testing.T, p pkg) string {
	t.Helper()
	var doc strings.Builder
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, name), nil, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		if f.Doc != nil {
			doc.WriteString(f.Doc.Text())
		}
	}
	return doc.String()
}

// TestPublicPackageDocsSayWhatTheyGuaranteeAndRefuse: every public package's
// comment states what the package guarantees and what it refuses, under
// doc-comment headings "# Guarantees" and "# Refuses" (as go/doc/comment
// parses them: a line of its own between blank lines).
func TestPublicPackageDocsSayWhatTheyGuaranteeAndRefuse(t *testing.T) {
	n := 0
	for _, p := range listModule(t) {
		if !publicPackage(p) {
			continue
		}
		n++
		headings := map[string]bool{}
		var parser comment.Parser
		for _, block := range parser.Parse(packageComment(t, p)).Content {
			if h, ok := block.(*comment.Heading); ok {
				var text strings.Builder
				for _, x := range h.Text {
					if plain, ok := x.(comment.Plain); ok {
						text.WriteString(string(plain))
					}
				}
				headings[text.String()] = true
			}
		}
		for _, heading := range []string{"Guarantees", "Refuses"} {
			if !headings[heading] {
				t.Errorf("%s: package comment lacks the heading \"# %s\"", p.ImportPath, heading)
			}
		}
	}
	if n < 20 {
		t.Fatalf("%d public packages; expected the whole module", n)
	}
}
