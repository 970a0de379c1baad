package ethwire

import (
	"bytes"
	"fmt"
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// TxType is the EIP-2718 transaction type; legacy transactions have none
// and are type 0 here.
type TxType uint8

const (
	// LegacyTxType is an untyped RLP list, before EIP-155 (v = 27, 28) or
	// with its chain id folded into v (v = chainID·2 + 35 + recid).
	LegacyTxType TxType = 0
	// accessListTxType is EIP-2930: 0x01 ‖ rlp([chainId, nonce, gasPrice,
	// gasLimit, to, value, data, accessList, yParity, r, s]).
	accessListTxType TxType = 1
	// dynamicFeeTxType is EIP-1559: 0x02 ‖ rlp([chainId, nonce,
	// maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data,
	// accessList, yParity, r, s]).
	dynamicFeeTxType TxType = 2
)

// maxTxBytes caps a raw transaction: the largest a node's pool relays
// (4 × 32 KiB).
const maxTxBytes = 128 * 1024

// secp256k1 group order n and n/2 (EIP-2 low-s bound).
var (
	curveN, _  = new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)
	curveHalfN = new(big.Int).Rsh(curveN, 1)
)

// AccessTuple is one EIP-2930 access list entry.
type AccessTuple struct {
	Address     Address
	StorageKeys []Hash
}

// Tx is a signed (or, while being built, unsigned) transaction of type
// 0, 1 or 2. [ParseTx] fills it from raw bytes; [Tx.MarshalBinary]
// encodes the fields back, byte for byte the same for a parsed
// transaction.
type Tx struct {
	Type TxType
	// ChainID is the EIP-155 chain id; 0 only for a pre-EIP-155 legacy
	// transaction, which is valid on every chain.
	ChainID uint64
	Nonce   uint64
	// GasPrice is set for types 0 and 1.
	GasPrice *big.Int
	// GasTipCap (maxPriorityFeePerGas) and GasFeeCap (maxFeePerGas) are
	// set for type 2.
	GasTipCap *big.Int
	GasFeeCap *big.Int
	Gas       uint64
	// To is nil for a contract creation.
	To         *Address
	Value      *big.Int
	Data       []byte
	AccessList []AccessTuple // types 1 and 2
	// V is, for legacy transactions, 27 or 28 (pre-EIP-155) or
	// ChainID·2 + 35 + recid; for typed transactions the yParity, 0 or 1.
	V    uint64
	R, S *big.Int
}

// ParseTx parses one raw transaction as eth_sendRawTransaction takes it
// and the transactions trie stores it: a legacy RLP list of 9 items, or a
// type byte 1 or 2 followed by the RLP list of 11 or 12 items. Decoding is
// strict (see decodeRLP; integers canonical, nonce and gas in 64 bits,
// amounts in 256, to empty or 20 bytes, yParity 0 or 1, legacy v 27, 28
// or at least 37) and at most maxTxBytes. The signature values are range
// checked by [Tx.Sender], not here. Errors wrap [ErrMalformedTx],
// errMalformedRLP, errUnsupportedTxType or errInvalidSignature; on
// error the transaction is nil.
func ParseTx(raw []byte) (*Tx, error) {
	if len(raw) == 0 {
		return nil, malformed(ErrMalformedTx, "empty input")
	}
	if len(raw) > maxTxBytes {
		return nil, malformed(ErrMalformedTx, "%d bytes exceeds the limit of %d", len(raw), maxTxBytes)
	}
	tx := &Tx{}
	body := raw
	switch {
	case raw[0] >= 0xc0:
		tx.Type = LegacyTxType
	case raw[0] < 0x80:
		tx.Type = TxType(raw[0])
		if tx.Type != accessListTxType && tx.Type != dynamicFeeTxType {
			return nil, fmt.Errorf("%w: type %#02x", errUnsupportedTxType, raw[0])
		}
		body = raw[1:]
	default:
		return nil, malformed(ErrMalformedTx, "starts with an RLP string (%#02x), not a list or a type byte", raw[0])
	}
	it, err := decodeRLP(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedTx, err)
	}
	if !it.List {
		return nil, malformed(ErrMalformedTx, "payload is not a list")
	}
	f := &fieldReader{items: it.Items}
	switch tx.Type {
	case LegacyTxType:
		if len(it.Items) != 9 {
			return nil, malformed(ErrMalformedTx, "legacy transaction has %d fields, want 9", len(it.Items))
		}
		tx.Nonce = f.u64("nonce")
		tx.GasPrice = f.big("gasPrice")
		tx.Gas = f.u64("gasLimit")
		tx.To = f.to()
		tx.Value = f.big("value")
		tx.Data = f.str("data")
		tx.V = f.u64("v")
	case accessListTxType, dynamicFeeTxType:
		want := 11
		if tx.Type == dynamicFeeTxType {
			want = 12
		}
		if len(it.Items) != want {
			return nil, malformed(ErrMalformedTx, "type %d transaction has %d fields, want %d", tx.Type, len(it.Items), want)
		}
		tx.ChainID = f.u64("chainId")
		tx.Nonce = f.u64("nonce")
		if tx.Type == accessListTxType {
			tx.GasPrice = f.big("gasPrice")
		} else {
			tx.GasTipCap = f.big("maxPriorityFeePerGas")
			tx.GasFeeCap = f.big("maxFeePerGas")
		}
		tx.Gas = f.u64("gasLimit")
		tx.To = f.to()
		tx.Value = f.big("value")
		tx.Data = f.str("data")
		tx.AccessList = f.accessList()
		tx.V = f.u64("yParity")
	}
	tx.R = f.big("r")
	tx.S = f.big("s")
	if f.err != nil {
		return nil, f.err
	}
	if err := tx.checkV(); err != nil {
		return nil, err
	}
	return tx, nil
}

