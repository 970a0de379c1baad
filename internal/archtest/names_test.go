package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The budgets of issue 20, in package-level exported names (functions,
// types, constants and variables; methods and struct fields not counted):
// the root package a newcomer reads first, and the module's public
// packages together. Raising one is a design decision, not a fix.
const (
	rootNameBudget   = 60
	moduleNameBudget = 600
)

// exportedNames returns the package-level exported names declared in the
// non-test files of p.
func exportedNames(t *testing.T, p pkg) []string {
	t.Helper()
	var names []string
	for _, f := range p.GoFiles {
		file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, f), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					names = append(names, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							names = append(names, s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								names = append(names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

// TestExportedNameBudget: the root package exports at most
// rootNameBudget names and the public packages (not internal, not
// commands) at most moduleNameBudget together. On failure it prints the
// count of every package, largest first.
func TestExportedNameBudget(t *testing.T) {
	type count struct {
		path string
		n    int
	}
	var counts []count
	total, root := 0, -1
	var rootNames []string
	for _, p := range listModule(t) {
		if p.Name == "main" || strings.Contains(p.ImportPath, "/internal/") || strings.HasSuffix(p.ImportPath, "/internal") {
			continue
		}
		names := exportedNames(t, p)
		n := len(names)
		counts = append(counts, count{p.ImportPath, n})
		total += n
		if p.ImportPath == module {
			root, rootNames = n, names
		}
	}
	if root < 0 {
		t.Fatal("root package not listed")
	}
	sort.Slice(counts, func(i, j int) bool { return counts[i].n > counts[j].n })
	var report strings.Builder
	for _, c := range counts {
		fmt.Fprintf(&report, "\n%5d %s", c.n, c.path)
	}
	t.Logf("exported names: root %d, module %d%s", root, total, report.String())
	if root > rootNameBudget {
		t.Errorf("root package exports %d names, budget %d", root, rootNameBudget)
	}
	if total > moduleNameBudget {
		t.Errorf("public packages export %d names, budget %d", total, moduleNameBudget)
	}
	// The count is not vacuous: the root package has its core API.
	for _, want := range []string{"NewIssuer", "NewVerifier", "NewPolicy", "Result", "TrustIssuers"} {
		if i := sort.SearchStrings(rootNames, want); i == len(rootNames) || rootNames[i] != want {
			t.Errorf("root package does not export %s; the count reads the wrong files", want)
		}
	}
}
