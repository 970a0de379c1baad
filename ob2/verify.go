package ob2

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

// Algorithms are the JWS algorithms accepted for signed assertions. OB
// 2.0 requires RS256; the RSA and ECDSA algorithms beside it are those
// issuers' JOSE libraries produce with the same key documents. "none" and
// HMAC are never accepted.
var algorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512, jose.ES256, jose.ES384, jose.ES512}

// minRSABits is the smallest RSA key accepted.
const minRSABits = 2048

// Option configures [NewVerifier].
type Option func(*config) error

type config struct {
	loader *contexts.Loader
}

// WithLoader sets the JSON-LD contexts badges are expanded with; the
// default is contexts.Default(). It must hold the OB 2.0 context.
func WithLoader(l *contexts.Loader) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("ob2: WithLoader(nil)")
		}
		c.loader = l
		return nil
	}
}

// Verifier verifies OB 2.0 assertions. It is safe for concurrent use.
type Verifier struct {
	fetch Fetcher
	ld    *canon.RDFC
}

// NewVerifier returns a Verifier whose documents come from fetch: every
// document a badge refers to (the hosted assertion, its BadgeClass and
// Issuer profile, the signing key and the revocation list). A nil fetch
// supplies none, so every badge fails (even a signed one that embeds its
// BadgeClass and Issuer needs its key).
func NewVerifier(fetch Fetcher, opts ...Option) (*Verifier, error) {
	cfg := config{loader: contexts.Default()}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("ob2: nil option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	l := cfg.loader
	if !l.Has(contextV2) {
		return nil, fmt.Errorf("ob2: the context loader does not hold %s", contextV2)
	}
	r, err := canon.NewRDFC(canon.Options{Loader: l})
	if err != nil {
		return nil, err
	}
	f := fetch
	if f == nil {
		f = Documents(nil)
	}
	return &Verifier{fetch: f, ld: r}, nil
}

// Step names, as [Result.Steps] reports them (the same names as the
// microcred Verifier's checks).
const (
	StepParse     = "parse"
	StepProof     = "proof"
	StepIssuer    = "issuer"
	StepStatus    = "status"
	stepValidity  = "validity"
	stepRecipient = "recipient"
)

// Step is the outcome of one step.
type Step struct {
	Name string
	// Err is nil when the step passed (or was skipped, see Skipped).
	Err error
	// Skipped: the step did not apply (no revocation list), or an earlier
	// step failed; Err then says why.
	Skipped bool
	Detail  string
}

// Checks are what a verification is checked against.
type Checks struct {
	// Now is the time issuedOn and expires are checked against; zero is
	// an error.
	Now time.Time
	// Skew tolerates clocks this far apart.
	Skew time.Duration
	// Recipient, if set, must be the recipient's identity (an email
	// address, a URL, a telephone number or an id, as the assertion's
	// recipient.type says).
	Recipient string
	// IgnoreRevocationUnsafe skips the status step (revocationList and a
	// hosted assertion's revoked flag).
	IgnoreRevocationUnsafe bool
}

// Result is the report of one verification.
type Result struct {
	// Badge is what was parsed; nil if parsing failed. It is verified
	// only when Verify returned a nil error.
	Badge *Badge
	// Steps lists every step in order: parse, proof, issuer, status,
	// validity, and recipient when Checks.Recipient is set.
	Steps []Step
}

func (r *Result) add(name string, detail string, err error) {
	r.Steps = append(r.Steps, Step{Name: name, Detail: detail, Err: err})
}

func (r *Result) skip(names ...string) {
	for _, n := range names {
		r.Steps = append(r.Steps, Step{Name: n, Skipped: true, Err: errors.New("ob2: skipped: an earlier step failed")})
	}
}

// Err joins the errors of the failed steps; nil if none failed.
func (r *Result) Err() error {
	var errs []error
	for _, s := range r.Steps {
		if s.Err != nil && !s.Skipped {
			errs = append(errs, fmt.Errorf("%s: %w", s.Name, s.Err))
		}
	}
	return errors.Join(errs...)
}

// Verify verifies one OB 2.0 assertion, given as a hosted assertion's
// URL, a JSON assertion or a compact JWS (take it out of a baked image
// with bake.ExtractOB2 first). It always returns a Result; the error is
// nil iff every step passed, and otherwise joins the failed steps'
// errors.
//
// From spec (OB 2.0 Verification): parse the assertion and the documents
// it refers to; proof: a signed assertion's JWS verifies with the key
// verification.creator names, a hosted assertion is the document at its
// id; issuer: the key's owner is the issuer and the issuer's profile
// declares it (signed), or the assertion's id is within the issuer's
// verification policy (hosted); status: not revoked; validity: issuedOn
// not in the future, expires not past.
func (v *Verifier) Verify(ctx context.Context, input []byte, c Checks) (*Result, error) {
	res := &Result{}
	rest := []string{StepProof, StepIssuer, StepStatus, stepValidity}
	if c.Recipient != "" {
		rest = append(rest, stepRecipient)
	}
	if c.Now.IsZero() {
		res.add(StepParse, "", errors.New("ob2: Checks.Now is required"))
		res.skip(rest...)
		return res, res.Err()
	}
	b, err := v.load(ctx, input)
	if err != nil {
		res.add(StepParse, "", err)
		res.skip(rest...)
		return res, res.Err()
	}
	res.Badge = b
	res.add(StepParse, fmt.Sprintf("OB 2.0 %s assertion %s (%s)", verificationName(b), b.Assertion.ID, b.Form), nil)

	detail, err := v.proof(ctx, b)
	res.add(StepProof, detail, err)
	if err != nil {
		res.skip(rest[1:]...)
		return res, res.Err()
	}
	detail, err = b.issuer()
	res.add(StepIssuer, detail, err)

	detail, applies, err := v.revocation(ctx, b)
	if c.IgnoreRevocationUnsafe {
		detail, applies = "revocation not checked (IgnoreRevocationUnsafe)", false
	}
	if !applies {
		res.Steps = append(res.Steps, Step{Name: StepStatus, Skipped: true, Detail: detail, Err: errors.New("ob2: " + detail)})
	} else {
		res.add(StepStatus, detail, err)
	}
	detail, err = b.validity(c.Now, c.Skew)
	res.add(stepValidity, detail, err)
	if c.Recipient != "" {
		err := b.MatchRecipient(c.Recipient)
		detail := ""
		if err == nil {
			detail = "awarded to " + b.Assertion.Recipient.Type + " " + c.Recipient
		}
		res.add(stepRecipient, detail, err)
	}
	return res, res.Err()
}

func verificationName(b *Badge) string {
	if b.Assertion.Verification.signed() {
		return "signed"
	}
	return "hosted"
}

// isJWS reports whether s has the shape of a compact JWS.
func isJWS(s []byte) bool {
	s = bytes.TrimSpace(s)
	if bytes.Count(s, []byte(".")) != 2 || len(s) < 5 {
		return false
	}
	for _, c := range s {
		if !(c == '.' || c == '-' || c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// Detect reports whether input looks like an OB 2.0 assertion: an
// http(s) URL (a hosted assertion's id), a JSON object whose @context is
// or starts with contextV2, or a compact JWS whose payload is one; a
// Blockcerts v2 certificate (MerkleProof2017) is not. It only sniffs;
// [Verifier.Verify] decides.
func Detect(input []byte) bool {
	t := bytes.TrimSpace(input)
	if len(t) > limits.MaxCredentialBytes {
		return false
	}
	if isURL(t) {
		return true
	}
	if isJWS(t) {
		parts := bytes.Split(t, []byte("."))
		p, err := base64.RawURLEncoding.DecodeString(string(parts[1]))
		if err != nil {
			return false
		}
		t = bytes.TrimSpace(p)
	}
	if len(t) == 0 || t[0] != '{' || !bytes.Contains(t, []byte(contextV2)) {
		return false
	}
	// Blockcerts v2 certificates are OB 2.0 assertions secured by a
	// MerkleProof2017 receipt: not hosted or signed badges, and read by
	// the Blockcerts verifier (package microcred's Verifier with
	// WithBlockcerts), not here.
	if bytes.Contains(t, []byte("MerkleProof2017")) || bytes.Contains(t, []byte("MerkleProofVerification2017")) {
		return false
	}
	var head struct {
		Context json.RawMessage `json:"@context"`
	}
	if json.Unmarshal(t, &head) != nil {
		return false
	}
	var one string
	if json.Unmarshal(head.Context, &one) == nil {
		return one == contextV2
	}
	var many []json.RawMessage
	return json.Unmarshal(head.Context, &many) == nil && len(many) > 0 && json.Unmarshal(many[0], &one) == nil && one == contextV2
}

// isURL reports whether s is one absolute http(s) URL.
func isURL(s []byte) bool {
	t := string(bytes.TrimSpace(s))
	if !strings.HasPrefix(t, "https://") && !strings.HasPrefix(t, "http://") || strings.ContainsAny(t, " \t\r\n") {
		return false
	}
	u, err := url.Parse(t)
	return err == nil && u.Host != ""
}

// load is the parse step: detect the form, read the assertion and the
// BadgeClass and Issuer it refers to.
func (v *Verifier) load(ctx context.Context, input []byte) (*Badge, error) {
	if len(input) > limits.MaxCredentialBytes {
		return nil, fmt.Errorf("%w: input larger than %d bytes", errMalformed, limits.MaxCredentialBytes)
	}
	t := bytes.TrimSpace(input)
	b := &Badge{}
	switch {
	case isURL(t):
		b.Form = FormURL
		u := string(t)
		data, err := v.fetch.Fetch(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("fetching assertion %s: %w", u, err)
		}
		b.AssertionJSON = data
		b.source = u
	case isJWS(t):
		b.Form = FormJWS
		b.JWS = string(t)
		// The payload is read here, before the signature is checked, to
		// find the key; the proof step verifies these very bytes.
		obj, err := jose.ParseSignedCompact(b.JWS, algorithms)
		if err != nil {
			return nil, fmt.Errorf("%w: JWS: %w", errMalformed, err)
		}
		b.AssertionJSON = obj.UnsafePayloadWithoutVerification()
	case len(t) > 0 && t[0] == '{':
		b.Form = FormJSON
		b.given = t
		b.AssertionJSON = t
	default:
		return nil, fmt.Errorf("%w: input is neither an assertion URL, a JSON assertion nor a compact JWS", errMalformed)
	}
	obj, err := decode(b.AssertionJSON, &b.Assertion, "assertion")
	if err != nil {
		return nil, err
	}
	if err := v.jsonld(obj, "assertion"); err != nil {
		return nil, err
	}
	if err := b.Assertion.validate(); err != nil {
		return nil, err
	}
	if b.Form == FormJSON && b.Assertion.Verification.hosted() {
		// From spec (hosted verification): the assertion that counts is
		// the one at its id; the copy given must be the same object.
		hosted, err := v.fetch.Fetch(ctx, b.Assertion.ID)
		if err != nil {
			return nil, fmt.Errorf("fetching hosted assertion %s: %w", b.Assertion.ID, err)
		}
		b.AssertionJSON = hosted
		b.source = b.Assertion.ID
		b.Assertion = Assertion{}
		obj, err := decode(hosted, &b.Assertion, "hosted assertion")
		if err != nil {
			return nil, err
		}
		if err := v.jsonld(obj, "hosted assertion"); err != nil {
			return nil, err
		}
		if err := b.Assertion.validate(); err != nil {
			return nil, err
		}
	}
	if err := v.related(ctx, b.Assertion.Badge, &b.BadgeClass, "badge"); err != nil {
		return nil, err
	}
	if err := b.BadgeClass.validate(); err != nil {
		return nil, err
	}
	// The issuer's profile says which keys and origins are the issuer's,
	// so it is always the document at the issuer's id, never a copy
	// embedded in what the assertion's signer or host controls.
	iss, err := issuerID(b.BadgeClass.Issuer)
	if err != nil {
		return nil, err
	}
	if _, err := v.document(ctx, iss, &b.Issuer, "issuer"); err != nil {
		return nil, err
	}
	if err := b.Issuer.validate(); err != nil {
		return nil, err
	}
	return b, nil
}

// jsonld is the JSON-LD rule: the document names the OB 2.0 context and,
// in safe mode, every member and type is defined by it (so a JSON-LD
// reader and a JSON reader see the same badge).
func (v *Verifier) jsonld(obj map[string]any, what string) error {
	if err := checkContext(obj, what); err != nil {
		return err
	}
	if _, err := v.ld.Canonicalize(obj); err != nil {
		return fmt.Errorf("%w: %s: JSON-LD: %w", errMalformed, what, err)
	}
	return nil
}

// related reads a BadgeClass or Issuer: an object embedded in the
// document that refers to it (covered by the same signature or hosted
// copy), or a URL whose document must carry that URL as its id.
func (v *Verifier) related(ctx context.Context, raw json.RawMessage, dst any, what string) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		if err := strictjson.Unmarshal(raw, dst, strictjson.Limits{}); err != nil {
			return fmt.Errorf("%w: %s: %w", errMalformed, what, err)
		}
		return nil
	}
	var u string
	if err := json.Unmarshal(raw, &u); err != nil || u == "" {
		return fmt.Errorf("%w: %s: neither an object nor a URL", errMalformed, what)
	}
	_, err := v.document(ctx, u, dst, what)
	return err
}

// issuerID reads a BadgeClass's issuer: its URL, or the id of an
// embedded profile.
func issuerID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	var id string
	if len(raw) > 0 && raw[0] == '{' {
		var p struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &p) != nil || p.ID == "" {
			return "", fmt.Errorf("%w: badge: issuer: an embedded profile without an id", errMalformed)
		}
		return p.ID, nil
	}
	if json.Unmarshal(raw, &id) != nil || id == "" {
		return "", fmt.Errorf("%w: badge: issuer: neither an object nor a URL", errMalformed)
	}
	return id, nil
}

