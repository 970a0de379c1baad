package ethwire

import (
	"bytes"
	"fmt"
	"math/big"
)

// MaxHeaderBytes caps an encoded block header: the fixed fields take
// about 600 bytes; the rest is room for extraData (32 bytes on mainnet,
// more on proof-of-authority dev chains).
const MaxHeaderBytes = 8 * 1024

// Header field counts by fork.
const (
	fieldsFrontier = 15 // through Berlin
	fieldsLondon   = 16 // + baseFeePerGas (EIP-1559)
	fieldsShanghai = 17 // + withdrawalsRoot (EIP-4895)
	fieldsCancun   = 20 // + blobGasUsed, excessBlobGas (EIP-4844), parentBeaconBlockRoot (EIP-4788)
	fieldsPrague   = 21 // + requestsHash (EIP-7685)
)

// Header is a parsed execution-layer block header. Fields added by later
// forks are nil when absent. Parse one with [ParseHeader]; build the
// encoding of one from its fields with [Header.MarshalBinary].
type Header struct {
	ParentHash  Hash
	UncleHash   Hash // ommersHash
	Coinbase    Address
	StateRoot   Hash
	TxRoot      Hash // transactionsRoot
	ReceiptRoot Hash
	Bloom       [256]byte
	Difficulty  *big.Int
	Number      uint64
	GasLimit    uint64
	GasUsed     uint64
	Time        uint64
	Extra       []byte
	MixDigest   Hash // prevRandao since the Merge
	Nonce       [8]byte

	BaseFee          *big.Int // London
	WithdrawalsRoot  *Hash    // Shanghai
	BlobGasUsed      *uint64  // Cancun
	ExcessBlobGas    *uint64  // Cancun
	ParentBeaconRoot *Hash    // Cancun
	RequestsHash     *Hash    // Prague
}

// ParseHeader parses an RLP block header of one of the fork layouts: 15
// fields (Frontier to Berlin), 16 (London, baseFeePerGas), 17 (Shanghai,
// withdrawalsRoot), 20 (Cancun, blobGasUsed, excessBlobGas,
// parentBeaconBlockRoot) or 21 (Prague, requestsHash). Hashes must be 32
// bytes, the coinbase 20, the bloom 256, the nonce 8, extraData at
// most 4096 bytes, integers canonical; at most [MaxHeaderBytes]. Errors wrap
// errMalformedHeader or errMalformedRLP; on error the header is nil.
func ParseHeader(raw []byte) (*Header, error) {
	if len(raw) > MaxHeaderBytes {
		return nil, malformed(errMalformedHeader, "%d bytes exceeds the limit of %d", len(raw), MaxHeaderBytes)
	}
	it, err := decodeRLP(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformedHeader, err)
	}
	if !it.List {
		return nil, malformed(errMalformedHeader, "not a list")
	}
	n := len(it.Items)
	switch n {
	case fieldsFrontier, fieldsLondon, fieldsShanghai, fieldsCancun, fieldsPrague:
	default:
		return nil, malformed(errMalformedHeader, "%d fields is no known fork layout", n)
	}
	r := &headerReader{items: it.Items}
	h := &Header{}
	h.ParentHash = r.hash("parentHash")
	h.UncleHash = r.hash("ommersHash")
	copy(h.Coinbase[:], r.fixed("beneficiary", 20))
	h.StateRoot = r.hash("stateRoot")
	h.TxRoot = r.hash("transactionsRoot")
	h.ReceiptRoot = r.hash("receiptsRoot")
	copy(h.Bloom[:], r.fixed("logsBloom", 256))
	h.Difficulty = r.big("difficulty")
	h.Number = r.u64("number")
	h.GasLimit = r.u64("gasLimit")
	h.GasUsed = r.u64("gasUsed")
	h.Time = r.u64("timestamp")
	h.Extra = r.str("extraData")
	h.MixDigest = r.hash("mixHash")
	copy(h.Nonce[:], r.fixed("nonce", 8))
	if n >= fieldsLondon {
		h.BaseFee = r.big("baseFeePerGas")
	}
	if n >= fieldsShanghai {
		w := r.hash("withdrawalsRoot")
		h.WithdrawalsRoot = &w
	}
	if n >= fieldsCancun {
		used, excess := r.u64("blobGasUsed"), r.u64("excessBlobGas")
		beacon := r.hash("parentBeaconBlockRoot")
		h.BlobGasUsed, h.ExcessBlobGas, h.ParentBeaconRoot = &used, &excess, &beacon
	}
	if n >= fieldsPrague {
		rh := r.hash("requestsHash")
		h.RequestsHash = &rh
	}
	if r.err != nil {
		return nil, r.err
	}
	return h, nil
}

type headerReader struct {
	items []item
	pos   int
	err   error
}

func (r *headerReader) next(field string) item {
	it := r.items[r.pos]
	r.pos++
	if it.List && r.err == nil {
		r.err = malformed(errMalformedHeader, "%s is a list", field)
	}
	return it
}

func (r *headerReader) fail(field string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s: %w", errMalformedHeader, field, err)
	}
}

func (r *headerReader) fixed(field string, size int) []byte {
	it := r.next(field)
	if len(it.Str) != size {
		r.fail(field, fmt.Errorf("%d bytes, want %d", len(it.Str), size))
		return nil
	}
	return it.Str
}

