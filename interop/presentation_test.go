package interop_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Verifiable Presentations carrying Data Integrity credentials, both ways.
// The VCDM 2.0 context makes verifiableCredential a @graph container, so
// each embedded credential's statements sit in a named graph of their own
// that the presentation's proof covers; a canonicalizer that puts them
// elsewhere makes every such presentation fail on the other side.

const (
	// holderSeed: printf 'microcred interop holder' | sha256sum
	holderSeed  = "a4f6bd7fd9d32be770d5e205680e3dcd1356e9299a1b88b779badcd6493aca90"
	vpChallenge = "urn:uuid:6c1b3a52-challenge"
	vpDomain    = "verifier.example"
	// vpCreated dates the presentations Digital Bazaar signs; microcred's
	// CLI dates its own with the current time (present has no --created).
	vpCreated = "2025-06-02T00:00:00Z"
)

// holderKey generates (once) the holder's deterministic Ed25519 key with our
// CLI and returns its file and DID.
func (e *env) holderKey(t *testing.T) (string, string) {
	t.Helper()
	p := filepath.Join(e.dir, "holder-key.json")
	if data, err := os.ReadFile(p); err == nil {
		var kf struct {
			DID string `json:"did"`
		}
		require.NoError(t, json.Unmarshal(data, &kf))
		return p, kf.DID
	}
	out, errOut, code := run(t, e.bin, "key", "generate", "--type", "ed25519", "--seed", holderSeed, "--out", p)
	require.Equal(t, 0, code, errOut)
	return p, strings.TrimSpace(out)
}

// unsignedCredentials writes two OB 3.0 credentials of issuer did: the test
// credential, and a second one with another id, learner and name.
func (e *env) unsignedCredentials(t *testing.T, did string) (string, string) {
	t.Helper()
	a := e.credentialFor(t, did)
	data, err := os.ReadFile(a)
	require.NoError(t, err)
	for _, r := range [][2]string{
		{"urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-1f4c7e2a9d10", "urn:uuid:0b7e5d2c-4f61-4c1e-8a3d-5e9f2b6c7a18"},
		{"did:example:learner-4711", "did:example:learner-4712"},
		{"Intro to Data Integrity: completion badge", "Intro to Data Integrity: second badge"},
	} {
		next := bytes.ReplaceAll(data, []byte(r[0]), []byte(r[1]))
		require.NotEqual(t, data, next, "the second credential differs in %q", r[0])
		data = next
	}
	return a, e.write(t, "cred-b.json", data)
}

// signedCredentials are two credentials of one issuer, signed by one side.
type signedCredentials struct{ a, b string }

// ourCredentials signs both test credentials with microcred (eddsa-rdfc-2022).
func (e *env) ourCredentials(t *testing.T, key, did string) signedCredentials {
	t.Helper()
	a, b := e.unsignedCredentials(t, did)
	var out signedCredentials
	for _, c := range []struct {
		in  string
		dst *string
	}{{a, &out.a}, {b, &out.b}} {
		signed, errOut, code := run(t, e.bin, "sign", "--key", key, "--suite", "eddsa-rdfc-2022", "--created", "2025-06-01T00:00:00Z", c.in)
		require.Equal(t, 0, code, errOut)
		*c.dst = e.write(t, "ours-signed-"+filepath.Base(c.in), []byte(signed))
	}
	return out
}

// theirCredentials signs both test credentials with vc.issue (eddsa-rdfc-2022).
func (e *env) theirCredentials(t *testing.T, key, did string) signedCredentials {
	t.Helper()
	a, b := e.unsignedCredentials(t, did)
	var out signedCredentials
	for _, c := range []struct {
		in  string
		dst *string
	}{{a, &out.a}, {b, &out.b}} {
		signed, errOut, code := run(t, "node", "js/sign.mjs", "--key", key, "--suite", "eddsa-rdfc-2022", "--created", "2025-06-01T00:00:00Z", c.in)
		require.Equal(t, 0, code, errOut)
		*c.dst = e.write(t, "theirs-signed-"+filepath.Base(c.in), []byte(signed))
	}
	return out
}

