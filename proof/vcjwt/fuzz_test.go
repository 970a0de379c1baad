package vcjwt_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof/vcjwt"
)

// FuzzVCJWT: no input panics; on error every other result is nil or zero;
// and nothing verifies but the seeds that were validly signed to begin
// with (a token has exactly one spelling, so no mutation of one verifies
// either). Seeded with tokens signed here, the W3C VC-JOSE-COSE suite's
// inputs and the hostile corpus' JWTs and JWS JSON serializations.
func FuzzVCJWT(f *testing.F) {
	ctx := context.Background()
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		f.Fatal(err)
	}
	var seeds []string
	for _, fm := range []vcjwt.Format{vcjwt.FormatJOSE, vcjwt.FormatOB3} {
		token, err := vcjwt.Sign(ctx, credential(f, key.DID().String()), key, fm)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, token)
	}
	// The OB 3.0 payload form (verified, not signed by Sign).
	fx := jwtFixture{key: key, cred: credential(f, key.DID().String())}
	seeds = append(seeds, fx.payloadToken(f, obj("alg", `"EdDSA"`, "kid", strconv.Quote(key.VerificationMethod()), "typ", `"JWT"`), fx.cred, "iss", strconv.Quote(key.DID().String())))
	for _, pattern := range []string{filepath.Join(suiteDir, "input", "*.txt"), "../../testdata/hostile/*.jwt", "../../testdata/hostile/jws-json-*.json"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, string(data))
		}
	}
	r := resolver(f)
	o := vcjwt.VerifyOptions{Resolver: r, Now: now}
	// The seeds that verify (ours, and the hostile corpus' control) are
	// the only tokens that may.
	var valid []string
	for _, s := range seeds {
		f.Add(s)
		if _, err := vcjwt.Verify(ctx, s, o); err == nil {
			valid = append(valid, strings.TrimSpace(s))
		}
	}
	if len(valid) < 2 {
		f.Fatalf("only %d seeds verify", len(valid))
	}
	f.Fuzz(func(t *testing.T, token string) {
		res, err := vcjwt.Verify(ctx, token, o)
		switch {
		case err != nil && res != nil:
			t.Fatalf("a result with the error %v", err)
		case err == nil && (res == nil || res.Method == nil || len(res.Credential) == 0 || res.Format == 0):
			t.Fatalf("an incomplete result without an error: %+v", res)
		case err == nil && !slices.Contains(valid, strings.TrimSpace(token)):
			t.Fatalf("a token that was never signed verified: %q", token)
		}
		if err == nil {
			cred, fm, err := vcjwt.UnsafeCredentialWithoutVerification(token)
			if err != nil || fm != res.Format || !bytes.Equal(cred, res.Credential) {
				t.Fatalf("Unsafe reads another credential than Verify: %v", err)
			}
		}
		// None of the seeds is a presentation bound to this challenge.
		if pres, err := vcjwt.VerifyPresentation(ctx, token, o, vcjwt.Exchange{Challenge: "fuzz-challenge"}); err == nil || pres != nil {
			t.Fatalf("a presentation verified, or a result came with the error %v", err)
		}
		if cred, fm, err := vcjwt.UnsafeCredentialWithoutVerification(token); err != nil && (cred != nil || fm != 0) {
			t.Fatalf("UnsafeCredentialWithoutVerification returned data with %v", err)
		}
		if h, p, err := vcjwt.UnsafeClaimsWithoutVerification(token); err != nil && (h != nil || p != nil) {
			t.Fatalf("UnsafeClaimsWithoutVerification returned data with %v", err)
		}
		if vcjwt.IsJSONSerialization([]byte(token)) && vcjwt.IsCompactJWS([]byte(token)) {
			t.Fatal("both a JSON serialization and a compact JWS")
		}
	})
}
