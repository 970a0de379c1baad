package anchor

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/onchaincert/microcred/internal/btcwire"
	"github.com/onchaincert/microcred/internal/ethwire"
)

// Built-in difficulty floors (compact nBits: the easiest target a header
// may have) for Bitcoin block evidence. A header easier than its chain's
// floor proves nothing, whatever else the receipt says. Callers may raise
// a floor ([VerifyOptions.Floors], [Checkpoint.MaxBits]); lowering one
// needs [VerifyOptions.LowerFloorsUnsafe].
const (
	// floorBitcoinMainnet is difficulty 2^32 (target 0xffff·2^176),
	// which mainnet first reached in March 2014, when Bitcoin Core 0.9
	// made OP_RETURN data outputs standard: no anchor this package reads
	// is in an easier block. A header at this floor still costs only about
	// 2^64 hashes to forge (a day or two of one 2025 mining machine), so
	// it is a floor, not assurance: L4 needs a trusted checkpoint.
	floorBitcoinMainnet uint32 = 0x1900ffff
	// floorBitcoinTestnet is testnet's proof-of-work limit (difficulty 1,
	// about 2^32 hashes a header): testnet allows such blocks whenever
	// none was found for 20 minutes, so no higher floor is possible.
	floorBitcoinTestnet uint32 = 0x1d00ffff
	// floorBitcoinRegtest is regtest's proof-of-work limit: about two
	// hashes a header.
	floorBitcoinRegtest uint32 = 0x207fffff
)

// DefaultFloor returns the built-in difficulty floor of a Bitcoin chain,
// and false for any other chain.
func DefaultFloor(c Chain) (uint32, bool) {
	switch c {
	case ChainBitcoinMainnet:
		return floorBitcoinMainnet, true
	case ChainBitcoinTestnet:
		return floorBitcoinTestnet, true
	case ChainBitcoinRegtest:
		return floorBitcoinRegtest, true
	}
	return 0, false
}

// Floor sets the difficulty floor for one Bitcoin chain: the easiest
// target (compact nBits) any header on it may have.
type Floor struct {
	Chain   Chain
	MaxBits uint32
}

// powLimit returns a Bitcoin chain's consensus proof-of-work limit.
func powLimit(c Chain) *big.Int {
	switch c {
	case ChainBitcoinTestnet:
		return btcwire.TestnetPowLimit()
	case ChainBitcoinRegtest:
		return btc.RegtestPowLimit()
	}
	return btcwire.MainnetPowLimit()
}

// floors are the floor targets in force, by chain, after
// [VerifyOptions.check].
type floors map[Chain]*big.Int