// document fetches the document at u, decodes it into dst and checks the
// context rule and that its id is u.
func (v *Verifier) document(ctx context.Context, u string, dst any, what string) ([]byte, error) {
	data, err := v.fetch.Fetch(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("fetching %s %s: %w", what, u, err)
	}
	obj, err := decode(data, dst, what)
	if err != nil {
		return nil, err
	}
	if err := v.jsonld(obj, what); err != nil {
		return nil, err
	}
	if id, _ := obj["id"].(string); id != u {
		return nil, fmt.Errorf("%w: %s: id: %q is not the URL it came from, %s", errMalformed, what, id, u)
	}
	return data, nil
}

// proof is the proof step.
func (v *Verifier) proof(ctx context.Context, b *Badge) (string, error) {
	a := &b.Assertion
	switch {
	case b.Form == FormJWS && !a.Verification.signed():
		return "", fmt.Errorf("%w: verification.type: %q, but the assertion came as a JWS", errVerificationType, []string(a.Verification.Type))
	case b.Form != FormJWS && a.Verification.signed():
		return "", fmt.Errorf("%w: verification.type: %q, but the assertion came as %s, not a JWS", errVerificationType, []string(a.Verification.Type), b.Form)
	case b.Form == FormJWS:
		return v.signature(ctx, b)
	}
	// Hosted. From spec: the assertion is the document at its id URL.
	if b.Assertion.ID != b.source {
		return "", fmt.Errorf("%w: id %q is not the URL %s the assertion was fetched from", ErrHostedMismatch, b.Assertion.ID, b.source)
	}
	switch b.Form {
	case FormURL:
		return "hosted at its id " + b.source, nil
	case FormJSON:
		var given, hosted any
		if json.Unmarshal(b.given, &given) != nil || json.Unmarshal(b.AssertionJSON, &hosted) != nil || !reflect.DeepEqual(given, hosted) {
			return "", fmt.Errorf("%w: the assertion given differs from the one hosted at its id %s", ErrHostedMismatch, a.ID)
		}
		return "hosted at " + a.ID + ", the same as the copy given", nil
	}
	return "", fmt.Errorf("ob2: unknown form %v", b.Form)
}

