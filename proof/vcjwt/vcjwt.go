package vcjwt

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Algorithms: the JWS alg names AlgorithmFor returns and Verify accepts.
const (
	algEdDSA  = "EdDSA"
	algES256  = "ES256"
	algES384  = "ES384"
	algES256K = "ES256K"
	algRS256  = "RS256"
)

var allowed = []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256, jose.ES384, algES256K, jose.RS256}

// Format is the JWT encoding of a credential.
type Format int

const (
	// FormatJOSE is VC-JOSE-COSE: the payload is the credential.
	FormatJOSE Format = iota + 1
	// FormatOB3 is the OB 3.0 / VCDM 1.1 form: claims plus "vc".
	FormatOB3
	// formatOB3Payload is the OB 3.0 JSON Web Token Proof Format for a
	// VCDM 2.0 credential (OB 3.0 §8.2): typ "JWT" or none, and the
	// payload is the credential itself with the JWT claims iss, jti, sub,
	// nbf and exp beside its members. Verified, not signed.
	formatOB3Payload
)

func (f Format) String() string {
	switch f {
	case FormatJOSE:
		return "vc+jwt"
	case FormatOB3:
		return "jwt-vc"
	case formatOB3Payload:
		return "jwt"
	}
	return "unknown"
}

// AlgorithmFor returns the JWS algorithm for a public key: "EdDSA"
// (Ed25519), "ES256" (P-256), "ES384" (P-384), "ES256K" (secp256k1) or
// "RS256" (RSA of 2048 bits or more).
func AlgorithmFor(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return algEdDSA, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return algES256, nil
		case elliptic.P384():
			return algES384, nil
		}
	case *secp256k1.PublicKey:
		return algES256K, nil
	case *rsa.PublicKey:
		return algRS256, nil
	}
	return "", fmt.Errorf("%w: no algorithm for %T", ErrAlgorithm, pub)
}

// opaque adapts a proof.Signer to go-jose.
type opaque struct {
	ctx    context.Context
	signer proof.Signer
	alg    jose.SignatureAlgorithm
}

func (o opaque) Public() *jose.JSONWebKey {
	return &jose.JSONWebKey{Key: o.signer.Public(), KeyID: o.signer.VerificationMethod(), Algorithm: string(o.alg)}
}
func (o opaque) Algs() []jose.SignatureAlgorithm { return []jose.SignatureAlgorithm{o.alg} }
func (o opaque) SignPayload(payload []byte, alg jose.SignatureAlgorithm) ([]byte, error) {
	if alg != o.alg {
		return nil, ErrAlgorithm
	}
	return o.signer.Sign(o.ctx, payload)
}

// Sign returns credential secured as a compact JWT in format f, signed by
// signer (kid = its verification method). For FormatOB3 the credential's
// issuer, id, subject id and dates become iss, jti, sub, nbf and exp.
//
// The credential must be safe JSON-LD over the embedded contexts
// (contexts.Default()): a member or type its contexts do not define is
// refused, naming its JSON Pointer, as the Data Integrity suites refuse it,
// so that every reader, JSON-LD or not, sees the same claims.
func Sign(ctx context.Context, credential []byte, signer proof.Signer, f Format) (string, error) {
	return sign(ctx, credential, signer, f, contexts.Default())
}

