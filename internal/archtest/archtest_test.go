package archtest

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/onchaincert/microcred"

// pkg is the part of `go list -json` output the rules read. Imports and
// GoFiles exclude test files, so an import from a _test.go file is never
// an edge here.
type pkg struct {
	ImportPath string
	Name       string
	Doc        string
	Dir        string
	GoFiles    []string
	Imports    []string
}

// listModule runs `go list` over every package of the module (not the
// separate interop module).
func listModule(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Name,Doc,Dir,GoFiles,Imports", module+"/...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list returned %d packages; expected the whole module", len(pkgs))
	}
	return pkgs
}

// under reports whether path is the module package rel or one below it.
func under(path, rel string) bool {
	p := module + "/" + rel
	return path == p || strings.HasPrefix(path, p+"/")
}

// edges returns "from -> to" for each import of a module package whose
// importer satisfies from and whose target satisfies to.
func edges(pkgs []pkg, from, to func(string) bool) []string {
	var out []string
	for _, p := range pkgs {
		if !from(p.ImportPath) {
			continue
		}
		for _, imp := range p.Imports {
			if to(imp) {
				out = append(out, strings.TrimPrefix(p.ImportPath, module+"/")+" -> "+strings.TrimPrefix(imp, module+"/"))
			}
		}
	}
	sort.Strings(out)
	return out
}

func in(rels ...string) func(string) bool {
	return func(path string) bool {
		for _, r := range rels {
			if under(path, r) {
				return true
			}
		}
		return false
	}
}

// TestNoUpwardImportIntoProof: the DID, credential and anchor layers sit
// below proof (the anchor layer includes internal/merkle2019, the
// Blockcerts engine behind anchor/merkle2019). A did:key or did:jwk key is a proof.Signer by its method set
// (asserted in did/didkey and did/didjwk tests), not by importing proof.
func TestNoUpwardImportIntoProof(t *testing.T) {
	for _, e := range edges(listModule(t), in("did", "vc", "anchor", "internal/merkle2019"), in("proof")) {
		t.Errorf("upward import: %s", e)
	}
}

// proofToVC lists the imports from proof/... into vc/... that remain, each
// with its reason. Suites take a proof.ContextLoader, so no suite needs
// vc/contexts to be built; what is left is the default for callers who
// pass no loader, and VC-JWT, which is a credential format.
var proofToVC = map[string]string{
	"proof/internal/dicore -> vc/contexts": "the JCS suites (NewJCS takes no loader) check JSON-LD safety against the embedded contexts",
	"proof/vcjwt -> vc":                    "a VC-JWT payload is a credential or presentation: vcjwt parses it with vc",
	"proof/vcjwt -> vc/contexts":           "Sign checks the credential against the embedded contexts",
}

// TestProofDoesNotImportVC: proof and its suites depend on vc only through
// the edges listed in proofToVC.
func TestProofDoesNotImportVC(t *testing.T) {
	got := map[string]bool{}
	for _, e := range edges(listModule(t), in("proof"), in("vc")) {
		got[e] = true
		if _, ok := proofToVC[e]; !ok {
			t.Errorf("proof imports vc: %s (suites take a proof.ContextLoader instead)", e)
		}
	}
	for e := range proofToVC {
		if !got[e] {
			t.Errorf("proofToVC lists %s, which no longer exists: remove it", e)
		}
	}
}
