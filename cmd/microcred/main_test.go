package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/proof/ecdsasd2023"
)

// seedHex is the Ed25519 seed of the W3C vc-di-eddsa vectors (keyPair.json,
// privateKeyMultibase minus its 0x8026 multicodec prefix).
const seedHex = "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6"

type cli struct {
	code           int
	stdout, stderr string
}

func runCLI(t testing.TB, args ...string) cli {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return cli{code, out.String(), errb.String()}
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

func obCredential(t *testing.T) []byte {
	data, err := os.ReadFile("../../testdata/vectors/ob3/ldp-test-vector-ob/credential.json")
	require.NoError(t, err)
	return data
}

func TestKeyGenerateDeterministic(t *testing.T) {
	dir := t.TempDir()
	for _, typ := range []string{"ed25519", "p256", "p384", "secp256k1"} {
		t.Run(typ, func(t *testing.T) {
			a := filepath.Join(dir, typ+"-a.json")
			b := filepath.Join(dir, typ+"-b.json")
			ra := runCLI(t, "key", "generate", "--type", typ, "--seed", seedHex, "--out", a)
			require.Equal(t, 0, ra.code, ra.stderr)
			rb := runCLI(t, "key", "generate", "--type", typ, "--seed", seedHex, "--out", b)
			require.Equal(t, 0, rb.code, rb.stderr)
			assert.Equal(t, ra.stdout, rb.stdout, "same seed, same DID")
			assert.True(t, strings.HasPrefix(ra.stdout, "did:key:z"))
			fi, err := os.Stat(a)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "key files are private")
			var kf keyFile
			data, err := os.ReadFile(a)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &kf))
			assert.Equal(t, strings.TrimSpace(ra.stdout), kf.DID)
			assert.Equal(t, typ, kf.Type)
			_, err = loadKey(a)
			require.NoError(t, err, "the key file loads back")
			// Refuses to overwrite.
			again := runCLI(t, "key", "generate", "--type", typ, "--out", a)
			assert.Equal(t, 1, again.code)
		})
	}
	// Ed25519 seed = RFC 8032 seed: this is the W3C vc-di-eddsa key.
	w3c := filepath.Join(dir, "w3c.json")
	r := runCLI(t, "key", "generate", "--type", "ed25519", "--seed", seedHex, "--out", w3c)
	require.Equal(t, 0, r.code)
	assert.Equal(t, "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2\n", r.stdout)
}

func TestKeyGenerateUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"key", "generate", "--type", "dsa", "--out", filepath.Join(dir, "k")},
		{"key", "generate", "--type", "ed25519"},
		{"key", "generate", "--seed", "abcd", "--out", filepath.Join(dir, "k2")},
		{"key"},
		{"nonsense"},
		{},
	} {
		r := runCLI(t, args...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
	}
}

