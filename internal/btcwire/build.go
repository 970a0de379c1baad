package btcwire

import (
	"bytes"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// Limits and policy values used by [BuildAnchorTx].
const (
	// MaxFeeRate is the highest fee rate accepted, in satoshis per 1000
	// virtual bytes: 0.1 BTC/kvB, Bitcoin Core's default -maxfeerate. A
	// rate above it is almost certainly a unit mistake.
	MaxFeeRate = 10_000_000
	// dustP2WPKH is the smallest P2WPKH output value Bitcoin Core relays
	// at its default dust relay fee of 3 sat/vB (GetDustThreshold: (31 +
	// 67.75) vbytes × 3).
	dustP2WPKH = 294
	// dustP2PKH is the same for a P2PKH output: (34 + 148) vbytes × 3.
	dustP2PKH = 546
	// maxStandardTxWeight is the largest transaction weight nodes relay.
	maxStandardTxWeight = 400_000

	// anchorSequence signals replaceability (BIP 125) so a stuck anchor
	// can be fee-bumped, and leaves nLockTime enforced.
	anchorSequence = 0xfffffffd
	// maxP2WPKHWitness bounds one P2WPKH input's witness: item count,
	// a low-S DER signature (at most 71 bytes) plus its hash type, and a
	// 33-byte key, each with a length byte.
	maxP2WPKHWitness = 1 + 1 + 72 + 1 + 33
	// maxP2PKHScriptSig bounds one P2PKH input's scriptSig: a push of the
	// signature and its hash type, a push of the 33-byte key.
	maxP2PKHScriptSig = 1 + 72 + 1 + 33
)

// UTXO is an unspent output, paying to the signing key's address of the
// kind [AnchorParams].Spend names, that the anchor transaction spends.
type UTXO struct {
	// TxID is the transaction holding the output, in internal byte
	// order; [ParseHash] reads the display form RPCs and explorers show.
	TxID Hash
	// Vout is the output's index in that transaction.
	Vout uint32
	// Amount is the output's value in satoshis. BIP 143 signatures commit
	// to it: a wrong amount makes a transaction nodes reject, never one
	// that spends more than intended.
	Amount int64
}

// AnchorParams describes an anchor transaction for [BuildAnchorTx].
type AnchorParams struct {
	// Network is the network of Change (and of the key's address).
	Network Network
	// Key signs every input; each UTXO must pay to its address of kind
	// Spend.
	Key *secp256k1.PrivateKey
	// Spend is [SpendP2WPKH] (also the zero value) or [SpendP2PKH]: the
	// kind of output every input spends, hence how it is signed.
	Spend SpendKind
	// Inputs are the outputs to spend, in order; at least one.
	Inputs []UTXO
	// Root is the 32-byte batch root the OP_RETURN output carries.
	Root []byte
	// Change receives the inputs' total minus the fee: a P2WPKH or P2PKH
	// address on Network.
	Change Address
	// FeeRate is in satoshis per 1000 virtual bytes (Bitcoin Core's
	// sat/kvB; 1000 is 1 sat/vB), from 1 to [MaxFeeRate].
	FeeRate int64
	// LockTime is the transaction's nLockTime (0: none).
	LockTime uint32
}

// BuildAnchorTx builds and signs, offline, a version 2 transaction that
// spends p.Inputs with p.Key and has two outputs:
//
//	0: the change, to p.Change (P2WPKH or P2PKH)
//	1: value 0, OP_RETURN OP_PUSHBYTES_32 root (6a20‖root), the
//	   Blockcerts position (last)
//
// Each input has nSequence 0xfffffffd (replaceable, BIP 125) and a
// low-S, strict-DER, RFC 6979 deterministic ECDSA signature with
// SIGHASH_ALL. With p.Spend [SpendP2WPKH] the transaction is segwit and
// each input has a P2WPKH witness (the signature over the BIP 143 digest,
// and the key's compressed public key); with [SpendP2PKH] it has no
// witness and each scriptSig is <signature> <compressed pubkey>, the
// signature over the legacy digest ([LegacySigHash]). The fee is the fee
// rate times an upper bound of the virtual size (every signature counted
// at its longest), rounded up, so the rate is met or slightly exceeded.
//
// Before returning, the serialization is read back with [ParseTx] and
// every input is checked with [VerifyInputSigner] against the key.
// Errors wrap errInvalidParams (missing or out-of-range parameters,
// duplicate inputs, network mismatch) or [ErrInsufficientFunds] (the
// change would be below dustP2WPKH, or dustP2PKH for a P2PKH change);
// nothing about the key is quoted.
func BuildAnchorTx(p AnchorParams) (*Tx, error) {
	bad := func(format string, args ...any) (*Tx, error) {
		return nil, fmt.Errorf("%w: %s", errInvalidParams, fmt.Sprintf(format, args...))
	}
	if p.Network.HRP() == "" {
		return bad("unknown network %d", p.Network)
	}
	if p.Key == nil || p.Key.Key.IsZero() {
		return bad("no private key")
	}
	spend := p.Spend
	if spend == 0 {
		spend = SpendP2WPKH
	}
	if spend != SpendP2WPKH && spend != SpendP2PKH {
		return bad("spend kind %s: only p2wpkh and p2pkh inputs are built", spend)
	}
	segwit := spend == SpendP2WPKH
	if len(p.Root) != 32 {
		return bad("root has %d bytes, want 32", len(p.Root))
	}
	if p.Change.Network() != p.Network {
		return bad("change address %q is not a %s address", p.Change.String(), p.Network)
	}
	if p.FeeRate < 1 || p.FeeRate > MaxFeeRate {
		return bad("fee rate %d sat/kvB outside [1, %d]", p.FeeRate, MaxFeeRate)
	}
	if len(p.Inputs) == 0 {
		return bad("no inputs")
	}
	// Each input adds at least 41 stripped bytes (164 weight units).
	if len(p.Inputs) > maxStandardTxWeight/164 {
		return bad("%d inputs", len(p.Inputs))
	}
	var total int64
	seen := make(map[[36]byte]bool, len(p.Inputs))
	for i, u := range p.Inputs {
		if u.Amount <= 0 || u.Amount > MaxMoney {
			return bad("input %d amount %d outside [1, MaxMoney]", i, u.Amount)
		}
		total += u.Amount
		if total > MaxMoney {
			return bad("input amounts sum above MaxMoney")
		}
		var op [36]byte
		copy(op[:], u.TxID[:])
		op[32], op[33], op[34], op[35] = byte(u.Vout), byte(u.Vout>>8), byte(u.Vout>>16), byte(u.Vout>>24)
		if seen[op] {
			return bad("input %d spends %s:%d twice", i, u.TxID, u.Vout)
		}
		seen[op] = true
	}

	pub := p.Key.PubKey().SerializeCompressed()
	tx := &Tx{Version: 2, LockTime: p.LockTime, witness: segwit}
	tx.Inputs = make([]TxIn, len(p.Inputs))
	for i, u := range p.Inputs {
		tx.Inputs[i] = TxIn{PrevTxID: u.TxID, PrevIndex: u.Vout, Sequence: anchorSequence}
	}
	opReturnScript := append([]byte{opReturn, 0x20}, p.Root...)
	tx.Outputs = []TxOut{
		{Value: 0, PkScript: p.Change.PkScript()}, // value set below
		{Value: 0, PkScript: opReturnScript},
	}

	// Fee: weight = 4 × stripped size + witness bytes (marker, flag and
	// each input's witness, BIP 141); vsize = ⌈weight / 4⌉. A P2PKH
	// scriptSig is in the stripped size (its length byte is already
	// counted: 107 < 0xfd).
	stripped := len(serializeTx(tx, false))
	weight := 4*stripped + 2 + len(tx.Inputs)*maxP2WPKHWitness
	if !segwit {
		weight = 4 * (stripped + len(tx.Inputs)*maxP2PKHScriptSig)
	}
	if weight > maxStandardTxWeight {
		return bad("transaction weight %d exceeds %d", weight, maxStandardTxWeight)
	}
	vsize := int64((weight + 3) / 4)
	fee := (vsize*p.FeeRate + 999) / 1000
	change := total - fee
	dust := int64(dustP2WPKH)
	if p.Change.P2PKH() {
		dust = dustP2PKH
	}
	if change < dust {
		return nil, fmt.Errorf("%w: inputs hold %d sat, fee is %d sat, change would be %d (dust limit %d)",
			ErrInsufficientFunds, total, fee, change, dust)
	}
	tx.Outputs[0].Value = change

	// Sign every input with SIGHASH_ALL: BIP 143 for P2WPKH, the legacy
	// digest for P2PKH (which blanks every other scriptSig, so the order
	// of signing does not matter).
	if segwit {
		h := newSigHasher(tx)
		for i, u := range p.Inputs {
			tx.Inputs[i].Witness = signP2WPKH(h, i, p.Key, pub, u.Amount)
		}
	} else {
		sigs := make([][]byte, len(tx.Inputs))
		for i := range tx.Inputs {
			digest, err := LegacySigHash(tx, i, P2WPKHScriptCode(Hash160(pub)), SigHashAll)
			if err != nil {
				return nil, err
			}
			sigs[i] = append(ecdsa.Sign(p.Key, digest[:]).Serialize(), byte(SigHashAll))
		}
		for i := range tx.Inputs {
			var w writer
			w.varBytes(sigs[i])
			w.varBytes(pub)
			tx.Inputs[i].ScriptSig = w.b
		}
	}

	// Read back what we wrote and check every signature, so a bug here
	// can never produce a transaction that would not verify.
	out, err := ParseTx(serializeTx(tx, segwit))
	if err != nil {
		return nil, fmt.Errorf("parsing the built transaction: %w", err)
	}
	for i, u := range p.Inputs {
		got, err := VerifyInputSigner(out, i, u.Amount)
		if err != nil {
			return nil, fmt.Errorf("verifying the built transaction: %w", err)
		}
		if got.Kind != spend || !bytes.Equal(got.PubKey, pub) {
			return nil, fmt.Errorf("verifying the built transaction: input %d: %w", i, ErrInvalidSignature)
		}
	}
	if out.VSize() > int(vsize) {
		return nil, fmt.Errorf("built transaction: virtual size %d above the estimate %d", out.VSize(), vsize)
	}
	return out, nil
}

// serializeTx writes tx in consensus form, with marker, flag and
// witnesses when withWitness is set (BIP 144).
func serializeTx(tx *Tx, withWitness bool) []byte {
	var w writer
	w.u32(uint32(tx.Version))
	if withWitness {
		w.b = append(w.b, 0x00, 0x01)
	}
	w.compactSize(uint64(len(tx.Inputs)))
	for i := range tx.Inputs {
		in := &tx.Inputs[i]
		w.outpoint(in)
		w.varBytes(in.ScriptSig)
		w.u32(in.Sequence)
	}
	w.compactSize(uint64(len(tx.Outputs)))
	for i := range tx.Outputs {
		w.output(&tx.Outputs[i])
	}
	if withWitness {
		for i := range tx.Inputs {
			wit := tx.Inputs[i].Witness
			w.compactSize(uint64(len(wit)))
			for _, item := range wit {
				w.varBytes(item)
			}
		}
	}
	w.u32(tx.LockTime)
	return w.b
}

// Fee returns the sum of inputs minus the sum of outputs, given the
// amounts of the outputs the inputs spend (in input order). It errs if
// the counts differ or the outputs exceed the inputs.
func (tx *Tx) Fee(amounts []int64) (int64, error) {
	if len(amounts) != len(tx.Inputs) {
		return 0, fmt.Errorf("%w: %d amounts for %d inputs", errInvalidParams, len(amounts), len(tx.Inputs))
	}
	var in, out int64
	for i, a := range amounts {
		if a < 0 || a > MaxMoney {
			return 0, fmt.Errorf("%w: amount %d of input %d outside [0, MaxMoney]", errInvalidParams, a, i)
		}
		in += a
		if in > MaxMoney {
			return 0, fmt.Errorf("%w: input amounts sum above MaxMoney", errInvalidParams)
		}
	}
	for _, o := range tx.Outputs {
		out += o.Value
	}
	if out > in {
		return 0, fmt.Errorf("%w: outputs %d exceed inputs %d", errInvalidParams, out, in)
	}
	return in - out, nil
}
