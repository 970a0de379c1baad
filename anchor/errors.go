package anchor

import (
	"errors"

	"github.com/onchaincert/microcred/internal/mtree"
)

var (
	// errEmptyBatch is returned for the root or a proof of a tree with no
	// leaves, and for a proof claiming tree size 0.
	errEmptyBatch = mtree.ErrEmptyBatch
	// errInvalidMode is wrapped by errors for a Mode other than
	// ModeRFC6962 and ModeBlockcerts.
	errInvalidMode = errors.New("anchor: invalid tree mode")
	// errInvalidLeaf is wrapped by errors for a leaf that is not 32 bytes.
	errInvalidLeaf = mtree.ErrInvalidLeaf
	// errInvalidHash is wrapped by errors for a path element or root that
	// is not 32 bytes, or a proof step that is not exactly one of left or
	// right.
	errInvalidHash = mtree.ErrInvalidHash
	// errIndexOutOfRange is wrapped by errors for a leaf index not below
	// the tree size.
	errIndexOutOfRange = mtree.ErrIndexOutOfRange
	// errProofLength is wrapped by errors for an inclusion path whose
	// length or shape does not match its (index, size), or that is longer
	// than MaxPath.
	errProofLength = mtree.ErrProofLength
	// ErrNoProofs is returned by a tree built with NewRootTree when asked
	// for a proof.
	ErrNoProofs = errors.New("anchor: tree keeps no proofs")
	// ErrMalformedReceipt is wrapped by errors for receipt JSON that is not
	// a well-formed receipt of a supported version.
	ErrMalformedReceipt = errors.New("anchor: malformed receipt")
	// errMalformedEvidence is wrapped by errors for shared evidence (or a
	// reference to it) that is not well formed or is over its budget
	// ([MaxEvidenceBytes]).
	errMalformedEvidence = errors.New("anchor: malformed shared evidence")
	// errWrongEvidence is wrapped by errors for shared evidence that is
	// not the one a slim receipt references (another SHA-256), or is for
	// another batch (another root, mode or tree size).
	errWrongEvidence = errors.New("anchor: not the evidence the receipt references")
	// errUnsupportedVersion is wrapped by errors for a receipt version this
	// package does not read.
	errUnsupportedVersion = errors.New("anchor: unsupported receipt version")
	// ErrLeafMismatch is returned when the caller's leaf is not the
	// receipt's leaf.
	ErrLeafMismatch = errors.New("anchor: leaf does not match the receipt")
	// errNoAnchor is the reason verification stops at L0 when a receipt
	// has no anchors.
	errNoAnchor = errors.New("anchor: receipt has no anchor")
	// ErrNoEvidence is wrapped by the reason verification stopped when the
	// evidence for the next level is absent.
	ErrNoEvidence = errors.New("anchor: no evidence for the next level")
	// ErrEvidenceMismatch is wrapped by the reason verification stopped
	// when evidence is present but contradicts the receipt (txid or root
	// not matching, branch not reaching the header).
	ErrEvidenceMismatch = errors.New("anchor: evidence does not match")
	// ErrNoFinality is wrapped by the reason a testnet, regtest or dev
	// chain anchor stops below L4, and a mock anchor at L0.
	ErrNoFinality = errors.New("anchor: chain has no finality")
	// errUnsupportedChain is wrapped by the reason verification stops at
	// L1 for a chain whose evidence this package cannot check yet.
	errUnsupportedChain = mtree.ErrUnsupportedChain
	// ErrSenderUnproven is wrapped by the reason verification stops at L1
	// when the anchor transaction's sender cannot be proven: a segwit
	// input without the spent amount (prevoutAmount), or an input kind
	// whose signature this package does not check. A sender is never
	// reported without its signature checked.
	ErrSenderUnproven = errors.New("anchor: sender not proven")
	// ErrInvalidOptions is wrapped by errors for VerifyOptions that are
	// not valid: a malformed checkpoint hash or floor, a floor easier than
	// the built-in one without LowerFloorsUnsafe, a checkpoint MaxBits
	// easier than its chain's floor.
	ErrInvalidOptions = errors.New("anchor: invalid verify options")
	// ErrInsufficientAssurance is wrapped by [Assurance.Require] when the
	// level reached is below the one required.
	ErrInsufficientAssurance = errors.New("anchor: insufficient assurance")
	// ErrBrokenChain is wrapped by the reason confirmations stop counting
	// or a checkpoint is not reached, and so L4 is ruled out: block
	// headers that do not link (Bitcoin prevHash, Ethereum parentHash and
	// consecutive numbers) or do not reach the trusted checkpoint.
	ErrBrokenChain = mtree.ErrBrokenChain
)

// RootMismatchError is returned when an inclusion proof is well formed but
// leads to a different root: Expected is the root the caller trusts,
// Calculated the root the proof leads to.
type RootMismatchError = mtree.RootMismatchError
