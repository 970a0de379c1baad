package archtest

import (
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

// The proof package's comment states what it guarantees and what it
// refuses, under headings of those names.
func TestProofDocSaysWhatItGuaranteesAndRefuses(t *testing.T) {
	for _, p := range listModule(t) {
		if p.ImportPath != module+"/proof" {
			continue
		}
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
		for _, heading := range []string{"# What Verify guarantees", "# What it refuses", "# What it leaves to the caller"} {
			if !strings.Contains(doc.String(), heading) {
				t.Errorf("proof package comment lacks %q", heading)
			}
		}
		return
	}
	t.Fatal("package proof not listed")
}
