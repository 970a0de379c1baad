package microcred_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/did/httpkey"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
	"github.com/onchaincert/microcred/vc/status"
)

// validatorSamples holds the test resources of 1EdTech's OB 3.0 / CLR 2.0
// validator (see its README.md for the source and the verdicts).
const validatorSamples = "testdata/vectors/1edtech-validator"

// validatorTestlistURL is where the samples' status entries find the
// validator's test status list (ob30/bit-string-list/testlist).
const validatorTestlistURL = "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"

// validatorCheckAt is the fixed clock of the sample tests.
var validatorCheckAt = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// validatorVerifier verifies the 1EdTech validator's samples offline: every
// suite they use, JWTs accepted, the controller and DID documents of
// local/ (built from the keys the samples name, see the README) through
// httpkey.Static and didweb.Static, the test status list through a
// status.StaticFetcher, and a fixed clock.
func validatorVerifier(t testing.TB) *microcred.Verifier {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(validatorSamples, "local/INDEX.tsv"))
	require.NoError(t, err)
	controllers := httpkey.Static{}
	webDIDs := didweb.Static{}
	for _, line := range strings.Split(strings.TrimSpace(string(index)), "\n")[1:] {
		id, file, ok := strings.Cut(line, "\t")
		require.True(t, ok, line)
		doc, err := os.ReadFile(filepath.Join(validatorSamples, "local", file))
		require.NoError(t, err)
		if strings.HasPrefix(id, "did:web:") {
			webDIDs[id] = doc
		} else {
			controllers[id] = doc
		}
	}
	methods, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}, "web": webDIDs})
	require.NoError(t, err)
	loader := contexts.Default()
	rdfc, err := eddsa2022.NewRDFC(loader)
	require.NoError(t, err)
	ed2020, err := legacy.NewEd25519Signature2020(loader)
	require.NoError(t, err)
	sd, err := ecdsasd2023.New(loader)
	require.NoError(t, err)
	ecdsa, err := ecdsa2019.NewRDFC(loader)
	require.NoError(t, err)
	list, err := os.ReadFile(filepath.Join(validatorSamples, "ob30/bit-string-list/testlist"))
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{
		Resolver:  methods.WithControllers(controllers),
		Suites:    []proof.Suite{rdfc, eddsa2022.NewJCS(), ed2020, sd, ecdsa},
		AcceptJWT: true,
	},
		microcred.WithClock(func() time.Time { return validatorCheckAt }),
		microcred.WithStatusFetcher(status.StaticFetcher{validatorTestlistURL: list}))
	require.NoError(t, err)
	return v
}

// validatorReasons maps the reasons EXPECT.tsv gives for microcred's
// refusals to the check that fails ("" when it depends on the input's
// form) and the error it wraps.
var validatorReasons = map[string]struct {
	check microcred.Check
	is    func(error) bool
}{
	"signature":       {microcred.CheckProof, isErr(proof.ErrInvalidSignature)},
	"undefined-term":  {microcred.CheckProof, isErr(canon.ErrUndefinedTerm)},
	"relative-iri":    {microcred.CheckProof, isErr(canon.ErrRelativeIRI)},
	"unknown-key":     {microcred.CheckProof, isErr(did.ErrNotFound)},
	"not-a-did":       {microcred.CheckProof, isErr(did.ErrInvalidDID)},
	"no-proof":        {microcred.CheckProof, isErr(proof.ErrNoProof)},
	"malformed-proof": {microcred.CheckProof, isErr(proof.ErrMalformedProof)},
	"cryptosuite": {microcred.CheckProof, func(err error) bool {
		var ue *proof.UnexpectedCryptosuiteError
		return errors.As(err, &ue)
	}},
	"jwt-no-kid":      {microcred.CheckProof, isErr(vcjwt.ErrKey)},
	"jwt-form":        {microcred.CheckParse, isErr(vcjwt.ErrMalformed)},
	"unknown-context": {"", isErr(contexts.ErrUnknownContext)},
	"credential":      {microcred.CheckParse, isErr(vc.ErrInvalidCredential)},
	"svg":             {microcred.CheckParse, isErr(bake.ErrMalformed)},
	"schema":          {microcred.CheckSchema, isErr(openbadges.ErrSchema)},
	"unknown-schema":  {microcred.CheckSchema, isErr(openbadges.ErrUnknownSchema)},
	"issuer-mismatch": {microcred.CheckIssuer, isErr(microcred.ErrIssuerMismatch)},
	"status-entry":    {microcred.CheckStatus, isErr(status.ErrInvalidList)},
	"no-status-list":  {microcred.CheckStatus, isErr(status.ErrNoList)},
	"withheld":        {microcred.CheckDisclosure, isErr(microcred.ErrWithheld)},
	"expired":         {microcred.CheckValidity, isErr(vc.ErrExpired)},
	"not-yet-valid":   {microcred.CheckValidity, isErr(vc.ErrNotYetValid)},
}

