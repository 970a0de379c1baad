package proof

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onchaincert/microcred/internal/strictjson"
)

// FuzzParseProof: no panic on any input, and on error no proofs.
func FuzzParseProof(f *testing.F) {
	for _, p := range []string{
		"../testdata/vectors/eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json",
		"../testdata/vectors/eddsa/TestVectors/eddsa-jcs-2022/signedJCS.json",
		"../testdata/vectors/eddsa/TestVectors/proof-set-chain/signedProofChain2.json",
	} {
		data, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"proof":[{"type":"T","verificationMethod":"v","proofPurpose":"p","previousProof":["a","b"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := strictjson.Decode(data, strictjson.Limits{})
		if err != nil {
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		ps, err := ParseProofs(m)
		if err != nil && ps != nil {
			t.Fatalf("error %v with proofs", err)
		}
		if err == nil && len(ps) == 0 {
			t.Fatal("no error and no proofs")
		}
	})
}