// signature verifies a signed assertion's JWS with the key its
// verification.creator names.
func (v *Verifier) signature(ctx context.Context, b *Badge) (string, error) {
	creator := b.Assertion.Verification.Creator
	if creator == "" {
		return "", fmt.Errorf("%w: verification.creator: missing; it names the signing key", errMalformed)
	}
	key := &CryptographicKey{}
	if _, err := v.document(ctx, creator, key, "key"); err != nil {
		return "", err
	}
	if !key.Type.has("CryptographicKey") {
		return "", fmt.Errorf("%w: key: type: %q is not CryptographicKey", errMalformed, []string(key.Type))
	}
	pub, err := parsePEM(key.PublicKeyPem)
	if err != nil {
		return "", err
	}
	obj, err := jose.ParseSignedCompact(b.JWS, algorithms)
	if err != nil {
		return "", fmt.Errorf("%w: JWS: %w", errMalformed, err)
	}
	alg := obj.Signatures[0].Header.Algorithm
	payload, err := obj.Verify(pub)
	if err != nil {
		return "", fmt.Errorf("%w: JWS (%s) with key %s: %w", errInvalidSignature, alg, creator, err)
	}
	if !bytes.Equal(payload, b.AssertionJSON) {
		return "", fmt.Errorf("%w: the verified payload differs from the parsed one", errInvalidSignature)
	}
	b.Key = key
	return fmt.Sprintf("%s JWS by %s", alg, creator), nil
}