// sign is Sign with the credential checked against the contexts of loader.
func sign(ctx context.Context, credential []byte, signer proof.Signer, f Format, loader proof.ContextLoader) (string, error) {
	if signer == nil {
		return "", errors.New("vcjwt: no signer")
	}
	c, err := vc.ParseCredential(credential)
	if err != nil {
		return "", err
	}
	if err := checkSafe(loader, credential); err != nil {
		return "", err
	}
	if _, ok := c.Member("proof"); ok {
		return "", errors.New("vcjwt: the credential already has an embedded proof")
	}
	alg, err := AlgorithmFor(signer.Public())
	if err != nil {
		return "", err
	}
	var payload []byte
	var typ string
	switch f {
	case FormatJOSE:
		payload, typ = credential, "vc+jwt"
	case FormatOB3:
		claims := map[string]any{"iss": c.Issuer().ID, "vc": json.RawMessage(credential)}
		if id := c.ID(); id != "" {
			claims["jti"] = id
		}
		if subs := c.SubjectIDs(); len(subs) == 1 {
			claims["sub"] = subs[0]
		}
		if t, ok, _ := c.ValidFrom(); ok {
			claims["nbf"] = t.Unix()
		}
		if t, ok, _ := c.ValidUntil(); ok {
			claims["exp"] = t.Unix()
		}
		if payload, err = json.Marshal(claims); err != nil {
			return "", fmt.Errorf("vcjwt: %w", err)
		}
		typ = "JWT"
	default:
		return "", errors.New("vcjwt: unknown format")
	}
	return signCompact(ctx, payload, signer, alg, typ)
}

// signCompact signs payload as a compact JWS with signer's key under alg,
// its verification method as kid and typ as typ, after checkPayload: a
// payload that Verify would refuse is not signed.
func signCompact(ctx context.Context, payload []byte, signer proof.Signer, alg, typ string) (string, error) {
	if err := checkPayload(payload); err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{}).WithHeader(jose.HeaderKey("kid"), signer.VerificationMethod()).WithType(jose.ContentType(typ))
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: opaque{ctx, signer, jose.SignatureAlgorithm(alg)}}, opts)
	if err != nil {
		return "", fmt.Errorf("vcjwt: %w", err)
	}
	jws, err := s.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("vcjwt: signing: %w", err)
	}
	return jws.CompactSerialize()
}

// checkPayload refuses to sign a payload whose claims Verify would refuse:
// a registered claim of the wrong type or out of range, or a member named
// like one in another case. In the VC-JOSE-COSE form the document's own
// top-level members are the claims, so a credential with "iat":
// "2010-01-01T19:23:24Z" is refused here rather than issued unverifiable.
func checkPayload(payload []byte) error {
	v, err := strictjson.Decode(payload, strictjson.Limits{})
	if err != nil {
		return fmt.Errorf("vcjwt: payload: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%w: payload is not a JSON object", ErrMalformed)
	}
	_, err = readClaims(m)
	return err
}

// checkSafe runs JSON-LD safe mode over doc.
func checkSafe(l proof.ContextLoader, doc []byte) error {
	c, err := checkers.get(l)
	if err != nil {
		return err
	}
	v, err := strictjson.Decode(doc, strictjson.Limits{})
	if err != nil {
		return err
	}
	m, _ := v.(map[string]any)
	if err := c.Check(m); err != nil {
		return fmt.Errorf("vcjwt: %w", err)
	}
	return nil
}

// VerifyOptions are the trust inputs of [Verify].
type VerifyOptions struct {
	// Resolver resolves the kid's DID (and, if it implements
	// did.ControllerResolver, https verification methods). Required.
	Resolver did.Resolver
	// Keys, if set, resolves kids that are neither DID URLs nor https URLs.
	Keys KeyResolver
	// Now is the time for nbf/exp; zero means now.
	Now time.Time
	// ClockSkew tolerates clock differences; zero means proof.DefaultClockSkew.
	ClockSkew time.Duration
}

// Result is a verified token.
type Result struct {
	Format Format
	// Credential is the credential exactly as signed.
	Credential []byte
	Algorithm  string
	// Method is the verification method that signed; Controller its DID.
	Method     *did.VerificationMethod
	Controller string
}

