package btcwire

import (
	"encoding/binary"
	"fmt"
	"math/big"
)

// HeaderSize is the length of a serialized block header.
const HeaderSize = 80

// Header is a parsed 80-byte block header.
type Header struct {
	Version    int32
	PrevBlock  Hash // internal byte order
	MerkleRoot Hash // internal byte order
	Time       uint32
	Bits       uint32 // compact target (nBits)
	Nonce      uint32
}

// ParseHeader parses exactly 80 bytes. Errors wrap [ErrMalformedHeader].
func ParseHeader(b []byte) (*Header, error) {
	if len(b) != HeaderSize {
		return nil, malformed(ErrMalformedHeader, "%d bytes, want %d", len(b), HeaderSize)
	}
	h := &Header{
		Version: int32(binary.LittleEndian.Uint32(b[0:])),
		Time:    binary.LittleEndian.Uint32(b[68:]),
		Bits:    binary.LittleEndian.Uint32(b[72:]),
		Nonce:   binary.LittleEndian.Uint32(b[76:]),
	}
	copy(h.PrevBlock[:], b[4:36])
	copy(h.MerkleRoot[:], b[36:68])
	return h, nil
}

// Bytes returns the 80-byte serialization.
func (h *Header) Bytes() []byte {
	b := make([]byte, HeaderSize)
	binary.LittleEndian.PutUint32(b[0:], uint32(h.Version))
	copy(b[4:36], h.PrevBlock[:])
	copy(b[36:68], h.MerkleRoot[:])
	binary.LittleEndian.PutUint32(b[68:], h.Time)
	binary.LittleEndian.PutUint32(b[72:], h.Bits)
	binary.LittleEndian.PutUint32(b[76:], h.Nonce)
	return b
}

// Hash returns the block hash, SHA256d of the 80 bytes.
func (h *Header) Hash() Hash { return DoubleSHA256(h.Bytes()) }

// CompactToTarget decodes an nBits value into the 256-bit target it
// encodes: mantissa·256^(exponent−3). As in Bitcoin Core's
// CheckProofOfWork, a set sign bit (0x00800000), a zero target and a
// target that does not fit in 256 bits are all errors wrapping
// [ErrInvalidTarget].
func CompactToTarget(bits uint32) (*big.Int, error) {
	exp := bits >> 24
	mant := bits & 0x007fffff
	if bits&0x00800000 != 0 {
		return nil, fmt.Errorf("%w: nBits %08x has the sign bit set", ErrInvalidTarget, bits)
	}
	t := new(big.Int).SetUint64(uint64(mant))
	if exp <= 3 {
		t.Rsh(t, uint(8*(3-exp)))
	} else {
		t.Lsh(t, uint(8*(exp-3)))
	}
	if t.Sign() == 0 {
		return nil, fmt.Errorf("%w: nBits %08x encodes a zero target", ErrInvalidTarget, bits)
	}
	if t.BitLen() > 256 {
		return nil, fmt.Errorf("%w: nBits %08x overflows 256 bits", ErrInvalidTarget, bits)
	}
	return t, nil
}

// Proof-of-work limits (the easiest target each network allows), from
// Bitcoin Core's chainparams.cpp (consensus.powLimit).
func MainnetPowLimit() *big.Int {
	return powLimit("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
}

// TestnetPowLimit is the powLimit of testnet3 and testnet4 (the same
// value as mainnet; testnet additionally allows minimum-difficulty
// blocks, so testnet work is worth nothing).
func TestnetPowLimit() *big.Int { return MainnetPowLimit() }

// RegtestPowLimit is the powLimit of regtest, where mining is free.
func RegtestPowLimit() *big.Int {
	return powLimit("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
}

func powLimit(hexStr string) *big.Int {
	v, _ := new(big.Int).SetString(hexStr, 16)
	return v
}

// hashToBig interprets a hash as the little-endian 256-bit integer that
// proof of work compares with the target.
func hashToBig(h Hash) *big.Int {
	var be [32]byte
	for i := range h {
		be[31-i] = h[i]
	}
	return new(big.Int).SetBytes(be[:])
}

// CheckProofOfWork checks that the header's nBits decodes to a valid
// target not above limit, and that the block hash, read as a
// little-endian integer, is at most that target. Errors wrap
// [ErrInvalidTarget] or [ErrInsufficientWork]. A nil limit is an error.
func (h *Header) CheckProofOfWork(limit *big.Int) error {
	if limit == nil || limit.Sign() <= 0 {
		return fmt.Errorf("%w: no proof-of-work limit given", ErrInvalidTarget)
	}
	target, err := CompactToTarget(h.Bits)
	if err != nil {
		return err
	}
	if target.Cmp(limit) > 0 {
		return fmt.Errorf("%w: nBits %08x is easier than the limit", ErrInvalidTarget, h.Bits)
	}
	hash := h.Hash()
	if hashToBig(hash).Cmp(target) > 0 {
		return fmt.Errorf("%w: block %s, nBits %08x", ErrInsufficientWork, hash, h.Bits)
	}
	return nil
}

// Work returns the expected number of hashes needed to meet the header's
// target, 2^256 / (target+1), as Bitcoin Core's GetBlockProof computes it.
func (h *Header) Work() (*big.Int, error) {
	target, err := CompactToTarget(h.Bits)
	if err != nil {
		return nil, err
	}
	num := new(big.Int).Lsh(big.NewInt(1), 256)
	return num.Div(num, target.Add(target, big.NewInt(1))), nil
}

// maxChainHeaders caps the headers [VerifyChain] accepts in one call.
const maxChainHeaders = 10_000

// VerifyChain checks that headers form a chain starting right after the
// trusted block checkpoint: headers[0].PrevBlock == checkpoint and every
// following header's PrevBlock is the hash of the one before it. Every
// header must meet its own nBits target, and that target must not be
// easier than maxTarget, the difficulty floor the caller trusts for this
// height range (without a floor, anyone can mint low-difficulty headers
// for free). It does not check difficulty retargeting (the 2016-block
// schedule and its ×4 bound), median-time-past or timestamps: the floor
// replaces those checks, so choose it close to the real difficulty.
// Errors wrap [ErrBrokenChain], [ErrInvalidTarget] or [ErrInsufficientWork].
func VerifyChain(checkpoint Hash, headers []*Header, maxTarget *big.Int) error {
	if len(headers) == 0 {
		return fmt.Errorf("%w: no headers", ErrBrokenChain)
	}
	if len(headers) > maxChainHeaders {
		return fmt.Errorf("%w: %d headers exceeds the limit of %d", ErrBrokenChain, len(headers), maxChainHeaders)
	}
	if maxTarget == nil || maxTarget.Sign() <= 0 {
		return fmt.Errorf("%w: no difficulty floor given", ErrInvalidTarget)
	}
	prev := checkpoint
	for i, h := range headers {
		if h == nil {
			return fmt.Errorf("%w: header %d is nil", ErrBrokenChain, i)
		}
		if h.PrevBlock != prev {
			return fmt.Errorf("%w: header %d has prevHash %s, want %s", ErrBrokenChain, i, h.PrevBlock, prev)
		}
		if err := h.CheckProofOfWork(maxTarget); err != nil {
			return fmt.Errorf("checking header %d: %w", i, err)
		}
		prev = h.Hash()
	}
	return nil
}
