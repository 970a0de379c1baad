package vc_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/onchaincert/microcred/vc"
)

// A node the verifier reads members of is described by one JSON object: a
// second object with the same id would merge into it in the signed graph,
// so a member moved there (validUntil out of the credential, statusSize out
// of a status entry) leaves the signature intact and the JSON reading
// without it.
func TestDescribedOnce(t *testing.T) {
	const head = `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:c1","type":["VerifiableCredential"],"issuer":{"id":"did:example:i","name":"I"},"validFrom":"2024-01-01T00:00:00Z",`
	parse := func(rest string) error {
		_, err := vc.ParseCredential([]byte(head + rest + `}`))
		return err
	}
	ok := map[string]string{
		"a reference to the credential": `"credentialSubject":{"id":"did:example:s","knows":{"id":"urn:uuid:c1"}}`,
		"the issuer described twice":    `"credentialSubject":{"id":"did:example:s","creator":{"id":"did:example:i","name":"I, again"}}`,
		"a subject described twice":     `"credentialSubject":[{"id":"did:example:s","name":"S"},{"id":"did:example:t","knows":{"id":"did:example:s","name":"S2"}}]`,
		"the same entry repeated":       `"credentialSubject":{"id":"did:example:s"},"evidence":[{"id":"urn:e","type":"Evidence"},{"id":"urn:e","type":"Evidence"}]`,
		"inside a proof":                `"credentialSubject":{"id":"did:example:s"},"proof":{"type":"DataIntegrityProof","id":"urn:uuid:c1","x":{"id":"urn:uuid:c1","validUntil":"2000-01-01T00:00:00Z"}}`,
	}
	for name, rest := range ok {
		assert.NoError(t, parse(rest), name)
	}
	bad := map[string]string{
		"validUntil moved out of the credential":     `"credentialSubject":{"id":"did:example:s","knows":{"id":"urn:uuid:c1","validUntil":"2020-01-01T00:00:00Z"}}`,
		"the credential's id on its refresh service": `"credentialSubject":{"id":"did:example:s"},"refreshService":{"id":"urn:uuid:c1","type":"VerifiableCredentialRefreshService2021"}`,
		"statusSize moved out of a status entry":     `"credentialSubject":{"id":"did:example:s","related":{"id":"https://s.example/1#5","statusSize":2}},"credentialStatus":{"id":"https://s.example/1#5","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"5","statusListCredential":"https://s.example/1"}`,
		"two different schema descriptions":          `"credentialSubject":{"id":"did:example:s"},"credentialSchema":[{"id":"https://x.example/s.json","type":"JsonSchema"},{"id":"https://x.example/s.json","type":"1EdTechJsonSchemaValidator2019"}]`,
		"described with @id":                         `"credentialSubject":{"id":"did:example:s","knows":{"@id":"urn:uuid:c1","validUntil":"2020-01-01T00:00:00Z"}}`,
	}
	for name, rest := range bad {
		err := parse(rest)
		assert.ErrorIs(t, err, vc.ErrInvalidCredential, name)
		var fe *vc.FieldError
		assert.True(t, errors.As(err, &fe), name)
	}

	// In a presentation the credentials are graphs of their own, but the
	// presentation's own nodes follow the same rule.
	const vp = `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:p1","type":["VerifiablePresentation"],`
	_, err := vc.ParsePresentation([]byte(vp + `"verifiableCredential":[{"id":"urn:uuid:p1","type":"VerifiableCredential"}]}`))
	assert.NoError(t, err)
	_, err = vc.ParsePresentation([]byte(vp + `"holder":{"id":"did:example:h","knows":{"id":"urn:uuid:p1","name":"x"}}}`))
	assert.ErrorIs(t, err, vc.ErrInvalidPresentation)
}
