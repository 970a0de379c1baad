package vcjwt_test

import (
	"bufio"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/httpkey"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
)

const suiteDir = "testdata/vc-jose-cose-test-suite"

// suiteKey is one vm-*.json of the W3C VC-JOSE-COSE test suite.
type suiteKey struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Controller string          `json:"controller"`
	Public     json.RawMessage `json:"publicKeyJwk"`
	Secret     json.RawMessage `json:"secretKeyJwk"`
}

func (k suiteKey) method() *did.VerificationMethod {
	return &did.VerificationMethod{ID: k.ID, Type: k.Type, Controller: k.Controller, PublicKeyJwk: k.Public}
}

func (k suiteKey) kid(t *testing.T) string {
	var j struct {
		Kid string `json:"kid"`
	}
	require.NoError(t, json.Unmarshal(k.Public, &j))
	return j.Kid
}

// thumbprints resolves the suite's kids (JWK thumbprints) to its keys.
type thumbprints map[string]suiteKey

func (m thumbprints) ResolveKey(_ context.Context, kid string) (*did.VerificationMethod, string, error) {
	k, ok := m[kid]
	if !ok {
		return nil, "", fmt.Errorf("unknown kid %q", kid)
	}
	return k.method(), k.Controller, nil
}

// jwkSigner signs with a suite secret key; its verification method is the
// key's https URL, resolved through the controller document built below.
type jwkSigner struct {
	k    suiteKey
	priv any
	pub  crypto.PublicKey
}

func (s jwkSigner) VerificationMethod() string { return s.k.ID }
func (s jwkSigner) Public() crypto.PublicKey   { return s.pub }
func (s jwkSigner) Sign(_ context.Context, msg []byte) ([]byte, error) {
	switch p := s.priv.(type) {
	case ed25519.PrivateKey:
		return ed25519.Sign(p, msg), nil
	case *ecdsa.PrivateKey:
		var digest []byte
		size := (p.Curve.Params().BitSize + 7) / 8
		switch size {
		case 32:
			d := sha256.Sum256(msg)
			digest = d[:]
		case 48:
			d := sha512.Sum384(msg)
			digest = d[:]
		default:
			d := sha512.Sum512(msg)
			digest = d[:]
		}
		r, sc, err := ecdsa.Sign(rand.Reader, p, digest)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 2*size)
		r.FillBytes(out[:size])
		sc.FillBytes(out[size:])
		return out, nil
	}
	return nil, errors.New("unsupported key")
}

var _ = big.NewInt

var errUnsupportedEnvelope = errors.New("SD-JWT and COSE envelopes are not implemented")

func loadSuite(t *testing.T) (map[string]suiteKey, thumbprints, did.Resolver) {
	keys := map[string]suiteKey{}
	byKid := thumbprints{}
	var methods []map[string]any
	var ids []string
	for _, f := range []string{"vm-p256.json", "vm-p384.json", "vm-p521.json", "vm-ed25519.json", "vm-did-ed25519.json"} {
		data, err := os.ReadFile(filepath.Join(suiteDir, "input", f))
		require.NoError(t, err)
		var k suiteKey
		require.NoError(t, json.Unmarshal(data, &k))
		keys[f] = k
		if f != "vm-did-ed25519.json" {
			byKid[k.kid(t)] = k
			methods = append(methods, map[string]any{"id": k.ID, "type": k.Type, "controller": k.Controller, "publicKeyJwk": k.Public})
			ids = append(ids, k.ID)
		}
	}
	const controller = "https://example.issuer/vc-jose-cose"
	doc, err := json.Marshal(map[string]any{"id": controller, "verificationMethod": methods, "assertionMethod": ids, "authentication": ids})
	require.NoError(t, err)
	m, err := did.NewMethods(map[string]did.Resolver{"example": did.ResolverFunc(func(context.Context, did.DID) (*did.Document, error) {
		return nil, did.ErrNotFound
	})})
	require.NoError(t, err)
	return keys, byKid, m.WithControllers(httpkey.Static{controller: doc})
}

func signerFor(t *testing.T, k suiteKey) jwkSigner {
	var priv jose.JSONWebKey
	require.NoError(t, priv.UnmarshalJSON(k.Secret))
	s := jwkSigner{k: k, priv: priv.Key}
	switch p := priv.Key.(type) {
	case ed25519.PrivateKey:
		s.pub = p.Public()
	case *ecdsa.PrivateKey:
		s.pub = &p.PublicKey
	}
	return s
}