func (r *headerReader) hash(field string) Hash {
	var h Hash
	copy(h[:], r.fixed(field, 32))
	return h
}

func (r *headerReader) str(field string) []byte {
	it := r.next(field)
	if len(it.Str) > maxExtra {
		r.fail(field, fmt.Errorf("%d bytes, more than %d", len(it.Str), maxExtra))
	}
	return it.Str
}

// maxExtra bounds extraData (mainnet allows 32 bytes; clique dev chains
// put signatures and signer lists there).
const maxExtra = 32 * 8 * 16

func (r *headerReader) u64(field string) uint64 {
	v, err := r.next(field).Uint64()
	if err != nil {
		r.fail(field, err)
	}
	return v
}

func (r *headerReader) big(field string) *big.Int {
	v, err := r.next(field).BigInt()
	if err != nil {
		r.fail(field, err)
	}
	return v
}

// MarshalBinary returns the header's RLP encoding. The fork fields must
// be present as a prefix of the fork order (baseFee; withdrawalsRoot;
// blobGasUsed, excessBlobGas and parentBeaconBlockRoot together;
// requestsHash); errors wrap errMalformedHeader.
func (h *Header) MarshalBinary() ([]byte, error) {
	if h == nil {
		return nil, malformed(errMalformedHeader, "nil header")
	}
	cancun := h.BlobGasUsed != nil && h.ExcessBlobGas != nil && h.ParentBeaconRoot != nil
	if (h.BlobGasUsed != nil || h.ExcessBlobGas != nil || h.ParentBeaconRoot != nil) && !cancun {
		return nil, malformed(errMalformedHeader, "Cancun fields must be set together")
	}
	present := []bool{h.BaseFee != nil, h.WithdrawalsRoot != nil, cancun, h.RequestsHash != nil}
	for i := 1; i < len(present); i++ {
		if present[i] && !present[i-1] {
			return nil, malformed(errMalformedHeader, "fork fields out of order")
		}
	}
	for _, v := range []*big.Int{h.Difficulty, h.BaseFee} {
		if v != nil && (v.Sign() < 0 || v.BitLen() > 256) {
			return nil, malformed(errMalformedHeader, "integer out of the 256-bit range")
		}
	}
	if len(h.Extra) > maxExtra {
		return nil, malformed(errMalformedHeader, "extraData of %d bytes", len(h.Extra))
	}
	var p []byte
	p = appendRLPString(p, h.ParentHash[:])
	p = appendRLPString(p, h.UncleHash[:])
	p = appendRLPString(p, h.Coinbase[:])
	p = appendRLPString(p, h.StateRoot[:])
	p = appendRLPString(p, h.TxRoot[:])
	p = appendRLPString(p, h.ReceiptRoot[:])
	p = appendRLPString(p, h.Bloom[:])
	p = appendRLPBigInt(p, h.Difficulty)
	p = appendRLPUint(p, h.Number)
	p = appendRLPUint(p, h.GasLimit)
	p = appendRLPUint(p, h.GasUsed)
	p = appendRLPUint(p, h.Time)
	p = appendRLPString(p, h.Extra)
	p = appendRLPString(p, h.MixDigest[:])
	p = appendRLPString(p, h.Nonce[:])
	if present[0] {
		p = appendRLPBigInt(p, h.BaseFee)
	}
	if present[1] {
		p = appendRLPString(p, h.WithdrawalsRoot[:])
	}
	if present[2] {
		p = appendRLPUint(p, *h.BlobGasUsed)
		p = appendRLPUint(p, *h.ExcessBlobGas)
		p = appendRLPString(p, h.ParentBeaconRoot[:])
	}
	if present[3] {
		p = appendRLPString(p, h.RequestsHash[:])
	}
	return appendRLPList(nil, p), nil
}

// Hash returns the block hash, Keccak-256 of the header's encoding.
func (h *Header) Hash() (Hash, error) {
	raw, err := h.MarshalBinary()
	if err != nil {
		return Hash{}, err
	}
	return Keccak256(raw), nil
}

// maxChainHeaders caps the headers [VerifyChain] takes.
const maxChainHeaders = 10_000

// VerifyChain checks that headers form a chain: each header's parentHash
// is the hash of the one before it and its number one more. It trusts
// nothing by itself; trust comes from a known hash of one of the headers
// (a later header's trusted hash vouches for every ancestor it links to).
// Errors wrap [ErrBrokenChain] or errMalformedHeader.
func VerifyChain(headers []*Header) error {
	if len(headers) == 0 {
		return malformed(ErrBrokenChain, "no headers")
	}
	if len(headers) > maxChainHeaders {
		return malformed(ErrBrokenChain, "%d headers exceeds the limit of %d", len(headers), maxChainHeaders)
	}
	prev, err := headers[0].Hash()
	if err != nil {
		return err
	}
	for i := 1; i < len(headers); i++ {
		h := headers[i]
		if h == nil {
			return malformed(ErrBrokenChain, "header %d is nil", i)
		}
		if !bytes.Equal(h.ParentHash[:], prev[:]) {
			return malformed(ErrBrokenChain, "header %d does not name header %d as its parent", i, i-1)
		}
		if h.Number != headers[i-1].Number+1 {
			return malformed(ErrBrokenChain, "header %d has number %d after %d", i, h.Number, headers[i-1].Number)
		}
		if prev, err = h.Hash(); err != nil {
			return err
		}
	}
	return nil
}
