package vcapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vcapi"
)

// lcw is a holder that speaks VC-API exchanges as the Learner Credential
// Wallet does (app/lib/exchanges.ts): POST {} to the exchange, read the
// VerifiablePresentationRequest, answer a DIDAuthentication query with a
// VCDM 1.1 presentation {holder} signed with Ed25519Signature2020 for
// authentication with the request's challenge and domain, POSTed as
// {"verifiablePresentation"} to interact.service[0].serviceEndpoint.
type lcw struct {
	key *didkey.Key
}

type vpr struct {
	Query []struct {
		Type string `json:"type"`
	} `json:"query"`
	Challenge string `json:"challenge"`
	Domain    string `json:"domain"`
	Interact  struct {
		Service []struct {
			Type            string `json:"type"`
			ServiceEndpoint string `json:"serviceEndpoint"`
		} `json:"service"`
	} `json:"interact"`
}

func (l *lcw) presentation(t *testing.T, challenge, domain string) string {
	t.Helper()
	suite, err := legacy.NewEd25519Signature2020(contexts.Default())
	require.NoError(t, err)
	vp := `{"@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"], "type": ["VerifiablePresentation"], "holder": "` + l.key.DID().String() + `"}`
	wallet, err := microcred.NewIssuer(l.key, microcred.WithSuite(suite), microcred.WithClock(func() time.Time { return time.Now().UTC().Truncate(time.Second) }))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := wallet.SignPresentation(context.Background(), []byte(vp), microcred.PresentationOptions{Challenge: challenge, Domain: domain})
	require.NoError(t, err)
	return string(signed)
}

func (s *service) exchange(t *testing.T, issuer, cred string) map[string]any {
	t.Helper()
	a := s.post(t, "/issuers/"+issuer+"/exchanges", `{"credential": `+cred+`, "options": {"learner": "alice@example.edu"}}`)
	require.Equal(t, http.StatusCreated, a.code, "%s", a.body)
	return a.json(t)
}

// start is the wallet's first POST: {} to the exchange URL.
func (l *lcw) start(t *testing.T, s *service, exURL string) vpr {
	t.Helper()
	a := s.post(t, strings.TrimPrefix(exURL, s.URL), `{}`)
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
	var out struct {
		VPR vpr `json:"verifiablePresentationRequest"`
	}
	require.NoError(t, json.Unmarshal(a.body, &out))
	return out.VPR
}

func (l *lcw) answer(t *testing.T, s *service, endpoint, vp string) answer {
	t.Helper()
	return s.post(t, strings.TrimPrefix(endpoint, s.URL), `{"verifiablePresentation": `+vp+`}`)
}

