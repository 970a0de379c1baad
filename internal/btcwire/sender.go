package btcwire

import (
	"bytes"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred/internal/base58"
)

// SpendKind is the kind of output an input spends, as far as its
// scriptSig and witness show it and [VerifyInputSigner] can check its
// signature.
type SpendKind uint8

const (
	// SpendP2PKH is a legacy pay-to-public-key-hash spend: scriptSig
	// <signature> <pubkey>, signed with the original (pre-segwit) digest.
	SpendP2PKH SpendKind = iota + 1
	// SpendP2WPKH is a native segwit v0 spend: empty scriptSig, witness
	// <signature> <pubkey>, signed with the BIP 143 digest.
	SpendP2WPKH
	// spendP2SHP2WPKH is P2WPKH nested in P2SH (BIP 141): scriptSig one
	// push of the redeem script 0014‖HASH160(pubkey), the witness and
	// digest as for P2WPKH.
	spendP2SHP2WPKH
)

// String returns "p2pkh", "p2wpkh", "p2sh-p2wpkh" or "unknown".
func (k SpendKind) String() string {
	switch k {
	case SpendP2PKH:
		return "p2pkh"
	case SpendP2WPKH:
		return "p2wpkh"
	case spendP2SHP2WPKH:
		return "p2sh-p2wpkh"
	}
	return "unknown"
}

// InputSigner is the key whose signature on one input [VerifyInputSigner]
// checked.
type InputSigner struct {
	Kind SpendKind
	// PubKey is the public key as the input carries it: 33 bytes
	// compressed, or for P2PKH possibly 65 bytes uncompressed.
	PubKey []byte
}

// Address returns the address of the output the input spent, on net:
// bech32 P2WPKH ("bc1q…"), base58check P2SH ("3…", "2…") for
// P2SH-P2WPKH, base58check P2PKH ("1…", "m…"/"n…"); regtest uses the
// testnet base58 versions, as Bitcoin Core does. "" for an unknown network
// or kind.
func (s *InputSigner) Address(net Network) string {
	if s == nil || net.HRP() == "" {
		return ""
	}
	h := Hash160(s.PubKey)
	switch s.Kind {
	case SpendP2WPKH:
		a, err := NewAddress(net, h)
		if err != nil {
			return ""
		}
		return a.String()
	case spendP2SHP2WPKH:
		version := byte(0xc4)
		if net == Mainnet {
			version = 0x05
		}
		return base58Check(version, Hash160(p2wpkhScript(h)))
	case SpendP2PKH:
		version := byte(0x6f)
		if net == Mainnet {
			version = 0x00
		}
		return base58Check(version, h)
	}
	return ""
}

// base58Check encodes version‖payload‖checksum, the checksum being the
// first four bytes of SHA256d(version‖payload).
func base58Check(version byte, payload [20]byte) string {
	b := append([]byte{version}, payload[:]...)
	sum := DoubleSHA256(b)
	return base58.Encode(append(b, sum[:4]...))
}

// UnknownAmount is the amount to pass to [VerifyInputSigner] when the
// value of the output an input spends is not known.
const UnknownAmount int64 = -1

