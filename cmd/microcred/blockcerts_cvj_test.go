package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerifyCertVerifierJS: cert-verifier-js's own certificates that it
// accepts and microcred does too (EXPECT.tsv: every valid row without a
// differs mark; v2 MerkleProof2017 on Bitcoin mainnet, Ethereum, mocknet
// and regtest, v3 with an issuer profile, a did:ion DID document, signed
// by the issuer and anchored by a did:ion key, and on mocknet) verify with
// microcred verify and the flags that supply what cert-verifier-js
// fetches: --issuer-profile (FILE, or URL=FILE for a profile its test
// serves at a URL other than its id), --did-doc, --blockcerts-tx, --status-list
// URL=FILE (revocation lists too); baked into a PNG with microcred bake,
// the verdict is the same. With the transaction data of another anchor,
// or without the issuer's profile, each fails; a mocknet or regtest one
// (L0, no transaction data) verifies only with --unbound-issuer-key-unsafe.
func TestVerifyCertVerifierJS(t *testing.T) {
	const dir = "../../testdata/blockcerts/"
	v3List := "https://www.blockcerts.org/samples/3.0/revocation-list-blockcerts.json=" + dir + "status/v3-revocation-list.json"
	v2List := "https://www.blockcerts.org/samples/2.0/revocation-list-testnet.json=" + dir + "status/v2-testnet-revocation-list.json"
	cases := []struct {
		row, cert, issuer, tx, wrongTx string
		profiles, dids, lists          []string
		ignoreStatus                   bool
		// anchoredBy: the issuer's signature binds it, and the
		// MerkleProof2019 is a third party's anchor, by this key.
		anchoredBy string
		// signedBy: the issuer's key whose signature of the proof set
		// binds it (a mocknet row).
		signedBy string
	}{
		// Mocknet and regtest without transaction data: L0, bound to no
		// issuer unless the issuer also signed; they verify only under
		// --any-issuer (--unbound-issuer-key-unsafe) --require-level L0
		// (issuer "").
		{row: "v2-mocknet-valid", cert: "certs/v2/mocknet-valid-2.0.json",
			profiles: []string{"profiles/v2-testnet-issuer-profile.json"}, lists: []string{v2List}},
		{row: "v2-regtest-valid", cert: "certs/v2/regtest-valid-2.0.json",
			profiles: []string{"profiles/v2-testnet-issuer-profile.json"}, lists: []string{v2List}},
		{row: "v3-mocknet-valid", cert: "certs/v3/mocknet-v3-valid.json", ignoreStatus: true,
			profiles: []string{"profiles/hyland-issuer-profile-secp256k1.json", "profiles/hyland-issuer-profile-mocknet-merkleproof2019.json"},
			signedBy: "https://issuer.dev.hylandcredentials.com/93d02af5-8683-452a-a79c-959deae72495/issuer_profile.json#ckKpEaMGujwETK7Zpp8Rw6w9gTjmSbR5pZomLdxStq6j"},
		{row: "v3-mocknet-data-integrity-proof", cert: "certs/v3/mocknet-vc-v2-data-integrity-proof.json",
			profiles: []string{"profiles/issuer-blockcerts.json"}, lists: []string{v3List}},
		{row: "v3-mocknet-validfrom-valid", cert: "certs/v3/mocknet-vc-v2-validFrom-valid.json",
			profiles: []string{"profiles/issuer-blockcerts.json"}, lists: []string{v3List}},
		{row: "v2-mainnet-valid", cert: "certs/v2/mainnet-valid-2.0.json",
			issuer:   "https://blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json",
			profiles: []string{"profiles/issuer-profile-mainnet-example.json"}, tx: "tx/v2-mainnet-valid.json", wrongTx: "tx/v2-mainnet-revoked.json",
			lists: []string{"https://blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e/revocation.json=" + dir + "status/v2-revocation-list.json"}},
		// The certificate names the revocation list
		// https://www.blockcerts.org/samples/2.0/revocation-list-testnet.json,
		// which cert-verifier-js's test does not serve.
		{row: "v2-ethereum-ropsten-valid", cert: "certs/v2/ethereum-ropsten-valid-2.0.json",
			issuer:   "https://raw.githubusercontent.com/AnthonyRonning/https-github.com-labnol-files/master/issuer-eth-case-sensitive.json?raw=true",
			profiles: []string{"profiles/issuer-eth-case-sensitive.json"}, tx: "tx/v2-ethereum-ropsten-valid.json", wrongTx: "tx/v2-ethereum-revoked.json",
			ignoreStatus: true},
		{row: "v3-ethereum-sepolia", cert: "certs/v3/ethereum-sepolia-v3.json",
			issuer:   "https://www.blockcerts.org/samples/3.0/issuer-blockcerts.json",
			profiles: []string{"profiles/issuer-blockcerts.json"}, tx: "tx/v3-ethereum-sepolia.json", wrongTx: "tx/v3-proof-chain-secp256k1.json",
			lists: []string{v3List}},
		// Profiles cert-verifier-js's test serves at the certificate's
		// issuer URL, whose own id is another URL: URL=FILE.
		{row: "v2-testnet-valid", cert: "certs/v2/testnet-valid-2.0.json",
			issuer:   "https://www.blockcerts.org/samples/2.0/issuer-testnet.json",
			profiles: []string{"https://www.blockcerts.org/samples/2.0/issuer-testnet.json=profiles/issuer-blockcerts-v2a.json"},
			tx:       "tx/v2-testnet-valid.json", wrongTx: "tx/v2-testnet-valid-v1-issuer.json", ignoreStatus: true},
		{row: "v2-testnet-valid-v1-issuer", cert: "certs/v2/testnet-valid-v1-issuer-2.0.json",
			issuer:   "https://www.blockcerts.org/mockissuer/issuer/issuerTestnet_v1.json",
			profiles: []string{"https://www.blockcerts.org/mockissuer/issuer/issuerTestnet_v1.json=profiles/issuer-blockcerts-v1.json"},
			tx:       "tx/v2-testnet-valid-v1-issuer.json", wrongTx: "tx/v2-testnet-valid.json", ignoreStatus: true},
		// Signed by the issuer's did:key, anchored by a did:ion key.
		{row: "v3-proof-chain-secp256k1", cert: "certs/v3/proof-chain-example-secp256k1.json",
			issuer:   "did:key:zQ3shQHqLdkCacGpenXzbXZLqBbDeKfxgbxJgDSi1hoajzzg8",
			profiles: []string{"profiles/issuer-blockcerts.json"}, dids: []string{"did/did-ion-EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ.json"},
			tx: "tx/v3-proof-chain-secp256k1.json", wrongTx: "tx/v3-testnet-did.json", ignoreStatus: true,
			anchoredBy: "did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ#key-1"},
		{row: "v3-testnet-did", cert: "certs/v3/testnet-v3-did.json",
			issuer:   "did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ",
			profiles: []string{"profiles/issuer-blockcerts.json"}, dids: []string{"did/did-ion-EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ.json"},
			tx: "tx/v3-testnet-did.json", wrongTx: "tx/v2-testnet-valid.json", lists: []string{v3List}},
	}
	tmp := t.TempDir()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))))
	img := writeFile(t, tmp, "badge.png", buf.Bytes())
	for _, c := range cases {
		t.Run(c.row, func(t *testing.T) {
			args := func(tx string, withProfiles bool, unserved ...bool) []string {
				a := []string{"verify", "--now", "2025-06-01T12:00:00Z"}
				if c.issuer == "" {
					a = append(a, "--any-issuer", "--require-level", "L0")
					if withProfiles {
						a = append(a, "--unbound-issuer-key-unsafe")
					}
				} else {
					a = append(a, "--trust", c.issuer, "--blockcerts-tx", dir+tx)
				}
				if withProfiles {
					for _, p := range c.profiles {
						if url, file, ok := strings.Cut(p, "="); ok && len(unserved) == 0 {
							a = append(a, "--issuer-profile", url+"="+dir+file)
						} else if ok {
							a = append(a, "--issuer-profile", dir+file)
						} else {
							a = append(a, "--issuer-profile", dir+p)
						}
					}
				}
				for _, d := range c.dids {
					a = append(a, "--did-doc", dir+d)
				}
				for _, l := range c.lists {
					a = append(a, "--status-list", l)
				}
				if c.ignoreStatus {
					a = append(a, "--ignore-status-unsafe")
				}
				return a
			}
			cert := dir + c.cert
			baked := filepath.Join(tmp, c.row+".png")
			b := runCLI(t, "bake", "--image", img, "--credential", cert, "--out", baked)
			require.Equal(t, 0, b.code, b.stderr)
			data, err := os.ReadFile(baked)
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(data, []byte("\x89PNG")))
			for _, f := range []string{cert, baked} {
				r := runCLI(t, append(args(c.tx, true), f)...)
				require.Equal(t, 0, r.code, "%s: %s", f, r.stdout+r.stderr)
				assert.Contains(t, r.stdout, "VERIFIED")
				if c.issuer == "" && c.signedBy != "" {
					// The issuer's signature binds it; the mocknet
					// anchor is L0, as the policy allows.
					assert.Regexp(t, `issuer +passed +key controlled by the issuer`, r.stdout, f)
					assert.Contains(t, r.stdout, "EcdsaSecp256k1Signature2019 by "+c.signedBy, f)
					assert.Contains(t, r.stdout, "level L0", f)
					// Without the issuer's profile, its key is unknown.
					r = runCLI(t, append(args("", false), f)...)
					assert.Equal(t, 1, r.code, "%s without --issuer-profile: %s", f, r.stdout+r.stderr)
					assert.Regexp(t, `proof +failed`, r.stdout, f)
					continue
				}
				if c.issuer == "" {
					assert.Regexp(t, `issuer +passed +NOT bound to the issuer`, r.stdout, f)
					assert.Contains(t, r.stdout, "level L0", f)
					// Without --unbound-issuer-key-unsafe, L0 binds no issuer.
					r = runCLI(t, append(args("", false), f)...)
					assert.Equal(t, 1, r.code, "%s without --unbound-issuer-key-unsafe: %s", f, r.stdout+r.stderr)
					assert.Regexp(t, `issuer +failed`, r.stdout, f)
					continue
				}
				if c.anchoredBy != "" {
					assert.Regexp(t, `issuer +passed +key controlled by a trusted issuer`, r.stdout, f)
					assert.Contains(t, r.stdout, "anchored by "+c.anchoredBy, f)
				} else {
					assert.Regexp(t, `issuer +passed +anchor sender`, r.stdout, f)
				}
				assert.Contains(t, r.stdout, "level L1", f)
				if url, _, served := strings.Cut(c.profiles[0], "="); served {
					assert.Contains(t, r.stdout, "profile served at "+url+" names itself ", f)
					// The same file without its URL is the profile of its
					// own id, another issuer.
					r := runCLI(t, append(args(c.tx, true, true), f)...)
					assert.Equal(t, 1, r.code, "%s, profile without URL: %s", f, r.stdout+r.stderr)
					assert.Regexp(t, `issuer +failed`, r.stdout, f)
				}
				if strings.HasPrefix(c.row, "v2-") {
					assert.Regexp(t, `proof +passed +MerkleProof2017`, r.stdout, f)
				}
				if !c.ignoreStatus {
					assert.Regexp(t, `status +passed +not in the Blockcerts revocation list`, r.stdout, f)
				}
				// Another anchor's transaction data: its root is not this
				// certificate's merkleRoot.
				r = runCLI(t, append(args(c.wrongTx, true), f)...)
				assert.Equal(t, 1, r.code, "%s with %s: %s", f, c.wrongTx, r.stdout+r.stderr)
				assert.Contains(t, r.stdout, "NOT VERIFIED")
				// Without the issuer profile nothing binds the sender.
				if len(c.dids) == 0 {
					r = runCLI(t, append(args(c.tx, false), f)...)
					assert.Equal(t, 1, r.code, "%s without --issuer-profile: %s", f, r.stdout+r.stderr)
					assert.Regexp(t, `issuer +failed`, r.stdout, f)
				}
			}
		})
	}
}
