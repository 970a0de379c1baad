// Package interop_test cross-checks microcred against Digital Bazaar's
// JavaScript Data Integrity stack (@digitalbazaar/vc, data-integrity,
// eddsa-rdfc-2022-cryptosuite, eddsa-jcs-2022-cryptosuite), both ways,
// offline. Run scripts/run.sh (it installs the npm packages first).
package interop_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The W3C vc-di-eddsa test key (keyPair.json): seed and DID.
const (
	w3cSeed = "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6"
	w3cDID  = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	now     = "2026-01-01T00:00:00Z"
)

// env is a built microcred binary and a working directory.
type env struct {
	bin, dir string
}

func setup(t *testing.T) *env {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed: the interop checks need Node 20 (run scripts/run.sh)")
	}
	if _, err := os.Stat("node_modules/@digitalbazaar/vc"); err != nil {
		t.Fatal("npm packages are missing: run scripts/run.sh (it runs npm ci first)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "microcred")
	build := exec.Command("go", "build", "-o", bin, "./cmd/microcred")
	build.Dir = ".." // the microcred module, as a user would build it
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the CLI: %s", out)
	return &env{bin: bin, dir: dir}
}

// run runs a command and returns stdout, stderr and the exit code.
func run(t *testing.T, name string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return stdout.String(), stderr.String(), code
}

func (e *env) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(e.dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

func (e *env) key(t *testing.T) string {
	t.Helper()
	p := filepath.Join(e.dir, "key.json")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	out, errOut, code := run(t, e.bin, "key", "generate", "--type", "ed25519", "--seed", w3cSeed, "--out", p)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, w3cDID, strings.TrimSpace(out))
	return p
}

func nodeVerify(t *testing.T, args ...string) (bool, string) {
	out, errOut, code := run(t, "node", append([]string{"js/verify.mjs"}, args...)...)
	require.Contains(t, []int{0, 1}, code, "verify.mjs exit code: %s %s", out, errOut)
	var rep struct {
		Verified bool     `json:"verified"`
		Errors   []string `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "verify.mjs output: %s %s", out, errOut)
	require.Equal(t, code == 0, rep.Verified)
	return rep.Verified, strings.Join(rep.Errors, "; ")
}

// tamperings returns corrupted copies of a signed credential: one character
// of a claim, and one character of the proofValue.
func tamperings(t *testing.T, signed []byte) map[string][]byte {
	t.Helper()
	claim := bytes.Replace(signed, []byte("Data Integrity"), []byte("Data Integritz"), 1)
	if bytes.Equal(claim, signed) {
		claim = bytes.Replace(signed, []byte("School of Examples"), []byte("School of Exampler"), 1)
	}
	require.NotEqual(t, signed, claim, "the claim to tamper with is present")
	var m map[string]any
	require.NoError(t, json.Unmarshal(signed, &m))
	pv := m["proof"].(map[string]any)["proofValue"].(string)
	flipped := []byte(pv)
	if flipped[10] == 'a' {
		flipped[10] = 'b'
	} else {
		flipped[10] = 'a'
	}
	proof := bytes.Replace(signed, []byte(pv), flipped, 1)
	return map[string][]byte{"claim": claim, "proofValue": proof}
}

// keySuites are the key types and proof suites cross-checked.
var keySuites = []struct{ keyType, suite string }{
	{"ed25519", "eddsa-rdfc-2022"},
	{"ed25519", "eddsa-jcs-2022"},
	{"ed25519", "Ed25519Signature2020"},
	{"p256", "ecdsa-rdfc-2019"},
	{"p256", "ecdsa-jcs-2019"},
	{"p384", "ecdsa-rdfc-2019"},
	{"p384", "ecdsa-jcs-2019"},
}

// keyOf generates (once) a deterministic key of the type with our CLI and
// returns its file and DID.
func (e *env) keyOf(t *testing.T, typ string) (string, string) {
	t.Helper()
	p := filepath.Join(e.dir, typ+"-key.json")
	if data, err := os.ReadFile(p); err == nil {
		var kf struct {
			DID string `json:"did"`
		}
		require.NoError(t, json.Unmarshal(data, &kf))
		return p, kf.DID
	}
	out, errOut, code := run(t, e.bin, "key", "generate", "--type", typ, "--seed", w3cSeed, "--out", p)
	require.Equal(t, 0, code, errOut)
	return p, strings.TrimSpace(out)
}

// credentialFor writes the OB 3.0 test credential with issuer did.
func (e *env) credentialFor(t *testing.T, did string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/ob3-credential.json")
	require.NoError(t, err)
	return e.write(t, "cred-"+strings.ReplaceAll(did, ":", "_")+".json", bytes.ReplaceAll(data, []byte(w3cDID), []byte(did)))
}

// microcred signs; Digital Bazaar verifies (with issuer binding), and
// rejects one-character tampering; microcred rejects it too.
func TestWeSignTheyVerify(t *testing.T) {
	e := setup(t)
	for _, ks := range keySuites {
		key, did := e.keyOf(t, ks.keyType)
		inputs := []string{e.credentialFor(t, did)}
		if ks.keyType == "ed25519" && ks.suite != "Ed25519Signature2020" {
			inputs = append(inputs, "testdata/w3c-unsigned.json")
		}
		for _, in := range inputs {
			t.Run(ks.keyType+"/"+ks.suite+"/"+filepath.Base(in), func(t *testing.T) {
				out, errOut, code := run(t, e.bin, "sign", "--key", key, "--suite", ks.suite, "--created", "2025-06-01T00:00:00Z", "--set-issuer", in)
				require.Equal(t, 0, code, errOut)
				signed := []byte(out)
				path := e.write(t, ks.keyType+"-"+ks.suite+"-ours-"+filepath.Base(in), signed)
				ok, why := nodeVerify(t, path)
				assert.True(t, ok, "Digital Bazaar rejects our %s credential: %s", ks.suite, why)
				ok, why = ourVerifyAny(t, e, path)
				assert.True(t, ok, why)
				for name, bad := range tamperings(t, signed) {
					p := e.write(t, ks.keyType+"-"+ks.suite+"-ours-tampered-"+name+"-"+filepath.Base(in), bad)
					ok, _ := nodeVerify(t, p)
					assert.False(t, ok, "Digital Bazaar accepts a tampered %s", name)
					ok, _ = ourVerifyAny(t, e, p)
					assert.False(t, ok, "microcred accepts a tampered %s", name)
				}
			})
		}
	}
}

// Digital Bazaar signs; microcred verifies, and rejects tampering.
func TestTheySignWeVerify(t *testing.T) {
	e := setup(t)
	for _, ks := range keySuites {
		t.Run(ks.keyType+"/"+ks.suite, func(t *testing.T) {
			key, did := e.keyOf(t, ks.keyType)
			in := e.credentialFor(t, did)
			out, errOut, code := run(t, "node", "js/sign.mjs", "--key", key, "--suite", ks.suite, "--created", "2025-06-01T00:00:00Z", in)
			require.Equal(t, 0, code, errOut)
			signed := []byte(out)
			path := e.write(t, ks.keyType+"-"+ks.suite+"-theirs.json", signed)
			ok, why := ourVerifyAny(t, e, path)
			assert.True(t, ok, "microcred rejects Digital Bazaar's %s credential: %s", ks.suite, why)
			for name, bad := range tamperings(t, signed) {
				p := e.write(t, ks.keyType+"-"+ks.suite+"-theirs-tampered-"+name+".json", bad)
				ok, _ := ourVerifyAny(t, e, p)
				assert.False(t, ok, "microcred accepts a tampered %s", name)
				ok, _ = nodeVerify(t, p)
				assert.False(t, ok, "Digital Bazaar accepts a tampered %s", name)
			}
		})
	}
}

// ourVerifyAny verifies with the issuer's own key binding but no trust list.
func ourVerifyAny(t *testing.T, e *env, path string) (bool, string) {
	out, errOut, code := run(t, e.bin, "verify", "--any-issuer", "--now", now, path)
	require.Contains(t, []int{0, 1}, code, "verify exit code: %s %s", out, errOut)
	return code == 0, out + errOut
}

// Both sides produce the W3C vectors' proof values from the same key,
// document and time (Ed25519 is deterministic), and Digital Bazaar accepts
// the vectors we also pass in our own tests.
func TestSameBytesAsTheVectors(t *testing.T) {
	e := setup(t)
	key := e.key(t)
	for _, tc := range []struct{ suite, vector string }{
		{"eddsa-rdfc-2022", "testdata/w3c-eddsa-rdfc-2022-signed.json"},
		{"eddsa-jcs-2022", "testdata/w3c-eddsa-jcs-2022-signed.json"},
	} {
		t.Run(tc.suite, func(t *testing.T) {
			var want map[string]any
			data, err := os.ReadFile(tc.vector)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &want))
			out, errOut, code := run(t, "node", "js/sign.mjs", "--key", key, "--suite", tc.suite, "--created", "2023-02-24T23:36:38Z", "testdata/w3c-unsigned.json")
			require.Equal(t, 0, code, errOut)
			var got map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &got))
			assert.Equal(t, want["proof"], got["proof"], "Digital Bazaar reproduces the vector's proof")
			ok, why := nodeVerify(t, "--proof-only", tc.vector)
			assert.True(t, ok, why)
		})
	}
}

// A member the contexts do not define: microcred refuses to sign it, and
// Digital Bazaar (safe mode) refuses too.
func TestUndefinedTermRefusedByBoth(t *testing.T) {
	e := setup(t)
	key := e.key(t)
	data, err := os.ReadFile("testdata/ob3-credential.json")
	require.NoError(t, err)
	bad := bytes.Replace(data, []byte(`"validFrom"`), []byte(`"favoriteColor": "blue", "validFrom"`), 1)
	path := e.write(t, "undefined-term.json", bad)
	_, errOut, code := run(t, e.bin, "sign", "--key", key, path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "favoriteColor")
	_, _, code = run(t, "node", "js/sign.mjs", "--key", key, path)
	assert.Equal(t, 1, code, "Digital Bazaar's safe mode refuses it too")
}

// statusCredential writes a credential of issuer did whose revocation entry
// points at index of the list at url.
func (e *env) statusCredential(t *testing.T, key, did, url string, index int) string {
	t.Helper()
	idx := strconv.Itoa(index)
	cred := `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:status-` + idx + `","type":["VerifiableCredential"],"issuer":"` + did + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"},"credentialStatus":{"id":"` + url + `#` + idx + `","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"` + idx + `","statusListCredential":"` + url + `"}}`
	out, errOut, code := run(t, e.bin, "sign", "--key", key, "--created", "2025-06-01T00:00:00Z", e.write(t, "status-cred-"+idx+".json", []byte(cred)))
	require.Equal(t, 0, code, errOut)
	return e.write(t, "status-signed-"+idx+".json", []byte(out))
}

type nodeStatus struct {
	Verified bool     `json:"verified"`
	Statuses []bool   `json:"statuses"`
	Errors   []string `json:"errors"`
}

func nodeStatusCheck(t *testing.T, cred string, lists ...string) nodeStatus {
	t.Helper()
	out, errOut, _ := run(t, "node", append([]string{"js/status.mjs", "check", cred}, lists...)...)
	var r nodeStatus
	require.NoError(t, json.Unmarshal([]byte(out), &r), "status.mjs: %s %s", out, errOut)
	return r
}

// A list microcred creates and revokes in is read the same way by
// @digitalbazaar/vc-bitstring-status-list; a list their library creates
// (signed by their stack) is read the same way by microcred.
func TestStatusListBothWays(t *testing.T) {
	e := setup(t)
	key, did := e.keyOf(t, "ed25519")

	t.Run("ours read by theirs", func(t *testing.T) {
		const url = "https://status.example/ours"
		list := filepath.Join(e.dir, "our-list.json")
		_, errOut, code := run(t, e.bin, "status", "create", "--key", key, "--url", url, "--out", list)
		require.Equal(t, 0, code, errOut)
		for _, i := range []string{"5", "131071"} {
			_, errOut, code = run(t, e.bin, "status", "set", "--key", key, "--list", list, "--index", i, "--out", list)
			require.Equal(t, 0, code, errOut)
		}
		for index, revoked := range map[int]bool{5: true, 6: false, 4: false, 131071: true, 131070: false} {
			cred := e.statusCredential(t, key, did, url, index)
			r := nodeStatusCheck(t, cred, url+"="+list)
			require.True(t, r.Verified, "their checkStatus fails on our list: %v", r.Errors)
			assert.Equal(t, []bool{revoked}, r.Statuses, "index %d", index)
			// The list is dated now (status create), so verify at the real time.
			stdout, _, code := run(t, e.bin, "verify", "--trust", did, "--status-list", url+"="+list, cred)
			assert.Equal(t, map[bool]int{true: 1, false: 0}[revoked], code, "microcred, index %d: %s", index, stdout)
		}
		// Our list with its bits edited after signing: both refuse it.
		data, err := os.ReadFile(list)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		other := filepath.Join(e.dir, "other-list.json")
		_, errOut, code = run(t, e.bin, "status", "create", "--key", key, "--url", url, "--out", other)
		require.Equal(t, 0, code, errOut)
		clean, err := os.ReadFile(other)
		require.NoError(t, err)
		var c map[string]any
		require.NoError(t, json.Unmarshal(clean, &c))
		m["credentialSubject"].(map[string]any)["encodedList"] = c["credentialSubject"].(map[string]any)["encodedList"]
		bad, err := json.Marshal(m)
		require.NoError(t, err)
		tampered := e.write(t, "our-list-tampered.json", bad)
		cred := e.statusCredential(t, key, did, url, 5)
		r := nodeStatusCheck(t, cred, url+"="+tampered)
		assert.False(t, r.Verified, "their checkStatus accepts a list edited after signing")
		stdout, _, code := run(t, e.bin, "verify", "--trust", did, "--status-list", url+"="+tampered, cred)
		assert.Equal(t, 1, code)
		assert.Contains(t, stdout, "invalid signature")
	})

	t.Run("theirs read by ours", func(t *testing.T) {
		const url = "https://status.example/theirs"
		out, errOut, code := run(t, "node", "js/status.mjs", "list", url, "revocation", did, "7", "65536")
		require.Equal(t, 0, code, errOut)
		unsigned := e.write(t, "their-list-unsigned.json", []byte(out))
		out, errOut, code = run(t, "node", "js/sign.mjs", "--key", key, "--created", "2025-06-01T00:00:00Z", unsigned)
		require.Equal(t, 0, code, errOut)
		list := e.write(t, "their-list.json", []byte(out))
		for index, revoked := range map[int]bool{7: true, 8: false, 65536: true, 0: false} {
			cred := e.statusCredential(t, key, did, url, index)
			r := nodeStatusCheck(t, cred, url+"="+list)
			require.True(t, r.Verified, "%v", r.Errors)
			assert.Equal(t, []bool{revoked}, r.Statuses, "theirs, index %d", index)
			stdout, _, code := run(t, e.bin, "verify", "--trust", did, "--now", now, "--status-list", url+"="+list, cred)
			if revoked {
				assert.Equal(t, 1, code, stdout)
				assert.Contains(t, stdout, "credential revoked")
			} else {
				assert.Equal(t, 0, code, stdout)
			}
		}
	})
}

// ecdsa-sd-2023 both ways: a base proof made by one side is derived by the
// other, and both verify the derived credential (and refuse it tampered).
func TestSelectiveDisclosureBothWays(t *testing.T) {
	e := setup(t)
	key, did := e.keyOf(t, "p256")
	in := e.credentialFor(t, did)
	// Our defaults, where the credential has them: a derived credential
	// must disclose validUntil (and credentialStatus, which it has not:
	// --allow-withheld-unsafe says the verifier accepts that).
	mandatory := []string{"/issuer", "/type", "/validFrom", "/validUntil"}
	reveal := []string{"/credentialSubject/achievement/name", "/credentialSubject/achievement/criteria"}
	check := func(t *testing.T, name string, derived []byte) {
		t.Helper()
		path := e.write(t, name, derived)
		ok, why := nodeVerify(t, path)
		assert.True(t, ok, "Digital Bazaar rejects the derived credential: %s", why)
		stdout, _, code := run(t, e.bin, "verify", "--trust", did, "--now", now, "--allow-withheld-unsafe", "credentialStatus", path)
		assert.Equal(t, 0, code, "microcred rejects the derived credential: %s", stdout)
		var m map[string]any
		require.NoError(t, json.Unmarshal(derived, &m))
		ach := m["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
		assert.Contains(t, ach, "name")
		assert.NotContains(t, ach, "description", "not revealed")
		ach["name"] = "Something grander"
		bad, err := json.Marshal(m)
		require.NoError(t, err)
		badPath := e.write(t, "tampered-"+name, bad)
		ok, _ = nodeVerify(t, badPath)
		assert.False(t, ok, "Digital Bazaar accepts a tampered derived credential")
		_, _, code = run(t, e.bin, "verify", "--trust", did, "--now", now, "--allow-withheld-unsafe", "credentialStatus", badPath)
		assert.Equal(t, 1, code, "microcred accepts a tampered derived credential")
	}
	revealArgs := func(flag string, ps []string) []string {
		var out []string
		for _, p := range ps {
			out = append(out, flag, p)
		}
		return out
	}

	t.Run("their base, our derivation", func(t *testing.T) {
		args := append([]string{"js/sd.mjs", "sign", "--key", key, "--created", "2025-06-01T00:00:00Z"}, revealArgs("--mandatory", mandatory)...)
		out, errOut, code := run(t, "node", append(args, in)...)
		require.Equal(t, 0, code, errOut)
		base := e.write(t, "sd-their-base.json", []byte(out))
		// A base proof is for the holder: both refuse it as a credential.
		ok, _ := nodeVerify(t, base)
		assert.False(t, ok)
		_, _, code = run(t, e.bin, "verify", "--trust", did, "--now", now, base)
		assert.Equal(t, 1, code)
		out, errOut, code = run(t, e.bin, append(append([]string{"derive"}, revealArgs("--reveal", reveal)...), base)...)
		require.Equal(t, 0, code, errOut)
		check(t, "sd-our-derived.json", []byte(out))
	})

	t.Run("our base, their derivation", func(t *testing.T) {
		args := append([]string{"sign", "--key", key, "--suite", "ecdsa-sd-2023", "--created", "2025-06-01T00:00:00Z"}, revealArgs("--mandatory", mandatory)...)
		out, errOut, code := run(t, e.bin, append(args, in)...)
		require.Equal(t, 0, code, errOut)
		base := e.write(t, "sd-our-base.json", []byte(out))
		out, errOut, code = run(t, "node", append(append([]string{"js/sd.mjs", "derive"}, revealArgs("--reveal", reveal)...), base)...)
		require.Equal(t, 0, code, errOut)
		check(t, "sd-their-derived.json", []byte(out))
	})
}