// parsePEM reads a CryptographicKey's publicKeyPem: an RSA key of at
// least MinRSABits, or an ECDSA P-256, P-384 or P-521 key.
func parsePEM(s string) (any, error) {
	blk, rest := pem.Decode([]byte(s))
	if blk == nil || len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("%w: key: publicKeyPem: not one PEM block", errMalformed)
	}
	var pub any
	var err error
	switch blk.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(blk.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(blk.Bytes)
	default:
		return nil, fmt.Errorf("%w: key: publicKeyPem: PEM type %q is not a public key", errMalformed, blk.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: key: publicKeyPem: %w", errMalformed, err)
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("%w: key: publicKeyPem: RSA key of %d bits (at least %d)", errMalformed, k.N.BitLen(), minRSABits)
		}
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
		default:
			return nil, fmt.Errorf("%w: key: publicKeyPem: unsupported curve", errMalformed)
		}
	default:
		return nil, fmt.Errorf("%w: key: publicKeyPem: %T is not an RSA or ECDSA key", errMalformed, pub)
	}
	return pub, nil
}

// issuer is the issuer step: the signing key belongs to the issuer, or
// the hosted assertion is where the issuer's policy allows.
func (b *Badge) issuer() (string, error) {
	iss := &b.Issuer
	if b.Form == FormJWS {
		// From spec: the key's owner is the issuer, and the issuer
		// profile's publicKey declares the key.
		switch {
		case b.Key == nil:
			return "", errors.New("ob2: no verified key")
		case b.Key.Owner != iss.ID:
			return "", fmt.Errorf("%w: key %s: owner %q is not the issuer %q", ErrKeyOwner, b.Key.ID, b.Key.Owner, iss.ID)
		case !iss.PublicKey.has(b.Key.ID):
			return "", fmt.Errorf("%w: issuer %s: publicKey %q does not list key %s", ErrKeyOwner, iss.ID, []string(iss.PublicKey), b.Key.ID)
		}
		return "key " + b.Key.ID + " owned by the issuer " + iss.ID, nil
	}
	// From spec (hosted): the assertion id must start with one of the
	// policy's startsWith values, and its host be one of allowedOrigins
	// (by default the issuer id's host).
	iu, err := url.Parse(iss.ID)
	if err != nil || iu.Scheme != "https" && iu.Scheme != "http" || iu.Host == "" {
		return "", fmt.Errorf("%w: issuer id %q is not an http(s) URL, so no origin binds a hosted assertion to it", ErrHostedMismatch, iss.ID)
	}
	pol := Verification{}
	if iss.Verification != nil {
		pol = *iss.Verification
	}
	id := b.Assertion.ID
	if len(pol.StartsWith) > 0 {
		ok := false
		for _, p := range pol.StartsWith {
			ok = ok || (p != "" && strings.HasPrefix(id, p))
		}
		if !ok {
			return "", fmt.Errorf("%w: assertion id %s does not start with any of the issuer's verification.startsWith %q", ErrHostedMismatch, id, []string(pol.StartsWith))
		}
	}
	origins := pol.AllowedOrigins
	if len(origins) == 0 {
		origins = strs{iu.Host}
	}
	au, err := url.Parse(id)
	if err != nil || au.Host == "" || au.User != nil {
		return "", fmt.Errorf("%w: assertion id %q is not a URL with a host", ErrHostedMismatch, id)
	}
	if !origins.has(au.Host) {
		return "", fmt.Errorf("%w: assertion id %s is hosted at %s, not in the issuer's allowed origins %q", ErrHostedMismatch, id, au.Host, []string(origins))
	}
	return "hosted at " + au.Host + ", allowed by the issuer " + iss.ID, nil
}

