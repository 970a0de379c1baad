package didkey

import (
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/internal/multikey"
)

// KeyType is a did:key key type.
type KeyType string

// Supported key types.
const (
	Ed25519   KeyType = "Ed25519"
	P256      KeyType = "P-256"
	P384      KeyType = "P-384"
	Secp256k1 KeyType = "secp256k1"
)

// secretCodec is the multicodec of the type's secret key.
func (t KeyType) secretCodec() multikey.Codec {
	switch t {
	case Ed25519:
		return multikey.Ed25519Priv
	case P256:
		return multikey.P256Priv
	case P384:
		return multikey.P384Priv
	case Secp256k1:
		return multikey.Secp256k1Priv
	}
	return 0
}

// errUnsupportedKeyType is wrapped for key types other than the four above.
var errUnsupportedKeyType = errors.New("didkey: unsupported key type")

// Key is a did:key private key. It has the method set of proof.Signer
// (VerificationMethod, Public, Sign), so it signs proofs without this
// package importing proof.
type Key struct {
	typ  KeyType
	did  did.DID
	vm   string
	pub  crypto.PublicKey
	ed   ed25519.PrivateKey
	ec   *ecdsa.PrivateKey
	k1   *secp256k1.PrivateKey
	priv []byte // seed (Ed25519) or scalar
}

// Generate returns a fresh key of type t from crypto/rand.
func Generate(t KeyType) (*Key, error) {
	for i := 0; i < 8; i++ {
		b := make([]byte, scalarSize(t))
		if len(b) == 0 {
			return nil, fmt.Errorf("%w: %q", errUnsupportedKeyType, t)
		}
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("didkey: reading randomness: %w", err)
		}
		k, err := NewFromPrivate(t, b)
		if err == nil {
			return k, nil
		}
		// A scalar >= n is astronomically unlikely; draw again.
	}
	return nil, errors.New("didkey: could not generate a valid scalar")
}

// GenerateEd25519 returns a fresh Ed25519 key.
func GenerateEd25519() (*Key, error) { return Generate(Ed25519) }

// NewEd25519FromSeed returns the Ed25519 key of a 32-byte RFC 8032 seed.
func NewEd25519FromSeed(seed []byte) (*Key, error) { return NewFromSeed(Ed25519, seed) }

// NewFromSeed derives a key of type t from a 32-byte seed (see the package
// documentation for the derivation of each type).
func NewFromSeed(t KeyType, seed []byte) (*Key, error) {
	if len(seed) != 32 {
		return nil, fmt.Errorf("didkey: seed must be 32 bytes, got %d", len(seed))
	}
	if t == P384 {
		h := sha512.Sum384(seed)
		return NewFromPrivate(t, h[:])
	}
	return NewFromPrivate(t, seed)
}

func scalarSize(t KeyType) int {
	switch t {
	case Ed25519, P256, Secp256k1:
		return 32
	case P384:
		return 48
	}
	return 0
}

// NewFromPrivate returns the key of type t from its private bytes: the
// Ed25519 seed or the big-endian ECDSA scalar (32 bytes; 48 for P-384).
func NewFromPrivate(t KeyType, b []byte) (*Key, error) {
	if n := scalarSize(t); n == 0 {
		return nil, fmt.Errorf("%w: %q", errUnsupportedKeyType, t)
	} else if len(b) != n {
		return nil, fmt.Errorf("didkey: %s private key must be %d bytes", t, n)
	}
	k := &Key{typ: t, priv: append([]byte(nil), b...)}
	switch t {
	case Ed25519:
		k.ed = ed25519.NewKeyFromSeed(b)
		k.pub = k.ed.Public()
	case P256, P384:
		curve, ecdhCurve := elliptic.P256(), ecdh.P256()
		if t == P384 {
			curve, ecdhCurve = elliptic.P384(), ecdh.P384()
		}
		// crypto/ecdh checks 1 <= d < n and derives the public point.
		ek, err := ecdhCurve.NewPrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("didkey: %s private scalar is out of range", t)
		}
		// crypto/ecdh gives the uncompressed point 0x04 || X || Y.
		pt := ek.PublicKey().Bytes()
		size := (len(pt) - 1) / 2
		x, y := new(big.Int).SetBytes(pt[1:1+size]), new(big.Int).SetBytes(pt[1+size:])
		k.ec = &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: curve, X: x, Y: y}, D: new(big.Int).SetBytes(b)}
		k.pub = &k.ec.PublicKey
	case Secp256k1:
		var s secp256k1.ModNScalar
		if overflow := s.SetByteSlice(b); overflow || s.IsZero() {
			return nil, fmt.Errorf("didkey: %s private scalar is out of range", t)
		}
		k.k1 = secp256k1.NewPrivateKey(&s)
		k.pub = k.k1.PubKey()
	}
	fragment, err := multikey.EncodePublic(k.pub)
	if err != nil {
		return nil, err
	}
	k.did, err = did.Parse("did:key:" + fragment)
	if err != nil {
		return nil, err
	}
	k.vm = k.did.String() + "#" + fragment
	return k, nil
}

// Type returns the key type.
func (k *Key) Type() KeyType { return k.typ }

// DID returns the key's did:key.
func (k *Key) DID() did.DID { return k.did }

// VerificationMethod returns did:key:z…#z….
func (k *Key) VerificationMethod() string { return k.vm }

// Public returns the public key.
func (k *Key) Public() crypto.PublicKey { return k.pub }

