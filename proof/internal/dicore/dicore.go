// Package dicore is what the Data Integrity cryptosuites share: the proof
// configuration, canonicalization (RDFC-1.0 or JCS), the two hashes that
// are signed, and the base58btc proofValue. Each suite package adds its key
// types and signature algorithm.
package dicore

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/onchaincert/microcred/internal/base58"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/jcs"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Core is one cryptosuite's transformation and hashing.
type Core struct {
	// Name is the cryptosuite identifier; empty for legacy proof types,
	// which have none.
	Name string
	// Legacy are earlier names of the cryptosuite that proofs may carry:
	// they verify like Name, and are never signed.
	Legacy []string
	// ProofType is the proof type; empty means DataIntegrityProof.
	ProofType string
	// Canon canonicalizes with RDFC-1.0; nil means JCS.
	Canon canon.Canonicalizer
	// Hash hashes the canonical proof configuration and document.
	Hash crypto.Hash
	// Check, for JCS suites, holds the document and the proof
	// configuration to the same JSON-LD rules RDFC suites apply (compacted
	// form, defined terms, valid IRIs): a JCS signature covers the JSON, and
	// a JSON-LD reader must not see another document in it. nil means
	// [DefaultCheck].
	Check canon.Checker
}

// DefaultCheck is the JSON-LD check of JCS suites over the embedded
// contexts.
var DefaultCheck = sync.OnceValues(func() (canon.Checker, error) {
	return canon.NewRDFC(canon.Options{Loader: contexts.Default()})
})

// checkJSONLD runs the JCS suites' JSON-LD check on a document.
func (c *Core) checkJSONLD(doc map[string]any, what string) error {
	check := c.Check
	if check == nil {
		var err error
		if check, err = DefaultCheck(); err != nil {
			return err
		}
	}
	if err := check.Check(doc); err != nil {
		return fmt.Errorf("%s: checking %s: %w", c.label(), what, err)
	}
	return nil
}

// JCS reports whether the suite canonicalizes with JCS.
func (c *Core) JCS() bool { return c.Canon == nil }

// CreateOptions returns the proof options to sign: options without
// proofValue; for JCS suites with the document's @context (the JCS
// cryptosuites' "Create Proof" step 1).
func (c *Core) CreateOptions(unsecured, options map[string]any) map[string]any {
	p := Clone(options)
	delete(p, "proofValue")
	if c.JCS() {
		if ctx, ok := unsecured["@context"]; ok {
			p["@context"] = ctx
		}
	}
	return p
}

// VerifyInputs splits a proof into its options and proofValue and, for JCS
// suites, applies the proof's @context (which must be a prefix of the
// document's) to the document, as the JCS cryptosuites' "Verify Proof"
// does.
func (c *Core) VerifyInputs(unsecured, p map[string]any) (doc, options map[string]any, value string, err error) {
	value, _ = p["proofValue"].(string)
	options = Clone(p)
	delete(options, "proofValue")
	doc = unsecured
	if c.JCS() {
		if pc, ok := options["@context"]; ok {
			if !contextPrefix(pc, unsecured["@context"]) {
				return nil, nil, "", fmt.Errorf("%w: proof @context is not a prefix of the document's", proof.ErrInvalidSignature)
			}
			doc = Clone(unsecured)
			doc["@context"] = pc
		}
	}
	return doc, options, value, nil
}

// Canonical returns the canonical proof configuration and document
// (the suites' "Proof Configuration" and "Transformation" algorithms).
func (c *Core) Canonical(unsecured, options map[string]any) (proofCanon, docCanon []byte, err error) {
	want := c.ProofType
	if want == "" {
		want = proof.TypeDataIntegrity
	}
	if t, _ := options["type"].(string); t != want {
		return nil, nil, &proof.FieldError{Field: "type", Err: fmt.Errorf("%q, want %q", t, want)}
	}
	if cs, _ := options["cryptosuite"].(string); cs != c.Name && !slices.Contains(c.Legacy, cs) {
		return nil, nil, &proof.UnexpectedCryptosuiteError{Type: want, Got: cs}
	}
	if v, ok := options["created"]; ok {
		s, _ := v.(string)
		if _, err := proof.ParseDateTime(s); err != nil {
			return nil, nil, &proof.FieldError{Field: "created", Err: err}
		}
	}
	config := Clone(options)
	if ctx, ok := unsecured["@context"]; ok {
		config["@context"] = ctx
	}
	if c.JCS() {
		if err := c.checkJSONLD(config, "proof configuration"); err != nil {
			return nil, nil, err
		}
		if err := c.checkJSONLD(unsecured, "document"); err != nil {
			return nil, nil, err
		}
		if proofCanon, err = jcs.Marshal(config); err != nil {
			return nil, nil, fmt.Errorf("%s: canonicalizing proof configuration: %w", c.Name, err)
		}
		if docCanon, err = jcs.Marshal(unsecured); err != nil {
			return nil, nil, fmt.Errorf("%s: canonicalizing document: %w", c.Name, err)
		}
		return proofCanon, docCanon, nil
	}
	if proofCanon, err = c.Canon.Canonicalize(config); err != nil {
		return nil, nil, fmt.Errorf("%s: canonicalizing proof configuration: %w", c.Name, err)
	}
	if docCanon, err = c.Canon.Canonicalize(unsecured); err != nil {
		return nil, nil, fmt.Errorf("%s: canonicalizing document: %w", c.Name, err)
	}
	return proofCanon, docCanon, nil
}

