package ots

import (
	"encoding/hex"
	"errors"
	"fmt"
)

var (
	// errMalformed is wrapped by every parse error: bytes that are not
	// exactly one well-formed detached timestamp file. The error is a
	// *parseError naming the offset.
	errMalformed = errors.New("ots: malformed timestamp file")
	// errUnsupportedVersion is wrapped by the parse error for a major
	// version other than 1.
	errUnsupportedVersion = errors.New("ots: unsupported major version")
	// errLimit is wrapped by the parse error for input over a size, depth
	// or count limit (see the Max constants).
	errLimit = errors.New("ots: limit exceeded")
	// errDigestMismatch is returned when the caller's file digest is not
	// the digest the timestamp is for.
	errDigestMismatch = errors.New("ots: file digest does not match the timestamp")
	// errPending is wrapped by the reason an attestation is only a
	// calendar's promise (PendingAttestation): checking it needs the
	// calendar, online.
	errPending = errors.New("ots: pending attestation")
	// errUnknownAttestation is wrapped by the reason an attestation whose
	// tag this package does not know was not checked.
	errUnknownAttestation = errors.New("ots: unknown attestation")
	// errUnsupportedChain is wrapped by the reason an attestation on a
	// chain this package does not verify (Litecoin, Ethereum) stays
	// claimed.
	errUnsupportedChain = errors.New("ots: attestation chain not verified by this package")
	// errNoHeader is wrapped by the reason a Bitcoin attestation stays
	// claimed when the caller's [HeaderSource] has no header at its height.
	errNoHeader = errors.New("ots: no block header for the attested height")
	// errMerkleRootMismatch is wrapped by the reason a Bitcoin attestation
	// fails when its message is not the header's merkle root. The reason is
	// *rootMismatchError.
	errMerkleRootMismatch = errors.New("ots: message does not match the block merkle root")
	// errInvalidOptions is returned for missing or inconsistent
	// [VerifyOptions].
	errInvalidOptions = errors.New("ots: invalid verify options")
)

// parseError is a parse failure at a byte offset of the input.
type parseError struct {
	Offset int    // offset of the first byte that could not be accepted
	Msg    string // what was wrong there
	Err    error  // errMalformed, errUnsupportedVersion or errLimit
}

func (e *parseError) Error() string {
	return fmt.Sprintf("ots: offset %d: %s", e.Offset, e.Msg)
}

// Unwrap returns the sentinel the error belongs to.
func (e *parseError) Unwrap() error { return e.Err }

// rootMismatchError is the reason a Bitcoin attestation fails: the message
// reaching it is not the merkle root of the header at its height.
type rootMismatchError struct {
	Height     uint64
	Message    []byte // the committed message, internal byte order
	MerkleRoot []byte // the header's hashMerkleRoot, internal byte order
}

func (e *rootMismatchError) Error() string {
	return fmt.Sprintf("ots: block %d: message %s is not the merkle root %s (internal byte order)",
		e.Height, hex.EncodeToString(e.Message), hex.EncodeToString(e.MerkleRoot))
}

// Unwrap returns errMerkleRootMismatch.
func (e *rootMismatchError) Unwrap() error { return errMerkleRootMismatch }
