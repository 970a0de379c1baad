package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/bake"
)

// verifyReport is the part of verify's JSON report the tests read.
type verifyReport struct {
	File              string `json:"file"`
	Verified          bool   `json:"verified"`
	Trust             string `json:"trust"`
	Issuer            string `json:"issuer"`
	ClaimedIssuerName string `json:"claimedIssuerName"`
	TrustHint         string `json:"trustHint"`
	Error             string `json:"error"`
	Checks            []struct {
		Check   string `json:"check"`
		Outcome string `json:"outcome"`
		Detail  string `json:"detail"`
		Error   string `json:"error"`
	} `json:"checks"`
	Anchor *struct {
		Level         string `json:"level"`
		RequiredLevel string `json:"requiredLevel"`
		Enough        bool   `json:"enough"`
		Error         string `json:"error"`
	} `json:"anchor"`
	Credentials []verifyReport `json:"credentials"`
}

func (r verifyReport) outcome(check string) string {
	for _, c := range r.Checks {
		if c.Check == check {
			return c.Outcome
		}
	}
	return ""
}

// jsonLines reads verify --json's output: one object per line.
func jsonLines(t *testing.T, out string) []verifyReport {
	t.Helper()
	var reps []verifyReport
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r verifyReport
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), "one JSON object per line: %q", sc.Text())
		reps = append(reps, r)
	}
	return reps
}

// harvard signs, with a did:key made a moment ago, a badge whose issuer
// calls itself "Harvard University".
func harvard(t *testing.T, dir string) (did, path string) {
	t.Helper()
	keyPath := filepath.Join(dir, "fresh.json")
	r := runCLI(t, "key", "generate", "--out", keyPath)
	require.Equal(t, 0, r.code, r.stderr)
	did = strings.TrimSpace(r.stdout)
	cred := strings.NewReplacer(
		"CREDENTIAL-ID", "2f0c6d1a-8d9e-4b4e-9b7a-3c2a1f0e9d8c", "ISSUER-DID", did,
		"VALID-FROM", "2024-01-01T00:00:00Z", "VALID-UNTIL", "2030-01-01T00:00:00Z",
		"Example Technical Institute", "Harvard University",
	).Replace(demoTemplate)
	r = runCLI(t, "sign", "--key", keyPath, "--created", "2024-01-01T00:00:00Z", writeFile(t, dir, "harvard-unsigned.json", []byte(cred)))
	require.Equal(t, 0, r.code, r.stderr)
	return did, writeFile(t, dir, "harvard.json", []byte(r.stdout))
}

const at = "2024-06-01T00:00:00Z"

