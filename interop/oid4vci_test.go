package interop_test

import (
	"bufio"
	"encoding/base64"
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

// startOID4VCI is `microcred serve` with OpenID4VCI on a loopback port:
// issuers ed (eddsa-rdfc-2022) and p256 (ecdsa-rdfc-2019).
func startOID4VCI(t *testing.T, e *env) (base string, dids map[string]string) {
	t.Helper()
	edKey := e.key(t)
	p256Key := filepath.Join(e.dir, "p256.json")
	_, errOut, code := run(t, e.bin, "key", "generate", "--type", "p256", "--out", p256Key)
	require.Equal(t, 0, code, errOut)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	cfg := fmt.Sprintf(`{"listen": %q, "store": "oid4vci.db", "auth": {"none": true},
  "issuers": [{"name": "ed", "key": %q, "suite": "eddsa-rdfc-2022"}, {"name": "p256", "key": %q, "suite": "ecdsa-rdfc-2019"}],
  "verifier": {"anyIssuer": true}, "oid4vci": {"offerTTL": "5m"}, "exchanges": {"ttl": "2s"}}`, addr, edKey, p256Key)
	cmd := exec.Command(e.bin, "serve", "--config", e.write(t, "oid4vci.json", []byte(cfg)), "--log-level", "warn")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	go io.Copy(io.Discard, stdout)
	require.Contains(t, line, addr)
	dids = map[string]string{}
	for name, path := range map[string]string{"ed": edKey, "p256": p256Key} {
		var kf struct {
			DID string `json:"did"`
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &kf))
		dids[name] = kf.DID
	}
	return "http://" + addr, dids
}

// offerFor asks the server for an offer of the OB 3.0 test credential
// (issuer set, no id, no subject id) and returns its answer.
func offerFor(t *testing.T, base, issuer, did, options string) map[string]any {
	t.Helper()
	data, err := os.ReadFile("testdata/ob3-credential.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["issuer"].(map[string]any)["id"] = did
	delete(m, "id")
	delete(m["credentialSubject"].(map[string]any), "id")
	cred, err := json.Marshal(m)
	require.NoError(t, err)
	body := `{"credential": ` + string(cred)
	if options != "" {
		body += `, "options": ` + options
	}
	resp, err := http.Post(base+"/issuers/"+issuer+"/offers", "application/json", strings.NewReader(body+"}"))
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", out)
	var o map[string]any
	require.NoError(t, json.Unmarshal(out, &o))
	return o
}

type walletAnswer struct {
	Holder     string          `json:"holder"`
	Credential json.RawMessage `json:"credential"`
	Verified   bool            `json:"verified"`
	Errors     []string        `json:"errors"`
	Second     string          `json:"second"`
}

func sphereonReceive(t *testing.T, link, format string, args ...string) walletAnswer {
	t.Helper()
	out, errOut, code := run(t, "node", append([]string{"js/oid4vci.mjs", "receive", link, format}, args...)...)
	require.NotEqual(t, 2, code, "usage: %s", errOut)
	var a walletAnswer
	require.NoError(t, json.Unmarshal([]byte(out), &a), "stdout %q stderr %q", out, errOut)
	return a
}

// Sphereon's OpenID4VCI client as the learner's wallet: from an offer
// link (by value and by reference), through the pre-authorized code flow
// with its jwt key proof, it receives the OB 3.0 credential from
// `microcred serve` as ldp_vc (eddsa-rdfc-2022 and ecdsa-rdfc-2019) and
// as jwt_vc_json. The credential names the wallet's did:key as its
// subject; the ldp_vc ones verify in Digital Bazaar's vc.verifyCredential;
// all verify with `microcred verify`, and a tampered copy does not; the
// same offer redeemed a second time is refused.
func TestOID4VCISphereonWallet(t *testing.T) {
	e := setup(t)
	base, dids := startOID4VCI(t, e)
	for _, c := range []struct {
		name, issuer, format, link, options string
	}{
		{"ed ldp_vc by value", "ed", "ldp_vc", "deepLink", `{"formats": ["ldp_vc"]}`},
		{"p256 ldp_vc by reference", "p256", "ldp_vc", "deepLinkByReference", ""},
		{"ed jwt_vc_json by reference", "ed", "jwt_vc_json", "deepLinkByReference", `{"formats": ["jwt_vc_json"]}`},
		{"ed ldp_vc with a tx_code", "ed", "ldp_vc", "deepLink", `{"txCode": 6}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := offerFor(t, base, c.issuer, dids[c.issuer], c.options)
			var args []string
			if tx, ok := o["tx_code"].(string); ok {
				args = append(args, "--pin", tx)
			}
			a := sphereonReceive(t, o[c.link].(string), c.format, args...)
			require.NotEmpty(t, a.Credential, "%v", a.Errors)
			assert.Contains(t, a.Second, "status: 400", "a second redemption of the offer fails")
			var cred []byte = a.Credential
			if c.format == "jwt_vc_json" {
				var tok string
				require.NoError(t, json.Unmarshal(a.Credential, &tok))
				cred = []byte(tok)
				assert.Equal(t, 3, len(strings.Split(tok, ".")))
			} else {
				assert.True(t, a.Verified, "Digital Bazaar's verifier: %v", a.Errors)
				var sc struct {
					CredentialSubject struct {
						ID string `json:"id"`
					} `json:"credentialSubject"`
				}
				require.NoError(t, json.Unmarshal(cred, &sc))
				assert.Equal(t, a.Holder, sc.CredentialSubject.ID, "bound to the wallet's key")
			}
			path := e.write(t, "received-"+strings.ReplaceAll(c.name, " ", "-"), cred)
			out, errOut, code := run(t, e.bin, "verify", "--trust", dids[c.issuer], path)
			assert.Equal(t, 0, code, "microcred verify: %s %s", out, errOut)
			if c.format == "jwt_vc_json" {
				payload, err := base64.RawURLEncoding.DecodeString(strings.Split(string(cred), ".")[1])
				require.NoError(t, err)
				var claims struct {
					Sub string `json:"sub"`
				}
				require.NoError(t, json.Unmarshal(payload, &claims))
				assert.Equal(t, a.Holder, claims.Sub, "the JWT's subject is the wallet's DID")
				assert.Contains(t, string(payload), `"id":"`+a.Holder+`"`, "and its credentialSubject.id")
			}
			bad := []byte(strings.Replace(string(cred), "Intro to Data Integrity", "Intro to Data Integrity!", 1))
			if c.format == "jwt_vc_json" {
				parts := strings.Split(string(cred), ".")
				sig := []byte(parts[2])
				sig[5] ^= 1
				bad = []byte(parts[0] + "." + parts[1] + "." + string(sig))
			}
			require.NotEqual(t, cred, bad)
			_, _, code = run(t, e.bin, "verify", "--trust", dids[c.issuer], e.write(t, "tampered", bad))
			assert.NotEqual(t, 0, code, "a tampered copy fails")
		})
	}
}
