package btcwire

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// Signature hash types (the byte appended to a signature).
const (
	SigHashAll          uint32 = 0x01
	sigHashNone         uint32 = 0x02
	sigHashSingle       uint32 = 0x03
	sigHashAnyoneCanPay uint32 = 0x80
)

// writer appends consensus serialization to a byte slice.
type writer struct{ b []byte }

func (w *writer) u32(v uint32) { w.b = binary.LittleEndian.AppendUint32(w.b, v) }
func (w *writer) u64(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }

func (w *writer) compactSize(n uint64) {
	switch {
	case n < 0xfd:
		w.b = append(w.b, byte(n))
	case n <= 0xffff:
		w.b = append(w.b, 0xfd)
		w.b = binary.LittleEndian.AppendUint16(w.b, uint16(n))
	case n <= 0xffffffff:
		w.b = append(w.b, 0xfe)
		w.u32(uint32(n))
	default:
		w.b = append(w.b, 0xff)
		w.u64(n)
	}
}

func (w *writer) varBytes(b []byte) {
	w.compactSize(uint64(len(b)))
	w.b = append(w.b, b...)
}

func (w *writer) outpoint(in *TxIn) {
	w.b = append(w.b, in.PrevTxID[:]...)
	w.u32(in.PrevIndex)
}

func (w *writer) output(o *TxOut) {
	w.u64(uint64(o.Value))
	w.varBytes(o.PkScript)
}

// sigHasher holds BIP 143's per-transaction midstate for SIGHASH_ALL:
// hashPrevouts, hashSequence and hashOutputs, computed once and reused
// for every input.
type sigHasher struct {
	tx                                     *Tx
	hashPrevouts, hashSequence, hashOutput [32]byte
}

func newSigHasher(tx *Tx) *sigHasher {
	h := &sigHasher{tx: tx}
	var w writer
	for i := range tx.Inputs {
		w.outpoint(&tx.Inputs[i])
	}
	h.hashPrevouts = DoubleSHA256(w.b)
	w.b = w.b[:0]
	for i := range tx.Inputs {
		w.u32(tx.Inputs[i].Sequence)
	}
	h.hashSequence = DoubleSHA256(w.b)
	w.b = w.b[:0]
	for i := range tx.Outputs {
		w.output(&tx.Outputs[i])
	}
	h.hashOutput = DoubleSHA256(w.b)
	return h
}

// hash is BIP 143's transaction digest for input index: double SHA-256
// of [sigHasher.preimage].
func (h *sigHasher) hash(index int, scriptCode []byte, amount int64, hashType uint32) [32]byte {
	return DoubleSHA256(h.preimage(index, scriptCode, amount, hashType))
}

// preimage serializes BIP 143's ten items for input index. scriptCode is
// given without its length prefix.
func (h *sigHasher) preimage(index int, scriptCode []byte, amount int64, hashType uint32) []byte {
	tx := h.tx
	var zero [32]byte
	base := hashType & 0x1f
	anyoneCanPay := hashType&sigHashAnyoneCanPay != 0
	// Items 2, 3 and 8: which midstates are committed depends on the hash
	// type; the others are 32 zero bytes.
	prevouts, sequence, outputs := h.hashPrevouts, h.hashSequence, h.hashOutput
	if anyoneCanPay {
		prevouts = zero
	}
	if anyoneCanPay || base == sigHashSingle || base == sigHashNone {
		sequence = zero
	}
	if base == sigHashSingle || base == sigHashNone {
		outputs = zero
		if base == sigHashSingle && index < len(tx.Outputs) {
			var w writer
			w.output(&tx.Outputs[index])
			outputs = DoubleSHA256(w.b)
		}
	}
	in := &tx.Inputs[index]
	w := writer{b: make([]byte, 0, 4+32+32+36+9+len(scriptCode)+8+4+32+4+4)}
	w.u32(uint32(tx.Version))         // 1. nVersion
	w.b = append(w.b, prevouts[:]...) // 2. hashPrevouts
	w.b = append(w.b, sequence[:]...) // 3. hashSequence
	w.outpoint(in)                    // 4. outpoint
	w.varBytes(scriptCode)            // 5. scriptCode
	w.u64(uint64(amount))             // 6. value of the spent output
	w.u32(in.Sequence)                // 7. nSequence
	w.b = append(w.b, outputs[:]...)  // 8. hashOutputs
	w.u32(tx.LockTime)                // 9. nLockTime
	w.u32(hashType)                   // 10. sighash type
	return w.b
}

// witnessV0SigHash returns the BIP 143 digest that a version 0 witness
// signature on input index signs: double SHA-256 of the ten items of
// BIP 143, for any hash type (ALL, NONE, SINGLE, each with or without
// ANYONECANPAY). scriptCode is the script without its length prefix (for
// P2WPKH, [P2WPKHScriptCode]); amount is the value in satoshis of the
// output the input spends, which the digest commits to. The digest is
// returned in the order it is signed (not reversed for display). An index
// out of range or an amount outside [0, MaxMoney] wraps errMalformedTx.
func witnessV0SigHash(tx *Tx, index int, scriptCode []byte, amount int64, hashType uint32) ([32]byte, error) {
	if tx == nil || index < 0 || index >= len(tx.Inputs) {
		return [32]byte{}, fmt.Errorf("%w: no input %d", errMalformedTx, index)
	}
	if amount < 0 || amount > MaxMoney {
		return [32]byte{}, fmt.Errorf("%w: amount %d outside [0, MaxMoney]", errMalformedTx, amount)
	}
	return newSigHasher(tx).hash(index, scriptCode, amount, hashType), nil
}

