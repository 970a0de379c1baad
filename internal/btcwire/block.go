package btcwire

import (
	"fmt"
)

// maxBlockBytes caps a serialized block (witness included).
const maxBlockBytes = 4_000_000

// Block is a parsed block: its header and transactions.
type Block struct {
	Header *Header
	Txs    []*Tx
}

// ParseBlock parses exactly one serialized block: an 80-byte header, a
// CompactSize transaction count and that many transactions (each parsed
// as strictly as [ParseTx]), with no trailing bytes. It does not check the
// merkle root; call [Block.CheckMerkleRoot]. Errors wrap errMalformedBlock
// or errMalformedTx.
func ParseBlock(raw []byte) (*Block, error) {
	if len(raw) > maxBlockBytes {
		return nil, malformed(errMalformedBlock, "%d bytes exceeds the limit of %d", len(raw), maxBlockBytes)
	}
	if len(raw) < HeaderSize {
		return nil, malformed(errMalformedBlock, "%d bytes is shorter than a header", len(raw))
	}
	h, err := ParseHeader(raw[:HeaderSize])
	if err != nil {
		return nil, err
	}
	raw = append([]byte(nil), raw...)
	r := &reader{b: raw, pos: HeaderSize, kind: errMalformedBlock}
	n := r.count("transaction", 4+1+minInputBytes+1+minOutputBytes+4)
	if r.err != nil {
		return nil, r.err
	}
	if n == 0 {
		return nil, malformed(errMalformedBlock, "no transactions")
	}
	b := &Block{Header: h, Txs: make([]*Tx, n)}
	r.kind = errMalformedTx
	for i := range b.Txs {
		tx, err := parseTx(r)
		if err != nil {
			return nil, fmt.Errorf("parsing transaction %d: %w", i, err)
		}
		b.Txs[i] = tx
	}
	if r.remaining() != 0 {
		return nil, malformed(errMalformedBlock, "%d trailing bytes", r.remaining())
	}
	return b, nil
}

// TxIDs returns the txids of the block's transactions in order.
func (b *Block) TxIDs() []Hash {
	ids := make([]Hash, len(b.Txs))
	for i, tx := range b.Txs {
		ids[i] = tx.TxID()
	}
	return ids
}

// CheckMerkleRoot recomputes the merkle root from the transactions and
// compares it with the header's. A mutated transaction list
// (CVE-2012-2459) is rejected with errMutatedMerkle even when the root
// matches; a different root wraps [ErrMerkleMismatch].
func (b *Block) CheckMerkleRoot() error {
	root, mutated, err := MerkleRoot(b.TxIDs())
	if err != nil {
		return err
	}
	if root != b.Header.MerkleRoot {
		return fmt.Errorf("%w: computed %s, header has %s", ErrMerkleMismatch, root, b.Header.MerkleRoot)
	}
	if mutated {
		return errMutatedMerkle
	}
	return nil
}
