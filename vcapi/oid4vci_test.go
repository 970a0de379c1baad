package vcapi_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/sqlite"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vcapi"
)

// badge is an OB 3.0 achievement credential template of issuer, without a
// subject id (the holder's DID is bound at delivery).
func badge(issuer string) string {
	return fmt.Sprintf(`{"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "type": ["VerifiableCredential", "OpenBadgeCredential"], "name": "Intro to Data Integrity",
  "issuer": {"id": %q, "type": ["Profile"], "name": "Example Institute"},
  "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"id": "https://institute.example/achievements/di-101", "type": ["Achievement"],
    "name": "Intro to Data Integrity", "description": "Signing and verifying credentials.", "criteria": {"narrative": "Pass the final assessment."}}}}`, issuer)
}

// wallet is a holder with an Ed25519 key, speaking OpenID4VCI to s.
type wallet struct {
	s    *service
	priv ed25519.PrivateKey
	key  *didkey.Key
}

func newWallet(t *testing.T, s *service) *wallet {
	seed := make([]byte, 32)
	copy(seed, t.Name())
	k, err := didkey.NewEd25519FromSeed(seed)
	require.NoError(t, err)
	return &wallet{s: s, priv: ed25519.NewKeyFromSeed(seed), key: k}
}

func (s *service) offer(t *testing.T, issuer, cred, options string) map[string]any {
	t.Helper()
	body := `{"credential": ` + cred
	if options != "" {
		body += `, "options": ` + options
	}
	a := s.post(t, "/issuers/"+issuer+"/offers", body+"}")
	require.Equal(t, http.StatusCreated, a.code, "%s", a.body)
	return a.json(t)
}

func preAuthCode(t *testing.T, offer map[string]any) string {
	t.Helper()
	grants := offer["credential_offer"].(map[string]any)["grants"].(map[string]any)
	return grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"].(map[string]any)["pre-authorized_code"].(string)
}

func (s *service) form(t *testing.T, path string, v url.Values) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(v.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(t, req)
}

func (s *service) redeem(t *testing.T, code, tx string) answer {
	v := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:pre-authorized_code"}, "pre-authorized_code": {code}}
	if tx != "" {
		v.Set("tx_code", tx)
	}
	return s.form(t, "/oid4vci/token", v)
}

func (s *service) freshNonce(t *testing.T) string {
	t.Helper()
	a := s.post(t, "/oid4vci/nonce", "")
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
	return a.json(t)["c_nonce"].(string)
}

// proofSpec shapes a key proof; zero fields take good values.
type proofSpec struct {
	typ, aud, nonce string
	iat             time.Time
	embedJWK        bool
	kid             string
	claims          map[string]any // replace the claims wholesale
	signer          ed25519.PrivateKey
}

func (w *wallet) proof(t *testing.T, p proofSpec) string {
	t.Helper()
	if p.typ == "" {
		p.typ = "openid4vci-proof+jwt"
	}
	if p.aud == "" {
		p.aud = w.s.URL
	}
	if p.iat.IsZero() {
		p.iat = time.Now()
	}
	if p.signer == nil {
		p.signer = w.priv
	}
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(p.typ))
	switch {
	case p.embedJWK:
		opts.EmbedJWK = true
	case p.kid != "":
		opts = opts.WithHeader("kid", p.kid)
	default:
		opts = opts.WithHeader("kid", w.key.VerificationMethod())
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: p.signer}, opts)
	require.NoError(t, err)
	claims := p.claims
	if claims == nil {
		claims = map[string]any{"aud": p.aud, "iat": p.iat.Unix(), "nonce": p.nonce}
	}
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	jws, err := sig.Sign(payload)
	require.NoError(t, err)
	out, err := jws.CompactSerialize()
	require.NoError(t, err)
	return out
}

func (s *service) requestCredential(t *testing.T, token, body string) answer {
	t.Helper()
	return s.post(t, "/oid4vci/credential", body, "Authorization", "Bearer "+token)
}

