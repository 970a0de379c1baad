package anchor

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/onchaincert/microcred/anchor/btc"
)

// Level is a grade of anchor assurance (DESIGN.md rule 6). The zero value
// is LevelNone: nothing verified.
type Level uint8

const (
	// LevelNone: not even the inclusion proof holds.
	LevelNone Level = iota
	// L0: the leaf's path reaches the receipt's root (proof intact).
	L0
	// L1: an anchor is claimed (chain and txid), not yet evidenced.
	L1
	// L2: the raw transaction has the claimed txid and commits the root
	// in an OP_RETURN output (Bitcoin) or as its data, with the sender
	// recovered from its signature (Ethereum).
	L2
	// L3: the transaction is in a block whose header meets its proof of
	// work, by a branch to the header's merkle root (Bitcoin), or by a
	// transactions-trie proof to a header whose hash, or a linked
	// descendant's, the caller trusts (Ethereum).
	L3
	// L4: that block is confirmed N times on a chain connected to a
	// trusted checkpoint (bitcoin-mainnet), or the trusted Ethereum block
	// is N−1 or more blocks after the anchor block (ethereum-mainnet).
	L4
)

// String returns "none" or "L0".."L4".
func (l Level) String() string {
	if l == LevelNone {
		return "none"
	}
	if l <= L4 {
		return fmt.Sprintf("L%d", l-1)
	}
	return "invalid"
}

// DefaultConfirmations is N for L4 when VerifyOptions.Confirmations is
// below 1.
const DefaultConfirmations = 6

// Checkpoint is a block the verifier trusts, with the difficulty floor it
// trusts for the blocks around it.
type Checkpoint struct {
	Chain Chain
	// BlockHash is the block hash in display (reversed) hex; for
	// Ethereum "0x" and 64 hex digits (see ethereum.go).
	BlockHash string
	// MaxBits is the easiest target (compact nBits) any header checked
	// against this checkpoint may have: the floor that stops cheap
	// low-difficulty headers (retargeting is not replayed; see package
	// btc). Required; choose it near the real difficulty at that height
	// (for instance a quarter of it). Unused for Ethereum.
	MaxBits uint32
}

// VerifyOptions are the caller's trust inputs for [Receipt.Verify].
type VerifyOptions struct {
	// Leaf is the 32-byte digest the caller computed from the credential
	// it holds (see the package documentation). Required: the receipt's
	// own leaf is never trusted.
	Leaf []byte
	// Checkpoints are trusted blocks; L4 needs one on the anchor's chain.
	Checkpoints []Checkpoint
	// Confirmations is N for L4: headers from the anchor's block on,
	// inclusive. Values below 1 mean DefaultConfirmations.
	Confirmations int
}

// Assurance is what [Receipt.Verify] established.
type Assurance struct {
	// Level is the highest level reached.
	Level Level
	// Anchor is the index in Receipt.Anchors of the anchor that reached
	// Level, or -1 below L1.
	Anchor int
	// Chain is that anchor's chain.
	Chain Chain
	// NoFinality is set when that chain is a testnet, regtest or mock:
	// whatever its level, it proves nothing economically final.
	NoFinality bool
	// Confirmations counts the headers from the anchor's block on (L3+).
	Confirmations int
	// BlockTime is the anchor block's header time (L3+); miners choose it
	// within about two hours.
	BlockTime time.Time
	// Sender is the address that signed the anchor transaction, recovered
	// from its signature (Ethereum, L2+; EIP-55 form), or "". Compare it
	// with the issuer's address with eth.ParseAddress.
	Sender string
	// Reason says why verification stopped at Level; nil only at L4.
	// For several anchors it joins every anchor's reason.
	Reason error
}

// Require returns nil if the level reached is at least min, and otherwise
// an error wrapping [ErrInsufficientAssurance] and the reason.
func (a *Assurance) Require(min Level) error {
	if a != nil && a.Level >= min {
		return nil
	}
	if a == nil {
		return fmt.Errorf("%w: nothing verified", ErrInsufficientAssurance)
	}
	return fmt.Errorf("%w: reached %s, need %s: %w", ErrInsufficientAssurance, a.Level, min, a.Reason)
}