// TestExchangeLCWFlow: the interaction URL names the exchange, the
// exchange asks for DID authentication, the wallet's presentation gets
// the credential issued to its DID, in a presentation; the exchange is
// then spent.
func TestExchangeLCWFlow(t *testing.T) {
	s := newService(t, serviceOptions{exchanges: &vcapi.Exchanges{}})
	holder, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	w := &lcw{key: holder}
	ex := s.exchange(t, "school", badge(s.key.DID().String()))
	exURL := ex["exchangeURL"].(string)
	assert.Equal(t, exURL+"?iuv=1", ex["interactionURL"])
	// The deep link carries a Wallet API message naming protocols.vcapi.
	dl, err := url.Parse(ex["deepLink"].(string))
	require.NoError(t, err)
	assert.Equal(t, "lcw.app", dl.Host)
	var msg struct {
		Protocols struct {
			Vcapi string `json:"vcapi"`
		} `json:"protocols"`
	}
	require.NoError(t, json.Unmarshal([]byte(dl.Query().Get("request")), &msg))
	assert.Equal(t, exURL, msg.Protocols.Vcapi)
	assert.True(t, strings.HasPrefix(ex["customDeepLink"].(string), "dccrequest://request?request="))
	got := s.get(t, strings.TrimPrefix(ex["interactionURL"].(string), s.URL)).json(t)
	assert.Equal(t, map[string]any{"protocols": map[string]any{"vcapi": exURL}}, got)

	req := w.start(t, s, exURL)
	require.Len(t, req.Query, 1)
	assert.Equal(t, "DIDAuthentication", req.Query[0].Type)
	assert.Equal(t, strings.TrimPrefix(s.URL, "http://"), req.Domain)
	require.NotEmpty(t, req.Challenge)
	require.Len(t, req.Interact.Service, 1)
	endpoint := req.Interact.Service[0].ServiceEndpoint
	assert.Equal(t, exURL, endpoint)

	a := w.answer(t, s, endpoint, w.presentation(t, req.Challenge, req.Domain))
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
	var out struct {
		VP struct {
			Type                 []string          `json:"type"`
			VerifiableCredential []json.RawMessage `json:"verifiableCredential"`
		} `json:"verifiablePresentation"`
	}
	require.NoError(t, json.Unmarshal(a.body, &out))
	require.Len(t, out.VP.VerifiableCredential, 1)
	cred := out.VP.VerifiableCredential[0]
	var sc struct {
		CredentialSubject struct {
			ID string `json:"id"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(cred, &sc))
	assert.Equal(t, holder.DID().String(), sc.CredentialSubject.ID)
	v := s.post(t, "/credentials/verify", `{"verifiableCredential": `+string(cred)+`}`)
	assert.Equal(t, http.StatusOK, v.code, "%s", v.body)
	recs, err := s.st.Find(context.Background(), store.Query{Learner: "alice@example.edu"})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, "exchange:school", recs[0].Ref)
	assert.Equal(t, anchor.Leaf(cred), recs[0].LeafHash, "the wallet got the exact bytes signed and logged")

	// Reused: the same presentation again, or a fresh start.
	a = w.answer(t, s, endpoint, w.presentation(t, req.Challenge, req.Domain))
	assert.Equal(t, http.StatusConflict, a.code)
	assert.Contains(t, string(a.body), "already completed")
	a = s.post(t, strings.TrimPrefix(exURL, s.URL), `{}`)
	assert.Equal(t, http.StatusConflict, a.code)
}

// TestExchangeRefusals: a presentation with the wrong challenge, the
// wrong domain, no proof, or signed by a key that is not the holder's is
// refused and leaves the exchange open; an expired exchange, an unknown
// one and one past its request budget are refused with their own answers.
func TestExchangeRefusals(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	s := newService(t, serviceOptions{exchanges: &vcapi.Exchanges{TTL: time.Minute, MaxPosts: 8}, clock: clock})
	holder, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	other, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	w := &lcw{key: holder}
	ex := s.exchange(t, "plain", badge(s.key.DID().String()))
	exURL := ex["exchangeURL"].(string)
	req := w.start(t, s, exURL)

	for name, c := range map[string]struct{ vp, want string }{
		"wrong challenge": {w.presentation(t, "not-the-challenge", req.Domain), "challenge"},
		"wrong domain":    {w.presentation(t, req.Challenge, "evil.example"), "domain"},
		"unsigned":        {`{"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiablePresentation"], "holder": "` + holder.DID().String() + `"}`, "proof"},
		"another holder":  {swapHolder(t, w.presentation(t, req.Challenge, req.Domain), holder, other), "DID authentication failed"},
	} {
		a := w.answer(t, s, exURL, c.vp)
		assert.Equal(t, http.StatusBadRequest, a.code, "%s: %s", name, a.body)
		assert.Contains(t, string(a.body), c.want, name)
	}
	for name, body := range map[string]string{
		"unknown member": `{"verifiablePresentation": {}, "options": {}}`,
		"not an object":  `{"verifiablePresentation": "a.b.c"}`,
		"duplicate":      `{"verifiablePresentation": {}, "verifiablePresentation": {}}`,
	} {
		a := s.post(t, strings.TrimPrefix(exURL, s.URL), body)
		assert.Equal(t, http.StatusBadRequest, a.code, "%s: %s", name, a.body)
	}
	// Budget: 1 start + 4 presentations + 3 bodies = 8 posts; the 9th is refused.
	a := w.answer(t, s, exURL, w.presentation(t, req.Challenge, req.Domain))
	assert.Equal(t, http.StatusTooManyRequests, a.code, "%s", a.body)

	// A fresh exchange completes after the refusals above (they do not spend it)...
	ex = s.exchange(t, "plain", badge(s.key.DID().String()))
	req = w.start(t, s, ex["exchangeURL"].(string))
	a = w.answer(t, s, ex["exchangeURL"].(string), w.presentation(t, "wrong", req.Domain))
	require.Equal(t, http.StatusBadRequest, a.code)
	a = w.answer(t, s, ex["exchangeURL"].(string), w.presentation(t, req.Challenge, req.Domain))
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)

	// ...and one left past its TTL is gone.
	ex = s.exchange(t, "plain", badge(s.key.DID().String()))
	req = w.start(t, s, ex["exchangeURL"].(string))
	now.Add(61)
	a = w.answer(t, s, ex["exchangeURL"].(string), w.presentation(t, req.Challenge, req.Domain))
	assert.Equal(t, http.StatusGone, a.code)
	assert.Contains(t, string(a.body), "expired")
	assert.Equal(t, http.StatusNotFound, s.post(t, "/exchanges/nope", `{}`).code)
}

// TestExchangeConcurrentCompletion: of concurrent completions of one
// exchange with valid presentations, one gets a credential.
func TestExchangeConcurrentCompletion(t *testing.T) {
	s := newService(t, serviceOptions{exchanges: &vcapi.Exchanges{}})
	holder, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	w := &lcw{key: holder}
	ex := s.exchange(t, "plain", badge(s.key.DID().String()))
	req := w.start(t, s, ex["exchangeURL"].(string))
	vp := w.presentation(t, req.Challenge, req.Domain)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if w.answer(t, s, ex["exchangeURL"].(string), vp).code == http.StatusOK {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
}

// TestExchangeCreateHostile: templates that cannot be bound, unknown
// options, and no authentication are refused.
func TestExchangeCreateHostile(t *testing.T) {
	s := newService(t, serviceOptions{exchanges: &vcapi.Exchanges{}, auth: vcapi.Tokens{vcapi.HashToken("lms-token-0123456789"): "lms"}})
	iss := s.key.DID().String()
	auth := []string{"Authorization", "Bearer lms-token-0123456789"}
	assert.Equal(t, http.StatusUnauthorized, s.post(t, "/issuers/plain/exchanges", `{"credential": `+badge(iss)+`}`).code)
	for name, c := range map[string]struct{ body, want string }{
		"subject id":     {`{"credential": ` + strings.Replace(badge(iss), `"credentialSubject": {`, `"credentialSubject": {"id": "did:example:x", `, 1) + `}`, "credentialSubject.id"},
		"other issuer":   {`{"credential": ` + badge(s.other.DID().String()) + `}`, "cannot be issued"},
		"unknown option": {`{"credential": ` + badge(iss) + `, "options": {"Learner": "x"}}`, "unknown field"},
		"no credential":  {`{"options": {}}`, "credential: missing"},
	} {
		a := s.post(t, "/issuers/plain/exchanges", c.body, auth...)
		assert.Equal(t, http.StatusBadRequest, a.code, "%s: %s", name, a.body)
		assert.Contains(t, string(a.body), c.want, name)
	}
	assert.Equal(t, http.StatusCreated, s.post(t, "/issuers/plain/exchanges", `{"credential": `+badge(iss)+`}`, auth...).code)
}

// swapHolder names other as the holder of a presentation holder signed.
func swapHolder(t *testing.T, vp string, holder, other *didkey.Key) string {
	t.Helper()
	out := strings.Replace(vp, `"holder": "`+holder.DID().String(), `"holder": "`+other.DID().String(), 1)
	require.NotEqual(t, vp, out, "the holder was swapped")
	return out
}
