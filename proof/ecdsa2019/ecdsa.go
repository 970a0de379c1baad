// Package ecdsa2019 implements the ecdsa-rdfc-2019 and ecdsa-jcs-2019 Data
// Integrity cryptosuites (https://www.w3.org/TR/vc-di-ecdsa/) for P-256 and
// P-384 keys: ECDSA over the hashes of the canonical proof configuration
// and document, with SHA-256 for P-256 and SHA-384 for P-384 — for the
// hashes and, with RDFC, for RDFC-1.0's own blank node labelling too.
// [NewRDFC] and [NewJCS] return them as a [proof.Suite] (Cryptosuite
// "ecdsa-rdfc-2019" and "ecdsa-jcs-2019").
//
// # Guarantees
//
//   - A proof that verifies is an ECDSA signature, under the resolved
//     P-256 or P-384 key, over the hashes of the canonical proof
//     configuration and the canonical document (with RDFC, the RDF
//     dataset, canonicalized in safe mode).
//   - Signatures made here are always low-S, IEEE P1363 (r||s), in
//     base58btc multibase.
//   - The suites are immutable and safe for concurrent use.
//
// # Refuses
//
//   - A key that is not P-256 or P-384: [proof.ErrWrongKeyType].
//   - A proofValue that is not base58btc multibase ('z'), or a signature
//     of the wrong size for the curve, before any math.
//   - With RDFC, a document its contexts do not fully define, at sign and
//     at verify time; a nil context loader at construction.
//
// # Security considerations
//
// The key's curve picks the hash; a signature of the wrong size for the
// curve is refused before any math. As with every RDFC suite here,
// canonicalization runs in safe mode.
//
// ECDSA signatures are malleable: if (r, s) verifies, so does (r, n-s).
// Decision: this suite always signs low-S (s <= n/2; a signer's high-S
// result is replaced by its twin, so we never emit one), and verification
// accepts high-S. The reasons to accept: vc-di-ecdsa does not require
// low-S; the W3C vc-di-ecdsa test vectors themselves carry high-S
// signatures (ecdsa-rdfc-2019 P-256 and P-384/employ, ecdsa-jcs-2019
// P-384); and Digital Bazaar's implementation, our JavaScript counterpart,
// signs with WebCrypto (@digitalbazaar/ecdsa-multikey createSigner calls
// crypto.subtle.sign), which does not normalise s, so about half of the
// signatures it makes are high-S. Refusing them would refuse valid
// credentials. Accepting is safe here because nothing identifies a proof
// by its signature bytes: the proof covers the document, and a second
// encoding of the same signature over the same bytes proves nothing new.
// A verifier that deduplicates or indexes credentials must do so on the
// signed content, not on proofValue.
//
// # Offline use
//
// The RDFC suite loads contexts only from the loader it is given.
//
// # Compatibility
//
// Passes the W3C vc-di-ecdsa vectors step by step (P-256 and P-384, RDFC
// and JCS). Signatures are IEEE P1363 (r||s) in base58btc.
package ecdsa2019

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"fmt"
	"math/big"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/internal/dicore"
)

// Cryptosuite identifiers.
const (
	rdfcName = "ecdsa-rdfc-2019"
	jcsName  = "ecdsa-jcs-2019"
)

// suite is ecdsa-rdfc-2019 or ecdsa-jcs-2019, for both curves. It is
// immutable and safe for concurrent use.
type suite struct {
	p256, p384 dicore.Core
}

var _ proof.Suite = (*suite)(nil)

// NewRDFC returns ecdsa-rdfc-2019 over contexts from loader.
func NewRDFC(loader proof.ContextLoader) (proof.Suite, error) {
	if loader == nil {
		return nil, errors.New("ecdsa2019: a context loader is required")
	}
	c256, err := canon.NewRDFC(canon.Options{Loader: loader, Hash: crypto.SHA256})
	if err != nil {
		return nil, err
	}
	c384, err := canon.NewRDFC(canon.Options{Loader: loader, Hash: crypto.SHA384})
	if err != nil {
		return nil, err
	}
	return &suite{
		p256: dicore.Core{Name: rdfcName, Canon: c256, Hash: crypto.SHA256},
		p384: dicore.Core{Name: rdfcName, Canon: c384, Hash: crypto.SHA384},
	}, nil
}