// IsCompactJWS reports whether data looks like a compact JWS (three
// base64url segments), without verifying anything.
func IsCompactJWS(data []byte) bool {
	s := bytes.TrimSpace(data)
	parts := bytes.Split(s, []byte("."))
	if len(parts) != 3 || len(parts[0]) == 0 || len(parts[1]) == 0 {
		return false
	}
	for _, p := range parts {
		for _, c := range p {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// Verify verifies a compact JWT credential and returns the credential bytes
// it secures. See the package documentation for what is refused. Errors
// about one claim name it (and wrap [ErrClaims], and
// [vc.ErrExpired] or [vc.ErrNotYetValid] for a failed time check, [ErrMalformed]
// for a malformed claim); a JWS in the JSON serialization is an error
// wrapping [ErrJSONSerialization].
func Verify(ctx context.Context, token string, opts VerifyOptions) (*Result, error) {
	if opts.Resolver == nil {
		return nil, errors.New("vcjwt: no DID resolver configured")
	}
	token = strings.TrimSpace(token)
	h, pb, c, err := parseToken(token)
	if err != nil {
		return nil, err
	}
	// The media type says which form this is: VC-JOSE-COSE ("vc+jwt";
	// the payload is the credential and carries no vc/vp claim) or the
	// OB 3.0 JWT ("JWT" or no typ, with a "vc" claim).
	f, credential, err := credentialKind.secured(h, pb, c)
	if err != nil {
		return nil, err
	}
	res := &Result{Algorithm: h.Alg, Format: f}
	cred, err := vc.ParseCredential(credential)
	if err != nil {
		return nil, err
	}

	// The key: kid, absolute or relative to the issuer.
	iss := c.iss
	if iss == "" {
		iss = cred.Issuer().ID
	}
	vm, controller, err := checkKeyAndSignature(ctx, opts, token, h, iss, did.AssertionMethod)
	if err != nil {
		return nil, err
	}
	res.Method, res.Controller = vm, controller

	// OB 3.0 forms: the registered claims must agree with the credential.
	if res.Format == FormatOB3 || res.Format == formatOB3Payload {
		if err := checkClaims(c, cred); err != nil {
			return nil, err
		}
	}
	if err := checkTimes(c, opts); err != nil {
		return nil, err
	}
	res.Credential = credential
	return res, nil
}

// parseToken splits and decodes a compact JWS strictly and applies the
// rules common to credentials and presentations: no crit, an allowed
// algorithm, a JSON object payload whose registered claims have their
// registered types.
func parseToken(token string) (h header, pb []byte, c *claims, err error) {
	if h, pb, c, err = parseShape(token); err != nil {
		return h, nil, nil, err
	}
	// From RFC 7515 §4.1.11: a recipient MUST reject a crit it does not
	// understand; we understand none (b64 included).
	if h.Crit != nil {
		return h, nil, nil, fmt.Errorf("%w: %s", ErrCritical, h.Crit)
	}
	// Exact, case-sensitive match against the allow-list: "eddsa" or
	// "none" is refused.
	if !slices.Contains(allowed, jose.SignatureAlgorithm(h.Alg)) {
		return h, nil, nil, fmt.Errorf("%w: %q", ErrAlgorithm, h.Alg)
	}
	return h, pb, c, nil
}

// parseShape is parseToken without the alg and crit rules: what
// [UnsafeCredentialWithoutVerification] checks.
func parseShape(token string) (h header, pb []byte, c *claims, err error) {
	if len(token) > 2*limits.MaxCredentialBytes || !IsCompactJWS([]byte(token)) {
		if IsJSONSerialization([]byte(token)) {
			return h, nil, nil, fmt.Errorf("%w: %w", ErrMalformed, ErrJSONSerialization)
		}
		return h, nil, nil, fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	parts := strings.SplitN(strings.TrimSpace(token), ".", 3)
	hb, err := segment(parts[0], "header")
	if err != nil {
		return h, nil, nil, err
	}
	if h, err = parseHeader(hb); err != nil {
		return h, nil, nil, err
	}
	if pb, err = segment(parts[1], "payload"); err != nil {
		return h, nil, nil, err
	}
	if _, err := segment(parts[2], "signature"); err != nil {
		return h, nil, nil, err
	}
	pv, err := strictjson.Decode(pb, strictjson.Limits{})
	if err != nil {
		return h, nil, nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	payload, ok := pv.(map[string]any)
	if !ok {
		return h, nil, nil, fmt.Errorf("%w: payload is not a JSON object", ErrMalformed)
	}
	if c, err = readClaims(payload); err != nil {
		return h, nil, nil, err
	}
	return h, pb, c, nil
}

// KeyResolver resolves a kid that is neither a DID URL nor an https URL,
// such as a JWK thumbprint naming a key in a set the verifier already
// trusts. It returns the verification method and its controller, which is
// then bound to iss (or the credential's issuer, or the holder) as a DID
// controller would be.
type KeyResolver interface {
	ResolveKey(ctx context.Context, kid string) (vm *did.VerificationMethod, controller string, err error)
}

// checkKeyAndSignature resolves the header's kid (absolute, or relative to
// iss) for relationship rel, checks the header's algorithm and jwk against
// the key, and verifies the signature. It returns the method and the DID
// (or URL) of its controller.
func checkKeyAndSignature(ctx context.Context, opts VerifyOptions, token string, h header, iss string, rel did.Relationship) (*did.VerificationMethod, string, error) {
	kid := h.Kid
	if kid == "" {
		return nil, "", fmt.Errorf("%w: no kid header (a header jwk alone does not say who holds the key)", ErrKey)
	}
	// A relative kid ("#key-1") names a method in the document of iss
	// (or, without iss, of the credential's issuer or the holder); iss
	// must then be a bare DID or URL, not itself a DID URL with a fragment.
	if strings.HasPrefix(kid, "#") {
		if iss == "" || strings.Contains(iss, "#") {
			return nil, "", fmt.Errorf("%w: relative kid %q, but iss %q is not a DID or URL without a fragment", ErrKey, kid, iss)
		}
		kid = iss + kid
	}
	// Schemes are matched exactly: "DID:" or "HTTPS:" (or "httpſ:", which
	// case-folds to https) would otherwise go to the KeyResolver rather
	// than the DID resolver.
	if scheme, _, ok := strings.Cut(kid, ":"); ok {
		for _, s := range []string{"did", "https"} {
			if scheme != s && strings.EqualFold(scheme, s) {
				return nil, "", fmt.Errorf("%w: kid %q: scheme %q must be written %q", ErrKey, kid, scheme, s)
			}
		}
	}
	var vm *did.VerificationMethod
	var controller string
	if !strings.HasPrefix(kid, "did:") && !strings.HasPrefix(kid, "https://") && opts.Keys != nil {
		var err error
		if vm, controller, err = opts.Keys.ResolveKey(ctx, kid); err != nil {
			return nil, "", fmt.Errorf("resolving kid %q: %w", kid, err)
		}
		if vm == nil || controller == "" {
			return nil, "", fmt.Errorf("%w: kid %q resolved to no key or no controller", ErrKey, kid)
		}
	} else {
		m, doc, err := did.ResolveVerificationMethod(ctx, opts.Resolver, kid, rel)
		if err != nil {
			return nil, "", fmt.Errorf("resolving kid %q: %w", kid, err)
		}
		vm, controller = m, doc.ID
	}
	key, err := vm.PublicKey()
	if err != nil {
		return nil, "", err
	}
	if len(h.JWK) > 0 {
		hk, err := did.ParseJWK(h.JWK)
		if err != nil {
			return nil, "", fmt.Errorf("%w: header jwk: %w", ErrKey, err)
		}
		if !sameKey(hk, key) {
			return nil, "", fmt.Errorf("%w: header jwk is not the kid's key", ErrKey)
		}
	}
	want, err := AlgorithmFor(key)
	if err != nil || want != h.Alg {
		return nil, "", fmt.Errorf("%w: alg %q does not fit the key (%T)", ErrAlgorithm, h.Alg, key)
	}
	if rk, ok := key.(*rsa.PublicKey); ok && rk.N.BitLen() < 2048 {
		return nil, "", fmt.Errorf("%w: RSA key of %d bits", ErrKey, rk.N.BitLen())
	}
	if err := verifySignature(token, h.Alg, key); err != nil {
		return nil, "", err
	}
	return vm, controller, nil
}

func verifySignature(token, alg string, key crypto.PublicKey) error {
	jws, err := jose.ParseSignedCompact(token, allowed)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var vk any = key
	if k1, ok := key.(*secp256k1.PublicKey); ok {
		vk = es256kVerifier{k1}
	}
	if _, err := jws.Verify(vk); err != nil {
		return fmt.Errorf("%w (%s)", proof.ErrInvalidSignature, alg)
	}
	return nil
}

// es256kVerifier verifies ES256K (secp256k1, SHA-256, r||s; low-S not
// required, as RFC 8812 does not require it).
type es256kVerifier struct{ key *secp256k1.PublicKey }

func (v es256kVerifier) VerifyPayload(payload, sig []byte, alg jose.SignatureAlgorithm) error {
	if alg != algES256K || len(sig) != 64 {
		return ErrAlgorithm
	}
	var r, s secp256k1.ModNScalar
	if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:]) || r.IsZero() || s.IsZero() {
		return proof.ErrInvalidSignature
	}
	h := sha256.Sum256(payload)
	if !secpecdsa.NewSignature(&r, &s).Verify(h[:], v.key) {
		return proof.ErrInvalidSignature
	}
	return nil
}

func sameKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if e, ok := a.(equaler); ok {
		return e.Equal(b)
	}
	ka, ok1 := a.(*secp256k1.PublicKey)
	kb, ok2 := b.(*secp256k1.PublicKey)
	return ok1 && ok2 && ka.IsEqual(kb)
}

// UnsafeClaimsWithoutVerification returns a token's header and payload
// JSON without checking anything but the compact form and its base64url.
// Never trust what it returns.
func UnsafeClaimsWithoutVerification(token string) (header, payload []byte, err error) {
	token = strings.TrimSpace(token)
	if !IsCompactJWS([]byte(token)) {
		return nil, nil, ErrMalformed
	}
	parts := strings.SplitN(token, ".", 3)
	if header, err = segment(parts[0], "header"); err != nil {
		return nil, nil, err
	}
	if payload, err = segment(parts[1], "payload"); err != nil {
		return nil, nil, err
	}
	return header, payload, nil
}

// jwtClaims are the JWT registered claims (RFC 7519 §4.1).
var jwtClaims = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// JSONLDDocument returns the document a verifier holds to JSON-LD safe
// mode for a credential secured in form f, given the credential's decoded
// JSON (what [UnsafeCredentialWithoutVerification] returns, decoded). It
// is the credential itself, except in formatOB3Payload, where the
// payload also carries the JWT registered claims (iss, sub, aud, exp, nbf,
// iat, jti): those are JWT claims, read by [Verify] as such and required
// to agree with the credential, not credential terms, and they are left
// out (a copy of doc without them is returned). In the OB 3.0 vc claim
// form the claims are outside the credential already. In VC-JOSE-COSE the
// payload's members are all credential terms: the VC 2.0 context defines
// iss, sub, aud, exp, nbf, iat and cnf (as IANA JOSE and JWT claim IRIs),
// but not jti, so a vc+jwt credential with a jti member is refused as an
// undefined term unless one of its contexts defines it.
func JSONLDDocument(f Format, doc map[string]any) map[string]any {
	if f != formatOB3Payload {
		return doc
	}
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if !slices.Contains(jwtClaims, k) {
			out[k] = v
		}
	}
	return out
}

// UnsafeCredentialWithoutVerification returns the credential a token
// carries and its form, checking nothing but the shape: strict JSON, the
// header's member names and types, the media type, and the types of the
// registered claims (so a vc claim that is not an object, or an exp that
// is not a number, is an error here already). It does not look at alg,
// crit, the key or the signature. Never trust what it returns; use Verify.
func UnsafeCredentialWithoutVerification(token string) ([]byte, Format, error) {
	h, pb, c, err := parseShape(strings.TrimSpace(token))
	if err != nil {
		return nil, 0, err
	}
	f, credential, err := credentialKind.secured(h, pb, c)
	if err != nil {
		return nil, 0, err
	}
	return credential, f, nil
}
