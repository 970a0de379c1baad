package ots

import (
	"bytes"
	"fmt"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/internal/mtree"
)

// FromReceipt converts a Bitcoin anchor receipt into a standard detached
// timestamp: file hash op sha256 and digest the receipt's leaf, then the
// ops that recompute, from the leaf, the batch root (the receipt's tree
// nodes: for RFC 6962 the 0x00 and 0x01 prefixes too), the anchor
// transaction (the root between the bytes before and after it in the
// transaction's non-witness serialization, then double SHA-256: the
// txid), the block's merkle root (the branch, double SHA-256 per level),
// and a Bitcoin block header attestation at height, which the receipt
// does not carry (a header does not hold its height): the caller gives
// it.
//
// In RFC 6962 mode the leaf is SHA-256 of the credential's bytes as
// issued, so the proof is one of that file when it has no surrounding
// whitespace (see [anchor.Leaf]); in Blockcerts mode the leaf is the
// credential's targetHash, not a file digest.
//
// The anchor used is the receipt's first Bitcoin anchor with a raw
// transaction and headers. FromReceipt checks that the receipt holds up
// to that block: the path reaches the root, the transaction has the
// anchor's txid and carries the root, and the ops end at the first
// header's merkle root. It does not grade proof of work or confirmations:
// verify the result with [Proof.Verify] and the headers you trust. A
// slim receipt must be made whole first ([anchor.Receipt.WithEvidence]).
// A transaction whose non-witness form is over 4096 bytes (the format's
// message limit), or a path of 256 ops or more, cannot be expressed and is
// refused. It refuses a nil receipt;
// other errors wrap [anchor.ErrNoEvidence] (no usable
// Bitcoin anchor, or a slim receipt), [anchor.ErrEvidenceMismatch] (the
// transaction or branch does not hold up), the limits, or the errors of
// [anchor.Receipt.Verify].
func FromReceipt(r *anchor.Receipt, height uint64) (*Proof, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil receipt", errMalformed)
	}
	if r.Evidence != nil {
		return nil, fmt.Errorf("%w: the receipt's anchors are in the shared evidence %q; make it whole first (Receipt.WithEvidence)", anchor.ErrNoEvidence, r.Evidence.Name)
	}
	// L0 with the receipt's own leaf: the path reaches the root.
	if _, err := r.Verify(anchor.VerifyOptions{Leaf: r.Leaf}); err != nil {
		return nil, fmt.Errorf("checking receipt: %w", err)
	}
	var an *anchor.Anchor
	for i := range r.Anchors {
		a := &r.Anchors[i]
		if (a.Chain == anchor.ChainBitcoinMainnet || a.Chain == anchor.ChainBitcoinTestnet || a.Chain == anchor.ChainBitcoinRegtest) &&
			len(a.RawTx) > 0 && len(a.Headers) > 0 {
			an = a
			break
		}
	}
	if an == nil {
		return nil, fmt.Errorf("%w: no Bitcoin anchor with a raw transaction and a block header", anchor.ErrNoEvidence)
	}
	var ops []op
	// The batch tree, from the leaf to the root.
	steps, err := mtree.Steps(r.Index, r.Size, r.Path)
	if err != nil {
		return nil, err
	}
	rfc := r.Mode == anchor.ModeRFC6962
	if rfc {
		ops = append(ops, op{Kind: opPrepend, Arg: []byte{0x00}}, op{Kind: opSHA256})
	}
	for _, s := range steps {
		if s.Left {
			ops = append(ops, op{Kind: opPrepend, Arg: bytes.Clone(s.Hash)})
		} else {
			ops = append(ops, op{Kind: opAppend, Arg: bytes.Clone(s.Hash)})
		}
		if rfc {
			ops = append(ops, op{Kind: opPrepend, Arg: []byte{0x01}})
		}
		ops = append(ops, op{Kind: opSHA256})
	}
	// The transaction: its txid is the double SHA-256 of the non-witness
	// serialization, which holds the root in an OP_RETURN output.
	tx, err := btc.ParseTx(an.RawTx)
	if err != nil {
		return nil, err
	}
	if tx.TxID().String() != an.TxID {
		return nil, fmt.Errorf("%w: raw transaction has txid %s, receipt claims %s", anchor.ErrEvidenceMismatch, tx.TxID(), an.TxID)
	}
	if _, ok := tx.FindRoot(r.Root); !ok {
		return nil, fmt.Errorf("%w: no OP_RETURN output carries the root", anchor.ErrEvidenceMismatch)
	}
	stripped := tx.StrippedBytes()
	if len(stripped) > maxMessageLength {
		return nil, fmt.Errorf("%w: transaction of %d bytes (non-witness) exceeds the %d-byte message limit", errLimit, len(stripped), maxMessageLength)
	}
	// The root's place: any occurrence of its OP_RETURN PUSH32 script
	// makes the same txid (the ops only need a preimage split around
	// it); the last one is taken, as it is in the outputs.
	at := bytes.LastIndex(stripped, append([]byte{0x6a, 0x20}, r.Root...))
	if at < 0 {
		return nil, fmt.Errorf("%w: the root's OP_RETURN script is not in the transaction", anchor.ErrEvidenceMismatch)
	}
	at += 2
	if at > 0 {
		ops = append(ops, op{Kind: opPrepend, Arg: bytes.Clone(stripped[:at])})
	}
	if rest := stripped[at+len(r.Root):]; len(rest) > 0 {
		ops = append(ops, op{Kind: opAppend, Arg: bytes.Clone(rest)})
	}
	ops = append(ops, op{Kind: opSHA256}, op{Kind: opSHA256})
	// The block's merkle branch, txid to merkle root, internal byte order.
	for j, b := range an.Branch {
		if len(b) != 32 {
			return nil, fmt.Errorf("%w: branch step %d is %d bytes", anchor.ErrMalformedReceipt, j, len(b))
		}
		if j < 32 && an.TxIndex>>uint(j)&1 == 1 {
			ops = append(ops, op{Kind: opPrepend, Arg: bytes.Clone(b)})
		} else {
			ops = append(ops, op{Kind: opAppend, Arg: bytes.Clone(b)})
		}
		ops = append(ops, op{Kind: opSHA256}, op{Kind: opSHA256})
	}
	if len(ops) >= maxDepth {
		return nil, fmt.Errorf("%w: %d ops exceed the depth limit of %d", errLimit, len(ops), maxDepth-1)
	}

	// The tree: one chain of ops ending at the attestation.
	last := &node{Edges: []edge{{Attestation: &attestation{Kind: kindBitcoin, Tag: tagBitcoin, Height: height}}}}
	n := last
	for i := len(ops) - 1; i >= 0; i-- {
		n = &node{Edges: []edge{{Op: ops[i], Next: n}}}
	}
	p := &Proof{hashOp: opSHA256, digest: bytes.Clone(r.Leaf), root: n}
	// Read back as a verifier would, and check the ops end at the merkle
	// root of the anchor block's header.
	back, err := Parse(p.Bytes())
	if err != nil {
		return nil, fmt.Errorf("encoding proof: %w", err)
	}
	cs, err := back.commitments()
	if err != nil {
		return nil, err
	}
	h, err := btc.ParseHeader(an.Headers[0])
	if err != nil {
		return nil, err
	}
	if len(cs) != 1 || !bytes.Equal(cs[0].Message, h.MerkleRoot[:]) {
		return nil, fmt.Errorf("%w: the branch does not reach the merkle root of block %s", anchor.ErrEvidenceMismatch, h.Hash())
	}
	return back, nil
}
