package ob2_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/ob2/ob2test"
	"github.com/onchaincert/microcred/vc/bake"
)

const testdata = "../testdata/ob2"

// firstFailed returns the name of the first failed step, or "".
func firstFailed(res *ob2.Result) string {
	for _, s := range res.Steps {
		if s.Err != nil && !s.Skipped {
			return s.Name
		}
	}
	return ""
}

func verifyVector(t testing.TB, v *ob2test.Vector, docs ob2.Documents, in []byte, recipient string) (*ob2.Result, error) {
	if k := bake.Detect(in); k == bake.PNG || k == bake.SVG {
		text, err := bake.ExtractOB2(in)
		require.NoError(t, err, "the baked assertion is read back")
		in = text
	}
	ver, err := ob2.NewVerifier(docs)
	require.NoError(t, err)
	return ver.Verify(context.Background(), in, ob2.Checks{Now: v.Clock(t), Skew: 5 * time.Minute, Recipient: recipient})
}

// TestVectors: every case carried over from openbadges-validator-core
// gets the validator's verdict, failing at the matching step.
func TestVectors(t *testing.T) {
	vs := ob2test.Load(t, testdata)
	valid := 0
	for i := range vs {
		v := &vs[i]
		if v.Valid() {
			valid++
		}
		t.Run(v.Name, func(t *testing.T) {
			res, err := verifyVector(t, v, v.Documents(t), v.Input(t), v.Recipient)
			require.NotNil(t, res)
			if v.Valid() {
				require.NoError(t, err, "%s (%s) is valid", v.Name, v.Source)
				assert.Equal(t, "", firstFailed(res))
				assert.NotNil(t, res.Badge)
				return
			}
			require.Error(t, err, "%s (%s) is invalid", v.Name, v.Source)
			assert.Equal(t, v.FailingStep(), firstFailed(res), "fails at the matching step: %v", err)
			t.Log(err)
		})
	}
	t.Logf("%d cases: %d valid, %d invalid", len(vs), valid, len(vs)-valid)
}

// TestVectorMutations: every valid case fails when any one document it
// needs is missing, when the expected recipient is off by one letter, and
// (signed) when one signature byte is flipped.
func TestVectorMutations(t *testing.T) {
	for _, v := range ob2test.Load(t, testdata) {
		if !v.Valid() {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			in := v.Input(t)
			for u := range v.Docs {
				docs := v.Documents(t)
				delete(docs, u)
				_, err := verifyVector(t, &v, docs, in, v.Recipient)
				assert.ErrorIs(t, err, ob2.ErrNotFound, "without %s the badge cannot verify", u)
			}
			if v.Recipient != "" {
				_, err := verifyVector(t, &v, v.Documents(t), in, v.Recipient+"x")
				assert.ErrorIs(t, err, ob2.ErrWrongRecipient)
			}
			if v.Signs() && !v.Baked() {
				parts := strings.Split(string(in), ".")
				sig, err := base64.RawURLEncoding.DecodeString(parts[2])
				require.NoError(t, err)
				sig[len(sig)/2] ^= 1
				parts[2] = base64.RawURLEncoding.EncodeToString(sig)
				_, err = verifyVector(t, &v, v.Documents(t), []byte(strings.Join(parts, ".")), v.Recipient)
				assert.ErrorIs(t, err, ob2.ErrInvalidSignature)
			}
		})
	}
}

// TestDetect: what the microcred Verifier hands to this package.
func TestDetect(t *testing.T) {
	for in, want := range map[string]bool{
		"https://example.org/a.json":                                                                 true,
		"http://example.org/a.json":                                                                  true,
		`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion"}`:                           true,
		`{"@context":["https://w3id.org/openbadges/v2","https://w3id.org/openbadges/extensions/x"]}`: true,
		`{"@context":["https://www.w3.org/ns/credentials/v2","https://w3id.org/openbadges/v2"]}`:     false,
		`{"@context":["https://w3id.org/openbadges/v2","https://w3id.org/blockcerts/v2"],"signature":{"type":["MerkleProof2017","Extension"]}}`: false,
		`{"@context":"https://w3id.org/openbadges/v1"}`: false,
		"ftp://example.org/a":                           false,
		"https://example.org/a b":                       false,
		"eyJhbGciOiJSUzI1NiJ9.eyJAY29udGV4dCI6Imh0dHBzOi8vdzNpZC5vcmcvb3BlbmJhZGdlcy92MiJ9.c2ln": true,
		"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln":                                              false,
	} {
		assert.Equal(t, want, ob2.Detect([]byte(in)), "%s", in)
	}
}
