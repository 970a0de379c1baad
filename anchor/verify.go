package anchor

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/onchaincert/microcred/internal/strictjson"
)

// VerifyInclusion checks an RFC 6962 inclusion proof: that leaf (the
// 32-byte digest described in the package documentation, hashed here as
// SHA-256(0x00‖leaf)) is entry index of the tree of size leaves whose root
// is root, with path as [Tree.Path] returns it.
//
// It is strict (RFC 9162 §2.1.3.2): size > 0, index < size, every hash 32
// bytes, and len(path) exactly the length (index, size) determines, at
// most [MaxPath]; domain separation means an inner node can never pass as
// a leaf. Errors wrap [ErrEmptyBatch], [ErrIndexOutOfRange],
// errProofLength, [ErrInvalidLeaf] or errInvalidHash; a well-formed
// proof that leads elsewhere returns a [*RootMismatchError].
func VerifyInclusion(index, size uint64, leaf []byte, path [][]byte, root []byte) error {
	if len(leaf) != HashSize {
		return fmt.Errorf("%w: got %d bytes", ErrInvalidLeaf, len(leaf))
	}
	return verifyLeafHash(ModeRFC6962, index, size, ModeRFC6962.leafHash(leaf), path, root)
}

// verifyLeafHash checks a path from an already-hashed leaf.
func verifyLeafHash(m Mode, index, size uint64, leafHash hash, path [][]byte, root []byte) error {
	calc, err := rootFromPath(m, index, size, leafHash, path)
	if err != nil {
		return err
	}
	return compareRoot(calc, root)
}

func compareRoot(calc hash, root []byte) error {
	if len(root) != HashSize {
		return fmt.Errorf("%w: root is %d bytes", errInvalidHash, len(root))
	}
	if !bytes.Equal(calc[:], root) {
		return &RootMismatchError{Expected: bytes.Clone(root), Calculated: bytes.Clone(calc[:])}
	}
	return nil
}

// rootFromPath folds path from leafHash, binding every step to the
// position (index, size) implies.
func rootFromPath(m Mode, index, size uint64, leafHash hash, path [][]byte) (hash, error) {
	// From spec (RFC 9162 §2.1.3.2 step 1): fail if leaf_index >= tree_size.
	if size == 0 {
		return hash{}, ErrEmptyBatch
	}
	if index >= size {
		return hash{}, fmt.Errorf("%w: index %d, size %d", ErrIndexOutOfRange, index, size)
	}
	if len(path) > MaxPath {
		return hash{}, fmt.Errorf("%w: %d steps exceeds the limit of %d", errProofLength, len(path), MaxPath)
	}
	// The RFC's loop fails when sn reaches 0 early or is not 0 at the
	// end; that is exactly "the path has the length (index, size) fixes".
	n, left := shape(index, size)
	if len(path) != n {
		return hash{}, fmt.Errorf("%w: got %d steps, index %d of %d needs %d", errProofLength, len(path), index, size, n)
	}
	r := leafHash
	for j, p := range path {
		if len(p) != HashSize {
			return hash{}, fmt.Errorf("%w: step %d is %d bytes", errInvalidHash, j, len(p))
		}
		sib := hash(p)
		// Step 3: a left sibling (fn odd, or fn == sn after skipping
		// promoted levels) gives H(p‖r), otherwise H(r‖p).
		if left>>uint(j)&1 == 1 {
			r = m.node(&sib, &r)
		} else {
			r = m.node(&r, &sib)
		}
	}
	return r, nil
}

// Step is one step of a Blockcerts (merkletools, Chainpoint v2) proof:
// the sibling hash and whether it sits on the left. Its JSON form is
// {"left":"<hex>"} or {"right":"<hex>"}.
type Step struct {
	Left bool
	Hash []byte
}

// MarshalJSON writes {"left":"<hex>"} or {"right":"<hex>"} in lowercase
// hex, as Blockcerts compares strings.
func (s Step) MarshalJSON() ([]byte, error) {
	if len(s.Hash) != HashSize {
		return nil, fmt.Errorf("%w: step is %d bytes", errInvalidHash, len(s.Hash))
	}
	key := "right"
	if s.Left {
		key = "left"
	}
	return []byte(`{"` + key + `":"` + hex.EncodeToString(s.Hash) + `"}`), nil
}

// UnmarshalJSON reads exactly one member, "left" or "right", whose value
// is 64 lowercase hex digits. Duplicate or other members are errors.
func (s *Step) UnmarshalJSON(b []byte) error {
	v, err := strictjson.Decode(b, strictjson.Limits{MaxBytes: 1024})
	if err != nil {
		return fmt.Errorf("%w: step: %w", errInvalidHash, err)
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return fmt.Errorf("%w: a step is an object with exactly one of left or right", errInvalidHash)
	}
	for k, val := range m {
		str, ok := val.(string)
		if !ok || (k != "left" && k != "right") {
			return fmt.Errorf("%w: a step is an object with exactly one of left or right", errInvalidHash)
		}
		h, err := decodeHash(str)
		if err != nil {
			return err
		}
		*s = Step{Left: k == "left", Hash: h}
	}
	return nil
}