func isErr(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

type validatorSample struct {
	file, validator, microcred, source string
}

func readValidatorSamples(t testing.TB) []validatorSample {
	t.Helper()
	f, err := os.Open(filepath.Join(validatorSamples, "EXPECT.tsv"))
	require.NoError(t, err)
	defer f.Close()
	var out []validatorSample
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		require.Len(t, cols, 4, sc.Text())
		if cols[0] == "file" {
			continue
		}
		out = append(out, validatorSample{cols[0], cols[1], cols[2], cols[3]})
	}
	require.NoError(t, sc.Err())
	return out
}

// TestValidatorSamples verifies every test resource of 1EdTech's validator
// offline and compares microcred's verdict with the validator's
// (EXPECT.tsv). Where they differ, the README says why: microcred is
// deliberately stricter, or the difference is an open bug.
func TestValidatorSamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(validatorSamples, "README.md"))
	require.NoError(t, err)
	_, differences, ok := strings.Cut(string(readme), "## Where microcred and the validator differ")
	require.True(t, ok, "the README has a section on the differences")
	v := validatorVerifier(t)
	policy := mustPolicy(t, microcred.AnyIssuerUnsafe())
	samples := readValidatorSamples(t)
	agree := 0
	for _, s := range samples {
		switch s.validator {
		case "valid", "invalid":
		default:
			t.Fatalf("%s: unknown validator verdict %q", s.file, s.validator)
		}
		if (s.validator == "valid") == (s.microcred == "valid") {
			agree++
		} else {
			assert.Contains(t, differences, "`"+s.file+"`", "the README says why microcred and the validator disagree on %s", s.file)
		}
		t.Run(s.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(validatorSamples, s.file))
			require.NoError(t, err)
			res, err := v.Verify(context.Background(), data, policy)
			require.NotNil(t, res)
			if s.microcred == "valid" {
				require.NoError(t, err)
				assert.True(t, res.Verified)
				return
			}
			reason, ok := strings.CutPrefix(s.microcred, "invalid: ")
			want, known := validatorReasons[reason]
			if !ok || !known {
				t.Fatalf("unknown expectation %q", s.microcred)
			}
			require.Error(t, err)
			assert.False(t, res.Verified)
			assert.Nil(t, res.Credential)
			assert.True(t, want.is(err), "want %s, got %v", reason, err)
			if want.check != "" {
				c, found := res.Check(want.check)
				require.True(t, found, "check %s ran", want.check)
				assert.Equal(t, microcred.Failed, c.Outcome, "check %s: %v", want.check, c.Err)
			}
		})
	}
	assert.Len(t, samples, 52)
	t.Logf("microcred agrees with the 1EdTech validator on %d of %d samples", agree, len(samples))
	assert.Equal(t, 43, agree, "agreement with the validator (README.md)")
}

