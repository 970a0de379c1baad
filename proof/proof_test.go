package proof

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustMap(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

func TestParseProofsShapes(t *testing.T) {
	one := `{"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","verificationMethod":"did:key:z#z","proofPurpose":"assertionMethod","created":"2023-02-24T23:36:38Z","proofValue":"z1"}}`
	ps, err := ParseProofs(mustMap(t, one))
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, "eddsa-rdfc-2022", ps[0].Cryptosuite)
	created, ok, err := ps[0].CreatedTime()
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 2023, created.Year())

	chain := `{"proof":[{"id":"urn:a","type":"T","verificationMethod":"v","proofPurpose":"p"},{"type":"T","verificationMethod":"v","proofPurpose":"p","previousProof":["urn:a"]}]}`
	ps, err = ParseProofs(mustMap(t, chain))
	require.NoError(t, err)
	require.Len(t, ps, 2)
	assert.Equal(t, []string{"urn:a"}, ps[1].PreviousProof)
}

func TestParseProofsErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"no proof":               `{}`,
		"empty list":             `{"proof":[]}`,
		"proof is a string":      `{"proof":"x"}`,
		"item not an object":     `{"proof":[1]}`,
		"missing type":           `{"proof":{"verificationMethod":"v","proofPurpose":"p"}}`,
		"missing vm":             `{"proof":{"type":"T","proofPurpose":"p"}}`,
		"missing purpose":        `{"proof":{"type":"T","verificationMethod":"v"}}`,
		"type not a string":      `{"proof":{"type":1,"verificationMethod":"v","proofPurpose":"p"}}`,
		"bad created":            `{"proof":{"type":"T","verificationMethod":"v","proofPurpose":"p","created":"yesterday"}}`,
		"created without zone":   `{"proof":{"type":"T","verificationMethod":"v","proofPurpose":"p","created":"2023-02-24T23:36:38"}}`,
		"bad expires":            `{"proof":{"type":"T","verificationMethod":"v","proofPurpose":"p","expires":"2023"}}`,
		"bad previousProof":      `{"proof":{"type":"T","verificationMethod":"v","proofPurpose":"p","previousProof":5}}`,
		"bad previousProof item": `{"proof":{"type":"T","verificationMethod":"v","proofPurpose":"p","previousProof":[""]}}`,
	} {
		t.Run(name, func(t *testing.T) {
			ps, err := ParseProofs(mustMap(t, doc))
			require.Error(t, err)
			assert.Nil(t, ps)
			assert.True(t, errors.Is(err, ErrNoProof) || errors.Is(err, ErrMalformedProof), "%v", err)
		})
	}
}

func TestTooManyProofs(t *testing.T) {
	var list []any
	for i := 0; i <= maxProofs; i++ {
		list = append(list, map[string]any{"type": "T", "verificationMethod": "v", "proofPurpose": "p"})
	}
	_, err := ParseProofs(map[string]any{"proof": list})
	assert.ErrorIs(t, err, ErrMalformedProof)
}