func TestSignVerify(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "key.json")
	r := runCLI(t, "key", "generate", "--type", "ed25519", "--seed", seedHex, "--out", keyPath)
	require.Equal(t, 0, r.code)
	did := strings.TrimSpace(r.stdout)
	in := writeFile(t, dir, "cred.json", obCredential(t))

	// The issuer is not the key's DID: refused, with a clear message.
	r = runCLI(t, "sign", "--key", keyPath, in)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "--set-issuer")
	assert.Contains(t, r.stderr, "https://example.edu/issuers/565049")

	for _, suite := range []string{"eddsa-rdfc-2022", "eddsa-jcs-2022"} {
		t.Run(suite, func(t *testing.T) {
			r := runCLI(t, "sign", "--key", keyPath, "--suite", suite, "--created", "2024-01-01T00:00:00Z", "--set-issuer", in)
			require.Equal(t, 0, r.code, r.stderr)
			signedPath := writeFile(t, dir, suite+".json", []byte(r.stdout))
			var signed map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &signed))
			assert.Equal(t, did, signed["issuer"].(map[string]any)["id"])
			assert.Equal(t, "2024-01-01T00:00:00Z", signed["proof"].(map[string]any)["created"])

			v := runCLI(t, "verify", "--now", "2024-06-01T00:00:00Z", "--trust", did, signedPath)
			assert.Equal(t, 0, v.code, v.stdout+v.stderr)
			assert.Contains(t, v.stdout, "VERIFIED")

			v = runCLI(t, "verify", "--json", "--now", "2024-06-01T00:00:00Z", "--trust", did, signedPath)
			require.Equal(t, 0, v.code, v.stdout+v.stderr)
			var rep jsonReport
			require.NoError(t, json.Unmarshal([]byte(v.stdout), &rep))
			assert.True(t, rep.Verified)
			require.Len(t, rep.Checks, 7)
			for _, c := range rep.Checks {
				want := "passed"
				if c.Check == "status" || c.Check == "endorsements" {
					want = "skipped" // no status entry, no endorsements
				}
				if c.Check == "schema" {
					assert.Contains(t, c.Detail, "ob_v3p0_achievementcredential_schema.json (type OpenBadgeCredential)", "the report says which schema")
				}
				assert.Equal(t, want, c.Outcome.String(), c.Check)
			}

			// One character changed: not verified, exit 1.
			bad := strings.Replace(r.stdout, "Teamwork", "Teamwerk", 1)
			badPath := writeFile(t, dir, suite+"-bad.json", []byte(bad))
			v = runCLI(t, "verify", "--now", "2024-06-01T00:00:00Z", badPath)
			assert.Equal(t, 1, v.code)
			assert.Contains(t, v.stdout, "NOT VERIFIED")

			// Untrusted issuer: exit 1.
			v = runCLI(t, "verify", "--now", "2024-06-01T00:00:00Z", "--trust", "did:example:other", signedPath)
			assert.Equal(t, 1, v.code)
		})
	}
}

func TestVerifyUsage(t *testing.T) {
	r := runCLI(t, "verify", filepath.Join(t.TempDir(), "missing.json"))
	assert.Equal(t, 2, r.code, "unreadable input")
	r = runCLI(t, "verify")
	assert.Equal(t, 2, r.code)
	r = runCLI(t, "verify", "--now", "yesterday", "x.json")
	assert.Equal(t, 2, r.code)
	garbage := writeFile(t, t.TempDir(), "g.json", []byte("{not json"))
	r = runCLI(t, "verify", garbage)
	assert.Equal(t, 1, r.code, "readable but invalid input is 'not verified'")
}

func TestDemo(t *testing.T) {
	r := runCLI(t, "demo")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "badge.png: VERIFIED")
	assert.Contains(t, r.stdout, "badge-tampered.json: NOT VERIFIED")
}

// P-256 and P-384 keys sign with ecdsa-rdfc-2019 by default, or with
// ecdsa-jcs-2019, and verify; an EdDSA suite with an ECDSA key is refused.
func TestSignVerifyECDSA(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "cred.json", obCredential(t))
	for _, typ := range []string{"p256", "p384"} {
		keyPath := filepath.Join(dir, typ+".json")
		r := runCLI(t, "key", "generate", "--type", typ, "--seed", seedHex, "--out", keyPath)
		require.Equal(t, 0, r.code, r.stderr)
		for _, suite := range []string{"", "ecdsa-jcs-2019"} {
			args := []string{"sign", "--key", keyPath, "--created", "2024-01-01T00:00:00Z", "--set-issuer"}
			if suite != "" {
				args = append(args, "--suite", suite)
			}
			r := runCLI(t, append(args, in)...)
			require.Equal(t, 0, r.code, r.stderr)
			want := suite
			if want == "" {
				want = "ecdsa-rdfc-2019"
			}
			assert.Contains(t, r.stdout, `"cryptosuite":"`+want+`"`)
			p := writeFile(t, dir, typ+suite+"-signed.json", []byte(r.stdout))
			v := runCLI(t, "verify", "--now", "2024-06-01T00:00:00Z", "--any-issuer", p)
			assert.Equal(t, 0, v.code, v.stdout)
		}
		r = runCLI(t, "sign", "--key", keyPath, "--suite", "eddsa-rdfc-2022", "--set-issuer", in)
		assert.Equal(t, 1, r.code)
	}
}

