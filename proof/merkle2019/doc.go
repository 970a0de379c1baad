// Package merkle2019 implements MerkleProof2019, the Blockcerts v3 proof:
// a credential's hash is a leaf of a Merkle tree whose root is anchored in
// a blockchain transaction.
package merkle2019
