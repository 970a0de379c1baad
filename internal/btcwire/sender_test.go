package btcwire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// anchorTxFor builds a real signed P2WPKH anchor transaction with key.
func anchorTxFor(t *testing.T, key *secp256k1.PrivateKey, amount int64) *Tx {
	t.Helper()
	change, err := AddressFromPubKey(Regtest, key.PubKey().SerializeCompressed())
	require.NoError(t, err)
	tx, err := BuildAnchorTx(AnchorParams{
		Network: Regtest, Key: key, Root: bytes.Repeat([]byte{0xab}, 32), Change: change, FeeRate: 1000,
		Inputs: []UTXO{{TxID: DoubleSHA256([]byte("funding")), Vout: 1, Amount: amount}},
	})
	require.NoError(t, err)
	return tx
}

// The forgery of issue 16: a transaction signed with key A whose witness
// names key B keeps its txid (witnesses are not in it), so only the
// signature can tell who sent it.
func TestVerifyInputSignerWitnessSwap(t *testing.T) {
	keyA := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x0a}, 32))
	keyB := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x0b}, 32))
	const amount = 100_000
	tx := anchorTxFor(t, keyA, amount)

	s, err := VerifyInputSigner(tx, 0, amount)
	require.NoError(t, err, "the real signature and prevout amount prove the sender")
	assert.Equal(t, SpendP2WPKH, s.Kind)
	assert.Equal(t, keyA.PubKey().SerializeCompressed(), s.PubKey)
	wantA, err := AddressFromPubKey(Regtest, s.PubKey)
	require.NoError(t, err)
	assert.Equal(t, wantA.String(), s.Address(Regtest))

	swapped, err := ParseTx(tx.Bytes())
	require.NoError(t, err)
	swapped.Inputs[0].Witness[1] = keyB.PubKey().SerializeCompressed()
	forged, err := ParseTx(serializeTx(swapped, true))
	require.NoError(t, err)
	require.Equal(t, tx.TxID(), forged.TxID(), "the swap leaves the txid unchanged")
	got, err := VerifyInputSigner(forged, 0, amount)
	assert.ErrorIs(t, err, ErrInvalidSignature, "key B did not sign")
	assert.Nil(t, got)

	// A tampered signature (one bit of r), a wrong amount, no amount.
	tampered, err := ParseTx(tx.Bytes())
	require.NoError(t, err)
	tampered.Inputs[0].Witness[0][10] ^= 1
	_, err = VerifyInputSigner(tampered, 0, amount)
	assert.ErrorIs(t, err, ErrInvalidSignature)
	_, err = VerifyInputSigner(tx, 0, amount+1)
	assert.ErrorIs(t, err, ErrInvalidSignature, "the signature commits to the amount")
	_, err = VerifyInputSigner(tx, 0, UnknownAmount)
	assert.ErrorIs(t, err, ErrAmountRequired)
	for _, bad := range []int64{-2, MaxMoney + 1} {
		_, err = VerifyInputSigner(tx, 0, bad)
		assert.ErrorIs(t, err, errMalformedTx)
	}
	_, err = VerifyInputSigner(tx, 1, amount)
	assert.ErrorIs(t, err, errMalformedTx)
	_, err = VerifyInputSigner(nil, 0, amount)
	assert.ErrorIs(t, err, errMalformedTx)
}

// signP2PKHForTest signs input index of tx as a P2PKH spend of key.
func signP2PKHForTest(t *testing.T, tx *Tx, index int, key *secp256k1.PrivateKey, pub []byte) {
	t.Helper()
	digest, err := LegacySigHash(tx, index, P2WPKHScriptCode(Hash160(pub)), SigHashAll)
	require.NoError(t, err)
	sig := append(ecdsa.Sign(key, digest[:]).Serialize(), byte(SigHashAll))
	tx.Inputs[index].ScriptSig = append(append([]byte{byte(len(sig))}, sig...), append([]byte{byte(len(pub))}, pub...)...)
}

