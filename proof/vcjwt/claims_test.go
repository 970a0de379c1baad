package vcjwt_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
)

// obj writes a JSON object from alternating member names and raw JSON
// values, in order, so tests control exactly what the payload says
// (case variants, number spellings).
func obj(kv ...string) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(kv[i])
		b.Write(name)
		b.WriteByte(':')
		b.WriteString(kv[i+1])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// signRaw signs header.payload, exactly as given, with key.
func signRaw(t testing.TB, key *didkey.Key, header, payload []byte) string {
	t.Helper()
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sig, err := key.Sign(context.Background(), []byte(input))
	require.NoError(t, err)
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// jwtFixture is an issuer key, its credential without validFrom and
// validUntil (so exp and nbf are the only validity window), and the OB 3.0
// header.
type jwtFixture struct {
	key    *didkey.Key
	cred   []byte
	header []byte
}

func newFixture(t testing.TB) jwtFixture {
	t.Helper()
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(credential(t, key.DID().String()), &m))
	delete(m, "validFrom")
	delete(m, "validUntil")
	cred, err := json.Marshal(m)
	require.NoError(t, err)
	return jwtFixture{key: key, cred: cred, header: obj("alg", `"EdDSA"`, "kid", strconv.Quote(key.VerificationMethod()), "typ", `"JWT"`)}
}

// token is an OB 3.0 VC-JWT whose payload is iss, vc and then extra.
func (f jwtFixture) token(t testing.TB, extra ...string) string {
	kv := append([]string{"iss", strconv.Quote(f.key.DID().String()), "vc", string(f.cred)}, extra...)
	return signRaw(t, f.key, f.header, obj(kv...))
}

func unix(tm time.Time) string { return strconv.FormatInt(tm.Unix(), 10) }

// assertClaimError checks that err is a *ClaimError about claim that
// wraps ErrClaims and kind (nil: neither ErrMalformed nor a time sentinel).
func assertClaimError(t *testing.T, err error, claim string, kind error) {
	t.Helper()
	var ce *vcjwt.ClaimError
	require.ErrorAs(t, err, &ce, "want a ClaimError about %s", claim)
	assert.Equal(t, claim, ce.Claim)
	assert.ErrorIs(t, err, vcjwt.ErrClaims)
	for _, other := range []error{vcjwt.ErrMalformed, vc.ErrExpired, vc.ErrNotYetValid} {
		if other == kind {
			assert.ErrorIs(t, err, other)
		} else {
			assert.NotErrorIs(t, err, other, "a %s problem is not %v", claim, other)
		}
	}
}

func TestControlVerifies(t *testing.T) {
	f := newFixture(t)
	res, err := vcjwt.Verify(context.Background(), f.token(t, "exp", unix(now.Add(time.Hour))), opts(t))
	require.NoError(t, err)
	assert.Equal(t, vcjwt.FormatOB3, res.Format)
	assert.Equal(t, f.cred, res.Credential)
}

// RFC 7519 §2: a NumericDate is a JSON number. A time claim of any other
// type used to be ignored, so an expired token with "exp": "1700000000"
// verified.
func TestTimeClaimsMustBeNumbers(t *testing.T) {
	f := newFixture(t)
	past := unix(now.Add(-24 * time.Hour))
	for _, claim := range []string{"exp", "nbf", "iat"} {
		for _, v := range []string{strconv.Quote(past), `"2025-01-01T00:00:00Z"`, `true`, `false`, `null`, `{}`, `{"$numberLong":"1"}`, `[` + past + `]`, `[]`} {
			t.Run(claim+"="+v, func(t *testing.T) {
				_, err := vcjwt.Verify(context.Background(), f.token(t, claim, v), opts(t))
				assertClaimError(t, err, claim, vcjwt.ErrMalformed)
				_, _, err = vcjwt.UnsafeCredentialWithoutVerification(f.token(t, claim, v))
				assertClaimError(t, err, claim, vcjwt.ErrMalformed)
			})
		}
	}
}

