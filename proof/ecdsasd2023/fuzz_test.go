package ecdsasd2023_test

import (
	"testing"

	"github.com/onchaincert/microcred/proof/ecdsasd2023"
)

// FuzzDecodeProofValue: parsing never panics, returns nil with every
// error, and a parsed value re-encodes to exactly the input (the decoder
// accepts only the one canonical encoding).
func FuzzDecodeProofValue(f *testing.F) {
	for _, v := range vectors() {
		for _, file := range []string{"addSignedSDBase.json", "derivedRevealDocument.json"} {
			f.Add(readMap(f, v.file(file))["proof"].(map[string]any)["proofValue"].(string))
		}
	}
	f.Add("u2V0BhQ")
	f.Add("u2V0AhQ")
	f.Add("z2V0A")
	f.Fuzz(func(t *testing.T, s string) {
		bv, err := ecdsasd2023.ParseBaseProofValue(s)
		if err != nil {
			if bv != nil {
				t.Fatal("base: value with error")
			}
		} else {
			out, err := bv.Encode()
			if err != nil || out != s {
				t.Fatalf("base: round trip %q -> %q, %v", s, out, err)
			}
		}
		dv, err := ecdsasd2023.ParseDerivedProofValue(s)
		if err != nil {
			if dv != nil {
				t.Fatal("derived: value with error")
			}
		} else {
			out, err := dv.Encode()
			if err != nil || out != s {
				t.Fatalf("derived: round trip %q -> %q, %v", s, out, err)
			}
		}
		if bv != nil && dv != nil {
			t.Fatal("both a base and a derived proof value")
		}
	})
}
