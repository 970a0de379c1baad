package ots

import (
	"encoding/hex"
	"errors"
	"fmt"
)

var (
	// ErrMalformed is wrapped by every parse error: bytes that are not
	// exactly one well-formed detached timestamp file. The error is a
	// [*ParseError] naming the offset.
	ErrMalformed = errors.New("ots: malformed timestamp file")
	// ErrUnsupportedVersion is wrapped by the parse error for a major
	// version other than 1.
	ErrUnsupportedVersion = errors.New("ots: unsupported major version")
	// ErrLimit is wrapped by the parse error for input over a size, depth
	// or count limit (see the Max constants).
	ErrLimit = errors.New("ots: limit exceeded")
	// ErrDigestMismatch is returned when the caller's file digest is not
	// the digest the timestamp is for.
	ErrDigestMismatch = errors.New("ots: file digest does not match the timestamp")
	// ErrPending is wrapped by the reason an attestation is only a
	// calendar's promise (PendingAttestation): checking it needs the
	// calendar, online.
	ErrPending = errors.New("ots: pending attestation")
	// ErrUnknownAttestation is wrapped by the reason an attestation whose
	// tag this package does not know was not checked.
	ErrUnknownAttestation = errors.New("ots: unknown attestation")
	// ErrUnsupportedChain is wrapped by the reason an attestation on a
	// chain this package does not verify (Litecoin, Ethereum) stays
	// claimed.
	ErrUnsupportedChain = errors.New("ots: attestation chain not verified by this package")
	// ErrNoHeader is wrapped by the reason a Bitcoin attestation stays
	// claimed when the caller's [HeaderSource] has no header at its height.
	ErrNoHeader = errors.New("ots: no block header for the attested height")
	// ErrMerkleRootMismatch is wrapped by the reason a Bitcoin attestation
	// fails when its message is not the header's merkle root. The reason is
	// a [*RootMismatchError].
	ErrMerkleRootMismatch = errors.New("ots: message does not match the block merkle root")
	// ErrInvalidOptions is returned for missing or inconsistent
	// [VerifyOptions].
	ErrInvalidOptions = errors.New("ots: invalid verify options")
)

// ParseError is a parse failure at a byte offset of the input.
type ParseError struct {
	Offset int    // offset of the first byte that could not be accepted
	Msg    string // what was wrong there
	Err    error  // ErrMalformed, ErrUnsupportedVersion or ErrLimit
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("ots: offset %d: %s", e.Offset, e.Msg)
}

// Unwrap returns the sentinel the error belongs to.
func (e *ParseError) Unwrap() error { return e.Err }

// RootMismatchError is the reason a Bitcoin attestation fails: the message
// reaching it is not the merkle root of the header at its height.
type RootMismatchError struct {
	Height     uint64
	Message    []byte // the committed message, internal byte order
	MerkleRoot []byte // the header's hashMerkleRoot, internal byte order
}

func (e *RootMismatchError) Error() string {
	return fmt.Sprintf("ots: block %d: message %s is not the merkle root %s (internal byte order)",
		e.Height, hex.EncodeToString(e.Message), hex.EncodeToString(e.MerkleRoot))
}

// Unwrap returns [ErrMerkleRootMismatch].
func (e *RootMismatchError) Unwrap() error { return ErrMerkleRootMismatch }