func credBody(config, jwt string) string {
	return fmt.Sprintf(`{"credential_configuration_id": %q, "proofs": {"jwt": [%q]}}`, config, jwt)
}

func oauthErr(t *testing.T, a answer) string {
	t.Helper()
	m := a.json(t)
	e, _ := m["error"].(string)
	d, _ := m["error_description"].(string)
	return e + ": " + d
}

// TestOID4VCIPreAuthorizedFlow: an offer for both formats is redeemed
// once, each format is delivered once, bound to the holder's DID, and
// verifies; every second use (of the code, of a proof, of a
// configuration) is refused.
func TestOID4VCIPreAuthorizedFlow(t *testing.T) {
	s := newService(t, serviceOptions{oid4vci: &vcapi.OID4VCI{}})
	w := newWallet(t, s)

	md := s.get(t, "/.well-known/openid-credential-issuer").json(t)
	assert.Equal(t, s.URL, md["credential_issuer"])
	assert.Equal(t, s.URL+"/oid4vci/credential", md["credential_endpoint"])
	configs := md["credential_configurations_supported"].(map[string]any)
	ldp := configs["school_ldp_vc"].(map[string]any)
	assert.Equal(t, "ldp_vc", ldp["format"])
	assert.Equal(t, []any{"eddsa-rdfc-2022"}, ldp["credential_signing_alg_values_supported"])
	assert.Equal(t, []any{"ecdsa-sd-2023"}, configs["sd_ldp_vc"].(map[string]any)["credential_signing_alg_values_supported"])
	assert.Equal(t, []any{"EdDSA"}, configs["school_jwt_vc_json"].(map[string]any)["credential_signing_alg_values_supported"])
	as := s.get(t, "/.well-known/oauth-authorization-server").json(t)
	assert.Equal(t, s.URL+"/oid4vci/token", as["token_endpoint"])

	// A name with characters encoding/json would escape: what is sent must
	// be the signed bytes, not a re-encoding.
	tmpl := strings.Replace(badge(s.key.DID().String()), `"name": "Intro to Data Integrity",`, `"name": "Signing & <verifying>",`, 1)
	require.Contains(t, tmpl, "<verifying>")
	offer := s.offer(t, "school", tmpl, `{"learner": "alice@example.edu"}`)
	assert.Equal(t, []any{"school_ldp_vc", "school_jwt_vc_json"}, offer["credential_offer"].(map[string]any)["credential_configuration_ids"])
	assert.True(t, strings.HasPrefix(offer["deepLink"].(string), "openid-credential-offer://?credential_offer=%7B"))
	// By reference: the same offer object.
	ref := offer["credential_offer_uri"].(string)
	require.True(t, strings.HasPrefix(ref, s.URL+"/oid4vci/offers/"))
	byRef := s.get(t, strings.TrimPrefix(ref, s.URL)).json(t)
	assert.Equal(t, offer["credential_offer"], byRef)
	assert.Equal(t, "openid-credential-offer://?credential_offer_uri="+url.QueryEscape(ref), offer["deepLinkByReference"])

	code := preAuthCode(t, offer)
	tok := s.redeem(t, code, "")
	require.Equal(t, http.StatusOK, tok.code, "%s", tok.body)
	assert.Equal(t, "no-store", tok.hdr.Get("Cache-Control"))
	access := tok.json(t)["access_token"].(string)
	again := s.redeem(t, code, "")
	require.Equal(t, http.StatusBadRequest, again.code)
	assert.Contains(t, oauthErr(t, again), "invalid_grant: pre-authorized_code: already redeemed")

	// ldp_vc, holder key named by a did:key kid.
	jwtProof := w.proof(t, proofSpec{nonce: tok.json(t)["c_nonce"].(string)})
	a := s.requestCredential(t, access, credBody("school_ldp_vc", jwtProof))
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
	var ldpAns struct {
		Credentials []struct {
			Credential json.RawMessage `json:"credential"`
		} `json:"credentials"`
	}
	require.NoError(t, json.Unmarshal(a.body, &ldpAns))
	require.Len(t, ldpAns.Credentials, 1)
	signed := ldpAns.Credentials[0].Credential
	var sc struct {
		CredentialSubject struct {
			ID string `json:"id"`
		} `json:"credentialSubject"`
		Proof struct {
			Cryptosuite string `json:"cryptosuite"`
		} `json:"proof"`
		CredentialStatus any `json:"credentialStatus"`
	}
	require.NoError(t, json.Unmarshal(signed, &sc))
	assert.Equal(t, w.key.DID().String(), sc.CredentialSubject.ID, "the subject is the holder's DID")
	assert.Equal(t, "eddsa-rdfc-2022", sc.Proof.Cryptosuite)
	assert.NotNil(t, sc.CredentialStatus, "the school issuer's status list applies")
	v := s.post(t, "/credentials/verify", `{"verifiableCredential": `+string(signed)+`}`)
	assert.Equal(t, http.StatusOK, v.code, "%s", v.body)

	// The same proof again: its nonce is spent.
	a = s.requestCredential(t, access, credBody("school_jwt_vc_json", jwtProof))
	require.Equal(t, http.StatusBadRequest, a.code)
	assert.Contains(t, oauthErr(t, a), "invalid_nonce: proof nonce: used already")

	// jwt_vc_json, holder key embedded as a jwk (so the subject is its did:jwk).
	a = s.requestCredential(t, access, credBody("school_jwt_vc_json", w.proof(t, proofSpec{nonce: s.freshNonce(t), embedJWK: true})))
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
	var jwtAns struct {
		Credentials []struct {
			Credential string `json:"credential"`
		} `json:"credentials"`
	}
	require.NoError(t, json.Unmarshal(a.body, &jwtAns))
	require.Len(t, jwtAns.Credentials, 1)
	token := jwtAns.Credentials[0].Credential
	_, payload, err := vcjwt.UnsafeClaimsWithoutVerification(token)
	require.NoError(t, err)
	jwkDID, err := didjwk.FromPublicKey(w.priv.Public())
	require.NoError(t, err)
	assert.Contains(t, string(payload), `"sub":"`+jwkDID.String()+`"`)
	v = s.post(t, "/credentials/verify", fmt.Sprintf(`{"verifiableCredential": %q}`, token))
	assert.Equal(t, http.StatusOK, v.code, "%s", v.body)

	// Each configuration once per access token.
	a = s.requestCredential(t, access, credBody("school_ldp_vc", w.proof(t, proofSpec{nonce: s.freshNonce(t)})))
	require.Equal(t, http.StatusBadRequest, a.code)
	assert.Contains(t, oauthErr(t, a), "already issued for this access token")
	// A configuration the offer did not hold.
	a = s.requestCredential(t, access, credBody("plain_ldp_vc", w.proof(t, proofSpec{nonce: s.freshNonce(t)})))
	assert.Contains(t, oauthErr(t, a), "unknown_credential_configuration")

	// Both deliveries are in the log, under the learner.
	recs, err := s.st.Find(context.Background(), store.Query{Learner: "alice@example.edu"})
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, "oid4vci:school", recs[0].Ref)
	// The wallet got the exact bytes that were signed and logged.
	leaves := [][]byte{recs[0].LeafHash, recs[1].LeafHash}
	assert.Contains(t, leaves, anchor.Leaf(signed))
	assert.Contains(t, leaves, anchor.Leaf([]byte(token)))
}

