package interop_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/vc/contexts"
)

// lcwClient does what the DCC Learner Credential Wallet does with a VC-API
// exchange (its app/lib/exchanges.ts, read at the public repository):
// POST {} to protocols.vcapi, read verifiablePresentationRequest (a
// DIDAuthentication query, challenge, domain, interact.service), answer
// with {"verifiablePresentation"}: a VCDM 1.1 presentation {holder}
// signed with Ed25519Signature2020 for authentication with that challenge
// and domain, POSTed to interact.service[0].serviceEndpoint; the answer's
// verifiablePresentation.verifiableCredential are the credentials.
type lcwClient struct {
	key *didkey.Key
}

func postJSON(t *testing.T, url, body string) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out
}

type lcwRequest struct {
	Query []struct {
		Type string `json:"type"`
	} `json:"query"`
	Challenge, Domain string
	Interact          struct {
		Service []struct {
			ServiceEndpoint string `json:"serviceEndpoint"`
		} `json:"service"`
	} `json:"interact"`
}

func (l *lcwClient) begin(t *testing.T, interaction string) (string, lcwRequest) {
	t.Helper()
	// The interaction URL (?iuv=1) names the protocols.
	resp, err := http.Get(interaction)
	require.NoError(t, err)
	var p struct {
		Protocols struct {
			Vcapi string `json:"vcapi"`
		} `json:"protocols"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
	resp.Body.Close()
	require.NotEmpty(t, p.Protocols.Vcapi)
	code, body := postJSON(t, p.Protocols.Vcapi, `{}`)
	require.Equal(t, http.StatusOK, code, "%s", body)
	var out struct {
		VPR lcwRequest `json:"verifiablePresentationRequest"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	require.Len(t, out.VPR.Query, 1)
	require.Equal(t, "DIDAuthentication", out.VPR.Query[0].Type)
	require.Len(t, out.VPR.Interact.Service, 1)
	return out.VPR.Interact.Service[0].ServiceEndpoint, out.VPR
}

func (l *lcwClient) present(t *testing.T, endpoint, challenge, domain string) (int, []byte) {
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
	return postJSON(t, endpoint, `{"verifiablePresentation": `+string(signed)+`}`)
}

// A client that behaves as the Learner Credential Wallet completes DID
// authentication against `microcred serve` and receives the OB 3.0
// credential issued to its DID, which Digital Bazaar's verifier and
// microcred verify; the wrong challenge, a reused exchange and an expired
// one fail with clear errors.
func TestExchangeLCWClient(t *testing.T) {
	e := setup(t)
	base, dids := startOID4VCI(t, e)
	key, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	w := &lcwClient{key: key}
	newExchange := func() map[string]any {
		data, err := os.ReadFile("testdata/ob3-credential.json")
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		m["issuer"].(map[string]any)["id"] = dids["ed"]
		delete(m, "id")
		delete(m["credentialSubject"].(map[string]any), "id")
		cred, _ := json.Marshal(m)
		code, body := postJSON(t, base+"/issuers/ed/exchanges", `{"credential": `+string(cred)+`}`)
		require.Equal(t, http.StatusCreated, code, "%s", body)
		var ex map[string]any
		require.NoError(t, json.Unmarshal(body, &ex))
		return ex
	}

	ex := newExchange()
	endpoint, req := w.begin(t, ex["interactionURL"].(string))
	code, body := w.present(t, endpoint, "a-challenge-we-made-up", req.Domain)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "challenge", "the wrong challenge is named")

	code, body = w.present(t, endpoint, req.Challenge, req.Domain)
	require.Equal(t, http.StatusOK, code, "%s", body)
	var out struct {
		VP struct {
			VerifiableCredential []json.RawMessage `json:"verifiableCredential"`
		} `json:"verifiablePresentation"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	require.Len(t, out.VP.VerifiableCredential, 1)
	cred := out.VP.VerifiableCredential[0]
	var sc struct {
		CredentialSubject struct {
			ID string `json:"id"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(cred, &sc))
	assert.Equal(t, key.DID().String(), sc.CredentialSubject.ID)
	path := e.write(t, "exchanged.json", cred)
	ok, msg := nodeVerify(t, path)
	assert.True(t, ok, "Digital Bazaar's verifier: %s", msg)
	_, errOut, rc := run(t, e.bin, "verify", "--trust", dids["ed"], path)
	assert.Equal(t, 0, rc, errOut)

	// Reused.
	code, body = w.present(t, endpoint, req.Challenge, req.Domain)
	assert.Equal(t, http.StatusConflict, code)
	assert.Contains(t, string(body), "already completed")

	// Expired (the server's exchanges live 2 s here).
	ex = newExchange()
	endpoint, req = w.begin(t, ex["interactionURL"].(string))
	time.Sleep(2100 * time.Millisecond)
	code, body = w.present(t, endpoint, req.Challenge, req.Domain)
	assert.Equal(t, http.StatusGone, code)
	assert.Contains(t, string(body), "expired")
}
