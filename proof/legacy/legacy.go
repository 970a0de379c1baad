// Package legacy implements proof types that predate Data Integrity
// cryptosuites but that holders still carry: Ed25519Signature2020
// (https://w3c.github.io/vc-di-eddsa/#the-ed25519signature2020-suite) and
// EcdsaSecp256k1Signature2019
// (https://w3c-ccg.github.io/lds-ecdsa-secp256k1-2019/, used by Blockcerts
// v3), sign and verify.
//
// ed25519Signature2020 signs exactly what eddsa-rdfc-2022 signs
// (SHA-256 of the RDFC-1.0 canonical proof options, with the document's
// @context, and of the canonical document), under its own proof type and
// without a cryptosuite member. Documents must cite the
// https://w3id.org/security/suites/ed25519-2020/v1 context, which defines
// the type.
//
// # Guarantees
//
//   - An Ed25519Signature2020 proof that verifies is an Ed25519 signature
//     over what eddsa-rdfc-2022 signs (above); an
//     EcdsaSecp256k1Signature2019 proof that verifies is a low-S secp256k1
//     signature in a detached JWS over the canonical proof options and
//     document.
//   - Signatures made here are low-S, so a secp256k1 proof's signature is
//     unique for the key and the signed bytes.
//   - Canonicalization runs in safe mode, at sign and verify time.
//
// # Refuses
//
//   - A key of the wrong type for the suite: proof.ErrWrongKeyType.
//   - A high-S secp256k1 signature ([ErrHighS], wrapped with
//     proof.ErrInvalidSignature), r or s out of range, a jws that is not a
//     detached JWS, and any header other than
//     {"alg":"ES256K","b64":false,"crit":["b64"]}.
//   - A document its contexts do not fully define; a nil context loader
//     at construction; in [AddContextFor], an unknown proof type or a
//     document without @context.
//
// # Security considerations
//
// Canonicalization runs in safe mode, as for the current suites. Prefer
// eddsa-rdfc-2022 for new credentials.
//
// ECDSA signatures are malleable: if (r, s) verifies, so does (r, n-s).
// EcdsaSecp256k1Signature2019 decides for the secp256k1 convention:
// signatures are made low-S (s <= n/2; a signer's high-S result is
// replaced by its twin) and a high-S signature is refused with an error
// wrapping [ErrHighS] and proof.ErrInvalidSignature. This is the rule of
// Bitcoin (BIP 62, BIP 146) and of the libraries secp256k1 issuers sign
// with (libsecp256k1 and decred's secp256k1 sign low-S, @noble/curves
// signs and verifies low-S by default); the Blockcerts status lists in
// testdata are low-S. The suite's signature is then unique for the key and
// the signed bytes.
//
// # Offline use
//
// Contexts come only from the loader given.
//
// # Compatibility
//
// Passes the W3C vc-di-eddsa Ed25519Signature2020 vector step by step and
// verifies the Digital Credentials Consortium's Ed25519Signature2020 OB 3.0
// credentials; verifies Blockcerts' EcdsaSecp256k1Signature2019 status
// lists. The secp256k1 suite accepts only the header
// {"alg":"ES256K","b64":false,"crit":["b64"]}.
package legacy

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/internal/dicore"
)

// TypeEd25519Signature2020 is the proof type.
const TypeEd25519Signature2020 = "Ed25519Signature2020"

// ed25519Signature2020 is the legacy Ed25519 proof type.
type ed25519Signature2020 struct {
	core dicore.Core
}

var _ proof.Suite = (*ed25519Signature2020)(nil)

// NewEd25519Signature2020 returns the suite over contexts from loader.
func NewEd25519Signature2020(loader proof.ContextLoader) (proof.Suite, error) {
	if loader == nil {
		return nil, errors.New("legacy: a context loader is required")
	}
	c, err := canon.NewRDFC(canon.Options{Loader: loader})
	if err != nil {
		return nil, err
	}
	return &ed25519Signature2020{core: dicore.Core{ProofType: TypeEd25519Signature2020, Canon: c, Hash: crypto.SHA256}}, nil
}

