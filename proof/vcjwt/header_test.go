package vcjwt_test

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/proof/vcjwt"
)

// withHeader is the fixture's OB 3.0 token under another header.
func (f jwtFixture) withHeader(t testing.TB, kv ...string) string {
	p := obj("iss", strconv.Quote(f.key.DID().String()), "vc", string(f.cred))
	return signRaw(t, f.key, obj(kv...), p)
}

// joseToken is the fixture's credential as a VC-JOSE-COSE payload.
func (f jwtFixture) joseToken(t testing.TB, kv ...string) string {
	return signRaw(t, f.key, obj(kv...), f.cred)
}

// The header was decoded through encoding/json struct tags, so "KID",
// "Alg" or "\u212Aid" (KELVIN SIGN folds to k) filled the fields while
// go-jose, which matches names exactly, saw none of them. Every registered
// header parameter is now read by its exact name, and a case variant of
// one is refused.
func TestHeaderCaseVariants(t *testing.T) {
	f := newFixture(t)
	kid := strconv.Quote(f.key.VerificationMethod())
	for _, tc := range []struct {
		name string
		kv   []string
	}{
		{"KID alone", []string{"alg", `"EdDSA"`, "KID", kid}},
		{"Kid beside kid", []string{"alg", `"EdDSA"`, "kid", kid, "Kid", `"did:key:z6Mkother#z6Mkother"`}},
		{"kelvin kid", []string{"alg", `"EdDSA"`, "\u212Aid", kid}},
		{"ALG alone", []string{"ALG", `"EdDSA"`, "kid", kid}},
		{"Alg beside alg", []string{"alg", `"EdDSA"`, "Alg", `"ES256"`, "kid", kid}},
		{"TYP", []string{"alg", `"EdDSA"`, "kid", kid, "TYP", `"JWT"`}},
		{"Cty", []string{"alg", `"EdDSA"`, "kid", kid, "Cty", `"JWT"`}},
		{"CRIT", []string{"alg", `"EdDSA"`, "kid", kid, "CRIT", `["exp"]`}},
		{"JWK", []string{"alg", `"EdDSA"`, "kid", kid, "JWK", `{"kty":"OKP"}`}},
		{"B64", []string{"alg", `"EdDSA"`, "kid", kid, "B64", `false`}},
		{"X5C", []string{"alg", `"EdDSA"`, "kid", kid, "X5C", `[]`}},
		{"x5t#s256", []string{"alg", `"EdDSA"`, "kid", kid, "x5t#s256", `"AA"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token := f.withHeader(t, tc.kv...)
			_, err := vcjwt.Verify(context.Background(), token, opts(t))
			assert.ErrorIs(t, err, vcjwt.ErrMalformed)
			_, _, err = vcjwt.UnsafeCredentialWithoutVerification(token)
			assert.ErrorIs(t, err, vcjwt.ErrMalformed)
		})
	}
}

// alg is matched exactly against the allow-list (RFC 7515 §4.1.1: a
// case-sensitive string).
func TestAlgorithmSpelling(t *testing.T) {
	f := newFixture(t)
	kid := strconv.Quote(f.key.VerificationMethod())
	for _, alg := range []string{`"eddsa"`, `"EDDSA"`, `"EdDsa"`, `"Ed25519"`, `"ES256 "`, `""`, `"NONE"`, `"none"`} {
		_, err := vcjwt.Verify(context.Background(), f.withHeader(t, "alg", alg, "kid", kid), opts(t))
		assert.ErrorIs(t, err, vcjwt.ErrAlgorithm, alg)
	}
	_, err := vcjwt.Verify(context.Background(), f.withHeader(t, "kid", kid), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrAlgorithm, "no alg")
	for _, alg := range []string{`1`, `null`, `["EdDSA"]`, `{"alg":"EdDSA"}`} {
		_, err := vcjwt.Verify(context.Background(), f.withHeader(t, "alg", alg, "kid", kid), opts(t))
		assert.ErrorIs(t, err, vcjwt.ErrMalformed, alg)
	}
}

// Media types are case-insensitive, and "application/" may be left out
// (RFC 7515 §4.1.9); a cty must name the same kind of document.
func TestMediaTypes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kid := strconv.Quote(f.key.VerificationMethod())
	for _, typ := range []string{`"vc+jwt"`, `"VC+JWT"`, `"Vc+Jwt"`, `"application/vc+jwt"`, `"Application/VC+JWT"`, `"vc+ld+json+jwt"`} {
		for _, cty := range []string{"", `"vc"`, `"VC"`, `"application/vc"`, `"vc+ld+json"`} {
			kv := []string{"alg", `"EdDSA"`, "kid", kid, "typ", typ}
			if cty != "" {
				kv = append(kv, "cty", cty)
			}
			res, err := vcjwt.Verify(ctx, f.joseToken(t, kv...), opts(t))
			if assert.NoError(t, err, "typ %s cty %s", typ, cty) {
				assert.Equal(t, vcjwt.FormatJOSE, res.Format)
			}
		}
	}
	for _, typ := range []string{`"JWT"`, `"jwt"`, `"application/jwt"`, `"Application/JWT"`} {
		res, err := vcjwt.Verify(ctx, f.withHeader(t, "alg", `"EdDSA"`, "kid", kid, "typ", typ), opts(t))
		if assert.NoError(t, err, typ) {
			assert.Equal(t, vcjwt.FormatOB3, res.Format)
		}
	}
	for name, kv := range map[string][]string{
		"vp+jwt on a credential": {"typ", `"vp+jwt"`},
		"VP+JWT on a credential": {"typ", `"VP+JWT"`},
		"typ with a parameter":   {"typ", `"vc+jwt; charset=utf-8"`},
		"typ of another type":    {"typ", `"text/vc+jwt"`},
		"empty typ":              {"typ", `""`},
		"typ not a string":       {"typ", `1`},
		"cty vp on a credential": {"typ", `"vc+jwt"`, "cty", `"vp"`},
		"cty JWT (a nested JWT)": {"typ", `"vc+jwt"`, "cty", `"JWT"`},
		"cty of an unknown type": {"typ", `"vc+jwt"`, "cty", `"bad+cty"`},
		"empty cty":              {"typ", `"vc+jwt"`, "cty", `""`},
		"cty not a string":       {"typ", `"vc+jwt"`, "cty", `{}`},
		"application/ twice":     {"typ", `"application/application/vc+jwt"`},
	} {
		kv := append([]string{"alg", `"EdDSA"`, "kid", kid}, kv...)
		_, err := vcjwt.Verify(ctx, f.joseToken(t, kv...), opts(t))
		assert.ErrorIs(t, err, vcjwt.ErrMalformed, name)
	}
	// An OB 3.0 token with cty JWT says its payload is another JWT.
	_, err := vcjwt.Verify(ctx, f.withHeader(t, "alg", `"EdDSA"`, "kid", kid, "typ", `"JWT"`, "cty", `"JWT"`), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed)
}

// Any crit is refused, whatever it lists (RFC 7515 §4.1.11: an empty list
// or null is invalid, and we implement no extension, b64 included).
func TestCritAlwaysRefused(t *testing.T) {
	f := newFixture(t)
	kid := strconv.Quote(f.key.VerificationMethod())
	for _, crit := range []string{`[]`, `null`, `["b64"]`, `["exp"]`, `"b64"`, `{}`} {
		_, err := vcjwt.Verify(context.Background(), f.withHeader(t, "alg", `"EdDSA"`, "kid", kid, "crit", crit), opts(t))
		assert.ErrorIs(t, err, vcjwt.ErrCritical, crit)
	}
}

type recordingKeys struct{ asked []string }

func (r *recordingKeys) ResolveKey(_ context.Context, kid string) (*did.VerificationMethod, string, error) {
	r.asked = append(r.asked, kid)
	return nil, "", did.ErrNotFound
}

func TestKidForms(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	vm := f.key.VerificationMethod()
	_, frag, _ := strings.Cut(vm, "#")
	_, err := vcjwt.Verify(ctx, f.withHeader(t, "alg", `"EdDSA"`, "kid", strconv.Quote("#"+frag)), opts(t))
	assert.NoError(t, err, "a kid relative to iss")
	// A bare did:key names its one key, did:key:X#X (did/didkey).
	res, err := vcjwt.Verify(ctx, f.withHeader(t, "alg", `"EdDSA"`, "kid", strconv.Quote(f.key.DID().String())), opts(t))
	if assert.NoError(t, err, "a did:key kid without a fragment") {
		assert.Equal(t, vm, res.Method.ID)
	}

	for name, tc := range map[string]struct {
		kid  string
		want error
	}{
		"two fragments":              {vm + "#x", did.ErrInvalidDID},
		"empty fragment":             {f.key.DID().String() + "#", did.ErrInvalidDID},
		"no fragment, not a did:key": {"did:example:" + frag, did.ErrInvalidDID},
		"upper-case scheme":          {"DID" + strings.TrimPrefix(vm, "did"), vcjwt.ErrKey},
		"HTTPS":                      {"HTTPS://issuer.example/keys/1", vcjwt.ErrKey},
		"httpſ (folds to s)":         {"httpſ://issuer.example/keys/1", vcjwt.ErrKey},
		"empty":                      {"", vcjwt.ErrMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			keys := &recordingKeys{}
			o := opts(t)
			o.Keys = keys
			_, err := vcjwt.Verify(ctx, f.withHeader(t, "alg", `"EdDSA"`, "kid", strconv.Quote(tc.kid)), o)
			assert.ErrorIs(t, err, tc.want)
			assert.Empty(t, keys.asked, "a DID or https kid never goes to the KeyResolver")
		})
	}
	for _, kid := range []string{`1`, `null`, `["` + vm + `"]`} {
		_, err := vcjwt.Verify(ctx, f.withHeader(t, "alg", `"EdDSA"`, "kid", kid), opts(t))
		assert.ErrorIs(t, err, vcjwt.ErrMalformed, kid)
	}
	// A relative kid needs an iss that is not itself a DID URL.
	p := obj("iss", strconv.Quote(vm), "vc", string(f.cred))
	_, err = vcjwt.Verify(ctx, signRaw(t, f.key, obj("alg", `"EdDSA"`, "kid", strconv.Quote("#"+frag)), p), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrKey)
}

// Each segment must be canonical base64url: go-jose decodes the signature
// leniently, so flipping the unused low bits of its last character gave
// a second spelling of the same valid token.
func TestCanonicalBase64(t *testing.T) {
	f := newFixture(t)
	token := f.token(t)
	_, err := vcjwt.Verify(context.Background(), token, opts(t))
	require.NoError(t, err)
	// An Ed25519 signature is 64 bytes: 86 characters, the last carrying
	// 2 data bits and 4 unused ones.
	last := token[len(token)-1]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, last)
	require.GreaterOrEqual(t, i, 0)
	forged := token[:len(token)-1] + string(alphabet[i^1])
	_, err = vcjwt.Verify(context.Background(), forged, opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed)
	_, _, err = vcjwt.UnsafeClaimsWithoutVerification(forged)
	assert.NoError(t, err, "the signature is not decoded there")
}

// A JWS in the JSON serialization (RFC 7515 §7.2) is not verified; it is
// recognised, so the error says so rather than that a credential lacks an
// @context.
func TestJSONSerialization(t *testing.T) {
	f := newFixture(t)
	parts := strings.Split(f.token(t), ".")
	general := `{"payload":"` + parts[1] + `","signatures":[{"protected":"` + parts[0] + `","signature":"` + parts[2] + `"}]}`
	flattened := `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`
	for name, in := range map[string]string{"general": general, "flattened": flattened, "padded": "\n " + flattened + "\n", "unsigned": `{"payload":"e30","protected":"e30"}`} {
		t.Run(name, func(t *testing.T) {
			assert.True(t, vcjwt.IsJSONSerialization([]byte(in)))
			_, err := vcjwt.Verify(context.Background(), in, opts(t))
			assert.ErrorIs(t, err, vcjwt.ErrJSONSerialization)
			assert.ErrorIs(t, err, vcjwt.ErrMalformed)
			_, err = vcjwt.VerifyPresentation(context.Background(), in, opts(t), vcjwt.Exchange{Challenge: "c"})
			assert.ErrorIs(t, err, vcjwt.ErrJSONSerialization)
			_, _, err = vcjwt.UnsafeCredentialWithoutVerification(in)
			assert.ErrorIs(t, err, vcjwt.ErrJSONSerialization)
		})
	}
	for name, in := range map[string]string{
		"a credential":        string(f.cred),
		"a compact JWS":       f.token(t),
		"payload alone":       `{"payload":"e30"}`,
		"duplicate payload":   `{"payload":"e30","payload":"e30","signature":""}`,
		"an array":            `[{"payload":"e30","signature":""}]`,
		"not JSON":            `{"payload":`,
		"case variant":        `{"Payload":"e30","signature":""}`,
		"empty":               ``,
		"a JWS JSON in a vc":  `{"vc":{"payload":"e30","signature":""}}`,
		"after other members": `{"@context":[],"signatures":[]}`,
	} {
		assert.False(t, vcjwt.IsJSONSerialization([]byte(in)), name)
	}
}

// go-jose honours "b64": false even without crit and then verifies the
// signature over header + "." + the unencoded payload: a token whose
// signature covers bytes no other reader would sign. Any b64 is refused.
func TestB64HeaderRefused(t *testing.T) {
	f := newFixture(t)
	hdr := obj("alg", `"EdDSA"`, "kid", strconv.Quote(f.key.VerificationMethod()), "b64", "false")
	payload := obj("iss", strconv.Quote(f.key.DID().String()), "vc", string(f.cred))
	h := base64.RawURLEncoding.EncodeToString(hdr)
	sig, err := f.key.Sign(context.Background(), []byte(h+"."+string(payload)))
	require.NoError(t, err)
	token := h + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(sig)
	_, err = vcjwt.Verify(context.Background(), token, opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed)
	// b64 true, or b64 listed in crit, is refused too.
	_, err = vcjwt.Verify(context.Background(), f.withHeader(t, "alg", `"EdDSA"`, "kid", strconv.Quote(f.key.VerificationMethod()), "b64", "true"), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed)
}
