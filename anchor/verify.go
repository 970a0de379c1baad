package anchor

import (
	"encoding/hex"
	"fmt"
	"github.com/onchaincert/microcred/internal/mtree"
)

// verifyInclusion checks an RFC 6962 inclusion proof: that leaf (the
// 32-byte digest described in the package documentation, hashed here as
// SHA-256(0x00‖leaf)) is entry index of the tree of size leaves whose root
// is root, with path as [Tree.Path] returns it.
//
// It is strict (RFC 9162 §2.1.3.2): size > 0, index < size, every hash 32
// bytes, and len(path) exactly the length (index, size) determines, at
// most maxPath; domain separation means an inner node can never pass as
// a leaf. Errors wrap errEmptyBatch, errIndexOutOfRange,
// errProofLength, errInvalidLeaf or errInvalidHash; a well-formed
// proof that leads elsewhere returns a [*RootMismatchError].
func verifyInclusion(index, size uint64, leaf []byte, path [][]byte, root []byte) error {
	if len(leaf) != hashSize {
		return fmt.Errorf("%w: got %d bytes", errInvalidLeaf, len(leaf))
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

func compareRoot(calc hash, root []byte) error { return mtree.CompareRoot(calc, root) }

// rootFromPath folds path from leafHash, binding every step to the
// position (index, size) implies.
func rootFromPath(m Mode, index, size uint64, leafHash hash, path [][]byte) (hash, error) {
	// From spec (RFC 9162 §2.1.3.2 step 1): fail if leaf_index >= tree_size.
	if size == 0 {
		return hash{}, errEmptyBatch
	}
	if index >= size {
		return hash{}, fmt.Errorf("%w: index %d, size %d", errIndexOutOfRange, index, size)
	}
	if len(path) > maxPath {
		return hash{}, fmt.Errorf("%w: %d steps exceeds the limit of %d", errProofLength, len(path), maxPath)
	}
	// The RFC's loop fails when sn reaches 0 early or is not 0 at the
	// end; that is exactly "the path has the length (index, size) fixes".
	n, left := mtree.Shape(index, size)
	if len(path) != n {
		return hash{}, fmt.Errorf("%w: got %d steps, index %d of %d needs %d", errProofLength, len(path), index, size, n)
	}
	r := leafHash
	for j, p := range path {
		if len(p) != hashSize {
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

// verifyBlockcerts checks a Blockcerts-mode proof of leaf index in a tree
// of size leaves, as strictly as verifyInclusion: besides index < size
// and the exact length, every step's side must be the side the position
// implies, so a proof cannot be replayed for another position. The leaf is
// used unhashed (it is the credential's targetHash). Errors are those of
// verifyInclusion.
func verifyBlockcerts(index, size uint64, leaf []byte, steps []mtree.Step, root []byte) error {
	if len(leaf) != hashSize {
		return fmt.Errorf("%w: got %d bytes", errInvalidLeaf, len(leaf))
	}
	if size == 0 {
		return errEmptyBatch
	}
	if index >= size {
		return fmt.Errorf("%w: index %d, size %d", errIndexOutOfRange, index, size)
	}
	if len(steps) > maxPath {
		return fmt.Errorf("%w: %d steps exceeds the limit of %d", errProofLength, len(steps), maxPath)
	}
	n, left := mtree.Shape(index, size)
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