// JWT formats: the OB 3.0 VC-JWT and VC-JOSE-COSE, signed and verified by
// the CLI for every JWT-capable key type; --alg must fit the key.
func TestSignVerifyJWT(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "cred.json", obCredential(t))
	for _, typ := range []string{"ed25519", "p256", "p384", "secp256k1"} {
		keyPath := filepath.Join(dir, typ+".json")
		r := runCLI(t, "key", "generate", "--type", typ, "--out", keyPath)
		require.Equal(t, 0, r.code, r.stderr)
		for _, format := range []string{"jwt", "vc+jwt"} {
			r := runCLI(t, "sign", "--key", keyPath, "--format", format, "--set-issuer", in)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Equal(t, 2, strings.Count(strings.TrimSpace(r.stdout), "."), "a compact JWS")
			p := writeFile(t, dir, typ+format+".jwt", []byte(r.stdout))
			v := runCLI(t, "verify", "--now", "2024-06-01T00:00:00Z", "--any-issuer", p)
			assert.Equal(t, 0, v.code, v.stdout)
			assert.Contains(t, v.stdout, "JWT")
		}
	}
	keyPath := filepath.Join(dir, "ed25519.json")
	r := runCLI(t, "sign", "--key", keyPath, "--format", "jwt", "--alg", "ES256", "--set-issuer", in)
	assert.Equal(t, 1, r.code, "EdDSA key, ES256 requested")
	r = runCLI(t, "sign", "--key", keyPath, "--format", "cbor", in)
	assert.Equal(t, 2, r.code)
}

func TestPresent(t *testing.T) {
	dir := t.TempDir()
	issuerKey := filepath.Join(dir, "issuer.json")
	holderKey := filepath.Join(dir, "holder.json")
	require.Equal(t, 0, runCLI(t, "key", "generate", "--type", "ed25519", "--out", issuerKey).code)
	require.Equal(t, 0, runCLI(t, "key", "generate", "--type", "p256", "--out", holderKey).code)
	in := writeFile(t, dir, "cred.json", obCredential(t))
	r := runCLI(t, "sign", "--key", issuerKey, "--set-issuer", "--created", "2024-01-01T00:00:00Z", in)
	require.Equal(t, 0, r.code, r.stderr)
	cred := writeFile(t, dir, "signed.json", []byte(r.stdout))
	r = runCLI(t, "sign", "--key", issuerKey, "--set-issuer", "--format", "vc+jwt", in)
	require.Equal(t, 0, r.code, r.stderr)
	jwt := writeFile(t, dir, "signed.jwt", []byte(r.stdout))

	r = runCLI(t, "present", "--key", holderKey, "--challenge", "abc", "--domain", "employer.example", cred, jwt)
	require.Equal(t, 0, r.code, r.stderr)
	vp := writeFile(t, dir, "vp.json", []byte(r.stdout))
	v := runCLI(t, "verify", "--any-issuer", "--challenge", "abc", "--domain", "employer.example", vp)
	assert.Equal(t, 0, v.code, v.stdout)
	// A receipt given with a presentation is not ignored.
	v = runCLI(t, "verify", "--any-issuer", "--challenge", "abc", "--domain", "employer.example", "--receipt", vp, vp)
	assert.Equal(t, 2, v.code, v.stdout)
	v = runCLI(t, "verify", "--challenge", "xyz", "--domain", "employer.example", vp)
	assert.Equal(t, 1, v.code, "wrong challenge")
	v = runCLI(t, "verify", vp)
	assert.Equal(t, 1, v.code, "no challenge")
	assert.Equal(t, 2, runCLI(t, "present", "--key", holderKey, cred).code, "present needs a challenge")

	// The same as JWTs: vp+jwt (VC-JOSE-COSE) and the vp-claim form.
	for _, format := range []string{"vp+jwt", "jwt"} {
		r = runCLI(t, "present", "--key", holderKey, "--challenge", "abc", "--domain", "employer.example", "--format", format, cred, jwt)
		require.Equal(t, 0, r.code, r.stderr)
		tok := writeFile(t, dir, "vp-"+strings.ReplaceAll(format, "+", "")+".jwt", []byte(r.stdout))
		v = runCLI(t, "verify", "--any-issuer", "--challenge", "abc", "--domain", "employer.example", tok)
		assert.Equal(t, 0, v.code, "%s: %s", format, v.stdout)
		assert.Contains(t, v.stdout, "nonce and audience match")
		v = runCLI(t, "verify", "--challenge", "xyz", "--domain", "employer.example", tok)
		assert.Equal(t, 1, v.code, "%s: wrong challenge", format)
		assert.Contains(t, v.stdout, "challenge mismatch")
		v = runCLI(t, "verify", "--challenge", "abc", "--domain", "other.example", tok)
		assert.Equal(t, 1, v.code, "%s: wrong domain", format)
	}
	assert.Equal(t, 2, runCLI(t, "present", "--key", holderKey, "--challenge", "abc", "--format", "cbor", cred).code)
}