// checkV derives the legacy chain id from v, or checks yParity.
func (tx *Tx) checkV() error {
	if tx.Type != LegacyTxType {
		if tx.V > 1 {
			return malformed(errInvalidSignature, "yParity %d", tx.V)
		}
		return nil
	}
	switch {
	case tx.V == 27 || tx.V == 28:
		tx.ChainID = 0
	case tx.V >= 37:
		tx.ChainID = (tx.V - 35) / 2
	default:
		return malformed(errInvalidSignature, "legacy v %d", tx.V)
	}
	return nil
}

// fieldReader reads list items in order; the first error sticks.
type fieldReader struct {
	items []item
	pos   int
	err   error
}

func (f *fieldReader) next() item {
	it := f.items[f.pos]
	f.pos++
	return it
}

func (f *fieldReader) fail(field string, err error) {
	if f.err == nil {
		f.err = fmt.Errorf("%w: %s: %w", ErrMalformedTx, field, err)
	}
}

func (f *fieldReader) u64(field string) uint64 {
	v, err := f.next().Uint64()
	if err != nil {
		f.fail(field, err)
	}
	return v
}

func (f *fieldReader) big(field string) *big.Int {
	v, err := f.next().BigInt()
	if err != nil {
		f.fail(field, err)
	}
	return v
}

func (f *fieldReader) str(field string) []byte {
	it := f.next()
	if it.List {
		f.fail(field, malformed(errMalformedRLP, "string expected, got a list"))
		return nil
	}
	return it.Str
}

func (f *fieldReader) to() *Address {
	b := f.str("to")
	switch len(b) {
	case 0:
		return nil
	case 20:
		var a Address
		copy(a[:], b)
		return &a
	}
	f.fail("to", fmt.Errorf("%d bytes, want 0 or 20", len(b)))
	return nil
}

func (f *fieldReader) accessList() []AccessTuple {
	it := f.next()
	if !it.List {
		f.fail("accessList", fmt.Errorf("not a list"))
		return nil
	}
	var out []AccessTuple
	for i, e := range it.Items {
		if !e.List || len(e.Items) != 2 || e.Items[0].List || len(e.Items[0].Str) != 20 || !e.Items[1].List {
			f.fail("accessList", fmt.Errorf("entry %d is not [address, [storageKeys]]", i))
			return nil
		}
		var t AccessTuple
		copy(t.Address[:], e.Items[0].Str)
		for j, k := range e.Items[1].Items {
			if k.List || len(k.Str) != 32 {
				f.fail("accessList", fmt.Errorf("entry %d key %d is not 32 bytes", i, j))
				return nil
			}
			t.StorageKeys = append(t.StorageKeys, Hash(k.Str))
		}
		out = append(out, t)
	}
	return out
}