// A NumericDate outside 0..year 9999 is malformed, not expired: 1e300
// converted to int64 used to overflow to a negative time and be reported
// as "expired".
func TestNumericDateRange(t *testing.T) {
	f := newFixture(t)
	for _, v := range []string{"1e300", "1.7976931348623157e308", "9223372036854775807", "9.3e18", "253402300800", "-1", "-1e300", "-0.5"} {
		for _, claim := range []string{"exp", "nbf", "iat"} {
			t.Run(claim+"="+v, func(t *testing.T) {
				_, err := vcjwt.Verify(context.Background(), f.token(t, claim, v), opts(t))
				assertClaimError(t, err, claim, vcjwt.ErrMalformed)
			})
		}
	}
	// The ends of the range are accepted.
	_, err := vcjwt.Verify(context.Background(), f.token(t, "exp", "253402300799", "nbf", "0", "iat", "0"), opts(t))
	assert.NoError(t, err, "exp at 9999-12-31T23:59:59Z, nbf and iat at the epoch")
	_, err = vcjwt.Verify(context.Background(), f.token(t, "exp", "2.53402300799e11", "nbf", "-0"), opts(t))
	assert.NoError(t, err, "exponent notation and -0 are numbers too")
}

func TestTimeChecks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	skew := 5 * time.Minute // proof.DefaultClockSkew, the zero ClockSkew
	for _, tc := range []struct {
		name       string
		claim, val string
		want       error // nil: verifies
	}{
		{"exp past", "exp", unix(now.Add(-skew - time.Second)), vc.ErrExpired},
		{"exp now", "exp", unix(now.Add(-skew)), vc.ErrExpired},
		{"exp within skew", "exp", unix(now.Add(-skew + time.Second)), nil},
		{"exp future", "exp", unix(now.Add(time.Hour)), nil},
		{"nbf future", "nbf", unix(now.Add(skew + time.Second)), vc.ErrNotYetValid},
		{"nbf within skew", "nbf", unix(now.Add(skew)), nil},
		{"nbf past", "nbf", unix(now.Add(-time.Hour)), nil},
		{"iat far future", "iat", unix(now.AddDate(10, 0, 0)), vc.ErrNotYetValid},
		{"iat future", "iat", unix(now.Add(skew + time.Second)), vc.ErrNotYetValid},
		{"iat within skew", "iat", unix(now.Add(skew)), nil},
		{"iat past", "iat", unix(now.Add(-time.Hour)), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := vcjwt.Verify(ctx, f.token(t, tc.claim, tc.val), opts(t))
			if tc.want == nil {
				require.NoError(t, err)
				assert.NotNil(t, res)
				return
			}
			assert.Nil(t, res)
			assertClaimError(t, err, tc.claim, tc.want)
		})
	}
}

// Fractions of a second count (to the nanosecond float64 allows).
func TestFractionalNumericDate(t *testing.T) {
	f := newFixture(t)
	sec := now.Unix()
	token := f.token(t, "exp", strconv.FormatInt(sec, 10)+".5")
	o := opts(t)
	o.ClockSkew = time.Nanosecond
	o.Now = time.Unix(sec, 250e6)
	_, err := vcjwt.Verify(context.Background(), token, o)
	assert.NoError(t, err, "a quarter second before exp")
	o.Now = time.Unix(sec, 750e6)
	_, err = vcjwt.Verify(context.Background(), token, o)
	assertClaimError(t, err, "exp", vc.ErrExpired)
}