// RSA keys are did:jwk identities for RS256 JWTs; Data Integrity with an
// RSA key is refused.
func TestRSAKeyJWT(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "rsa.json")
	r := runCLI(t, "key", "generate", "--type", "rsa", "--out", keyPath)
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "did:jwk:"))
	in := writeFile(t, dir, "cred.json", obCredential(t))
	r = runCLI(t, "sign", "--key", keyPath, "--format", "jwt", "--alg", "RS256", "--set-issuer", in)
	require.Equal(t, 0, r.code, r.stderr)
	p := writeFile(t, dir, "rsa.jwt", []byte(r.stdout))
	v := runCLI(t, "verify", "--now", "2024-06-01T00:00:00Z", "--any-issuer", p)
	assert.Equal(t, 0, v.code, v.stdout)
	assert.Contains(t, v.stdout, "RS256")
	r = runCLI(t, "sign", "--key", keyPath, "--set-issuer", in)
	assert.Equal(t, 1, r.code, "no Data Integrity suite for RSA")
	assert.Equal(t, 2, runCLI(t, "key", "generate", "--type", "rsa", "--seed", strings.Repeat("00", 32), "--out", filepath.Join(dir, "x.json")).code)
}

func TestBakeExtractVerify(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "key.json")
	require.Equal(t, 0, runCLI(t, "key", "generate", "--type", "ed25519", "--out", keyPath).code)
	in := writeFile(t, dir, "cred.json", obCredential(t))
	r := runCLI(t, "sign", "--key", keyPath, "--set-issuer", "--created", "2024-01-01T00:00:00Z", in)
	require.Equal(t, 0, r.code, r.stderr)
	signed := writeFile(t, dir, "signed.json", []byte(r.stdout))
	pngData, err := drawBadge(32)
	require.NoError(t, err)
	img := writeFile(t, dir, "badge.png", pngData)
	svg := writeFile(t, dir, "badge.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>`))
	for _, image := range []string{img, svg} {
		out := image + ".baked"
		r := runCLI(t, "bake", "--image", image, "--credential", signed, "--out", out)
		require.Equal(t, 0, r.code, r.stderr)
		e := runCLI(t, "extract", out)
		require.Equal(t, 0, e.code, e.stderr)
		assert.JSONEq(t, strings.TrimSpace(r.stdout[:0])+mustRead(t, signed), e.stdout)
		v := runCLI(t, "verify", "--now", "2024-06-01T00:00:00Z", "--any-issuer", out)
		assert.Equal(t, 0, v.code, v.stdout)
		assert.Equal(t, 1, runCLI(t, "bake", "--image", out, "--credential", signed, "--out", out+"2").code, "already baked")
		assert.Equal(t, 0, runCLI(t, "bake", "--replace", "--image", out, "--credential", signed, "--out", out+"2").code)
	}
	assert.Equal(t, 1, runCLI(t, "extract", img).code, "nothing baked")
	assert.Equal(t, 2, runCLI(t, "bake", "--image", signed, "--credential", signed, "--out", filepath.Join(dir, "x")).code, "not an image")
}