func TestVerifyInputSignerP2PKH(t *testing.T) {
	keyA := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x0a}, 32))
	keyB := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x0b}, 32))
	for _, compressed := range []bool{true, false} {
		pubA := keyA.PubKey().SerializeUncompressed()
		pubB := keyB.PubKey().SerializeUncompressed()
		if compressed {
			pubA, pubB = keyA.PubKey().SerializeCompressed(), keyB.PubKey().SerializeCompressed()
		}
		tx := &Tx{Version: 1, Inputs: []TxIn{{PrevTxID: Hash{1}, Sequence: 0xffffffff}, {PrevTxID: Hash{2}, PrevIndex: 3, Sequence: 0xffffffff}},
			Outputs: []TxOut{{Value: 5000, PkScript: P2WPKHScriptCode(Hash160(pubA))}, {PkScript: append([]byte{opReturn, 0x20}, bytes.Repeat([]byte{7}, 32)...)}}}
		signP2PKHForTest(t, tx, 0, keyA, pubA)
		signP2PKHForTest(t, tx, 1, keyA, pubA)
		parsed, err := ParseTx(serializeTx(tx, false))
		require.NoError(t, err)
		for i := range 2 {
			s, err := VerifyInputSigner(parsed, i, UnknownAmount)
			require.NoError(t, err, "P2PKH needs no amount")
			assert.Equal(t, SpendP2PKH, s.Kind)
			assert.Equal(t, pubA, s.PubKey)
		}

		// Key B's public key in place of A's: the txid changes (scriptSig
		// is in it), and the signature does not verify under B anyway.
		forged, err := ParseTx(serializeTx(tx, false))
		require.NoError(t, err)
		ss := forged.Inputs[0].ScriptSig
		forged.Inputs[0].ScriptSig = append(bytes.Clone(ss[:len(ss)-len(pubB)]), pubB...)
		_, err = VerifyInputSigner(forged, 0, UnknownAmount)
		assert.ErrorIs(t, err, ErrInvalidSignature)
		// Another output: the signature covers them all.
		other, err := ParseTx(serializeTx(tx, false))
		require.NoError(t, err)
		other.Outputs[0].Value++
		_, err = VerifyInputSigner(other, 1, UnknownAmount)
		assert.ErrorIs(t, err, ErrInvalidSignature)
	}
}

func TestVerifyInputSignerShapes(t *testing.T) {
	key := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x0a}, 32))
	tx := anchorTxFor(t, key, 100_000)
	edit := func(f func(in *TxIn)) *Tx {
		c, err := ParseTx(tx.Bytes())
		require.NoError(t, err)
		f(&c.Inputs[0])
		return c
	}
	for name, c := range map[string]struct {
		tx   *Tx
		want error
	}{
		"three witness items":        {edit(func(in *TxIn) { in.Witness = append(in.Witness, []byte{1}) }), ErrUnsupportedInput},
		"uncompressed witness key":   {edit(func(in *TxIn) { in.Witness[1] = key.PubKey().SerializeUncompressed() }), ErrUnsupportedInput},
		"P2SH with a foreign script": {edit(func(in *TxIn) { in.ScriptSig = []byte{0x01, 0x51} }), ErrUnsupportedInput},
		"hash type NONE":             {edit(func(in *TxIn) { in.Witness[0][len(in.Witness[0])-1] = byte(sigHashNone) }), ErrInvalidSignature},
		"empty signature":            {edit(func(in *TxIn) { in.Witness[0] = nil }), ErrInvalidSignature},
		"not DER":                    {edit(func(in *TxIn) { in.Witness[0][0] = 0x31 }), ErrInvalidSignature},
	} {
		_, err := VerifyInputSigner(c.tx, 0, 100_000)
		assert.ErrorIs(t, err, c.want, name)
	}
	// Legacy shapes: one push, three pushes, a non-push opcode, a hybrid key.
	legacy := func(script []byte) *Tx {
		return &Tx{Version: 1, Inputs: []TxIn{{ScriptSig: script}}, Outputs: []TxOut{{}}}
	}
	pub := key.PubKey().SerializeUncompressed()
	hybrid := append([]byte{0x06}, pub[1:]...)
	for name, s := range map[string][]byte{
		"empty":      nil,
		"one push":   {0x01, 0x01},
		"three":      {0x01, 0x01, 0x01, 0x02, 0x01, 0x03},
		"OP_0 first": {0x00, 0x01, 0x01},
		"PUSHDATA1":  {0x4c, 0x01, 0x01, 0x01, 0x01},
		"short push": {0x05, 0x01},
		"hybrid key": append([]byte{0x01, 0x01, 65}, hybrid...),
		"key prefix": append([]byte{0x01, 0x01, 33}, bytes.Repeat([]byte{0x05}, 33)...),
	} {
		_, err := VerifyInputSigner(legacy(s), 0, UnknownAmount)
		assert.ErrorIs(t, err, ErrUnsupportedInput, name)
	}
}

