package ecdsasd2023_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/vc/contexts"
)

func TestDefaultMandatoryPointers(t *testing.T) {
	all := []string{"/issuer", "/type", "/validFrom", "/validUntil", "/issuanceDate", "/expirationDate", "/credentialStatus", "/credentialSchema"}
	assert.Equal(t, all, ecdsasd2023.DefaultMandatoryPointers())
	got := ecdsasd2023.DefaultMandatoryPointers()
	got[0] = "/changed"
	assert.Equal(t, all, ecdsasd2023.DefaultMandatoryPointers(), "a copy")

	employ := vectors()[0].unsignedDoc(t)
	v11 := map[string]any{"issuer": "did:example:1", "type": "VerifiableCredential", "issuanceDate": "x", "expirationDate": "y", "credentialSubject": map[string]any{}}
	for _, tc := range []struct {
		name      string
		opts      []ecdsasd2023.Option
		suite     []string // MandatoryPointers
		employ    []string // MandatoryPointersFor(employ)
		vcdm11Doc []string
	}{
		{"defaults", nil, all,
			[]string{"/issuer", "/type", "/validFrom", "/validUntil"},
			[]string{"/issuer", "/type", "/issuanceDate", "/expirationDate"}},
		{"added", []ecdsasd2023.Option{ecdsasd2023.WithMandatoryPointers("/credentialSubject/birthCountry", "/issuer"), ecdsasd2023.WithMandatoryPointers("/name")},
			append(all, "/credentialSubject/birthCountry", "/name"),
			[]string{"/issuer", "/type", "/validFrom", "/validUntil", "/credentialSubject/birthCountry", "/name"},
			[]string{"/issuer", "/type", "/issuanceDate", "/expirationDate", "/credentialSubject/birthCountry", "/name"}},
		{"one dropped", []ecdsasd2023.Option{ecdsasd2023.WithoutDefaultMandatoryUnsafe("/validUntil", "/expirationDate")},
			[]string{"/issuer", "/type", "/validFrom", "/issuanceDate", "/credentialStatus", "/credentialSchema"},
			[]string{"/issuer", "/type", "/validFrom"},
			[]string{"/issuer", "/type", "/issuanceDate"}},
		{"all dropped", []ecdsasd2023.Option{ecdsasd2023.WithoutDefaultMandatoryUnsafe(), ecdsasd2023.WithMandatoryPointers("/issuer")},
			[]string{"/issuer"}, []string{"/issuer"}, []string{"/issuer"}},
		{"none at all", []ecdsasd2023.Option{ecdsasd2023.WithoutDefaultMandatoryUnsafe()}, nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSuite(t, tc.opts...)
			assert.Equal(t, tc.suite, s.MandatoryPointers())
			assert.Equal(t, tc.employ, s.MandatoryPointersFor(employ))
			assert.Equal(t, tc.vcdm11Doc, s.MandatoryPointersFor(v11))
		})
	}

	var pe *ecdsasd2023.PointerError
	_, err := ecdsasd2023.New(contexts.Default(), ecdsasd2023.WithoutDefaultMandatoryUnsafe("/credentialSubject"))
	require.ErrorAs(t, err, &pe, "only defaults can be dropped")
	assert.Equal(t, "/credentialSubject", pe.Pointer)
	_, err = ecdsasd2023.New(contexts.Default(), ecdsasd2023.WithMandatoryPointers("/validUntil"), ecdsasd2023.WithoutDefaultMandatoryUnsafe("/validUntil"))
	assert.Error(t, err, "dropped and added")
	_, err = ecdsasd2023.New(contexts.Default(), ecdsasd2023.WithoutDefaultMandatoryUnsafe(), ecdsasd2023.WithMandatoryPointers("/validUntil"))
	assert.NoError(t, err, "dropping all and naming the ones to keep is not a conflict")
}

