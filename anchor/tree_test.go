package anchor

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"github.com/onchaincert/microcred/internal/mtree"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

type rfcVectors struct {
	LeafInputs []string `json:"leaf_inputs_hex"`
	LeafHashes []string `json:"leaf_hashes"`
	Roots      []string `json:"roots_by_size"`
	Inclusion  []struct {
		LeafIdx  uint64   `json:"leafIdx"`
		TreeSize uint64   `json:"treeSize"`
		LeafHash string   `json:"leafHash"`
		Proof    []string `json:"proof"`
		Root     string   `json:"root"`
	} `json:"inclusion_proofs"`
}

func loadRFC(t testing.TB) *rfcVectors {
	b, err := os.ReadFile(filepath.Join("testdata", "rfc6962", "rfc6962-vectors.json"))
	require.NoError(t, err)
	var v rfcVectors
	require.NoError(t, json.Unmarshal(b, &v))
	return &v
}

// TestRFC6962Vectors builds trees of sizes 1..8 from the CT test leaves
// (transparency-dev/merkle testonly/constants.go) and checks each root,
// then every inclusion proof for (index, size ≤ 8) both ways: our Path
// equals the vector and the vector verifies.
func TestRFC6962Vectors(t *testing.T) {
	v := loadRFC(t)
	require.Len(t, v.Roots, 9)
	// Empty root: SHA-256("") (echo -n | sha256sum); we refuse to anchor it.
	empty := sha256.Sum256(nil)
	assert.Equal(t, v.Roots[0], hex.EncodeToString(empty[:]))
	for size := 1; size <= 8; size++ {
		tr, err := NewTree(ModeRFC6962)
		require.NoError(t, err)
		for i := 0; i < size; i++ {
			lh := rfcLeafHash(unhex(t, v.LeafInputs[i]))
			assert.Equal(t, v.LeafHashes[i], hex.EncodeToString(lh[:]))
			_, err := tr.appendHash(lh)
			require.NoError(t, err)
		}
		root, err := tr.Root()
		require.NoError(t, err)
		assert.Equal(t, v.Roots[size], hex.EncodeToString(root), "size %d", size)
	}
	require.NotEmpty(t, v.Inclusion)
	for _, p := range v.Inclusion {
		tr, _ := NewTree(ModeRFC6962)
		for i := uint64(0); i < p.TreeSize; i++ {
			_, err := tr.appendHash(rfcLeafHash(unhex(t, v.LeafInputs[i])))
			require.NoError(t, err)
		}
		path, err := tr.Path(p.LeafIdx)
		require.NoError(t, err)
		want := make([][]byte, len(p.Proof))
		for i, s := range p.Proof {
			want[i] = unhex(t, s)
		}
		assert.Equal(t, len(want), len(path), "(%d,%d)", p.LeafIdx, p.TreeSize)
		for i := range want {
			assert.Equal(t, want[i], path[i], "(%d,%d) step %d", p.LeafIdx, p.TreeSize, i)
		}
		lh := hash(unhex(t, p.LeafHash))
		assert.NoError(t, verifyLeafHash(ModeRFC6962, p.LeafIdx, p.TreeSize, lh, want, unhex(t, p.Root)))
	}
}

type probe struct {
	LeafIdx  uint64   `json:"leafIdx"`
	TreeSize uint64   `json:"treeSize"`
	Root     []byte   `json:"root"`
	LeafHash []byte   `json:"leafHash"`
	Proof    [][]byte `json:"proof"`
	Desc     string   `json:"desc"`
	WantErr  bool     `json:"wantErr"`
}

func loadProbes(t testing.TB) map[string]probe {
	out := map[string]probe{}
	root := filepath.Join("testdata", "rfc6962", "inclusion")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var p probe
		if err := json.Unmarshal(b, &p); err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out[rel] = p
		return nil
	})
	require.NoError(t, err)
	return out
}

