package btc

import (
	"bytes"
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