// checkFields rejects field values no transaction can encode.
func (tx *Tx) checkFields() error {
	if tx.Type > dynamicFeeTxType {
		return fmt.Errorf("%w: type %d", errUnsupportedTxType, tx.Type)
	}
	for _, v := range []*big.Int{tx.GasPrice, tx.GasTipCap, tx.GasFeeCap, tx.Value, tx.R, tx.S} {
		if v != nil && (v.Sign() < 0 || v.BitLen() > 256) {
			return malformed(ErrMalformedTx, "integer out of the 256-bit range")
		}
	}
	if tx.Type == LegacyTxType && len(tx.AccessList) > 0 {
		return malformed(ErrMalformedTx, "legacy transaction with an access list")
	}
	return nil
}

// appendFields appends the encodings of the unsigned fields.
func (tx *Tx) appendFields(p []byte) []byte {
	if tx.Type != LegacyTxType {
		p = appendRLPUint(p, tx.ChainID)
	}
	p = appendRLPUint(p, tx.Nonce)
	if tx.Type == dynamicFeeTxType {
		p = appendRLPBigInt(p, tx.GasTipCap)
		p = appendRLPBigInt(p, tx.GasFeeCap)
	} else {
		p = appendRLPBigInt(p, tx.GasPrice)
	}
	p = appendRLPUint(p, tx.Gas)
	if tx.To != nil {
		p = appendRLPString(p, tx.To[:])
	} else {
		p = appendRLPString(p, nil)
	}
	p = appendRLPBigInt(p, tx.Value)
	p = appendRLPString(p, tx.Data)
	if tx.Type != LegacyTxType {
		var al []byte
		for _, t := range tx.AccessList {
			var keys []byte
			for _, k := range t.StorageKeys {
				keys = appendRLPString(keys, k[:])
			}
			entry := appendRLPString(nil, t.Address[:])
			entry = appendRLPList(entry, keys)
			al = appendRLPList(al, entry)
		}
		p = appendRLPList(p, al)
	}
	return p
}

// wrap turns a list payload into the raw encoding of tx's type.
func (tx *Tx) wrap(payload []byte) []byte {
	if tx.Type == LegacyTxType {
		return appendRLPList(nil, payload)
	}
	return appendRLPList([]byte{byte(tx.Type)}, payload)
}

// MarshalBinary returns the raw signed transaction: the bytes
// eth_sendRawTransaction takes, that the transactions trie stores and
// that [Tx.Hash] hashes. For a transaction from [ParseTx] they are the
// parsed bytes.
func (tx *Tx) MarshalBinary() ([]byte, error) {
	if tx == nil {
		return nil, malformed(ErrMalformedTx, "nil transaction")
	}
	if err := tx.checkFields(); err != nil {
		return nil, err
	}
	p := tx.appendFields(nil)
	p = appendRLPUint(p, tx.V)
	p = appendRLPBigInt(p, tx.R)
	p = appendRLPBigInt(p, tx.S)
	return tx.wrap(p), nil
}

// Hash returns the transaction hash: Keccak-256 of [Tx.MarshalBinary]
// (for typed transactions the type byte included).
func (tx *Tx) Hash() (Hash, error) {
	raw, err := tx.MarshalBinary()
	if err != nil {
		return Hash{}, err
	}
	return Keccak256(raw), nil
}

// Protected reports whether the signature commits to a chain id (typed,
// or legacy EIP-155). An unprotected transaction can be replayed on any
// chain.
func (tx *Tx) Protected() bool { return tx.Type != LegacyTxType || tx.ChainID != 0 }

