package archtest

import (
	"strings"
	"testing"
)

// cmdInternal lists the library's internal packages the command-line tool
// may import, each with the reason the public API does not cover it. It is
// empty: the CLI is meant to show what a user of the library can do, so
// what it needs is public (vc.MaxCredentialBytes, didkey's Multikey
// methods). The CLI's own packages (cmd/microcred/internal/..., such as its
// JSON-RPC client for the user's node) are not library internals.
var cmdInternal = map[string]string{}

// TestCLIUsesPublicAPI: the packages under cmd/ import the library's public
// packages, their own cmd/... internals, or the internal packages listed in
// cmdInternal with a reason.
func TestCLIUsesPublicAPI(t *testing.T) {
	isInternal := func(path string) bool {
		if under(path, "cmd") || !strings.HasPrefix(path, module+"/") {
			return false
		}
		return strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal")
	}
	got := map[string]bool{}
	for _, e := range edges(listModule(t), in("cmd"), isInternal) {
		_, to, _ := strings.Cut(e, " -> ")
		got[to] = true
		if _, ok := cmdInternal[to]; !ok {
			t.Errorf("CLI reaches into an internal package not on the exception list: %s", e)
		}
	}
	for p := range cmdInternal {
		if !got[p] {
			t.Errorf("cmdInternal lists %s, which the CLI no longer imports: remove it", p)
		}
	}
}
