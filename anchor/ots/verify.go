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
	"github.com/onchaincert/microcred/internal/mtree"
)

// HeaderSource gives raw 80-byte Bitcoin block headers by height, from a
// source the caller trusts to be the chain named in [VerifyOptions.Chain]
// (its proof of work is checked all the same). For a height it does not
// have it returns an error, any error: the attestation stays claimed (L1)
// with a reason saying no header was found, and the headers counted for
// L4 end before that height.
type HeaderSource interface {
	BitcoinHeader(height uint64) ([]byte, error)
}

// Headers is a [HeaderSource] backed by a map from height to raw header.
type Headers map[uint64][]byte

var _ HeaderSource = Headers(nil)

// BitcoinHeader returns a copy of the header at height, or an error
// naming the height if the map has none.
func (h Headers) BitcoinHeader(height uint64) ([]byte, error) {
	raw, ok := h[height]
	if !ok {
		return nil, fmt.Errorf("%w: height %d", errNoHeader, height)
	}
	return append([]byte(nil), raw...), nil
}

// VerifyOptions are the caller's trust inputs for [Proof.Verify]. The zero value
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
	// inclusive. Values below 1 mean 6, package anchor's default.
	Confirmations int
	// Floors and LowerFloorsUnsafe are the difficulty floors, as in
	// [anchor.VerifyOptions]: built in per chain ([anchor.DefaultFloor]),
	// raised here, lowered only with LowerFloorsUnsafe.
	Floors            []anchor.Floor
	LowerFloorsUnsafe bool
}

// anchorOptions are the trust options in the form anchor.GradeHeaders
// takes them.
func (o *VerifyOptions) anchorOptions() anchor.VerifyOptions {
	return anchor.VerifyOptions{Checkpoints: o.Checkpoints, Confirmations: o.Confirmations,
		Floors: o.Floors, LowerFloorsUnsafe: o.LowerFloorsUnsafe}
}

// AttestationResult is the grade of one attestation of the proof. Which
// notary it names and what it attests are read through its methods.
type AttestationResult struct {
	// c is the attestation, the message reaching it and the ops there.
	c commitment
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
	// Work and Pinned are those of [anchor.HeaderGrade] (L3+).
	Work   *big.Int
	Pinned bool
	// Err says why the attestation stopped at Level; nil only at L4.
	Err error
}

// Kind returns the notary the attestation names: "bitcoin", "litecoin",
// "ethereum", "pending" (a calendar's promise, see
// [AttestationResult.Calendar]) or "unknown" (a tag this package does not
// know; never checked).
func (a AttestationResult) Kind() string {
	if a.c.Attestation == nil {
		return kindUnknown.String()
	}
	return a.c.Attestation.Kind.String()
}

// Calendar returns the calendar URI of a pending attestation, and "" for
// every other kind. The URI is as the proof wrote it (at most 1000
// characters of A-Z a-z 0-9 - . _ / :); this package never contacts it.
func (a AttestationResult) Calendar() string {
	if a.c.Attestation == nil || a.c.Attestation.Kind != kindPending {
		return ""
	}
	return a.c.Attestation.URI
}

// Message returns a copy of the message the proof's ops compute for this
// attestation from the digest: what it attests (for Bitcoin, the block's
// merkle root in internal byte order).
func (a AttestationResult) Message() []byte {
	return append([]byte(nil), a.c.Message...)
}

// String describes the attestation as the reference client does, e.g.
// "BitcoinBlockHeaderAttestation(358391)" or
// "PendingAttestation(\"https://alice.btc.calendar.opentimestamps.org\")".
func (a AttestationResult) String() string {
	if a.c.Attestation == nil {
		return "<nil>"
	}
	return a.c.Attestation.String()
}

