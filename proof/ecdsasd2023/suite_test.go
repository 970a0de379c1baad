package ecdsasd2023_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/vc/contexts"
)

func clone(t testing.TB, m map[string]any) map[string]any {
	return roundTrip(t, m)
}

func derivedValue(t testing.TB, p map[string]any) *ecdsasd2023.DerivedProofValue {
	dv, err := ecdsasd2023.ParseDerivedProofValue(p["proofValue"].(string))
	require.NoError(t, err)
	return dv
}

func setValue(t testing.TB, p map[string]any, dv *ecdsasd2023.DerivedProofValue) {
	s, err := dv.Encode()
	require.NoError(t, err)
	p["proofValue"] = s
}

// TestVectorsCorrupted: every derived vector fails under each corruption.
func TestVectorsCorrupted(t *testing.T) {
	s := newSuite(t)
	key := publicKey(t, material(t).BaseKeyPair.PublicKeyMultibase)
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)

	type corruption struct {
		name   string
		mutate func(t *testing.T, doc, p map[string]any)
		key    any
		want   error
	}
	cases := []corruption{
		{"tampered selective value", func(t *testing.T, doc, p map[string]any) {
			doc["credentialSubject"].(map[string]any)["birthCountry"] = "Narnia"
		}, nil, proof.ErrInvalidSignature},
		{"tampered mandatory value", func(t *testing.T, doc, p map[string]any) {
			doc["issuer"].(map[string]any)["image"] = "data:image/png;base64,AAAA"
		}, nil, proof.ErrInvalidSignature},
		{"withheld disclosed statement", func(t *testing.T, doc, p map[string]any) {
			delete(doc["credentialSubject"].(map[string]any), "birthCountry")
		}, nil, proof.ErrInvalidSignature},
		{"added statement", func(t *testing.T, doc, p map[string]any) {
			doc["name"] = "Forged"
		}, nil, proof.ErrInvalidSignature},
		{"dropped context", func(t *testing.T, doc, p map[string]any) {
			doc["@context"] = doc["@context"].([]any)[:1]
		}, nil, canon.ErrUnsafe},
		{"changed created", func(t *testing.T, doc, p map[string]any) {
			p["created"] = "2024-01-01T00:00:00Z"
		}, nil, proof.ErrInvalidSignature},
		{"changed proofPurpose", func(t *testing.T, doc, p map[string]any) {
			p["proofPurpose"] = "authentication"
		}, nil, proof.ErrInvalidSignature},
		{"changed cryptosuite", func(t *testing.T, doc, p map[string]any) {
			p["cryptosuite"] = "ecdsa-rdfc-2019"
		}, nil, nil},
		{"swapped signatures", func(t *testing.T, doc, p map[string]any) {
			dv := derivedValue(t, p)
			dv.Signatures[0], dv.Signatures[1] = dv.Signatures[1], dv.Signatures[0]
			setValue(t, p, dv)
		}, nil, proof.ErrInvalidSignature},
		{"extra signature", func(t *testing.T, doc, p map[string]any) {
			dv := derivedValue(t, p)
			dv.Signatures = append(dv.Signatures, dv.Signatures[0])
			setValue(t, p, dv)
		}, nil, proof.ErrInvalidSignature},
		{"flipped base signature bit", func(t *testing.T, doc, p map[string]any) {
			dv := derivedValue(t, p)
			dv.BaseSignature[5] ^= 1
			setValue(t, p, dv)
		}, nil, proof.ErrInvalidSignature},
		{"other proof-scoped key", func(t *testing.T, doc, p map[string]any) {
			dv := derivedValue(t, p)
			dv.PublicKey = multikeyBytes(t, material(t).BaseKeyPair.PublicKeyMultibase)
			setValue(t, p, dv)
		}, nil, proof.ErrInvalidSignature},
		{"swapped label map", func(t *testing.T, doc, p map[string]any) {
			dv := derivedValue(t, p)
			dv.LabelMap["c14n0"], dv.LabelMap["c14n1"] = dv.LabelMap["c14n1"], dv.LabelMap["c14n0"]
			setValue(t, p, dv)
		}, nil, proof.ErrInvalidSignature},
		{"label map not one-to-one", func(t *testing.T, doc, p map[string]any) {
			dv := derivedValue(t, p)
			dv.LabelMap["c14n1"] = dv.LabelMap["c14n0"]
			setValue(t, p, dv)
		}, nil, ecdsasd2023.ErrLabelMap},
		{"label missing", func(t *testing.T, doc, p map[string]any) {
			dv := derivedValue(t, p)
			delete(dv.LabelMap, "c14n1")
			setValue(t, p, dv)
		}, nil, ecdsasd2023.ErrLabelMap},
		{"mandatory index dropped", func(t *testing.T, doc, p map[string]any) {
			dv := derivedValue(t, p)
			dv.MandatoryIndexes = dv.MandatoryIndexes[1:]
			setValue(t, p, dv)
		}, nil, proof.ErrInvalidSignature},
		{"mandatory index out of range", func(t *testing.T, doc, p map[string]any) {
			dv := derivedValue(t, p)
			dv.MandatoryIndexes = append(dv.MandatoryIndexes, 500)
			setValue(t, p, dv)
		}, nil, proof.ErrInvalidSignature},
		{"truncated proofValue", func(t *testing.T, doc, p map[string]any) {
			v := p["proofValue"].(string)
			p["proofValue"] = v[:len(v)-3]
		}, nil, ecdsasd2023.ErrMalformedProofValue},
		{"trailing bytes", func(t *testing.T, doc, p map[string]any) {
			p["proofValue"] = p["proofValue"].(string) + "AA"
		}, nil, ecdsasd2023.ErrMalformedProofValue},
		{"base58 proofValue", func(t *testing.T, doc, p map[string]any) {
			p["proofValue"] = "z" + p["proofValue"].(string)[1:]
		}, nil, ecdsasd2023.ErrMalformedProofValue},
		{"wrong issuer key", func(t *testing.T, doc, p map[string]any) {}, &other.PublicKey, proof.ErrInvalidSignature},
		{"Ed25519 key", func(t *testing.T, doc, p map[string]any) {}, edPub, proof.ErrWrongKeyType},
	}
	for _, v := range vectors() {
		reveal := readMap(t, v.file("derivedRevealDocument.json"))
		for _, c := range cases {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				doc := clone(t, withoutProof(reveal))
				p := clone(t, reveal["proof"].(map[string]any))
				c.mutate(t, doc, p)
				k := any(key)
				if c.key != nil {
					k = c.key
				}
				err := s.VerifyProof(doc, p, k)
				require.Error(t, err)
				if c.want != nil {
					assert.ErrorIs(t, err, c.want)
				}
			})
		}
		// The unchanged document still verifies (the cases above did
		// not modify it).
		require.NoError(t, s.VerifyProof(withoutProof(reveal), reveal["proof"].(map[string]any), key))
	}
}