// Real transactions: the Blockcerts mainnet anchor 2378076e… (two P2PKH
// inputs of the issuer's key) and the P2SH-P2WPKH anchor in regtest
// block 129 (python-opentimestamps' test data).
func TestVerifyInputSignerReal(t *testing.T) {
	tx, err := ParseTx(readHex(t, "blockcerts-mainnet-2378076e.hex"))
	require.NoError(t, err)
	for i := range tx.Inputs {
		s, err := VerifyInputSigner(tx, i, UnknownAmount)
		require.NoError(t, err, "input %d", i)
		assert.Equal(t, SpendP2PKH, s.Kind)
		// The issuer's address in the Blockcerts v2 sample's profile
		// (shared/anchors/fixtures/blockcerts, mainnet-valid-2.0).
		assert.Equal(t, "1AwdUWQzJgfDDjeKtpPzMfYMHejFBrxZfo", s.Address(Mainnet))
	}
	tx.Outputs[0].Value--
	_, err = VerifyInputSigner(tx, 0, UnknownAmount)
	assert.ErrorIs(t, err, ErrInvalidSignature, "one satoshi less change")

	blk, err := ParseBlock(readHex(t, "regtest-block-129-segwit-opreturn.hex"))
	require.NoError(t, err)
	reg := blk.Txs[1]
	// The spent output is not in the fixture. Its amount is the one the
	// signature verifies for, found by trying every fee from 0 to 3,000,000
	// satoshis: the output 1298.99999632 BTC plus a 184-satoshi fee.
	const spent = 129_899_999_816
	s, err := VerifyInputSigner(reg, 0, spent)
	require.NoError(t, err)
	assert.Equal(t, spendP2SHP2WPKH, s.Kind)
	assert.Regexp(t, `^2[1-9A-HJ-NP-Za-km-z]{33,34}$`, s.Address(Regtest), "a testnet P2SH address")
	assert.Regexp(t, `^3`, s.Address(Mainnet))
	_, err = VerifyInputSigner(reg, 0, spent-1)
	assert.ErrorIs(t, err, ErrInvalidSignature)
	_, err = VerifyInputSigner(reg, 0, UnknownAmount)
	assert.ErrorIs(t, err, ErrAmountRequired)
	_, err = VerifyP2WPKHInput(reg, 0, spent)
	assert.ErrorIs(t, err, errNotP2WPKH, "nested, not native")
	_, err = VerifyInputSigner(blk.Txs[0], 0, 0)
	assert.ErrorIs(t, err, ErrUnsupportedInput, "a coinbase input")
}

// BIP 143's P2SH-P2WPKH example verifies as a nested spend.
func TestVerifyInputSignerBIP143Nested(t *testing.T) {
	for _, v := range bip143Vectors(t) {
		if v.Name != "P2SH-P2WPKH" {
			continue
		}
		tx, err := ParseTx(mustHex(t, v.SignedTx))
		require.NoError(t, err)
		s, err := VerifyInputSigner(tx, v.Index, v.Amount)
		require.NoError(t, err)
		assert.Equal(t, spendP2SHP2WPKH, s.Kind)
		assert.Equal(t, mustHex(t, v.PublicKey), s.PubKey)
		return
	}
	t.Fatal("no P2SH-P2WPKH vector")
}

var (
	p2pkhAsm  = regexp.MustCompile(`^DUP HASH160 0x14 0x([0-9a-f]{40}) EQUALVERIFY CHECKSIG$`)
	p2wpkhAsm = regexp.MustCompile(`^0x00 0x14 0x([0-9a-f]{40})$`)
)

