package btcwire

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzParseTx(f *testing.F) {
	for _, raw := range txValidVectors(f) {
		f.Add(raw)
	}
	f.Add(readHex(f, "blockcerts-mainnet-2378076e.hex"))
	b, err := ParseBlock(readHex(f, "regtest-block-129-segwit-opreturn.hex"))
	if err != nil {
		f.Fatal(err)
	}
	for _, tx := range b.Txs {
		f.Add(tx.Bytes())
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		tx, err := ParseTx(raw)
		if err != nil {
			if tx != nil {
				t.Fatal("non-nil tx on error")
			}
			return
		}
		// Property: a parsed transaction re-serializes to its input, and
		// its stripped form parses to the same txid.
		if !bytes.Equal(tx.Bytes(), raw) {
			t.Fatal("serialization does not round-trip")
		}
		if tx.HasWitness() {
			back, err := ParseTx(tx.StrippedBytes())
			if err == nil && back.TxID() != tx.TxID() {
				t.Fatal("stripped form has another txid")
			}
		}
		_ = tx.OpReturnPayloads()
		// Property: the signer check never panics, and on error returns no
		// signer.
		for i := range tx.Inputs {
			for _, amount := range []int64{UnknownAmount, 0, 100_000} {
				if s, err := VerifyInputSigner(tx, i, amount); (err == nil) == (s == nil) {
					t.Fatalf("input %d: signer %v with error %v", i, s, err)
				}
			}
			if i == 3 {
				break
			}
		}
	})
}

func FuzzParseHeader(f *testing.F) {
	f.Add(readHex(f, "genesis-header.hex"))
	f.Add(make([]byte, HeaderSize))
	f.Fuzz(func(t *testing.T, raw []byte) {
		h, err := ParseHeader(raw)
		if err != nil {
			if h != nil {
				t.Fatal("non-nil header on error")
			}
			return
		}
		if !bytes.Equal(h.Bytes(), raw) {
			t.Fatal("header does not round-trip")
		}
		_ = h.CheckProofOfWork(RegtestPowLimit())
		_, _ = h.Work()
	})
}

func FuzzBech32Decode(f *testing.F) {
	v := bip173Vectors(f)
	for _, s := range v.Bech32Valid {
		f.Add(s)
	}
	for _, s := range v.Bech32Invalid {
		f.Add(s.String)
	}
	for _, s := range v.SegwitValid {
		f.Add(s.Address)
	}
	for _, s := range v.SegwitInvalid {
		f.Add(s.Address)
	}
	f.Add("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
	f.Fuzz(func(t *testing.T, s string) {
		hrp, data, err := bech32Decode(s)
		if err != nil {
			if hrp != "" || data != nil {
				t.Fatal("non-zero results on error")
			}
		} else {
			// Property: Encode(Decode(s)) is s in lowercase.
			back, err := bech32Encode(hrp, data)
			if err != nil || back != strings.ToLower(s) {
				t.Fatalf("%q does not round-trip: %q, %v", s, back, err)
			}
		}
		hrp, version, prog, err := decodeSegwit(s)
		if err != nil {
			if hrp != "" || version != 0 || prog != nil {
				t.Fatal("non-zero segwit results on error")
			}
		} else if back, err := encodeSegwit(hrp, version, prog); err != nil || back != strings.ToLower(s) {
			t.Fatalf("segwit %q does not round-trip: %q, %v", s, back, err)
		}
		a, err := ParseAddress(s)
		if err != nil {
			if a != (Address{}) {
				t.Fatal("non-zero address on error")
			}
			return
		}
		if back, err := ParseAddress(a.String()); err != nil || back != a {
			t.Fatalf("address %q does not round-trip", s)
		}
	})
}