// VerifyInputSigner checks the signature of input index of tx and returns
// the key that made it. This is what binds a transaction to its sender:
// a public key read from a scriptSig or a witness proves nothing until
// the signature over this transaction verifies under it (a witness can be
// replaced without changing the txid).
//
// Three kinds are recognized by their exact shape ([SpendKind]), each
// with one strict-DER low-S signature with SIGHASH_ALL (the digest then
// covers every input and output): P2PKH, checked with [LegacySigHash]
// and scriptCode the P2PKH script of HASH160(pubkey), no amount needed;
// P2WPKH and P2SH-P2WPKH, checked as [VerifyP2WPKHInput] does (BIP 143),
// which needs amount, the value in satoshis of the output the input
// spends. With amount [UnknownAmount] a segwit input fails with
// [ErrAmountRequired].
//
// As for [VerifyP2WPKHInput], that the output spent really paid to this
// key follows from the transaction being valid in a block; the signature
// alone proves that the key's owner signed this exact transaction.
// Errors wrap errMalformedTx (no such input, amount out of range),
// [ErrAmountRequired], [ErrUnsupportedInput] (any other script: P2PK,
// multisig, P2WSH, taproot, …) or [ErrInvalidSignature]; on error the
// signer is nil.
func VerifyInputSigner(tx *Tx, index int, amount int64) (*InputSigner, error) {
	if tx == nil || index < 0 || index >= len(tx.Inputs) {
		return nil, fmt.Errorf("%w: no input %d", errMalformedTx, index)
	}
	if amount != UnknownAmount && (amount < 0 || amount > MaxMoney) {
		return nil, fmt.Errorf("%w: amount %d outside [0, MaxMoney]", errMalformedTx, amount)
	}
	in := &tx.Inputs[index]
	switch {
	case len(in.Witness) == 0:
		// Legacy: scriptSig is exactly <sig> <pubkey>.
		sigBytes, pub, ok := twoPushes(in.ScriptSig)
		if !ok {
			return nil, fmt.Errorf("%w: input %d: scriptSig is not <signature> <pubkey>", ErrUnsupportedInput, index)
		}
		if _, err := parsePubKey(pub); err != nil {
			return nil, fmt.Errorf("%w: input %d: %w", ErrUnsupportedInput, index, err)
		}
		if err := verifyLegacy(tx, index, sigBytes, pub); err != nil {
			return nil, err
		}
		return &InputSigner{Kind: SpendP2PKH, PubKey: bytes.Clone(pub)}, nil
	case len(in.Witness) == 2 && len(in.ScriptSig) == 0:
		if _, err := parseCompressedPubKey(in.Witness[1]); err != nil {
			return nil, fmt.Errorf("%w: input %d: witness is not <signature> <compressed pubkey>", ErrUnsupportedInput, index)
		}
		if amount == UnknownAmount {
			return nil, fmt.Errorf("%w: input %d is P2WPKH", ErrAmountRequired, index)
		}
		pub, err := verifyWitnessV0(newSigHasher(tx), index, amount)
		if err != nil {
			return nil, err
		}
		return &InputSigner{Kind: SpendP2WPKH, PubKey: pub}, nil
	case len(in.Witness) == 2:
		// P2SH-P2WPKH: the scriptSig pushes exactly the redeem script
		// 0014‖HASH160(pubkey) of the witness's key.
		pub := in.Witness[1]
		if _, err := parseCompressedPubKey(pub); err != nil {
			return nil, fmt.Errorf("%w: input %d: witness is not <signature> <compressed pubkey>", ErrUnsupportedInput, index)
		}
		redeem := p2wpkhScript(Hash160(pub))
		if !bytes.Equal(in.ScriptSig, append([]byte{byte(len(redeem))}, redeem...)) {
			return nil, fmt.Errorf("%w: input %d: scriptSig is not the P2WPKH redeem script of the witness key", ErrUnsupportedInput, index)
		}
		if amount == UnknownAmount {
			return nil, fmt.Errorf("%w: input %d is P2SH-P2WPKH", ErrAmountRequired, index)
		}
		got, err := verifyWitnessV0(newSigHasher(tx), index, amount)
		if err != nil {
			return nil, err
		}
		return &InputSigner{Kind: spendP2SHP2WPKH, PubKey: got}, nil
	}
	return nil, fmt.Errorf("%w: input %d has %d witness items", ErrUnsupportedInput, index, len(in.Witness))
}

// twoPushes splits a script that is exactly two direct pushes (opcodes
// 0x01..0x4b) of non-empty data.
func twoPushes(s []byte) (a, b []byte, ok bool) {
	var out [2][]byte
	for i := range out {
		if len(s) == 0 || s[0] < 0x01 || s[0] > 0x4b || int(s[0]) > len(s)-1 {
			return nil, nil, false
		}
		out[i], s = s[1:1+int(s[0])], s[1+int(s[0]):]
	}
	if len(s) != 0 {
		return nil, nil, false
	}
	return out[0], out[1], true
}

// parsePubKey accepts a compressed (33 bytes, 02/03) or uncompressed (65
// bytes, 04) key on the curve; hybrid keys (06/07) are refused.
func parsePubKey(pub []byte) (*secp256k1.PublicKey, error) {
	switch {
	case len(pub) == 33 && (pub[0] == 0x02 || pub[0] == 0x03):
	case len(pub) == 65 && pub[0] == 0x04:
	default:
		return nil, fmt.Errorf("public key is neither 33 bytes compressed nor 65 bytes uncompressed")
	}
	key, err := secp256k1.ParsePubKey(pub)
	if err != nil {
		return nil, fmt.Errorf("public key is not on the curve")
	}
	return key, nil
}

