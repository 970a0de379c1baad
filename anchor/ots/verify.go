package ots

import (
	"bytes"
	"crypto/sha1" //nolint:gosec // the sha1 file hash op
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"time"

	//lint:ignore SA1019 the ripemd160 file hash op of OpenTimestamps; legacy by design.
	"golang.org/x/crypto/ripemd160"
	"golang.org/x/crypto/sha3"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
)

// HeaderSource gives raw 80-byte Bitcoin block headers by height, from a
// source the caller trusts to be the chain named in [VerifyOptions.Chain]
// (its proof of work is checked all the same). A height it does not have
// is an error wrapping [ErrNoHeader].
type HeaderSource interface {
	BitcoinHeader(height uint64) ([]byte, error)
}

// Headers is a [HeaderSource] backed by a map from height to raw header.
type Headers map[uint64][]byte

var _ HeaderSource = Headers(nil)

// BitcoinHeader returns a copy of the header at height, or an error
// wrapping [ErrNoHeader].
func (h Headers) BitcoinHeader(height uint64) ([]byte, error) {
	raw, ok := h[height]
	if !ok {
		return nil, fmt.Errorf("%w: height %d", ErrNoHeader, height)
	}
	return append([]byte(nil), raw...), nil
}

// VerifyOptions are the caller's trust inputs for [Verify]. The zero value
// verifies as far as the proof alone goes: Bitcoin attestations stay at
// L1 (claimed) without Headers.
type VerifyOptions struct {
	// Headers gives the block header at each attested height (L3), and
	// the headers that follow it (L4). Nil: no Bitcoin attestation climbs
	// above L1.
	Headers HeaderSource
	// Chain is the network Headers come from. An attestation does not
	// name its network; OpenTimestamps calendars attest on Bitcoin
	// mainnet, which the zero value means. ChainBitcoinTestnet and
	// ChainBitcoinRegtest check proof of work against those networks'
	// limits and never reach L4 (no finality).
	Chain anchor.Chain
	// Checkpoints are trusted blocks; L4 needs one on Chain that is the
	// parent of the attested block or one of the headers from it on
	// (same rule as [anchor.Receipt.Verify]).
	Checkpoints []anchor.Checkpoint
	// Confirmations is N for L4: headers from the attested block on,
	// inclusive. Values below 1 mean [anchor.DefaultConfirmations].
	Confirmations int
}

// AttestationResult is the grade of one attestation.
type AttestationResult struct {
	Commitment
	// Level is what this attestation reached: L0 when verified evidence
	// contradicts it (or its notary is unknown), L1 when it is only
	// claimed, L3 when its message is the merkle root of a header that
	// meets its proof of work, L4 when that header is N deep on a chain
	// connected to a trusted checkpoint.
	Level anchor.Level
	// Chain is the attested chain: Chain of the options for Bitcoin,
	// ethereum-mainnet for Ethereum, "" otherwise.
	Chain anchor.Chain
	// Height is the attested block height (block attestations).
	Height uint64
	// BlockTime is the header's nTime (L3+).
	BlockTime time.Time
	// Confirmations counts linked headers from the attested block on (L3+).
	Confirmations int
	// Err says why the attestation stopped at Level; nil only at L4.
	Err error
}

// Result is what [Verify] established.
type Result struct {
	// Level is the best level any attestation reached: L0 when the digest
	// matches and the ops apply; LevelNone on error.
	Level anchor.Level
	// Attestation is the index in Attestations of the attestation that
	// reached Level, or -1.
	Attestation int
	// Chain, NoFinality, Height, BlockTime and Confirmations describe that
	// attestation.
	Chain         anchor.Chain
	NoFinality    bool
	Height        uint64
	BlockTime     time.Time
	Confirmations int
	// Attestations grades every attestation, in file order.
	Attestations []AttestationResult
	// Reason says why verification stopped at Level; nil only at L4. With
	// several attestations below L4 it joins every attestation's reason.
	Reason error
}

// Require returns nil if the level reached is at least min, and otherwise
// an error wrapping [anchor.ErrInsufficientAssurance] and the reason.
func (r *Result) Require(min anchor.Level) error {
	if r != nil && r.Level >= min {
		return nil
	}
	if r == nil {
		return fmt.Errorf("%w: nothing verified", anchor.ErrInsufficientAssurance)
	}
	return fmt.Errorf("%w: reached %s, need %s: %w", anchor.ErrInsufficientAssurance, r.Level, min, r.Reason)
}