// Claim names are case-sensitive (RFC 7519 §10.1.1), but encoding/json
// (and so any JWT library decoding claims through struct tags, go-jose's
// jwt.Claims among them) reads "EXP", "Exp", even "ſub" (U+017F folds to
// s) as the registered claim. A payload with such a member means two
// different things to two readers, so it is refused.
func TestClaimCaseVariants(t *testing.T) {
	// What a struct-tag reader makes of it:
	var std struct {
		Exp int64 `json:"exp"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"EXP":1}`), &std))
	require.Equal(t, int64(1), std.Exp, "encoding/json folds case")

	f := newFixture(t)
	ctx := context.Background()
	variants := map[string][]string{
		"iss":   {"ISS", "Iss", "iSs", "iſs"},
		"sub":   {"SUB", "Sub", "ſub"},
		"jti":   {"JTI", "Jti"},
		"exp":   {"EXP", "Exp", "eXp"},
		"nbf":   {"NBF", "Nbf"},
		"iat":   {"IAT", "Iat"},
		"aud":   {"AUD", "Aud"},
		"nonce": {"NONCE", "Nonce", "nOnce"},
		"vc":    {"VC", "Vc", "vC"},
		"vp":    {"VP", "Vp"},
	}
	for claim, vs := range variants {
		for _, v := range vs {
			t.Run(claim+"/"+v, func(t *testing.T) {
				// An expired time as the variant: read as exp, it would
				// expire the token; ignored, it would pass unnoticed.
				token := f.token(t, v, unix(now.Add(-48*time.Hour)))
				_, err := vcjwt.Verify(ctx, token, opts(t))
				assertClaimError(t, err, v, vcjwt.ErrMalformed)
				_, _, err = vcjwt.UnsafeCredentialWithoutVerification(token)
				assertClaimError(t, err, v, vcjwt.ErrMalformed)
			})
		}
	}
	// Members that merely resemble a claim are unknown claims, ignored.
	_, err := vcjwt.Verify(ctx, f.token(t, "expires", "1", "exp_", "1", "vcs", `"x"`), opts(t))
	assert.NoError(t, err)
}

// The string claims must be strings, aud a string or an array of them, vc
// and vp objects.
func TestClaimTypes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct{ claim, val string }{
		{"sub", `42`}, {"sub", `["did:example:learner-4711"]`}, {"jti", `1`}, {"jti", `null`},
		{"aud", `42`}, {"aud", `["https://a.example", 1]`}, {"aud", `{"id":"x"}`}, {"nonce", `true`},
	} {
		t.Run(tc.claim+"="+tc.val, func(t *testing.T) {
			_, err := vcjwt.Verify(ctx, f.token(t, tc.claim, tc.val), opts(t))
			assertClaimError(t, err, tc.claim, vcjwt.ErrMalformed)
		})
	}
	for _, v := range []string{`42`, `null`, `["x"]`} {
		p := obj("iss", v, "vc", string(f.cred))
		_, err := vcjwt.Verify(ctx, signRaw(t, f.key, f.header, p), opts(t))
		assertClaimError(t, err, "iss", vcjwt.ErrMalformed)
	}
	_, err := vcjwt.Verify(ctx, f.token(t, "aud", `["https://a.example","https://b.example"]`), opts(t))
	assert.NoError(t, err, "aud as an array of strings")
}

// A vc claim that is not an object used to reach the credential parser as
// the whole payload ("invalid @context: missing").
func TestVCClaimNotAnObject(t *testing.T) {
	f := newFixture(t)
	for _, v := range []string{strconv.Quote(string(f.cred)), `"eyJhbGciOi..."`, `[` + string(f.cred) + `]`, `null`, `1`, `true`} {
		p := obj("iss", strconv.Quote(f.key.DID().String()), "vc", v)
		token := signRaw(t, f.key, f.header, p)
		_, err := vcjwt.Verify(context.Background(), token, opts(t))
		assertClaimError(t, err, "vc", vcjwt.ErrMalformed)
		_, _, err = vcjwt.UnsafeCredentialWithoutVerification(token)
		assertClaimError(t, err, "vc", vcjwt.ErrMalformed)
	}
	p := obj("iss", strconv.Quote(f.key.DID().String()), "vc", strconv.Quote(string(f.cred)))
	_, err := vcjwt.Verify(context.Background(), signRaw(t, f.key, f.header, p), opts(t))
	require.Error(t, err)
	assert.Equal(t, "vcjwt: vc claim is a string, want a JSON object", err.Error())
}