// Every P2PKH and P2WPKH input of Bitcoin Core's tx_valid.json (valid by
// consensus) either proves its signer, whose HASH160 is the prevout's, or
// is refused for its form (another hash type, non-strict DER, high S,
// another script shape), never because its signature fails: and then the
// signature still verifies against our digest for its own hash type,
// which exercises LegacySigHash's NONE, SINGLE and ANYONECANPAY.
func TestVerifyInputSignerTxValid(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "tx_valid.json"))
	require.NoError(t, err)
	var rows [][]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &rows))
	proven, other := 0, 0
	hashTypes := map[uint32]int{} // signatures checked leniently, by hash type
	for n, row := range rows {
		if len(row) < 3 {
			continue
		}
		var prevouts [][]json.RawMessage
		var txHex string
		if json.Unmarshal(row[0], &prevouts) != nil || json.Unmarshal(row[1], &txHex) != nil {
			continue
		}
		raw, err := hex.DecodeString(txHex)
		require.NoError(t, err)
		tx, err := ParseTx(raw)
		require.NoError(t, err)
		for _, p := range prevouts {
			var id string
			var vout int64
			var script string
			require.NoError(t, json.Unmarshal(p[0], &id))
			require.NoError(t, json.Unmarshal(p[1], &vout))
			require.NoError(t, json.Unmarshal(p[2], &script))
			amount := UnknownAmount
			if len(p) > 3 {
				require.NoError(t, json.Unmarshal(p[3], &amount))
			}
			var h160 []byte
			segwit := false
			if m := p2pkhAsm.FindStringSubmatch(script); m != nil {
				h160 = mustHex(t, m[1])
			} else if m := p2wpkhAsm.FindStringSubmatch(script); m != nil {
				h160, segwit = mustHex(t, m[1]), true
			} else {
				continue
			}
			idx := -1
			for i, in := range tx.Inputs {
				if in.PrevTxID.String() == id && int64(in.PrevIndex) == vout {
					idx = i
				}
			}
			require.GreaterOrEqual(t, idx, 0, "row %d: input for %s:%d", n, id, vout)
			s, err := VerifyInputSigner(tx, idx, amount)
			if err == nil {
				proven++
				h := Hash160(s.PubKey)
				assert.Equal(t, h160, h[:], "row %d input %d: the signer is the prevout's key", n, idx)
				continue
			}
			other++
			if errors.Is(err, ErrUnsupportedInput) {
				continue
			}
			require.ErrorIs(t, err, ErrInvalidSignature, "row %d input %d", n, idx)
			// Refused for its form: check the signature with its own hash
			// type against our digests, parsing DER leniently.
			in := tx.Inputs[idx]
			var sigBytes, pub []byte
			if segwit {
				sigBytes, pub = in.Witness[0], in.Witness[1]
			} else {
				var ok bool
				sigBytes, pub, ok = twoPushes(in.ScriptSig)
				require.True(t, ok)
			}
			ht := uint32(sigBytes[len(sigBytes)-1])
			var digest [32]byte
			if segwit {
				digest, err = witnessV0SigHash(tx, idx, P2WPKHScriptCode([20]byte(h160)), amount, ht)
			} else {
				digest, err = LegacySigHash(tx, idx, P2WPKHScriptCode([20]byte(h160)), ht)
			}
			require.NoError(t, err)
			sig, perr := ecdsa.ParseDERSignature(sigBytes[:len(sigBytes)-1])
			if perr != nil {
				continue // lax DER that only consensus's parser reads
			}
			key, err := secp256k1.ParsePubKey(pub)
			require.NoError(t, err)
			assert.True(t, sig.Verify(digest[:], key), "row %d input %d: hash type %#x verifies against our digest", n, idx, ht)
			hashTypes[ht]++
		}
	}
	t.Logf("%d inputs proven, %d refused for their form; lenient checks by hash type: %v", proven, other, hashTypes)
	assert.Greater(t, proven, 10)
	assert.Greater(t, len(hashTypes), 2, "several hash types exercised")
}