// TestDefaultsWithVectors: the W3C documents signed with the default
// mandatory pointers (and the vectors' keys) record them, and deriving
// with the vectors' selective pointers gives the vectors' reveal
// documents, which verify.
func TestDefaultsWithVectors(t *testing.T) {
	km := material(t)
	for _, v := range vectors() {
		t.Run(v.name, func(t *testing.T) {
			_, selective := v.pointers(t)
			s := newSuite(t, ecdsasd2023.WithHMACKey(km.hmacKey(t)), ecdsasd2023.WithProofKeyForTest(privateKey(t, km.ProofKeyPair.SecretKeyMultibase)))
			created := time.Date(2023, 8, 15, 23, 36, 38, 0, time.UTC)
			signed, err := proof.Sign(context.Background(), v.unsignedBytes(t), s, baseSigner(t), proof.Options{Created: created})
			require.NoError(t, err)
			var sm map[string]any
			require.NoError(t, json.Unmarshal(signed, &sm))
			bv, err := ecdsasd2023.ParseBaseProofValue(sm["proof"].(map[string]any)["proofValue"].(string))
			require.NoError(t, err)
			assert.Equal(t, []string{"/issuer", "/type", "/validFrom", "/validUntil"}, bv.MandatoryPointers)

			derived, err := s.Derive(signed, selective)
			require.NoError(t, err)
			_, err = proof.Verify(context.Background(), derived, verifyOpts(t))
			require.NoError(t, err)
			var dm map[string]any
			require.NoError(t, json.Unmarshal(derived, &dm))
			assert.Equal(t, withoutProof(readMap(t, v.file("derivedRevealDocument.json"))), withoutProof(dm),
				"the vectors select validFrom and validUntil anyway")

			d, err := s.VerifyDisclosure(withoutProof(dm), dm["proof"].(map[string]any), publicKey(t, km.BaseKeyPair.PublicKeyMultibase))
			require.NoError(t, err)
			for _, m := range []string{"issuer", "type", "validFrom", "validUntil"} {
				assert.True(t, d.Mandatory(m), m)
			}
			assert.True(t, d.Disclosed("credentialSubject"))
			assert.False(t, d.Mandatory("credentialSubject"), "selected by the holder")
		})
	}
}

// TestVectorsDisclosure: in the W3C derived documents (only /issuer
// mandatory) validFrom and validUntil are disclosed, but selectively.
func TestVectorsDisclosure(t *testing.T) {
	s := newSuite(t)
	key := publicKey(t, material(t).BaseKeyPair.PublicKeyMultibase)
	for _, v := range vectors() {
		t.Run(v.name, func(t *testing.T) {
			reveal := readMap(t, v.file("derivedRevealDocument.json"))
			d, err := s.VerifyDisclosure(withoutProof(reveal), reveal["proof"].(map[string]any), key)
			require.NoError(t, err)
			assert.Equal(t, []string{"credentialSubject", "issuer", "type", "validFrom", "validUntil"}, d.Members())
			assert.True(t, d.Mandatory("issuer"))
			assert.True(t, d.Mandatory("type"), "the root's types come with /issuer")
			for _, m := range []string{"validFrom", "validUntil", "credentialSubject"} {
				assert.True(t, d.Disclosed(m), m)
				assert.False(t, d.Mandatory(m), m)
			}
			assert.False(t, d.Disclosed("name"), "withheld")
			assert.False(t, d.Disclosed("@context"))

			// Verification errors are VerifyProof's.
			_, err = s.VerifyDisclosure(withoutProof(reveal), reveal["proof"].(map[string]any), publicKey(t, material(t).ProofKeyPair.PublicKeyMultibase))
			assert.ErrorIs(t, err, proof.ErrInvalidSignature)
			base := readMap(t, v.file("addSignedSDBase.json"))
			_, err = s.VerifyDisclosure(withoutProof(base), base["proof"].(map[string]any), key)
			assert.ErrorIs(t, err, ecdsasd2023.ErrBaseProof)
		})
	}
}

