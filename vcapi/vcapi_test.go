package vcapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/sqlite"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vcapi"
)

// service is a Handler over a fresh SQLite store, served by httptest.
type service struct {
	*httptest.Server
	h     *vcapi.Handler
	st    store.Store
	key   *didkey.Key
	p256  *didkey.Key
	other *didkey.Key
	list  string
}

type serviceOptions struct {
	auth   vcapi.Authenticator
	policy []microcred.PolicyOption
	// trust replaces the policy's default trust (the test keys).
	trust  *microcred.Trust
	clock  func() time.Time
	limits vcapi.Limits
	// oid4vci serves OpenID4VCI at the test server's address.
	oid4vci *vcapi.OID4VCI
	// exchanges serves VC-API exchanges at the test server's address.
	exchanges *vcapi.Exchanges
}

func newService(t testing.TB, o serviceOptions) *service {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/state.db")
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	key, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	p256, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	other, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	rdfc, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	sd, err := ecdsasd2023.New(contexts.Default())
	require.NoError(t, err)
	ed2020, err := legacy.NewEd25519Signature2020(contexts.Default())
	require.NoError(t, err)
	methods, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	if o.auth == nil {
		o.auth = vcapi.NoAuthUnsafe()
	}
	trust := microcred.TrustIssuers(key.DID().String(), p256.DID().String())
	if o.trust != nil {
		trust = *o.trust
	}
	policy, err := microcred.NewPolicy(trust, o.policy...)
	require.NoError(t, err)
	s := &service{st: st, key: key, p256: p256, other: other}
	srv := httptest.NewUnstartedServer(nil)
	s.list = "http://" + srv.Listener.Addr().String() + "/status/school/1"
	if o.exchanges != nil {
		o.exchanges.BaseURL = "http://" + srv.Listener.Addr().String()
	}
	if o.oid4vci != nil {
		o.oid4vci.Issuer = "http://" + srv.Listener.Addr().String()
	}
	h, err := vcapi.New(ctx, vcapi.Config{
		Issuers: []vcapi.Issuer{
			{Name: "plain", Signer: key, Suite: rdfc},
			{Name: "school", Signer: key, Suite: rdfc, StatusLists: []vcapi.StatusList{{URL: s.list}, {URL: s.list + "s", Purpose: "suspension"}}},
			{Name: "sd", Signer: p256, Suite: sd},
			{Name: "other", Signer: other, Suite: rdfc},
		},
		Store:     st,
		Trusted:   microcred.Trusted{Resolver: methods, Suites: []proof.Suite{rdfc, sd, eddsa2022.NewJCS(), ed2020}, AcceptJWT: true},
		Policy:    policy,
		Auth:      o.auth,
		Clock:     o.clock,
		Limits:    o.limits,
		OID4VCI:   o.oid4vci,
		Exchanges: o.exchanges,
	})
	require.NoError(t, err)
	s.h = h
	srv.Config.Handler = h
	srv.Start()
	s.Server = srv
	t.Cleanup(func() { srv.Close(); h.Close(ctx) })
	return s
}

func (s *service) credential(issuer *didkey.Key, extra string) string {
	return fmt.Sprintf(`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": %q, "credentialSubject": {"id": "did:example:alice", "name": "Alice"}%s}`, issuer.DID().String(), extra)
}

type answer struct {
	code int
	body []byte
	hdr  http.Header
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.body, &m), "body: %s", a.body)
	return m
}

func (s *service) post(t *testing.T, path, body string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return s.do(t, req)
}

func (s *service) do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{code: resp.StatusCode, body: b, hdr: resp.Header}
}