// FileDigest hashes a stamped file with the file hash op of a proof
// (OpSHA1, OpRIPEMD160, OpSHA256 or OpKeccak256). The file is not subject
// to the op message limits.
func FileDigest(op OpKind, file []byte) ([]byte, error) {
	switch op {
	case OpSHA1:
		s := sha1.Sum(file) //nolint:gosec
		return s[:], nil
	case OpSHA256:
		s := sha256.Sum256(file)
		return s[:], nil
	case OpRIPEMD160:
		h := ripemd160.New()
		h.Write(file)
		return h.Sum(nil), nil
	case OpKeccak256:
		h := sha3.NewLegacyKeccak256()
		h.Write(file)
		return h.Sum(nil), nil
	}
	return nil, fmt.Errorf("%w: %s is not a file hash op", ErrMalformed, op)
}

// VerifyFile is [Verify] for the stamped file itself: it hashes file with
// the proof's file hash op first.
func VerifyFile(proof, file []byte, opts VerifyOptions) (*Result, error) {
	p, err := Parse(proof)
	if err != nil {
		return &Result{Attestation: -1, Reason: err}, err
	}
	digest, err := FileDigest(p.HashOp, file)
	if err != nil {
		return &Result{Attestation: -1, Reason: err}, err
	}
	return p.Verify(digest, opts)
}

// Verify parses proof and verifies it for the stamped file's digest (see
// [Proof.Verify]).
func Verify(proof, digest []byte, opts VerifyOptions) (*Result, error) {
	p, err := Parse(proof)
	if err != nil {
		return &Result{Attestation: -1, Reason: err}, err
	}
	return p.Verify(digest, opts)
}

// Verify checks that digest is the proof's digest, computes every
// attestation's message and grades each attestation (see
// [AttestationResult.Level]); the result reports the best.
//
// It always returns a non-nil Result. It returns an error, with the
// result at LevelNone, only if the proof itself does not hold: digest is
// not the proof's digest ([ErrDigestMismatch]) or an op fails. Anything
// beyond L0 — missing headers ([ErrNoHeader]), a header failing its proof
// of work (package btc errors), a message that is not the header's merkle
// root ([ErrMerkleRootMismatch]), pending ([ErrPending]), unknown or
// unsupported attestations — is reported in Reason and per attestation,
// not as an error: compare the level with the policy's requirement, e.g.
// with [Result.Require].
func (p *Proof) Verify(digest []byte, opts VerifyOptions) (*Result, error) {
	res := &Result{Level: anchor.LevelNone, Attestation: -1}
	fail := func(err error) (*Result, error) {
		res.Reason = err
		return res, err
	}
	chain := opts.Chain
	if chain == "" {
		chain = anchor.ChainBitcoinMainnet
	}
	var limit *big.Int
	switch chain {
	case anchor.ChainBitcoinMainnet:
		limit = btc.MainnetPowLimit()
	case anchor.ChainBitcoinTestnet:
		limit = btc.TestnetPowLimit()
	case anchor.ChainBitcoinRegtest:
		limit = btc.RegtestPowLimit()
	default:
		return fail(fmt.Errorf("%w: chain %q is not a Bitcoin network", ErrInvalidOptions, chain))
	}
	if p == nil || p.Root == nil {
		return fail(fmt.Errorf("%w: empty proof", ErrMalformed))
	}
	// L0: the caller's digest is the one the proof starts from, and every
	// op applies within the limits.
	if !bytes.Equal(digest, p.Digest) {
		return fail(ErrDigestMismatch)
	}
	cs, err := p.Commitments()
	if err != nil {
		return fail(err)
	}
	res.Level = anchor.L0
	if len(cs) == 0 {
		res.Reason = fmt.Errorf("%w: no attestation", ErrMalformed)
		return res, nil
	}
	g := grader{opts: opts, chain: chain, limit: limit}
	var reasons []error
	for i, c := range cs {
		ar := g.grade(c)
		res.Attestations = append(res.Attestations, ar)
		reasons = append(reasons, fmt.Errorf("attestation %d (%s): %w", i, c.Attestation, ar.Err))
		if ar.Level > res.Level || res.Attestation < 0 {
			res.Level = ar.Level
			res.Attestation = i
			res.Chain = ar.Chain
			res.NoFinality = ar.Chain != "" && !ar.Chain.Final()
			res.Height = ar.Height
			res.BlockTime = ar.BlockTime
			res.Confirmations = ar.Confirmations
			res.Reason = ar.Err
		}
	}
	if res.Level < anchor.L4 && len(cs) > 1 {
		res.Reason = errors.Join(reasons...)
	}
	return res, nil
}

type grader struct {
	opts  VerifyOptions
	chain anchor.Chain
	limit *big.Int
}