// VerifyP2WPKHInput checks that input index of tx is a native P2WPKH
// spend whose signature verifies under BIP 143 for the given prevout
// amount (satoshis), and returns the 33-byte public key it was signed
// with ([AddressFromPubKey] turns it into the sender's address).
//
// Checks, in order (BIP 141 P2WPKH, BIP 143, and the standardness rules
// BIP 62/66/146 describe): the scriptSig is empty; the witness has
// exactly two items; the second is a compressed public key on the curve;
// the first is a strict DER signature (BIP 66) followed by the hash type,
// which must be SIGHASH_ALL; S is at most half the group order (low S);
// and the signature verifies against the digest of witnessV0SigHash
// with scriptCode [P2WPKHScriptCode](HASH160(pubkey)).
//
// It does not know the output being spent: that the prevout really paid
// to HASH160(pubkey), and really held amount, follows from the
// transaction being valid in a block (the signature commits to the
// amount), or can be checked against the previous transaction with
// isP2WPKH. A bad signature wraps [ErrInvalidSignature]; a witness of
// another shape wraps errNotP2WPKH.
func VerifyP2WPKHInput(tx *Tx, index int, amount int64) ([]byte, error) {
	if tx == nil || index < 0 || index >= len(tx.Inputs) {
		return nil, fmt.Errorf("%w: no input %d", errMalformedTx, index)
	}
	return verifyP2WPKH(newSigHasher(tx), index, amount)
}

func verifyP2WPKH(h *sigHasher, index int, amount int64) ([]byte, error) {
	if amount < 0 || amount > MaxMoney {
		return nil, fmt.Errorf("%w: amount %d outside [0, MaxMoney]", errMalformedTx, amount)
	}
	// BIP 141: a native witness program spend has an empty scriptSig.
	if len(h.tx.Inputs[index].ScriptSig) != 0 {
		return nil, fmt.Errorf("%w: input %d has a scriptSig", errNotP2WPKH, index)
	}
	return verifyWitnessV0(h, index, amount)
}

// verifyWitnessV0 checks a P2WPKH witness, <signature> <pubkey>, against
// the BIP 143 digest for amount, whatever the scriptSig (empty for
// native P2WPKH, the redeem script for P2SH-P2WPKH; the caller checks it).
func verifyWitnessV0(h *sigHasher, index int, amount int64) ([]byte, error) {
	if amount < 0 || amount > MaxMoney {
		return nil, fmt.Errorf("%w: amount %d outside [0, MaxMoney]", errMalformedTx, amount)
	}
	in := &h.tx.Inputs[index]
	if len(in.Witness) != 2 {
		return nil, fmt.Errorf("%w: input %d has %d witness items, want 2", errNotP2WPKH, index, len(in.Witness))
	}
	sigBytes, pub := in.Witness[0], in.Witness[1]
	// BIP 143 policy: only compressed keys in version 0 witness programs.
	key, err := parseCompressedPubKey(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: input %d: %w", errNotP2WPKH, index, err)
	}
	der, err := splitSignature(index, sigBytes)
	if err != nil {
		return nil, err
	}
	sig, err := parseLowSDER(der)
	if err != nil {
		return nil, fmt.Errorf("%w: input %d: %w", ErrInvalidSignature, index, err)
	}
	digest := h.hash(index, P2WPKHScriptCode(Hash160(pub)), amount, SigHashAll)
	if !sig.Verify(digest[:], key) {
		return nil, fmt.Errorf("%w: input %d: signature does not verify for amount %d", ErrInvalidSignature, index, amount)
	}
	return bytes.Clone(pub), nil
}

// parseLowSDER parses a DER signature and requires it to be the one
// canonical encoding (BIP 66 strict DER: minimal lengths and integers,
// no trailing bytes) with S ≤ n/2 (BIP 146 LOW_S).
func parseLowSDER(der []byte) (*ecdsa.Signature, error) {
	sig, err := ecdsa.ParseDERSignature(der)
	if err != nil {
		return nil, fmt.Errorf("not a DER signature: %w", err)
	}
	s := sig.S()
	if s.IsOverHalfOrder() {
		return nil, fmt.Errorf("high S value (BIP 146 LOW_S)")
	}
	// Serialize writes the unique strict-DER low-S encoding; anything
	// else that parsed is a non-canonical variant.
	if !bytes.Equal(sig.Serialize(), der) {
		return nil, fmt.Errorf("not strict DER (BIP 66)")
	}
	return sig, nil
}

// signP2WPKH signs input index (a P2WPKH output of key's public key
// worth amount) with SIGHASH_ALL and returns its witness. ecdsa.Sign uses
// RFC 6979 deterministic nonces and produces low-S signatures.
func signP2WPKH(h *sigHasher, index int, key *secp256k1.PrivateKey, pub []byte, amount int64) [][]byte {
	digest := h.hash(index, P2WPKHScriptCode(Hash160(pub)), amount, SigHashAll)
	sig := ecdsa.Sign(key, digest[:]).Serialize()
	sig = append(sig, byte(SigHashAll))
	return [][]byte{sig, bytes.Clone(pub)}
}
