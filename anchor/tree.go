package anchor

import (
	"crypto/sha256"
	"fmt"
	"github.com/onchaincert/microcred/internal/mtree"
	"sync"
)

// maxPath caps the length of an inclusion path (limits.MaxMerklePath).
const maxPath = mtree.MaxPath

// hashSize is the size of a leaf, a node and a root: SHA-256.
const hashSize = mtree.HashSize

// Mode selects how a batch tree hashes. The zero Mode is invalid.
type Mode uint8

const (
	// ModeRFC6962 is the default: RFC 6962 §2.1 (RFC 9162 §2.1.1)
	// hashing with domain separation, leaf hash SHA-256(0x00‖leaf), node
	// hash SHA-256(0x01‖left‖right).
	ModeRFC6962 Mode = 1
	// ModeBlockcerts is the Blockcerts/merkletools tree MerkleProof2019
	// and MerkleProof2017 use: the leaf is used as is, node hash
	// SHA-256(left‖right), an odd node is promoted unchanged.
	ModeBlockcerts Mode = 2
)

// String returns "rfc6962" or "blockcerts" (and "invalid" otherwise).
func (m Mode) String() string {
	switch m {
	case ModeRFC6962:
		return "rfc6962"
	case ModeBlockcerts:
		return "blockcerts"
	}
	return "invalid"
}

// parseMode reads the String form of a Mode.
func parseMode(s string) (Mode, error) {
	switch s {
	case "rfc6962":
		return ModeRFC6962, nil
	case "blockcerts":
		return ModeBlockcerts, nil
	}
	return 0, fmt.Errorf("%w: %q", errInvalidMode, s)
}

func (m Mode) valid() bool { return m == ModeRFC6962 || m == ModeBlockcerts }

type hash = [hashSize]byte

// leafHash returns the hash a leaf enters the tree as.
func (m Mode) leafHash(leaf []byte) hash {
	if m == ModeBlockcerts {
		return hash(leaf)
	}
	var buf [1 + hashSize]byte
	copy(buf[1:], leaf)
	return sha256.Sum256(buf[:])
}

// node returns the parent of l and r.
func (m Mode) node(l, r *hash) hash {
	var buf [1 + 2*hashSize]byte
	if m == ModeBlockcerts {
		copy(buf[:hashSize], l[:])
		copy(buf[hashSize:2*hashSize], r[:])
		return sha256.Sum256(buf[:2*hashSize])
	}
	buf[0] = 0x01
	copy(buf[1:], l[:])
	copy(buf[1+hashSize:], r[:])
	return sha256.Sum256(buf[:])
}

// Tree is a batch Merkle tree built incrementally: Append leaves as they
// stream by, then ask for the Root and for each leaf's Path or Receipt.
//
// Both modes have the same shape: the RFC 6962 tree, whose left subtree
// is the largest power of two smaller than the size. (The merkletools
// rule "promote the odd node of a level" yields exactly this shape; only
// the hashing differs.) A tree of n leaves is kept as its complete
// subtrees: for the root alone, the at most 64 "frontier" roots of the
// perfect subtrees that n's binary digits describe, O(log n) memory
// ([NewRootTree]); to answer proofs, every complete subtree hash as well,
// 2n hashes, plus in RFC 6962 mode the leaves themselves for receipts: 64
// to 96 bytes per leaf (under 10 MB for 100,000 leaves, [NewTree]).
// Append is amortized O(1), Root O(log n), Path O(log n).
//
// A Tree is not safe for concurrent use.
type Tree struct {
	mode     Mode
	size     uint64
	frontier [64]hash // frontier[k]: perfect subtree of 2^k leaves, valid iff bit k of size is set
	levels   [][]hash // levels[k][i]: subtree of leaves [i·2^k, (i+1)·2^k); nil for a root-only tree
	leaves   []hash   // RFC 6962 mode with proofs: the leaves as appended, for receipts
	proofs   bool

	// rangeRoot cache for the current size (paths near the right edge
	// need the same partial-subtree roots again and again).
	rrMu   sync.Mutex
	rrSize uint64
	rrHave uint64 // bit k: rr[k] is valid for rrSize
	rr     [64]hash
}

// NewTree returns an empty tree that keeps what proofs need.
func NewTree(mode Mode) (*Tree, error) {
	if !mode.valid() {
		return nil, fmt.Errorf("%w: %d", errInvalidMode, mode)
	}
	return &Tree{mode: mode, proofs: true}, nil
}

// NewRootTree returns an empty tree that keeps only the O(log n) frontier:
// it computes the root of any number of leaves in constant memory, but
// Path and Receipt return [ErrNoProofs].
func NewRootTree(mode Mode) (*Tree, error) {
	if !mode.valid() {
		return nil, fmt.Errorf("%w: %d", errInvalidMode, mode)
	}
	return &Tree{mode: mode}, nil
}

// Mode returns the tree's hashing mode.
func (t *Tree) Mode() Mode { return t.mode }

// Size returns the number of leaves appended.
func (t *Tree) Size() uint64 { return t.size }