// TestValidatorSamplesTampered: every sample microcred verifies fails
// once corrupted: a proofValue character changed, a claim edited, the
// cryptosuite, verificationMethod, proofPurpose or created changed, an
// @context dropped, a duplicate member added. Baked samples are corrupted
// inside the image and baked again.
func TestValidatorSamplesTampered(t *testing.T) {
	v := validatorVerifier(t)
	policy := mustPolicy(t, microcred.AnyIssuerUnsafe())
	n := 0
	for _, s := range readValidatorSamples(t) {
		if s.microcred != "valid" {
			continue
		}
		n++
		data, err := os.ReadFile(filepath.Join(validatorSamples, s.file))
		require.NoError(t, err)
		cred, rebake := data, func(c []byte) []byte { return c }
		if k := bake.Detect(data); k == bake.PNG || k == bake.SVG {
			p, err := bake.Extract(data)
			require.NoError(t, err)
			cred = p.Data
			rebake = func(c []byte) []byte {
				var out []byte
				var err error
				if k == bake.PNG {
					out, err = bake.BakePNG(data, c, bake.Options{Replace: true})
				} else {
					out, err = bake.BakeSVG(data, c, bake.Options{Replace: true})
				}
				require.NoError(t, err, s.file)
				return out
			}
		}
		// The unchanged credential, baked again, still verifies: what
		// fails below fails for the corruption.
		_, err = v.Verify(context.Background(), rebake(cred), policy)
		require.NoError(t, err, s.file)
		for name, bad := range corruptions(t, cred) {
			_, err := v.Verify(context.Background(), rebake(bad), policy)
			assert.Error(t, err, "%s: %s", s.file, name)
		}
	}
	assert.Positive(t, n)
}

// corruptions returns copies of a signed JSON credential, each changed
// in one way that must make it fail.
func corruptions(t testing.TB, cred []byte) map[string][]byte {
	t.Helper()
	edit := func(f func(m, p map[string]any)) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(cred, &m))
		var p map[string]any
		switch proofs := m["proof"].(type) {
		case map[string]any:
			p = proofs
		case []any:
			p, _ = proofs[0].(map[string]any)
		}
		require.NotNil(t, p, "the credential has a proof")
		f(m, p)
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return out
	}
	other := "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	out := map[string][]byte{
		"proofValue": edit(func(_, p map[string]any) {
			pv := []byte(p["proofValue"].(string))
			if pv[5] == 'A' {
				pv[5] = 'B'
			} else {
				pv[5] = 'A'
			}
			p["proofValue"] = string(pv)
		}),
		"claim": edit(func(m, _ map[string]any) {
			name, _ := m["name"].(string)
			m["name"] = "Forged " + name
		}),
		"verificationMethod": edit(func(_, p map[string]any) { p["verificationMethod"] = other }),
		"proofPurpose":       edit(func(_, p map[string]any) { p["proofPurpose"] = "authentication" }),
		"created":            edit(func(_, p map[string]any) { p["created"] = "2011-02-03T04:05:06Z" }),
		"@context": edit(func(m, _ map[string]any) {
			ctx := m["@context"].([]any)
			m["@context"] = ctx[:len(ctx)-1]
		}),
		"duplicate member": bytes.Replace(cred, []byte("{"), []byte(`{"name":"Forged",`), 1),
	}
	if bytes.Contains(cred, []byte(`"cryptosuite"`)) {
		out["cryptosuite"] = edit(func(_, p map[string]any) { p["cryptosuite"] = "eddsa-jcs-2022" })
	} else {
		out["cryptosuite"] = edit(func(_, p map[string]any) { p["type"], p["cryptosuite"] = "DataIntegrityProof", "eddsa-rdfc-2022" })
	}
	return out
}

