package hostile

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

// Seeds of the ecdsa-sd-2023 files (issue 13): the P-256 issuer, the
// proof-scoped key and the HMAC key.
const (
	sdIssuerSeed byte = 0x33
	sdProofSeed  byte = 0x34
	sdHMACSeed   byte = 0x35
)

// SDKey returns the P-256 did:key that issues the ecdsa-sd-2023 files.
// Their status entries point at the corpus issuer's revocation list, so
// the corpus' policy for them trusts that issuer's lists too.
func SDKey() (*didkey.Key, error) {
	return didkey.NewFromSeed(didkey.P256, bytes.Repeat([]byte{sdIssuerSeed}, 32))
}

// p256Private returns the ECDSA private key of a did:key P-256 key.
func p256Private(k *didkey.Key) (*ecdsa.PrivateKey, error) {
	pub, ok := k.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, errors.New("hostile: not a P-256 key")
	}
	return &ecdsa.PrivateKey{PublicKey: *pub, D: new(big.Int).SetBytes(k.Bytes())}, nil
}

// signDeterministic signs SHA-256(msg) with RFC 6979 nonces, as r||s.
// crypto/ecdsa randomizes signatures unless the random source is nil; the
// corpus must come out byte for byte the same on every run.
func signDeterministic(priv *ecdsa.PrivateKey, msg []byte) ([]byte, error) {
	h := sha256.Sum256(msg)
	der, err := priv.Sign(nil, h[:], crypto.SHA256)
	if err != nil {
		return nil, err
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		return nil, err
	}
	out := make([]byte, 64)
	rs.R.FillBytes(out[:32])
	rs.S.FillBytes(out[32:])
	return out, nil
}

// rfc6979Signer is a did:key P-256 proof.Signer with deterministic
// signatures.
type rfc6979Signer struct {
	key  *didkey.Key
	priv *ecdsa.PrivateKey
}

var _ proof.Signer = (*rfc6979Signer)(nil)

func (s *rfc6979Signer) VerificationMethod() string { return s.key.VerificationMethod() }
func (s *rfc6979Signer) Public() crypto.PublicKey   { return s.key.Public() }
func (s *rfc6979Signer) Sign(_ context.Context, msg []byte) ([]byte, error) {
	return signDeterministic(s.priv, msg)
}

// deterministicSD is ecdsa-sd-2023 with a fixed HMAC key, a fixed
// proof-scoped key and RFC 6979 signatures, so that base proofs (and the
// derived proofs made from them) are reproducible. CreateProof follows
// Suite.CreateProof (vc-di-ecdsa 3.6.1-3.6.5) through the suite's
// exported steps; verification and derivation are the suite's own.
type deterministicSD struct {
	*ecdsasd2023.Suite
	hmacKey  []byte
	proofKey *ecdsa.PrivateKey
}

func (d *deterministicSD) CreateProof(ctx context.Context, unsecured, options map[string]any, signer proof.Signer) (map[string]any, error) {
	p := make(map[string]any, len(options))
	for k, v := range options {
		if k != "proofValue" {
			p[k] = v
		}
	}
	proofHash, err := d.ProofHash(unsecured, p)
	if err != nil {
		return nil, err
	}
	t, err := d.Transform(unsecured, d.hmacKey, d.MandatoryPointersFor(unsecured))
	if err != nil {
		return nil, err
	}
	var sigs [][]byte
	for _, q := range t.NonMandatoryList() {
		sig, err := signDeterministic(d.proofKey, []byte(q))
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, sig)
	}
	pub := append([]byte{0x80, 0x24}, elliptic.MarshalCompressed(elliptic.P256(), d.proofKey.X, d.proofKey.Y)...)
	mandatoryHash := sha256.Sum256([]byte(strings.Join(t.MandatoryList(), "")))
	toSign := append(append(append([]byte(nil), proofHash...), pub...), mandatoryHash[:]...)
	baseSig, err := signer.Sign(ctx, toSign)
	if err != nil {
		return nil, err
	}
	v := &ecdsasd2023.BaseProofValue{BaseSignature: baseSig, PublicKey: pub, HMACKey: d.hmacKey, Signatures: sigs, MandatoryPointers: t.MandatoryPointers}
	if p["proofValue"], err = v.Encode(); err != nil {
		return nil, err
	}
	return p, nil
}

// sdGen makes the ecdsa-sd-2023 files.
type sdGen struct {
	*gen
	signer       *rfc6979Signer
	safe, unsafe *deterministicSD
}