// Append adds a leaf, the 32-byte SHA-256 digest described in the package
// documentation, and returns its index. Any other length is an error
// (the error says so); the tree is then unchanged.
func (t *Tree) Append(leaf []byte) (uint64, error) {
	if len(leaf) != hashSize {
		return 0, fmt.Errorf("%w: got %d bytes", errInvalidLeaf, len(leaf))
	}
	idx, err := t.appendHash(t.mode.leafHash(leaf))
	if err == nil && t.proofs && t.mode == ModeRFC6962 {
		t.leaves = append(t.leaves, hash(leaf))
	}
	return idx, err
}

// leafAt returns a copy of the leaf appended at index, or nil.
func (t *Tree) leafAt(index uint64) []byte {
	src := t.leaves
	if t.mode == ModeBlockcerts && len(t.levels) > 0 {
		src = t.levels[0]
	}
	if index >= uint64(len(src)) {
		return nil
	}
	return append([]byte(nil), src[index][:]...)
}

func (t *Tree) appendHash(h hash) (uint64, error) {
	if t.size == 1<<63 {
		return 0, fmt.Errorf("%w: tree is full", errIndexOutOfRange)
	}
	idx := t.size
	cur := h
	k := 0
	for {
		if t.proofs {
			if k == len(t.levels) {
				t.levels = append(t.levels, nil)
			}
			t.levels[k] = append(t.levels[k], cur)
		}
		if t.size>>uint(k)&1 == 0 {
			break
		}
		cur = t.mode.node(&t.frontier[k], &cur)
		k++
	}
	t.frontier[k] = cur
	t.size++
	return idx, nil
}

// Root returns the tree's root: for one leaf the leaf hash, otherwise the
// hash of the whole tree. An empty tree is an error (RFC 6962
// defines SHA-256("") as its root, but an empty batch has nothing to
// anchor).
func (t *Tree) Root() ([]byte, error) {
	if t.size == 0 {
		return nil, errEmptyBatch
	}
	r := t.rangeRoot(64)
	return r[:], nil
}

// rangeRoot folds the frontier subtrees below level k: the root of the
// last size mod 2^k leaves. It must only be called when that is non-zero.
func (t *Tree) rangeRoot(k int) hash {
	t.rrMu.Lock()
	defer t.rrMu.Unlock()
	if t.rrSize != t.size {
		t.rrSize, t.rrHave = t.size, 0
	}
	if k < 64 && t.rrHave>>uint(k)&1 == 1 {
		return t.rr[k]
	}
	acc := t.computeRangeRoot(k)
	if k < 64 {
		t.rr[k], t.rrHave = acc, t.rrHave|1<<uint(k)
	}
	return acc
}

func (t *Tree) computeRangeRoot(k int) hash {
	var acc hash
	have := false
	for b := 0; b < k && b < 64; b++ {
		if t.size>>uint(b)&1 == 0 {
			continue
		}
		if !have {
			acc, have = t.frontier[b], true
			continue
		}
		acc = t.mode.node(&t.frontier[b], &acc)
	}
	return acc
}

// Path returns the inclusion path of leaf index in the current tree: the
// sibling hashes from the leaf up to the root (RFC 9162 §2.1.3.1 PATH; the
// same siblings merkletools lists, without their left/right tags, which
// the MerkleProof2019 form of package anchor/merkle2019 restores). An
// empty tree or an index not below the size is an error naming them; a
// tree built with [NewRootTree] returns [ErrNoProofs].
func (t *Tree) Path(index uint64) ([][]byte, error) {
	// One backing array for the whole path: two allocations per proof.
	buf, err := t.AppendPath(nil, index)
	if err != nil {
		return nil, err
	}
	path := make([][]byte, len(buf)/hashSize)
	for j := range path {
		path[j] = buf[j*hashSize : (j+1)*hashSize : (j+1)*hashSize]
	}
	return path, nil
}

// AppendPath appends leaf index's inclusion path to dst, the sibling
// hashes concatenated leaf-side first (32 bytes each), and returns
// the extended slice: with a reused dst, producing every proof of a large
// batch allocates nothing.
func (t *Tree) AppendPath(dst []byte, index uint64) ([]byte, error) {
	if !t.proofs {
		return dst, ErrNoProofs
	}
	if t.size == 0 {
		return dst, errEmptyBatch
	}
	if index >= t.size {
		return dst, fmt.Errorf("%w: index %d, size %d", errIndexOutOfRange, index, t.size)
	}
	for k := 0; (t.size-1)>>uint(k) > 0; k++ {
		i, last := index>>uint(k), (t.size-1)>>uint(k)
		switch {
		case i&1 == 1:
			dst = append(dst, t.levels[k][i-1][:]...)
		case i == last:
			continue // promoted: no sibling at this level
		case uint64(len(t.levels[k])) > i+1:
			dst = append(dst, t.levels[k][i+1][:]...)
		default:
			sib := t.rangeRoot(k) // the right sibling is a partial subtree
			dst = append(dst, sib[:]...)
		}
	}
	return dst, nil
}
