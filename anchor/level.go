package anchor

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/onchaincert/microcred/internal/mtree"
	"math/big"
	"time"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/internal/btcwire"
)

// Level is a grade of anchor assurance (DESIGN.md rule 6). The zero value
// is LevelNone: nothing verified.
type Level uint8

const (
	// LevelNone: not even the inclusion proof holds.
	LevelNone Level = iota
	// L0: the leaf's path reaches the receipt's root (proof intact).
	L0
	// L1: an anchor is claimed on a chain (chain and txid), not yet
	// evidenced. A mock anchor is on no chain and stays at L0.
	L1
	// L2: the raw transaction has the claimed txid, commits the root in
	// an OP_RETURN output (Bitcoin) or as its data (Ethereum), and its
	// sender is proven by its signature: input 0's for Bitcoin (which for
	// a segwit input needs the spent amount), the recovered signer for
	// Ethereum.
	L2
	// L3: the transaction is in a block whose header meets its proof of
	// work and the chain's difficulty floor, by a branch to the header's
	// merkle root (Bitcoin), or by a transactions-trie proof to a header
	// whose hash, or a linked descendant's, the caller trusts (Ethereum).
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

// defaultConfirmations is N for L4 when VerifyOptions.Confirmations is
// below 1.
const defaultConfirmations = 6

// Checkpoint is a block the verifier trusts.
type Checkpoint struct {
	Chain Chain
	// BlockHash is the block hash in display (reversed) hex; for
	// Ethereum "0x" and 64 hex digits (see ethereum.go).
	BlockHash string
	// MaxBits optionally raises the difficulty floor (compact nBits: the
	// easiest target accepted) for the headers checked against this
	// checkpoint; 0 means the chain's floor ([DefaultFloor] or
	// [VerifyOptions.Floors]). It can only raise it: an easier value is an
	// error wrapping [ErrInvalidOptions]. Bitcoin only.
	MaxBits uint32
}

// VerifyOptions are the caller's trust inputs for [Receipt.Verify],
// [Anchor.Verify] and [GradeHeaders].
type VerifyOptions struct {
	// Leaf is the 32-byte digest the caller computed from the credential
	// it holds (see the package documentation). Required by
	// Receipt.Verify: the receipt's own leaf is never trusted.
	Leaf []byte
	// Checkpoints are trusted blocks; L4 needs one on the anchor's chain
	// (for Ethereum, L3 too).
	Checkpoints []Checkpoint
	// Confirmations is N for L4: headers from the anchor's block on,
	// inclusive. Values below 1 mean DefaultConfirmations.
	Confirmations int
	// Floors raise the built-in difficulty floors of Bitcoin chains
	// ([DefaultFloor]): every header, from L3 on, must be at least this
	// hard. At most one per chain; one easier than the built-in floor is
	// an error wrapping [ErrInvalidOptions] unless LowerFloorsUnsafe.
	Floors []Floor
	// LowerFloorsUnsafe lets Floors go below the built-in floors (down to
	// the chain's proof-of-work limit), for blocks older than 2014 or
	// test chains. Headers that easy can be made on a laptop.
	LowerFloorsUnsafe bool
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
	// Confirmations counts the proven headers from the anchor's block on
	// (L3+; see [HeaderGrade.Confirmations]).
	Confirmations int
	// Work is the proof of work of those headers in expected hashes
	// (Bitcoin, L3+), what forging them would cost unless Pinned.
	Work *big.Int
	// Pinned is set when a trusted checkpoint is the anchor block or a
	// counted descendant of it (L3+; always for Ethereum L3).
	Pinned bool
	// BlockTime is the anchor block's header time (L3+); miners choose it
	// within about two hours.
	BlockTime time.Time
	// Sender is the address whose key signed the anchor transaction (L2+):
	// for Bitcoin the address of the output input 0 spent (bech32 P2WPKH,
	// or base58 P2SH-P2WPKH or P2PKH), for Ethereum the recovered signer
	// (EIP-55). It is set only once the signature has verified. Compare it
	// with the issuer's address (eth.ParseAddress for Ethereum).
	Sender string
	// SenderPublicKey is the public key that signed (Bitcoin, L2+), as
	// the transaction carries it.
	SenderPublicKey []byte
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
// verifyInclusion / verifyBlockcerts), Verify returns an error and an
// Assurance at LevelNone; so it does for options that are not valid
// ([ErrInvalidOptions]). Beyond L0, missing evidence ([ErrNoEvidence],
// [ErrSenderUnproven]) and contradicting evidence ([ErrEvidenceMismatch]
// and the package btc and eth errors) both end the climb and are reported
// in Assurance.Reason, not as an error: compare the level with the
// policy's requirement, e.g. with [Assurance.Require]. Each anchor is
// graded on its own ([Anchor.Verify]) and the best one is reported.
func (r *Receipt) Verify(opts VerifyOptions) (*Assurance, error) {
	a := &Assurance{Level: LevelNone, Anchor: -1}
	fail := func(err error) (*Assurance, error) {
		a.Reason = err
		return a, err
	}
	if r == nil {
		return fail(fmt.Errorf("%w: nil receipt", ErrMalformedReceipt))
	}
	if r.Version != receiptVersion {
		return fail(fmt.Errorf("%w: %d", errUnsupportedVersion, r.Version))
	}
	fl, err := opts.check()
	if err != nil {
		return fail(err)
	}
	// L0: the leaf the caller computed is the receipt's leaf, and the path
	// from it reaches the root.
	if len(opts.Leaf) != hashSize {
		return fail(fmt.Errorf("%w: VerifyOptions.Leaf has %d bytes", errInvalidLeaf, len(opts.Leaf)))
	}
	if !bytes.Equal(opts.Leaf, r.Leaf) {
		return fail(ErrLeafMismatch)
	}
	switch r.Mode {
	case ModeRFC6962:
		err = verifyInclusion(r.Index, r.Size, r.Leaf, r.Path, r.Root)
	case ModeBlockcerts:
		var steps []mtree.Step
		if steps, err = mtree.Steps(r.Index, r.Size, r.Path); err == nil {
			err = verifyBlockcerts(r.Index, r.Size, r.Leaf, steps, r.Root)
		}
	default:
		err = fmt.Errorf("%w: %d", errInvalidMode, r.Mode)
	}
	if err != nil {
		return fail(err)
	}
	a.Level = L0
	if r.Evidence != nil {
		// A slim receipt's anchors are in its batch's shared evidence.
		if len(r.Anchors) > 0 {
			a.Reason = fmt.Errorf("%w: a receipt has both anchors and shared evidence", ErrMalformedReceipt)
		} else {
			a.Reason = fmt.Errorf("%w: the anchors are in the shared evidence %q (Receipt.VerifyEvidence)", ErrNoEvidence, r.Evidence.Name)
		}
		return a, nil
	}
	if len(r.Anchors) == 0 {
		a.Reason = errNoAnchor
		return a, nil
	}
	if len(r.Anchors) > maxAnchors {
		a.Reason = fmt.Errorf("%w: %d anchors", ErrMalformedReceipt, len(r.Anchors))
		return a, nil
	}
	var reasons []error
	for i := range r.Anchors {
		got := r.Anchors[i].verify(r.Root, opts, fl)
		if got.Level >= L1 {
			got.Anchor = i
		}
		reasons = append(reasons, fmt.Errorf("anchor %d (%s): %w", i, got.Chain, got.Reason))
		if got.Level > a.Level || (i == 0 && got.Level == a.Level) {
			*a = *got
		}
	}
	if a.Level < L4 && len(r.Anchors) > 1 {
		a.Reason = errors.Join(reasons...)
	}
	return a, nil
}

// Verify grades one anchor as evidence that root (32 bytes) was anchored:
// the climb of [Receipt.Verify] from L1, for callers that hold the root
// and the anchor evidence but no receipt (a MerkleProof2019 proof and
// its transaction, say). opts.Leaf is not used. The Assurance's Level is
// at least L0 (the root is taken as given) and its Anchor is 0 from L1
// on. It returns an error, and a nil Assurance, only for a root that is
// not 32 bytes or options that are not valid ([ErrInvalidOptions]).
func (an *Anchor) Verify(root []byte, opts VerifyOptions) (*Assurance, error) {
	if len(root) != hashSize {
		return nil, fmt.Errorf("%w: root is %d bytes", errInvalidHash, len(root))
	}
	fl, err := opts.check()
	if err != nil {
		return nil, err
	}
	if an == nil {
		return &Assurance{Level: L0, Anchor: -1, Reason: errNoAnchor}, nil
	}
	a := an.verify(root, opts, fl)
	if a.Level >= L1 {
		a.Anchor = 0
	}
	return a, nil
}

// verify climbs from L1 for one anchor.
func (an *Anchor) verify(root []byte, opts VerifyOptions, fl floors) *Assurance {
	a := &Assurance{Level: L0, Anchor: -1, Chain: an.Chain, NoFinality: !an.Chain.Final()}
	stop := func(err error) *Assurance {
		a.Reason = err
		return a
	}
	// L1: a well-formed claim on a chain.
	if !an.Chain.known() {
		return stop(fmt.Errorf("%w: unknown chain %q", ErrMalformedReceipt, string(an.Chain)))
	}
	if an.TxID == "" {
		return stop(fmt.Errorf("%w: empty txid", ErrMalformedReceipt))
	}
	if an.Chain == ChainMock {
		// A mock anchor claims nothing on any chain: it never meets a
		// policy that asks for an anchor (L1 or more).
		return stop(fmt.Errorf("%w: mock anchor, on no chain", ErrNoFinality))
	}
	a.Level = L1
	if an.Chain.ethereum() {
		return an.verifyEthereum(root, opts, fl, a)
	}
	if !an.Chain.bitcoin() {
		return stop(fmt.Errorf("%w: %s", errUnsupportedChain, an.Chain))
	}

	// L2: the raw transaction parses, has the claimed txid, carries
	// OP_RETURN PUSH32 root, and input 0's signature proves its sender.
	if len(an.RawTx) == 0 {
		return stop(fmt.Errorf("%w: no raw transaction", ErrNoEvidence))
	}
	if an.PrevoutAmount != nil && (*an.PrevoutAmount < 0 || *an.PrevoutAmount > btc.MaxMoney) {
		return stop(fmt.Errorf("%w: prevoutAmount %d outside [0, MaxMoney]", ErrMalformedReceipt, *an.PrevoutAmount))
	}
	tx, err := btc.ParseTx(an.RawTx)
	if err != nil {
		return stop(err)
	}
	if got := tx.TxID().String(); got != an.TxID {
		return stop(fmt.Errorf("%w: raw transaction has txid %s, receipt claims %s", ErrEvidenceMismatch, got, an.TxID))
	}
	if _, ok := tx.FindRoot(root); !ok {
		return stop(fmt.Errorf("%w: no OP_RETURN output carries the root", ErrEvidenceMismatch))
	}
	amount := btc.UnknownAmount
	if an.PrevoutAmount != nil {
		amount = *an.PrevoutAmount
	}
	signer, err := btc.VerifyInputSigner(tx, 0, amount)
	switch {
	case errors.Is(err, btc.ErrAmountRequired):
		return stop(fmt.Errorf("%w: %w: %w (the receipt has no prevoutAmount)", ErrSenderUnproven, ErrNoEvidence, err))
	case errors.Is(err, btc.ErrUnsupportedInput):
		return stop(fmt.Errorf("%w: %w", ErrSenderUnproven, err))
	case err != nil:
		return stop(fmt.Errorf("%w: sender: %w", ErrEvidenceMismatch, err))
	}
	a.Sender = signer.Address(bitcoinNetwork(an.Chain))
	a.SenderPublicKey = signer.PubKey
	a.Level = L2

	// L3: the branch from the txid reaches the anchor header's merkle root
	// (64-byte and CVE-2012-2459 guards in btc), and the header chain is
	// graded (proof of work, floors, links, checkpoints: GradeHeaders).
	if len(an.Headers) == 0 {
		return stop(fmt.Errorf("%w: no block header", ErrNoEvidence))
	}
	g := gradeHeaders(an.Chain, an.Headers, opts, fl)
	if g.Level < L3 {
		return stop(g.Reason)
	}
	first, _ := btc.ParseHeader(an.Headers[0]) // parsed by gradeHeaders
	branch := make([]btc.Hash, len(an.Branch))
	for i, b := range an.Branch {
		if len(b) != 32 {
			return stop(fmt.Errorf("%w: branch step %d is %d bytes", ErrMalformedReceipt, i, len(b)))
		}
		branch[i] = btc.Hash(b)
	}
	if _, err := btcwire.VerifyTxInBlock(an.RawTx, an.TxIndex, branch, first); err != nil {
		return stop(err)
	}
	a.adopt(g)
	return a
}

// adopt takes the block grade of an anchor whose transaction is proven to
// be in the anchor block.
func (a *Assurance) adopt(g *HeaderGrade) {
	a.Level, a.Confirmations, a.Work, a.Pinned, a.BlockTime, a.Reason = g.Level, g.Confirmations, g.Work, g.Pinned, g.BlockTime, g.Reason
}

func bitcoinNetwork(c Chain) btc.Network {
	switch c {
	case ChainBitcoinMainnet:
		return btc.Mainnet
	case ChainBitcoinTestnet:
		return btc.Testnet
	}
	return btc.Regtest
}