// TestOID4VCIKeyProofChecks: each corrupted key proof is refused, naming
// the check, and does not spend the nonce of the good proof after it.
func TestOID4VCIKeyProofChecks(t *testing.T) {
	s := newService(t, serviceOptions{oid4vci: &vcapi.OID4VCI{}})
	w := newWallet(t, s)
	offer := s.offer(t, "plain", badge(s.key.DID().String()), `{"formats": ["ldp_vc"]}`)
	tok := s.redeem(t, preAuthCode(t, offer), "")
	require.Equal(t, http.StatusOK, tok.code)
	access := tok.json(t)["access_token"].(string)
	_, otherPriv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	otherKey, err := didkey.GenerateEd25519()
	require.NoError(t, err)

	good := func(n string) proofSpec { return proofSpec{nonce: n} }
	cases := []struct {
		name string
		make func(n string) string
		want string
	}{
		{"wrong aud", func(n string) string { p := good(n); p.aud = "https://evil.example"; return w.proof(t, p) }, "aud"},
		{"stale iat", func(n string) string { p := good(n); p.iat = time.Now().Add(-time.Hour); return w.proof(t, p) }, "iat"},
		{"future iat", func(n string) string { p := good(n); p.iat = time.Now().Add(time.Hour); return w.proof(t, p) }, "iat"},
		{"no iat", func(n string) string {
			p := good(n)
			p.claims = map[string]any{"aud": s.URL, "nonce": n}
			return w.proof(t, p)
		}, "iat: missing"},
		{"no nonce", func(string) string { return w.proof(t, good("")) }, "nonce: missing"},
		{"unknown nonce", func(string) string { return w.proof(t, good("not-ours")) }, "invalid_nonce"},
		{"unknown claim", func(n string) string {
			p := good(n)
			p.claims = map[string]any{"aud": s.URL, "iat": time.Now().Unix(), "nonce": n, "cnf": "x"}
			return w.proof(t, p)
		}, "claims"},
		{"claim name in another case", func(n string) string {
			p := good(n)
			p.claims = map[string]any{"Aud": s.URL, "aud": "https://evil.example", "iat": time.Now().Unix(), "nonce": n}
			return w.proof(t, p)
		}, `unknown field "Aud"`},
		{"wrong typ", func(n string) string { p := good(n); p.typ = "JWT"; return w.proof(t, p) }, "typ"},
		{"signed by another key", func(n string) string { p := good(n); p.signer = otherPriv; return w.proof(t, p) }, "signature"},
		{"kid of another key", func(n string) string { p := good(n); p.kid = otherKey.VerificationMethod(); return w.proof(t, p) }, "signature"},
		{"kid did:web", func(n string) string { p := good(n); p.kid = "did:web:evil.example#key-1"; return w.proof(t, p) }, "not supported"},
		{"kid without fragment", func(n string) string { p := good(n); p.kid = w.key.DID().String(); return w.proof(t, p) }, "kid"},
		{"alg none", func(n string) string {
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"openid4vci-proof+jwt","kid":"` + w.key.VerificationMethod() + `"}`))
			c := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"aud":%q,"iat":%d,"nonce":%q}`, s.URL, time.Now().Unix(), n)))
			return h + "." + c + "."
		}, "invalid_proof"},
		{"tampered payload", func(n string) string {
			parts := strings.Split(w.proof(t, good(n)), ".")
			parts[1] = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"aud":%q,"iat":%d,"nonce":%q}`, s.URL, time.Now().Unix()+1, n)))
			return strings.Join(parts, ".")
		}, "signature"},
		{"duplicate claim", func(n string) string {
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"EdDSA","typ":"openid4vci-proof+jwt","kid":"` + w.key.VerificationMethod() + `"}`))
			c := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"aud":%q,"aud":%q,"iat":%d,"nonce":%q}`, "https://evil.example", s.URL, time.Now().Unix(), n)))
			sig := ed25519.Sign(w.priv, []byte(h+"."+c))
			return h + "." + c + "." + base64.RawURLEncoding.EncodeToString(sig)
		}, "duplicate"},
		{"x5c header", func(n string) string {
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"EdDSA","typ":"openid4vci-proof+jwt","kid":"` + w.key.VerificationMethod() + `","x5c":["AA=="]}`))
			c := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"aud":%q,"iat":%d,"nonce":%q}`, s.URL, time.Now().Unix(), n)))
			sig := ed25519.Sign(w.priv, []byte(h+"."+c))
			return h + "." + c + "." + base64.RawURLEncoding.EncodeToString(sig)
		}, "x5c"},
		{"not a JWT", func(string) string { return "a.b" }, "invalid_proof"},
		{"huge", func(string) string { return strings.Repeat("a", 20000) + ".b.c" }, "bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := s.freshNonce(t)
			a := s.requestCredential(t, access, credBody("plain_ldp_vc", c.make(n)))
			require.Equal(t, http.StatusBadRequest, a.code, "%s", a.body)
			assert.Contains(t, oauthErr(t, a), c.want)
		})
	}
	// After all that, a good proof still gets the credential.
	a := s.requestCredential(t, access, credBody("plain_ldp_vc", w.proof(t, good(s.freshNonce(t)))))
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
}

// TestOID4VCITxCode: a transaction code is needed, counted, and a spent
// budget spends the offer.
func TestOID4VCITxCode(t *testing.T) {
	s := newService(t, serviceOptions{oid4vci: &vcapi.OID4VCI{}})
	offer := s.offer(t, "plain", badge(s.key.DID().String()), `{"txCode": 6}`)
	tx := offer["tx_code"].(string)
	require.Len(t, tx, 6)
	desc := offer["credential_offer"].(map[string]any)["grants"].(map[string]any)["urn:ietf:params:oauth:grant-type:pre-authorized_code"].(map[string]any)["tx_code"]
	assert.Equal(t, map[string]any{"input_mode": "numeric", "length": 6.0, "description": "the code you were given with this offer"}, desc)
	code := preAuthCode(t, offer)
	assert.Contains(t, oauthErr(t, s.redeem(t, code, "")), "needs the transaction code")
	wrong := "000000"
	if tx == wrong {
		wrong = "111111"
	}
	assert.Contains(t, oauthErr(t, s.redeem(t, code, wrong)), "invalid_grant: tx_code: wrong (2 of 3")
	ok := s.redeem(t, code, tx)
	require.Equal(t, http.StatusOK, ok.code, "%s", ok.body)

	// Three wrong guesses spend an offer: the right code comes too late.
	offer = s.offer(t, "plain", badge(s.key.DID().String()), `{"txCode": 4}`)
	code, tx = preAuthCode(t, offer), offer["tx_code"].(string)
	for i := 0; i < 3; i++ {
		g := fmt.Sprintf("%04d", i)
		if g == tx {
			g = "9999"
		}
		assert.Contains(t, oauthErr(t, s.redeem(t, code, g)), "tx_code: wrong")
	}
	assert.Contains(t, oauthErr(t, s.redeem(t, code, tx)), "too many attempts")
}

// TestOID4VCIExpiry: offers, access tokens and nonces expire on the
// service's clock.
func TestOID4VCIExpiry(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	s := newService(t, serviceOptions{oid4vci: &vcapi.OID4VCI{OfferTTL: time.Minute, TokenTTL: time.Minute, NonceTTL: 30 * time.Second}, clock: clock})
	w := newWallet(t, s)
	offer := s.offer(t, "plain", badge(s.key.DID().String()), "")
	ref := strings.TrimPrefix(offer["credential_offer_uri"].(string), s.URL)
	now.Add(61)
	assert.Equal(t, http.StatusNotFound, s.get(t, ref).code, "an expired offer is not served")
	assert.Contains(t, oauthErr(t, s.redeem(t, preAuthCode(t, offer), "")), "invalid_grant: pre-authorized_code: expired")

	offer = s.offer(t, "plain", badge(s.key.DID().String()), "")
	tok := s.redeem(t, preAuthCode(t, offer), "")
	require.Equal(t, http.StatusOK, tok.code)
	access := tok.json(t)["access_token"].(string)
	n := s.freshNonce(t)
	now.Add(31)
	a := s.requestCredential(t, access, credBody("plain_ldp_vc", w.proof(t, proofSpec{nonce: n, iat: clock()})))
	assert.Contains(t, oauthErr(t, a), "invalid_nonce: proof nonce: expired")
	now.Add(30)
	a = s.requestCredential(t, access, credBody("plain_ldp_vc", w.proof(t, proofSpec{nonce: s.freshNonce(t), iat: clock()})))
	assert.Equal(t, http.StatusUnauthorized, a.code)
	assert.Contains(t, oauthErr(t, a), "invalid_token")
}

// TestOID4VCIConcurrentRedemption: of concurrent redemptions of one code,
// one gets a token.
func TestOID4VCIConcurrentRedemption(t *testing.T) {
	s := newService(t, serviceOptions{oid4vci: &vcapi.OID4VCI{}})
	code := preAuthCode(t, s.offer(t, "plain", badge(s.key.DID().String()), ""))
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.redeem(t, code, "").code == http.StatusOK {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
}

// TestOID4VCIHostile: malformed requests to the new routes get clear 4xx
// answers.
func TestOID4VCIHostile(t *testing.T) {
	s := newService(t, serviceOptions{oid4vci: &vcapi.OID4VCI{}, limits: vcapi.Limits{MaxBody: 64 << 10}})
	iss := s.key.DID().String()
	for _, c := range []struct{ name, body, want string }{
		{"subject id set", `{"credential": ` + strings.Replace(badge(iss), `"credentialSubject": {`, `"credentialSubject": {"id": "did:example:bob", `, 1) + `}`, "credentialSubject.id"},
		{"subject array", `{"credential": ` + strings.Replace(strings.Replace(badge(iss), `"credentialSubject": {`, `"credentialSubject": [{`, 1), `}}}}`, `}}}]}`, 1) + `}`, "want one object"},
		{"signed", `{"credential": ` + strings.Replace(badge(iss), `"name": "Intro`, `"proof": {}, "name": "Intro`, 1) + `}`, "proof"},
		{"no subject", `{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}}`, "credentialSubject: missing"},
		{"other issuer", `{"credential": ` + badge(s.other.DID().String()) + `}`, "cannot be issued"},
		{"unknown option", `{"credential": ` + badge(iss) + `, "options": {"txcode": 6}}`, "unknown field"},
		{"bad format", `{"credential": ` + badge(iss) + `, "options": {"formats": ["mso_mdoc"]}}`, "formats"},
		{"short tx code", `{"credential": ` + badge(iss) + `, "options": {"txCode": 2}}`, "txCode"},
		{"unknown member", `{"credential": ` + badge(iss) + `, "learner": "x"}`, "unknown member"},
	} {
		a := s.post(t, "/issuers/plain/offers", c.body)
		assert.Equal(t, http.StatusBadRequest, a.code, "%s: %s", c.name, a.body)
		assert.Contains(t, string(a.body), c.want, c.name)
	}
	a := s.post(t, "/issuers/plain/offers", `{"credential": `+badge(iss)+`, "options": {"learner": "`+strings.Repeat("x", 70<<10)+`"}}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.code)

	// Token endpoint.
	code := preAuthCode(t, s.offer(t, "plain", badge(iss), ""))
	gt := "urn:ietf:params:oauth:grant-type:pre-authorized_code"
	for _, c := range []struct {
		name string
		v    url.Values
		want string
	}{
		{"authorization code grant", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, "unknown parameter"},
		{"other grant", url.Values{"grant_type": {"client_credentials"}}, "unsupported_grant_type"},
		{"repeated code", url.Values{"grant_type": {gt}, "pre-authorized_code": {code, code}}, "given 2 times"},
		{"no code", url.Values{"grant_type": {gt}}, "pre-authorized_code: missing"},
		{"unknown code", url.Values{"grant_type": {gt}, "pre-authorized_code": {"nope"}}, "invalid_grant: pre-authorized_code: unknown"},
		{"tx code not asked", url.Values{"grant_type": {gt}, "pre-authorized_code": {code}, "tx_code": {"1234"}}, "has no transaction code"},
	} {
		a := s.form(t, "/oid4vci/token", c.v)
		assert.Equal(t, http.StatusBadRequest, a.code, c.name)
		assert.Contains(t, oauthErr(t, a), c.want, c.name)
	}
	a = s.post(t, "/oid4vci/token", `{"grant_type": "`+gt+`"}`)
	assert.Contains(t, oauthErr(t, a), "x-www-form-urlencoded")
	a = s.form(t, "/oid4vci/token", url.Values{"grant_type": {gt}, "pre-authorized_code": {strings.Repeat("x", 70<<10)}})
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.code)
	tok := s.redeem(t, code, "")
	require.Equal(t, http.StatusOK, tok.code, "the hostile attempts did not spend the code: %s", tok.body)
	access := tok.json(t)["access_token"].(string)

	// Credential endpoint.
	a = s.post(t, "/oid4vci/credential", credBody("plain_ldp_vc", "a.b.c"))
	assert.Equal(t, http.StatusUnauthorized, a.code)
	a = s.requestCredential(t, "forged", credBody("plain_ldp_vc", "a.b.c"))
	assert.Equal(t, http.StatusUnauthorized, a.code)
	for _, c := range []struct{ name, body, want string }{
		{"unknown member", `{"credential_configuration_id": "plain_ldp_vc", "proofs": {"jwt": ["a.b.c"]}, "extra": 1}`, "unknown member"},
		{"unknown proofs member", `{"credential_configuration_id": "plain_ldp_vc", "proofs": {"jwt": ["a.b.c"], "ldp_vp": []}}`, "unknown field"},
		{"two proofs", `{"credential_configuration_id": "plain_ldp_vc", "proofs": {"jwt": ["a.b.c", "d.e.f"]}}`, "want one"},
		{"no proof", `{"credential_configuration_id": "plain_ldp_vc"}`, "proof: missing"},
		{"proof and proofs", `{"credential_configuration_id": "plain_ldp_vc", "proof": {"proof_type": "jwt", "jwt": "a"}, "proofs": {"jwt": ["a"]}}`, "send one"},
		{"cwt proof", `{"credential_configuration_id": "plain_ldp_vc", "proof": {"proof_type": "cwt", "jwt": "a"}}`, "want jwt"},
		{"duplicate member", `{"credential_configuration_id": "plain_ldp_vc", "credential_configuration_id": "plain_jwt_vc_json"}`, "duplicate"},
		{"format not offered", `{"format": "mso_mdoc", "proof": {"proof_type": "jwt", "jwt": "a"}}`, "unsupported_credential_format"},
		{"not an object", `["plain_ldp_vc"]`, "object"},
	} {
		a := s.requestCredential(t, access, c.body)
		assert.Equal(t, http.StatusBadRequest, a.code, "%s: %s", c.name, a.body)
		assert.Contains(t, oauthErr(t, a), c.want, c.name)
	}
}

