package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoExportedMutableVariables: a public package exports no package-level
// variable a caller could reassign or mutate (a slice of allowed values, a
// magic header), except sentinel errors named Err…, which errors.Is needs
// as values. Constants, or functions returning a fresh copy, take their
// place. Internal packages are exempt: their hook variables link packages
// of this module and are not API.
func TestNoExportedMutableVariables(t *testing.T) {
	for _, p := range listModule(t) {
		if strings.Contains(p.ImportPath, "/internal/") || strings.HasSuffix(p.ImportPath, "/internal") {
			continue
		}
		for _, f := range p.GoFiles {
			file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, f), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			if file.Name.Name == "main" {
				continue
			}
			for _, d := range file.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.VAR {
					continue
				}
				for _, s := range g.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						if n.IsExported() && !strings.HasPrefix(n.Name, "Err") {
							t.Errorf("%s: exported variable %s", strings.TrimPrefix(p.ImportPath, module+"/"), n.Name)
						}
					}
				}
			}
		}
	}
}
