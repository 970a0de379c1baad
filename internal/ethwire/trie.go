package ethwire

import (
	"bytes"
	"fmt"
	"sort"
)

// Limits on trie proofs.
const (
	// maxProofNodes caps a proof's nodes. A key of k bytes has 2k nibbles;
	// each branch consumes one and each extension at least one, so a
	// transaction key (at most 5 bytes) needs at most 21 nodes.
	maxProofNodes = 64
	// maxBlockTxs caps the transactions [TxProof] and txRoot take.
	maxBlockTxs = 1 << 16
)

// emptyRoot is the root of the empty trie, keccak256(rlp("")).
var emptyRoot = Keccak256([]byte{0x80})

// txKey returns the transactions-trie key of the transaction at index:
// rlp(index).
func txKey(index uint64) []byte { return appendRLPUint(nil, index) }

func nibbles(key []byte) []byte {
	out := make([]byte, 2*len(key))
	for i, b := range key {
		out[2*i], out[2*i+1] = b>>4, b&0xf
	}
	return out
}

// decodeHexPrefix reads a compact (hex-prefix) path: flag nibble 0/1
// extension, 2/3 leaf; odd flags carry one path nibble in the first
// byte, even flags a zero nibble.
func decodeHexPrefix(b []byte) (path []byte, leaf bool, err error) {
	if len(b) == 0 {
		return nil, false, malformed(errMalformedProof, "empty hex-prefix path")
	}
	flag := b[0] >> 4
	if flag > 3 {
		return nil, false, malformed(errMalformedProof, "hex-prefix flag %d", flag)
	}
	leaf = flag >= 2
	n := nibbles(b[1:])
	if flag&1 == 1 {
		path = append([]byte{b[0] & 0xf}, n...)
	} else {
		if b[0]&0xf != 0 {
			return nil, false, malformed(errMalformedProof, "even hex-prefix path with a non-zero padding nibble")
		}
		path = n
	}
	return path, leaf, nil
}

func encodeHexPrefix(path []byte, leaf bool) []byte {
	flag := byte(0)
	if leaf {
		flag = 2
	}
	out := make([]byte, 0, len(path)/2+1)
	if len(path)%2 == 1 {
		out = append(out, (flag+1)<<4|path[0])
		path = path[1:]
	} else {
		out = append(out, flag<<4)
	}
	for i := 0; i < len(path); i += 2 {
		out = append(out, path[i]<<4|path[i+1])
	}
	return out
}

