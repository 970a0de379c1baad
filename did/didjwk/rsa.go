package didjwk

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/onchaincert/microcred/did"
)

// RSAKey is an RSA private key under a did:jwk identity, for RS256 JWTs
// (Open Badges 3.0 requires verifiers to accept RS256). It has the method
// set of proof.Signer: Sign is RSASSA-PKCS1-v1_5 over SHA-256 of the message.
type RSAKey struct {
	priv *rsa.PrivateKey
	did  did.DID
}

// GenerateRSA returns a fresh 2048-bit (or larger) RSA key.
func GenerateRSA(bits int) (*RSAKey, error) {
	if bits < 2048 {
		return nil, fmt.Errorf("didjwk: RSA keys need at least 2048 bits, got %d", bits)
	}
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("didjwk: generating RSA key: %w", err)
	}
	return newRSAKey(priv)
}

// ParseRSAPrivateJWK reads an RSA private key from its JWK.
func ParseRSAPrivateJWK(data []byte) (*RSAKey, error) {
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(data); err != nil {
		return nil, errors.New("didjwk: malformed private JWK")
	}
	priv, ok := jwk.Key.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("didjwk: not an RSA private JWK")
	}
	if priv.N.BitLen() < 2048 {
		return nil, errors.New("didjwk: RSA key shorter than 2048 bits")
	}
	return newRSAKey(priv)
}

func newRSAKey(priv *rsa.PrivateKey) (*RSAKey, error) {
	d, err := FromPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	return &RSAKey{priv: priv, did: d}, nil
}

// DID returns the key's did:jwk.
func (k *RSAKey) DID() did.DID { return k.did }

// VerificationMethod returns did:jwk:…#0.
func (k *RSAKey) VerificationMethod() string { return k.did.String() + "#0" }

// Public returns the *rsa.PublicKey.
func (k *RSAKey) Public() crypto.PublicKey { return &k.priv.PublicKey }

// Sign signs SHA-256(message) with RSASSA-PKCS1-v1_5.
func (k *RSAKey) Sign(_ context.Context, message []byte) ([]byte, error) {
	h := sha256.Sum256(message)
	return rsa.SignPKCS1v15(rand.Reader, k.priv, crypto.SHA256, h[:])
}

// PrivateJWK returns the private key as a JWK. Handle with care.
func (k *RSAKey) PrivateJWK() (json.RawMessage, error) {
	return jose.JSONWebKey{Key: k.priv}.MarshalJSON()
}