// Verify checks the receipt as far as its evidence goes and returns the
// level reached and why it stopped (see [Level]).
//
// L0 is required: if opts.Leaf is not the receipt's leaf
// ([ErrLeafMismatch]) or the path does not reach the root (the errors of
// [VerifyInclusion] / [VerifyBlockcerts]), Verify returns an error and an
// Assurance at LevelNone. Beyond L0, missing evidence ([ErrNoEvidence])
// and contradicting evidence ([ErrEvidenceMismatch] and the package btc
// errors) both end the climb and are reported in Assurance.Reason, not as
// an error: compare the level with the policy's requirement, e.g. with
// [Assurance.Require]. Each anchor is graded on its own and the best one
// is reported.
func (r *Receipt) Verify(opts VerifyOptions) (*Assurance, error) {
	a := &Assurance{Level: LevelNone, Anchor: -1}
	fail := func(err error) (*Assurance, error) {
		a.Reason = err
		return a, err
	}
	if r == nil {
		return fail(fmt.Errorf("%w: nil receipt", ErrMalformedReceipt))
	}
	if r.Version != ReceiptVersion {
		return fail(fmt.Errorf("%w: %d", ErrUnsupportedVersion, r.Version))
	}
	// L0: the leaf the caller computed is the receipt's leaf, and the path
	// from it reaches the root.
	if len(opts.Leaf) != HashSize {
		return fail(fmt.Errorf("%w: VerifyOptions.Leaf has %d bytes", ErrInvalidLeaf, len(opts.Leaf)))
	}
	if !bytes.Equal(opts.Leaf, r.Leaf) {
		return fail(ErrLeafMismatch)
	}
	var err error
	switch r.Mode {
	case ModeRFC6962:
		err = VerifyInclusion(r.Index, r.Size, r.Leaf, r.Path, r.Root)
	case ModeBlockcerts:
		var steps []Step
		if steps, err = Steps(r.Index, r.Size, r.Path); err == nil {
			err = VerifyBlockcerts(r.Index, r.Size, r.Leaf, steps, r.Root)
		}
	default:
		err = fmt.Errorf("%w: %d", ErrInvalidMode, r.Mode)
	}
	if err != nil {
		return fail(err)
	}
	a.Level = L0
	if len(r.Anchors) == 0 {
		a.Reason = ErrNoAnchor
		return a, nil
	}
	if len(r.Anchors) > MaxAnchors {
		a.Reason = fmt.Errorf("%w: %d anchors", ErrMalformedReceipt, len(r.Anchors))
		return a, nil
	}
	var reasons []error
	for i := range r.Anchors {
		got := r.verifyAnchor(&r.Anchors[i], opts)
		got.Anchor = i
		reasons = append(reasons, fmt.Errorf("anchor %d (%s): %w", i, got.Chain, got.Reason))
		if got.Level > a.Level {
			*a = *got
		}
	}
	if a.Level < L4 && len(r.Anchors) > 1 {
		a.Reason = errors.Join(reasons...)
	}
	return a, nil
}

