package anchor_test

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/onchaincert/microcred/anchor"
)

// The RFC 6962 tree agrees with transparency-dev/merkle, the reference
// Go implementation: the same root as its compact range over the same
// leaf hashes, and every path we give verifies with its
// proof.VerifyInclusion (and, corrupted, fails there as here). Our own
// verifier stays allocation-free on the hot path; this is the check that
// it computes the same thing.
func TestRFC6962AgreesWithTransparencyDev(t *testing.T) {
	h := rfc6962.DefaultHasher
	rf := compact.RangeFactory{Hash: h.HashChildren}
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64, 100, 257, 1000} {
		tr, err := anchor.NewTree(anchor.ModeRFC6962)
		require.NoError(t, err)
		cr := rf.NewEmptyRange(0)
		leaves := make([][]byte, n)
		for i := range leaves {
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], uint64(i))
			d := sha256.Sum256(b[:])
			leaves[i] = d[:]
			_, err := tr.Append(d[:])
			require.NoError(t, err)
			require.NoError(t, cr.Append(h.HashLeaf(d[:]), nil))
		}
		root, err := tr.Root()
		require.NoError(t, err)
		want, err := cr.GetRootHash(nil)
		require.NoError(t, err)
		require.Equal(t, want, root, "n=%d: root", n)
		for i := 0; i < n; i++ {
			path, err := tr.Path(uint64(i))
			require.NoError(t, err)
			lh := h.HashLeaf(leaves[i])
			assert.NoError(t, proof.VerifyInclusion(h, uint64(i), uint64(n), lh, path, root), "n=%d i=%d", n, i)
			assert.NoError(t, anchor.VerifyInclusion(uint64(i), uint64(n), leaves[i], path, root))
			if n > 1 {
				j := (i + 1) % n
				assert.Error(t, proof.VerifyInclusion(h, uint64(j), uint64(n), lh, path, root), "n=%d i=%d as %d", n, i, j)
				assert.Error(t, anchor.VerifyInclusion(uint64(j), uint64(n), leaves[i], path, root), "n=%d i=%d as %d", n, i, j)
			}
		}
	}
}