// decodeHash reads 64 lowercase hex digits.
func decodeHash(s string) ([]byte, error) {
	if len(s) != 2*HashSize {
		return nil, fmt.Errorf("%w: %q is not 64 hex digits", errInvalidHash, s)
	}
	return decodeHex(s)
}

// decodeHex reads lowercase hex only, so every value has one spelling.
func decodeHex(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, fmt.Errorf("%w: not lowercase hex at position %d", errInvalidHash, i)
		}
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: odd-length hex", errInvalidHash)
	}
	return b, nil
}

var _ json.Marshaler = Step{}
var _ json.Unmarshaler = (*Step)(nil)

// Steps converts a path for leaf index of a tree of size leaves into the
// Blockcerts {left|right} form. The path must have the length (index,
// size) fixes (see [VerifyInclusion]).
func Steps(index, size uint64, path [][]byte) ([]Step, error) {
	if size == 0 {
		return nil, ErrEmptyBatch
	}
	if index >= size {
		return nil, fmt.Errorf("%w: index %d, size %d", ErrIndexOutOfRange, index, size)
	}
	n, left := shape(index, size)
	if len(path) != n {
		return nil, fmt.Errorf("%w: got %d steps, index %d of %d needs %d", errProofLength, len(path), index, size, n)
	}
	steps := make([]Step, n)
	for j, p := range path {
		if len(p) != HashSize {
			return nil, fmt.Errorf("%w: step %d is %d bytes", errInvalidHash, j, len(p))
		}
		steps[j] = Step{Left: left>>uint(j)&1 == 1, Hash: bytes.Clone(p)}
	}
	return steps, nil
}

// verifyBlockcerts checks a Blockcerts-mode proof of leaf index in a tree
// of size leaves, as strictly as [VerifyInclusion]: besides index < size
// and the exact length, every step's side must be the side the position
// implies, so a proof cannot be replayed for another position. The leaf is
// used unhashed (it is the credential's targetHash). Errors are those of
// VerifyInclusion.
func verifyBlockcerts(index, size uint64, leaf []byte, steps []Step, root []byte) error {
	if len(leaf) != HashSize {
		return fmt.Errorf("%w: got %d bytes", ErrInvalidLeaf, len(leaf))
	}
	if size == 0 {
		return ErrEmptyBatch
	}
	if index >= size {
		return fmt.Errorf("%w: index %d, size %d", ErrIndexOutOfRange, index, size)
	}
	if len(steps) > MaxPath {
		return fmt.Errorf("%w: %d steps exceeds the limit of %d", errProofLength, len(steps), MaxPath)
	}
	n, left := shape(index, size)
	if len(steps) != n {
		return fmt.Errorf("%w: got %d steps, index %d of %d needs %d", errProofLength, len(steps), index, size, n)
	}
	path := make([][]byte, n)
	for j, s := range steps {
		if s.Left != (left>>uint(j)&1 == 1) {
			return fmt.Errorf("%w: step %d is on the wrong side for index %d of %d", errProofLength, j, index, size)
		}
		path[j] = s.Hash
	}
	return verifyLeafHash(ModeBlockcerts, index, size, hash(leaf), path, root)
}

// VerifyBlockcertsPath folds a Blockcerts proof that carries no index or
// tree size, as a MerkleProof2019 proofValue does, and compares the result
// with root: what Blockcerts' verifier (ensureValidReceipt) checks. It is
// strict about form (32-byte hashes, at most [MaxPath] steps, the leaf 32
// bytes) but cannot bind the proof to a position; without domain
// separation an inner node could pose as a leaf, which is harmless only
// when the caller recomputed leaf from the credential. Prefer
// verifyBlockcerts when the index and size are known.
func VerifyBlockcertsPath(leaf []byte, steps []Step, root []byte) error {
	if len(leaf) != HashSize {
		return fmt.Errorf("%w: got %d bytes", ErrInvalidLeaf, len(leaf))
	}
	if len(steps) > MaxPath {
		return fmt.Errorf("%w: %d steps exceeds the limit of %d", errProofLength, len(steps), MaxPath)
	}
	r := hash(leaf)
	for j, s := range steps {
		if len(s.Hash) != HashSize {
			return fmt.Errorf("%w: step %d is %d bytes", errInvalidHash, j, len(s.Hash))
		}
		sib := hash(s.Hash)
		if s.Left {
			r = ModeBlockcerts.node(&sib, &r)
		} else {
			r = ModeBlockcerts.node(&r, &sib)
		}
	}
	return compareRoot(r, root)
}
