// Package mtree holds what package anchor shares with anchor/ots and
// internal/merkle2019 without making it public: the receipt budgets, the
// fine-grained error values of tree shapes and proofs, the shape of an
// inclusion path, and the Blockcerts {left|right} proof form ([Step]).
//
// The error values keep the "anchor:" prefix: they are the errors package
// anchor returns, and package anchor documents them.
package mtree

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// Budgets of a receipt and of a Merkle path, as package anchor documents
// them.
const (
	HashSize         = sha256.Size          // a leaf, node or root
	MaxPath          = limits.MaxMerklePath // steps in one inclusion path (64)
	MaxAnchors       = 16                   // anchors in one receipt
	MaxAnchorHeaders = 2016                 // headers in one anchor (two weeks of Bitcoin blocks)
	MaxRawTxBytes    = 100_000              // raw anchor transaction (standardness limit)
)

var (
	// ErrEmptyBatch is returned for the root or a proof of a tree with no
	// leaves, and for a proof claiming tree size 0.
	ErrEmptyBatch = errors.New("anchor: empty batch")
	// ErrInvalidLeaf is wrapped by errors for a leaf that is not 32 bytes.
	ErrInvalidLeaf = errors.New("anchor: leaf must be 32 bytes")
	// ErrInvalidHash is wrapped by errors for a path element or root that
	// is not 32 bytes, or a proof step that is not exactly one of left or
	// right.
	ErrInvalidHash = errors.New("anchor: hash must be 32 bytes")
	// ErrIndexOutOfRange is wrapped by errors for a leaf index not below
	// the tree size.
	ErrIndexOutOfRange = errors.New("anchor: leaf index out of range")
	// ErrProofLength is wrapped by errors for an inclusion path whose
	// length or shape does not match its (index, size), or that is longer
	// than MaxPath.
	ErrProofLength = errors.New("anchor: wrong inclusion proof length")
	// ErrUnsupportedChain is wrapped by the reason verification stops at
	// L1 for a chain whose evidence cannot be checked yet.
	ErrUnsupportedChain = errors.New("anchor: evidence for this chain is not supported")
	// ErrBrokenChain is wrapped by errors for block headers that do not
	// link (Bitcoin prevHash, Ethereum parentHash and consecutive
	// numbers) or do not reach the trusted checkpoint. Package anchor
	// exports it as anchor.ErrBrokenChain; internal/btcwire and
	// internal/ethwire wrap it.
	ErrBrokenChain = errors.New("anchor: header chain does not link")
)

// RootMismatchError is returned when an inclusion proof is well formed but
// leads to a different root.
type RootMismatchError struct {
	Expected   []byte // the root the caller trusts
	Calculated []byte // the root the proof leads to
}

func (e *RootMismatchError) Error() string {
	return fmt.Sprintf("anchor: calculated root %s does not match expected root %s",
		hex.EncodeToString(e.Calculated), hex.EncodeToString(e.Expected))
}

// CompareRoot returns nil when calc is root, a *RootMismatchError when it
// is another 32-byte root, and an error wrapping ErrInvalidHash when root
// is not 32 bytes.
func CompareRoot(calc [HashSize]byte, root []byte) error {
	if len(root) != HashSize {
		return fmt.Errorf("%w: root is %d bytes", ErrInvalidHash, len(root))
	}
	if !bytes.Equal(calc[:], root) {
		return &RootMismatchError{Expected: bytes.Clone(root), Calculated: bytes.Clone(calc[:])}
	}
	return nil
}

// Shape returns the length n of the inclusion path of leaf index in a tree
// of size leaves (RFC 6962 shape, which merkletools shares) and, as bit j
// of left, whether step j's sibling is on the left. The caller checks
// index < size.
func Shape(index, size uint64) (n int, left uint64) {
	for k := 0; (size-1)>>uint(k) > 0; k++ {
		i, last := index>>uint(k), (size-1)>>uint(k)
		switch {
		case i&1 == 1:
			left |= 1 << uint(n)
		case i == last:
			continue
		}
		n++
	}
	return n, left
}

// Step is one step of a Blockcerts (merkletools, Chainpoint v2) proof:
// the sibling hash and whether it sits on the left. Its JSON form is
// {"left":"<hex>"} or {"right":"<hex>"}.
type Step struct {
	Left bool
	Hash []byte
}

