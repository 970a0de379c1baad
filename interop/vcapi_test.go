package interop_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vcapiServer is a `microcred serve` process on a loopback port with three
// issuers (eddsa-rdfc-2022 with a revocation list it hosts,
// eddsa-jcs-2022, ecdsa-rdfc-2019 on P-256) and a verifier that accepts any
// issuer whose own key signed.
type vcapiServer struct {
	base, edKey, p256Key string
}

func startVCAPI(t *testing.T, e *env) *vcapiServer {
	t.Helper()
	edKey := e.key(t)
	p256Key := filepath.Join(e.dir, "p256.json")
	_, errOut, code := run(t, e.bin, "key", "generate", "--type", "p256", "--out", p256Key)
	require.Equal(t, 0, code, errOut)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	cfg := fmt.Sprintf(`{"listen": %q, "store": "vcapi.db", "auth": {"none": true},
  "issuers": [
    {"name": "ed", "key": %q, "suite": "eddsa-rdfc-2022", "statusList": {"purpose": "revocation", "url": "%s/status/ed/1"}},
    {"name": "edjcs", "key": %q, "suite": "eddsa-jcs-2022"},
    {"name": "p256", "key": %q, "suite": "ecdsa-rdfc-2019"}
  ],
  "verifier": {"anyIssuer": true}}`, addr, edKey, base, edKey, p256Key)
	path := e.write(t, "serve.json", []byte(cfg))
	cmd := exec.Command(e.bin, "serve", "--config", path, "--log-level", "warn")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	go io.Copy(io.Discard, stdout)
	require.Contains(t, line, addr)
	return &vcapiServer{base: base, edKey: edKey, p256Key: p256Key}
}

type jsAnswer struct {
	Code        int             `json:"code"`
	Verified    bool            `json:"verified"`
	Status      []bool          `json:"status"`
	Errors      []string        `json:"errors"`
	Credential  json.RawMessage `json:"credential"`
	Credentials []bool          `json:"credentials"`
}

func runJS(t *testing.T, args ...string) jsAnswer {
	t.Helper()
	out, errOut, code := run(t, "node", append([]string{"js/vcapi.mjs"}, args...)...)
	require.NotEqual(t, 2, code, "usage: %s", errOut)
	var a jsAnswer
	require.NoError(t, json.Unmarshal([]byte(out), &a), "stdout %q stderr %q", out, errOut)
	return a
}

// Digital Bazaar's libraries as a VC API client of microcred serve: what
// the server issues (three suites, one with a hosted status list) passes
// vc.verifyCredential with their checkStatus fetching the list from the
// server; after a revocation through the server's status route, their
// checkStatus reads the bit as set. What they sign (three suites, and a
// presentation) the server verifies (200), and the same tampered, or with
// another challenge, it refuses (400).
func TestVCAPIRoundTrip(t *testing.T) {
	e := setup(t)
	s := startVCAPI(t, e)
	keyDID := func(path string) string {
		var kf struct {
			DID string `json:"did"`
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &kf))
		return kf.DID
	}
	unsigned := func(did, name string, keepID bool) string {
		data, err := os.ReadFile("testdata/ob3-credential.json")
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		m["issuer"].(map[string]any)["id"] = did
		if !keepID {
			delete(m, "id") // the server gives each a fresh id
		}
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return e.write(t, name, out)
	}
	edCred, p256Cred := unsigned(keyDID(s.edKey), "ed-unsigned.json", false), unsigned(keyDID(s.p256Key), "p256-unsigned.json", false)
	// Their vc.issue adds no id, which the OB 3.0 schema requires.
	edCredID, p256CredID := unsigned(keyDID(s.edKey), "ed-with-id.json", true), unsigned(keyDID(s.p256Key), "p256-with-id.json", true)

	t.Run("we issue, they verify", func(t *testing.T) {
		for issuer, in := range map[string]string{"ed": edCred, "edjcs": edCred, "p256": p256Cred} {
			a := runJS(t, "issue", s.base, issuer, in)
			assert.Equal(t, 201, a.Code, issuer)
			assert.True(t, a.Verified, "%s: %v", issuer, a.Errors)
			if issuer == "ed" {
				assert.Equal(t, []bool{false}, a.Status, "fresh credential: bit clear")
			} else {
				assert.Nil(t, a.Status, "%s: no status entry", issuer)
			}
		}
	})

	t.Run("revoked on the server, seen revoked by them", func(t *testing.T) {
		a := runJS(t, "issue", s.base, "ed", edCred)
		require.True(t, a.Verified, "%v", a.Errors)
		var c struct {
			ID string `json:"id"`
		}
		require.NoError(t, json.Unmarshal(a.Credential, &c))
		resp, err := http.Post(s.base+"/issuers/ed/credentials/status", "application/json",
			strings.NewReader(fmt.Sprintf(`{"credentialId": %q, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]}`, c.ID)))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		// Their verifier, given the same credential again: the list the
		// server now serves has the bit set.
		path := e.write(t, "revoked.json", a.Credential)
		out, errOut, code := run(t, "node", "js/status.mjs", "check", path, fetchList(t, s.base+"/status/ed/1", e))
		require.Equal(t, 0, code, "%s %s", out, errOut)
		assert.Contains(t, out, `"statuses":[true]`)
		// And the server's own verifier refuses it.
		resp, err = http.Post(s.base+"/credentials/verify", "application/json", strings.NewReader(`{"verifiableCredential": `+string(a.Credential)+`}`))
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, string(body), "revoked")
	})

	t.Run("they sign, we verify", func(t *testing.T) {
		for _, c := range []struct{ suite, key, in string }{
			{"eddsa-rdfc-2022", s.edKey, edCredID}, {"eddsa-jcs-2022", s.edKey, edCredID},
			{"ecdsa-rdfc-2019", s.p256Key, p256CredID}, {"ecdsa-jcs-2019", s.p256Key, p256CredID},
		} {
			a := runJS(t, "verify", s.base, "--key", c.key, "--suite", c.suite, c.in)
			assert.Equal(t, 200, a.Code, "%s: %v", c.suite, a.Errors)
			assert.True(t, a.Verified, c.suite)
			a = runJS(t, "verify", s.base, "--key", c.key, "--suite", c.suite, "--tamper", c.in)
			assert.Equal(t, 400, a.Code, "%s tampered", c.suite)
			assert.False(t, a.Verified, c.suite)
		}
	})

	t.Run("they present, we verify", func(t *testing.T) {
		a := runJS(t, "issue", s.base, "edjcs", edCred)
		require.True(t, a.Verified, "%v", a.Errors)
		cred := e.write(t, "to-present.json", a.Credential)
		p := runJS(t, "present", s.base, "--key", s.edKey, "--challenge", "c-8d3a", cred)
		assert.Equal(t, 200, p.Code, "%v", p.Errors)
		assert.Equal(t, []bool{true}, p.Credentials)
		p = runJS(t, "present", s.base, "--key", s.edKey, "--challenge", "c-8d3a", "--send-challenge", "c-other", cred)
		assert.Equal(t, 400, p.Code)
		assert.NotEmpty(t, p.Errors)
	})
}

// fetchList saves the list the server serves at url and returns the
// URL=FILE argument of status.mjs.
func fetchList(t *testing.T, url string, e *env) string {
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return url + "=" + e.write(t, "list.json", data)
}