func mustRead(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// The status workflow an issuer runs: create a list, issue a credential
// pointing into it, revoke, and the verifier sees the change.
func TestStatusCommands(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "key.json")
	r := runCLI(t, "key", "generate", "--type", "ed25519", "--seed", seedHex, "--out", key)
	require.Equal(t, 0, r.code, r.stderr)
	issuer := strings.TrimSpace(r.stdout)
	const url = "https://school.example/status/1"
	list := filepath.Join(dir, "list.json")
	r = runCLI(t, "status", "create", "--key", key, "--url", url, "--out", list)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "revocation list of 131072 entries")

	cred := `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:s1","type":["VerifiableCredential"],"issuer":"` + issuer + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"},"credentialStatus":{"id":"` + url + `#5","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"5","statusListCredential":"` + url + `"}}`
	r = runCLI(t, "sign", "--key", key, writeFile(t, dir, "cred.json", []byte(cred)))
	require.Equal(t, 0, r.code, r.stderr)
	signed := writeFile(t, dir, "signed.json", []byte(r.stdout))

	r = runCLI(t, "verify", "--trust", issuer, "--status-list", url+"="+list, signed)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "revocation clear")
	assert.NotContains(t, r.stdout, "WARNING")

	r = runCLI(t, "status", "check", "--list", list, "--index", "5")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "index 5 = 0")

	r = runCLI(t, "status", "set", "--key", key, "--list", list, "--index", "5", "--out", list)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "index 5: 0 -> 1")
	r = runCLI(t, "status", "check", "--list", list, "--index", "5")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "index 5 = 1")

	r = runCLI(t, "verify", "--trust", issuer, "--status-list", url+"="+list, signed)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "credential revoked")

	// Another key cannot update the list.
	other := filepath.Join(dir, "other.json")
	require.Equal(t, 0, runCLI(t, "key", "generate", "--type", "ed25519", "--out", other).code)
	r = runCLI(t, "status", "set", "--key", other, "--list", list, "--index", "5", "--clear", "--out", filepath.Join(dir, "x.json"))
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "not by the key's DID")

	// A hand-edited list does not pass the check.
	data, err := os.ReadFile(list)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["validFrom"] = "2020-01-01T00:00:00Z"
	edited, err := json.Marshal(m)
	require.NoError(t, err)
	r = runCLI(t, "status", "check", "--list", writeFile(t, dir, "edited.json", edited), "--index", "5")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "invalid signature")

	// Clearing restores the credential.
	r = runCLI(t, "status", "set", "--key", key, "--list", list, "--index", "5", "--clear", "--out", list)
	require.Equal(t, 0, r.code, r.stderr)
	r = runCLI(t, "verify", "--any-issuer", "--status-list", url+"="+list, signed)
	assert.Equal(t, 0, r.code, r.stdout)
	assert.NotContains(t, r.stdout, "WARNING")

	// Without --trust no issuer is trusted; the report names the issuer
	// and the flag that trusts them.
	r = runCLI(t, "verify", "--status-list", url+"="+list, signed)
	assert.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stdout, "to trust it: --trust "+issuer)

	assert.Equal(t, 2, runCLI(t, "verify", "--trust", issuer, "--any-issuer", signed).code)
	assert.Equal(t, 2, runCLI(t, "status", "create", "--key", key, "--url", url, "--purpose", "bogus", "--out", list).code)
	assert.Equal(t, 2, runCLI(t, "status", "frobnicate").code)
}