// NewJCS returns ecdsa-jcs-2019.
func NewJCS() proof.Suite {
	return &suite{
		p256: dicore.Core{Name: jcsName, Hash: crypto.SHA256},
		p384: dicore.Core{Name: jcsName, Hash: crypto.SHA384},
	}
}

// Type returns "DataIntegrityProof".
func (s *suite) Type() string { return proof.TypeDataIntegrity }

// Cryptosuite returns the cryptosuite identifier.
func (s *suite) Cryptosuite() string { return s.p256.Name }

// core picks the curve's transformation and hash; size is the P1363
// signature size.
func (s *suite) core(key crypto.PublicKey) (*dicore.Core, int, error) {
	pub, ok := key.(*ecdsa.PublicKey)
	if ok {
		switch pub.Curve {
		case elliptic.P256():
			return &s.p256, 64, nil
		case elliptic.P384():
			return &s.p384, 96, nil
		}
	}
	return nil, 0, fmt.Errorf("%w: %s needs a P-256 or P-384 key, got %T", proof.ErrWrongKeyType, s.p256.Name, key)
}

// Core returns the transformation and hashing used for keys on curve
// ("P-256" or "P-384"), for step-by-step checks.
func (s *suite) Core(curve string) (*dicore.Core, error) {
	switch curve {
	case "P-256":
		return &s.p256, nil
	case "P-384":
		return &s.p384, nil
	}
	return nil, fmt.Errorf("%w: curve %q", proof.ErrWrongKeyType, curve)
}

// CreateProof implements [proof.Suite] (vc-di-ecdsa 3.2.1 / 3.3.1). The
// signature is always low-S (see the package documentation).
func (s *suite) CreateProof(ctx context.Context, unsecured, options map[string]any, signer proof.Signer) (map[string]any, error) {
	key := signer.Public()
	core, size, err := s.core(key)
	if err != nil {
		return nil, err
	}
	n := key.(*ecdsa.PublicKey).Curve.Params().N // core checked the type
	return core.CreateProof(ctx, unsecured, options, lowS{Signer: signer, n: n, size: size}, size)
}

// lowS returns its signer's r||s signatures with s replaced by n-s when
// s > n/2.
type lowS struct {
	proof.Signer
	n    *big.Int
	size int
}

func (l lowS) Sign(ctx context.Context, message []byte) ([]byte, error) {
	sig, err := l.Signer.Sign(ctx, message)
	if err != nil || len(sig) != l.size {
		return sig, err // the core reports the wrong size
	}
	half := l.size / 2
	sv := new(big.Int).SetBytes(sig[half:])
	if sv.Cmp(new(big.Int).Rsh(l.n, 1)) <= 0 || sv.Cmp(l.n) >= 0 {
		return sig, nil // low already, or not a signature (it will not verify)
	}
	out := append([]byte(nil), sig...)
	sv.Sub(l.n, sv).FillBytes(out[half:])
	return out, nil
}

// VerifyProof implements [proof.Suite] (vc-di-ecdsa 3.2.2 / 3.3.2). A
// high-S signature verifies (see the package documentation).
func (s *suite) VerifyProof(unsecured, p map[string]any, key crypto.PublicKey) error {
	core, size, err := s.core(key)
	if err != nil {
		return err
	}
	pub := key.(*ecdsa.PublicKey)
	return core.VerifyProof(unsecured, p, size, func(data, sig []byte) bool {
		h := core.Hash.New()
		h.Write(data)
		r, sv := new(big.Int).SetBytes(sig[:size/2]), new(big.Int).SetBytes(sig[size/2:])
		return ecdsa.Verify(pub, h.Sum(nil), r, sv)
	})
}