// revocation is the status step.
func (v *Verifier) revocation(ctx context.Context, b *Badge) (detail string, applies bool, err error) {
	a := &b.Assertion
	if a.Revoked {
		// A hosted assertion says it is revoked.
		return "", true, fmt.Errorf("%w: the hosted assertion %s says revoked: %q", status.ErrRevoked, a.ID, a.RevocationReason)
	}
	u := b.Issuer.RevocationList
	if u == "" {
		if b.Form == FormJWS {
			return "the issuer has no revocationList", false, nil
		}
		return "hosted assertion not marked revoked", true, nil
	}
	list := &revocationList{}
	if _, err := v.document(ctx, u, list, "revocationList"); err != nil {
		return "", true, err
	}
	if !list.Type.has("RevocationList") {
		return "", true, fmt.Errorf("%w: revocationList: type: %q is not RevocationList", errMalformed, []string(list.Type))
	}
	for _, e := range list.RevokedAssertions {
		var id string
		var obj struct {
			ID     string `json:"id"`
			Reason string `json:"revocationReason"`
		}
		switch {
		case json.Unmarshal(e, &id) == nil:
			if id == a.ID {
				return "", true, fmt.Errorf("%w: in revocationList %s", status.ErrRevoked, u)
			}
		case json.Unmarshal(e, &obj) == nil:
			if obj.ID == a.ID {
				return "", true, fmt.Errorf("%w: in revocationList %s, reason %q", status.ErrRevoked, u, obj.Reason)
			}
		default:
			return "", true, fmt.Errorf("%w: revocationList: revokedAssertions: an entry is neither an id nor an object", errMalformed)
		}
	}
	return "not in revocationList " + u, true, nil
}