// ecdsa-sd-2023 from the command line: the issuer signs a base proof with
// mandatory pointers, the holder derives, the verifier accepts only the
// derived credential and sees only what was revealed. The credential has
// no validUntil and no status, which a verifier of a derived credential
// must accept explicitly.
func TestSelectiveDisclosure(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "p256.json")
	r := runCLI(t, "key", "generate", "--type", "p256", "--seed", seedHex, "--out", key)
	require.Equal(t, 0, r.code, r.stderr)
	issuer := strings.TrimSpace(r.stdout)
	in := writeFile(t, dir, "cred.json", obCredential(t))
	r = runCLI(t, "sign", "--key", key, "--suite", "ecdsa-sd-2023", "--mandatory", "/issuer", "--mandatory", "/validFrom", "--set-issuer", in)
	require.Equal(t, 0, r.code, r.stderr)
	base := writeFile(t, dir, "base.json", []byte(r.stdout))

	r = runCLI(t, "verify", "--trust", issuer, base)
	assert.Equal(t, 1, r.code, "a base proof is for the holder, not for verifiers")
	assert.Contains(t, r.stdout, "base proof")

	r = runCLI(t, "derive", "--reveal", "/credentialSubject/achievement/name", base)
	require.Equal(t, 0, r.code, r.stderr)
	derived := []byte(r.stdout)
	var m map[string]any
	require.NoError(t, json.Unmarshal(derived, &m))
	subject := m["credentialSubject"].(map[string]any)
	assert.NotContains(t, subject, "name", "the learner's name was not revealed")
	assert.Contains(t, subject["achievement"], "name")
	assert.Contains(t, m, "validFrom", "mandatory")
	path := writeFile(t, dir, "derived.json", derived)
	r = runCLI(t, "verify", "--trust", issuer, path)
	require.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stdout, "validUntil, credentialStatus not disclosed")
	assert.Contains(t, r.stdout, "hint: if this issuer's credentials may lack them, --allow-withheld-unsafe validUntil --allow-withheld-unsafe credentialStatus")
	r = runCLI(t, "verify", "--trust", issuer, "--allow-withheld-unsafe", "validUntil", "--allow-withheld-unsafe", "credentialStatus", path)
	require.Equal(t, 0, r.code, r.stdout)
	assert.Contains(t, r.stdout, "ecdsa-sd-2023 derived credential: mandatory validFrom; selective none; withheld validUntil, credentialStatus, credentialSchema")
	r = runCLI(t, "verify", "--trust", issuer, "--allow-withheld-unsafe", "validUntil", "--allow-withheld-unsafe", "credentialStatus", "--require-disclosure", "name", path)
	assert.Equal(t, 1, r.code, "the credential's name was not revealed")
	assert.Equal(t, 2, runCLI(t, "verify", "--trust", issuer, "--allow-withheld-unsafe", "validFrom", path).code)

	subject["achievement"].(map[string]any)["name"] = "Something grander"
	bad, err := json.Marshal(m)
	require.NoError(t, err)
	r = runCLI(t, "verify", "--trust", issuer, writeFile(t, dir, "bad.json", bad))
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "invalid signature")

	assert.Equal(t, 1, runCLI(t, "derive", "--reveal", "not-a-pointer", base).code)
	assert.Equal(t, 2, runCLI(t, "sign", "--key", key, "--suite", "ecdsa-rdfc-2019", "--mandatory", "/issuer", in).code)
	assert.Equal(t, 2, runCLI(t, "sign", "--key", key, "--suite", "ecdsa-rdfc-2019", "--unsafe-no-default-mandatory", in).code)
	assert.Equal(t, 2, runCLI(t, "sign", "--key", key, "--mandatory", "/issuer", in).code, "--mandatory without --suite")
}

// The defaults apply to every ecdsa-sd-2023 base proof; dropping them is
// explicit and warned about, member by member.
func TestSelectiveDisclosureDefaultMandatory(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "p256.json")
	r := runCLI(t, "key", "generate", "--type", "p256", "--seed", seedHex, "--out", key)
	require.Equal(t, 0, r.code, r.stderr)
	issuer := strings.TrimSpace(r.stdout)
	var cred map[string]any
	require.NoError(t, json.Unmarshal(obCredential(t), &cred))
	cred["validUntil"] = "2099-01-01T00:00:00Z"
	data, err := json.Marshal(cred)
	require.NoError(t, err)
	in := writeFile(t, dir, "cred.json", data)
	mandatoryOf := func(signed string) []string {
		var m struct {
			Proof struct{ ProofValue string } `json:"proof"`
		}
		require.NoError(t, json.Unmarshal([]byte(signed), &m))
		bv, err := ecdsasd2023.ParseBaseProofValue(m.Proof.ProofValue)
		require.NoError(t, err)
		return bv.MandatoryPointers
	}

	r = runCLI(t, "sign", "--key", key, "--suite", "ecdsa-sd-2023", "--set-issuer", in)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, []string{"/issuer", "/type", "/validFrom", "/validUntil"}, mandatoryOf(r.stdout))
	assert.Empty(t, r.stderr)
	r = runCLI(t, "sign", "--key", key, "--suite", "ecdsa-sd-2023", "--mandatory", "/credentialSubject/achievement/name", "--set-issuer", in)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, []string{"/issuer", "/type", "/validFrom", "/validUntil", "/credentialSubject/achievement/name"}, mandatoryOf(r.stdout))

	r = runCLI(t, "sign", "--key", key, "--suite", "ecdsa-sd-2023", "--unsafe-no-default-mandatory", "--mandatory", "/issuer", "--set-issuer", in)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, []string{"/issuer"}, mandatoryOf(r.stdout))
	signedOnlyIssuer := r.stdout
	var warned []string
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		require.True(t, strings.HasPrefix(line, "WARNING: --unsafe-no-default-mandatory: "), line)
		warned = append(warned, strings.Fields(strings.TrimPrefix(line, "WARNING: --unsafe-no-default-mandatory: "))[0])
	}
	assert.Equal(t, []string{"validFrom", "validUntil"}, warned, "each default member the credential has, but /issuer (kept) and the types (any pointer keeps them)")
	r = runCLI(t, "sign", "--key", key, "--suite", "ecdsa-sd-2023", "--unsafe-no-default-mandatory", "--set-issuer", in)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "WARNING: --unsafe-no-default-mandatory: type is not mandatory", "nothing at all is mandatory")
	assert.Contains(t, r.stderr, "WARNING: --unsafe-no-default-mandatory: issuer is not mandatory")
	assert.Contains(t, r.stderr, "validUntil is not mandatory: holders can withhold it from derived credentials, and verifiers cannot tell it was there (the credential can be shown as never expiring)")

	// The holder withholds validUntil; the verifier refuses by default.
	base := writeFile(t, dir, "base.json", []byte(signedOnlyIssuer))
	r = runCLI(t, "derive", "--reveal", "/credentialSubject/achievement/name", base)
	require.Equal(t, 0, r.code, r.stderr)
	derived := writeFile(t, dir, "derived.json", []byte(r.stdout))
	assert.NotContains(t, r.stdout, "validUntil")
	r = runCLI(t, "verify", "--trust", issuer, "--allow-withheld-unsafe", "credentialStatus", derived)
	assert.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stdout, "validUntil not disclosed")
}