// verifyPresentationAndCredentials verifies a VP token and every
// EnvelopedVerifiableCredential in it.
func verifyPresentationAndCredentials(ctx context.Context, token string, opts vcjwt.VerifyOptions) error {
	res, err := vcjwt.VerifyPresentation(ctx, token, opts, vcjwt.Exchange{WithoutChallengeUnsafe: true})
	if err != nil {
		return err
	}
	p, err := vc.ParsePresentation(res.Presentation)
	if err != nil {
		return err
	}
	if p.Holder() != "" && p.Holder() != res.Controller {
		return fmt.Errorf("holder %q, key of %q", p.Holder(), res.Controller)
	}
	for i, raw := range p.Credentials() {
		var env struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		if json.Unmarshal(raw, &env) != nil || env.Type != "EnvelopedVerifiableCredential" {
			return fmt.Errorf("credential %d is not an EnvelopedVerifiableCredential", i)
		}
		if strings.HasPrefix(env.ID, "data:application/vc+sd-jwt,") || strings.HasPrefix(env.ID, "data:application/vc+cose") {
			return fmt.Errorf("credential %d: %w", i, errUnsupportedEnvelope)
		}
		if !strings.HasPrefix(env.ID, "data:application/vc+jwt,") {
			return fmt.Errorf("credential %d is not an enveloped vc+jwt", i)
		}
		if _, err := vcjwt.Verify(ctx, strings.TrimPrefix(env.ID, "data:application/vc+jwt,"), opts); err != nil {
			return fmt.Errorf("credential %d: %w", i, err)
		}
	}
	return nil
}

// suiteClock is the verifier's clock for suite tokens issued after the
// default one (2024-12-16T00:30Z): presentation-jose-multiple.txt has iat
// 2024-12-16T01:04:10Z and exp a day later.
var suiteClock = map[string]time.Time{
	"presentation-jose-multiple.txt": time.Date(2024, 12, 16, 1, 30, 0, 0, time.UTC),
}

// iatString is why the suite's vc+jwt credentials are refused.
const iatString = "the suite's credential has iat as an RFC 3339 string, which RFC 7519 forbids (a NumericDate is a JSON number): refused as malformed; re-signed with a numeric iat it verifies"

// assertOnlyIatString checks that err is the refusal of a string iat and,
// when token is set, that token re-signed by s with iat as a NumericDate
// verifies: the string is the only thing wrong with it.
func assertOnlyIatString(t *testing.T, err error, token string, s jwkSigner, opts vcjwt.VerifyOptions) {
	t.Helper()
	var ce *vcjwt.ClaimError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "iat", ce.Claim)
	assert.ErrorIs(t, err, vcjwt.ErrMalformed)
	if token == "" {
		return
	}
	parts := strings.Split(token, ".")
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(pb, &m))
	iat, err := time.Parse(time.RFC3339, m["iat"].(string))
	require.NoError(t, err)
	m["iat"] = iat.Unix()
	p, err := json.Marshal(m)
	require.NoError(t, err)
	input := parts[0] + "." + base64.RawURLEncoding.EncodeToString(p)
	sig, err := s.Sign(context.Background(), []byte(input))
	require.NoError(t, err)
	_, err = vcjwt.Verify(context.Background(), input+"."+base64.RawURLEncoding.EncodeToString(sig), opts)
	assert.NoError(t, err, "with a numeric iat the suite's credential verifies")
}

