package ethwire

import (
	"bytes"
	"testing"
)

func FuzzRLPDecode(f *testing.F) {
	for _, s := range []string{"80", "00", "c0", "c3010203", "b838" + hexRepeat("61", 56), "8100", "f800"} {
		f.Add(mustHex(f, s))
	}
	f.Add(mustHex(f, legacyBlockcerts(f).RawTx))
	f.Fuzz(func(t *testing.T, b []byte) {
		it, err := decodeRLP(b)
		if err != nil {
			if it.Raw != nil || it.Items != nil || it.Str != nil {
				t.Fatal("non-zero item on error")
			}
			return
		}
		// Property: canonical decoding means re-encoding gives the input.
		if !bytes.Equal(it.Encode(), b) {
			t.Fatalf("decode/encode does not round-trip %x", b)
		}
		_, _ = it.Uint64()
		_, _ = it.BigInt()
	})
}

func FuzzParseTx(f *testing.F) {
	f.Add(mustHex(f, legacyBlockcerts(f).RawTx))
	var v eip1559File
	readJSON(f, "eip1559-vectors.json", &v)
	for _, x := range v.Vectors {
		f.Add(mustHex(f, x.Raw))
	}
	for _, p := range otsProofs(f) {
		f.Add(p.raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		tx, err := ParseTx(raw)
		if err != nil {
			if tx != nil {
				t.Fatal("non-nil tx on error")
			}
			return
		}
		// Property: a parsed transaction serializes back byte for byte.
		back, err := tx.MarshalBinary()
		if err != nil || !bytes.Equal(back, raw) {
			t.Fatalf("does not round-trip: %v", err)
		}
		_, _ = tx.Sender()
		_ = tx.FindRoot(raw)
	})
}

func FuzzVerifyTrieProof(f *testing.F) {
	for _, p := range otsProofs(f) {
		f.Add(p.root[:], bytes.Join(p.nodes, nil), uint16(len(p.nodes[0])), uint16(len(p.nodes[1])), uint8(6))
	}
	f.Add(make([]byte, 32), []byte{0xc0}, uint16(1), uint16(0), uint8(0))
	f.Fuzz(func(t *testing.T, root, joined []byte, n0, n1 uint16, index uint8) {
		if len(root) != 32 {
			return
		}
		// Split joined into up to three nodes at n0 and n0+n1.
		var proof [][]byte
		a := min(int(n0), len(joined))
		b := min(a+int(n1), len(joined))
		proof = append(proof, joined[:a], joined[a:b])
		if b < len(joined) {
			proof = append(proof, joined[b:])
		}
		v, err := verifyProof(Hash(root), txKey(uint64(index)), proof)
		if err != nil {
			if v != nil {
				t.Fatal("value on error")
			}
			return
		}
		if len(v) == 0 {
			t.Fatal("empty value proven")
		}
		// Property: what is proven verifies as the transaction there.
		if err := VerifyTxProof(Hash(root), uint64(index), v, proof); err != nil {
			t.Fatal(err)
		}
	})
}