// SigningHash returns the hash the sender signs: for a pre-EIP-155 legacy
// transaction keccak(rlp([nonce, gasPrice, gas, to, value, data])), for
// EIP-155 the same list with chainId, 0, 0 appended, and for a typed one
// keccak(type ‖ rlp(fields without the signature)).
func (tx *Tx) SigningHash() (Hash, error) {
	if tx == nil {
		return Hash{}, malformed(ErrMalformedTx, "nil transaction")
	}
	if err := tx.checkFields(); err != nil {
		return Hash{}, err
	}
	p := tx.appendFields(nil)
	if tx.Type == LegacyTxType && tx.ChainID != 0 {
		p = appendRLPUint(p, tx.ChainID)
		p = append(p, 0x80, 0x80)
	}
	return Keccak256(tx.wrap(p)), nil
}

// recoveryID returns the signature's recovery id (0 or 1) and checks v
// against the type and chain id.
func (tx *Tx) recoveryID() (byte, error) {
	if tx.Type != LegacyTxType {
		if tx.V > 1 {
			return 0, malformed(errInvalidSignature, "yParity %d", tx.V)
		}
		if tx.ChainID == 0 {
			return 0, malformed(ErrChainID, "typed transaction with chain id 0")
		}
		return byte(tx.V), nil
	}
	if tx.ChainID == 0 {
		if tx.V != 27 && tx.V != 28 {
			return 0, malformed(errInvalidSignature, "pre-EIP-155 v %d", tx.V)
		}
		return byte(tx.V - 27), nil
	}
	if tx.ChainID > (1<<63-36)/2 || (tx.V != tx.ChainID*2+35 && tx.V != tx.ChainID*2+36) {
		return 0, malformed(errInvalidSignature, "v %d does not encode chain id %d", tx.V, tx.ChainID)
	}
	return byte(tx.V - tx.ChainID*2 - 35), nil
}

// Sender recovers the address that signed tx. It requires 0 < r < n and
// 0 < s ≤ n/2 (EIP-2, as every post-Homestead block does), v or yParity
// consistent with the type and chain id, and a signature that verifies
// with the recovered key. Errors wrap errInvalidSignature, [ErrChainID]
// or [ErrMalformedTx].
func (tx *Tx) Sender() (Address, error) {
	h, err := tx.SigningHash()
	if err != nil {
		return Address{}, err
	}
	recid, err := tx.recoveryID()
	if err != nil {
		return Address{}, err
	}
	if tx.R == nil || tx.S == nil || tx.R.Sign() <= 0 || tx.R.Cmp(curveN) >= 0 {
		return Address{}, malformed(errInvalidSignature, "r out of range")
	}
	if tx.S.Sign() <= 0 || tx.S.Cmp(curveHalfN) > 0 {
		return Address{}, malformed(errInvalidSignature, "s is zero or above n/2")
	}
	var sig [65]byte
	sig[0] = 27 + recid
	tx.R.FillBytes(sig[1:33])
	tx.S.FillBytes(sig[33:65])
	pub, _, err := ecdsa.RecoverCompact(sig[:], h[:])
	if err != nil {
		return Address{}, fmt.Errorf("%w: %w", errInvalidSignature, err)
	}
	return PubkeyAddress(pub), nil
}

// Sign signs tx with key, setting V, R and S (low s, RFC 6979
// deterministic nonce). A legacy transaction with ChainID 0 is signed the
// pre-EIP-155 way; prefer a chain id. Errors wrap [ErrMalformedTx] or
// [ErrInvalidParams].
func (tx *Tx) Sign(key *secp256k1.PrivateKey) error {
	if key == nil {
		return malformed(ErrInvalidParams, "nil private key")
	}
	if tx.Type != LegacyTxType && tx.ChainID == 0 {
		return malformed(ErrInvalidParams, "typed transaction needs a chain id")
	}
	if tx.ChainID > (1<<63-36)/2 {
		return malformed(ErrInvalidParams, "chain id %d too large", tx.ChainID)
	}
	h, err := tx.SigningHash()
	if err != nil {
		return err
	}
	sig := ecdsa.SignCompact(key, h[:], false)
	recid := uint64(sig[0] - 27)
	switch {
	case tx.Type != LegacyTxType:
		tx.V = recid
	case tx.ChainID == 0:
		tx.V = 27 + recid
	default:
		tx.V = tx.ChainID*2 + 35 + recid
	}
	tx.R = new(big.Int).SetBytes(sig[1:33])
	tx.S = new(big.Int).SetBytes(sig[33:65])
	return nil
}