// Type returns "Ed25519Signature2020".
func (s *ed25519Signature2020) Type() string { return TypeEd25519Signature2020 }

// Cryptosuite returns "": the type has none.
func (s *ed25519Signature2020) Cryptosuite() string { return "" }

// CreateProof implements proof.Suite.
func (s *ed25519Signature2020) CreateProof(ctx context.Context, unsecured, options map[string]any, signer proof.Signer) (map[string]any, error) {
	if _, ok := signer.Public().(ed25519.PublicKey); !ok {
		return nil, fmt.Errorf("%w: Ed25519Signature2020 needs an Ed25519 key, the signer has %T", proof.ErrWrongKeyType, signer.Public())
	}
	return s.core.CreateProof(ctx, unsecured, options, signer, ed25519.SignatureSize)
}

// VerifyProof implements proof.Suite.
func (s *ed25519Signature2020) VerifyProof(unsecured, p map[string]any, key crypto.PublicKey) error {
	pub, ok := key.(ed25519.PublicKey)
	if !ok || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: Ed25519Signature2020 needs an Ed25519 key, got %T", proof.ErrWrongKeyType, key)
	}
	return s.core.VerifyProof(unsecured, p, ed25519.SignatureSize, func(data, sig []byte) bool { return ed25519.Verify(pub, data, sig) })
}

// HashData returns the bytes Ed25519 signs, for step-by-step checks.
func (s *ed25519Signature2020) HashData(unsecured, options map[string]any) ([]byte, error) {
	return s.core.HashData(unsecured, options)
}

// Canonical returns the canonical proof options and document.
func (s *ed25519Signature2020) Canonical(unsecured, options map[string]any) ([]byte, []byte, error) {
	return s.core.Canonical(unsecured, options)
}

// contextEd25519Signature2020 defines the Ed25519Signature2020 proof terms.
const contextEd25519Signature2020 = "https://w3id.org/security/suites/ed25519-2020/v1"

// addContext returns the JSON document with the Ed25519Signature2020
// context appended to its @context, unless it is already there. The type's
// proof terms are defined only by that context, so a document signed with
// it must cite it (Digital Bazaar's issuers add it the same way).
func addContext(doc []byte) ([]byte, error) {
	return AddContextFor(doc, TypeEd25519Signature2020)
}

// contextEcdsaSecp256k1Signature2019 defines the EcdsaSecp256k1Signature2019
// proof terms.
const contextEcdsaSecp256k1Signature2019 = "https://w3id.org/security/suites/secp256k1-2019/v1"

// AddContextFor is AddContext for the given legacy proof type.
func AddContextFor(doc []byte, proofType string) ([]byte, error) {
	want := contextEd25519Signature2020
	switch proofType {
	case TypeEd25519Signature2020:
	case TypeEcdsaSecp256k1Signature2019:
		want = contextEcdsaSecp256k1Signature2019
	default:
		return nil, fmt.Errorf("legacy: unknown proof type %q", proofType)
	}
	if err := strictjson.Check(doc, strictjson.Limits{}); err != nil {
		return nil, fmt.Errorf("legacy: adding @context: %w", err)
	}
	var m struct {
		Context json.RawMessage `json:"@context"`
	}
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("legacy: %w", err)
	}
	var list []any
	if err := json.Unmarshal(m.Context, &list); err != nil {
		var one any
		if err := json.Unmarshal(m.Context, &one); err != nil {
			return nil, errors.New("legacy: document has no @context")
		}
		list = []any{one}
	}
	for _, c := range list {
		if c == want {
			return doc, nil
		}
	}
	out, err := jsonedit.Set(doc, "@context", append(list, want))
	if err != nil {
		return nil, fmt.Errorf("legacy: adding @context: %w", err)
	}
	return out, nil
}