// TestOID4VCIOfferNeedsAuth: creating an offer is an issuer's act.
func TestOID4VCIOfferNeedsAuth(t *testing.T) {
	s := newService(t, serviceOptions{oid4vci: &vcapi.OID4VCI{}, auth: vcapi.Tokens{vcapi.HashToken("s3cret-token-of-the-lms"): "lms"}})
	a := s.post(t, "/issuers/plain/offers", `{"credential": `+badge(s.key.DID().String())+`}`)
	assert.Equal(t, http.StatusUnauthorized, a.code)
	a = s.post(t, "/issuers/plain/offers", `{"credential": `+badge(s.key.DID().String())+`}`, "Authorization", "Bearer s3cret-token-of-the-lms")
	assert.Equal(t, http.StatusCreated, a.code, "%s", a.body)
}

// TestOID4VCIConfig: the issuer identifier is checked at New.
func TestOID4VCIConfig(t *testing.T) {
	for _, bad := range []string{"", "ftp://x", "http://example.com", "https://example.com/", "https://example.com/path", "https://example.com?q", "https://u@example.com"} {
		_, err := vcapi.New(context.Background(), vcapi.Config{Auth: vcapi.NoAuthUnsafe(), Trusted: minimalTrusted(t), Store: openStore(t), OID4VCI: &vcapi.OID4VCI{Issuer: bad}})
		assert.ErrorContains(t, err, "OID4VCI.Issuer", bad)
	}
	_, err := vcapi.New(context.Background(), vcapi.Config{Auth: vcapi.NoAuthUnsafe(), Trusted: minimalTrusted(t), OID4VCI: &vcapi.OID4VCI{Issuer: "https://example.com"}})
	assert.ErrorContains(t, err, "Config.Store is required")
}