// AnchorParams are the parameters of an anchor transaction: a value-0
// transaction whose data is exactly the 32-byte Merkle root.
type AnchorParams struct {
	// ChainID is required (EIP-155 replay protection): 1 for mainnet,
	// 11155111 for Sepolia, the dev node's id otherwise.
	ChainID uint64
	Nonce   uint64
	// Legacy makes an EIP-155 legacy transaction (type 0) instead of an
	// EIP-1559 one (type 2).
	Legacy bool
	// GasPrice is required for a legacy transaction.
	GasPrice *big.Int
	// MaxPriorityFeePerGas and MaxFeePerGas are required for EIP-1559
	// (MaxFeePerGas ≥ MaxPriorityFeePerGas).
	MaxPriorityFeePerGas *big.Int
	MaxFeePerGas         *big.Int
	// GasLimit 0 means [AnchorGas] of the root.
	GasLimit uint64
	// To is the recipient; nil sends to the signer's own address.
	To *Address
}

// AnchorGas returns the gas an anchor transaction carrying data needs:
// 21000 plus 4 per zero and 16 per non-zero byte (EIP-2028), or the
// EIP-7623 calldata floor 21000 + 10 per token (zero byte 1 token,
// non-zero 4), whichever is larger.
func AnchorGas(data []byte) uint64 {
	var zero, nonzero uint64
	for _, b := range data {
		if b == 0 {
			zero++
		} else {
			nonzero++
		}
	}
	std := 21000 + 4*zero + 16*nonzero
	floor := 21000 + 10*(zero+4*nonzero)
	return max(std, floor)
}

// NewAnchorTx builds and signs the transaction anchoring the 32-byte
// root: value 0, data = root, to = p.To or the key's own address. Errors
// wrap [ErrInvalidParams].
func NewAnchorTx(key *secp256k1.PrivateKey, root []byte, p AnchorParams) (*Tx, error) {
	if key == nil {
		return nil, malformed(ErrInvalidParams, "nil private key")
	}
	if len(root) != 32 {
		return nil, malformed(ErrInvalidParams, "root has %d bytes, want 32", len(root))
	}
	if p.ChainID == 0 {
		return nil, malformed(ErrInvalidParams, "chain id is required")
	}
	to := PubkeyAddress(key.PubKey())
	if p.To != nil {
		to = *p.To
	}
	tx := &Tx{ChainID: p.ChainID, Nonce: p.Nonce, Gas: p.GasLimit, To: &to,
		Value: new(big.Int), Data: bytes.Clone(root)}
	if tx.Gas == 0 {
		tx.Gas = AnchorGas(root)
	}
	positive := func(x *big.Int) bool { return x != nil && x.Sign() > 0 && x.BitLen() <= 256 }
	if p.Legacy {
		if !positive(p.GasPrice) {
			return nil, malformed(ErrInvalidParams, "legacy transaction needs a positive gas price")
		}
		tx.Type = LegacyTxType
		tx.GasPrice = new(big.Int).Set(p.GasPrice)
	} else {
		if !positive(p.MaxFeePerGas) || p.MaxPriorityFeePerGas == nil || p.MaxPriorityFeePerGas.Sign() < 0 ||
			p.MaxPriorityFeePerGas.Cmp(p.MaxFeePerGas) > 0 {
			return nil, malformed(ErrInvalidParams, "EIP-1559 transaction needs 0 ≤ maxPriorityFeePerGas ≤ maxFeePerGas, maxFeePerGas > 0")
		}
		tx.Type = dynamicFeeTxType
		tx.GasTipCap = new(big.Int).Set(p.MaxPriorityFeePerGas)
		tx.GasFeeCap = new(big.Int).Set(p.MaxFeePerGas)
		tx.AccessList = nil
	}
	if err := tx.Sign(key); err != nil {
		return nil, err
	}
	return tx, nil
}

// FindRoot reports whether the transaction's data is exactly root, the
// anchor form Blockcerts writes (cert-issuer: data = the 32-byte root).
func (tx *Tx) FindRoot(root []byte) bool {
	return len(root) == 32 && bytes.Equal(tx.Data, root)
}
