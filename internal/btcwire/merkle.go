package btcwire

import (
	"fmt"
	"math/bits"
)

// maxBranch caps the length of a transaction merkle branch: a block with
// 2^32 transactions is already impossible.
const maxBranch = 32

// MerkleRoot computes a block's merkle root from its txids, in internal
// byte order, duplicating the last node of every odd level as Bitcoin
// does. mutated reports the CVE-2012-2459 ambiguity Bitcoin Core's
// ComputeMerkleRoot flags: two equal adjacent nodes at an even position,
// as produced by repeating the tail of the list ([t0,t1,t2,t2] has the
// same root as [t0,t1,t2]). A block whose list is mutated must be
// rejected even though its root matches. An empty list is
// errNoTransactions.
func MerkleRoot(txids []Hash) (root Hash, mutated bool, err error) {
	if len(txids) == 0 {
		return Hash{}, false, errNoTransactions
	}
	level := append([]Hash(nil), txids...)
	for len(level) > 1 {
		for i := 0; i+1 < len(level); i += 2 {
			if level[i] == level[i+1] {
				mutated = true
			}
		}
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		next := make([]Hash, len(level)/2)
		for i := range next {
			next[i] = hashPair(&level[2*i], &level[2*i+1])
		}
		level = next
	}
	return level[0], mutated, nil
}

// MerkleBranch returns the branch (sibling hashes, leaf to root, internal
// byte order) proving txids[index] in the block's merkle tree.
func MerkleBranch(txids []Hash, index int) ([]Hash, error) {
	if len(txids) == 0 {
		return nil, errNoTransactions
	}
	if index < 0 || index >= len(txids) {
		return nil, fmt.Errorf("%w: index %d outside [0, %d)", errBadBranch, index, len(txids))
	}
	level := append([]Hash(nil), txids...)
	var branch []Hash
	for len(level) > 1 {
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		branch = append(branch, level[index^1])
		next := make([]Hash, len(level)/2)
		for i := range next {
			next[i] = hashPair(&level[2*i], &level[2*i+1])
		}
		level, index = next, index/2
	}
	return branch, nil
}

// branchDepth returns the length of every merkle branch in a block of
// txCount transactions: ⌈log2 txCount⌉.
func branchDepth(txCount uint32) int {
	if txCount <= 1 {
		return 0
	}
	return bits.Len32(txCount - 1)
}

// verifyMerkleBranch checks that leaf (a txid, internal byte order) at
// position index reaches root through branch: for level i, if bit i of
// index is set the sibling is on the left (h = SHA256d(sibling‖h)),
// otherwise on the right (h = SHA256d(h‖sibling)).
//
// Guards: the branch is at most MaxBranch long and index must fit in
// len(branch) bits. CVE-2012-2459: a left sibling equal to the running
// hash means the proven position is the duplicate of an odd level's last
// node, which is not a transaction, so it is rejected with
// errMutatedMerkle; a right sibling equal to the running hash is the
// legitimate duplication of a last node. Without the transaction count
// this cannot tell whether a right-duplicated node really is the last one;
// verifyMerkleBranchCount can. The 64-byte-transaction guard needs the
// transaction itself: see [VerifyTxInBlock].
//
// A mismatch wraps [ErrMerkleMismatch]; a bad shape wraps errBadBranch.
func verifyMerkleBranch(leaf Hash, index uint32, branch []Hash, root Hash) error {
	if len(branch) > maxBranch {
		return fmt.Errorf("%w: %d steps exceeds the limit of %d", errBadBranch, len(branch), maxBranch)
	}
	if len(branch) < 32 && index>>uint(len(branch)) != 0 {
		return fmt.Errorf("%w: index %d needs more than %d levels", errBadBranch, index, len(branch))
	}
	h := leaf
	for i := range branch {
		sib := &branch[i]
		if (index>>uint(i))&1 == 1 {
			if *sib == h {
				return fmt.Errorf("%w: level %d proves a duplicated node", errMutatedMerkle, i)
			}
			h = hashPair(sib, &h)
		} else {
			h = hashPair(&h, sib)
		}
	}
	if h != root {
		return fmt.Errorf("%w: branch reaches %s, header has %s", ErrMerkleMismatch, h, root)
	}
	return nil
}

// verifyMerkleBranchCount is verifyMerkleBranch for a caller that knows
// the block's transaction count (from a BIP 37 merkleblock or the block
// itself): index must be below txCount, the branch must be exactly
// branchDepth(txCount) long, and a sibling equal to the running hash is
// accepted only where the node really is the last of an odd-sized level.
func verifyMerkleBranchCount(leaf Hash, index, txCount uint32, branch []Hash, root Hash) error {
	if txCount == 0 || index >= txCount {
		return fmt.Errorf("%w: index %d outside [0, %d)", errBadBranch, index, txCount)
	}
	if want := branchDepth(txCount); len(branch) != want {
		return fmt.Errorf("%w: %d steps for %d transactions, want %d", errBadBranch, len(branch), txCount, want)
	}
	width := txCount // nodes at the current level
	pos := index
	h := leaf
	for i := range branch {
		last := pos == width-1
		if pos%2 == 0 && last != (branch[i] == h) {
			// At an even position the sibling is a copy of h exactly when
			// h is the odd level's last node.
			if last {
				return fmt.Errorf("%w: level %d: last node not duplicated", ErrMerkleMismatch, i)
			}
			return fmt.Errorf("%w: level %d: sibling equals the running hash", errMutatedMerkle, i)
		}
		if pos%2 == 1 {
			h = hashPair(&branch[i], &h)
		} else {
			h = hashPair(&h, &branch[i])
		}
		pos, width = pos/2, (width+1)/2
	}
	return verifyMerkleBranch(leaf, index, branch, root)
}

// VerifyTxInBlock parses rawTx, rejects it if its witness-stripped size is
// exactly 64 bytes (err64ByteTx: such a "transaction" may be an inner
// merkle node, Lerner 2018; Bitcoin Core notes and BIP 54), and checks its
// txid's branch against header's merkle root with verifyMerkleBranch.
// It returns the parsed transaction.
func VerifyTxInBlock(rawTx []byte, index uint32, branch []Hash, header *Header) (*Tx, error) {
	if header == nil {
		return nil, fmt.Errorf("%w: no header", ErrMalformedHeader)
	}
	tx, err := ParseTx(rawTx)
	if err != nil {
		return nil, err
	}
	if tx.StrippedSize() == 64 {
		return nil, err64ByteTx
	}
	if err := verifyMerkleBranch(tx.TxID(), index, branch, header.MerkleRoot); err != nil {
		return nil, err
	}
	return tx, nil
}