// TestBaseProofRejected: a base proof presented to a verifier fails with
// ErrBaseProof, through the suite and through proof.Verify.
func TestBaseProofRejected(t *testing.T) {
	s := newSuite(t)
	key := publicKey(t, material(t).BaseKeyPair.PublicKeyMultibase)
	for _, v := range vectors() {
		signed := readMap(t, v.file("addSignedSDBase.json"))
		err := s.VerifyProof(withoutProof(signed), signed["proof"].(map[string]any), key)
		assert.ErrorIs(t, err, ecdsasd2023.ErrBaseProof)
		_, err = proof.Verify(context.Background(), read(t, v.file("addSignedSDBase.json")), verifyOpts(t))
		assert.ErrorIs(t, err, ecdsasd2023.ErrBaseProof)
		assert.ErrorIs(t, err, proof.ErrNoVerifiedProof)

		// A derived proof value where a base one is needed.
		reveal := readMap(t, v.file("derivedRevealDocument.json"))
		_, err = ecdsasd2023.ParseBaseProofValue(reveal["proof"].(map[string]any)["proofValue"].(string))
		assert.ErrorIs(t, err, ecdsasd2023.ErrDerivedProof)
		_, err = s.Derive(read(t, v.file("derivedRevealDocument.json")), nil)
		assert.ErrorIs(t, err, ecdsasd2023.ErrDerivedProof)
	}
}

func ob3Credential(t testing.TB) []byte {
	b, err := os.ReadFile("../../testdata/ob3/achievement-credential.json")
	require.NoError(t, err)
	return b
}

