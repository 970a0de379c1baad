package eddsa2022

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/internal/dicore"
)

// Cryptosuite identifiers.
const (
	rdfcName = "eddsa-rdfc-2022"
	jcsName  = "eddsa-jcs-2022"
	// legacyRDFCName is what eddsa-rdfc-2022 was called in the vc-di-eddsa
	// drafts of 2023 (before the JCS variant was added): the same
	// algorithm, RDF canonicalization (URDNA2015, which RDFC-1.0
	// standardized) and SHA-256. The RDFC suite verifies proofs that carry
	// it and never signs with it.
	legacyRDFCName = "eddsa-2022"
)

// suite is one of the two EdDSA cryptosuites. It is immutable and safe for
// concurrent use.
type suite struct {
	core dicore.Core
}

var (
	_ proof.Suite       = (*suite)(nil)
	_ proof.LegacyNamer = (*suite)(nil)
)

// NewRDFC returns eddsa-rdfc-2022, canonicalizing with contexts from
// loader.
func NewRDFC(loader proof.ContextLoader) (proof.Suite, error) {
	if loader == nil {
		return nil, errors.New("eddsa2022: a context loader is required")
	}
	c, err := canon.NewRDFC(canon.Options{Loader: loader})
	if err != nil {
		return nil, err
	}
	return &suite{core: dicore.Core{Name: rdfcName, Legacy: []string{legacyRDFCName}, Canon: c, Hash: crypto.SHA256}}, nil
}

// NewJCS returns eddsa-jcs-2022.
func NewJCS() proof.Suite { return &suite{core: dicore.Core{Name: jcsName, Hash: crypto.SHA256}} }

// Type returns "DataIntegrityProof".
func (s *suite) Type() string { return proof.TypeDataIntegrity }

// Cryptosuite returns "eddsa-rdfc-2022" or "eddsa-jcs-2022".
func (s *suite) Cryptosuite() string { return s.core.Name }

// LegacyCryptosuites implements [proof.LegacyNamer]: the RDFC suite also
// verifies proofs named legacyRDFCName ("eddsa-2022"); the JCS suite has
// no earlier name.
func (s *suite) LegacyCryptosuites() []string { return slices.Clone(s.core.Legacy) }

// CreateProof implements [proof.Suite] (vc-di-eddsa 3.2.1 / 3.3.1).
func (s *suite) CreateProof(ctx context.Context, unsecured, options map[string]any, signer proof.Signer) (map[string]any, error) {
	if _, ok := signer.Public().(ed25519.PublicKey); !ok {
		return nil, fmt.Errorf("%w: %s needs an Ed25519 key, the signer has %T", proof.ErrWrongKeyType, s.core.Name, signer.Public())
	}
	return s.core.CreateProof(ctx, unsecured, options, signer, ed25519.SignatureSize)
}

// VerifyProof implements [proof.Suite] (vc-di-eddsa 3.2.2 / 3.3.2).
func (s *suite) VerifyProof(unsecured, p map[string]any, key crypto.PublicKey) error {
	pub, ok := key.(ed25519.PublicKey)
	if !ok || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: %s needs an Ed25519 key, got %T", proof.ErrWrongKeyType, s.core.Name, key)
	}
	return s.core.VerifyProof(unsecured, p, ed25519.SignatureSize, func(data, sig []byte) bool { return ed25519.Verify(pub, data, sig) })
}

// decodeProofValue decodes a base58btc multibase Ed25519 signature.
func decodeProofValue(v string) ([]byte, error) {
	return dicore.DecodeProofValue(v, ed25519.SignatureSize)
}

// Canonical returns the canonical forms of the proof configuration and of
// the document (vc-di-eddsa 3.x.4 Proof Configuration and 3.x.3
// Transformation). options is the proof without proofValue.
func (s *suite) Canonical(unsecured, options map[string]any) (proofCanon, docCanon []byte, err error) {
	return s.core.Canonical(unsecured, options)
}

// HashData returns SHA-256(canonical proof configuration) ||
// SHA-256(canonical document), the 64 bytes Ed25519 signs (vc-di-eddsa
// 3.x.5 Hashing).
func (s *suite) HashData(unsecured, options map[string]any) ([]byte, error) {
	return s.core.HashData(unsecured, options)
}
