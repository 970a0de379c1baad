package legacy

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/internal/dicore"
)

// TypeEcdsaSecp256k1Signature2019 is the proof type of the Linked Data
// Signatures suite for secp256k1 keys
// (https://w3c-ccg.github.io/lds-ecdsa-secp256k1-2019/), which Blockcerts
// v3 issuers and their status lists use.
const TypeEcdsaSecp256k1Signature2019 = "EcdsaSecp256k1Signature2019"

// jwsHeaderES256K is the only protected header the suite uses: ES256K
// over the unencoded payload (RFC 7797).
const jwsHeaderES256K = `{"alg":"ES256K","b64":false,"crit":["b64"]}`

// ecdsaSecp256k1Signature2019 signs and verifies the suite's detached JWS.
//
// The bytes signed are those of Ed25519Signature2020 (SHA-256 of the
// RDFC-1.0 canonical proof options, with the document's @context, then
// SHA-256 of the canonical document), prefixed with the base64url JWS
// header and a ".", as RFC 7797 does for an unencoded payload; the
// signature is ECDSA secp256k1 over SHA-256 of that, r||s, in the proof's
// "jws" member as header..signature.
type ecdsaSecp256k1Signature2019 struct {
	core dicore.Core
}

var _ proof.Suite = (*ecdsaSecp256k1Signature2019)(nil)

// NewEcdsaSecp256k1Signature2019 returns the suite over contexts from loader.
func NewEcdsaSecp256k1Signature2019(loader proof.ContextLoader) (proof.Suite, error) {
	if loader == nil {
		return nil, errors.New("legacy: a context loader is required")
	}
	c, err := canon.NewRDFC(canon.Options{Loader: loader})
	if err != nil {
		return nil, err
	}
	return &ecdsaSecp256k1Signature2019{core: dicore.Core{ProofType: TypeEcdsaSecp256k1Signature2019, Canon: c, Hash: crypto.SHA256}}, nil
}

// Type returns "EcdsaSecp256k1Signature2019".
func (s *ecdsaSecp256k1Signature2019) Type() string { return TypeEcdsaSecp256k1Signature2019 }

// Cryptosuite returns "": the type has none.
func (s *ecdsaSecp256k1Signature2019) Cryptosuite() string { return "" }

// signingInput is the JWS signing input for the detached, unencoded
// payload hashData.
func signingInput(header string, hashData []byte) []byte {
	return append([]byte(header+"."), hashData...)
}

// CreateProof implements proof.Suite.
func (s *ecdsaSecp256k1Signature2019) CreateProof(ctx context.Context, unsecured, options map[string]any, signer proof.Signer) (map[string]any, error) {
	if _, ok := signer.Public().(*secp256k1.PublicKey); !ok {
		return nil, fmt.Errorf("%w: %s needs a secp256k1 key, the signer has %T", proof.ErrWrongKeyType, TypeEcdsaSecp256k1Signature2019, signer.Public())
	}
	p := dicore.Clone(options)
	delete(p, "jws")
	delete(p, "proofValue")
	hashData, err := s.core.HashData(unsecured, p)
	if err != nil {
		return nil, err
	}
	header := base64.RawURLEncoding.EncodeToString([]byte(jwsHeaderES256K))
	sig, err := signer.Sign(ctx, signingInput(header, hashData))
	if err != nil {
		return nil, fmt.Errorf("legacy: signing: %w", err)
	}
	if len(sig) != 64 {
		return nil, fmt.Errorf("legacy: signer returned %d bytes, want 64 (r||s)", len(sig))
	}
	// Emit only the low-S form, the one VerifyProof accepts.
	var sv secp256k1.ModNScalar
	if overflow := sv.SetByteSlice(sig[32:]); !overflow && sv.IsOverHalfOrder() {
		sig = append([]byte(nil), sig...)
		b := sv.Negate().Bytes()
		copy(sig[32:], b[:])
	}
	p["jws"] = header + ".." + base64.RawURLEncoding.EncodeToString(sig)
	return p, nil
}

// VerifyProof implements proof.Suite.
func (s *ecdsaSecp256k1Signature2019) VerifyProof(unsecured, p map[string]any, key crypto.PublicKey) error {
	pub, ok := key.(*secp256k1.PublicKey)
	if !ok || pub == nil {
		return fmt.Errorf("%w: %s needs a secp256k1 key, got %T", proof.ErrWrongKeyType, TypeEcdsaSecp256k1Signature2019, key)
	}
	jws, ok := p["jws"].(string)
	if !ok {
		return &proof.FieldError{Field: "jws", Err: errors.New("missing or not a string")}
	}
	header, sig, err := parseDetachedJWS(jws)
	if err != nil {
		return &proof.FieldError{Field: "jws", Err: err}
	}
	options := dicore.Clone(p)
	delete(options, "jws")
	hashData, err := s.core.HashData(unsecured, options)
	if err != nil {
		return err
	}
	// ECDSA over SHA-256 of the signing input; r and s must be in [1, n-1].
	var r, sc secp256k1.ModNScalar
	if overflow := r.SetByteSlice(sig[:32]); overflow || r.IsZero() {
		return fmt.Errorf("%w: signature r out of range", proof.ErrInvalidSignature)
	}
	if overflow := sc.SetByteSlice(sig[32:]); overflow || sc.IsZero() {
		return fmt.Errorf("%w: signature s out of range", proof.ErrInvalidSignature)
	}
	// Low-S only: (r, n-s) verifies whenever (r, s) does, and the secp256k1
	// convention (Bitcoin's BIP 62 and BIP 146, libsecp256k1's verifier,
	// @noble/curves' default) is to accept only s <= n/2.
	if sc.IsOverHalfOrder() {
		return fmt.Errorf("%w: %w", proof.ErrInvalidSignature, ErrHighS)
	}
	digest := sha256.Sum256(signingInput(header, hashData))
	if !ecdsa.NewSignature(&r, &sc).Verify(digest[:], pub) {
		return fmt.Errorf("%w (%s)", proof.ErrInvalidSignature, TypeEcdsaSecp256k1Signature2019)
	}
	return nil
}

// parseDetachedJWS splits header..signature and checks the header is
// exactly ES256K with an unencoded payload: no other algorithm, no other
// critical parameter, no key or URL parameters an attacker could steer.
func parseDetachedJWS(jws string) (header string, sig []byte, err error) {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 || parts[1] != "" {
		return "", nil, errors.New("not a detached JWS (header..signature)")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(parts[0])
	if err != nil {
		return "", nil, errors.New("header is not base64url")
	}
	var h map[string]json.RawMessage
	if err := json.Unmarshal(raw, &h); err != nil {
		return "", nil, errors.New("header is not a JSON object")
	}
	var want map[string]json.RawMessage
	_ = json.Unmarshal([]byte(jwsHeaderES256K), &want)
	if len(h) != len(want) {
		return "", nil, fmt.Errorf("header %s: want exactly %s", raw, jwsHeaderES256K)
	}
	for k, v := range want {
		if got, ok := h[k]; !ok || !jsonEqual(got, v) {
			return "", nil, fmt.Errorf("header %s: want exactly %s", raw, jwsHeaderES256K)
		}
	}
	sig, err = base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return "", nil, errors.New("signature is not 64 bytes of base64url (r||s)")
	}
	return parts[0], sig, nil
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}
