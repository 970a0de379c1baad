package interop_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The issuer profile URL our certificates name; blockcerts.mjs serves it
// from the file our CLI writes, nothing is fetched.
const profileURL = "https://issuer.example.edu/blockcerts/profile.json"

// cvjVerify runs Blockcerts' cert-verifier-js on a certificate, offline,
// with the transaction data in tx (or none) and the issuer profile.
func cvjVerify(t *testing.T, cert, tx, profile string) (string, string) {
	t.Helper()
	args := []string{"js/blockcerts.mjs", "--serve", profileURL + "=" + profile}
	if tx != "" {
		args = append(args, "--tx", tx)
	}
	out, errOut, code := run(t, "node", append(args, cert)...)
	require.Contains(t, []int{0, 1}, code, "blockcerts.mjs exit code: %s %s", out, errOut)
	var rep struct {
		Status  string   `json:"status"`
		Message string   `json:"message"`
		Refused []string `json:"refused"`
		Steps   []struct {
			Code, Status, ErrorMessage string
		} `json:"steps"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "blockcerts.mjs output: %s %s", out, errOut)
	require.Equal(t, code == 0, rep.Status == "success")
	var failed []string
	for _, s := range rep.Steps {
		if s.Status == "failure" {
			failed = append(failed, s.Code+": "+s.ErrorMessage)
		}
	}
	return rep.Status, fmt.Sprintf("%s %v refused=%v", rep.Message, failed, rep.Refused)
}

// TestBlockcertsTheyVerify issues three Blockcerts v3 certificates with
// MerkleProof2019 with our CLI, on mocknet and on bitcoin-testnet (a
// made-up txid whose transaction data we supply: remoteHash = our root,
// issuingAddress = our key's address), and checks that cert-verifier-js
// accepts them offline, rejects tampered copies, and that our verify
// agrees.
func TestBlockcertsTheyVerify(t *testing.T) {
	e := setup(t)
	if _, err := os.Stat("node_modules/@blockcerts/cert-verifier-js"); err != nil {
		t.Fatal("@blockcerts/cert-verifier-js is missing: run scripts/setup.sh")
	}
	key := filepath.Join(e.dir, "k1.json")
	_, errOut, code := run(t, e.bin, "key", "generate", "--type", "secp256k1", "--seed", w3cSeed, "--out", key)
	require.Equal(t, 0, code, errOut)
	var inputs []string
	for i := range 3 {
		doc := fmt.Sprintf(`{
  "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/blockcerts/v3"],
  "id": "urn:uuid:bbbbbbbb-0000-4000-8000-00000000000%d",
  "type": ["VerifiableCredential", "BlockcertsCredential"],
  "issuer": %q,
  "issuanceDate": "2024-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:student%d", "name": "Student %d"},
  "metadata": "{}",
  "display": {"contentMediaType": "text/html", "content": "<div>Certificate %d</div>"}
}`, i, profileURL, i, i, i)
		inputs = append(inputs, e.write(t, fmt.Sprintf("bc%d.json", i), []byte(doc)))
	}

	for _, tc := range []struct {
		chain, anchorTx string
		ourLevel        string
	}{
		{"mocknet", "microcred-interop-test", "L0"},
		{"bitcoin-testnet", strings.Repeat("5e", 32), "L1"},
	} {
		t.Run(tc.chain, func(t *testing.T) {
			common := []string{"blockcerts", "--key", key, "--chain", tc.chain, "--issuer-profile", profileURL, "--issuer-name", "Example University"}
			// The first run, before the anchor exists, writes the profile:
			// its key's created (here fixed, the made-up transaction being
			// dated 2024-01-02) precedes the anchor, as both verifiers
			// require.
			out := filepath.Join(e.dir, tc.chain)
			rootOut, errOut, code := run(t, e.bin, append(append(common, "--out", out, "--key-created", "2024-01-01T00:00:00Z"), inputs...)...)
			require.Equal(t, 0, code, errOut)
			root := strings.TrimSpace(rootOut)
			_, errOut, code = run(t, e.bin, append(append(common, "--anchor-tx", tc.anchorTx, "--root", root,
				"--created", "2024-01-02T00:00:00Z", "--out", out), inputs...)...)
			require.Equal(t, 0, code, errOut)
			profile := filepath.Join(out, "issuer-profile.json")

			tx, addr := "", ""
			ours := []string{"verify", "--issuer-profile", profile, "--trust", profileURL}
			if tc.chain == "mocknet" {
				ours = append(ours, "--require-level", "L0")
			} else {
				// The address Blockcerts derives from our key (P2PKH testnet),
				// from the profile our CLI wrote.
				var p struct {
					PublicKey []struct{ ID string } `json:"publicKey"`
				}
				data, err := os.ReadFile(profile)
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal(data, &p))
				require.Len(t, p.PublicKey, 1)
				addr = strings.TrimPrefix(p.PublicKey[0].ID, "ecdsa-koblitz-pubkey:")
				require.NotEqual(t, "mgdWjvq4RYAAP5goUNagTRMx7Xw534S5am", addr)
				tx = e.write(t, "tx-"+tc.chain+".json", []byte(fmt.Sprintf(
					`{"remoteHash":%q,"issuingAddress":%q,"time":"2024-01-02T01:00:00Z","revokedAddresses":[]}`, root, addr)))
				ours = append(ours, "--blockcerts-tx", tx)
			}
			for i := range 3 {
				cert := filepath.Join(out, fmt.Sprintf("bc%d.json", i))
				status, detail := cvjVerify(t, cert, tx, profile)
				assert.Equal(t, "success", status, "cert-verifier-js on %s: %s", cert, detail)
				stdout, stderr, code := run(t, e.bin, append(ours, cert)...)
				assert.Contains(t, stdout, "level "+tc.ourLevel)
				if tc.chain == "mocknet" {
					// cert-verifier-js skips every chain step for mocknet;
					// we verify the Merkle proof (L0) but nothing binds the
					// certificate to its issuer, so it is not verified.
					assert.Equal(t, 1, code, "our verify: %s %s", stdout, stderr)
					assert.Regexp(t, `proof +passed +MerkleProof2019`, stdout)
					assert.Contains(t, stdout, "no transaction sender binds")
				} else {
					assert.Equal(t, 0, code, "our verify: %s %s", stdout, stderr)
				}

				data, err := os.ReadFile(cert)
				require.NoError(t, err)
				bad := e.write(t, fmt.Sprintf("tampered-%s-%d.json", tc.chain, i),
					[]byte(strings.Replace(string(data), fmt.Sprintf("Student %d", i), fmt.Sprintf("Student %d", i+5), 1)))
				status, detail = cvjVerify(t, bad, tx, profile)
				assert.Equal(t, "failure", status, "cert-verifier-js accepted a tampered certificate: %s", detail)
				_, _, code = run(t, e.bin, append(ours, bad)...)
				assert.Equal(t, 1, code, "our verify accepted a tampered certificate")
			}
			if tx != "" {
				// Transaction data for another root, or from another address:
				// both verifiers refuse.
				cert := filepath.Join(out, "bc0.json")
				for name, data := range map[string]string{
					"other sender": fmt.Sprintf(`{"remoteHash":%q,"issuingAddress":"mgdWjvq4RYAAP5goUNagTRMx7Xw534S5am","time":"2024-01-02T01:00:00Z"}`, root),
					"other root":   fmt.Sprintf(`{"remoteHash":%q,"issuingAddress":%q,"time":"2024-01-02T01:00:00Z"}`, strings.Repeat("ab", 32), addr),
				} {
					bad := e.write(t, "badtx-"+strings.ReplaceAll(name, " ", "-")+".json", []byte(data))
					status, detail := cvjVerify(t, cert, bad, profile)
					assert.Equal(t, "failure", status, "%s: %s", name, detail)
					_, _, code := run(t, e.bin, "verify", "--issuer-profile", profile, "--blockcerts-tx", bad, cert)
					assert.Equal(t, 1, code, name)
				}
			}
		})
	}
}
