package proof

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/onchaincert/microcred/did"
)

// minRSABits is the smallest RSA key NewSigner accepts: what proof/vcjwt
// verifies (RS256 with 2048 bits or more).
const minRSABits = 2048

// NewSigner adapts a crypto.Signer (a key in a cloud KMS or an HSM, or any
// in-memory key) to a [Signer] for the verification method
// verificationMethod, the absolute DID URL (or https URL) under which the
// key is published, e.g. did:web:school.example#key-1. Only the
// crypto.Signer methods are used: the private key is never asked for.
//
// The key type comes from s.Public():
//
//   - ed25519.PublicKey: s signs the message itself (crypto.Hash(0)),
//     for eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020, EdDSA JWTs.
//   - *ecdsa.PublicKey on P-256 or P-384: s signs SHA-256 or SHA-384 of the
//     message, for ecdsa-rdfc-2019, ecdsa-jcs-2019, ecdsa-sd-2023, ES256,
//     ES384.
//   - secp256k1, as *secp256k1.PublicKey or as an *ecdsa.PublicKey whose
//     curve has secp256k1's parameters: SHA-256, for
//     EcdsaSecp256k1Signature2019 and ES256K; Public then returns a
//     *secp256k1.PublicKey, as the suites expect.
//   - *rsa.PublicKey of 2048 bits or more: RSASSA-PKCS1-v1_5 over SHA-256,
//     for RS256 JWTs, the only RSA algorithm proof/vcjwt verifies (so PSS
//     is not offered).
//
// ECDSA signatures come back from s in ASN.1 DER and are returned as the
// fixed-size r||s (IEEE P1363) that Data Integrity and JWS use, with s
// replaced by n-s when above n/2 (low-S), as microcred's own keys sign.
// Every signature is checked against the public key before it is
// returned (an error wrapping errSignerKeyMismatch if it does not
// verify), so a KMS key that is not the one published, or a faulty
// device, fails at signing time instead of issuing credentials that do
// not verify (and an RSA-CRT fault never leaves the process).
//
// Any other key type (P-224, P-521, Ed448, RSA under 2048 bits, …) is an
// error wrapping [ErrWrongKeyType]: no suite here could verify it.
//
// crypto.Signer takes no context: Sign checks ctx before calling s, and
// cannot interrupt a call in progress.
func NewSigner(s crypto.Signer, verificationMethod string) (Signer, error) {
	if s == nil {
		return nil, errors.New("proof: NewSigner: nil crypto.Signer")
	}
	if err := checkMethodURL(verificationMethod); err != nil {
		return nil, err
	}
	a := &cryptoSigner{s: s, vm: verificationMethod}
	switch pub := s.Public().(type) {
	case ed25519.PublicKey:
		if len(pub) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 public key of %d bytes", ErrWrongKeyType, len(pub))
		}
		a.pub, a.kind = pub, kindEd25519
	case *ecdsa.PublicKey:
		if pub == nil || pub.Curve == nil {
			return nil, fmt.Errorf("%w: nil ECDSA public key", ErrWrongKeyType)
		}
		switch {
		case pub.Curve == elliptic.P256():
			a.pub, a.kind, a.hash, a.n, a.size = pub, kindECDSA, crypto.SHA256, pub.Curve.Params().N, 32
		case pub.Curve == elliptic.P384():
			a.pub, a.kind, a.hash, a.n, a.size = pub, kindECDSA, crypto.SHA384, pub.Curve.Params().N, 48
		case isSecp256k1(pub.Curve):
			k, err := secp256k1FromECDSA(pub)
			if err != nil {
				return nil, err
			}
			a.pub, a.kind, a.hash, a.n, a.size = k, kindSecp256k1, crypto.SHA256, secp256k1.Params().N, 32
		default:
			return nil, fmt.Errorf("%w: ECDSA on %s (want P-256, P-384 or secp256k1)", ErrWrongKeyType, pub.Curve.Params().Name)
		}
	case *secp256k1.PublicKey:
		if pub == nil {
			return nil, fmt.Errorf("%w: nil secp256k1 public key", ErrWrongKeyType)
		}
		a.pub, a.kind, a.hash, a.n, a.size = pub, kindSecp256k1, crypto.SHA256, secp256k1.Params().N, 32
	case *rsa.PublicKey:
		if pub == nil || pub.N == nil {
			return nil, fmt.Errorf("%w: nil RSA public key", ErrWrongKeyType)
		}
		if pub.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("%w: RSA key of %d bits (want %d or more)", ErrWrongKeyType, pub.N.BitLen(), minRSABits)
		}
		a.pub, a.kind, a.hash = pub, kindRSA, crypto.SHA256
	default:
		return nil, fmt.Errorf("%w: %T keys sign no suite microcred verifies (want Ed25519, ECDSA P-256/P-384/secp256k1, or RSA)", ErrWrongKeyType, pub)
	}
	return a, nil
}

// checkMethodURL accepts an absolute DID URL or https URL with a
// fragment or path naming the key.
func checkMethodURL(vm string) error {
	if strings.HasPrefix(vm, "did:") {
		if _, err := did.ParseURL(vm); err != nil {
			return fmt.Errorf("proof: NewSigner: verification method: %w", err)
		}
		return nil
	}
	u, err := url.Parse(vm)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("proof: NewSigner: verification method %q is neither a DID URL nor an https URL", vm)
	}
	return nil
}

type signerKind uint8

const (
	kindEd25519 signerKind = iota + 1
	kindECDSA
	kindSecp256k1
	kindRSA
)