// TestInclusionProbes runs transparency-dev/merkle's inclusion probes
// (testdata/inclusion, happy paths and their mutations).
func TestInclusionProbes(t *testing.T) {
	probes := loadProbes(t)
	require.Greater(t, len(probes), 80)
	for name, p := range probes {
		if len(p.LeafHash) != hashSize {
			// A probe whose leaf hash is not 32 bytes can only fail.
			require.True(t, p.WantErr, name)
			continue
		}
		err := verifyLeafHash(ModeRFC6962, p.LeafIdx, p.TreeSize, hash(p.LeafHash), p.Proof, p.Root)
		if p.WantErr {
			assert.Error(t, err, "%s: %s", name, p.Desc)
		} else {
			assert.NoError(t, err, "%s: %s", name, p.Desc)
		}
	}
}

type bcVectors struct {
	Trees []struct {
		N      int                 `json:"n"`
		Leaves []string            `json:"leaves"`
		Root   string              `json:"root"`
		Proofs [][]json.RawMessage `json:"proofs"`
	} `json:"trees"`
}

// TestBlockcertsVectors checks the merkletools trees (npm merkle-tools
// 1.4.1 makeTree, n = 1..9, leaf i = sha256("i")): roots, every proof
// (sides and hashes, through mtree.Steps and the JSON form) and both verifiers.
func TestBlockcertsVectors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "blockcerts", "blockcerts-merkle-vectors.json"))
	require.NoError(t, err)
	var v bcVectors
	require.NoError(t, json.Unmarshal(b, &v))
	require.Len(t, v.Trees, 9)
	for _, tc := range v.Trees {
		tr, err := NewTree(ModeBlockcerts)
		require.NoError(t, err)
		for i, l := range tc.Leaves {
			d := sha256.Sum256([]byte(strconv.Itoa(i + 1)))
			require.Equal(t, l, hex.EncodeToString(d[:]))
			_, err := tr.Append(d[:])
			require.NoError(t, err)
		}
		root, err := tr.Root()
		require.NoError(t, err)
		assert.Equal(t, tc.Root, hex.EncodeToString(root), "n=%d", tc.N)
		if tc.N == 3 {
			// cert-issuer tests/test_merkle_tree_generator.py
			assert.Equal(t, "0932f1d2e98219f7d7452801e2b64ebd9e5c005539db12d9b1ddabe7834d9044", hex.EncodeToString(root))
		}
		for i, raw := range tc.Proofs {
			var want []mtree.Step
			for _, s := range raw {
				var st mtree.Step
				require.NoError(t, json.Unmarshal(s, &st))
				want = append(want, st)
				out, err := json.Marshal(st)
				require.NoError(t, err)
				assert.JSONEq(t, string(s), string(out))
			}
			path, err := tr.Path(uint64(i))
			require.NoError(t, err)
			steps, err := mtree.Steps(uint64(i), uint64(tc.N), path)
			require.NoError(t, err)
			if len(want) == 0 {
				assert.Empty(t, steps)
			} else {
				assert.Equal(t, want, steps, "n=%d i=%d", tc.N, i)
			}
			leaf := unhex(t, tc.Leaves[i])
			assert.NoError(t, verifyBlockcerts(uint64(i), uint64(tc.N), leaf, want, root))
			assert.NoError(t, mtree.VerifyBlockcertsPath(leaf, want, root))
			corruptBlockcerts(t, uint64(i), uint64(tc.N), leaf, want, root)
		}
	}
}

func corruptBlockcerts(t *testing.T, index, size uint64, leaf []byte, steps []mtree.Step, root []byte) {
	t.Helper()
	fails := func(what string, i, n uint64, l []byte, s []mtree.Step, r []byte) {
		t.Helper()
		assert.Error(t, verifyBlockcerts(i, n, l, s, r), "%s (index %d size %d)", what, index, size)
	}
	fails("index out of range", size, size, leaf, steps, root)
	fails("size 0", 0, 0, leaf, steps, root)
	if index > 0 {
		fails("index-1", index-1, size, leaf, steps, root)
	}
	if index+1 < size {
		fails("index+1", index+1, size, leaf, steps, root)
	}
	fails("size*2", index, size*2, leaf, steps, root)
	if size > 1 {
		fails("size/2", index/2, size/2, leaf, steps, root)
	}
	bad := bytes.Clone(leaf)
	bad[0] ^= 1
	fails("wrong leaf", index, size, bad, steps, root)
	fails("extended", index, size, leaf, append(append([]mtree.Step(nil), steps...), mtree.Step{Hash: leaf}), root)
	if len(steps) > 0 {
		fails("truncated", index, size, leaf, steps[:len(steps)-1], root)
		for j := range steps {
			mut := append([]mtree.Step(nil), steps...)
			mut[j] = mtree.Step{Left: !mut[j].Left, Hash: mut[j].Hash}
			fails("side flipped", index, size, leaf, mut, root)
			for bit := 0; bit < 256; bit += 37 {
				h := bytes.Clone(steps[j].Hash)
				h[bit/8] ^= 1 << (bit % 8)
				mut[j] = mtree.Step{Left: steps[j].Left, Hash: h}
				err := verifyBlockcerts(index, size, leaf, mut, root)
				var rm *RootMismatchError
				assert.True(t, errors.As(err, &rm), "flipped bit: %v", err)
				assert.Error(t, mtree.VerifyBlockcertsPath(leaf, mut, root))
			}
		}
	}
}