// TestRoundTrip: a fresh did:key P-256 issuer signs a base proof over an
// OB 3.0 credential, the holder derives, the verifier verifies.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	issuer, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	s := newSuite(t, ecdsasd2023.WithMandatoryPointers("/issuer", "/validFrom", "/credentialSubject/achievement/name"))
	base, err := proof.Sign(ctx, ob3Credential(t), s, issuer, proof.Options{Created: signTime})
	require.NoError(t, err)

	selective := []string{
		"/credentialSubject/result/0/status",
		"/credentialSubject/achievement/tag/1",
		"/credentialSubject/achievement/alignment/1/targetName",
		"/evidence/0/name",
	}
	derived, err := s.Derive(base, selective)
	require.NoError(t, err)
	res, err := proof.Verify(ctx, derived, verifyOpts(t))
	require.NoError(t, err)
	assert.Equal(t, issuer.VerificationMethod(), res.Verified().Proof.VerificationMethod)

	var d map[string]any
	require.NoError(t, json.Unmarshal(derived, &d))
	assert.Equal(t, "urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-1f4c7e2a9d10", d["id"], "ids on the way are kept")
	assert.Equal(t, "2025-01-15T09:00:00Z", d["validFrom"])
	assert.Equal(t, "2028-01-15T09:00:00Z", d["validUntil"], "mandatory by default")
	assert.NotContains(t, d, "name")
	cs := d["credentialSubject"].(map[string]any)
	assert.Equal(t, "did:example:learner-4711", cs["id"])
	assert.Equal(t, []any{"AchievementSubject"}, cs["type"])
	assert.NotContains(t, cs, "activityEndDate")
	ach := cs["achievement"].(map[string]any)
	assert.Equal(t, "Intro to Data Integrity", ach["name"])
	assert.Equal(t, []any{"verifiable-credentials"}, ach["tag"], "one array element, made dense")
	assert.NotContains(t, ach, "description")
	assert.Equal(t, []any{map[string]any{"type": []any{"Result"}, "status": "Completed"}}, cs["result"])
	assert.Equal(t, []any{map[string]any{"type": []any{"Alignment"}, "targetName": "Verifiable credentials"}}, ach["alignment"])
	assert.NotContains(t, string(derived), "urn:bnid:", "no skolem IRIs leak")

	// Deriving with only the mandatory pointers also verifies.
	minimal, err := s.Derive(base, nil)
	require.NoError(t, err)
	_, err = proof.Verify(ctx, minimal, verifyOpts(t))
	require.NoError(t, err)

	// The base proof itself does not verify, and another issuer's key
	// does not verify the derived proof.
	_, err = proof.Verify(ctx, base, verifyOpts(t))
	assert.ErrorIs(t, err, ecdsasd2023.ErrBaseProof)
	other, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	var dm map[string]any
	require.NoError(t, json.Unmarshal(derived, &dm))
	assert.ErrorIs(t, s.VerifyProof(withoutProof(dm), dm["proof"].(map[string]any), other.Public()), proof.ErrInvalidSignature)
}

func TestDeriveErrors(t *testing.T) {
	ctx := context.Background()
	issuer, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	s := newSuite(t, ecdsasd2023.WithMandatoryPointers("/issuer"))
	base, err := proof.Sign(ctx, ob3Credential(t), s, issuer, proof.Options{Created: signTime})
	require.NoError(t, err)

	var pe *ecdsasd2023.PointerError
	_, err = s.Derive(base, []string{"/credentialSubject/nope"})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "/credentialSubject/nope", pe.Pointer)
	for _, bad := range []string{"", "credentialSubject", "/a~2b", "/evidence/01", "/evidence/9", "/evidence/-"} {
		_, err = s.Derive(base, []string{bad})
		assert.ErrorIs(t, err, ecdsasd2023.ErrPointer, bad)
	}
	_, err = s.Derive(ob3Credential(t), []string{"/name"})
	assert.ErrorIs(t, err, ecdsasd2023.ErrNoBaseProof)
	_, err = s.Derive([]byte(`{"a":1,"a":2}`), nil)
	assert.Error(t, err)

	// A base proof moved onto another document does not match it.
	var m map[string]any
	require.NoError(t, json.Unmarshal(base, &m))
	m["name"] = "Other"
	m["description"] = strings.Repeat("x", 3)
	delete(m, "validUntil")
	moved, err := json.Marshal(m)
	require.NoError(t, err)
	_, err = s.Derive(moved, nil)
	assert.Error(t, err)

	_, err = ecdsasd2023.New(contexts.Default(), ecdsasd2023.WithMandatoryPointers("issuer"))
	assert.ErrorIs(t, err, ecdsasd2023.ErrPointer)
	_, err = ecdsasd2023.New(contexts.Default(), ecdsasd2023.WithHMACKey(make([]byte, 31)))
	assert.Error(t, err)
	_, err = ecdsasd2023.New(nil)
	assert.Error(t, err)
}

