package archtest

import "testing"

// TestHostileIsTestOnly: internal/hostile generates attack inputs for
// tests; no package that ships may import it.
func TestHostileIsTestOnly(t *testing.T) {
	for _, e := range edges(listModule(t), func(string) bool { return true }, in("internal/hostile")) {
		t.Errorf("non-test import of the test generator: %s", e)
	}
}