// Without --trust, --trust-file or --any-issuer no issuer is trusted: a
// badge naming "Harvard University", signed by a did:key made a second
// before, does not verify (before: VERIFIED, exit 0, and "verified": true
// with no trust field). The report says the signature is valid, who
// signed, the name they claim (as a claim), and the flag that trusts them.
func TestVerifyFailsClosedOnTrust(t *testing.T) {
	dir := t.TempDir()
	did, path := harvard(t, dir)

	r := runCLI(t, "verify", "--now", at, path)
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, path+": NOT VERIFIED")
	assert.NotContains(t, strings.ReplaceAll(r.stdout, "NOT VERIFIED", ""), "VERIFIED", "one verdict")
	assert.Contains(t, r.stdout, "  issuer: "+did+"\n")
	assert.Contains(t, r.stdout, `  issuer name: "Harvard University" (as the credential claims it; not verified)`)
	assert.Regexp(t, `\n  proof +passed`, r.stdout)
	assert.Regexp(t, `\n  issuer +failed +microcred: issuer is not trusted`, r.stdout)
	assert.Contains(t, r.stdout, "the signature is valid and made with the issuer's own key, but the issuer is not one you trust")
	assert.Contains(t, r.stdout, "to trust it: --trust "+did)

	r = runCLI(t, "verify", "--json", "--now", at, path)
	assert.Equal(t, 1, r.code)
	reps := jsonLines(t, r.stdout)
	require.Len(t, reps, 1)
	rep := reps[0]
	assert.False(t, rep.Verified)
	assert.Equal(t, "untrusted", rep.Trust)
	assert.Equal(t, did, rep.Issuer)
	assert.Equal(t, "Harvard University", rep.ClaimedIssuerName)
	assert.Equal(t, "--trust "+did, rep.TrustHint)
	assert.Equal(t, "passed", rep.outcome("proof"))
	assert.Equal(t, "failed", rep.outcome("issuer"))

	// Trusted by name, from a file, or any issuer by choice.
	list := writeFile(t, dir, "trusted.txt", []byte("# issuers we accept\n\n  did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK  \n"+did+"\n"))
	jsonList := writeFile(t, dir, "trusted.json", []byte(`["`+did+`"]`))
	for _, tc := range []struct {
		args  []string
		code  int
		trust string
	}{
		{[]string{"--trust", did}, 0, "trusted"},
		{[]string{"--trust-file", list}, 0, "trusted"},
		{[]string{"--trust-file", jsonList}, 0, "trusted"},
		{[]string{"--trust", "did:example:other", "--trust-file", jsonList}, 0, "trusted"},
		{[]string{"--any-issuer"}, 0, "any-issuer"},
		{[]string{"--trust", "did:example:other"}, 1, "untrusted"},
	} {
		r := runCLI(t, append(append([]string{"verify", "--json", "--now", at}, tc.args...), path)...)
		assert.Equal(t, tc.code, r.code, "%v: %s", tc.args, r.stdout+r.stderr)
		reps := jsonLines(t, r.stdout)
		require.Len(t, reps, 1)
		assert.Equal(t, tc.trust, reps[0].Trust, "%v", tc.args)
		assert.Equal(t, tc.code == 0, reps[0].Verified)
	}
	r = runCLI(t, "verify", "--now", at, "--any-issuer", path)
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "trust: any issuer (--any-issuer)")
	r = runCLI(t, "verify", "--now", at, "--trust", did, path)
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, path+": VERIFIED")
	assert.Contains(t, r.stdout, "trust: "+did+" is a trusted issuer")
	assert.Contains(t, r.stdout, `issuer name: "Harvard University"`+"\n", "a trusted issuer's own statement")

	// A broken signature: not a question of trust.
	bad := writeFile(t, dir, "tampered.json", bytes.Replace([]byte(mustRead(t, path)), []byte("Harvard University"), []byte("Harvard Universitx"), 1))
	r = runCLI(t, "verify", "--json", "--now", at, "--trust", did, bad)
	assert.Equal(t, 1, r.code)
	rep = jsonLines(t, r.stdout)[0]
	assert.Equal(t, "not-checked", rep.Trust)
	assert.Equal(t, "failed", rep.outcome("proof"))
	assert.Empty(t, rep.TrustHint, "no advice to trust a signature that does not hold")
	assert.Equal(t, "Harvard Universitx", rep.ClaimedIssuerName, "the claim, whatever it is")

	// Trust files that are mistakes; flags that exclude each other.
	for name, content := range map[string]string{
		"empty.txt":    "# nobody yet\n",
		"key.txt":      did + "#" + strings.TrimPrefix(did, "did:key:") + "\n",
		"garbage.txt":  "not an issuer\n",
		"bad.json":     `["` + did + `", 7]`,
		"trailing.txt": "[\"" + did + "\"] x",
	} {
		f := writeFile(t, dir, name, []byte(content))
		r := runCLI(t, "verify", "--now", at, "--trust-file", f, path)
		assert.Equal(t, 2, r.code, "%s: %s", name, r.stderr)
	}
	assert.Equal(t, 2, runCLI(t, "verify", "--now", at, "--trust-file", filepath.Join(dir, "missing.txt"), path).code)
	assert.Equal(t, 2, runCLI(t, "verify", "--any-issuer", "--trust-file", list, path).code)
	assert.Equal(t, 2, runCLI(t, "verify", "--any-issuer", "--trust", did, path).code)
	assert.Equal(t, 2, runCLI(t, "verify", "--trust", did+"#key-1", path).code, "a key is not an issuer")
}

