package canon

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/onchaincert/microcred/vc/contexts"
)

const vectorsDir = "../../testdata/vectors/eddsa/TestVectors/eddsa-rdfc-2022/"

// The W3C vector's proof configuration, canonicalized again, comes from the
// cache: same bytes as the vector, a copy the caller may change, and a
// miss for any other value.
func TestFlatCache(t *testing.T) {
	data, err := os.ReadFile(vectorsDir + "proofConfigDataInt.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(vectorsDir + "proofCanonDataInt.txt")
	if err != nil {
		t.Fatal(err)
	}
	var config map[string]any
	if err := json.Unmarshal(data, &config); err != nil {
		t.Fatal(err)
	}
	c, err := NewRDFC(Options{Loader: contexts.Default()})
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Canonicalize(config)
	if err != nil || string(first) != string(want) {
		t.Fatalf("first: %q, %v; want %q", first, err, want)
	}
	if s := c.Stats(); s.Compiled != 1 || s.Cached != 0 {
		t.Fatalf("after the first call: %+v", s)
	}
	first[0] = 'X' // the caller's copy
	second, err := c.Canonicalize(config)
	if err != nil || string(second) != string(want) {
		t.Fatalf("second: %q, %v; want %q", second, err, want)
	}
	if s := c.Stats(); s.Compiled != 1 || s.Cached != 1 {
		t.Fatalf("after the second call: %+v", s)
	}
	other := map[string]any{}
	for k, v := range config {
		other[k] = v
	}
	other["created"] = "2023-02-24T23:36:39Z"
	third, err := c.Canonicalize(other)
	if err != nil || string(third) == string(want) {
		t.Fatalf("another created gave %q, %v", third, err)
	}
	if s := c.Stats(); s.Compiled != 2 || s.Cached != 1 {
		t.Fatalf("after another created: %+v", s)
	}

	// A flat document that fails safe mode fails every time.
	bad := map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": "DataIntegrityProof", "notATerm": "x"}
	for range 2 {
		if _, err := c.Canonicalize(bad); err == nil {
			t.Fatal("an undefined term was accepted")
		}
	}
	if s := c.Stats(); s.Cached != 1 {
		t.Fatalf("an error was cached: %+v", s)
	}
}

// Keys are unambiguous: documents whose names and values concatenate to the
// same text have different keys; nested values and lists outside @context
// are not flat.
func TestFlatKey(t *testing.T) {
	a, okA := flatKey(map[string]any{"ab": "c", "d": "e"})
	b, okB := flatKey(map[string]any{"a": "bc", "d": "e"})
	c, okC := flatKey(map[string]any{"@context": []any{"x", "y"}})
	d, okD := flatKey(map[string]any{"@context": []any{"x,y"}})
	e, okE := flatKey(map[string]any{"@context": "x,y"})
	if !okA || !okB || !okC || !okD || !okE {
		t.Fatal("flat documents not recognized")
	}
	keys := map[string]bool{a: true, b: true, c: true, d: true, e: true}
	if len(keys) != 5 {
		t.Fatalf("colliding keys: %q %q %q %q %q", a, b, c, d, e)
	}
	for _, doc := range []map[string]any{
		{"a": map[string]any{}}, {"a": []any{"x"}}, {"@context": []any{map[string]any{}}}, {"a": 1.0}, {"a": true}, {"a": nil},
	} {
		if _, ok := flatKey(doc); ok {
			t.Errorf("%v taken for flat", doc)
		}
	}
}