// check validates the trust options shared by every grading: floors and
// checkpoint floors are valid compact targets within their chain's
// proof-of-work limit, at most one Floor per chain, and none easier than
// the built-in floor unless LowerFloorsUnsafe; a checkpoint's MaxBits may
// only raise its chain's floor. Errors wrap [ErrInvalidOptions].
func (o *VerifyOptions) check() (floors, error) {
	fl := floors{}
	for _, c := range []Chain{ChainBitcoinMainnet, ChainBitcoinTestnet, ChainBitcoinRegtest} {
		bits, _ := DefaultFloor(c)
		fl[c], _ = btcwire.CompactToTarget(bits)
	}
	seen := map[Chain]bool{}
	for _, f := range o.Floors {
		def, ok := DefaultFloor(f.Chain)
		if !ok {
			return nil, fmt.Errorf("%w: a difficulty floor for %q (Bitcoin chains only)", ErrInvalidOptions, string(f.Chain))
		}
		if seen[f.Chain] {
			return nil, fmt.Errorf("%w: two difficulty floors for %s", ErrInvalidOptions, f.Chain)
		}
		seen[f.Chain] = true
		t, err := floorTarget(f.Chain, f.MaxBits)
		if err != nil {
			return nil, err
		}
		if t.Cmp(fl[f.Chain]) > 0 && !o.LowerFloorsUnsafe {
			return nil, fmt.Errorf("%w: floor %08x for %s is easier than the built-in %08x (LowerFloorsUnsafe lowers it)", ErrInvalidOptions, f.MaxBits, f.Chain, def)
		}
		fl[f.Chain] = t
	}
	for _, cp := range o.Checkpoints {
		switch {
		case cp.Chain.bitcoin():
			if _, err := btc.ParseHash(cp.BlockHash); err != nil {
				return nil, fmt.Errorf("%w: checkpoint: %w", ErrInvalidOptions, err)
			}
		case cp.Chain.ethereum():
			if _, err := eth.ParseHash(cp.BlockHash); err != nil {
				return nil, fmt.Errorf("%w: checkpoint: %w", ErrInvalidOptions, err)
			}
			if cp.MaxBits != 0 {
				return nil, fmt.Errorf("%w: checkpoint %s: MaxBits is for Bitcoin chains", ErrInvalidOptions, cp.BlockHash)
			}
			continue
		default:
			return nil, fmt.Errorf("%w: checkpoint on %q", ErrInvalidOptions, string(cp.Chain))
		}
		if cp.MaxBits == 0 {
			continue
		}
		t, err := floorTarget(cp.Chain, cp.MaxBits)
		if err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", cp.BlockHash, err)
		}
		if t.Cmp(fl[cp.Chain]) > 0 {
			return nil, fmt.Errorf("%w: checkpoint %s: MaxBits %08x is easier than the %s floor; a checkpoint can only raise it (Floors with LowerFloorsUnsafe lowers the floor)",
				ErrInvalidOptions, cp.BlockHash, cp.MaxBits, cp.Chain)
		}
	}
	return fl, nil
}

func floorTarget(c Chain, bits uint32) (*big.Int, error) {
	t, err := btcwire.CompactToTarget(bits)
	if err != nil {
		return nil, fmt.Errorf("%w: floor %08x: %w", ErrInvalidOptions, bits, err)
	}
	if t.Cmp(powLimit(c)) > 0 {
		return nil, fmt.Errorf("%w: floor %08x is easier than %s's proof-of-work limit", ErrInvalidOptions, bits, c)
	}
	return t, nil
}

// HeaderGrade is what [GradeHeaders] established about the blocks of an
// anchor: how far the anchor block is proven, how deep, and what it would
// cost to forge.
type HeaderGrade struct {
	// Level is L3 when the anchor block's header is proven (Bitcoin: it
	// meets its proof of work and the chain's floor; Ethereum: its hash, or
	// a linked descendant's, is trusted), L4 when it is also confirmed
	// (see [Level]), and LevelNone when the anchor block is not proven.
	// Inclusion of the transaction in that block is the caller's check.
	Level Level
	// Confirmations counts the headers from the anchor block on that are
	// proven: for Bitcoin each links to the one before by its prevHash
	// and meets its own target and the floor; for Ethereum, up to the
	// deepest trusted header. A header that does not link ends the count.
	Confirmations int
	// Work is the expected number of hashes the counted Bitcoin headers
	// took (2^256/(target+1) each, summed); nil for Ethereum.
	Work *big.Int
	// Pinned is set when a trusted checkpoint's hash is that of a counted
	// header (the anchor block or a descendant): the evidence then cannot
	// be forged without breaking the hash function, whatever its work.
	// Without it, forging costs about Work hashes.
	Pinned bool
	// BlockTime is the anchor block's header time (L3+).
	BlockTime time.Time
	// Reason says why grading stopped below L4; nil at L4.
	Reason error
}