// Result is what [Proof.Verify] established.
type Result struct {
	// Level is the best level any attestation reached: L0 when the digest
	// matches and the ops apply; LevelNone on error.
	Level anchor.Level
	// Attestation is the index in Attestations of the attestation that
	// reached Level, or -1.
	Attestation int
	// Chain, NoFinality, Height, BlockTime, Confirmations, Work and
	// Pinned describe that attestation.
	Chain         anchor.Chain
	NoFinality    bool
	Height        uint64
	BlockTime     time.Time
	Confirmations int
	Work          *big.Int
	Pinned        bool
	// Attestations grades every attestation, in file order.
	Attestations []AttestationResult
	// Reason says why verification stopped at Level; nil only at L4. With
	// several attestations below L4 it joins every attestation's reason.
	Reason error
}

// PendingCalendars returns the calendar URI of every pending attestation,
// in file order (nil if there is none): the calendars that promised to
// complete the timestamp. Upgrading the proof means asking them, online;
// this package does not.
func (r *Result) PendingCalendars() []string {
	if r == nil {
		return nil
	}
	var out []string
	for i := range r.Attestations {
		if uri := r.Attestations[i].Calendar(); uri != "" {
			out = append(out, uri)
		}
	}
	return out
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

// FileDigest hashes a stamped file with the proof's file hash op
// ([Proof.HashOp]): the digest to give [Proof.Verify]. The file is not
// subject to the op message limits. It fails only for a nil or zero
// proof, which has no file hash op.
func (p *Proof) FileDigest(file []byte) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil proof has no file hash op", errMalformed)
	}
	return fileDigest(p.hashOp, file)
}

// fileDigest hashes file with the file hash op op.
func fileDigest(op opKind, file []byte) ([]byte, error) {
	switch op {
	case opSHA1:
		s := sha1.Sum(file) //nolint:gosec
		return s[:], nil
	case opSHA256:
		s := sha256.Sum256(file)
		return s[:], nil
	case opRIPEMD160:
		h := ripemd160.New()
		h.Write(file)
		return h.Sum(nil), nil
	case opKeccak256:
		h := sha3.NewLegacyKeccak256()
		h.Write(file)
		return h.Sum(nil), nil
	}
	return nil, fmt.Errorf("%w: %s is not a file hash op", errMalformed, op)
}

// VerifyFile parses proof (a .ots file), hashes file with its file hash op
// and verifies it for that digest (see [Proof.Verify]). A proof that does
// not parse is an error, with the result at LevelNone. For a digest you
// already have, use [Parse] and [Proof.Verify].
func VerifyFile(proof, file []byte, opts VerifyOptions) (*Result, error) {
	p, err := Parse(proof)
	if err != nil {
		return &Result{Attestation: -1, Reason: err}, err
	}
	digest, err := p.FileDigest(file)
	if err != nil {
		return &Result{Attestation: -1, Reason: err}, err
	}
	return p.Verify(digest, opts)
}

// verify parses proof and verifies it for the stamped file's digest (see
// [Proof.Verify]).
func verify(proof, digest []byte, opts VerifyOptions) (*Result, error) {
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
// result at LevelNone, only if the options are not valid (a Chain that
// is not a Bitcoin network, or options [anchor.GradeHeaders] refuses,
// wrapping [anchor.ErrInvalidOptions]) or the proof itself does not hold:
// the proof is nil or empty, digest is not the proof's digest, or an op
// fails. Anything beyond L0 — missing headers, a header failing its proof
// of work (package btc errors), a message that is not the header's merkle
// root, pending, unknown or unsupported attestations — is reported in
// Reason and per attestation, not as an error: compare the level with the
// policy's requirement, e.g. with [Result.Require].
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
	if _, ok := anchor.DefaultFloor(chain); !ok {
		return fail(fmt.Errorf("%w: chain %q is not a Bitcoin network", errInvalidOptions, chain))
	}
	// The options are checked once, on no headers.
	if _, err := anchor.GradeHeaders(chain, nil, opts.anchorOptions()); err != nil {
		return fail(err)
	}
	if p == nil || p.root == nil {
		return fail(fmt.Errorf("%w: empty proof", errMalformed))
	}
	// L0: the caller's digest is the one the proof starts from, and every
	// op applies within the limits.
	if !bytes.Equal(digest, p.digest) {
		return fail(errDigestMismatch)
	}
	cs, err := p.commitments()
	if err != nil {
		return fail(err)
	}
	res.Level = anchor.L0
	if len(cs) == 0 {
		res.Reason = fmt.Errorf("%w: no attestation", errMalformed)
		return res, nil
	}
	g := grader{opts: opts, chain: chain}
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
			res.Work, res.Pinned = ar.Work, ar.Pinned
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
}