// verifyAnchor climbs from L1 for one anchor.
func (r *Receipt) verifyAnchor(an *Anchor, opts VerifyOptions) *Assurance {
	a := &Assurance{Level: L0, Chain: an.Chain, NoFinality: !an.Chain.Final()}
	stop := func(err error) *Assurance {
		a.Reason = err
		return a
	}
	// L1: a well-formed claim.
	if !an.Chain.known() {
		return stop(fmt.Errorf("%w: unknown chain %q", ErrMalformedReceipt, string(an.Chain)))
	}
	if an.TxID == "" {
		return stop(fmt.Errorf("%w: empty txid", ErrMalformedReceipt))
	}
	a.Level = L1
	if an.Chain == ChainMock {
		return stop(fmt.Errorf("%w: mock anchor", ErrNoFinality))
	}
	if an.Chain.ethereum() {
		return r.verifyEthereum(an, opts, a)
	}
	if !an.Chain.bitcoin() {
		return stop(fmt.Errorf("%w: %s", ErrUnsupportedChain, an.Chain))
	}

	// L2: the raw transaction parses, has the claimed txid and carries
	// OP_RETURN PUSH32 root.
	if len(an.RawTx) == 0 {
		return stop(fmt.Errorf("%w: no raw transaction", ErrNoEvidence))
	}
	tx, err := btc.ParseTx(an.RawTx)
	if err != nil {
		return stop(err)
	}
	if got := tx.TxID().String(); got != an.TxID {
		return stop(fmt.Errorf("%w: raw transaction has txid %s, receipt claims %s", ErrEvidenceMismatch, got, an.TxID))
	}
	if _, ok := tx.FindRoot(r.Root); !ok {
		return stop(fmt.Errorf("%w: no OP_RETURN output carries the root", ErrEvidenceMismatch))
	}
	a.Level = L2

	// L3: the header meets its proof of work and the branch from the txid
	// reaches its merkle root (64-byte and CVE-2012-2459 guards in btc).
	if len(an.Headers) == 0 {
		return stop(fmt.Errorf("%w: no block header", ErrNoEvidence))
	}
	headers := make([]*btc.Header, len(an.Headers))
	for i, raw := range an.Headers {
		if headers[i], err = btc.ParseHeader(raw); err != nil {
			return stop(fmt.Errorf("parsing header %d: %w", i, err))
		}
	}
	limit := btc.MainnetPowLimit()
	switch an.Chain {
	case ChainBitcoinTestnet:
		limit = btc.TestnetPowLimit()
	case ChainBitcoinRegtest:
		limit = btc.RegtestPowLimit()
	}
	if err := headers[0].CheckProofOfWork(limit); err != nil {
		return stop(err)
	}
	branch := make([]btc.Hash, len(an.Branch))
	for i, b := range an.Branch {
		if len(b) != 32 {
			return stop(fmt.Errorf("%w: branch step %d is %d bytes", ErrMalformedReceipt, i, len(b)))
		}
		branch[i] = btc.Hash(b)
	}
	if _, err := btc.VerifyTxInBlock(an.RawTx, an.TxIndex, branch, headers[0]); err != nil {
		return stop(err)
	}
	a.Level = L3
	a.Confirmations = len(headers)
	a.BlockTime = time.Unix(int64(headers[0].Time), 0).UTC()

	// L4: mainnet only, connected to a trusted checkpoint, N deep.
	if an.Chain != ChainBitcoinMainnet {
		return stop(fmt.Errorf("%w: %s", ErrNoFinality, an.Chain))
	}
	n := opts.Confirmations
	if n < 1 {
		n = DefaultConfirmations
	}
	var reason error = fmt.Errorf("%w: no trusted checkpoint for %s", ErrNoEvidence, an.Chain)
	for _, cp := range opts.Checkpoints {
		if cp.Chain != an.Chain {
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
		return stop(fmt.Errorf("%w: %d confirmations, need %d", ErrNoEvidence, len(headers), n))
	}
	a.Level = L4
	a.Reason = nil
	return a
}

// checkpointChain checks that headers connect to cp: either cp is the
// parent of headers[0], or cp is one of the headers; in both cases every
// header links to the previous one and meets its target and cp's floor.
func checkpointChain(cp Checkpoint, headers []*btc.Header) error {
	cpHash, err := btc.ParseHash(cp.BlockHash)
	if err != nil {
		return err
	}
	if cp.MaxBits == 0 {
		return fmt.Errorf("%w: checkpoint %s has no difficulty floor", ErrNoEvidence, cp.BlockHash)
	}
	floor, err := btc.CompactToTarget(cp.MaxBits)
	if err != nil {
		return fmt.Errorf("checkpoint %s floor: %w", cp.BlockHash, err)
	}
	connected := headers[0].PrevBlock == cpHash
	if !connected {
		for _, h := range headers {
			if h.Hash() == cpHash {
				connected = true
				break
			}
		}
	}
	if !connected {
		return fmt.Errorf("%w: headers do not reach checkpoint %s", btc.ErrBrokenChain, cp.BlockHash)
	}
	return btc.VerifyChain(headers[0].PrevBlock, headers, floor)
}