// cryptoSigner is a crypto.Signer as a Signer.
type cryptoSigner struct {
	s    crypto.Signer
	vm   string
	pub  crypto.PublicKey
	kind signerKind
	hash crypto.Hash // ECDSA, secp256k1, RSA
	n    *big.Int    // ECDSA, secp256k1: the group order
	size int         // ECDSA, secp256k1: bytes of r and of s
}

var _ Signer = (*cryptoSigner)(nil)

func (c *cryptoSigner) VerificationMethod() string { return c.vm }
func (c *cryptoSigner) Public() crypto.PublicKey   { return c.pub }

// Sign implements [Signer].
func (c *cryptoSigner) Sign(ctx context.Context, message []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch c.kind {
	case kindEd25519:
		sig, err := c.s.Sign(rand.Reader, message, crypto.Hash(0))
		if err != nil {
			return nil, fmt.Errorf("proof: signing: %w", err)
		}
		if len(sig) != ed25519.SignatureSize || !ed25519.Verify(c.pub.(ed25519.PublicKey), message, sig) {
			return nil, errSignerKeyMismatch
		}
		return sig, nil
	case kindRSA:
		digest := sum(c.hash, message)
		sig, err := c.s.Sign(rand.Reader, digest, c.hash)
		if err != nil {
			return nil, fmt.Errorf("proof: signing: %w", err)
		}
		if rsa.VerifyPKCS1v15(c.pub.(*rsa.PublicKey), c.hash, digest, sig) != nil {
			return nil, errSignerKeyMismatch
		}
		return sig, nil
	}
	digest := sum(c.hash, message)
	der, err := c.s.Sign(rand.Reader, digest, c.hash)
	if err != nil {
		return nil, fmt.Errorf("proof: signing: %w", err)
	}
	r, s, err := parseDER(der)
	if err != nil {
		return nil, err
	}
	// Both are in [1, n-1], or no suite verifies them.
	if r.Sign() <= 0 || s.Sign() <= 0 || r.Cmp(c.n) >= 0 || s.Cmp(c.n) >= 0 {
		return nil, errSignerKeyMismatch
	}
	// Low-S: (r, n-s) verifies as well as (r, s); emit the smaller.
	if s.Cmp(new(big.Int).Rsh(c.n, 1)) > 0 {
		s.Sub(c.n, s)
	}
	out := make([]byte, 2*c.size)
	r.FillBytes(out[:c.size])
	s.FillBytes(out[c.size:])
	if !c.verifyECDSA(digest, out) {
		return nil, errSignerKeyMismatch
	}
	return out, nil
}

func (c *cryptoSigner) verifyECDSA(digest, rs []byte) bool {
	if c.kind == kindSecp256k1 {
		var r, s secp256k1.ModNScalar
		if r.SetByteSlice(rs[:32]) || s.SetByteSlice(rs[32:]) {
			return false
		}
		return secpecdsa.NewSignature(&r, &s).Verify(digest, c.pub.(*secp256k1.PublicKey))
	}
	r := new(big.Int).SetBytes(rs[:c.size])
	s := new(big.Int).SetBytes(rs[c.size:])
	return ecdsa.Verify(c.pub.(*ecdsa.PublicKey), digest, r, s)
}

func sum(h crypto.Hash, message []byte) []byte {
	if h == crypto.SHA384 {
		d := sha512.Sum384(message)
		return d[:]
	}
	d := sha256.Sum256(message)
	return d[:]
}

// parseDER reads an ASN.1 DER ECDSA-Sig-Value (SEQUENCE { r INTEGER, s
// INTEGER }), as crypto.Signer implementations return it, refusing
// trailing bytes.
func parseDER(der []byte) (r, s *big.Int, err error) {
	var sig struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(der, &sig)
	if err != nil || len(rest) != 0 || sig.R == nil || sig.S == nil {
		return nil, nil, errors.New("proof: the crypto.Signer did not return an ASN.1 DER ECDSA signature")
	}
	return sig.R, sig.S, nil
}

// isSecp256k1 reports whether curve has secp256k1's parameters (y² = x³ +
// 7 over secp256k1's field, its base point and order), whichever
// implementation of elliptic.Curve carries them.
func isSecp256k1(curve elliptic.Curve) bool {
	p, k := curve.Params(), secp256k1.Params()
	if p == nil || p.P == nil || p.N == nil || p.B == nil || p.Gx == nil || p.Gy == nil {
		return false
	}
	return p.P.Cmp(k.P) == 0 && p.N.Cmp(k.N) == 0 && p.B.Cmp(big.NewInt(7)) == 0 && p.Gx.Cmp(k.Gx) == 0 && p.Gy.Cmp(k.Gy) == 0
}

func secp256k1FromECDSA(pub *ecdsa.PublicKey) (*secp256k1.PublicKey, error) {
	if pub.X == nil || pub.Y == nil {
		return nil, fmt.Errorf("%w: secp256k1 public key without coordinates", ErrWrongKeyType)
	}
	var x, y secp256k1.FieldVal
	if x.SetByteSlice(pub.X.Bytes()) || y.SetByteSlice(pub.Y.Bytes()) {
		return nil, fmt.Errorf("%w: secp256k1 coordinates out of range", ErrWrongKeyType)
	}
	k := secp256k1.NewPublicKey(&x, &y)
	if !k.IsOnCurve() {
		return nil, fmt.Errorf("%w: secp256k1 public key not on the curve", ErrWrongKeyType)
	}
	return k, nil
}