// TestVCJOSECOSESuite runs the W3C VC-JOSE-COSE test suite's 35 cases
// (TEST-MAPPING.tsv). JOSE cases must give the expected result, except the
// P-521 ones (ES512 is not an algorithm microcred accepts); SD-JWT and COSE
// are not implemented, so their inputs must be refused. Every departure
// from the expected result is listed in knownGaps, and the list must be
// exact.
func TestVCJOSECOSESuite(t *testing.T) {
	ctx := context.Background()
	keys, byKid, resolver := loadSuite(t)
	opts := vcjwt.VerifyOptions{Resolver: resolver, Keys: byKid, Now: time.Date(2024, 12, 16, 0, 30, 0, 0, time.UTC)}
	knownGaps := map[string]string{
		"4":  "ES512 (P-521) is not supported: issuance refused",
		"6":  iatString,
		"7":  "the presentation verifies, but its vc+jwt credential has iat as a string (" + iatString + "), and it envelopes an SD-JWT and a COSE credential (not implemented)",
		"8":  iatString,
		"17": "SD-JWT issuance is not implemented",
		"18": "SD-JWT issuance is not implemented",
		"19": "SD-JWT issuance is not implemented",
		"20": "SD-JWT verification is not implemented",
		"21": "SD-JWT verification is not implemented",
		"22": "SD-JWT verification is not implemented",
		"27": "COSE is not implemented",
		"28": "COSE is not implemented",
		"29": "COSE is not implemented",
		"31": "COSE is not implemented",
	}
	f, err := os.Open(filepath.Join(suiteDir, "TEST-MAPPING.tsv"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	gaps := map[string]bool{}
	n := 0
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		require.Len(t, c, 7)
		num, name, input, keyFile, fn, feature, expected := c[0], c[1], c[2], c[3], c[4], c[5], c[6]
		n++
		data, err := os.ReadFile(filepath.Join(suiteDir, "input", input))
		require.NoError(t, err)
		// The suite's tokens were made at different times: verify each
		// inside its own validity window (iat in the future is refused).
		opts := opts
		if at, ok := suiteClock[input]; ok {
			opts.Now = at
		}
		var got error
		switch {
		case fn == "issue" && feature == "credential_jose":
			token, err := vcjwt.Sign(ctx, data, signerFor(t, keys[keyFile]), vcjwt.FormatJOSE)
			if got = err; err == nil {
				_, got = vcjwt.Verify(ctx, token, opts)
			}
			// Test 5's unknown members are defined by the examples
			// context's @vocab, so JSON-LD safe mode accepts them; the
			// case fails here on its P-521 key (ES512 is not accepted).
			if num == "5" {
				assert.ErrorIs(t, got, vcjwt.ErrAlgorithm)
			}
		case fn == "issue" && feature == "presentation_jose":
			token, err := vcjwt.SignPresentation(ctx, data, signerFor(t, keys[keyFile]), vcjwt.FormatJOSE, "suite-challenge", "")
			if got = err; err == nil {
				_, got = vcjwt.VerifyPresentation(ctx, token, opts, vcjwt.Exchange{Challenge: "suite-challenge"})
			}
		case fn == "verify" && feature == "credential_jose":
			_, got = vcjwt.Verify(ctx, string(data), opts)
			if num == "6" || num == "8" {
				assertOnlyIatString(t, got, string(data), signerFor(t, keys[keyFile]), opts)
			}
		case fn == "verify" && feature == "presentation_jose":
			got = verifyPresentationAndCredentials(ctx, string(data), opts)
			if num == "7" {
				_, err := vcjwt.VerifyPresentation(ctx, string(data), opts, vcjwt.Exchange{WithoutChallengeUnsafe: true})
				assert.NoError(t, err, "the presentation itself verifies")
				assert.Contains(t, got.Error(), "credential 0", "only the credentials fail")
				assertOnlyIatString(t, got, "", jwkSigner{}, opts)
			}
		default:
			// SD-JWT and COSE: the JWT verifier must refuse these inputs.
			if fn == "verify" {
				_, got = vcjwt.Verify(ctx, string(data), opts)
				if got == nil {
					got = verifyPresentationAndCredentials(ctx, string(data), opts)
				}
				require.Error(t, got, "test %s (%s): an %s input was accepted", num, name, feature)
			} else {
				got = fmt.Errorf("%s issuance not implemented", feature)
			}
		}
		ok := (got == nil) == (expected == "success")
		if !ok {
			gaps[num] = true
			_, known := knownGaps[num]
			assert.True(t, known, "test %s (%s): expected %s, got %v", num, name, expected, got)
		}
		t.Logf("%2s %-55s want %-7s got %v", num, name, expected, got)
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, 35, n)
	for num, why := range knownGaps {
		assert.True(t, gaps[num], "test %s is listed as a known gap (%s) but now passes: update the list", num, why)
	}
}

// FuzzVerifyPresentation: no token panics, and nothing but the suite's
// signed presentations verifies.
func FuzzVerifyPresentation(f *testing.F) {
	for _, name := range []string{"presentation-jose-multiple.txt", "presentation-jose-bad-credential.txt", "presentation-jose-bad-media-type.txt"} {
		data, err := os.ReadFile(filepath.Join(suiteDir, "input", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, token string) {
		_, byKid, resolver := loadSuite(t)
		opts := vcjwt.VerifyOptions{Resolver: resolver, Keys: byKid, Now: time.Date(2024, 12, 16, 0, 30, 0, 0, time.UTC)}
		res, err := vcjwt.VerifyPresentation(context.Background(), token, opts, vcjwt.Exchange{Challenge: "c"})
		if err == nil && res == nil {
			t.Fatal("nil result without error")
		}
		if err == nil {
			t.Fatalf("a presentation without our nonce verified: %q", token)
		}
	})
}
