package vc_test

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/base58"
	"github.com/onchaincert/microcred/vc"
)

const credHead = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:i",`

// VCDM 2.0's structural rules a conformance suite feeds issuers and
// verifiers: typed status, terms, evidence, refresh and schema entries, a
// subject with something in it, well-formed related resources.
func TestVCDM2Structure(t *testing.T) {
	parse := func(rest string) error {
		_, err := vc.ParseCredential([]byte(credHead + rest + `}`))
		return err
	}
	require.NoError(t, parse(`"credentialSubject":{"id":"did:example:s"}`))
	for name, rest := range map[string]string{
		"credentialStatus without type":  `"credentialSubject":{"id":"did:example:s"},"credentialStatus":{"id":"https://s.example/1#1"}`,
		"termsOfUse without type":        `"credentialSubject":{"id":"did:example:s"},"termsOfUse":{"id":"https://t.example/1"}`,
		"evidence without type":          `"credentialSubject":{"id":"did:example:s"},"evidence":[{"type":"Evidence"},{"id":"https://e.example/1"}]`,
		"refreshService without type":    `"credentialSubject":{"id":"did:example:s"},"refreshService":{"id":"https://r.example/1"}`,
		"evidence type not a string":     `"credentialSubject":{"id":"did:example:s"},"evidence":{"type":5}`,
		"an empty subject":               `"credentialSubject":{}`,
		"an empty subject in a list":     `"credentialSubject":[{"id":"did:example:s"},{}]`,
		"relatedResource a string":       `"credentialSubject":{"id":"did:example:s"},"relatedResource":"https://www.w3.org/ns/credentials/v2"`,
		"relatedResource without id":     `"credentialSubject":{"id":"did:example:s"},"relatedResource":{"digestSRI":"sha384-x"}`,
		"relatedResource without digest": `"credentialSubject":{"id":"did:example:s"},"relatedResource":{"id":"https://www.w3.org/ns/credentials/v2"}`,
		"relatedResource twice":          `"credentialSubject":{"id":"did:example:s"},"relatedResource":[{"id":"https://x.example/a","digestSRI":"sha256-x"},{"id":"https://x.example/a","digestSRI":"sha256-y"}]`,
		"relatedResource empty list":     `"credentialSubject":{"id":"did:example:s"},"relatedResource":[]`,
		"digest not a string":            `"credentialSubject":{"id":"did:example:s"},"relatedResource":{"id":"https://x.example/a","digestMultibase":7}`,
	} {
		assert.ErrorIs(t, parse(rest), vc.ErrInvalidCredential, name)
	}
}

// A related resource's digests are checked against the bytes: digestSRI
// (sha256/384/512) and digestMultibase (base58btc or base64url multihash).
func TestRelatedResourceCheck(t *testing.T) {
	data := []byte(`{"@context":{"x":"https://x.example/x"}}`)
	s256, s384, s512 := sha256.Sum256(data), sha512.Sum384(data), sha512.Sum512(data)
	good := []vc.RelatedResource{
		{ID: "u:a", DigestSRI: "sha256-" + base64.StdEncoding.EncodeToString(s256[:])},
		{ID: "u:a", DigestSRI: "sha384-" + base64.StdEncoding.EncodeToString(s384[:])},
		{ID: "u:a", DigestSRI: "sha512-" + base64.StdEncoding.EncodeToString(s512[:])},
		{ID: "u:a", DigestMultibase: "z" + base58.Encode(append([]byte{0x12, 32}, s256[:]...))},
		{ID: "u:a", DigestMultibase: "u" + base64.RawURLEncoding.EncodeToString(append([]byte{0x20, 48}, s384[:]...))},
	}
	for _, r := range good {
		assert.NoError(t, r.Check(data), "%+v", r)
		assert.ErrorIs(t, r.Check(append(data, ' ')), vc.ErrDigestMismatch, "one byte more: %+v", r)
	}
	both := vc.RelatedResource{ID: "u:a", DigestSRI: good[0].DigestSRI, DigestMultibase: "z" + base58.Encode(append([]byte{0x12, 32}, make([]byte, 32)...))}
	assert.ErrorIs(t, both.Check(data), vc.ErrDigestMismatch, "every digest given must match")
	for _, r := range []vc.RelatedResource{
		{ID: "u:a", DigestSRI: "md5-AAAA"},
		{ID: "u:a", DigestSRI: "sha256"},
		{ID: "u:a", DigestSRI: "sha256-!!!"},
		{ID: "u:a", DigestMultibase: "m" + base64.StdEncoding.EncodeToString(s256[:])},
		{ID: "u:a", DigestMultibase: "z" + base58.Encode(append([]byte{0x12, 31}, s256[:31]...))},
		{ID: "u:a", DigestMultibase: "z" + base58.Encode(append([]byte{0x99, 32}, s256[:]...))},
		{ID: "u:a", DigestMultibase: "z" + string(make([]byte, 200))},
	} {
		err := r.Check(data)
		assert.Error(t, err, "%+v", r)
		assert.NotErrorIs(t, err, vc.ErrDigestMismatch, "an unreadable digest is not a mismatch: %+v", r)
	}
}
