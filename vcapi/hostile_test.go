package vcapi_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vcapi"
)

// zeros is an endless body of spaces, so that a huge request costs the
// test nothing to make.
type zeros struct{ n, max int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n >= z.max {
		return 0, io.EOF
	}
	k := min(int64(len(p)), z.max-z.n)
	for i := range p[:k] {
		p[i] = ' '
	}
	z.n += k
	return int(k), nil
}

// Hostile requests each get a clear 4xx problem, never a 5xx, and the
// service goes on serving: malformed JSON, a 100 MB body, a string or an
// array instead of an object, duplicate members, deep nesting, unknown
// members and routes, wrong methods and media types.
func TestHostileRequests(t *testing.T) {
	s := newService(t, serviceOptions{})
	good := s.issue(t, "plain", s.credential(s.key, ""))
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	cases := []struct {
		name, method, path, body, ctype string
		code                            int
		says                            string
	}{
		{"malformed JSON", "POST", "/credentials/verify", `{"verifiableCredential": {`, "", 400, "not strict JSON"},
		{"trailing garbage", "POST", "/credentials/verify", `{"verifiableCredential": {}} {}`, "", 400, "not strict JSON"},
		{"string body", "POST", "/credentials/verify", `"eyJhbGciOi"`, "", 400, "JSON string"},
		{"array body", "POST", "/issuers/plain/credentials/issue", `[1, 2]`, "", 400, "JSON array"},
		{"null body", "POST", "/credentials/verify", `null`, "", 400, "JSON null"},
		{"empty body", "POST", "/credentials/verify", ``, "", 400, "empty"},
		{"duplicate member", "POST", "/credentials/verify", `{"verifiableCredential": {}, "verifiableCredential": ` + string(good) + `}`, "", 400, "duplicate"},
		{"duplicate member, escaped", "POST", "/credentials/verify", `{"verifiableCredential": {}, "verifiable\u0043redential": ` + string(good) + `}`, "", 400, "duplicate"},
		{"deep nesting", "POST", "/credentials/verify", `{"verifiableCredential": ` + deep + `}`, "", 400, "deep"},
		{"credential is a number", "POST", "/credentials/verify", `{"verifiableCredential": 42}`, "", 400, "want an object"},
		{"credential is a non-JWT string", "POST", "/credentials/verify", `{"verifiableCredential": "hello"}`, "", 400, "not a compact JWT"},
		{"credential as a JSON string", "POST", "/credentials/verify", `{"verifiableCredential": ` + jsonString(string(good)) + `}`, "", 400, "not a compact JWT"},
		{"proof null", "POST", "/credentials/verify", `{"verifiableCredential": ` + strings.Replace(string(good), `"proof":{`, `"proof":null,"x":{`, 1) + `}`, "", 400, ""},
		{"no credential", "POST", "/credentials/verify", `{"options": {}}`, "", 400, "missing"},
		{"unknown member", "POST", "/credentials/verify", `{"verifiableCredential": {}, "verifiablecredential": {}}`, "", 400, "unknown member"},
		{"options not an object", "POST", "/credentials/verify", `{"verifiableCredential": ` + string(good) + `, "options": []}`, "", 400, "want an object"},
		{"invalid UTF-8", "POST", "/credentials/verify", "{\"verifiableCredential\": \"\xff\"}", "", 400, "not strict JSON"},
		{"unknown route", "POST", "/credentials/issue", `{}`, "", 404, "no route"},
		{"unknown issuer", "POST", "/issuers/nobody/credentials/issue", `{"credential": {}}`, "", 404, "unknown issuer"},
		{"wrong method", "GET", "/credentials/verify", ``, "", 405, "use POST"},
		{"wrong method on a list", "POST", "/status/school/1", `{}`, "", 405, "use GET"},
		{"form body", "POST", "/credentials/verify", `a=b`, "application/x-www-form-urlencoded", 415, "application/json"},
		{"two presentations", "POST", "/presentations/verify", `{"verifiablePresentation": {}, "presentation": {}, "options": {"challenge": "c"}}`, "", 400, "give one"},
		{"presentation without challenge", "POST", "/presentations/verify", `{"verifiablePresentation": {}}`, "", 400, "challenge"},
		{"status update without id", "POST", "/issuers/school/credentials/status", `{"credentialStatus": [{"status": "revoked"}]}`, "", 400, "credentialId"},
		{"status update for an unknown credential", "POST", "/issuers/school/credentials/status", `{"credentialId": "urn:x", "credentialStatus": [{"status": "revoked"}]}`, "", 404, "no credential"},
		{"status update with a bad status", "POST", "/issuers/school/credentials/status", `{"credentialId": "urn:x", "credentialStatus": [{"status": 7}]}`, "", 404, ""},
		{"derive without a base proof", "POST", "/credentials/derive", `{"verifiableCredential": ` + string(good) + `}`, "", 400, "cannot derive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, s.URL+c.path, strings.NewReader(c.body))
			require.NoError(t, err)
			ct := c.ctype
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
			a := s.do(t, req)
			assert.Equal(t, c.code, a.code, "%s", a.body)
			assert.Contains(t, a.hdr.Get("Content-Type"), "json")
			if c.says != "" {
				assert.Contains(t, string(a.body), c.says)
			}
		})
	}

	t.Run("100 MB body", func(t *testing.T) {
		start := time.Now()
		req, err := http.NewRequest("POST", s.URL+"/credentials/verify", &zeros{max: 100 << 20})
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.Client().Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "%s", b)
			assert.Contains(t, string(b), "larger than 1048576 bytes")
		}
		// The server may close the connection before the client has sent
		// everything (then the client sees a write error): either way it
		// stopped reading at the limit, long before 100 MB.
		assert.Less(t, time.Since(start), 10*time.Second)
	})

	// Still serving, and it counted the refusals.
	a := s.verify(t, good, "")
	assert.Equal(t, http.StatusOK, a.code, "%s", a.body)
	m := s.do(t, mustGet(t, s.URL+"/metrics"))
	assert.Contains(t, string(m.body), `microcred_requests_total{route="POST /credentials/verify",status="400"}`)
	assert.Contains(t, string(m.body), `microcred_requests_total{route="unmatched",status="404"}`)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func mustGet(t *testing.T, url string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	return req
}

