package vcjwt_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
)

// BenchmarkJWT signs and verifies the OB 3.0 test credential as a
// VC-JOSE-COSE JWT with each did:key algorithm (signing includes the
// JSON-LD safe-mode check).
func BenchmarkJWT(b *testing.B) {
	data, err := os.ReadFile("../../testdata/ob3/achievement-credential.json")
	if err != nil {
		b.Fatal(err)
	}
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		b.Fatal(err)
	}
	for _, kt := range []struct {
		alg string
		t   didkey.KeyType
	}{{"EdDSA", didkey.Ed25519}, {"ES256", didkey.P256}, {"ES384", didkey.P384}, {"ES256K", didkey.Secp256k1}} {
		key, err := didkey.NewFromSeed(kt.t, bytes.Repeat([]byte{2}, 32))
		if err != nil {
			b.Fatal(err)
		}
		cred, err := vc.SetIssuer(data, key.DID().String())
		if err != nil {
			b.Fatal(err)
		}
		tok, err := vcjwt.Sign(context.Background(), cred, key, vcjwt.FormatJOSE)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("sign/"+kt.alg, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := vcjwt.Sign(context.Background(), cred, key, vcjwt.FormatJOSE); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("verify/"+kt.alg, func(b *testing.B) {
			opts := vcjwt.VerifyOptions{Resolver: r, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := vcjwt.Verify(context.Background(), tok, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