// The issuer name is shown as data: control characters in it cannot
// rewrite the terminal.
func TestVerifyIssuerNameIsQuoted(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "k.json")
	r := runCLI(t, "key", "generate", "--out", keyPath)
	require.Equal(t, 0, r.code)
	did := strings.TrimSpace(r.stdout)
	cred := strings.NewReplacer(
		"CREDENTIAL-ID", "2f0c6d1a-8d9e-4b4e-9b7a-3c2a1f0e9d8c", "ISSUER-DID", did,
		"VALID-FROM", "2024-01-01T00:00:00Z", "VALID-UNTIL", "2030-01-01T00:00:00Z",
		`"name": "Example Technical Institute",`+"\n    \"url\"", `"name": "Evil\u001b[2K\rVERIFIED",`+"\n    \"url\"",
	).Replace(demoTemplate)
	r = runCLI(t, "sign", "--key", keyPath, writeFile(t, dir, "u.json", []byte(cred)))
	require.Equal(t, 0, r.code, r.stderr)
	r = runCLI(t, "verify", "--now", at, writeFile(t, dir, "s.json", []byte(r.stdout)))
	assert.Equal(t, 1, r.code)
	assert.NotContains(t, r.stdout, "\x1b", "no escape from the credential reaches the terminal")
	assert.Contains(t, r.stdout, `issuer name: "Evil\x1b[2K\rVERIFIED"`)
}

// --receipt gives one verdict (before: "VERIFIED", then the anchor fell
// short and the exit status was 1), and works with --json.
func TestVerifyReceiptOneVerdict(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	batchDir := filepath.Join(dir, "batch")
	r := runCLI(t, append([]string{"batch-root", "--out", batchDir}, files...)...)
	require.Equal(t, 0, r.code, r.stderr)
	out := filepath.Join(dir, "mock")
	r = runCLI(t, "receipt", "--batch", batchDir, "--chain", "mock", "--txid", "test-anchor", "--out", out)
	require.Equal(t, 0, r.code, r.stderr)
	rec := filepath.Join(out, "cred0.json"+receiptSuffix)
	cred := filepath.Join(batchDir, "cred0.json")

	// A mock anchor is on no chain: L0, short of the default L1 (before:
	// a self-made mock receipt met it).
	r = runCLI(t, "verify", "--now", at, "--any-issuer", "--receipt", rec, cred)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, cred+": NOT VERIFIED")
	assert.NotContains(t, strings.ReplaceAll(r.stdout, "NOT VERIFIED", ""), "VERIFIED", "one verdict:\n%s", r.stdout)
	assert.Contains(t, r.stdout, "NOT ENOUGH: reached L0, --require-level L1")
	assert.Contains(t, r.stdout, "mock anchor, on no chain")

	r = runCLI(t, "verify", "--json", "--now", at, "--any-issuer", "--receipt", rec, "--require-level", "L0", cred)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	rep := jsonLines(t, r.stdout)[0]
	assert.True(t, rep.Verified)
	require.NotNil(t, rep.Anchor)
	assert.Equal(t, "L0", rep.Anchor.Level)
	assert.Equal(t, "L0", rep.Anchor.RequiredLevel)
	assert.True(t, rep.Anchor.Enough)

	r = runCLI(t, "verify", "--json", "--now", at, "--any-issuer", "--receipt", rec, cred)
	assert.Equal(t, 1, r.code)
	rep = jsonLines(t, r.stdout)[0]
	assert.False(t, rep.Verified)
	assert.False(t, rep.Anchor.Enough)

	// Another credential's receipt.
	r = runCLI(t, "verify", "--json", "--now", at, "--any-issuer", "--receipt", rec, filepath.Join(batchDir, "cred1.json"))
	assert.Equal(t, 1, r.code)
	rep = jsonLines(t, r.stdout)[0]
	assert.Contains(t, rep.Anchor.Error, "other credential bytes")

	// One receipt, one credential.
	assert.Equal(t, 2, runCLI(t, "verify", "--any-issuer", "--receipt", rec, cred, filepath.Join(batchDir, "cred1.json")).code)
}