// The request's time limit bounds the work: a verification that outlives
// it ends, the client gets an answer, the service goes on.
func TestRequestTimeout(t *testing.T) {
	s := newService(t, serviceOptions{limits: vcapi.Limits{Timeout: time.Nanosecond}})
	a := s.post(t, "/issuers/school/credentials/issue", `{"credential": `+s.credential(s.key, "")+`}`)
	assert.Equal(t, http.StatusServiceUnavailable, a.code, "%s", a.body)
	assert.Contains(t, string(a.body), "timed out")
}

// Bearer tokens: only the hash is configured; a missing, malformed or
// wrong token is 401 with WWW-Authenticate, the right one issues; verify
// needs none.
func TestTokens(t *testing.T) {
	s := newService(t, serviceOptions{auth: vcapi.Tokens{vcapi.HashToken("s3cret-lms-token"): "lms"}})
	body := `{"credential": ` + s.credential(s.key, "") + `}`
	for name, hdr := range map[string][]string{
		"none":     nil,
		"basic":    {"Authorization", "Basic czNjcmV0"},
		"wrong":    {"Authorization", "Bearer s3cret-lms-tokeN"},
		"the hash": {"Authorization", "Bearer " + vcapi.HashToken("s3cret-lms-token")},
		"empty":    {"Authorization", "Bearer "},
	} {
		a := s.post(t, "/issuers/plain/credentials/issue", body, hdr...)
		assert.Equal(t, http.StatusUnauthorized, a.code, name)
		assert.NotEmpty(t, a.hdr.Get("WWW-Authenticate"), name)
		assert.NotContains(t, string(a.body), "s3cret", name)
	}
	a := s.post(t, "/issuers/plain/credentials/issue", body, "Authorization", "Bearer s3cret-lms-token")
	require.Equal(t, http.StatusCreated, a.code, "%s", a.body)
	var out struct {
		VC json.RawMessage `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(a.body, &out))
	assert.Equal(t, http.StatusOK, s.verify(t, out.VC, "").code)
	// Status changes are guarded too.
	assert.Equal(t, http.StatusUnauthorized, s.post(t, "/issuers/school/credentials/status", `{}`).code)
}

// OAuth2 access tokens as JWTs: signed by the configured key, from the
// configured issuer, for the audience, unexpired, with the scope.
func TestOAuth2(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	wrongKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	now := time.Now()
	auth, err := vcapi.NewOAuth2(vcapi.OAuth2Options{
		Keys:   jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "as-1", Algorithm: "ES256"}}},
		Issuer: "https://as.school.example", Audience: "https://issuer.school.example", Scope: "credentials:issue",
	})
	require.NoError(t, err)
	_, err = vcapi.NewOAuth2(vcapi.OAuth2Options{Keys: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey}}}, Issuer: "x"})
	assert.Error(t, err, "an audience is required")
	_, err = vcapi.NewOAuth2(vcapi.OAuth2Options{Keys: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key}}}, Issuer: "x", Audience: "y"})
	assert.Error(t, err, "a private key in the set is refused")

	token := func(signer *ecdsa.PrivateKey, mutate func(*jwt.Claims, map[string]any)) string {
		sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: signer}, (&jose.SignerOptions{}).WithHeader("kid", "as-1").WithType("at+jwt"))
		require.NoError(t, err)
		c := jwt.Claims{Issuer: "https://as.school.example", Audience: jwt.Audience{"https://issuer.school.example"}, Subject: "lms-client",
			Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute)), IssuedAt: jwt.NewNumericDate(now)}
		extra := map[string]any{"scope": "credentials:issue credentials:status", "client_id": "lms"}
		mutate(&c, extra)
		out, err := jwt.Signed(sig).Claims(c).Claims(extra).Serialize()
		require.NoError(t, err)
		return out
	}
	s := newService(t, serviceOptions{auth: auth})
	body := `{"credential": ` + s.credential(s.key, "") + `}`
	cases := map[string]string{
		"expired":        token(key, func(c *jwt.Claims, _ map[string]any) { c.Expiry = jwt.NewNumericDate(now.Add(-time.Hour)) }),
		"no exp":         token(key, func(c *jwt.Claims, _ map[string]any) { c.Expiry = nil }),
		"wrong audience": token(key, func(c *jwt.Claims, _ map[string]any) { c.Audience = jwt.Audience{"https://elsewhere.example"} }),
		"wrong issuer":   token(key, func(c *jwt.Claims, _ map[string]any) { c.Issuer = "https://evil.example" }),
		"no scope":       token(key, func(_ *jwt.Claims, e map[string]any) { e["scope"] = "profile" }),
		"wrong key":      token(wrongKey, func(*jwt.Claims, map[string]any) {}),
		"alg none":       "eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2FzLnNjaG9vbC5leGFtcGxlIn0.",
	}
	for name, tok := range cases {
		a := s.post(t, "/issuers/plain/credentials/issue", body, "Authorization", "Bearer "+tok)
		assert.Equal(t, http.StatusUnauthorized, a.code, "%s: %s", name, a.body)
	}
	a := s.post(t, "/issuers/plain/credentials/issue", body, "Authorization", "Bearer "+token(key, func(*jwt.Claims, map[string]any) {}))
	assert.Equal(t, http.StatusCreated, a.code, "%s", a.body)
}

// Close commits what is pending, then the service answers 503.
func TestClose(t *testing.T) {
	s := newService(t, serviceOptions{})
	s.issue(t, "school", s.credential(s.key, ""))
	require.NoError(t, s.h.Close(context.Background()))
	a := s.post(t, "/issuers/school/credentials/issue", `{"credential": `+s.credential(s.key, "")+`}`)
	assert.Equal(t, http.StatusServiceUnavailable, a.code)
}

// FuzzRoutes sends arbitrary bodies to every route: never a 5xx, never a
// panic, always JSON.
func FuzzRoutes(f *testing.F) {
	for _, seed := range []string{`{}`, `{"credential": {}}`, `{"verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": {}}}`,
		`{"verifiableCredential": "a.b.c"}`, `{"credentialId": "x", "credentialStatus": [{"status": true}]}`, `{"verifiablePresentation": {}, "options": {"challenge": "c"}}`,
		`{"verifiableCredential": {}, "options": {"selectivePointers": ["/a"]}}`, `[`, `"\ud800"`} {
		for r := range 5 {
			f.Add(uint8(r), seed)
		}
	}
	for _, seed := range []string{`{"credential_configuration_id": "plain_ldp_vc", "proofs": {"jwt": ["e30.e30.AA"]}}`,
		`{"format": "ldp_vc", "proof": {"proof_type": "jwt", "jwt": "eyJhbGciOiJFZERTQSJ9.e30."}}`,
		"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=x&tx_code=1", "a=%zz"} {
		for r := 5; r < 9; r++ {
			f.Add(uint8(r), seed)
		}
	}
	f.Add(uint8(9), `{"verifiablePresentation": {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiablePresentation"], "proof": {"type": "Ed25519Signature2020"}}}`)
	f.Add(uint8(10), `{"credential": {"credentialSubject": {}}}`)
	s := newService(f, serviceOptions{oid4vci: &vcapi.OID4VCI{}, exchanges: &vcapi.Exchanges{MaxPosts: 1 << 30, TTL: 24 * time.Hour}})
	ex, err := s.h.CreateExchange(context.Background(), vcapi.ExchangeRequest{Issuer: "plain", Credential: []byte(badge(s.key.DID().String()))})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		paths := []string{"/issuers/plain/credentials/issue", "/issuers/school/credentials/status", "/credentials/verify", "/presentations/verify", "/credentials/derive",
			"/issuers/plain/offers", "/oid4vci/token", "/oid4vci/credential", "/oid4vci/nonce", "/exchanges/" + ex.ID, "/issuers/plain/exchanges"}
		path := paths[int(route)%len(paths)]
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		switch path {
		case "/oid4vci/token":
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		case "/oid4vci/credential":
			req.Header.Set("Authorization", "Bearer "+body)
		}
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, req)
		if w.Code >= 500 && w.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s %q: %d %s", req.URL.Path, body, w.Code, w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %q: not JSON: %s", req.URL.Path, body, w.Body)
		}
	})
}

// TestOptionNamesAreCaseSensitive: encoding/json matches member names
// case-insensitively; an option spelt in another case is refused, not read
// as the option.
func TestOptionNamesAreCaseSensitive(t *testing.T) {
	s := newService(t, serviceOptions{})
	for _, opts := range []string{`{"CredentialId": "urn:uuid:7a4f0d1e-0000-4000-8000-000000000001"}`, `{"credentialid": "urn:uuid:7a4f0d1e-0000-4000-8000-000000000001"}`} {
		a := s.post(t, "/issuers/plain/credentials/issue", `{"credential": `+s.credential(s.key, "")+`, "options": `+opts+`}`)
		assert.Equal(t, http.StatusBadRequest, a.code, "%s: %s", opts, a.body)
		assert.Contains(t, string(a.body), "unknown field", opts)
	}
	a := s.post(t, "/credentials/verify", `{"verifiableCredential": {}, "options": {"Checks": ["proof"]}}`)
	assert.Equal(t, http.StatusBadRequest, a.code)
	assert.Contains(t, string(a.body), `unknown field \"Checks\"`)
}