// The OB 3.0 form's claims must agree with the credential: each
// disagreement names its claim.
func TestClaimDisagreement(t *testing.T) {
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{8}, 32))
	require.NoError(t, err)
	cred := credential(t, key.DID().String()) // validFrom 2025-01-15T09:00:00Z, validUntil 2028-01-15T09:00:00Z
	h := obj("alg", `"EdDSA"`, "kid", strconv.Quote(key.VerificationMethod()))
	iss := strconv.Quote(key.DID().String())
	from := time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC)
	until := time.Date(2028, 1, 15, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		claim string
		kv    []string
	}{
		{"iss", []string{"vc", string(cred)}},
		{"iss", []string{"iss", `"did:example:other"`, "vc", string(cred)}},
		{"jti", []string{"iss", iss, "jti", `"urn:uuid:other"`, "vc", string(cred)}},
		{"sub", []string{"iss", iss, "sub", `"did:example:other"`, "vc", string(cred)}},
		{"nbf", []string{"iss", iss, "nbf", unix(from.Add(time.Second)), "vc", string(cred)}},
		{"exp", []string{"iss", iss, "exp", unix(until.Add(-time.Second)), "vc", string(cred)}},
	} {
		t.Run(tc.claim, func(t *testing.T) {
			_, err := vcjwt.Verify(context.Background(), signRaw(t, key, h, obj(tc.kv...)), opts(t))
			assertClaimError(t, err, tc.claim, nil)
		})
	}
	// A fraction of a second is not a disagreement.
	p := obj("iss", iss, "nbf", fmt.Sprintf("%d.25", from.Unix()), "exp", fmt.Sprintf("%d.999", until.Unix()), "vc", string(cred))
	_, err = vcjwt.Verify(context.Background(), signRaw(t, key, h, p), opts(t))
	assert.NoError(t, err)
}

// Presentations read nonce, aud and vp by the same rules.
func TestPresentationClaims(t *testing.T) {
	holder, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	vp := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":` + strconv.Quote(holder.DID().String()) + `}`
	h := obj("alg", `"EdDSA"`, "kid", strconv.Quote(holder.VerificationMethod()), "typ", `"JWT"`)
	iss := strconv.Quote(holder.DID().String())
	ex := vcjwt.Exchange{Challenge: "c-1", Domain: "https://verifier.example"}
	verify := func(kv ...string) error {
		_, err := vcjwt.VerifyPresentation(context.Background(), signRaw(t, holder, h, obj(kv...)), opts(t), ex)
		return err
	}
	require.NoError(t, verify("iss", iss, "vp", vp, "nonce", `"c-1"`, "aud", `"https://verifier.example"`))
	require.NoError(t, verify("iss", iss, "vp", vp, "nonce", `"c-1"`, "aud", `["https://other.example","https://verifier.example"]`))

	assertClaimError(t, verify("iss", iss, "vp", strconv.Quote(vp), "nonce", `"c-1"`, "aud", `"https://verifier.example"`), "vp", vcjwt.ErrMalformed)
	assertClaimError(t, verify("iss", iss, "vp", `[`+vp+`]`, "nonce", `"c-1"`), "vp", vcjwt.ErrMalformed)
	assertClaimError(t, verify("iss", iss, "vp", vp, "nonce", `["c-1"]`, "aud", `"https://verifier.example"`), "nonce", vcjwt.ErrMalformed)
	assertClaimError(t, verify("iss", iss, "vp", vp, "Nonce", `"c-1"`, "nonce", `"c-1"`, "aud", `"https://verifier.example"`), "Nonce", vcjwt.ErrMalformed)
	assertClaimError(t, verify("iss", iss, "VP", vp, "vp", vp, "nonce", `"c-1"`, "aud", `"https://verifier.example"`), "VP", vcjwt.ErrMalformed)
	assertClaimError(t, verify("iss", iss, "vp", vp, "nonce", `"c-1"`, "aud", `"https://verifier.example"`, "exp", `"1"`), "exp", vcjwt.ErrMalformed)
	assertClaimError(t, verify("iss", iss, "vp", vp, "nonce", `"c-1"`, "aud", `"https://verifier.example"`, "exp", unix(now.Add(-time.Hour))), "exp", vc.ErrExpired)
	assertClaimError(t, verify("iss", iss, "vp", vp, "nonce", `"c-1"`, "aud", `"https://verifier.example"`, "iat", `1e300`), "iat", vcjwt.ErrMalformed)
	assert.ErrorIs(t, verify("iss", iss, "vp", vp, "nonce", `"c-1"`, "aud", `"https://other.example"`), proof.ErrDomainMismatch)
	assert.ErrorIs(t, verify("iss", iss, "vp", vp, "nonce", `"c-2"`, "aud", `"https://verifier.example"`), proof.ErrChallengeMismatch)
}

