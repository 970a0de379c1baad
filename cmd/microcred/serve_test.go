package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/store"
)

// serveFixture is a config directory with an Ed25519 key.
type serveFixture struct {
	dir, key, did string
}

func newServeFixture(t *testing.T) *serveFixture {
	dir := t.TempDir()
	key := filepath.Join(dir, "ed.json")
	res := runCLI(t, "key", "generate", "--type", "ed25519", "--out", key)
	require.Equal(t, 0, res.code, res.stderr)
	var kf struct {
		DID string `json:"did"`
	}
	data, err := os.ReadFile(key)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &kf))
	return &serveFixture{dir: dir, key: key, did: kf.DID}
}

func (f *serveFixture) config(t *testing.T, extra string) string {
	cfg := fmt.Sprintf(`{
  "listen": "127.0.0.1:0",
  "store": "state.db",
  "auth": {"none": true},
  "issuers": [
    {"name": "school", "key": "ed.json", "suite": "eddsa-rdfc-2022",
     "statusList": {"purpose": "revocation", "url": "https://school.example/status/1"}}
  ],
  "verifier": {"anyIssuer": true}%s
}`, extra)
	return writeFile(t, f.dir, "serve.json", []byte(cfg))
}

func (f *serveFixture) credential() string {
	return fmt.Sprintf(`{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": %q, "credentialSubject": {"id": "did:example:alice", "name": "Alice"}}}`, f.did)
}

// startServe runs serve in this process; it returns the base URL and a
// stop function that waits for the command to return.
func startServe(t *testing.T, config string) (string, func() cli) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb strings.Builder
	done := make(chan int, 1)
	var out strings.Builder
	go func() {
		done <- run(ctx, []string{"serve", "--config", config, "--log-level", "warn"}, io.MultiWriter(pw, &out), &errb)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	require.NoError(t, err, "serve printed nothing: %s", errb.String())
	url := strings.TrimSpace(strings.TrimPrefix(line, "microcred serve: listening on "))
	var once sync.Once
	var res cli
	stop := func() cli {
		once.Do(func() {
			cancel()
			code := <-done
			res = cli{code, out.String(), errb.String()}
		})
		return res
	}
	t.Cleanup(func() { stop() })
	return url, stop
}