// Several files: one report each, one summary line, exit 1 if one fails
// (2 if one cannot be read); --json writes one object per line.
func TestVerifyManyFiles(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	r := runCLI(t, append([]string{"verify", "--now", at, "--any-issuer"}, files...)...)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	for _, f := range files {
		assert.Contains(t, r.stdout, f+": VERIFIED\n")
	}
	assert.True(t, strings.HasSuffix(r.stdout, "\n3 files: 3 verified, 0 not verified\n") || strings.HasSuffix(r.stdout, "3 files: 3 verified, 0 not verified\n"), r.stdout)
	assert.Equal(t, 1, strings.Count(r.stdout, "3 files:"), "one summary line")

	bad := writeFile(t, dir, "bad.json", bytes.Replace([]byte(mustRead(t, files[1])), []byte("Teamwork 1"), []byte("Teamwork 9"), 1))
	args := []string{files[0], bad, files[2]}
	r = runCLI(t, append([]string{"verify", "--now", at, "--any-issuer"}, args...)...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, bad+": NOT VERIFIED")
	assert.Contains(t, r.stdout, files[2]+": VERIFIED", "the files after a failure are verified too")
	assert.Contains(t, r.stdout, "3 files: 2 verified, 1 not verified")

	r = runCLI(t, append([]string{"verify", "--json", "--now", at, "--any-issuer"}, args...)...)
	assert.Equal(t, 1, r.code)
	reps := jsonLines(t, r.stdout)
	require.Len(t, reps, 3)
	for i, want := range []bool{true, false, true} {
		assert.Equal(t, args[i], reps[i].File)
		assert.Equal(t, want, reps[i].Verified, args[i])
	}

	missing := filepath.Join(dir, "missing.json")
	r = runCLI(t, "verify", "--now", at, "--any-issuer", files[0], missing, files[2])
	assert.Equal(t, 2, r.code, "an unreadable file")
	assert.Contains(t, r.stdout, files[2]+": VERIFIED")
	assert.Contains(t, r.stdout, "3 files: 2 verified, 0 not verified, 1 unreadable")
	r = runCLI(t, "verify", "--json", "--now", at, "--any-issuer", missing)
	assert.Equal(t, 2, r.code)
	rep := jsonLines(t, r.stdout)[0]
	assert.NotEmpty(t, rep.Error)
	assert.False(t, rep.Verified)
}

// noisyPNG is a PNG of size×size random pixels (it does not compress).
func noisyPNG(t *testing.T, size int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.Uint32())
	}
	img.Set(0, 0, color.NRGBA{A: 255})
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// verify reads any image bake writes: both take images up to
// bake.MaxImageBytes, and both say so in --help. (Before: a baked image
// over 1 MiB was "larger than 1048576 bytes", exit 2.)
func TestVerifyReadsWhatBakeWrites(t *testing.T) {
	dir := t.TempDir()
	files := signedBatch(t, dir)
	img := noisyPNG(t, 700) // ~1.9 MB
	require.Greater(t, len(img), 1<<20)
	imgPath := writeFile(t, dir, "big.png", img)
	baked := filepath.Join(dir, "big-baked.png")
	r := runCLI(t, "bake", "--image", imgPath, "--credential", files[0], "--out", baked)
	require.Equal(t, 0, r.code, r.stderr)
	r = runCLI(t, "verify", "--now", at, "--any-issuer", baked)
	assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	r = runCLI(t, "extract", baked)
	assert.Equal(t, 0, r.code, r.stderr)

	limit := strconv.Itoa(bake.MaxImageBytes)
	for _, cmd := range []string{"verify", "bake"} {
		h := runCLI(t, cmd, "--help")
		assert.Contains(t, h.stdout, limit+" bytes", "%s --help states the image limit", cmd)
	}

	// Over the limit: refused as unreadable input, not read whole.
	f, err := os.Create(filepath.Join(dir, "huge.png"))
	require.NoError(t, err)
	require.NoError(t, f.Truncate(int64(bake.MaxImageBytes)+1))
	require.NoError(t, f.Close())
	r = runCLI(t, "verify", "--any-issuer", f.Name())
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stdout, "larger than "+limit+" bytes")
}