// Sign and SignPresentation refuse to issue what Verify would refuse: in
// the VC-JOSE-COSE form the document's top-level members are the claims.
func TestSignRefusesMalformedClaims(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(suiteDir, "input", "credential-minimal.json"))
	require.NoError(t, err)
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{10}, 32))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["issuer"] = key.DID().String()
	for claim, v := range map[string]any{"iat": "2010-01-01T19:23:24Z", "exp": 1e300, "EXP": 1, "jti": 5} {
		t.Run(claim, func(t *testing.T) {
			mm := map[string]any{claim: v}
			for k, x := range m {
				mm[k] = x
			}
			cred, err := json.Marshal(mm)
			require.NoError(t, err)
			_, err = vcjwt.Sign(context.Background(), cred, key, vcjwt.FormatJOSE)
			assertClaimError(t, err, claim, vcjwt.ErrMalformed)
		})
	}
	vp := `{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"type":["VerifiablePresentation"],"Nonce":"x"}`
	_, err = vcjwt.SignPresentation(context.Background(), []byte(vp), key, vcjwt.FormatJOSE, "c", "")
	assertClaimError(t, err, "Nonce", vcjwt.ErrMalformed)
}

// payloadToken is the OB 3.0 §8.2 form of the fixture's credential: the
// payload is the credential with the JWT claims kv beside its members.
func (f jwtFixture) payloadToken(t testing.TB, header []byte, cred []byte, kv ...string) string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(cred, &m))
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	var pairs []string
	for _, k := range names {
		pairs = append(pairs, k, string(m[k]))
	}
	return signRaw(t, f.key, header, obj(append(pairs, kv...)...))
}