// issue issues and returns the signed credential's bytes.
func (s *service) issue(t *testing.T, issuer, cred string) []byte {
	t.Helper()
	a := s.post(t, "/issuers/"+issuer+"/credentials/issue", `{"credential": `+cred+`}`)
	require.Equal(t, http.StatusCreated, a.code, "%s", a.body)
	var out struct {
		VC json.RawMessage `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(a.body, &out))
	return out.VC
}

func (s *service) verify(t *testing.T, vc []byte, options string) answer {
	t.Helper()
	body := `{"verifiableCredential": ` + string(vc)
	if options != "" {
		body += `, "options": ` + options
	}
	return s.post(t, "/credentials/verify", body+"}")
}

func idOf(t *testing.T, vc []byte) string {
	var m struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(vc, &m))
	return m.ID
}

// The life of a credential through the service: issued with a status
// entry in the hosted list, verified (200), revoked through the status
// route, then refused (400) with a problem naming the status check; the
// list itself is served with an ETag and honours If-None-Match.
func TestIssueVerifyRevoke(t *testing.T) {
	s := newService(t, serviceOptions{})
	vc := s.issue(t, "school", s.credential(s.key, ""))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(vc, &doc))
	entry := doc["credentialStatus"].(map[string]any)
	assert.Equal(t, s.list, entry["statusListCredential"])
	assert.Equal(t, "revocation", entry["statusPurpose"])

	a := s.verify(t, vc, "")
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
	assert.Equal(t, true, a.json(t)["verified"])
	assert.Contains(t, a.json(t)["checks"], "status")

	// The log has it, with the index of its entry.
	recs, err := s.st.Find(context.Background(), store.Query{CredentialID: idOf(t, vc)})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, s.list, recs[0].ListURL)
	assert.Equal(t, entry["statusListIndex"], fmt.Sprint(recs[0].Index))

	get, err := http.NewRequest(http.MethodGet, s.list, nil)
	require.NoError(t, err)
	before := s.do(t, get)
	require.Equal(t, http.StatusOK, before.code)
	etag := before.hdr.Get("ETag")
	require.NotEmpty(t, etag)
	assert.Equal(t, "public, max-age=300", before.hdr.Get("Cache-Control"))
	get.Header.Set("If-None-Match", etag)
	assert.Equal(t, http.StatusNotModified, s.do(t, get).code)

	up := s.post(t, "/issuers/school/credentials/status", fmt.Sprintf(`{"credentialId": %q, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]}`, idOf(t, vc)))
	require.Equal(t, http.StatusOK, up.code, "%s", up.body)

	a = s.verify(t, vc, "")
	require.Equal(t, http.StatusBadRequest, a.code, "%s", a.body)
	m := a.json(t)
	assert.Equal(t, false, m["verified"])
	errs := m["errors"].([]any)
	require.Len(t, errs, 1)
	assert.Equal(t, "status", errs[0].(map[string]any)["check"])
	assert.Contains(t, errs[0].(map[string]any)["detail"], "revoked")

	// The list changed: a new ETag, and the old one no longer matches.
	after := s.do(t, get)
	require.Equal(t, http.StatusOK, after.code)
	assert.NotEqual(t, etag, after.hdr.Get("ETag"))

	// A revocation is final.
	back := s.post(t, "/issuers/school/credentials/status", fmt.Sprintf(`{"credentialId": %q, "credentialStatus": [{"status": "active"}]}`, idOf(t, vc)))
	assert.Equal(t, http.StatusConflict, back.code, "%s", back.body)
	// Another issuer cannot change it.
	other := s.post(t, "/issuers/other/credentials/status", fmt.Sprintf(`{"credentialId": %q, "credentialStatus": [{"status": "revoked"}]}`, idOf(t, vc)))
	assert.Equal(t, http.StatusNotFound, other.code, "%s", other.body)
}

// A suspension is lifted, and verification follows each change.
func TestSuspendAndReinstate(t *testing.T) {
	s := newService(t, serviceOptions{})
	a := s.post(t, "/issuers/school/credentials/issue", `{"credential": `+s.credential(s.key, "")+`, "options": {"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}}}`)
	require.Equal(t, http.StatusCreated, a.code, "%s", a.body)
	var out struct {
		VC json.RawMessage `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(a.body, &out))
	id := idOf(t, out.VC)
	assert.Contains(t, string(out.VC), `"statusPurpose":"suspension"`)
	for _, step := range []struct {
		status string
		code   int
	}{{"suspended", 400}, {"active", 200}, {"suspended", 400}} {
		up := s.post(t, "/issuers/school/credentials/status", fmt.Sprintf(`{"credentialId": %q, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": %q}]}`, id, step.status))
		require.Equal(t, http.StatusOK, up.code, "%s", up.body)
		assert.Equal(t, step.code, s.verify(t, out.VC, "").code, "after %s", step.status)
	}
	// Revoking a credential whose entry is a suspension entry is refused.
	up := s.post(t, "/issuers/school/credentials/status", fmt.Sprintf(`{"credentialId": %q, "credentialStatus": [{"status": "revoked"}]}`, id))
	assert.Equal(t, http.StatusBadRequest, up.code)
	// An unknown purpose is refused when issuing.
	a = s.post(t, "/issuers/school/credentials/issue", `{"credential": `+s.credential(s.key, "")+`, "options": {"credentialStatus": {"statusPurpose": "message"}}}`)
	assert.Equal(t, http.StatusBadRequest, a.code)
}

// options.checks ["proof"] drops issuer trust, and only that: an
// untrusted issuer verifies (with a warning), a tampered or expired
// credential still fails.
func TestChecksProofOnly(t *testing.T) {
	s := newService(t, serviceOptions{})
	vc := s.issue(t, "other", s.credential(s.other, ""))
	a := s.verify(t, vc, "")
	require.Equal(t, http.StatusBadRequest, a.code, "untrusted issuer must fail by default: %s", a.body)
	assert.Contains(t, string(a.body), "not trusted")

	a = s.verify(t, vc, `{"checks": ["proof"]}`)
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
	assert.NotEmpty(t, a.json(t)["warnings"])

	tampered := bytes.Replace(vc, []byte(`"Alice"`), []byte(`"Mallory"`), 1)
	a = s.verify(t, tampered, `{"checks": ["proof"]}`)
	assert.Equal(t, http.StatusBadRequest, a.code)
	assert.Contains(t, string(a.body), "CRYPTOGRAPHIC_SECURITY_ERROR")

	expired := s.issue(t, "other", s.credential(s.other, `, "validUntil": "2020-01-01T00:00:00Z", "validFrom": "2019-01-01T00:00:00Z"`))
	a = s.verify(t, expired, `{"checks": ["proof"]}`)
	assert.Equal(t, http.StatusBadRequest, a.code, "%s", a.body)
	assert.Contains(t, string(a.body), "RANGE_ERROR")

	for _, bad := range []string{`{"checks": ["status"]}`, `{"checks": ["proof", "magic"]}`, `{"checks": "proof"}`, `{"unknownOption": 1}`} {
		assert.Equal(t, http.StatusBadRequest, s.verify(t, vc, bad).code, bad)
	}
}

// options.checks ["proof"] drops issuer trust under a TrustNoIssuer
// policy too: the request's trust replaces the service's, it is not added
// to it (which left "trust none" in force).
func TestChecksProofOnlyTrustNoIssuer(t *testing.T) {
	none := microcred.TrustNoIssuer()
	s := newService(t, serviceOptions{trust: &none})
	vc := s.issue(t, "school", s.credential(s.key, ""))
	a := s.verify(t, vc, "")
	require.Equal(t, http.StatusBadRequest, a.code, "under TrustNoIssuer even the service's own issuer is untrusted: %s", a.body)
	a = s.verify(t, vc, `{"checks": ["proof"]}`)
	require.Equal(t, http.StatusOK, a.code, "%s", a.body)
	tampered := bytes.Replace(vc, []byte(`"Alice"`), []byte(`"Mallory"`), 1)
	assert.Equal(t, http.StatusBadRequest, s.verify(t, tampered, `{"checks": ["proof"]}`).code)
}

// ecdsa-sd-2023 through the service: a base proof with the request's
// mandatory pointers, derived by the holder route, verified; the base
// proof itself does not verify.
func TestSelectiveDisclosureRoutes(t *testing.T) {
	s := newService(t, serviceOptions{})
	cred := s.credential(s.p256, `, "validUntil": "2099-01-01T00:00:00Z"`)
	a := s.post(t, "/issuers/sd/credentials/issue", `{"credential": `+cred+`, "options": {"mandatoryPointers": ["/credentialSubject/id"]}}`)
	require.Equal(t, http.StatusCreated, a.code, "%s", a.body)
	var out struct {
		VC json.RawMessage `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(a.body, &out))
	assert.Equal(t, http.StatusBadRequest, s.verify(t, out.VC, "").code, "a base proof is the holder's, not a verifier's")

	d := s.post(t, "/credentials/derive", `{"verifiableCredential": `+string(out.VC)+`, "options": {"selectivePointers": ["/credentialSubject/name"]}}`)
	require.Equal(t, http.StatusCreated, d.code, "%s", d.body)
	var derived struct {
		VC json.RawMessage `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(d.body, &derived))
	assert.Contains(t, string(derived.VC), "did:example:alice")
	// The credential has no status entry, and a verifier cannot tell a
	// withheld one from none: refused by default, naming the check.
	v := s.verify(t, derived.VC, `{"checks": ["proof", "issuer"]}`)
	require.Equal(t, http.StatusBadRequest, v.code, "%s", v.body)
	assert.Contains(t, string(v.body), `"check":"disclosure"`)
	// A service whose policy accepts that verifies it.
	anyIssuer := microcred.AnyIssuerUnsafe()
	lax := newService(t, serviceOptions{trust: &anyIssuer, policy: []microcred.PolicyOption{microcred.AllowWithheldUnsafe("credentialStatus")}})
	v = lax.verify(t, derived.VC, "")
	require.Equal(t, http.StatusOK, v.code, "%s", v.body)

	// Mandatory pointers are for ecdsa-sd-2023 issuers only.
	a = s.post(t, "/issuers/plain/credentials/issue", `{"credential": `+s.credential(s.key, "")+`, "options": {"mandatoryPointers": ["/issuer"]}}`)
	assert.Equal(t, http.StatusBadRequest, a.code)
	// A pointer that selects nothing is the holder's error.
	d = s.post(t, "/credentials/derive", `{"verifiableCredential": `+string(out.VC)+`, "options": {"selectivePointers": ["/nothing/here"]}}`)
	assert.Equal(t, http.StatusBadRequest, d.code)
}

// Concurrent issues with status entries: every credential answered 201
// is in the log with its own index, no two share one, and the records
// went in fewer transactions than requests (group commit).
func TestConcurrentIssuesAreAllLogged(t *testing.T) {
	s := newService(t, serviceOptions{})
	const n = 300
	var mu sync.Mutex
	ids := map[string]string{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			vc := s.issue(t, "school", s.credential(s.key, ""))
			var doc struct {
				ID     string `json:"id"`
				Status struct {
					Index string `json:"statusListIndex"`
				} `json:"credentialStatus"`
			}
			if !assert.NoError(t, json.Unmarshal(vc, &doc)) {
				return
			}
			mu.Lock()
			ids[doc.ID] = doc.Status.Index
			mu.Unlock()
		}()
	}
	wg.Wait()
	require.Len(t, ids, n)
	seen := map[string]bool{}
	for id, index := range ids {
		assert.False(t, seen[index], "index %s twice", index)
		seen[index] = true
		recs, err := s.st.Find(context.Background(), store.Query{CredentialID: id})
		require.NoError(t, err)
		require.Len(t, recs, 1, id)
		assert.Equal(t, index, fmt.Sprint(recs[0].Index))
	}
}

// A credential id that was issued with a status entry is not issued again
// (the log's key): 409, and the first one keeps its index.
func TestDuplicateCredentialID(t *testing.T) {
	s := newService(t, serviceOptions{})
	cred := s.credential(s.key, `, "id": "urn:uuid:3f9b3c1e-2b7d-4c55-9b2f-8f0d9b0c6a11"`)
	s.issue(t, "school", cred)
	a := s.post(t, "/issuers/school/credentials/issue", `{"credential": `+cred+`}`)
	assert.Equal(t, http.StatusConflict, a.code, "%s", a.body)
	// Without a status entry, nothing is logged, and re-issuing is allowed.
	s.issue(t, "plain", cred)
	s.issue(t, "plain", cred)
	// options.credentialId names a credential without an id; one that
	// contradicts the credential's id is refused.
	a = s.post(t, "/issuers/plain/credentials/issue", `{"credential": `+s.credential(s.key, "")+`, "options": {"credentialId": "urn:uuid:0b8f3f5e-1111-4c55-9b2f-8f0d9b0c6a11"}}`)
	require.Equal(t, http.StatusCreated, a.code, "%s", a.body)
	assert.Contains(t, string(a.body), "urn:uuid:0b8f3f5e-1111-4c55-9b2f-8f0d9b0c6a11")
	a = s.post(t, "/issuers/plain/credentials/issue", `{"credential": `+cred+`, "options": {"credentialId": "urn:uuid:0b8f3f5e-2222-4c55-9b2f-8f0d9b0c6a11"}}`)
	assert.Equal(t, http.StatusBadRequest, a.code)
}

// The id the log records is the credential's, however its member name is
// spelled in the JSON (an escaped "id" is the same member).
func TestLoggedIDEscapedName(t *testing.T) {
	s := newService(t, serviceOptions{})
	const id = "urn:uuid:7d1f2b4e-5c3a-4e8f-9a6b-0c2d4e6f8a1b"
	vc := s.issue(t, "school", s.credential(s.key, `, "\u0069d": "`+id+`"`))
	assert.Equal(t, id, idOf(t, vc))
	recs, err := s.st.Find(context.Background(), store.Query{CredentialID: id})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	// The same id again, spelled plainly, is the same credential: 409.
	a := s.post(t, "/issuers/school/credentials/issue", `{"credential": `+s.credential(s.key, `, "id": "`+id+`"`)+`}`)
	assert.Equal(t, http.StatusConflict, a.code, "%s", a.body)
}

// Issuing for another issuer than the signer, or with a term no context
// defines, is the request's fault: 400 with a problem detail.
func TestIssueRefusals(t *testing.T) {
	s := newService(t, serviceOptions{})
	for name, cred := range map[string]string{
		"other issuer":   s.credential(s.other, ""),
		"undefined term": s.credential(s.key, `, "favouriteColour": "blue"`),
		"no subject":     fmt.Sprintf(`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": %q}`, s.key.DID()),
	} {
		a := s.post(t, "/issuers/school/credentials/issue", `{"credential": `+cred+`}`)
		assert.Equal(t, http.StatusBadRequest, a.code, "%s: %s", name, a.body)
		assert.Equal(t, "application/problem+json", a.hdr.Get("Content-Type"), name)
		var p map[string]any
		require.NoError(t, json.Unmarshal(a.body, &p))
		assert.NotEmpty(t, p["detail"], name)
	}
	// A refused credential used no status index: the next one takes the
	// lowest unused.
	a := s.post(t, "/issuers/nobody/credentials/issue", `{"credential": `+s.credential(s.key, "")+`}`)
	assert.Equal(t, http.StatusNotFound, a.code)
}
