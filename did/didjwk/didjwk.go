// Package didjwk implements the did:jwk method
// (https://github.com/quartzjer/did-jwk/blob/main/spec.md): a DID that is
// the base64url encoding of a public JWK, resolved offline to a document
// with one JsonWebKey2020 verification method, "#0".
//
// # Guarantees
//
// [Resolver] resolves a did:jwk offline to the document the method
// specification defines: one JsonWebKey2020 method, "#0", holding the
// DID's key. Signing keys are listed for assertionMethod, authentication
// and the capability relationships; keys marked "use": "enc" and X25519
// keys only for keyAgreement.
//
// # Refuses
//
// With an error wrapping did.ErrInvalidDID: a DID that is not base64url
// without padding of one JSON object without duplicate members, a JWK
// with a private member (also wrapping did.ErrPrivateKeyMaterial), and an
// Ed25519 key of small order (also wrapping did.ErrSmallOrderKey) or not
// canonically encoded.
//
// # Security considerations
//
// The DID is decoded strictly (base64url without padding, a JSON object
// without duplicate members, a public key only: a JWK with a private
// member — d, p, q, dp, dq, qi, oth or k, in any letter case, since some
// JWK readers match names case-insensitively — is refused with an error
// wrapping did.ErrPrivateKeyMaterial; an Ed25519 key of small order or
// not canonically encoded is refused, wrapping did.ErrSmallOrderKey for a
// small-order point, see did.CheckPublicJWK). Signing keys are listed for assertionMethod, authentication
// and the capability relationships; keys marked "use": "enc" and X25519
// keys only for keyAgreement.
//
// # Offline use
//
// Resolution needs no network.
//
// # Compatibility
//
// Matches the examples of the method specification.
package didjwk

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// parseJWK decodes the JWK of a did:jwk DID and returns its JSON.
func parseJWK(d did.DID) (json.RawMessage, error) {
	if d.Method() != "jwk" {
		return nil, fmt.Errorf("%w: %s is not a did:jwk", did.ErrInvalidDID, d)
	}
	raw, err := base64.RawURLEncoding.DecodeString(d.ID())
	if err != nil {
		return nil, fmt.Errorf("%w: did:jwk identifier is not base64url without padding", did.ErrInvalidDID)
	}
	v, err := strictjson.Decode(raw, strictjson.Limits{MaxBytes: 16 << 10, MaxDepth: 4})
	if err != nil {
		return nil, fmt.Errorf("%w: did:jwk identifier: %w", did.ErrInvalidDID, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: did:jwk identifier is not a JSON object", did.ErrInvalidDID)
	}
	if _, ok := m["kty"].(string); !ok {
		return nil, fmt.Errorf("%w: did:jwk JWK has no kty", did.ErrInvalidDID)
	}
	// Public members only (any letter case), and an Ed25519 key that is
	// canonical and not of small order.
	if err := did.CheckPublicJWK(raw); err != nil {
		return nil, fmt.Errorf("%w: did:jwk JWK: %w", did.ErrInvalidDID, err)
	}
	return raw, nil
}

// document returns the DID document of a did:jwk DID.
func document(d did.DID) (*did.Document, error) {
	raw, err := parseJWK(d)
	if err != nil {
		return nil, err
	}
	var hdr struct {
		Kty string `json:"kty"`
		Crv string `json:"crv"`
		Use string `json:"use"`
	}
	_ = json.Unmarshal(raw, &hdr)
	vmID := d.String() + "#0"
	doc := &did.Document{
		ID: d.String(),
		VerificationMethod: []did.VerificationMethod{{
			ID: vmID, Type: "JsonWebKey2020", Controller: d.String(), PublicKeyJwk: json.RawMessage(raw),
		}},
	}
	encryption := hdr.Use == "enc" || (hdr.Kty == "OKP" && (hdr.Crv == "X25519" || hdr.Crv == "X448"))
	if !encryption {
		for _, r := range []did.Relationship{did.AssertionMethod, did.Authentication, did.CapabilityInvocation, did.CapabilityDelegation} {
			doc.AddRelationship(r, vmID)
		}
	}
	if hdr.Use != "sig" && (encryption || hdr.Kty != "OKP") {
		doc.AddRelationship(did.KeyAgreement, vmID)
	}
	return doc, nil
}

// FromPublicKey returns the did:jwk DID of a public key (Ed25519, P-256,
// P-384), with the JWK's members in lexicographic order.
func FromPublicKey(pub crypto.PublicKey) (did.DID, error) {
	jwk := jose.JSONWebKey{Key: pub}
	if !jwk.Valid() || !jwk.IsPublic() {
		return did.DID{}, errors.New("didjwk: not a supported public key")
	}
	data, err := jwk.MarshalJSON()
	if err != nil {
		return did.DID{}, fmt.Errorf("didjwk: %w", err)
	}
	// Re-encode with sorted members and no optional ones (kid, alg).
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return did.DID{}, fmt.Errorf("didjwk: %w", err)
	}
	sorted, err := json.Marshal(m) // encoding/json sorts map keys
	if err != nil {
		return did.DID{}, fmt.Errorf("didjwk: %w", err)
	}
	return did.Parse("did:jwk:" + base64.RawURLEncoding.EncodeToString(sorted))
}

// Resolver resolves did:jwk DIDs offline.
type Resolver struct{}

var _ did.Resolver = Resolver{}

// Resolve implements did.Resolver.
func (Resolver) Resolve(_ context.Context, d did.DID) (*did.Document, error) {
	doc, err := document(d)
	if err != nil {
		return nil, &did.ResolutionError{DID: d.String(), Code: did.CodeInvalidDID, Err: err}
	}
	return doc, nil
}

// Key is what [NewSigner] needs from a private key: its public half and a
// signing operation. *didkey.Key and *[RSAKey] satisfy it, as does any
// proof.Signer.
type Key interface {
	Public() crypto.PublicKey
	Sign(ctx context.Context, message []byte) ([]byte, error)
}

// Signer is a key under its did:jwk identity: the same key, with the
// verification method did:jwk:…#0. It has the method set of proof.Signer.
type Signer struct {
	key Key
	vm  string
}

// NewSigner returns k under its did:jwk identity.
func NewSigner(k Key) (*Signer, error) {
	if k == nil {
		return nil, errors.New("didjwk: nil key")
	}
	d, err := FromPublicKey(k.Public())
	if err != nil {
		return nil, err
	}
	return &Signer{key: k, vm: d.String() + "#0"}, nil
}

// VerificationMethod returns the did:jwk verification method, did:jwk:…#0.
func (s *Signer) VerificationMethod() string { return s.vm }

// Public returns the key's public half.
func (s *Signer) Public() crypto.PublicKey { return s.key.Public() }

// Sign signs message with the underlying key.
func (s *Signer) Sign(ctx context.Context, message []byte) ([]byte, error) {
	return s.key.Sign(ctx, message)
}
