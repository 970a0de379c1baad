package vc_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc"
)

func TestValidCredentialsParse(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			c, err := vc.ParseCredential(data)
			require.NoError(t, err)
			assert.Equal(t, data, c.Bytes(), "exact bytes kept")
			assert.True(t, c.HasType("VerifiableCredential"))
			assert.NotEmpty(t, c.Issuer().ID)
			assert.NotEmpty(t, c.Subjects())
			from, ok, err := c.ValidFrom()
			require.NoError(t, err)
			if c.Version() == vc.V1 {
				assert.True(t, ok, "VCDM 1.1 has issuanceDate")
				assert.False(t, from.IsZero())
			}
			var generic map[string]any
			require.NoError(t, json.Unmarshal(data, &generic))
			for name := range generic {
				raw, ok := c.Member(name)
				require.True(t, ok, name)
				var v any
				require.NoError(t, json.Unmarshal(raw, &v), name)
				assert.Equal(t, generic[name], v, "member %s", name)
			}
		})
	}
}

func TestInvalidCredentials(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.json")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 15)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			c, err := vc.ParseCredential(data)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, vc.ErrInvalidCredential)
		})
	}
}

func TestErrorsNameTheField(t *testing.T) {
	for file, field := range map[string]string{
		"missing-issuer.json":              "issuer",
		"issuer-object-without-id.json":    "issuer.id",
		"validUntil-before-validFrom.json": "validUntil",
		"bad-validFrom.json":               "validFrom",
		"v1-missing-issuanceDate.json":     "issuanceDate",
		"wrong-first-context.json":         "@context",
	} {
		data, err := os.ReadFile(filepath.Join("testdata/invalid", file))
		require.NoError(t, err)
		_, err = vc.ParseCredential(data)
		var fe *vc.FieldError
		require.True(t, errors.As(err, &fe), "%s: %v", file, err)
		assert.Equal(t, field, fe.Field, file)
	}
	data, err := os.ReadFile("testdata/invalid/duplicate-key.json")
	require.NoError(t, err)
	_, err = vc.ParseCredential(data)
	assert.ErrorIs(t, err, strictjson.ErrDuplicateKey)
	assert.Contains(t, err.Error(), `"issuer"`)
}

func TestTooLarge(t *testing.T) {
	big := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{"pad":"` + strings.Repeat("x", 1<<20) + `"}}`
	_, err := vc.ParseCredential([]byte(big))
	assert.ErrorIs(t, err, strictjson.ErrTooLarge)
}

func TestV1Dates(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/dcc-v1-legacy-noStatus-noExpiry.json")
	require.NoError(t, err)
	c, err := vc.ParseCredential(data)
	require.NoError(t, err)
	assert.Equal(t, vc.V1, c.Version())
	from, ok, err := c.ValidFrom()
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, from.Before(time.Now()))
}

func TestSetAndRemoveMember(t *testing.T) {
	in := []byte("{\n  \"a\": 1,\n  \"b\" : [1, 2],\n  \"c\": {\"x\": true}\n}\n")
	out, err := vc.SetMember(in, "b", "replaced")
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"a\": 1,\n  \"b\" : \"replaced\",\n  \"c\": {\"x\": true}\n}\n", string(out))
	out, err = vc.SetMember(in, "proof", map[string]any{"type": "T"})
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"a\": 1,\n  \"b\" : [1, 2],\n  \"c\": {\"x\": true},\"proof\":{\"type\":\"T\"}\n}\n", string(out))
	out, err = vc.SetMember([]byte(`{}`), "a", 1)
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(out))
	_, err = vc.SetMember([]byte(`{"a":1,"a":2}`), "b", 1)
	assert.ErrorIs(t, err, strictjson.ErrDuplicateKey)
	_, err = vc.SetMember([]byte(`[1]`), "b", 1)
	assert.Error(t, err)

	for name, want := range map[string]string{
		"a": "{\n  \"b\" : [1, 2],\n  \"c\": {\"x\": true}\n}\n",
		"b": "{\n  \"a\": 1,\n  \"c\": {\"x\": true}\n}\n",
		"c": "{\n  \"a\": 1,\n  \"b\" : [1, 2]\n}\n",
		"z": string(in),
	} {
		out, err := vc.RemoveMember(in, name)
		require.NoError(t, err)
		assert.Equal(t, want, string(out), name)
		var v map[string]any
		require.NoError(t, json.Unmarshal(out, &v), name)
	}
	only, err := vc.RemoveMember([]byte(`{"a":1}`), "a")
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(only))
}

func TestWithoutProof(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/w3c-eddsa-rdfc-2022-signed.json")
	require.NoError(t, err)
	c, err := vc.ParseCredential(data)
	require.NoError(t, err)
	require.Len(t, c.Proofs(), 1)
	out, err := c.WithoutProof()
	require.NoError(t, err)
	assert.False(t, bytes.Contains(out, []byte(`"proof"`)))
	c2, err := vc.ParseCredential(out)
	require.NoError(t, err)
	assert.Empty(t, c2.Proofs())
}

func TestPresentation(t *testing.T) {
	cred, err := os.ReadFile("testdata/valid/w3c-eddsa-rdfc-2022-signed.json")
	require.NoError(t, err)
	vp := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"did:example:h","verifiableCredential":[` + string(cred) + `]}`)
	p, err := vc.ParsePresentation(vp)
	require.NoError(t, err)
	assert.Equal(t, "did:example:h", p.Holder())
	require.Len(t, p.Credentials(), 1)
	_, err = vc.ParseCredential(p.Credentials()[0])
	assert.NoError(t, err)
	_, err = vc.ParsePresentation([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`))
	assert.ErrorIs(t, err, vc.ErrInvalidPresentation)
}

func FuzzParseCredential(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := vc.ParseCredential(data)
		if err != nil {
			if c != nil {
				t.Fatal("credential returned with error")
			}
			return
		}
		if !bytes.Equal(c.Bytes(), data) {
			t.Fatal("Bytes differs from input")
		}
		if c.Issuer().ID == "" {
			t.Fatal("parsed credential without issuer")
		}
	})
}

func FuzzParsePresentation(f *testing.F) {
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":{"id":"did:example:h"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := vc.ParsePresentation(data)
		if err != nil && p != nil {
			t.Fatal("presentation returned with error")
		}
	})
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/valid/dcc-v2-complexIssuer.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := vc.ParseCredential(data); err != nil {
			b.Fatal(err)
		}
	}
}