func (g *grader) grade(c Commitment) AttestationResult {
	a := c.Attestation
	r := AttestationResult{Commitment: c, Level: anchor.L0, Height: a.Height}
	stop := func(err error) AttestationResult {
		r.Err = err
		return r
	}
	switch a.Kind {
	case Pending:
		r.Level = anchor.L1
		return stop(fmt.Errorf("%w: calendar %s", ErrPending, a.URI))
	case Ethereum:
		r.Level = anchor.L1
		r.Chain = anchor.ChainEthereumMainnet
		return stop(fmt.Errorf("%w: ethereum block %d", ErrUnsupportedChain, a.Height))
	case Litecoin:
		r.Level = anchor.L1
		return stop(fmt.Errorf("%w: litecoin block %d", ErrUnsupportedChain, a.Height))
	case Bitcoin:
	default:
		return stop(fmt.Errorf("%w: tag %x", ErrUnknownAttestation, a.Tag))
	}

	// L1: a Bitcoin block attestation is a claim on the chain at Height.
	r.Level = anchor.L1
	r.Chain = g.chain
	if g.opts.Headers == nil {
		return stop(fmt.Errorf("%w: no header source", ErrNoHeader))
	}
	raw, err := g.opts.Headers.BitcoinHeader(a.Height)
	if err != nil {
		if !errors.Is(err, ErrNoHeader) {
			err = fmt.Errorf("%w: height %d: %w", ErrNoHeader, a.Height, err)
		}
		return stop(err)
	}
	h, err := btc.ParseHeader(raw)
	if err != nil {
		return stop(fmt.Errorf("parsing header %d: %w", a.Height, err))
	}
	// L3: the header meets its proof of work, and the message is its
	// hashMerkleRoot in internal byte order (FORMATS.md §4). The ops from
	// the digest to the message hash through the transaction and the
	// block's merkle branch, so this also proves the transaction is in the
	// block. A header that fails its proof of work proves nothing and
	// leaves the claim at L1; one that meets it and has another merkle
	// root refutes the claim (L0).
	if err := h.CheckProofOfWork(g.limit); err != nil {
		return stop(fmt.Errorf("checking header %d: %w", a.Height, err))
	}
	if !bytes.Equal(c.Message, h.MerkleRoot[:]) {
		r.Level = anchor.L0
		return stop(&RootMismatchError{Height: a.Height, Message: c.Message, MerkleRoot: h.MerkleRoot[:]})
	}
	r.Level = anchor.L3
	r.BlockTime = time.Unix(int64(h.Time), 0).UTC()
	headers := g.following(a.Height, h)
	r.Confirmations = len(headers)

	// L4: mainnet only, connected to a trusted checkpoint, N deep.
	if g.chain != anchor.ChainBitcoinMainnet {
		return stop(fmt.Errorf("%w: %s", anchor.ErrNoFinality, g.chain))
	}
	n := g.opts.Confirmations
	if n < 1 {
		n = anchor.DefaultConfirmations
	}
	var reason error = fmt.Errorf("%w: no trusted checkpoint for %s", anchor.ErrNoEvidence, g.chain)
	for _, cp := range g.opts.Checkpoints {
		if cp.Chain != g.chain {
			continue
		}
		if reason = checkpointChain(cp, headers); reason == nil {
			break
		}
	}
	if reason != nil {
		return stop(reason)
	}
	if len(headers) < n {
		return stop(fmt.Errorf("%w: %d confirmations, need %d", anchor.ErrNoEvidence, len(headers), n))
	}
	r.Level = anchor.L4
	return r
}

// following returns first and the headers the source has after it, while
// each links to the one before, up to anchor.MaxAnchorHeaders in all.
func (g *grader) following(height uint64, first *btc.Header) []*btc.Header {
	headers := []*btc.Header{first}
	prev := first.Hash()
	for len(headers) < anchor.MaxAnchorHeaders {
		raw, err := g.opts.Headers.BitcoinHeader(height + uint64(len(headers)))
		if err != nil {
			break
		}
		h, err := btc.ParseHeader(raw)
		if err != nil || h.PrevBlock != prev {
			break
		}
		headers = append(headers, h)
		prev = h.Hash()
	}
	return headers
}

// checkpointChain checks that headers connect to cp: cp is the parent of
// headers[0] or one of the headers, every header links to the one before
// and meets its target and cp's difficulty floor.
func checkpointChain(cp anchor.Checkpoint, headers []*btc.Header) error {
	cpHash, err := btc.ParseHash(cp.BlockHash)
	if err != nil {
		return err
	}
	if cp.MaxBits == 0 {
		return fmt.Errorf("%w: checkpoint %s has no difficulty floor", anchor.ErrNoEvidence, cp.BlockHash)
	}
	floor, err := btc.CompactToTarget(cp.MaxBits)
	if err != nil {
		return fmt.Errorf("checkpoint %s floor: %w", cp.BlockHash, err)
	}
	connected := headers[0].PrevBlock == cpHash
	for _, h := range headers {
		if connected {
			break
		}
		connected = h.Hash() == cpHash
	}
	if !connected {
		return fmt.Errorf("%w: headers do not reach checkpoint %s", btc.ErrBrokenChain, cp.BlockHash)
	}
	return btc.VerifyChain(headers[0].PrevBlock, headers, floor)
}