// verifyProof checks a Merkle-Patricia trie inclusion proof (Yellow Paper
// appendix D) and returns the value stored under key. proof lists the
// nodes referenced by hash from the root down (as eth_getProof and
// [TxProof] give them); nodes shorter than 32 bytes are embedded in their
// parent and are not listed.
//
// It is strict: the first node must hash to root, every later listed node
// to the 32-byte reference its parent holds, a node referenced by hash
// must encode to at least 32 bytes and an embedded one to fewer; nodes
// are 17-item branches or 2-item extensions and leaves with a canonical
// hex-prefix path; every listed node must be used; the value must be
// non-empty. At most maxProofNodes nodes. Errors wrap
// errMalformedProof, [ErrProofMismatch] or errNotInTrie; on error the
// value is nil.
func verifyProof(root Hash, key []byte, proof [][]byte) ([]byte, error) {
	if len(proof) == 0 {
		return nil, malformed(errMalformedProof, "empty proof")
	}
	if len(proof) > maxProofNodes {
		return nil, malformed(errMalformedProof, "%d nodes exceeds the limit of %d", len(proof), maxProofNodes)
	}
	if len(key) > 32 {
		return nil, malformed(errMalformedProof, "key of %d bytes", len(key))
	}
	path := nibbles(key)
	want := root // the hash the next listed node must have
	next := 0    // index of the next listed node
	var node item
	hashed := true
	for {
		if hashed {
			if next >= len(proof) {
				return nil, malformed(errMalformedProof, "proof ends after %d nodes", len(proof))
			}
			raw := proof[next]
			if got := Keccak256(raw); got != want {
				return nil, malformed(ErrProofMismatch, "node %d has hash %s, its parent references %s", next, got, want)
			}
			if next > 0 && len(raw) < 32 {
				return nil, malformed(errMalformedProof, "node %d of %d bytes is referenced by hash", next, len(raw))
			}
			var err error
			if node, err = decodeRLP(raw); err != nil {
				return nil, fmt.Errorf("%w: node %d: %w", errMalformedProof, next, err)
			}
			next++
		}
		if !node.List {
			return nil, malformed(errMalformedProof, "node %d is not a list", next-1)
		}
		var child item
		switch len(node.Items) {
		case 17:
			if len(path) == 0 {
				v := node.Items[16]
				if v.List {
					return nil, malformed(errMalformedProof, "branch value is a list")
				}
				if len(v.Str) == 0 {
					return nil, malformed(errNotInTrie, "branch without a value at the key")
				}
				return finish(proof, next, v.Str)
			}
			child = node.Items[path[0]]
			path = path[1:]
		case 2:
			if node.Items[0].List {
				return nil, malformed(errMalformedProof, "path is a list")
			}
			p, leaf, err := decodeHexPrefix(node.Items[0].Str)
			if err != nil {
				return nil, err
			}
			if leaf {
				if !bytes.Equal(p, path) {
					return nil, malformed(errNotInTrie, "leaf for another key")
				}
				v := node.Items[1]
				if v.List || len(v.Str) == 0 {
					return nil, malformed(errMalformedProof, "leaf value is not a non-empty string")
				}
				return finish(proof, next, v.Str)
			}
			if len(p) == 0 {
				return nil, malformed(errMalformedProof, "extension with an empty path")
			}
			if len(p) > len(path) || !bytes.Equal(p, path[:len(p)]) {
				return nil, malformed(errNotInTrie, "extension leaves the key")
			}
			path = path[len(p):]
			child = node.Items[1]
		default:
			return nil, malformed(errMalformedProof, "node with %d items", len(node.Items))
		}
		// The child reference: empty (absent), a 32-byte hash, or an
		// embedded node shorter than 32 bytes.
		switch {
		case child.List:
			if len(child.Raw) >= 32 {
				return nil, malformed(errMalformedProof, "embedded node of %d bytes", len(child.Raw))
			}
			node, hashed = child, false
		case len(child.Str) == 0:
			return nil, malformed(errNotInTrie, "no child at the key")
		case len(child.Str) == 32:
			want, hashed = Hash(child.Str), true
		default:
			return nil, malformed(errMalformedProof, "child reference of %d bytes", len(child.Str))
		}
	}
}

func finish(proof [][]byte, used int, value []byte) ([]byte, error) {
	if used != len(proof) {
		return nil, malformed(errMalformedProof, "%d unused nodes after the value", len(proof)-used)
	}
	return bytes.Clone(value), nil
}

// VerifyTxProof checks that raw is the transaction at index in the block
// whose transactionsRoot is txRoot: verifyProof with key rlp(index) and
// the value compared with raw byte for byte. Errors are those of
// VerifyProof, and [ErrProofMismatch] when another transaction is there.
func VerifyTxProof(txRoot Hash, index uint64, raw []byte, proof [][]byte) error {
	v, err := verifyProof(txRoot, txKey(index), proof)
	if err != nil {
		return err
	}
	if !bytes.Equal(v, raw) {
		return malformed(ErrProofMismatch, "the trie holds another transaction at index %d", index)
	}
	return nil
}

type kv struct{ key, value []byte } // key in nibbles

// trieBuilder builds a trie bottom-up and records the hashed nodes on the
// way to target.
type trieBuilder struct {
	target []byte
	proof  [][]byte
}

// txRoot returns the transactionsRoot of a block with the given raw
// transactions (in block order). Errors wrap errMalformedProof for more
// than maxBlockTxs transactions or an empty one.
func txRoot(txs [][]byte) (Hash, error) {
	root, _, err := buildTxTrie(txs, nil)
	return root, err
}

