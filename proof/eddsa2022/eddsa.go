package eddsa2022

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"

	"github.com/multiformats/go-multibase"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/jcs"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Cryptosuite identifiers.
const (
	RDFCName = "eddsa-rdfc-2022"
	JCSName  = "eddsa-jcs-2022"
)

// Suite is one of the two EdDSA cryptosuites. It is immutable and safe for
// concurrent use.
type Suite struct {
	name  string
	canon canon.Canonicalizer // nil for JCS
}

var _ proof.Suite = (*Suite)(nil)

// NewRDFC returns eddsa-rdfc-2022, canonicalizing with contexts from
// loader.
func NewRDFC(loader *contexts.Loader) (*Suite, error) {
	if loader == nil {
		return nil, errors.New("eddsa2022: a context loader is required")
	}
	c, err := canon.NewRDFC(canon.Options{Loader: loader})
	if err != nil {
		return nil, err
	}
	return &Suite{name: RDFCName, canon: c}, nil
}

// NewJCS returns eddsa-jcs-2022.
func NewJCS() *Suite { return &Suite{name: JCSName} }

// Type returns "DataIntegrityProof".
func (s *Suite) Type() string { return proof.TypeDataIntegrity }

// Cryptosuite returns "eddsa-rdfc-2022" or "eddsa-jcs-2022".
func (s *Suite) Cryptosuite() string { return s.name }

// CreateProof implements [proof.Suite] (vc-di-eddsa 3.2.1 / 3.3.1).
func (s *Suite) CreateProof(ctx context.Context, unsecured, options map[string]any, signer proof.Signer) (map[string]any, error) {
	if _, ok := signer.Public().(ed25519.PublicKey); !ok {
		return nil, fmt.Errorf("%w: %s needs an Ed25519 key, the signer has %T", proof.ErrWrongKeyType, s.name, signer.Public())
	}
	p := clone(options)
	delete(p, "proofValue")
	// eddsa-jcs-2022 (3.3.1 step 1): the proof carries the document's context.
	if s.canon == nil {
		if c, ok := unsecured["@context"]; ok {
			p["@context"] = c
		}
	}
	hashData, err := s.HashData(unsecured, p)
	if err != nil {
		return nil, err
	}
	sig, err := signer.Sign(ctx, hashData)
	if err != nil {
		return nil, fmt.Errorf("eddsa2022: signing: %w", err)
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("eddsa2022: signer returned %d bytes, want %d", len(sig), ed25519.SignatureSize)
	}
	v, err := multibase.Encode(multibase.Base58BTC, sig)
	if err != nil {
		return nil, fmt.Errorf("eddsa2022: encoding proofValue: %w", err)
	}
	p["proofValue"] = v
	return p, nil
}

// VerifyProof implements [proof.Suite] (vc-di-eddsa 3.2.2 / 3.3.2).
func (s *Suite) VerifyProof(unsecured, p map[string]any, key crypto.PublicKey) error {
	pub, ok := key.(ed25519.PublicKey)
	if !ok || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: %s needs an Ed25519 key, got %T", proof.ErrWrongKeyType, s.name, key)
	}
	value, _ := p["proofValue"].(string)
	sig, err := DecodeProofValue(value)
	if err != nil {
		return err
	}
	options := clone(p)
	delete(options, "proofValue")
	doc := unsecured
	if s.canon == nil {
		// eddsa-jcs-2022 3.3.2 step 3: a proof @context must be a prefix of
		// the document's, and it is what the document is verified with.
		if pc, ok := options["@context"]; ok {
			if !contextPrefix(pc, unsecured["@context"]) {
				return fmt.Errorf("%w: proof @context does not match the document's", proof.ErrInvalidSignature)
			}
			doc = clone(unsecured)
			doc["@context"] = pc
		}
	}
	hashData, err := s.HashData(doc, options)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, hashData, sig) {
		return fmt.Errorf("%w (%s)", proof.ErrInvalidSignature, s.name)
	}
	return nil
}

// DecodeProofValue decodes a base58btc multibase Ed25519 signature.
func DecodeProofValue(v string) ([]byte, error) {
	if v == "" || v[0] != 'z' {
		return nil, &proof.FieldError{Field: "proofValue", Err: errors.New("not base58btc multibase (must start with 'z')")}
	}
	enc, sig, err := multibase.Decode(v)
	if err != nil || enc != multibase.Base58BTC {
		return nil, &proof.FieldError{Field: "proofValue", Err: errors.New("invalid base58btc")}
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, &proof.FieldError{Field: "proofValue", Err: fmt.Errorf("signature is %d bytes, want %d", len(sig), ed25519.SignatureSize)}
	}
	return sig, nil
}

// Canonical returns the canonical forms of the proof configuration and of
// the document (vc-di-eddsa 3.x.4 Proof Configuration and 3.x.3
// Transformation). options is the proof without proofValue.
func (s *Suite) Canonical(unsecured, options map[string]any) (proofCanon, docCanon []byte, err error) {
	if t, _ := options["type"].(string); t != proof.TypeDataIntegrity {
		return nil, nil, &proof.FieldError{Field: "type", Err: fmt.Errorf("%q, want %q", t, proof.TypeDataIntegrity)}
	}
	if cs, _ := options["cryptosuite"].(string); cs != s.name {
		return nil, nil, &proof.UnexpectedCryptosuiteError{Type: proof.TypeDataIntegrity, Got: cs}
	}
	if c, ok := options["created"]; ok {
		cs, _ := c.(string)
		if _, err := proof.ParseDateTime(cs); err != nil {
			return nil, nil, &proof.FieldError{Field: "created", Err: err}
		}
	}
	config := clone(options)
	if c, ok := unsecured["@context"]; ok {
		config["@context"] = c
	}
	if s.canon == nil {
		if proofCanon, err = jcs.Marshal(config); err != nil {
			return nil, nil, fmt.Errorf("eddsa2022: canonicalizing proof configuration: %w", err)
		}
		if docCanon, err = jcs.Marshal(unsecured); err != nil {
			return nil, nil, fmt.Errorf("eddsa2022: canonicalizing document: %w", err)
		}
		return proofCanon, docCanon, nil
	}
	if proofCanon, err = s.canon.Canonicalize(config); err != nil {
		return nil, nil, fmt.Errorf("eddsa2022: canonicalizing proof configuration: %w", err)
	}
	if docCanon, err = s.canon.Canonicalize(unsecured); err != nil {
		return nil, nil, fmt.Errorf("eddsa2022: canonicalizing document: %w", err)
	}
	return proofCanon, docCanon, nil
}

// HashData returns SHA-256(canonical proof configuration) ||
// SHA-256(canonical document), the 64 bytes Ed25519 signs (vc-di-eddsa
// 3.x.5 Hashing).
func (s *Suite) HashData(unsecured, options map[string]any) ([]byte, error) {
	pc, dc, err := s.Canonical(unsecured, options)
	if err != nil {
		return nil, err
	}
	ph := sha256.Sum256(pc)
	dh := sha256.Sum256(dc)
	return append(ph[:], dh[:]...), nil
}

func clone(m map[string]any) map[string]any {
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
