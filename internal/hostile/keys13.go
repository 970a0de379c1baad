package hostile

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/multikey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Seeds of the keys the issue-13 files use (besides the corpus issuer's).
const (
	jwkSeed       byte = 0x13
	secp256k1Seed byte = 0x14
)

// constSigner claims a key and "signs" every message with one constant
// signature: what a small-order key makes possible.
type constSigner struct {
	pub ed25519.PublicKey
	vm  string
	sig []byte
}

func (s constSigner) VerificationMethod() string                   { return s.vm }
func (s constSigner) Public() crypto.PublicKey                     { return s.pub }
func (s constSigner) Sign(context.Context, []byte) ([]byte, error) { return s.sig, nil }

// vmSigner signs with key under another verification method.
type vmSigner struct {
	*didkey.Key
	vm string
}

func (s vmSigner) VerificationMethod() string { return s.vm }

// signWith signs doc with suite and signer (created = Created).
func (g *gen) signWith(doc map[string]any, suite proof.Suite, signer proof.Signer) map[string]any {
	data, err := json.Marshal(doc)
	g.fail(err)
	out, err := proof.Sign(g.ctx, data, suite, signer, proof.Options{Created: Created})
	g.fail(err)
	return decode(out)
}

// issuedBy returns the base credential with issuer (and achievement
// creator) id set to id.
func (g *gen) issuedBy(id string) map[string]any {
	t := clone(g.base)
	sub(t, "issuer")["id"] = id
	sub(t, "credentialSubject", "achievement", "creator")["id"] = id
	return t
}

// jwkDID returns did:jwk of the JSON object m (members sorted).
func jwkDID(m map[string]any) string {
	data, _ := json.Marshal(m) // encoding/json sorts map keys
	return "did:jwk:" + base64.RawURLEncoding.EncodeToString(data)
}

// keys13: issue 13, keys that must not verify anything.
func (g *gen) keys13() {
	// The identity point as an Ed25519 did:key, and the signature
	// R = identity, S = 0, which crypto/ed25519 accepts for every message
	// under that key.
	identity := make(ed25519.PublicKey, 32)
	identity[0] = 1
	constant := append(append([]byte(nil), identity...), make([]byte, 32)...)
	mk, err := multikey.EncodePublic(identity) // encoding does not check; decoding does
	g.fail(err)
	smallDID := "did:key:" + mk
	g.putJSON("small-order-did-key.json", g.signWith(g.issuedBy(smallDID), g.suite, constSigner{identity, smallDID + "#" + mk, constant}))

	// The same key as a did:jwk.
	idJWK := jwkDID(map[string]any{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(identity)})
	g.putJSON("small-order-did-jwk.json", g.signWith(g.issuedBy(idJWK), g.suite, constSigner{identity, idJWK + "#0", constant}))

	// A did:jwk that carries its private key, as "d" and as "D" (which
	// go-jose ignores and a case-insensitive JWK reader does not); the
	// signatures are genuine.
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{jwkSeed}, 32))
	g.fail(err)
	if key != nil {
		pub, _ := key.Public().(ed25519.PublicKey)
		for file, member := range map[string]string{"did-jwk-private-d.json": "d", "did-jwk-private-uppercase-d.json": "D"} {
			d := jwkDID(map[string]any{
				"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(pub),
				member: base64.RawURLEncoding.EncodeToString(key.Bytes()),
			})
			g.putJSON(file, g.signWith(g.issuedBy(d), g.suite, vmSigner{key, d + "#0"}))
		}
	}

	// An EcdsaSecp256k1Signature2019 credential whose s was replaced by
	// n-s: a valid ECDSA signature over the same bytes, refused because
	// the suite accepts only low-S (decred's signer is RFC 6979, so the
	// file is deterministic).
	k1, err := didkey.NewFromSeed(didkey.Secp256k1, bytes.Repeat([]byte{secp256k1Seed}, 32))
	g.fail(err)
	suite, err := legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	g.fail(err)
	if k1 != nil && suite != nil {
		t := g.issuedBy(k1.DID().String())
		t["@context"] = append(t["@context"].([]any), "https://w3id.org/security/suites/secp256k1-2019/v1")
		s := g.signWith(t, suite, k1)
		if p, ok := s["proof"].(map[string]any); ok {
			jws, _ := p["jws"].(string)
			i := strings.LastIndex(jws, ".")
			sig, err := base64.RawURLEncoding.DecodeString(jws[i+1:])
			g.fail(err)
			if len(sig) == 64 {
				var sc secp256k1.ModNScalar
				sc.SetByteSlice(sig[32:])
				b := sc.Negate().Bytes()
				copy(sig[32:], b[:])
				p["jws"] = jws[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
			}
		}
		g.putJSON("ecdsa-secp256k1-high-s.json", s)
	}
}