// parseTime reads an OB 2.0 DateTime (ISO 8601 with a time zone).
func parseTime(s, field string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: assertion: %s: %q is not an ISO 8601 date-time with a time zone", errMalformed, field, s)
	}
	return t, nil
}

// validity is the validity step.
func (b *Badge) validity(now time.Time, skew time.Duration) (string, error) {
	issued, err := parseTime(b.Assertion.IssuedOn, "issuedOn")
	if err != nil {
		return "", err
	}
	if now.Add(skew).Before(issued) {
		return "", fmt.Errorf("%w: issuedOn %s", vc.ErrNotYetValid, issued.UTC().Format(time.RFC3339))
	}
	if b.Assertion.Expires != "" {
		exp, err := parseTime(b.Assertion.Expires, "expires")
		if err != nil {
			return "", err
		}
		if exp.Before(issued) {
			return "", fmt.Errorf("%w: assertion: expires %s is before issuedOn %s", errMalformed, b.Assertion.Expires, b.Assertion.IssuedOn)
		}
		if now.Add(-skew).After(exp) {
			return "", fmt.Errorf("%w: expires %s", vc.ErrExpired, exp.UTC().Format(time.RFC3339))
		}
	}
	return "issued " + issued.UTC().Format(time.RFC3339) + ", valid at " + now.UTC().Format(time.RFC3339), nil
}

// MatchRecipient reports whether identity is the assertion's recipient:
// equal to recipient.identity, or, when hashed, hashing (with the salt)
// to it. A "mailto:" or "tel:" prefix on identity is dropped for the
// email and telephone types. The error wraps [ErrWrongRecipient].
func (b *Badge) MatchRecipient(identity string) error {
	r := b.Assertion.Recipient
	switch r.Type {
	case "email":
		identity = strings.TrimPrefix(identity, "mailto:")
	case "telephone":
		identity = strings.TrimPrefix(identity, "tel:")
	}
	if !r.Hashed {
		if r.Identity == identity {
			return nil
		}
		return fmt.Errorf("%w: recipient.identity is not %q", ErrWrongRecipient, identity)
	}
	alg, want, _ := strings.Cut(r.Identity, "$")
	var sum []byte
	switch strings.ToLower(alg) {
	case "sha256":
		s := sha256.Sum256([]byte(identity + r.Salt))
		sum = s[:]
	case "md5":
		s := md5.Sum([]byte(identity + r.Salt))
		sum = s[:]
	default:
		return fmt.Errorf("%w: recipient.identity: unknown hash %q", errMalformed, alg)
	}
	// Some issuers write the digest in upper case; it is the same digest.
	if hex.EncodeToString(sum) != strings.ToLower(want) {
		return fmt.Errorf("%w: %s(%q + salt) is not recipient.identity", ErrWrongRecipient, strings.ToLower(alg), identity)
	}
	return nil
}
