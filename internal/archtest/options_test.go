package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestConstructorsTakeFunctionalOptions: the module's one option idiom
// (see the root package's doc, "Options"): a constructor (an exported
// New… function) takes its optional settings as functional options, never
// as a struct named …Options; structs of that name are the inputs of one
// call (proof.Sign, bake.BakePNG, IssueBatch). Package vcapi is the
// exception the doc names: a service configured from a file takes
// structs, as net/http's Server does.
func TestConstructorsTakeFunctionalOptions(t *testing.T) {
	checked := 0
	for _, p := range listModule(t) {
		if p.Name == "main" || strings.Contains(p.ImportPath, "/internal") || p.ImportPath == module+"/vcapi" {
			continue
		}
		for _, f := range p.GoFiles {
			file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, f), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range file.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv != nil || !fn.Name.IsExported() || !strings.HasPrefix(fn.Name.Name, "New") {
					continue
				}
				checked++
				for _, param := range fn.Type.Params.List {
					if name := typeName(param.Type); strings.HasSuffix(name, "Options") {
						t.Errorf("%s.%s takes %s: a constructor's optional settings are functional options", strings.TrimPrefix(p.ImportPath, module+"/"), fn.Name.Name, name)
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d constructors; expected the module's", checked)
	}
}

// typeName is the name of a parameter's type: T, pkg.T, *T, ...T.
func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.Ellipsis:
		return typeName(e.Elt)
	}
	return ""
}
