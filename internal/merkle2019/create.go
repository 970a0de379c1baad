package merkle2019

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/base58"
	"github.com/onchaincert/microcred/internal/mtree"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Batch collects the targetHashes of the credentials anchored together, in
// a Blockcerts-mode [anchor.Tree] (merkletools: no prefixes, the odd node
// promoted), and emits one MerkleProof2019 proof per credential once the
// root is anchored. A Batch is not safe for concurrent use.
type Batch struct {
	h    *Hasher
	tree *anchor.Tree
}

// NewBatch returns an empty batch that hashes credentials with contexts
// from loader (nil means [Loader]).
func NewBatch(loader *contexts.Loader) (*Batch, error) {
	h, err := NewHasher(loader)
	if err != nil {
		return nil, err
	}
	t, err := anchor.NewTree(anchor.ModeBlockcerts)
	if err != nil {
		return nil, err
	}
	return &Batch{h: h, tree: t}, nil
}

// Add hashes the credential doc (strict JSON) as the verifier will: any
// proofs it already carries stay, and the MerkleProof2019 proof
// [Batch.Attach] adds goes after them, so the targetHash covers them. It
// returns the credential's index in the batch.
func (b *Batch) Add(doc []byte) (int, error) {
	m, err := decodeObject(doc)
	if err != nil {
		return 0, err
	}
	h, _, err := b.targetHashForAppend(m)
	if err != nil {
		return 0, err
	}
	return b.AddTargetHash(h)
}

// AddTargetHash adds a targetHash computed by the caller (see
// [Hasher.TargetHash]) and returns its index.
func (b *Batch) AddTargetHash(targetHash []byte) (int, error) {
	i, err := b.tree.Append(targetHash)
	if err != nil {
		return 0, fmt.Errorf("merkle2019: adding target hash: %w", err)
	}
	return int(i), nil
}

// Len returns the number of credentials in the batch.
func (b *Batch) Len() int { return int(b.tree.Size()) }

// Root returns the Merkle root to anchor: 32 bytes, written as is after
// OP_RETURN PUSH32 (Bitcoin) or as the transaction data (Ethereum).
func (b *Batch) Root() ([]byte, error) {
	r, err := b.tree.Root()
	if errors.Is(err, mtree.ErrEmptyBatch) {
		return nil, errEmptyBatch
	}
	return r, err
}

// ProofValue returns the proofValue of credential i for a root anchored
// by anchors, in the text form cert-issuer writes.
func (b *Batch) ProofValue(i int, anchors ...Blink) (*ProofValue, error) {
	if b.tree.Size() == 0 {
		return nil, errEmptyBatch
	}
	if i < 0 {
		return nil, fmt.Errorf("merkle2019: %w: index %d", mtree.ErrIndexOutOfRange, i)
	}
	if len(anchors) == 0 || len(anchors) > mtree.MaxAnchors {
		return nil, fmt.Errorf("%w: %d anchors, want 1 to %d", errUnsupportedAnchor, len(anchors), mtree.MaxAnchors)
	}
	for _, a := range anchors {
		if err := a.check(); err != nil {
			return nil, err
		}
	}
	r, err := b.tree.Receipt(uint64(i))
	if err != nil {
		return nil, fmt.Errorf("merkle2019: proof %d: %w", i, err)
	}
	steps, err := mtree.Steps(r.Index, r.Size, r.Path)
	if err != nil {
		return nil, fmt.Errorf("merkle2019: proof %d: %w", i, err)
	}
	return &ProofValue{
		Path:       steps,
		MerkleRoot: r.Root,
		TargetHash: r.Leaf,
		Anchors:    append([]Blink(nil), anchors...),
		Form:       FormText,
	}, nil
}

// ProofOptions are the members of an emitted proof.
type ProofOptions struct {
	// Anchors are the transactions that carry the batch's root. Required.
	Anchors []Blink
	// VerificationMethod is the issuer's key that anchored the root (a
	// DID URL or issuer profile URL with a fragment). Required.
	VerificationMethod string
	// Created is the proof's creation time. Required.
	Created time.Time
	// DataIntegrity emits the VC 2.0 form: type "DataIntegrityProof",
	// cryptosuite "merkle-proof-2019". The default is the Blockcerts v3
	// form, type "MerkleProof2019".
	DataIntegrity bool
}

// Proof returns the proof object of credential i.
func (b *Batch) Proof(i int, opts ProofOptions) (map[string]any, error) {
	if opts.VerificationMethod == "" {
		return nil, errors.New("merkle2019: ProofOptions.VerificationMethod is required")
	}
	if opts.Created.IsZero() {
		return nil, errors.New("merkle2019: ProofOptions.Created is required")
	}
	pv, err := b.ProofValue(i, opts.Anchors...)
	if err != nil {
		return nil, err
	}
	raw, err := pv.MarshalCBOR()
	if err != nil {
		return nil, err
	}
	p := map[string]any{
		"type":               Type,
		"created":            opts.Created.UTC().Format(time.RFC3339Nano),
		"proofPurpose":       assertionMethod,
		"verificationMethod": opts.VerificationMethod,
		"proofValue":         "z" + base58.Encode(raw),
	}
	if opts.DataIntegrity {
		p["type"] = "DataIntegrityProof"
		p["cryptosuite"] = cryptosuite
	}
	return p, nil
}

// Attach returns doc with the proof of credential i added: as "proof" if
// doc has none, otherwise after its proofs. doc must be the credential
// added as i: it is hashed again and compared. The result is doc's JSON
// re-serialized (members sorted), which hashes the same.
func (b *Batch) Attach(i int, doc []byte, opts ProofOptions) ([]byte, error) {
	m, err := decodeObject(doc)
	if err != nil {
		return nil, err
	}
	h, n, err := b.targetHashForAppend(m)
	if err != nil {
		return nil, err
	}
	pv, err := b.ProofValue(i, opts.Anchors...)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(h, pv.TargetHash) {
		return nil, fmt.Errorf("%w: the document is not credential %d of the batch", ErrTargetHashMismatch, i)
	}
	p, err := b.Proof(i, opts)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	switch {
	case n == 0:
		out["proof"] = p
	default:
		list := make([]any, 0, n+1)
		if l, ok := m["proof"].([]any); ok {
			list = append(list, l...)
		} else {
			list = append(list, m["proof"])
		}
		out["proof"] = append(list, p)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("merkle2019: encoding the credential: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// targetHashForAppend hashes m as it will be once a proof is appended to
// its proofs; it returns the hash and the number of proofs m carries.
func (b *Batch) targetHashForAppend(m map[string]any) ([]byte, int, error) {
	var n int
	switch p := m["proof"].(type) {
	case nil:
		if _, ok := m["proof"]; ok {
			return nil, 0, fmt.Errorf("%w: proof is null", ErrMalformedProof)
		}
	case map[string]any:
		n = 1
		c := make(map[string]any, len(m))
		for k, v := range m {
			c[k] = v
		}
		c["proof"] = []any{p}
		m = c
	case []any:
		n = len(p)
	default:
		return nil, 0, fmt.Errorf("%w: proof is not an object or a list", ErrMalformedProof)
	}
	h, _, err := b.h.TargetHash(m, n)
	return h, n, err
}

func decodeObject(doc []byte) (map[string]any, error) {
	v, err := strictjson.Decode(doc, strictjson.Limits{})
	if err != nil {
		return nil, fmt.Errorf("merkle2019: reading credential: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: credential is not a JSON object", ErrMalformedProof)
	}
	return m, nil
}
