package vcjwt_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/vcjwt"
)

var now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func credential(t testing.TB, issuer string) []byte {
	data, err := os.ReadFile("../../testdata/ob3/achievement-credential.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["issuer"].(map[string]any)["id"] = issuer
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

func resolver(t testing.TB) did.Resolver {
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	return r
}

func opts(t testing.TB) vcjwt.VerifyOptions {
	return vcjwt.VerifyOptions{Resolver: resolver(t), Now: now}
}

func TestSignVerifyAllAlgorithmsBothFormats(t *testing.T) {
	for _, kt := range []didkey.KeyType{didkey.Ed25519, didkey.P256, didkey.P384, didkey.Secp256k1} {
		for _, f := range []vcjwt.Format{vcjwt.FormatJOSE, vcjwt.FormatOB3} {
			t.Run(string(kt)+"/"+f.String(), func(t *testing.T) {
				key, err := didkey.Generate(kt)
				require.NoError(t, err)
				cred := credential(t, key.DID().String())
				token, err := vcjwt.Sign(context.Background(), cred, key, f)
				require.NoError(t, err)
				res, err := vcjwt.Verify(context.Background(), token, opts(t))
				require.NoError(t, err)
				assert.Equal(t, f, res.Format)
				assert.Equal(t, key.DID().String(), res.Controller)
				assert.JSONEq(t, string(cred), string(res.Credential))
				if f == vcjwt.FormatJOSE {
					assert.Equal(t, cred, res.Credential, "VC-JOSE-COSE payload is the credential, byte for byte")
				}
				// One character of the payload changed: the signature fails.
				parts := strings.Split(token, ".")
				pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
				pb = bytes.Replace(pb, []byte("Intro to Data Integrity"), []byte("Intro to Data Integritz"), 1)
				forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(pb) + "." + parts[2]
				_, err = vcjwt.Verify(context.Background(), forged, opts(t))
				assert.ErrorIs(t, err, proof.ErrInvalidSignature)
			})
		}
	}
}

// craft builds an unsigned-looking token from a header and payload.
func craft(header, payload map[string]any, sig []byte) string {
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(payload)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p) + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestRefusals(t *testing.T) {
	key, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	var cred map[string]any
	require.NoError(t, json.Unmarshal(credential(t, key.DID().String()), &cred))
	sig := bytes.Repeat([]byte{1}, 64)
	for name, tc := range map[string]struct {
		header map[string]any
		want   error
	}{
		"alg none":     {map[string]any{"alg": "none", "typ": "vc+jwt", "kid": key.VerificationMethod()}, vcjwt.ErrAlgorithm},
		"HMAC":         {map[string]any{"alg": "HS256", "typ": "vc+jwt", "kid": key.VerificationMethod()}, vcjwt.ErrAlgorithm},
		"unknown alg":  {map[string]any{"alg": "PS999", "typ": "vc+jwt", "kid": key.VerificationMethod()}, vcjwt.ErrAlgorithm},
		"crit":         {map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "kid": key.VerificationMethod(), "crit": []string{"exp"}, "exp": 1}, vcjwt.ErrCritical},
		"alg mismatch": {map[string]any{"alg": "ES256", "typ": "vc+jwt", "kid": key.VerificationMethod()}, vcjwt.ErrAlgorithm},
		"no kid":       {map[string]any{"alg": "EdDSA", "typ": "vc+jwt"}, vcjwt.ErrKey},
		"private jwk": {map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "kid": key.VerificationMethod(),
			"jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}}, vcjwt.ErrKey},
		"bad media type": {map[string]any{"alg": "EdDSA", "typ": "application/json", "kid": key.VerificationMethod()}, vcjwt.ErrMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := vcjwt.Verify(context.Background(), craft(tc.header, cred, sig), opts(t))
			assert.ErrorIs(t, err, tc.want)
		})
	}
	// A vc+jwt payload with a vc claim is refused.
	_, err = vcjwt.Verify(context.Background(), craft(map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "kid": key.VerificationMethod()}, map[string]any{"vc": cred}, sig), opts(t))
	assert.ErrorIs(t, err, vcjwt.ErrMalformed)
}

// A kid that is in the DID document but not listed for assertionMethod is
// refused.
func TestKidNotForAssertion(t *testing.T) {
	key, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	token, err := vcjwt.Sign(context.Background(), credential(t, key.DID().String()), key, vcjwt.FormatJOSE)
	require.NoError(t, err)
	onlyAuth := did.ResolverFunc(func(ctx context.Context, d did.DID) (*did.Document, error) {
		doc, err := didkey.Resolver{}.Resolve(ctx, d)
		if err != nil {
			return nil, err
		}
		data := []byte(`{"id":"` + doc.ID + `","verificationMethod":[{"id":"` + key.VerificationMethod() + `","type":"Multikey","controller":"` + doc.ID + `","publicKeyMultibase":"` + d.ID() + `"}],"authentication":["` + key.VerificationMethod() + `"]}`)
		return did.ParseDocument(data)
	})
	_, err = vcjwt.Verify(context.Background(), token, vcjwt.VerifyOptions{Resolver: onlyAuth, Now: now})
	assert.ErrorIs(t, err, did.ErrNotAuthorized)
}

// OB 3.0 form: claims must agree with the credential, and exp is enforced.
func TestOB3Claims(t *testing.T) {
	key, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	token, err := vcjwt.Sign(context.Background(), credential(t, key.DID().String()), key, vcjwt.FormatOB3)
	require.NoError(t, err)
	_, payload, err := vcjwt.UnsafeClaimsWithoutVerification(token)
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	assert.Equal(t, key.DID().String(), claims["iss"])
	assert.Equal(t, "urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-1f4c7e2a9d10", claims["jti"])
	assert.Equal(t, "did:example:learner-4711", claims["sub"])
	assert.NotNil(t, claims["exp"])

	late := opts(t)
	late.Now = time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = vcjwt.Verify(context.Background(), token, late)
	assert.ErrorIs(t, err, vcjwt.ErrClaims)
}

func TestRS256(t *testing.T) {
	key, err := didjwk.GenerateRSA(2048)
	require.NoError(t, err)
	token, err := vcjwt.Sign(context.Background(), credential(t, key.DID().String()), key, vcjwt.FormatOB3)
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"jwk": didjwk.Resolver{}})
	require.NoError(t, err)
	res, err := vcjwt.Verify(context.Background(), token, vcjwt.VerifyOptions{Resolver: r, Now: now})
	require.NoError(t, err)
	assert.Equal(t, vcjwt.RS256, res.Algorithm)
}
