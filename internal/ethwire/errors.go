package ethwire

import (
	"errors"
	"fmt"
	"github.com/onchaincert/microcred/internal/mtree"
)

var (
	// errMalformedRLP is wrapped by errors for bytes that are not exactly
	// one canonical RLP item within the size and depth limits.
	errMalformedRLP = errors.New("eth: malformed RLP")
	// ErrMalformedTx is wrapped by errors for bytes that are not exactly one
	// well-formed transaction of a supported type.
	ErrMalformedTx = errors.New("eth: malformed transaction")
	// errUnsupportedTxType is wrapped by errors for a typed transaction
	// (EIP-2718) whose type is not 1 (EIP-2930) or 2 (EIP-1559).
	errUnsupportedTxType = errors.New("eth: unsupported transaction type")
	// errInvalidSignature is wrapped by errors for a transaction signature
	// that is out of range (r, s not in [1, n-1], s > n/2), has an invalid
	// v or yParity, or from which no public key can be recovered.
	errInvalidSignature = errors.New("eth: invalid transaction signature")
	// ErrChainID is wrapped by errors for a chain id that is missing,
	// zero, or not the one expected.
	ErrChainID = errors.New("eth: wrong or missing chain id")
	// errMalformedHeader is wrapped by errors for bytes that are not one
	// well-formed block header of a known fork layout.
	errMalformedHeader = errors.New("eth: malformed block header")
	// errMalformedProof is wrapped by errors for a Merkle-Patricia proof
	// that is not well formed: a node that does not decode or is not a
	// branch, extension or leaf, a hash reference of the wrong size, a
	// node referenced by hash whose encoding is shorter than 32 bytes,
	// unused or too many nodes.
	errMalformedProof = errors.New("eth: malformed trie proof")
	// ErrProofMismatch is wrapped by errors for a well-formed proof that
	// does not lead from the root to the key: a node whose hash is not the
	// one its parent references, or a path that leaves the key.
	ErrProofMismatch = errors.New("eth: trie proof does not match")
	// errNotInTrie is wrapped by errors when a proof shows the key absent.
	errNotInTrie = errors.New("eth: key not in trie")
	// ErrBrokenChain is wrapped by errors for headers that do not link by
	// parentHash and consecutive numbers.
	ErrBrokenChain = mtree.ErrBrokenChain
	// ErrInvalidParams is wrapped by errors for anchor transaction
	// parameters that cannot make a valid transaction.
	ErrInvalidParams = errors.New("eth: invalid anchor transaction parameters")
	// errInvalidAddress is wrapped by errors for text that is not a
	// 20-byte hex address, or whose mixed case is a wrong EIP-55 checksum.
	errInvalidAddress = errors.New("eth: invalid address")
)

// malformed returns an error wrapping kind with a detail message.
func malformed(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))
}