// GradeHeaders grades the block headers of an anchor on chain: headers[0]
// is the block holding the anchor transaction (or, for OpenTimestamps,
// whose merkle root the attestation names) and each later one the child
// of the one before. It is the one grading of L3 and L4 that receipts
// ([Receipt.Verify], [Anchor.Verify]) and package ots use.
//
// Bitcoin (From DESIGN.md rule 6 and FORMATS.md §2): L3 when headers[0]
// parses and meets its own target, which must be within the chain's
// proof-of-work limit and its difficulty floor ([DefaultFloor],
// [VerifyOptions.Floors]). Every later header must link by prevHash and
// meet its target and the floor; confirmations are counted over those
// only, so repeated or unrelated headers add nothing, and evidence that
// does not link stops below L4 ([ErrBrokenChain]). L4 (mainnet only)
// needs a trusted [Checkpoint] that is the parent of headers[0] or one of
// the counted headers, every counted header meeting the checkpoint's
// MaxBits too, and at least N confirmations.
//
// Ethereum: every header must link by parentHash and number; L3 when one
// of them has a trusted block hash (a checkpoint on chain), and the
// confirmations run to the deepest trusted one; L4 on ethereum-mainnet
// with at least N of them.
//
// Invalid options return an error wrapping [ErrInvalidOptions] and a nil
// grade; anything about the headers is in the grade's Reason.
func GradeHeaders(chain Chain, headers [][]byte, opts VerifyOptions) (*HeaderGrade, error) {
	fl, err := opts.check()
	if err != nil {
		return nil, err
	}
	return gradeHeaders(chain, headers, opts, fl), nil
}

func gradeHeaders(chain Chain, headers [][]byte, opts VerifyOptions, fl floors) *HeaderGrade {
	g := &HeaderGrade{Level: LevelNone}
	switch {
	case len(headers) == 0:
		g.Reason = fmt.Errorf("%w: no block header", ErrNoEvidence)
	case len(headers) > maxAnchorHeaders:
		g.Reason = fmt.Errorf("%w: %d headers, more than %d", ErrMalformedReceipt, len(headers), maxAnchorHeaders)
	case chain.bitcoin():
		gradeBitcoin(g, chain, headers, opts, fl[chain])
	case chain.ethereum():
		gradeEthereum(g, chain, headers, opts)
	default:
		g.Reason = fmt.Errorf("%w: block headers of %q", errUnsupportedChain, string(chain))
	}
	return g
}

func confirmationsWanted(opts VerifyOptions) int {
	if opts.Confirmations < 1 {
		return defaultConfirmations
	}
	return opts.Confirmations
}