// ourPresentation wraps credentials in a presentation the holder signs with
// `microcred present`. The CLI wants at least one credential, so a
// presentation of none is signed through the library's SignPresentation
// with the same seed (its DID is checked against the CLI's).
func (e *env) ourPresentation(t *testing.T, name, domain string, creds ...string) string {
	t.Helper()
	holderKey, holder := e.holderKey(t)
	if len(creds) == 0 {
		seed, err := hex.DecodeString(holderSeed)
		require.NoError(t, err)
		key, err := didkey.NewEd25519FromSeed(seed)
		require.NoError(t, err)
		require.Equal(t, holder, key.DID().String(), "the library and the CLI derive the same holder from the seed")
		suite, err := eddsa2022.NewRDFC(contexts.Default())
		require.NoError(t, err)
		vp := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"` + holder + `"}`
		created, err := time.Parse(time.RFC3339, vpCreated)
		require.NoError(t, err)
		wallet, err := microcred.NewIssuer(key, microcred.WithSuite(suite), microcred.WithClock(func() time.Time { return created }))
		if err != nil {
			t.Fatal(err)
		}
		signed, err := wallet.SignPresentation(context.Background(), []byte(vp), microcred.PresentationOptions{Challenge: vpChallenge, Domain: domain})
		require.NoError(t, err)
		return e.write(t, name, signed)
	}
	args := []string{"present", "--key", holderKey, "--challenge", vpChallenge}
	if domain != "" {
		args = append(args, "--domain", domain)
	}
	out, errOut, code := run(t, e.bin, append(args, creds...)...)
	require.Equal(t, 0, code, errOut)
	return e.write(t, name, []byte(out))
}

// theirPresentation wraps credentials in a presentation the holder signs
// with vc.createPresentation and vc.signPresentation.
func (e *env) theirPresentation(t *testing.T, name, domain string, creds ...string) string {
	t.Helper()
	holderKey, _ := e.holderKey(t)
	args := []string{"js/present.mjs", "sign", "--key", holderKey, "--challenge", vpChallenge, "--created", vpCreated}
	if domain != "" {
		args = append(args, "--domain", domain)
	}
	out, errOut, code := run(t, "node", append(args, creds...)...)
	require.Equal(t, 0, code, errOut)
	return e.write(t, name, []byte(out))
}

// nodeResult is one jsonld-signatures result as present.mjs reports it.
type nodeResult struct {
	Verified bool     `json:"verified"`
	Errors   []string `json:"errors"`
}

// nodeVP is what vc.verify says of a presentation: overall, of its proof,
// and of each embedded credential.
type nodeVP struct {
	Verified     bool         `json:"verified"`
	Presentation nodeResult   `json:"presentation"`
	Credentials  []nodeResult `json:"credentials"`
}

func nodeVerifyPresentation(t *testing.T, path, challenge, domain string) nodeVP {
	t.Helper()
	args := []string{"js/present.mjs", "verify", "--challenge", challenge}
	if domain != "" {
		args = append(args, "--domain", domain)
	}
	out, errOut, code := run(t, "node", append(args, path)...)
	require.Contains(t, []int{0, 1}, code, "present.mjs verify: %s %s", out, errOut)
	var r nodeVP
	require.NoError(t, json.Unmarshal([]byte(out), &r), "present.mjs verify: %s %s", out, errOut)
	require.Equal(t, code == 0, r.Verified)
	return r
}

// ourCheck is one check line of `microcred verify`'s text report.
type ourCheck struct {
	Outcome microcred.Outcome
	Text    string // the detail of a passed check, the error of a failed one
}

// ourSection is the report of the presentation or of one credential in it.
type ourSection struct {
	Verified bool
	Issuer   string // the holder, for the presentation
	Checks   map[microcred.Check]ourCheck
}

// ourVP is `microcred verify`'s text report of a presentation
// (cmd/microcred/verify.go): a section for the presentation, then one
// ("  credential N: ...") per credential it verified.
type ourVP struct {
	Exit         int
	Presentation ourSection
	Credentials  []ourSection
	Out          string
}

var (
	sectionLine = regexp.MustCompile(`^(.+ \(presentation\)|  credential (\d+)): (VERIFIED|NOT VERIFIED)$`)
	checkLine   = regexp.MustCompile(`^  (\S+) +(\S+)(?: +(.*))?$`)
	// infoLine is a line of a section that is not a check: "  trust: …".
	infoLine = regexp.MustCompile(`^  [a-z]+( [a-z]+)*: `)
)

// ourVerifyPresentation runs `microcred verify` on a presentation, trusting
// the issuer; now "" verifies at the current time.
func ourVerifyPresentation(t *testing.T, e *env, path, challenge, domain, issuer, now string) ourVP {
	t.Helper()
	args := []string{"verify", "--challenge", challenge, "--trust", issuer}
	if domain != "" {
		args = append(args, "--domain", domain)
	}
	if now != "" {
		args = append(args, "--now", now)
	}
	out, errOut, code := run(t, e.bin, append(args, path)...)
	require.Contains(t, []int{0, 1}, code, "verify: %s %s", out, errOut)
	r := ourVP{Exit: code, Out: out}
	var cur *ourSection
	for i, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if m := sectionLine.FindStringSubmatch(line); m != nil {
			s := ourSection{Verified: m[3] == "VERIFIED", Checks: map[microcred.Check]ourCheck{}}
			if m[2] == "" {
				require.Equal(t, 0, i, "the presentation's section comes first:\n%s", out)
				r.Presentation = s
				cur = &r.Presentation
			} else {
				require.Equal(t, strconv.Itoa(len(r.Credentials)), m[2], "credential sections in order:\n%s", out)
				r.Credentials = append(r.Credentials, s)
				cur = &r.Credentials[len(r.Credentials)-1]
			}
			continue
		}
		require.NotNil(t, cur, "report starts with the presentation's section:\n%s", out)
		if issuer, ok := strings.CutPrefix(line, "  issuer: "); ok {
			cur.Issuer = issuer
			continue
		}
		if holder, ok := strings.CutPrefix(line, "  holder: "); ok {
			cur.Issuer = holder
			continue
		}
		m := checkLine.FindStringSubmatch(line)
		var c ourCheck
		if m == nil || c.Outcome.UnmarshalText([]byte(m[2])) != nil {
			// Not a check: issuer name:, trust:, to trust it:, hint:.
			require.Regexp(t, infoLine, line, "unexpected report line:\n%s", out)
			continue
		}
		c.Text = m[3]
		require.NotContains(t, cur.Checks, m[1], "check %s reported once per section", m[1])
		cur.Checks[microcred.Check(m[1])] = c
	}
	require.Equal(t, code == 0, r.Presentation.Verified, "exit status and verdict agree:\n%s", out)
	return r
}

// assertOurVerified asserts that microcred verified the presentation, its
// holder binding and n credentials, each with its proof and trusted issuer.
func assertOurVerified(t *testing.T, r ourVP, holder, issuer string, n int) {
	t.Helper()
	assert.Equal(t, 0, r.Exit, "microcred verifies the presentation:\n%s", r.Out)
	assert.True(t, r.Presentation.Verified, r.Out)
	assert.Equal(t, holder, r.Presentation.Issuer, "the holder is reported")
	for _, c := range []microcred.Check{microcred.CheckParse, microcred.CheckProof, microcred.CheckHolder, microcred.CheckCredentials} {
		assert.Equal(t, microcred.Passed, r.Presentation.Checks[c].Outcome, "presentation check %s:\n%s", c, r.Out)
	}
	assert.Contains(t, r.Presentation.Checks[microcred.CheckProof].Text, "eddsa-rdfc-2022 by "+holder+"#")
	assert.Equal(t, fmt.Sprintf("%d credential(s) verified", n), r.Presentation.Checks[microcred.CheckCredentials].Text)
	require.Len(t, r.Credentials, n, "one report per credential:\n%s", r.Out)
	for i, c := range r.Credentials {
		assert.True(t, c.Verified, "credential %d:\n%s", i, r.Out)
		assert.Equal(t, issuer, c.Issuer, "credential %d", i)
		assert.Equal(t, microcred.Passed, c.Checks[microcred.CheckProof].Outcome, "credential %d proof:\n%s", i, r.Out)
		assert.Equal(t, microcred.Passed, c.Checks[microcred.CheckIssuer].Outcome, "credential %d issuer:\n%s", i, r.Out)
	}
}

// assertNodeVerified asserts that vc.verify verified the presentation's
// proof and each of n credentials.
func assertNodeVerified(t *testing.T, r nodeVP, n int) {
	t.Helper()
	assert.True(t, r.Verified, "Digital Bazaar verifies the presentation: %+v", r)
	assert.True(t, r.Presentation.Verified, "presentation proof: %v", r.Presentation.Errors)
	require.Len(t, r.Credentials, n, "one result per credential")
	for i, c := range r.Credentials {
		assert.True(t, c.Verified, "credential %d: %v", i, c.Errors)
	}
}

// presentationCases are the presentations each direction signs: zero, one
// and two credentials, with and without a domain.
func presentationCases(c signedCredentials) []struct {
	name, domain string
	creds        []string
} {
	return []struct {
		name, domain string
		creds        []string
	}{
		{"zero", vpDomain, nil},
		{"one", vpDomain, []string{c.a}},
		{"one-no-domain", "", []string{c.a}},
		{"two", vpDomain, []string{c.a, c.b}},
	}
}

// microcred signs the credentials and the presentation; Digital Bazaar's
// vc.verify accepts the presentation's proof and every credential in it.
func TestPresentationWeSignTheyVerify(t *testing.T) {
	e := setup(t)
	issuerKey, issuer := e.keyOf(t, "ed25519")
	_, holder := e.holderKey(t)
	creds := e.ourCredentials(t, issuerKey, issuer)
	for _, tc := range presentationCases(creds) {
		t.Run(tc.name, func(t *testing.T) {
			vp := e.ourPresentation(t, "ours-vp-"+tc.name+".json", tc.domain, tc.creds...)
			assertNodeVerified(t, nodeVerifyPresentation(t, vp, vpChallenge, tc.domain), len(tc.creds))
			assertOurVerified(t, ourVerifyPresentation(t, e, vp, vpChallenge, tc.domain, issuer, ""), holder, issuer, len(tc.creds))
		})
	}
}

// Digital Bazaar issues the credentials and signs the presentation;
// `microcred verify` accepts it and reports each credential verified.
func TestPresentationTheySignWeVerify(t *testing.T) {
	e := setup(t)
	issuerKey, issuer := e.keyOf(t, "ed25519")
	_, holder := e.holderKey(t)
	creds := e.theirCredentials(t, issuerKey, issuer)
	for _, tc := range presentationCases(creds) {
		t.Run(tc.name, func(t *testing.T) {
			vp := e.theirPresentation(t, "theirs-vp-"+tc.name+".json", tc.domain, tc.creds...)
			assertOurVerified(t, ourVerifyPresentation(t, e, vp, vpChallenge, tc.domain, issuer, now), holder, issuer, len(tc.creds))
			assertNodeVerified(t, nodeVerifyPresentation(t, vp, vpChallenge, tc.domain), len(tc.creds))
		})
	}
}

// editCredential decodes a presentation, applies edit to its
// verifiableCredential list and encodes it again.
func editCredential(t *testing.T, vp []byte, edit func([]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(vp, &m))
	list, ok := m["verifiableCredential"].([]any)
	require.True(t, ok, "verifiableCredential is a list")
	edit(list)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

// A presentation changed after the holder signed it, or checked against
// another challenge or domain, fails in both verifiers, and in the
// presentation's proof: the proof covers each embedded credential's named
// graph, so a swapped-in credential whose own proof is intact still breaks it.
func TestPresentationMutations(t *testing.T) {
	e := setup(t)
	issuerKey, issuer := e.keyOf(t, "ed25519")
	_, holder := e.holderKey(t)
	type mutation struct {
		name              string
		challenge, domain string
		data              []byte
		// credentialIntact: the embedded credential's own proof still
		// verifies, so only the presentation's proof can catch it.
		credentialIntact bool
		// ours is the error microcred's presentation proof check reports.
		ours error
		// theirs is a part of Digital Bazaar's presentation error.
		theirs string
	}
	for _, side := range []struct {
		name    string
		creds   func(*testing.T, string, string) signedCredentials
		present func(*testing.T, string, string, ...string) string
		now     string
	}{
		{"ours", e.ourCredentials, e.ourPresentation, ""},
		{"theirs", e.theirCredentials, e.theirPresentation, now},
	} {
		t.Run(side.name, func(t *testing.T) {
			creds := side.creds(t, issuerKey, issuer)
			vpPath := side.present(t, side.name+"-mut-vp.json", vpDomain, creds.a)
			vp, err := os.ReadFile(vpPath)
			require.NoError(t, err)
			other, err := os.ReadFile(creds.b)
			require.NoError(t, err)

			// Control: decoding and encoding the presentation again (as the
			// swap below does) keeps it valid for both.
			reencoded := editCredential(t, vp, func([]any) {})
			p := e.write(t, side.name+"-mut-reencoded.json", reencoded)
			assertNodeVerified(t, nodeVerifyPresentation(t, p, vpChallenge, vpDomain), 1)
			assertOurVerified(t, ourVerifyPresentation(t, e, p, vpChallenge, vpDomain, issuer, side.now), holder, issuer, 1)

			claim := bytes.Replace(vp, []byte("Intro to Data Integrity: completion badge"), []byte("Intro to Data Integrity: completion badgf"), 1)
			require.NotEqual(t, vp, claim, "the embedded credential's name is present")
			swapped := editCredential(t, vp, func(list []any) {
				var b any
				require.NoError(t, json.Unmarshal(other, &b))
				list[0] = b
			})
			for _, m := range []mutation{
				{name: "claim", challenge: vpChallenge, domain: vpDomain, data: claim, ours: proof.ErrInvalidSignature, theirs: "Invalid signature."},
				{name: "swapped-credential", challenge: vpChallenge, domain: vpDomain, data: swapped, credentialIntact: true, ours: proof.ErrInvalidSignature, theirs: "Invalid signature."},
				{name: "wrong-challenge", challenge: vpChallenge + "-other", domain: vpDomain, data: vp, credentialIntact: true, ours: proof.ErrChallengeMismatch, theirs: "The challenge is not as expected"},
				{name: "wrong-domain", challenge: vpChallenge, domain: "other.example", data: vp, credentialIntact: true, ours: proof.ErrDomainMismatch, theirs: "The domain is not as expected"},
			} {
				t.Run(m.name, func(t *testing.T) {
					p := e.write(t, side.name+"-mut-"+m.name+".json", m.data)

					them := nodeVerifyPresentation(t, p, m.challenge, m.domain)
					assert.False(t, them.Verified, "Digital Bazaar accepts it")
					assert.False(t, them.Presentation.Verified, "Digital Bazaar's presentation proof passes")
					assert.Contains(t, strings.Join(them.Presentation.Errors, "; "), m.theirs, "Digital Bazaar's reason")
					require.Len(t, them.Credentials, 1, "Digital Bazaar checks the credential too")
					assert.Equal(t, m.credentialIntact, them.Credentials[0].Verified, "Digital Bazaar on the credential's own proof: %v", them.Credentials[0].Errors)

					us := ourVerifyPresentation(t, e, p, m.challenge, m.domain, issuer, side.now)
					assert.Equal(t, 1, us.Exit, "microcred accepts it:\n%s", us.Out)
					assert.False(t, us.Presentation.Verified)
					assert.Equal(t, microcred.Passed, us.Presentation.Checks[microcred.CheckParse].Outcome, us.Out)
					pc := us.Presentation.Checks[microcred.CheckProof]
					assert.Equal(t, microcred.Failed, pc.Outcome, "microcred's presentation proof check:\n%s", us.Out)
					assert.Contains(t, pc.Text, m.ours.Error(), "microcred's reason")
					// A failed presentation proof stops there: the holder and
					// the credentials are not checked, so none is reported.
					assert.Equal(t, microcred.Skipped, us.Presentation.Checks[microcred.CheckHolder].Outcome, us.Out)
					assert.Equal(t, microcred.Skipped, us.Presentation.Checks[microcred.CheckCredentials].Outcome, us.Out)
					assert.Empty(t, us.Credentials, us.Out)
				})
			}
		})
	}
}

// ourCanonical is the N-Quads microcred's RDFC canonicalizer (the one
// eddsa-rdfc-2022 signs with) gives the document at path without its proof.
func ourCanonical(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	delete(doc, "proof")
	c, err := canon.NewRDFC(canon.Options{Loader: contexts.Default()})
	require.NoError(t, err)
	out, err := c.Canonicalize(doc)
	require.NoError(t, err)
	return string(out)
}

var nquadBlank = regexp.MustCompile(`^(\S+) <([^>]+)> (.+?)(?: (_:c14n\d+))? \.$`)

// The N-Quads both sides sign for a presentation (without its proof) are
// the same, and each embedded credential is a named graph that the
// presentation's verifiableCredential statement points to.
func TestPresentationCanonicalForm(t *testing.T) {
	e := setup(t)
	issuerKey, issuer := e.keyOf(t, "ed25519")
	for _, side := range []struct {
		name    string
		creds   func(*testing.T, string, string) signedCredentials
		present func(*testing.T, string, string, ...string) string
	}{
		{"ours", e.ourCredentials, e.ourPresentation},
		{"theirs", e.theirCredentials, e.theirPresentation},
	} {
		creds := side.creds(t, issuerKey, issuer)
		for _, tc := range presentationCases(creds) {
			t.Run(side.name+"/"+tc.name, func(t *testing.T) {
				vp := side.present(t, side.name+"-canon-vp-"+tc.name+".json", tc.domain, tc.creds...)
				theirs, errOut, code := run(t, "node", "js/present.mjs", "canon", vp)
				require.Equal(t, 0, code, errOut)
				ours := ourCanonical(t, vp)
				assert.Equal(t, theirs, ours, "microcred and rdf-canonize give the same N-Quads")

				// The statements: default-graph verifiableCredential
				// statements name blank nodes; each is a graph label.
				graphs := map[string]int{}
				var pointers []string
				for _, q := range strings.Split(strings.TrimRight(ours, "\n"), "\n") {
					m := nquadBlank.FindStringSubmatch(q)
					require.NotNil(t, m, "N-Quad %q", q)
					if m[4] != "" {
						graphs[m[4]]++
						continue
					}
					if m[2] == "https://www.w3.org/2018/credentials#verifiableCredential" {
						pointers = append(pointers, m[3])
					}
					assert.NotEqual(t, "https://www.w3.org/2018/credentials#issuer", m[2], "no credential statement in the presentation's default graph: %s", q)
				}
				require.Len(t, pointers, len(tc.creds), "one verifiableCredential statement per credential")
				for _, g := range pointers {
					assert.Greater(t, graphs[g], 0, "verifiableCredential points to %s, which names a graph of statements", g)
				}
			})
		}
	}
}
