package merkle2019_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/mr-tron/base58"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/merkle2019"
)

// FuzzDecodeProofValue: decoding never panics; on error the value is nil;
// a decoded value re-encodes to exactly the bytes it came from.
func FuzzDecodeProofValue(f *testing.F) {
	for _, v := range readDecodedVectors(f) {
		f.Add(v.ProofValue)
	}
	f.Add("z")
	f.Add("")
	f.Add("z1111")
	f.Fuzz(func(t *testing.T, s string) {
		pv, err := merkle2019.ParseProofValue(s)
		if err != nil {
			if pv != nil {
				t.Fatalf("error %v with a non-nil value", err)
			}
			return
		}
		raw, err := pv.MarshalCBOR()
		if err != nil {
			t.Fatalf("decoded value does not re-encode: %v", err)
		}
		orig, _ := base58.Decode(s[1:])
		if !bytes.Equal(raw, orig) {
			t.Fatalf("re-encoding changed the bytes:\n%x\n%x", orig, raw)
		}
		if pv.String() != s {
			t.Fatalf("String() = %q, want %q", pv.String(), s)
		}
	})
}

// FuzzDecodeCBOR runs the CBOR layer directly, where the fuzzer mutates
// bytes rather than base58 text.
func FuzzDecodeCBOR(f *testing.F) {
	for _, v := range readDecodedVectors(f) {
		raw, err := base58.Decode(v.ProofValue[1:])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pv, err := merkle2019.DecodeCBOR(b)
		if err != nil {
			if pv != nil {
				t.Fatal("non-nil value on error")
			}
			return
		}
		raw, err := pv.MarshalCBOR()
		if err != nil || !bytes.Equal(raw, b) {
			t.Fatalf("round trip: %v\n%x\n%x", err, b, raw)
		}
	})
}

// FuzzVerify: a random proofValue in a real credential never verifies
// and never panics.
func FuzzVerify(f *testing.F) {
	doc := readFile(f, "v3/testnet-v3-did.json")
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		f.Fatal(err)
	}
	orig := m["proof"].(map[string]any)["proofValue"].(string)
	for _, v := range readDecodedVectors(f) {
		f.Add(v.ProofValue)
	}
	v, err := merkle2019.NewVerifier(merkle2019.Options{Require: anchor.L0})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == orig {
			return
		}
		m["proof"].(map[string]any)["proofValue"] = s
		d, err := json.Marshal(m)
		if err != nil {
			return
		}
		res, err := v.Verify(context.Background(), d)
		if res == nil {
			t.Fatal("nil result")
		}
		if err == nil {
			// Only another encoding of the same proof could verify, and
			// the decoder admits exactly one encoding per value.
			t.Fatalf("proofValue %q verified", s)
		}
	})
}