// TestTreeMatchesNaive compares the incremental tree with a direct
// recursive evaluation of RFC 9162 §2.1.1 MTH and §2.1.3.1 PATH for every
// size up to 70 and both modes, and checks that every proof verifies and
// that its mutations fail.
func TestTreeMatchesNaive(t *testing.T) {
	for _, mode := range []Mode{ModeRFC6962, ModeBlockcerts} {
		tr, err := NewTree(mode)
		require.NoError(t, err)
		rt, err := NewRootTree(mode)
		require.NoError(t, err)
		var leaves [][]byte
		for n := 1; n <= 70; n++ {
			d := sha256.Sum256([]byte{byte(n), byte(mode)})
			leaves = append(leaves, d[:])
			idx, err := tr.Append(d[:])
			require.NoError(t, err)
			require.Equal(t, uint64(n-1), idx)
			_, err = rt.Append(d[:])
			require.NoError(t, err)
			hs := make([]hash, n)
			for i := range hs {
				hs[i] = mode.leafHash(leaves[i])
			}
			root, err := tr.Root()
			require.NoError(t, err)
			want := naiveRoot(mode, hs)
			require.Equal(t, want[:], root, "%s n=%d", mode, n)
			rroot, err := rt.Root()
			require.NoError(t, err)
			require.Equal(t, root, rroot)
			for i := 0; i < n; i++ {
				path, err := tr.Path(uint64(i))
				require.NoError(t, err)
				require.Equal(t, naivePath(mode, i, hs), path, "%s n=%d i=%d", mode, n, i)
				if mode == ModeRFC6962 {
					require.NoError(t, verifyInclusion(uint64(i), uint64(n), leaves[i], path, root))
					if n <= 20 {
						corruptRFC(t, uint64(i), uint64(n), leaves[i], path, root)
					}
				} else {
					steps, err := mtree.Steps(uint64(i), uint64(n), path)
					require.NoError(t, err)
					require.NoError(t, verifyBlockcerts(uint64(i), uint64(n), leaves[i], steps, root))
				}
			}
		}
		_, err = rt.Path(0)
		assert.ErrorIs(t, err, ErrNoProofs)
	}
}

func naiveRoot(m Mode, hs []hash) hash {
	if len(hs) == 1 {
		return hs[0]
	}
	k := 1
	for k*2 < len(hs) {
		k *= 2
	}
	l, r := naiveRoot(m, hs[:k]), naiveRoot(m, hs[k:])
	return m.node(&l, &r)
}

func naivePath(m Mode, i int, hs []hash) [][]byte {
	if len(hs) <= 1 {
		return [][]byte{}
	}
	k := 1
	for k*2 < len(hs) {
		k *= 2
	}
	if i < k {
		r := naiveRoot(m, hs[k:])
		return append(naivePath(m, i, hs[:k]), r[:])
	}
	l := naiveRoot(m, hs[:k])
	return append(naivePath(m, i-k, hs[k:]), l[:])
}