func (s *service) get(t *testing.T, path string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	require.NoError(t, err)
	return s.do(t, req)
}

func minimalTrusted(t *testing.T) microcred.Trusted {
	rdfc, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	methods, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	return microcred.Trusted{Resolver: methods, Suites: []proof.Suite{rdfc}}
}

func openStore(t *testing.T) store.Store {
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/state.db")
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// TestOID4VCISignedOffer: an already signed credential is offered as it
// is, verified at offer time, and delivered only to a wallet whose key is
// its subject's; a tampered one, another issuer's or one without a
// subject id is refused when offered.
func TestOID4VCISignedOffer(t *testing.T) {
	s := newService(t, serviceOptions{oid4vci: &vcapi.OID4VCI{}})
	w := newWallet(t, s)
	subject := strings.Replace(badge(s.key.DID().String()), `"credentialSubject": {`, `"credentialSubject": {"id": "`+w.key.DID().String()+`", `, 1)
	signed := s.issue(t, "plain", subject)

	for name, c := range map[string]struct{ vc, want string }{
		"tampered":      {strings.Replace(string(signed), "Intro to Data Integrity", "Intro to Data Integrity!", 1), "verifiableCredential"},
		"other issuer":  {string(s.issue(t, "other", strings.Replace(subject, s.key.DID().String(), s.other.DID().String(), 1))), "issuer is not trusted"},
		"no subject id": {string(s.issue(t, "plain", badge(s.key.DID().String()))), "no id"},
	} {
		a := s.post(t, "/issuers/plain/offers", `{"verifiableCredential": `+c.vc+`}`)
		assert.Equal(t, http.StatusBadRequest, a.code, "%s: %s", name, a.body)
		assert.Contains(t, string(a.body), c.want, name)
	}
	a := s.post(t, "/issuers/plain/offers", `{"verifiableCredential": `+string(signed)+`, "credential": `+badge(s.key.DID().String())+`}`)
	assert.Equal(t, http.StatusBadRequest, a.code, "both a template and a signed credential")

	offerSigned := func() string {
		a := s.post(t, "/issuers/plain/offers", `{"verifiableCredential": `+string(signed)+`}`)
		require.Equal(t, http.StatusCreated, a.code, "%s", a.body)
		m := a.json(t)
		assert.Equal(t, []any{"plain_ldp_vc"}, m["credential_offer"].(map[string]any)["credential_configuration_ids"])
		tok := s.redeem(t, preAuthCode(t, m), "")
		require.Equal(t, http.StatusOK, tok.code)
		return tok.json(t)["access_token"].(string)
	}
	// Another wallet's key: refused, and the token can still be used by the subject.
	access := offerSigned()
	intruder := newWallet(t, s)
	_, ipriv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	intruder.priv = ipriv
	a = s.requestCredential(t, access, credBody("plain_ldp_vc", intruder.proof(t, proofSpec{nonce: s.freshNonce(t), embedJWK: true})))
	require.Equal(t, http.StatusBadRequest, a.code)
	assert.Contains(t, oauthErr(t, a), "not a credentialSubject id")
	a = s.requestCredential(t, access, credBody("plain_ldp_vc", w.proof(t, proofSpec{nonce: s.freshNonce(t)})))
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
	var out struct {
		Credentials []struct {
			Credential json.RawMessage `json:"credential"`
		} `json:"credentials"`
	}
	require.NoError(t, json.Unmarshal(a.body, &out))
	require.Len(t, out.Credentials, 1)
	assert.Equal(t, string(signed), string(out.Credentials[0].Credential), "delivered byte for byte")
}