func postJSON(client *http.Client, url, body string) (int, []byte, error) {
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// The service end to end through the command: TLS with a self-signed
// certificate, issue with a status entry from the config's list (the
// issuers array form), verify, the hosted list at its URL's path, and a
// graceful stop.
func TestServeTLS(t *testing.T) {
	f := newServeFixture(t)
	url, stop := startServe(t, f.config(t, `, "tls": {"selfSigned": true}`))
	require.True(t, strings.HasPrefix(url, "https://127.0.0.1:"), url)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	code, body, err := postJSON(client, url+"/issuers/school/credentials/issue", f.credential())
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, "%s", body)
	assert.Contains(t, string(body), `"statusListCredential":"https://school.example/status/1"`)
	var out struct {
		VC json.RawMessage `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	code, body, err = postJSON(client, url+"/credentials/verify", `{"verifiableCredential": `+string(out.VC)+`}`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code, "%s", body)
	resp, err := client.Get(url + "/status/1")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	res := stop()
	assert.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stdout, "stopped")
}

// Configurations serve refuses, each with a message naming the field.
func TestServeConfigRefusals(t *testing.T) {
	f := newServeFixture(t)
	for name, c := range map[string]struct{ cfg, says string }{
		"auth none off loopback":          {`{"listen": "0.0.0.0:0", "store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}}`, "none is refused on 0.0.0.0:0"},
		"no auth":                         {`{"store": "s.db", "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}}`, "auth: missing"},
		"two auths":                       {`{"store": "s.db", "auth": {"none": true, "tokens": [{"name": "x", "sha256": "00"}]}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}}`, "exactly one"},
		"bad token hash":                  {`{"listen": "0.0.0.0:0", "store": "s.db", "auth": {"tokens": [{"name": "x", "sha256": "secret"}]}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}}`, "auth.tokens[0]"},
		"no verifier policy":              {`{"store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true, "trustIssuers": ["did:x"]}}`, "both given"},
		"issuer without name":             {`{"store": "s.db", "auth": {"none": true}, "issuers": [{"key": "ed.json"}], "verifier": {"anyIssuer": true}}`, "issuers[0].name: missing"},
		"issuer twice":                    {`{"store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}, {"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}}`, "listed twice"},
		"unknown member":                  {`{"store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json", "sute": "x"}], "verifier": {"anyIssuer": true}}`, "unknown field"},
		"bad timeout":                     {`{"store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}, "timeouts": {"read": "soon"}}`, "timeouts.read"},
		"oid4vci issuer not derivable":    {`{"listen": "127.0.0.1:0", "store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}, "oid4vci": {}}`, "oid4vci.issuer: missing"},
		"oid4vci plain http off loopback": {`{"listen": "127.0.0.1:0", "store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}, "oid4vci": {"issuer": "http://school.example"}}`, "want https"},
		"oid4vci bad ttl":                 {`{"listen": "127.0.0.1:0", "store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}, "oid4vci": {"issuer": "https://school.example", "offerTTL": "later"}}`, "oid4vci.offerTTL"},
		"exchanges bad ttl":               {`{"listen": "127.0.0.1:0", "store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}, "exchanges": {"baseURL": "https://school.example", "ttl": "-1m"}}`, "exchanges.ttl"},
		"exchanges base not derivable":    {`{"listen": "127.0.0.1:0", "store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json"}], "verifier": {"anyIssuer": true}, "exchanges": {}}`, "exchanges.baseURL: missing"},
		"list path on a route":            {`{"store": "s.db", "auth": {"none": true}, "issuers": [{"name": "a", "key": "ed.json", "statusList": {"url": "https://x.example/credentials/verify"}}], "verifier": {"anyIssuer": true}}`, "shadow"},
	} {
		path := writeFile(t, f.dir, "bad.json", []byte(c.cfg))
		res := runCLI(t, "serve", "--config", path)
		assert.NotEqual(t, 0, res.code, name)
		assert.Contains(t, res.stderr, c.says, name)
	}
}

// Slow clients are cut off by the read timeouts, and meanwhile the
// service answers others.
func TestServeSlowClients(t *testing.T) {
	f := newServeFixture(t)
	url, _ := startServe(t, f.config(t, `, "timeouts": {"readHeader": "300ms", "read": "600ms"}`))
	addr := strings.TrimPrefix(url, "http://")

	// Headers that never end, and a body that trickles.
	slowHeaders, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer slowHeaders.Close()
	fmt.Fprintf(slowHeaders, "POST /credentials/verify HTTP/1.1\r\nHost: x\r\n")
	slowBody, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer slowBody.Close()
	fmt.Fprintf(slowBody, "POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
	go func() {
		for i := 0; i < 50; i++ {
			if _, err := slowBody.Write([]byte(" ")); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()

	code, body, err := postJSON(http.DefaultClient, url+"/issuers/school/credentials/issue", f.credential())
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, code, "%s", body)

	for name, c := range map[string]net.Conn{"headers": slowHeaders, "body": slowBody} {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		start := time.Now()
		rest, _ := io.ReadAll(c) // ends when the server closes the connection
		assert.Less(t, time.Since(start), 4*time.Second, "%s: the server kept a slow client", name)
		if len(rest) > 0 {
			// The server may answer before closing (a 400 or 408).
			assert.Regexp(t, `^HTTP/1\.1 4\d\d`, string(rest), name)
		}
	}
	code, _, err = postJSON(http.DefaultClient, url+"/credentials/verify", `{}`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, code)
}

// A server killed (SIGKILL) while issuing loses no index it handed out
// and issues none twice: every credential a client received is in the
// log with the index in its entry, no two received credentials share an
// index, and a restarted server goes on with fresh indexes.
func TestServeKilledMidIssue(t *testing.T) {
	stores := map[string]string{"sqlite": "state.db"}
	if dsn := os.Getenv("MICROCRED_TEST_POSTGRES"); dsn != "" {
		stores["postgres"] = dsn
	}
	for name, storeSpec := range stores {
		t.Run(name, func(t *testing.T) {
			bin := cliBinary(t)
			f := newServeFixture(t)
			list := fmt.Sprintf("https://school.example/status/kill-%d", time.Now().UnixNano())
			cfg := writeFile(t, f.dir, "serve.json", []byte(fmt.Sprintf(`{"listen": "127.0.0.1:0", "store": %q, "auth": {"none": true},
  "issuers": [{"name": "school", "key": "ed.json", "statusList": {"url": %q}}], "verifier": {"anyIssuer": true}}`, storeSpec, list)))

			start := func() (*exec.Cmd, string) {
				cmd := exec.Command(bin, "serve", "--config", cfg, "--log-level", "error")
				stdout, err := cmd.StdoutPipe()
				require.NoError(t, err)
				cmd.Stderr = os.Stderr
				require.NoError(t, cmd.Start())
				line, err := bufio.NewReader(stdout).ReadString('\n')
				require.NoError(t, err)
				go io.Copy(io.Discard, stdout)
				return cmd, strings.TrimSpace(strings.TrimPrefix(line, "microcred serve: listening on "))
			}
			type got struct{ id, index string }
			var mu sync.Mutex
			var received []got
			hammer := func(url string, stopAfter int, kill func()) {
				var wg sync.WaitGroup
				var once sync.Once
				client := &http.Client{Timeout: 10 * time.Second}
				for w := 0; w < 16; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							code, body, err := postJSON(client, url+"/issuers/school/credentials/issue", f.credential())
							if err != nil {
								return // the server is gone
							}
							if code != http.StatusCreated {
								continue
							}
							var out struct {
								VC struct {
									ID     string `json:"id"`
									Status struct {
										Index string `json:"statusListIndex"`
									} `json:"credentialStatus"`
								} `json:"verifiableCredential"`
							}
							if json.Unmarshal(body, &out) != nil {
								continue
							}
							mu.Lock()
							received = append(received, got{out.VC.ID, out.VC.Status.Index})
							n := len(received)
							mu.Unlock()
							if n >= stopAfter {
								once.Do(kill)
								if kill == nil {
									return
								}
							}
						}
					}()
				}
				wg.Wait()
			}
			cmd, url := start()
			hammer(url, 400, func() { cmd.Process.Signal(syscall.SIGKILL) })
			cmd.Wait()
			mu.Lock()
			firstRun := len(received)
			mu.Unlock()
			require.GreaterOrEqual(t, firstRun, 400)

			cmd, url = start()
			hammer(url, firstRun+200, func() { cmd.Process.Signal(syscall.SIGTERM) })
			require.NoError(t, cmd.Wait(), "a SIGTERM is a graceful stop")

			st, err := openStore(context.Background(), pathOr(f.dir, storeSpec))
			require.NoError(t, err)
			defer st.Close()
			seen := map[string]string{}
			for _, g := range received {
				if other, dup := seen[g.index]; dup {
					t.Fatalf("index %s issued to %s and %s", g.index, other, g.id)
				}
				seen[g.index] = g.id
				recs, err := st.Find(context.Background(), store.Query{CredentialID: g.id})
				require.NoError(t, err)
				require.Len(t, recs, 1, "credential %s was received but is not in the log", g.id)
				assert.Equal(t, list, recs[0].ListURL)
				assert.Equal(t, g.index, fmt.Sprint(recs[0].Index))
			}
			t.Logf("%s: %d credentials received before the kill, %d in all, each logged once with its own index", name, firstRun, len(received))
		})
	}
}

