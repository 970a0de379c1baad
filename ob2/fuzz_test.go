package ob2_test

import (
	"context"
	"testing"
	"time"

	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/ob2/ob2test"
)

// fuzzCase returns a case's documents and clock.
func fuzzCase(f *testing.F, name string) (ob2.Documents, time.Time, []ob2test.Vector) {
	vs := ob2test.Load(f, testdata)
	for _, v := range vs {
		if v.Name == name {
			return v.Documents(f), v.Clock(f), vs
		}
	}
	f.Fatalf("no case %s", name)
	return nil, time.Time{}, nil
}

// checkResult: a result is always returned; success means every step
// passed and the badge is there; failure means some step failed.
func checkResult(t *testing.T, res *ob2.Result, err error) {
	if res == nil {
		t.Fatal("nil result")
	}
	failed := false
	for _, s := range res.Steps {
		failed = failed || (s.Err != nil && !s.Skipped)
	}
	if (err == nil) == failed {
		t.Fatalf("error %v but steps failed=%v", err, failed)
	}
	if err == nil && res.Badge == nil {
		t.Fatal("verified without a badge")
	}
}

// FuzzVerify serves arbitrary bytes as the hosted assertion of the
// basic badge (with its BadgeClass and Issuer) and verifies it by URL
// and as given: no panic, the result is consistent, and anything that
// verifies is hosted at its own id and allowed by the issuer. Crypto-free,
// so the fuzzer spends its time in the parsers (FuzzSignedPayload covers
// the signed path).
func FuzzVerify(f *testing.F) {
	docs, now, vs := fuzzCase(f, "hosted-url")
	const id = "https://example.org/beths-robotics-badge.json"
	for _, v := range vs {
		if v.In.URL == id && !v.Baked() {
			f.Add(v.Documents(f)[id])
		}
		if v.In.File != "" {
			f.Add(v.Input(f))
		}
	}
	f.Add([]byte(id))
	f.Add([]byte("a.b.c"))
	// One verifier (its compiled context reused); each input swaps the
	// hosted document. Fuzz functions run one at a time per process.
	served := ob2.Documents{}
	for u, d := range docs {
		served[u] = d
	}
	ver, err := ob2.NewVerifier(served)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		served[id] = doc
		for _, in := range [][]byte{[]byte(id), doc} {
			res, err := ver.Verify(context.Background(), in, ob2.Checks{Now: now, Recipient: "nobody@example.org"})
			checkResult(t, res, err)
			if err == nil && (res.Badge.Assertion.ID != id || res.Badge.Issuer.ID != "https://example.org/organization.json") {
				t.Fatalf("verified a badge that is not the hosted one: %s by %s", res.Badge.Assertion.ID, res.Badge.Issuer.ID)
			}
		}
	})
}

// FuzzSignedPayload signs arbitrary payloads with the issuer's key, so
// the parser behind a valid signature is fuzzed: no panic, and what
// verifies has the fields the issuer step bound.
func FuzzSignedPayload(f *testing.F) {
	docs, now, vs := fuzzCase(f, "signed-es256")
	key := ob2test.SigningKey(f, testdata, "issuer-p256")
	for _, v := range vs {
		if v.Signs() {
			f.Add(v.Payload(f))
		}
	}
	for _, v := range vs {
		if v.Name == "signed-es256" {
			f.Add(v.Input(f)) // a JWS as payload
		}
	}
	ver, err := ob2.NewVerifier(docs)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		if len(payload) > 1<<16 {
			return
		}
		jws := ob2test.Sign(t, payload, key, "ES256")
		res, err := ver.Verify(context.Background(), []byte(jws), ob2.Checks{Now: now})
		checkResult(t, res, err)
		if err == nil && (res.Badge.Key == nil || res.Badge.Key.Owner != res.Badge.Issuer.ID) {
			t.Fatal("verified without the issuer's key")
		}
	})
}