// HashData returns H(canonical proof configuration) || H(canonical
// document), the bytes the key signs (the suites' "Hashing" algorithm).
func (c *Core) HashData(unsecured, options map[string]any) ([]byte, error) {
	pc, dc, err := c.Canonical(unsecured, options)
	if err != nil {
		return nil, err
	}
	h := c.Hash.New()
	h.Write(pc)
	out := h.Sum(nil)
	h.Reset()
	h.Write(dc)
	return h.Sum(out), nil
}

// EncodeProofValue writes a signature as base58btc multibase.
func EncodeProofValue(sig []byte) (string, error) {
	return "z" + base58.Encode(sig), nil
}

// DecodeProofValue reads a base58btc multibase signature of exactly size
// bytes.
func DecodeProofValue(v string, size int) ([]byte, error) {
	if v == "" || v[0] != 'z' {
		return nil, &proof.FieldError{Field: "proofValue", Err: errors.New("not base58btc multibase (must start with 'z')")}
	}
	// size bytes take at most size*log(256)/log(58) digits; refuse more
	// before decoding, which is quadratic in the length.
	if len(v)-1 > size*138/100+1 {
		return nil, &proof.FieldError{Field: "proofValue", Err: fmt.Errorf("%d characters, too long for a %d-byte signature", len(v)-1, size)}
	}
	sig, err := base58.Decode(v[1:])
	if err != nil {
		return nil, &proof.FieldError{Field: "proofValue", Err: fmt.Errorf("invalid base58btc: %w", err)}
	}
	if len(sig) != size {
		return nil, &proof.FieldError{Field: "proofValue", Err: fmt.Errorf("signature is %d bytes, want %d", len(sig), size)}
	}
	return sig, nil
}

// Clone copies a JSON object one level deep.
func Clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// contextPrefix reports whether the proof's @context values are the first
// values of the document's @context.
func contextPrefix(proofCtx, docCtx any) bool {
	pl, dl := asList(proofCtx), asList(docCtx)
	if len(pl) > len(dl) {
		return false
	}
	for i := range pl {
		if !reflect.DeepEqual(pl[i], dl[i]) {
			return false
		}
	}
	return true
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// CreateProof completes options into a proof over unsecured: hash data
// from this core, signed by signer, whose signature must be sigSize bytes.
func (c *Core) CreateProof(ctx context.Context, unsecured, options map[string]any, signer proof.Signer, sigSize int) (map[string]any, error) {
	p := c.CreateOptions(unsecured, options)
	// A legacy name verifies but is never signed.
	if cs, _ := p["cryptosuite"].(string); cs != c.Name {
		t, _ := p["type"].(string)
		return nil, &proof.UnexpectedCryptosuiteError{Type: t, Got: cs}
	}
	hashData, err := c.HashData(unsecured, p)
	if err != nil {
		return nil, err
	}
	sig, err := signer.Sign(ctx, hashData)
	if err != nil {
		return nil, fmt.Errorf("%s: signing: %w", c.label(), err)
	}
	if len(sig) != sigSize {
		return nil, fmt.Errorf("%s: signer returned %d bytes, want %d", c.label(), len(sig), sigSize)
	}
	if p["proofValue"], err = EncodeProofValue(sig); err != nil {
		return nil, err
	}
	return p, nil
}

// VerifyProof checks a proof made by CreateProof: verify reports whether
// sig (sigSize bytes) is valid over the hash data.
func (c *Core) VerifyProof(unsecured, p map[string]any, sigSize int, verify func(hashData, sig []byte) bool) error {
	doc, options, value, err := c.VerifyInputs(unsecured, p)
	if err != nil {
		return err
	}
	sig, err := DecodeProofValue(value, sigSize)
	if err != nil {
		return err
	}
	hashData, err := c.HashData(doc, options)
	if err != nil {
		return err
	}
	if !verify(hashData, sig) {
		return fmt.Errorf("%w (%s)", proof.ErrInvalidSignature, c.label())
	}
	return nil
}

func (c *Core) label() string {
	if c.Name != "" {
		return c.Name
	}
	return c.ProofType
}