// Bytes returns a copy of the private key: the Ed25519 seed or the ECDSA
// scalar. Handle with care.
func (k *Key) Bytes() []byte { return append([]byte(nil), k.priv...) }

// PublicKeyMultibase returns the public key as a Multikey value (base58btc
// of the multicodec key): the did:key identifier after "did:key:", and the
// publicKeyMultibase of its verification method.
func (k *Key) PublicKeyMultibase() string {
	s, _ := multikey.EncodePublic(k.pub) // k.pub is always one of the four types
	return s
}

// SecretKeyMultibase returns the private key as a Multikey value:
// ed25519-priv (the seed), p256-priv, p384-priv or secp256k1-priv (the
// scalar). [ParseSecretKeyMultibase] reads it back. Handle with care.
func (k *Key) SecretKeyMultibase() string {
	s, _ := multikey.EncodeSecret(k.typ.secretCodec(), k.priv)
	return s
}

// ParseSecretKeyMultibase returns the key a Multikey secret value encodes
// (as [Key.SecretKeyMultibase] writes it); the multicodec gives the type.
// Errors never quote the input.
func ParseSecretKeyMultibase(s string) (*Key, error) {
	codec, b, err := multikey.DecodeSecret(s)
	if err != nil {
		return nil, errors.New("didkey: malformed secret key multibase")
	}
	for _, t := range []KeyType{Ed25519, P256, P384, Secp256k1} {
		if t.secretCodec() == codec {
			return NewFromPrivate(t, b)
		}
	}
	return nil, fmt.Errorf("%w: secret key multicodec 0x%x", errUnsupportedKeyType, uint64(codec))
}

// Sign signs message as proof.Signer specifies: Ed25519 over the message;
// ECDSA over SHA-256 (P-256, secp256k1) or SHA-384 (P-384) of it, returned
// as r||s with s <= n/2 (low-S).
func (k *Key) Sign(_ context.Context, message []byte) ([]byte, error) {
	switch k.typ {
	case Ed25519:
		return ed25519.Sign(k.ed, message), nil
	case P256:
		h := sha256.Sum256(message)
		return signP1363(k.ec, h[:], 32)
	case P384:
		h := sha512.Sum384(message)
		return signP1363(k.ec, h[:], 48)
	case Secp256k1:
		h := sha256.Sum256(message)
		sig := secpecdsa.Sign(k.k1, h[:]) // RFC 6979, low-S
		r, s := sig.R(), sig.S()
		rb, sb := r.Bytes(), s.Bytes()
		return append(rb[:], sb[:]...), nil
	}
	return nil, fmt.Errorf("%w: %q", errUnsupportedKeyType, k.typ)
}

func signP1363(priv *ecdsa.PrivateKey, hash []byte, size int) ([]byte, error) {
	r, s, err := ecdsa.Sign(rand.Reader, priv, hash)
	if err != nil {
		return nil, fmt.Errorf("didkey: signing: %w", err)
	}
	// Low-S: (r, n-s) verifies as well as (r, s); emit the smaller, as for
	// secp256k1, so the key never produces the high twin.
	if n := priv.Curve.Params().N; s.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		s.Sub(n, s)
	}
	out := make([]byte, 2*size)
	r.FillBytes(out[:size])
	s.FillBytes(out[size:])
	return out, nil
}

// Parse decodes the public key of a did:key string.
func Parse(s string) (crypto.PublicKey, KeyType, error) {
	d, err := did.Parse(s)
	if err != nil {
		return nil, "", err
	}
	return parseDID(d)
}

func parseDID(d did.DID) (crypto.PublicKey, KeyType, error) {
	if d.Method() != "key" {
		return nil, "", fmt.Errorf("%w: %s is not a did:key", did.ErrInvalidDID, d)
	}
	pub, err := multikey.DecodePublic(d.ID())
	if err != nil {
		return nil, "", fmt.Errorf("%w: %s: %w", did.ErrInvalidDID, d, err)
	}
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return k, Ed25519, nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P384() {
			return k, P384, nil
		}
		return k, P256, nil
	case *secp256k1.PublicKey:
		return k, Secp256k1, nil
	}
	return nil, "", fmt.Errorf("%w: %s: unsupported key", did.ErrInvalidDID, d)
}

// document returns the DID document of a did:key.
func document(d did.DID) (*did.Document, error) {
	if _, _, err := parseDID(d); err != nil {
		return nil, err
	}
	vmID := d.String() + "#" + d.ID()
	doc := &did.Document{
		ID: d.String(),
		VerificationMethod: []did.VerificationMethod{{
			ID:                 vmID,
			Type:               "Multikey",
			Controller:         d.String(),
			PublicKeyMultibase: d.ID(),
		}},
	}
	for _, r := range []did.Relationship{did.Authentication, did.AssertionMethod, did.CapabilityInvocation, did.CapabilityDelegation} {
		doc.AddRelationship(r, vmID)
	}
	return doc, nil
}

// Resolver resolves did:key DIDs offline.
type Resolver struct{}

var _ did.Resolver = Resolver{}

// Resolve returns the DID document of d, or a *did.ResolutionError with
// code invalidDid.
func (Resolver) Resolve(_ context.Context, d did.DID) (*did.Document, error) {
	doc, err := document(d)
	if err != nil {
		return nil, &did.ResolutionError{DID: d.String(), Code: did.CodeInvalidDID, Err: err}
	}
	return doc, nil
}