func (g *grader) grade(c commitment) AttestationResult {
	a := c.Attestation
	r := AttestationResult{c: c, Level: anchor.L0, Height: a.Height}
	stop := func(err error) AttestationResult {
		r.Err = err
		return r
	}
	switch a.Kind {
	case kindPending:
		r.Level = anchor.L1
		return stop(fmt.Errorf("%w: calendar %s", errPending, a.URI))
	case kindEthereum:
		r.Level = anchor.L1
		r.Chain = anchor.ChainEthereumMainnet
		return stop(fmt.Errorf("%w: ethereum block %d", errUnsupportedChain, a.Height))
	case kindLitecoin:
		r.Level = anchor.L1
		return stop(fmt.Errorf("%w: litecoin block %d", errUnsupportedChain, a.Height))
	case kindBitcoin:
	default:
		return stop(fmt.Errorf("%w: tag %x", errUnknownAttestation, a.Tag))
	}

	// L1: a Bitcoin block attestation is a claim on the chain at Height.
	r.Level = anchor.L1
	r.Chain = g.chain
	if g.opts.Headers == nil {
		return stop(fmt.Errorf("%w: no header source", errNoHeader))
	}
	raw, err := g.opts.Headers.BitcoinHeader(a.Height)
	if err != nil {
		if !errors.Is(err, errNoHeader) {
			err = fmt.Errorf("%w: height %d: %w", errNoHeader, a.Height, err)
		}
		return stop(err)
	}
	// L3 and L4 are graded as for receipts (anchor.GradeHeaders): the
	// header meets its proof of work and the chain's difficulty floor, and
	// the headers after it count only while they link. A header that
	// fails proves nothing and leaves the claim at L1; one that meets it
	// and has another merkle root refutes the claim (L0). The message is
	// the header's hashMerkleRoot in internal byte order (FORMATS.md §4):
	// the ops from the digest to it hash through the transaction and the
	// block's merkle branch, so this also proves the transaction is in
	// the block.
	headers := g.following(a.Height, raw)
	grade, err := anchor.GradeHeaders(g.chain, headers, g.opts.anchorOptions())
	if err != nil {
		return stop(err) // unreachable: the options were checked in Verify
	}
	if grade.Level < anchor.L3 {
		return stop(fmt.Errorf("checking header %d: %w", a.Height, grade.Reason))
	}
	h, _ := btc.ParseHeader(raw) // parsed by GradeHeaders
	if !bytes.Equal(c.Message, h.MerkleRoot[:]) {
		r.Level = anchor.L0
		return stop(&rootMismatchError{Height: a.Height, Message: c.Message, MerkleRoot: h.MerkleRoot[:]})
	}
	r.Level, r.BlockTime, r.Confirmations, r.Work, r.Pinned = grade.Level, grade.BlockTime, grade.Confirmations, grade.Work, grade.Pinned
	r.Err = grade.Reason
	return r
}

// following returns the raw header at height and those the source has
// after it, up to the first height it lacks and at most
// mtree.MaxAnchorHeaders in all; anchor.GradeHeaders decides which link.
func (g *grader) following(height uint64, first []byte) [][]byte {
	headers := [][]byte{first}
	for len(headers) < mtree.MaxAnchorHeaders {
		raw, err := g.opts.Headers.BitcoinHeader(height + uint64(len(headers)))
		if err != nil {
			break
		}
		headers = append(headers, raw)
	}
	return headers
}