func pathOr(dir, spec string) string {
	if isPostgres(spec) {
		return spec
	}
	return filepath.Join(dir, spec)
}

// With "verifier": {} the service trusts its own issuers and no one else:
// what it issued verifies, a credential another key signed (its own
// issuer, correctly bound) is refused as untrusted.
func TestServeTrustsItsOwnIssuersByDefault(t *testing.T) {
	f := newServeFixture(t)
	cfg := strings.Replace(mustRead(t, f.config(t, "")), `"verifier": {"anyIssuer": true}`, `"verifier": {}`, 1)
	url, _ := startServe(t, writeFile(t, f.dir, "own.json", []byte(cfg)))
	code, body, err := postJSON(http.DefaultClient, url+"/issuers/school/credentials/issue", f.credential())
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, "%s", body)
	var out struct {
		VC json.RawMessage `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	code, body, err = postJSON(http.DefaultClient, url+"/credentials/verify", `{"verifiableCredential": `+string(out.VC)+`}`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code, "%s", body)

	other := newServeFixture(t)
	unsigned := writeFile(t, other.dir, "c.json", []byte(strings.TrimSuffix(strings.TrimPrefix(other.credential(), `{"credential": `), "}")))
	res := runCLI(t, "sign", "--key", other.key, unsigned)
	require.Equal(t, 0, res.code, res.stderr)
	code, body, err = postJSON(http.DefaultClient, url+"/credentials/verify", `{"verifiableCredential": `+res.stdout+`}`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "not trusted")
}