// withStatus is the OB 3.0 test credential with a status entry.
func withStatus(t testing.TB) []byte {
	var m map[string]any
	require.NoError(t, json.Unmarshal(ob3Credential(t), &m))
	m["credentialStatus"] = map[string]any{
		"id":                   "https://status.example/1#3",
		"type":                 "BitstringStatusListEntry",
		"statusPurpose":        "revocation",
		"statusListIndex":      "3",
		"statusListCredential": "https://status.example/1",
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

type derivedDoc struct {
	doc, proof map[string]any
}

func derive(t testing.TB, s *ecdsasd2023.Suite, issuer *didkey.Key, cred []byte, selective ...string) derivedDoc {
	base, err := proof.Sign(context.Background(), cred, s, issuer, proof.Options{Created: signTime})
	require.NoError(t, err)
	derived, err := s.Derive(base, selective)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(derived, &m))
	return derivedDoc{doc: withoutProof(m), proof: m["proof"].(map[string]any)}
}

// TestWithheld: with the defaults a holder who reveals only the
// achievement's name still discloses validUntil and credentialStatus;
// with the defaults dropped they can be withheld, and the disclosure
// says so.
func TestWithheld(t *testing.T) {
	issuer, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	name := "/credentialSubject/achievement/name"

	safe := newSuite(t)
	d := derive(t, safe, issuer, withStatus(t), name)
	assert.Equal(t, "2028-01-15T09:00:00Z", d.doc["validUntil"])
	assert.Contains(t, d.doc, "credentialStatus")
	assert.Contains(t, d.doc, "validFrom")
	assert.NotContains(t, d.doc, "evidence")
	disc, err := safe.VerifyDisclosure(d.doc, d.proof, issuer.Public())
	require.NoError(t, err)
	assert.Equal(t, []string{"credentialStatus", "credentialSubject", "issuer", "type", "validFrom", "validUntil"}, disc.Members())
	for _, m := range []string{"credentialStatus", "issuer", "type", "validFrom", "validUntil"} {
		assert.True(t, disc.Mandatory(m), m)
	}
	assert.False(t, disc.Mandatory("credentialSubject"))

	// The README's old advice, /issuer only: everything else can go.
	unsafe := newSuite(t, ecdsasd2023.WithoutDefaultMandatoryUnsafe(), ecdsasd2023.WithMandatoryPointers("/issuer"))
	u := derive(t, unsafe, issuer, withStatus(t), name)
	for _, m := range []string{"validUntil", "validFrom", "credentialStatus"} {
		assert.NotContains(t, u.doc, m)
	}
	disc, err = unsafe.VerifyDisclosure(u.doc, u.proof, issuer.Public())
	require.NoError(t, err)
	assert.Equal(t, []string{"credentialSubject", "issuer", "type"}, disc.Members())
	assert.False(t, disc.Disclosed("validUntil"))
	assert.False(t, disc.Disclosed("credentialStatus"))

	// Disclosed, but by the holder's choice.
	u = derive(t, unsafe, issuer, withStatus(t), name, "/validUntil", "/credentialStatus")
	disc, err = unsafe.VerifyDisclosure(u.doc, u.proof, issuer.Public())
	require.NoError(t, err)
	for _, m := range []string{"validUntil", "credentialStatus"} {
		assert.True(t, disc.Disclosed(m), m)
		assert.False(t, disc.Mandatory(m), m)
	}
	// Part of the status entry mandatory: what is disclosed of it counts.
	part := newSuite(t, ecdsasd2023.WithMandatoryPointers("/credentialStatus/statusListIndex"), ecdsasd2023.WithoutDefaultMandatoryUnsafe("/credentialStatus"))
	u = derive(t, part, issuer, withStatus(t), name)
	assert.NotContains(t, u.doc["credentialStatus"], "statusPurpose")
	disc, err = part.VerifyDisclosure(u.doc, u.proof, issuer.Public())
	require.NoError(t, err)
	assert.True(t, disc.Mandatory("credentialStatus"), "only the mandatory part is disclosed")
	assert.True(t, disc.Mandatory("validUntil"))
	u = derive(t, part, issuer, withStatus(t), name, "/credentialStatus")
	disc, err = part.VerifyDisclosure(u.doc, u.proof, issuer.Public())
	require.NoError(t, err)
	assert.True(t, disc.Disclosed("credentialStatus"))
	assert.False(t, disc.Mandatory("credentialStatus"), "the holder added the rest of it")
}

// TestWithheldMutations: a derived credential's mandatory validity and
// status cannot be edited, removed or faked.
func TestWithheldMutations(t *testing.T) {
	issuer, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	s := newSuite(t)
	d := derive(t, s, issuer, withStatus(t), "/credentialSubject/achievement/name")
	require.NoError(t, s.VerifyProof(d.doc, d.proof, issuer.Public()))

	for _, tc := range []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"validUntil edited", func(doc map[string]any) { doc["validUntil"] = "2099-01-15T09:00:00Z" }},
		{"validUntil removed", func(doc map[string]any) { delete(doc, "validUntil") }},
		{"credentialStatus removed", func(doc map[string]any) { delete(doc, "credentialStatus") }},
		{"status index edited", func(doc map[string]any) { doc["credentialStatus"].(map[string]any)["statusListIndex"] = "4" }},
		{"validFrom removed", func(doc map[string]any) { delete(doc, "validFrom") }},
		{"type reduced", func(doc map[string]any) { doc["type"] = []any{"VerifiableCredential"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := clone(t, d.doc)
			tc.mutate(doc)
			assert.ErrorIs(t, s.VerifyProof(doc, d.proof, issuer.Public()), proof.ErrInvalidSignature)
			_, err := s.VerifyDisclosure(doc, d.proof, issuer.Public())
			assert.ErrorIs(t, err, proof.ErrInvalidSignature)
		})
	}

	// A member that expands to nothing adds no statement, so the proof
	// still verifies; it is not disclosed.
	unsafe := newSuite(t, ecdsasd2023.WithoutDefaultMandatoryUnsafe(), ecdsasd2023.WithMandatoryPointers("/issuer"))
	u := derive(t, unsafe, issuer, withStatus(t), "/credentialSubject/achievement/name")
	for _, fake := range []any{nil, []any{}} {
		doc := clone(t, u.doc)
		doc["credentialStatus"] = fake
		disc, err := unsafe.VerifyDisclosure(doc, u.proof, issuer.Public())
		require.NoError(t, err)
		assert.False(t, disc.Disclosed("credentialStatus"), "%v carries no signed statement", fake)
	}
}