// secp256k1 keys sign EcdsaSecp256k1Signature2019 (the Blockcerts v3
// suite) and ES256K JWTs; verify reads both.
func TestSecp256k1Signature2019CLI(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "k1.json")
	r := runCLI(t, "key", "generate", "--type", "secp256k1", "--seed", seedHex, "--out", key)
	require.Equal(t, 0, r.code, r.stderr)
	issuer := strings.TrimSpace(r.stdout)
	in := writeFile(t, dir, "cred.json", obCredential(t))
	r = runCLI(t, "sign", "--key", key, "--suite", "EcdsaSecp256k1Signature2019", "--set-issuer", in)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"jws":"eyJhbGciOiJFUzI1NksiLCJiNjQiOmZhbHNlLCJjcml0IjpbImI2NCJdfQ..`)
	signed := writeFile(t, dir, "signed.json", []byte(r.stdout))
	r = runCLI(t, "verify", "--trust", issuer, signed)
	assert.Equal(t, 0, r.code, r.stdout)
	assert.Contains(t, r.stdout, "EcdsaSecp256k1Signature2019")
	data, err := os.ReadFile(signed)
	require.NoError(t, err)
	r = runCLI(t, "verify", "--trust", issuer, writeFile(t, dir, "bad.json", bytes.Replace(data, []byte("Example"), []byte("Exemplary"), 1)))
	assert.Equal(t, 1, r.code)
}

// did:jwk identities for EC and Ed25519 keys: sign (Data Integrity and
// JWT) and verify, resolved from the DID itself.
func TestJWKIdentity(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "cred.json", obCredential(t))
	for _, args := range [][]string{{"--type", "jwk"}, {"--type", "ed25519", "--did", "jwk"}, {"--type", "p384", "--did", "jwk"}} {
		key := filepath.Join(dir, strings.Join(args, "")+".json")
		r := runCLI(t, append(append([]string{"key", "generate"}, args...), "--out", key)...)
		require.Equal(t, 0, r.code, r.stderr)
		id := strings.TrimSpace(r.stdout)
		assert.True(t, strings.HasPrefix(id, "did:jwk:"), id)
		for _, format := range []string{"di", "jwt"} {
			r = runCLI(t, "sign", "--key", key, "--format", format, "--set-issuer", in)
			require.Equal(t, 0, r.code, r.stderr)
			signed := writeFile(t, dir, "signed-"+format+".out", []byte(r.stdout))
			v := runCLI(t, "verify", "--trust", id, signed)
			assert.Equal(t, 0, v.code, "%v %s: %s", args, format, v.stdout)
			assert.Contains(t, v.stdout, id+"#0")
		}
	}
	assert.Equal(t, 2, runCLI(t, "key", "generate", "--did", "web", "--out", filepath.Join(dir, "x.json")).code)
}
