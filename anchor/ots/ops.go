package ots

import (
	"crypto/sha1" //nolint:gosec // OpenTimestamps defines a sha1 op; see the package documentation.
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	//lint:ignore SA1019 OpenTimestamps defines a ripemd160 op; legacy by design.
	"golang.org/x/crypto/ripemd160"
	"golang.org/x/crypto/sha3"
)

// Limits, as python-opentimestamps (core/op.py, core/timestamp.py,
// core/notary.py) bounds them, plus the package's own caps on whole files.
const (
	// maxMessageLength is the longest message an op accepts.
	maxMessageLength = 4096
	// maxResultLength is the longest message an op may produce.
	maxResultLength = 4096
	// maxHexlifyInput is the longest message hexlify accepts (its result
	// doubles the length).
	maxHexlifyInput = maxResultLength / 2
	// maxOpArgLength is the longest append/prepend argument; the shortest
	// is 1 byte.
	maxOpArgLength = 4096
	// maxDepth is the deepest node of the timestamp tree (the root is at
	// depth 0, so a path has at most maxDepth-1 ops).
	maxDepth = 256
	// maxURILength is the longest PendingAttestation calendar URI.
	maxURILength = 1000
	// maxPayloadLength is the longest attestation payload.
	maxPayloadLength = 8192
	// maxProofSize caps the input to [Parse] (this package's cap; real
	// proofs are a few kilobytes).
	maxProofSize = 1 << 20
	// maxEdges caps the ops and attestations in one proof (this package's
	// cap; it bounds the hashing [Proof.Verify] does).
	maxEdges = 100_000
	// maxAttestations caps the attestations in one proof (this package's
	// cap).
	maxAttestations = 1024
)

// opKind is an operation of the timestamp tree. Its value is the tag byte
// that encodes it.
type opKind uint8

// The operations (tag bytes from python-opentimestamps core/op.py).
const (
	opSHA1      opKind = 0x02 // message = SHA-1(message)
	opRIPEMD160 opKind = 0x03 // message = RIPEMD-160(message)
	opSHA256    opKind = 0x08 // message = SHA-256(message)
	opKeccak256 opKind = 0x67 // message = Keccak-256(message) (Ethereum's, not SHA3-256)
	opAppend    opKind = 0xf0 // message = message ‖ arg
	opPrepend   opKind = 0xf1 // message = arg ‖ message
	opReverse   opKind = 0xf2 // message = bytes of message in reverse order
	opHexlify   opKind = 0xf3 // message = lowercase hex of message
)

// String returns the op's name as OpenTimestamps writes it ("sha256",
// "append", …) or "op(0xNN)" for a tag that is not an op.
func (k opKind) String() string {
	switch k {
	case opSHA1:
		return "sha1"
	case opRIPEMD160:
		return "ripemd160"
	case opSHA256:
		return "sha256"
	case opKeccak256:
		return "keccak256"
	case opAppend:
		return "append"
	case opPrepend:
		return "prepend"
	case opReverse:
		return "reverse"
	case opHexlify:
		return "hexlify"
	}
	return fmt.Sprintf("op(0x%02x)", uint8(k))
}

// Valid reports whether k is one of the eight ops.
func (k opKind) Valid() bool {
	switch k {
	case opSHA1, opRIPEMD160, opSHA256, opKeccak256, opAppend, opPrepend, opReverse, opHexlify:
		return true
	}
	return false
}

// Binary reports whether the op takes an argument (append, prepend).
func (k opKind) Binary() bool { return k == opAppend || k == opPrepend }

// DigestSize returns the output length of a hash op, or 0 for ops that
// are not cryptographic hashes. Only these ops may hash the stamped file.
func (k opKind) DigestSize() int {
	switch k {
	case opSHA1, opRIPEMD160:
		return 20
	case opSHA256, opKeccak256:
		return 32
	}
	return 0
}

// op is one operation with its argument (append and prepend only).
type op struct {
	Kind opKind
	Arg  []byte
}

// String returns "sha256", "append <hex>", … as the reference client's
// info output writes an op.
func (o op) String() string {
	if o.Kind.Binary() {
		return o.Kind.String() + " " + hex.EncodeToString(o.Arg)
	}
	return o.Kind.String()
}

// resultLength returns the length of the op's result for a message of n
// bytes, or an error if the op does not accept it (the reference's
// MsgValueError). It needs no hashing, so the parser checks every limit
// without computing a message.
func (o op) resultLength(n int) (int, error) {
	if !o.Kind.Valid() {
		return 0, fmt.Errorf("unknown op tag 0x%02x", uint8(o.Kind))
	}
	if n > maxMessageLength {
		return 0, fmt.Errorf("%s: message of %d bytes exceeds %d", o.Kind, n, maxMessageLength)
	}
	var r int
	switch o.Kind {
	case opAppend, opPrepend:
		if len(o.Arg) < 1 || len(o.Arg) > maxOpArgLength {
			return 0, fmt.Errorf("%s: argument of %d bytes, want 1..%d", o.Kind, len(o.Arg), maxOpArgLength)
		}
		r = n + len(o.Arg)
	case opReverse:
		r = n
	case opHexlify:
		if n > maxHexlifyInput {
			return 0, fmt.Errorf("hexlify: message of %d bytes exceeds %d", n, maxHexlifyInput)
		}
		r = 2 * n
	default:
		r = o.Kind.DigestSize()
	}
	if r > maxResultLength {
		return 0, fmt.Errorf("%s: result of %d bytes exceeds %d", o.Kind, r, maxResultLength)
	}
	return r, nil
}

// Apply returns the op applied to msg, in a new slice. It returns an
// error wrapping errLimit if msg or the result is over the limits, or
// errMalformed for an invalid op.
func (o op) Apply(msg []byte) ([]byte, error) {
	if _, err := o.resultLength(len(msg)); err != nil {
		if !o.Kind.Valid() || (o.Kind.Binary() && len(o.Arg) < 1) {
			return nil, fmt.Errorf("%w: %v", errMalformed, err)
		}
		return nil, fmt.Errorf("%w: %v", errLimit, err)
	}
	switch o.Kind {
	case opSHA1:
		s := sha1.Sum(msg) //nolint:gosec
		return s[:], nil
	case opRIPEMD160:
		h := ripemd160.New()
		h.Write(msg)
		return h.Sum(nil), nil
	case opSHA256:
		s := sha256.Sum256(msg)
		return s[:], nil
	case opKeccak256:
		h := sha3.NewLegacyKeccak256()
		h.Write(msg)
		return h.Sum(nil), nil
	case opAppend:
		out := make([]byte, 0, len(msg)+len(o.Arg))
		return append(append(out, msg...), o.Arg...), nil
	case opPrepend:
		out := make([]byte, 0, len(msg)+len(o.Arg))
		return append(append(out, o.Arg...), msg...), nil
	case opReverse:
		out := make([]byte, len(msg))
		for i, c := range msg {
			out[len(msg)-1-i] = c
		}
		return out, nil
	default: // opHexlify
		out := make([]byte, hex.EncodedLen(len(msg)))
		hex.Encode(out, msg)
		return out, nil
	}
}