// splitSignature separates a strict-DER low-S signature from its
// SIGHASH_ALL byte.
func splitSignature(index int, sigBytes []byte) ([]byte, error) {
	if len(sigBytes) < 1 {
		return nil, fmt.Errorf("%w: input %d: empty signature", ErrInvalidSignature, index)
	}
	der, hashType := sigBytes[:len(sigBytes)-1], uint32(sigBytes[len(sigBytes)-1])
	if hashType != SigHashAll {
		return nil, fmt.Errorf("%w: input %d: hash type 0x%02x, only SIGHASH_ALL is accepted", ErrInvalidSignature, index, hashType)
	}
	return der, nil
}

func verifyLegacy(tx *Tx, index int, sigBytes, pub []byte) error {
	der, err := splitSignature(index, sigBytes)
	if err != nil {
		return err
	}
	sig, err := parseLowSDER(der)
	if err != nil {
		return fmt.Errorf("%w: input %d: %w", ErrInvalidSignature, index, err)
	}
	key, err := parsePubKey(pub)
	if err != nil {
		return fmt.Errorf("%w: input %d: %w", ErrUnsupportedInput, index, err)
	}
	digest, err := LegacySigHash(tx, index, P2WPKHScriptCode(Hash160(pub)), SigHashAll)
	if err != nil {
		return err
	}
	if !sig.Verify(digest[:], key) {
		return fmt.Errorf("%w: input %d: signature does not verify", ErrInvalidSignature, index)
	}
	return nil
}

// LegacySigHash returns the digest a pre-segwit signature on input index
// signs (Bitcoin Core's SignatureHash with SigVersion::BASE): the
// transaction without witnesses, every scriptSig emptied but input
// index's, which is replaced by scriptCode (for P2PKH the output script
// 76a914‖HASH160(pubkey)‖88ac; OP_CODESEPARATOR and FindAndDelete are not
// applied, as no template this package checks contains them), then the
// hash type as four bytes, double SHA-256. NONE, SINGLE and ANYONECANPAY
// are computed as consensus defines them, including SINGLE with no
// matching output, which signs the value 1. The digest is in signing
// order. Errors wrap errMalformedTx.
func LegacySigHash(tx *Tx, index int, scriptCode []byte, hashType uint32) ([32]byte, error) {
	if tx == nil || index < 0 || index >= len(tx.Inputs) {
		return [32]byte{}, fmt.Errorf("%w: no input %d", errMalformedTx, index)
	}
	base := hashType & 0x1f
	anyoneCanPay := hashType&sigHashAnyoneCanPay != 0
	if base == sigHashSingle && index >= len(tx.Outputs) {
		// The "SIGHASH_SINGLE bug": consensus signs uint256(1).
		return [32]byte{1}, nil
	}
	var w writer
	w.u32(uint32(tx.Version))
	inputs := tx.Inputs
	if anyoneCanPay {
		inputs = tx.Inputs[index : index+1]
		w.compactSize(1)
	} else {
		w.compactSize(uint64(len(inputs)))
	}
	for i := range inputs {
		in := &inputs[i]
		signing := anyoneCanPay || i == index
		w.outpoint(in)
		if signing {
			w.varBytes(scriptCode)
		} else {
			w.compactSize(0)
		}
		seq := in.Sequence
		if !signing && (base == sigHashNone || base == sigHashSingle) {
			seq = 0
		}
		w.u32(seq)
	}
	switch base {
	case sigHashNone:
		w.compactSize(0)
	case sigHashSingle:
		w.compactSize(uint64(index + 1))
		for i := 0; i < index; i++ {
			w.u64(^uint64(0)) // value -1
			w.compactSize(0)  // empty script
		}
		w.output(&tx.Outputs[index])
	default:
		w.compactSize(uint64(len(tx.Outputs)))
		for i := range tx.Outputs {
			w.output(&tx.Outputs[i])
		}
	}
	w.u32(tx.LockTime)
	w.u32(hashType)
	return DoubleSHA256(w.b), nil
}
