package merkle2019

import (
	"errors"
	"fmt"
)

var (
	// errMalformedProofValue: the proofValue is not a well-formed
	// MerkleProof2019 value (multibase, CBOR, structure, hash lengths).
	errMalformedProofValue = errors.New("merkle2019: malformed proofValue")
	// ErrMalformedProof: the proof object is missing a member or has one
	// of the wrong form, or the document has no (or more than one)
	// MerkleProof2019 proof.
	ErrMalformedProof = errors.New("merkle2019: malformed proof")
	// errPreviousProof: a chained MerkleProof2019 proof's previousProof is
	// not the proof before it in the proof list (or there is none).
	errPreviousProof = errors.New("merkle2019: previousProof is not the proof before it")
	// errUnmappedField: the credential has a member its contexts do not
	// define, which the targetHash would not cover (Blockcerts' fallback
	// @vocab check).
	errUnmappedField = errors.New("merkle2019: credential has fields its contexts do not define")
	// ErrTargetHashMismatch: the hash computed from the credential is not
	// the proof's targetHash; the credential was changed after issuance.
	ErrTargetHashMismatch = errors.New("merkle2019: computed hash does not match targetHash")
	// ErrMerkleRootMismatch: the path from targetHash does not reach the
	// proof's merkleRoot.
	ErrMerkleRootMismatch = errors.New("merkle2019: merkle path does not reach merkleRoot")
	// ErrOnChainRootMismatch: the root the transaction carries (the
	// caller's remoteHash, or the raw transaction's OP_RETURN) is not the
	// proof's merkleRoot.
	ErrOnChainRootMismatch = errors.New("merkle2019: on-chain root does not match merkleRoot")
	// errTxIDMismatch: the raw transaction's id is not the anchor's txid.
	errTxIDMismatch = errors.New("merkle2019: transaction id does not match the anchor")
	// errSenderSignature: the signature of the raw transaction's first
	// input does not verify (for instance a public key swapped into the
	// witness of a transaction someone else signed).
	errSenderSignature = errors.New("merkle2019: the raw transaction's input signature does not verify")
	// ErrIssuerMismatch: the transaction's sender is not an address of the
	// issuer's keys, or the key was not valid at the transaction's time.
	ErrIssuerMismatch = errors.New("merkle2019: issuing address does not match the issuer's key")
	// errNoIssuerKeys: verification would reach an issuing address but no
	// issuer key is configured (and IssuerUnsafe is not set).
	errNoIssuerKeys = errors.New("merkle2019: no issuer keys configured")
	// errEmptyBatch: a proof was asked of a batch with no credentials.
	errEmptyBatch = errors.New("merkle2019: empty batch")
	// errUnsupportedAnchor: a blink names a chain or network this package
	// does not know, or a txid form it cannot encode.
	errUnsupportedAnchor = errors.New("merkle2019: unsupported anchor")
	// ErrMalformedV2Signature: the "signature" member of a Blockcerts v2
	// certificate is not a well-formed MerkleProof2017 receipt, or the
	// certificate lacks a field the receipt's checks need.
	ErrMalformedV2Signature = errors.New("merkle2019: malformed Blockcerts v2 signature")
)

// Step names a verification step, in the order [Verify] runs them.
type Step string

const (
	StepParse      Step = "parse"      // the document and its proof object
	StepProofValue Step = "proofValue" // decoding the proofValue
	StepTargetHash Step = "targetHash" // hashing the credential, comparing with targetHash
	StepMerkleRoot Step = "merkleRoot" // folding the path to merkleRoot
	StepAnchor     Step = "anchor"     // the transaction: remote hash, raw tx, txid
	StepIssuer     Step = "issuer"     // issuing address against the issuer's keys
	StepLevel      Step = "level"      // the assurance level against the required one
)

// StepError reports the verification step that failed.
type StepError struct {
	Step Step
	Err  error
}

func (e *StepError) Error() string { return fmt.Sprintf("merkle2019: %s: %v", e.Step, e.Err) }

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }

// hashMismatchError carries the two hashes of a failed comparison, in
// lowercase hex. It wraps the step's sentinel (ErrTargetHashMismatch,
// ErrOnChainRootMismatch).
type hashMismatchError struct {
	Kind     error
	Expected string // what the proof claims
	Computed string // what was computed or read from the transaction
}

func (e *hashMismatchError) Error() string {
	return fmt.Sprintf("%v: expected %s, got %s", e.Kind, e.Expected, e.Computed)
}

// Unwrap returns the sentinel.
func (e *hashMismatchError) Unwrap() error { return e.Kind }