func (g *gen) newSDGen() (*sdGen, error) {
	key, err := SDKey()
	if err != nil {
		return nil, err
	}
	priv, err := p256Private(key)
	if err != nil {
		return nil, err
	}
	pk, err := didkey.NewFromSeed(didkey.P256, bytes.Repeat([]byte{sdProofSeed}, 32))
	if err != nil {
		return nil, err
	}
	proofKey, err := p256Private(pk)
	if err != nil {
		return nil, err
	}
	hmacKey := bytes.Repeat([]byte{sdHMACSeed}, 32)
	suite := func(opts ...ecdsasd2023.Option) (*deterministicSD, error) {
		s, err := ecdsasd2023.New(contexts.Default(), opts...)
		if err != nil {
			return nil, err
		}
		return &deterministicSD{Suite: s, hmacKey: hmacKey, proofKey: proofKey}, nil
	}
	sg := &sdGen{gen: g, signer: &rfc6979Signer{key: key, priv: priv}}
	if sg.safe, err = suite(); err != nil {
		return nil, err
	}
	// The README's old advice: only /issuer mandatory.
	if sg.unsafe, err = suite(ecdsasd2023.WithoutDefaultMandatoryUnsafe(), ecdsasd2023.WithMandatoryPointers("/issuer")); err != nil {
		return nil, err
	}
	return sg, nil
}

// credential is the base credential issued by the sd key, with a
// revocation entry at index of the corpus issuer's list.
func (g *sdGen) credential(index int) map[string]any {
	t := g.withStatus(ListRevocation, status.Revocation, index)
	sub(t, "issuer")["id"] = g.signer.key.DID().String()
	sub(t, "credentialSubject", "achievement", "creator")["id"] = g.signer.key.DID().String()
	return t
}

// base signs doc with suite (a base proof, for the holder).
func (g *sdGen) base(suite *deterministicSD, doc map[string]any) []byte {
	data, err := json.Marshal(doc)
	g.fail(err)
	out, err := proof.Sign(g.ctx, data, suite, g.signer, proof.Options{Created: Created})
	g.fail(err)
	return out
}

// derive signs doc with suite and derives a credential disclosing
// selective (and what is mandatory).
func (g *sdGen) derive(suite *deterministicSD, doc map[string]any, selective ...string) map[string]any {
	out, err := suite.Derive(g.base(suite, doc), selective)
	g.fail(err)
	return decode(out)
}

// sd13 makes the ecdsa-sd-2023 disclosure files (issue 13): derived
// credentials whose holder withholds validity or status, and mandatory
// validity and status that are checked, and cannot be edited or removed.
func (g *gen) sd13() {
	sg, err := g.newSDGen()
	if err != nil {
		g.fail(fmt.Errorf("hostile: sd-2023: %w", err))
		return
	}
	const name = "/credentialSubject/achievement/name"

	valid := sg.derive(sg.safe, sg.credential(1), name)
	g.putJSON("sd-valid.json", valid) // the control: verifies

	t := clone(valid)
	t["validUntil"] = "2099-01-15T09:00:00Z"
	g.putJSON("sd-validuntil-edited.json", t)

	t = clone(valid)
	delete(t, "validUntil")
	g.putJSON("sd-validuntil-removed.json", t)

	expired := sg.credential(1)
	expired["validUntil"] = "2025-12-01T00:00:00Z"
	g.putJSON("sd-expired.json", sg.derive(sg.safe, expired, name))

	revoked := sg.derive(sg.safe, sg.credential(revokedIndex), name)
	g.putJSON("sd-revoked.json", revoked)
	t = clone(revoked)
	delete(t, "credentialStatus")
	g.putJSON("sd-status-removed.json", t)

	g.putJSON("sd-base-proof.json", decode(sg.base(sg.safe, sg.credential(1))))

	// Signed with only /issuer mandatory: the holder leaves out what
	// gives them away.
	g.putJSON("sd-validuntil-withheld.json", sg.derive(sg.unsafe, expired, name, "/credentialStatus"))
	g.putJSON("sd-status-withheld.json", sg.derive(sg.unsafe, sg.credential(revokedIndex), name, "/validUntil"))
	g.putJSON("sd-validfrom-withheld.json", sg.derive(sg.unsafe, sg.credential(1), name, "/validUntil", "/credentialStatus"))
	t = sg.derive(sg.unsafe, sg.credential(revokedIndex), name, "/validUntil")
	t["credentialStatus"] = []any{} // expands to nothing: not signed, not disclosed
	g.putJSON("sd-status-emptied.json", t)
}