// TxProof builds the transactions trie of a block from all its raw
// transactions, in block order, and returns its root and the proof for the
// transaction at index, for [VerifyTxProof]. Errors wrap
// errMalformedProof for more than maxBlockTxs transactions, an empty
// one or index out of range.
func TxProof(txs [][]byte, index uint64) (Hash, [][]byte, error) {
	if index >= uint64(len(txs)) {
		return Hash{}, nil, malformed(errMalformedProof, "index %d of %d transactions", index, len(txs))
	}
	return buildTxTrie(txs, nibbles(txKey(index)))
}

func buildTxTrie(txs [][]byte, target []byte) (Hash, [][]byte, error) {
	if len(txs) > maxBlockTxs {
		return Hash{}, nil, malformed(errMalformedProof, "%d transactions exceeds the limit of %d", len(txs), maxBlockTxs)
	}
	if len(txs) == 0 {
		return emptyRoot, nil, nil
	}
	entries := make([]kv, len(txs))
	for i, tx := range txs {
		if len(tx) == 0 {
			return Hash{}, nil, malformed(errMalformedProof, "transaction %d is empty", i)
		}
		entries[i] = kv{nibbles(txKey(uint64(i))), tx}
	}
	sort.Slice(entries, func(i, j int) bool { return bytes.Compare(entries[i].key, entries[j].key) < 0 })
	b := &trieBuilder{target: target}
	enc := b.node(entries, 0)
	// The root is always referenced by hash, even when shorter than 32
	// bytes.
	if target != nil && len(enc) < 32 {
		b.proof = append(b.proof, enc)
	}
	for i, j := 0, len(b.proof)-1; i < j; i, j = i+1, j-1 {
		b.proof[i], b.proof[j] = b.proof[j], b.proof[i]
	}
	return Keccak256(enc), b.proof, nil
}

// node returns the encoding of the node for entries (sorted, distinct,
// sharing their first depth nibbles). When the entries include the
// target, every node on its path that is referenced by hash is appended
// to b.proof, deepest first.
func (b *trieBuilder) node(entries []kv, depth int) []byte {
	onPath := false
	for _, e := range entries {
		if b.target != nil && bytes.Equal(e.key, b.target) {
			onPath = true
			break
		}
	}
	var enc []byte
	if len(entries) == 1 {
		e := entries[0]
		p := appendRLPString(nil, encodeHexPrefix(e.key[depth:], true))
		p = appendRLPString(p, e.value)
		enc = appendRLPList(nil, p)
	} else if n := commonPrefix(entries, depth); n > 0 {
		p := appendRLPString(nil, encodeHexPrefix(entries[0].key[depth:depth+n], false))
		p = append(p, b.ref(entries, depth+n)...)
		enc = appendRLPList(nil, p)
	} else {
		var p []byte
		var value []byte
		i := 0
		if len(entries[0].key) == depth { // sorted first: a key ending here
			value = entries[0].value
			i = 1
		}
		for nib := byte(0); nib < 16; nib++ {
			j := i
			for j < len(entries) && entries[j].key[depth] == nib {
				j++
			}
			if j == i {
				p = append(p, 0x80)
				continue
			}
			p = append(p, b.ref(entries[i:j], depth+1)...)
			i = j
		}
		p = appendRLPString(p, value)
		enc = appendRLPList(nil, p)
	}
	if onPath && len(enc) >= 32 {
		b.proof = append(b.proof, enc)
	}
	return enc
}

// ref builds the child node and returns how its parent references it:
// embedded if shorter than 32 bytes, else by hash.
func (b *trieBuilder) ref(entries []kv, depth int) []byte {
	enc := b.node(entries, depth)
	if len(enc) < 32 {
		return enc
	}
	h := Keccak256(enc)
	return appendRLPString(nil, h[:])
}

// commonPrefix returns how many nibbles after depth all entries share.
func commonPrefix(entries []kv, depth int) int {
	first, last := entries[0].key, entries[len(entries)-1].key // sorted
	n := 0
	for depth+n < len(first) && depth+n < len(last) && first[depth+n] == last[depth+n] {
		n++
	}
	return n
}