// TestSignRejectsUnsafeJSONLD: an undefined term fails signing with the
// same error as the other RDFC suites.
func TestSignRejectsUnsafeJSONLD(t *testing.T) {
	ctx := context.Background()
	doc := []byte(`{
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  "type": ["VerifiableCredential"],
  "issuer": "did:example:issuer",
  "credentialSubject": {"id": "did:example:subject", "favouriteColour": "blue"}
}`)
	issuer, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	_, err = proof.Sign(ctx, doc, newSuite(t), issuer, proof.Options{})
	var ue *canon.UnsafeError
	require.ErrorAs(t, err, &ue)
	assert.ErrorIs(t, err, canon.ErrUndefinedTerm)
	assert.Equal(t, "/credentialSubject/favouriteColour", ue.Pointer)

	rdfc, err := ecdsa2019.NewRDFC(contexts.Default())
	require.NoError(t, err)
	_, err2 := proof.Sign(ctx, doc, rdfc, issuer, proof.Options{})
	var ue2 *canon.UnsafeError
	require.ErrorAs(t, err2, &ue2)
	assert.Equal(t, *ue2, *ue, "same error as ecdsa-rdfc-2019")
}

func TestSignNeedsP256(t *testing.T) {
	for _, typ := range []didkey.KeyType{didkey.Ed25519, didkey.P384, didkey.Secp256k1} {
		k, err := didkey.Generate(typ)
		require.NoError(t, err)
		_, err = proof.Sign(context.Background(), ob3Credential(t), newSuite(t), k, proof.Options{})
		assert.ErrorIs(t, err, proof.ErrWrongKeyType, typ)
	}
}

func TestUnsupportedDocuments(t *testing.T) {
	ctx := context.Background()
	issuer, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	blank := []byte(`{
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  "type": ["VerifiableCredential"],
  "issuer": "did:example:issuer",
  "credentialSubject": {"id": "_:b0"}
}`)
	// A blank node identifier is relabelled by canonicalization, so the
	// JSON would not show what is signed: canonicalization refuses it
	// before skolemization would.
	_, err = proof.Sign(ctx, blank, newSuite(t), issuer, proof.Options{})
	assert.ErrorIs(t, err, canon.ErrNotCompacted)
}

func TestProofValueErrors(t *testing.T) {
	good := readMap(t, "ecdsa-sd-2023/employ/derivedRevealDocument.json")["proof"].(map[string]any)["proofValue"].(string)
	for name, v := range map[string]string{
		"empty":        "",
		"u only":       "u",
		"bad header":   "u2V0C",
		"newline":      good[:20] + "\n" + good[20:],
		"padding":      good + "=",
		"base header":  "u2V0A",
		"not an array": "u2V0BoA",
	} {
		dv, err := ecdsasd2023.ParseDerivedProofValue(v)
		assert.Nil(t, dv, name)
		if name == "base header" {
			assert.ErrorIs(t, err, ecdsasd2023.ErrBaseProof)
		} else {
			assert.ErrorIs(t, err, ecdsasd2023.ErrMalformedProofValue, name)
		}
	}
	// Encode refuses components of the wrong size.
	dv, err := ecdsasd2023.ParseDerivedProofValue(good)
	require.NoError(t, err)
	dv.Signatures[0] = dv.Signatures[0][:63]
	_, err = dv.Encode()
	assert.ErrorIs(t, err, ecdsasd2023.ErrMalformedProofValue)
}

var signTime = time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)

// TestOverlappingPointers: a deeper pointer before and after its parent,
// whole arrays and whole objects.
func TestOverlappingPointers(t *testing.T) {
	ctx := context.Background()
	issuer, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	s := newSuite(t, ecdsasd2023.WithMandatoryPointers("/issuer"))
	base, err := proof.Sign(ctx, ob3Credential(t), s, issuer, proof.Options{Created: signTime})
	require.NoError(t, err)
	for _, sel := range [][]string{
		{"/credentialSubject/achievement/name", "/credentialSubject"},
		{"/credentialSubject", "/credentialSubject/achievement/name"},
		{"/evidence", "/credentialSubject/achievement/alignment/0", "/credentialSubject/achievement/alignment/1/targetUrl"},
		{"/type", "/issuer/name", "/credentialSubject/achievement/criteria/narrative"},
	} {
		derived, err := s.Derive(base, sel)
		require.NoError(t, err, sel)
		_, err = proof.Verify(ctx, derived, verifyOpts(t))
		assert.NoError(t, err, sel)
	}
}