// The derived ecdsa-sd-2023 sample withholds validUntil and
// credentialStatus, which microcred's default policy requires (EXPECT.tsv
// says withheld); accepting that deliberately, it verifies.
func TestValidatorDerivedCredential(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(validatorSamples, "ob30/sd/derivedcredential.json"))
	require.NoError(t, err)
	policy, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe(), microcred.AllowWithheldUnsafe("validUntil", "credentialStatus"))
	require.NoError(t, err)
	res, err := validatorVerifier(t).Verify(context.Background(), data, policy)
	require.NoError(t, err)
	c, _ := res.Check(microcred.CheckProof)
	assert.Contains(t, c.Detail, "ecdsa-sd-2023")
	assert.Equal(t, "https://1edtech.edu/issuers/565049", res.Issuer)
}

// 1EdTech's eddsa-2022 sample verifies, and the report says the proof
// carries the legacy name of eddsa-rdfc-2022 (the validator warns too).
func TestValidatorEddsa2022(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(validatorSamples, "ob30/simple-eddsa-2022.json"))
	require.NoError(t, err)
	policy := mustPolicy(t, microcred.AnyIssuerUnsafe())
	res, err := validatorVerifier(t).Verify(context.Background(), data, policy)
	require.NoError(t, err)
	c, _ := res.Check(microcred.CheckProof)
	assert.Equal(t, "eddsa-2022 (legacy name of eddsa-rdfc-2022) by https://example.com/issuers/876543#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", c.Detail)
}

// bareKey signs as a did:key but names its verification method by the
// bare DID, as 1EdTech's simple-did-key-method.json does.
type bareKey struct{ *didkey.Key }

func (k bareKey) VerificationMethod() string { return k.DID().String() }

// A proof whose verificationMethod is a did:key without a fragment
// verifies, bound to that did:key as issuer (see did/didkey); the same
// kind of proof on a credential of another issuer is refused by the issuer
// binding, which is what 1EdTech's simple-did-key-method.json (issuer a
// urn:uuid) meets. (microcred's Issuer never writes one: it names
// did:key:X#X.)
func TestBareDIDKeyVerificationMethod(t *testing.T) {
	key := testKey(t, 3)
	_, err := microcred.NewIssuer(bareKey{key})
	require.Error(t, err, "the Issuer signs with did:key:X#X only")
	rdfc, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	sign := func(issuer string) []byte {
		signed, err := proof.Sign(context.Background(), obCredential(t, issuer), rdfc, bareKey{key}, proof.Options{Created: issuedAt})
		require.NoError(t, err)
		require.Contains(t, string(signed), `"verificationMethod":"`+key.DID().String()+`"`)
		return signed
	}
	v := newVerifier(t, checkAt)
	res, err := v.Verify(context.Background(), sign(key.DID().String()), trust(t, key.DID().String()))
	require.NoError(t, err)
	assert.Equal(t, key.DID().String(), res.VerificationMethod)

	for _, issuer := range []string{"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164"} {
		res, err := v.Verify(context.Background(), sign(issuer), mustPolicy(t, microcred.AnyIssuerUnsafe()))
		assert.ErrorIs(t, err, microcred.ErrIssuerMismatch, issuer)
		c, _ := res.Check(microcred.CheckProof)
		assert.Equal(t, microcred.Passed, c.Outcome, "the signature itself verifies")
	}
}

func mustPolicy(t testing.TB, trust microcred.Trust, opts ...microcred.PolicyOption) microcred.Policy {
	t.Helper()
	p, err := microcred.NewPolicy(trust, opts...)
	require.NoError(t, err)
	return p
}

// signJWT signs header.payload, exactly as given, with key.
func signJWT(t testing.TB, key *didkey.Key, header, payload string) []byte {
	t.Helper()
	input := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	sig, err := key.Sign(context.Background(), []byte(input))
	require.NoError(t, err)
	return []byte(input + "." + base64.RawURLEncoding.EncodeToString(sig))
}