func gradeBitcoin(g *HeaderGrade, chain Chain, raw [][]byte, opts VerifyOptions, floor *big.Int) {
	// L3: the anchor block meets its own target, the chain's limit and
	// the floor (CheckProofOfWork against the floor checks both, as the
	// floor is within the limit).
	first, err := btc.ParseHeader(raw[0])
	if err != nil {
		g.Reason = fmt.Errorf("parsing header 0: %w", err)
		return
	}
	if err := first.CheckProofOfWork(powLimit(chain)); err != nil {
		g.Reason = err
		return
	}
	if err := first.CheckProofOfWork(floor); err != nil {
		g.Reason = fmt.Errorf("header 0 is below the %s difficulty floor: %w", chain, err)
		return
	}
	g.Level = L3
	g.BlockTime = time.Unix(int64(first.Time), 0).UTC()
	// Confirmations: the headers that link, each meeting the floor.
	counted := []*btc.Header{first}
	var broken error
	prev := first.Hash()
	for i := 1; i < len(raw); i++ {
		h, err := btc.ParseHeader(raw[i])
		if err != nil {
			broken = fmt.Errorf("parsing header %d: %w", i, err)
			break
		}
		if h.PrevBlock != prev {
			broken = fmt.Errorf("%w: header %d has prevHash %s, not header %d's hash %s", ErrBrokenChain, i, h.PrevBlock, i-1, prev)
			break
		}
		if err := h.CheckProofOfWork(floor); err != nil {
			broken = fmt.Errorf("checking header %d: %w", i, err)
			break
		}
		counted = append(counted, h)
		prev = h.Hash()
	}
	g.Confirmations = len(counted)
	g.Work = new(big.Int)
	hashes := make([]btc.Hash, len(counted))
	for i, h := range counted {
		w, _ := h.Work() // the target decoded above
		g.Work.Add(g.Work, w)
		hashes[i] = h.Hash()
	}
	// Checkpoints: connected (the parent of the anchor block, or a counted
	// header) and, as a counted header, pinning the evidence.
	var cpReason error = fmt.Errorf("%w: no trusted checkpoint for %s", ErrNoEvidence, chain)
	connected := false
	for _, cp := range opts.Checkpoints {
		if cp.Chain != chain {
			continue
		}
		cpHash, _ := btc.ParseHash(cp.BlockHash) // checked by VerifyOptions.check
		at := -1
		for i, h := range hashes {
			if h == cpHash {
				at = i
			}
		}
		if at >= 0 {
			g.Pinned = true
		} else if first.PrevBlock != cpHash {
			cpReason = fmt.Errorf("%w: the headers do not reach checkpoint %s", ErrBrokenChain, cp.BlockHash)
			continue
		}
		if cp.MaxBits != 0 {
			t, _ := btcwire.CompactToTarget(cp.MaxBits) // checked by VerifyOptions.check
			if err := btcwire.VerifyChain(first.PrevBlock, counted, t); err != nil {
				cpReason = fmt.Errorf("checkpoint %s floor: %w", cp.BlockHash, err)
				continue
			}
		}
		connected = true
	}

	// L4: mainnet only, every header linked, connected to a trusted
	// checkpoint, N deep.
	n := confirmationsWanted(opts)
	switch {
	case chain != ChainBitcoinMainnet:
		g.Reason = fmt.Errorf("%w: %s", ErrNoFinality, chain)
	case broken != nil:
		g.Reason = broken
	case !connected:
		g.Reason = cpReason
	case g.Confirmations < n:
		g.Reason = fmt.Errorf("%w: %d confirmations, need %d", ErrNoEvidence, g.Confirmations, n)
	default:
		g.Level = L4
		return
	}
	if broken != nil && g.Reason != broken {
		g.Reason = errors.Join(g.Reason, broken)
	}
}

func gradeEthereum(g *HeaderGrade, chain Chain, raw [][]byte, opts VerifyOptions) {
	headers := make([]*eth.Header, len(raw))
	for i, b := range raw {
		h, err := eth.ParseHeader(b)
		if err != nil {
			g.Reason = fmt.Errorf("parsing header %d: %w", i, err)
			return
		}
		headers[i] = h
	}
	if err := ethwire.VerifyChain(headers); err != nil {
		g.Reason = err
		return
	}
	trusted := -1 // the deepest header whose hash the caller trusts
	for _, cp := range opts.Checkpoints {
		if cp.Chain != chain {
			continue
		}
		want, _ := eth.ParseHash(cp.BlockHash) // checked by VerifyOptions.check
		for i, h := range headers {
			if got, _ := h.Hash(); got == want && i > trusted {
				trusted = i
			}
		}
	}
	if trusted < 0 {
		g.Reason = fmt.Errorf("%w: no header has a block hash trusted for %s", ErrNoEvidence, chain)
		return
	}
	g.Level, g.Pinned, g.Confirmations = L3, true, trusted+1
	if headers[0].Time <= 1<<62 {
		g.BlockTime = time.Unix(int64(headers[0].Time), 0).UTC()
	}
	n := confirmationsWanted(opts)
	switch {
	case chain != ChainEthereumMainnet:
		g.Reason = fmt.Errorf("%w: %s", ErrNoFinality, chain)
	case g.Confirmations < n:
		g.Reason = fmt.Errorf("%w: %d confirmations up to the trusted block, need %d", ErrNoEvidence, g.Confirmations, n)
	default:
		g.Level = L4
	}
}