func corruptRFC(t *testing.T, index, size uint64, leaf []byte, path [][]byte, root []byte) {
	t.Helper()
	fails := func(what string, err error, target error) {
		t.Helper()
		require.Error(t, err, "%s (index %d size %d)", what, index, size)
		if target != nil {
			assert.ErrorIs(t, err, target, what)
		}
	}
	fails("index == size", verifyInclusion(size, size, leaf, path, root), errIndexOutOfRange)
	fails("size 0", verifyInclusion(0, 0, leaf, path, root), errEmptyBatch)
	if index > 0 {
		fails("index-1", verifyInclusion(index-1, size, leaf, path, root), nil)
	}
	if index+1 < size {
		fails("index+1", verifyInclusion(index+1, size, leaf, path, root), nil)
	}
	fails("size*2", verifyInclusion(index, size*2, leaf, path, root), nil)
	fails("extended", verifyInclusion(index, size, leaf, append(append([][]byte(nil), path...), root), root), errProofLength)
	if len(path) > 0 {
		fails("truncated", verifyInclusion(index, size, leaf, path[:len(path)-1], root), errProofLength)
		for j := range path {
			for bit := 0; bit < 256; bit += 51 {
				mut := append([][]byte(nil), path...)
				mut[j] = bytes.Clone(path[j])
				mut[j][bit/8] ^= 1 << (bit % 8)
				var rm *RootMismatchError
				err := verifyInclusion(index, size, leaf, mut, root)
				require.True(t, errors.As(err, &rm), "step %d bit %d: %v", j, bit, err)
				assert.Equal(t, root, rm.Expected)
			}
		}
	}
	bad := bytes.Clone(leaf)
	bad[31] ^= 0x80
	fails("wrong leaf", verifyInclusion(index, size, bad, path, root), nil)
	fails("short leaf", verifyInclusion(index, size, leaf[:31], path, root), errInvalidLeaf)
	fails("short root", verifyInclusion(index, size, leaf, path, root[:31]), errInvalidHash)
	// Domain separation: an inner node presented as a leaf never verifies.
	if len(path) > 0 && size > 1 {
		lh := ModeRFC6962.leafHash(leaf)
		sib := hash(path[0])
		var inner hash
		if index&1 == 1 {
			inner = ModeRFC6962.node(&sib, &lh)
		} else {
			inner = ModeRFC6962.node(&lh, &sib)
		}
		fails("inner node as leaf", verifyInclusion(index>>1, (size+1)>>1, inner[:], path[1:], root), nil)
	}
}

func TestTreeErrors(t *testing.T) {
	_, err := NewTree(0)
	assert.ErrorIs(t, err, errInvalidMode)
	_, err = NewRootTree(3)
	assert.ErrorIs(t, err, errInvalidMode)
	tr, err := NewTree(ModeRFC6962)
	require.NoError(t, err)
	_, err = tr.Root()
	assert.ErrorIs(t, err, errEmptyBatch)
	_, err = tr.Path(0)
	assert.ErrorIs(t, err, errEmptyBatch)
	_, err = tr.Append(make([]byte, 31))
	assert.ErrorIs(t, err, errInvalidLeaf)
	assert.Zero(t, tr.Size())
	_, err = tr.Append(make([]byte, 32))
	require.NoError(t, err)
	_, err = tr.Path(1)
	assert.ErrorIs(t, err, errIndexOutOfRange)
	assert.ErrorIs(t, verifyInclusion(0, 1, make([]byte, 32), make([][]byte, maxPath+1), make([]byte, 32)), errProofLength)
	var s mtree.Step
	for _, bad := range []string{`{}`, `{"left":"00"}`, `{"left":"` + stringsRepeat("A", 64) + `"}`,
		`{"left":"` + stringsRepeat("a", 64) + `","right":"` + stringsRepeat("a", 64) + `"}`,
		`{"left":"` + stringsRepeat("a", 64) + `","left":"` + stringsRepeat("a", 64) + `"}`,
		`{"Left":"` + stringsRepeat("a", 64) + `"}`, `[]`, `{"left":1}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &s), bad)
	}
	for _, m := range []Mode{ModeRFC6962, ModeBlockcerts} {
		back, err := parseMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, back)
	}
	_, err = parseMode("RFC6962")
	assert.ErrorIs(t, err, errInvalidMode)
}

func stringsRepeat(s string, n int) string { return string(bytes.Repeat([]byte(s), n)) }

// rfcLeafHash hashes arbitrary leaf data as RFC 6962 does; Tree.Append
// only admits 32-byte leaves, tests use this for the RFC's vectors.
func rfcLeafHash(data []byte) hash {
	h := sha256.New()
	h.Write([]byte{0x00})
	h.Write(data)
	return hash(h.Sum(nil))
}