// The JSON-LD check of a JWT runs on the credential, not on the JWT
// claims set: OB 3.0's VCDM 2.0 form (the payload is the credential, with
// iss, jti, sub, nbf and exp beside its members, as 1EdTech's
// simple-jwt.png carries them) and the vc claim form verify with every
// registered claim; in VC-JOSE-COSE (vc+jwt) the payload's members are
// credential terms, and the VC 2.0 context defines iss, nbf, exp, aud and
// iat but not jti, so a jti there is an undefined term.
func TestJWTClaimsAreNotCredentialTerms(t *testing.T) {
	key := testKey(t, 4)
	issuer := key.DID().String()
	var cred map[string]any
	require.NoError(t, json.Unmarshal(obCredential(t, issuer), &cred))
	from, err := time.Parse(time.RFC3339, cred["validFrom"].(string))
	require.NoError(t, err)
	id, _ := cred["id"].(string)
	claims := map[string]any{"iss": issuer, "jti": id, "nbf": from.Unix(), "iat": from.Unix(), "aud": "https://verifier.example", "exp": checkAt.Add(time.Hour).Unix()}
	if u, ok := cred["validUntil"].(string); ok {
		until, err := time.Parse(time.RFC3339, u)
		require.NoError(t, err)
		claims["exp"] = until.Unix()
	}
	with := func(m map[string]any, extra map[string]any) string {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		b, err := json.Marshal(out)
		require.NoError(t, err)
		return string(b)
	}
	kid := `"kid":"` + key.VerificationMethod() + `"`
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, AcceptJWT: true}, microcred.WithClock(func() time.Time { return checkAt }))
	require.NoError(t, err)
	policy := trust(t, issuer)

	payloadForm := signJWT(t, key, `{"alg":"EdDSA",`+kid+`,"typ":"JWT"}`, with(cred, claims))
	res, err := v.Verify(context.Background(), payloadForm, policy)
	require.NoError(t, err, "OB 3.0 payload form")
	c, _ := res.Check(microcred.CheckProof)
	assert.Contains(t, c.Detail, "(jwt)")

	vcForm := signJWT(t, key, `{"alg":"EdDSA",`+kid+`,"typ":"JWT"}`, with(claims, map[string]any{"vc": cred}))
	_, err = v.Verify(context.Background(), vcForm, policy)
	require.NoError(t, err, "vc claim form")

	jose := func(extra map[string]any) []byte {
		return signJWT(t, key, `{"alg":"EdDSA",`+kid+`,"typ":"vc+jwt"}`, with(cred, extra))
	}
	_, err = v.Verify(context.Background(), jose(map[string]any{"iss": issuer, "nbf": from.Unix(), "iat": from.Unix(), "aud": "https://verifier.example"}), policy)
	require.NoError(t, err, "vc+jwt with claims the VC 2.0 context defines")
	res, err = v.Verify(context.Background(), jose(map[string]any{"jti": id}), policy)
	assert.ErrorIs(t, err, canon.ErrUndefinedTerm, "vc+jwt with jti, which no context defines")
	c, _ = res.Check(microcred.CheckParse)
	assert.Equal(t, microcred.Failed, c.Outcome)

	// The claims still have to agree with the credential, and a member
	// the contexts do not define is still refused in the payload form.
	_, err = v.Verify(context.Background(), signJWT(t, key, `{"alg":"EdDSA",`+kid+`}`, with(cred, map[string]any{"iss": issuer, "jti": "urn:uuid:another"})), policy)
	assert.ErrorIs(t, err, vcjwt.ErrClaims)
	_, err = v.Verify(context.Background(), signJWT(t, key, `{"alg":"EdDSA",`+kid+`}`, with(cred, map[string]any{"iss": issuer, "awardedTo": "x"})), policy)
	assert.ErrorIs(t, err, canon.ErrUndefinedTerm)
	// Tampered after signing: the signature fails.
	parts := strings.Split(string(payloadForm), ".")
	forged := []byte(parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(with(cred, map[string]any{"iss": issuer, "name": "Forged"}))) + "." + parts[2])
	_, err = v.Verify(context.Background(), forged, policy)
	assert.Error(t, err)
}