// MarshalJSON writes {"left":"<hex>"} or {"right":"<hex>"} in lowercase
// hex, as Blockcerts compares strings. A hash that is not 32 bytes wraps
// ErrInvalidHash.
func (s Step) MarshalJSON() ([]byte, error) {
	if len(s.Hash) != HashSize {
		return nil, fmt.Errorf("%w: step is %d bytes", ErrInvalidHash, len(s.Hash))
	}
	key := "right"
	if s.Left {
		key = "left"
	}
	return []byte(`{"` + key + `":"` + hex.EncodeToString(s.Hash) + `"}`), nil
}

// UnmarshalJSON reads exactly one member, "left" or "right", whose value
// is 64 lowercase hex digits. Duplicate or other members are errors
// wrapping ErrInvalidHash.
func (s *Step) UnmarshalJSON(b []byte) error {
	v, err := strictjson.Decode(b, strictjson.Limits{MaxBytes: 1024})
	if err != nil {
		return fmt.Errorf("%w: step: %w", ErrInvalidHash, err)
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return fmt.Errorf("%w: a step is an object with exactly one of left or right", ErrInvalidHash)
	}
	for k, val := range m {
		str, ok := val.(string)
		if !ok || (k != "left" && k != "right") {
			return fmt.Errorf("%w: a step is an object with exactly one of left or right", ErrInvalidHash)
		}
		h, err := decodeHash(str)
		if err != nil {
			return err
		}
		*s = Step{Left: k == "left", Hash: h}
	}
	return nil
}

// decodeHash reads 64 lowercase hex digits, so every value has one
// spelling.
func decodeHash(s string) ([]byte, error) {
	if len(s) != 2*HashSize {
		return nil, fmt.Errorf("%w: %q is not 64 hex digits", ErrInvalidHash, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, fmt.Errorf("%w: not lowercase hex at position %d", ErrInvalidHash, i)
		}
	}
	return hex.DecodeString(s)
}

var _ json.Marshaler = Step{}
var _ json.Unmarshaler = (*Step)(nil)

// Steps converts a path for leaf index of a tree of size leaves into the
// Blockcerts {left|right} form. The path must have the length (index,
// size) fixes; errors wrap ErrEmptyBatch, ErrIndexOutOfRange,
// ErrProofLength or ErrInvalidHash.
func Steps(index, size uint64, path [][]byte) ([]Step, error) {
	if size == 0 {
		return nil, ErrEmptyBatch
	}
	if index >= size {
		return nil, fmt.Errorf("%w: index %d, size %d", ErrIndexOutOfRange, index, size)
	}
	n, left := Shape(index, size)
	if len(path) != n {
		return nil, fmt.Errorf("%w: got %d steps, index %d of %d needs %d", ErrProofLength, len(path), index, size, n)
	}
	steps := make([]Step, n)
	for j, p := range path {
		if len(p) != HashSize {
			return nil, fmt.Errorf("%w: step %d is %d bytes", ErrInvalidHash, j, len(p))
		}
		steps[j] = Step{Left: left>>uint(j)&1 == 1, Hash: bytes.Clone(p)}
	}
	return steps, nil
}

// VerifyBlockcertsPath folds a Blockcerts proof that carries no index or
// tree size, as a MerkleProof2019 proofValue does (node =
// SHA-256(left‖right), the leaf unhashed), and compares the result with
// root: what Blockcerts' verifier (ensureValidReceipt) checks. It is
// strict about form (32-byte hashes, at most MaxPath steps, the leaf 32
// bytes: ErrInvalidHash, ErrProofLength, ErrInvalidLeaf) but cannot bind
// the proof to a position; without domain separation an inner node could
// pose as a leaf, which is harmless only when the caller recomputed leaf
// from the credential. Another root is a *RootMismatchError.
func VerifyBlockcertsPath(leaf []byte, steps []Step, root []byte) error {
	if len(leaf) != HashSize {
		return fmt.Errorf("%w: got %d bytes", ErrInvalidLeaf, len(leaf))
	}
	if len(steps) > MaxPath {
		return fmt.Errorf("%w: %d steps exceeds the limit of %d", ErrProofLength, len(steps), MaxPath)
	}
	r := [HashSize]byte(leaf)
	var buf [2 * HashSize]byte
	for j, s := range steps {
		if len(s.Hash) != HashSize {
			return fmt.Errorf("%w: step %d is %d bytes", ErrInvalidHash, j, len(s.Hash))
		}
		if s.Left {
			copy(buf[:HashSize], s.Hash)
			copy(buf[HashSize:], r[:])
		} else {
			copy(buf[:HashSize], r[:])
			copy(buf[HashSize:], s.Hash)
		}
		r = sha256.Sum256(buf[:])
	}
	return CompareRoot(r, root)
}