// OB 3.0 §8.2 secures a VCDM 2.0 credential as a JWT whose payload is the
// credential itself, typ "JWT" or none, with iss, jti, sub, nbf and exp
// beside its members: it verifies as FormatOB3Payload, and its claims must
// agree with the credential as in the vc claim form. A VCDM 1.1 credential
// goes in the vc claim; at the top level it is not a credential.
func TestOB3PayloadForm(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kid := strconv.Quote(f.key.VerificationMethod())
	var cred map[string]any
	require.NoError(t, json.Unmarshal(f.cred, &cred))
	id, _ := cred["id"].(string)
	iss := strconv.Quote(f.key.DID().String())
	for name, header := range map[string][]byte{
		"typ JWT": obj("alg", `"EdDSA"`, "kid", kid, "typ", `"JWT"`),
		"no typ":  obj("alg", `"EdDSA"`, "kid", kid),
	} {
		token := f.payloadToken(t, header, f.cred, "iss", iss, "jti", strconv.Quote(id), "nbf", unix(now.Add(-time.Hour)), "exp", unix(now.Add(time.Hour)))
		res, err := vcjwt.Verify(ctx, token, opts(t))
		require.NoError(t, err, name)
		assert.Equal(t, vcjwt.FormatOB3Payload, res.Format)
		assert.Equal(t, "jwt", res.Format.String())
		got, format, err := vcjwt.UnsafeCredentialWithoutVerification(token)
		require.NoError(t, err)
		assert.Equal(t, vcjwt.FormatOB3Payload, format)
		assert.Equal(t, res.Credential, got, "the credential is the payload, byte for byte")
	}
	header := obj("alg", `"EdDSA"`, "kid", kid, "typ", `"JWT"`)
	_, err := vcjwt.Verify(ctx, f.payloadToken(t, header, f.cred), opts(t))
	assertClaimError(t, err, "iss", nil)
	_, err = vcjwt.Verify(ctx, f.payloadToken(t, header, f.cred, "iss", `"did:example:someone-else"`), opts(t))
	assertClaimError(t, err, "iss", nil)
	_, err = vcjwt.Verify(ctx, f.payloadToken(t, header, f.cred, "iss", iss, "jti", `"urn:uuid:another"`), opts(t))
	assertClaimError(t, err, "jti", nil)
	_, err = vcjwt.Verify(ctx, f.payloadToken(t, header, f.cred, "iss", iss, "exp", unix(now.Add(-time.Hour))), opts(t))
	assertClaimError(t, err, "exp", vc.ErrExpired)
	_, err = vcjwt.Verify(ctx, f.payloadToken(t, header, f.cred, "iss", iss, "vp", `{}`), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed, "a credential payload carrying a vp claim")
	// A credential at the top level and another in a vc claim: readers of
	// the two forms would show different credentials.
	_, err = vcjwt.Verify(ctx, f.payloadToken(t, header, f.cred, "iss", iss, "vc", string(f.cred)), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed, "a payload with a credential of its own and a vc claim")
	_, err = vcjwt.Verify(ctx, signRaw(t, f.key, header, obj("iss", iss, "@context", `["`+vc.ContextV2+`"]`, "vc", string(f.cred))), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed, "any top-level @context beside a vc claim")

	// A VCDM 1.1 credential at the top level, and a payload that is no
	// credential at all, are not this form.
	v1 := maps.Clone(cred)
	v1["@context"] = []any{vc.ContextV1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
	v1JSON, err := json.Marshal(v1)
	require.NoError(t, err)
	_, err = vcjwt.Verify(ctx, f.payloadToken(t, header, v1JSON, "iss", iss), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed)
	_, err = vcjwt.Verify(ctx, signRaw(t, f.key, header, obj("iss", iss)), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed)
}

// JSON-LD safe mode looks at the credential: in the OB 3.0 payload form
// that is the payload without the JWT registered claims; in the other
// forms the document is left as it is (in VC-JOSE-COSE its members are
// credential terms, so an undefined jti there is refused).
func TestJSONLDDocument(t *testing.T) {
	doc := map[string]any{"@context": []any{vc.ContextV2}, "id": "urn:x", "iss": "did:x", "sub": "did:y", "aud": "z", "exp": 1.0, "nbf": 1.0, "iat": 1.0, "jti": "urn:x", "nonce": "n", "name": "Badge"}
	got := vcjwt.JSONLDDocument(vcjwt.FormatOB3Payload, doc)
	assert.Equal(t, map[string]any{"@context": []any{vc.ContextV2}, "id": "urn:x", "nonce": "n", "name": "Badge"}, got)
	assert.Len(t, doc, 11, "the document itself is not changed")
	for _, f := range []vcjwt.Format{vcjwt.FormatJOSE, vcjwt.FormatOB3} {
		assert.Equal(t, doc, vcjwt.JSONLDDocument(f, doc), f.String())
	}
}
