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

	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc"
)

func readDir(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(tb, err)
	require.NotEmpty(tb, files, dir)
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(tb, err)
		out[filepath.Base(f)] = data
	}
	return out
}

// assertMembersMatch checks that Member returns, for every top-level member,
// bytes that decode to what encoding/json sees, and nothing for others.
func assertMembersMatch(t *testing.T, data []byte, member func(string) (json.RawMessage, bool)) {
	t.Helper()
	var generic map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &generic))
	for name, want := range generic {
		raw, ok := member(name)
		require.True(t, ok, "member %q found", name)
		assert.True(t, bytes.Contains(data, raw), "member %q is a slice of the input", name)
		assert.JSONEq(t, string(want), string(raw), "member %q", name)
	}
	_, ok := member("no such member")
	assert.False(t, ok)
}

func TestValidCredentials(t *testing.T) {
	files := readDir(t, "testdata/valid")
	require.GreaterOrEqual(t, len(files), 15)
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := vc.ParseCredential(data)
			require.NoError(t, err)
			assert.Equal(t, data, c.Bytes(), "exact bytes kept")
			m, err := c.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, data, m)
			assert.True(t, c.HasType("VerifiableCredential"))
			assert.Contains(t, c.Types(), "VerifiableCredential")
			assert.NotEmpty(t, c.Issuer().ID)
			assert.NotEmpty(t, c.Subjects())
			require.NotEmpty(t, c.Context())
			assert.Contains(t, []any{vc.ContextV1, vc.ContextV2}, c.Context()[0])
			assertMembersMatch(t, data, c.Member)

			raw, ok := c.Member("issuer")
			require.True(t, ok)
			assert.Equal(t, []byte(raw), []byte(c.Issuer().Raw))

			from, hasFrom, err := c.ValidFrom()
			require.NoError(t, err)
			until, hasUntil, err := c.ValidUntil()
			require.NoError(t, err)
			if c.Version() == vc.V1 {
				assert.True(t, hasFrom, "VCDM 1.1 has issuanceDate")
			}
			if hasFrom && hasUntil {
				assert.False(t, until.Before(from))
			}
			assert.LessOrEqual(t, len(c.Proofs()), limits.MaxProofs)
			for _, p := range c.Proofs() {
				assert.Equal(t, byte('{'), p[0], "proofs are objects")
			}
		})
	}
}

// TestInvalidCredentials runs every file in testdata/invalid. Each must be
// listed here with what it must fail on: a field name, or a strictjson
// sentinel.
func TestInvalidCredentials(t *testing.T) {
	expect := map[string]any{
		"bad-validFrom.json":                         "validFrom",
		"context-empty-list.json":                    "@context",
		"context-item-number.json":                   "@context[1]",
		"context-v2-not-first.json":                  "@context",
		"credentialSchema-without-type.json":         "credentialSchema.type",
		"credentialStatus-string.json":               "credentialStatus",
		"credentialSubject-list-with-string.json":    "credentialSubject[1]",
		"credentialSubject-string.json":              "credentialSubject",
		"duplicate-key.json":                         strictjson.ErrDuplicateKey,
		"duplicate-key-escaped.json":                 strictjson.ErrDuplicateKey,
		"duplicate-key-nested.json":                  strictjson.ErrDuplicateKey,
		"empty-credential-subject-list.json":         "credentialSubject",
		"evidence-number.json":                       "evidence[0]",
		"id-not-a-string.json":                       "id",
		"id-not-a-url.json":                          "id",
		"invalid-utf8.json":                          strictjson.ErrSyntax,
		"issuer-empty-string.json":                   "issuer",
		"issuer-id-not-a-url.json":                   "issuer.id",
		"issuer-not-a-url.json":                      "issuer",
		"issuer-not-string-or-object.json":           "issuer",
		"issuer-null.json":                           "issuer",
		"issuer-object-without-id.json":              "issuer.id",
		"missing-context.json":                       "@context",
		"missing-credential-subject.json":            "credentialSubject",
		"missing-issuer.json":                        "issuer",
		"not-an-object.json":                         nil,
		"proof-list-with-string.json":                "proof[1]",
		"proof-not-an-object.json":                   "proof",
		"too-deep.json":                              strictjson.ErrTooDeep,
		"too-many-proofs.json":                       "proof",
		"trailing-data.json":                         strictjson.ErrSyntax,
		"type-missing.json":                          "type",
		"type-not-strings.json":                      "type",
		"type-without-VerifiableCredential.json":     "type",
		"unpaired-surrogate.json":                    strictjson.ErrSyntax,
		"v1-expirationDate-before-issuanceDate.json": "expirationDate",
		"v1-issuanceDate-without-timezone.json":      "issuanceDate",
		"v1-missing-issuanceDate.json":               "issuanceDate",
		"validFrom-date-only.json":                   "validFrom",
		"validFrom-february-30.json":                 "validFrom",
		"validFrom-lowercase-t.json":                 "validFrom",
		"validFrom-offset-15h.json":                  "validFrom",
		"validFrom-without-timezone.json":            "validFrom",
		"validUntil-before-validFrom.json":           "validUntil",
		"validUntil-not-a-string.json":               "validUntil",
		"wrong-first-context.json":                   "@context",
	}
	files := readDir(t, "testdata/invalid")
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, known := expect[name]
			if !known {
				t.Fatalf("no expectation listed for %s", name)
			}
			c, err := vc.ParseCredential(data)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, vc.ErrInvalidCredential)
			switch w := want.(type) {
			case string:
				var fe *vc.FieldError
				require.True(t, errors.As(err, &fe), "a *FieldError: %v", err)
				assert.Equal(t, w, fe.Field, "field named: %v", err)
			case error:
				assert.ErrorIs(t, err, w)
			}
		})
	}
	for name := range expect {
		assert.Contains(t, files, name, "listed file exists")
	}
}

// TestMutations corrupts every valid credential in ways that must each be
// rejected, naming the field at fault.
func TestMutations(t *testing.T) {
	set := func(t *testing.T, data []byte, name string, v any) []byte {
		out, err := vc.SetMember(data, name, v)
		require.NoError(t, err)
		return out
	}
	remove := func(t *testing.T, data []byte, name string) []byte {
		out, err := vc.RemoveMember(data, name)
		require.NoError(t, err)
		return out
	}
	for name, data := range readDir(t, "testdata/valid") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := vc.ParseCredential(data)
			require.NoError(t, err)
			from, until := "validFrom", "validUntil"
			if c.Version() == vc.V1 {
				from, until = "issuanceDate", "expirationDate"
			}
			trimmed := bytes.TrimRight(data, " \t\r\n")
			open := bytes.IndexByte(data, '{') + 1
			proofs := make([]json.RawMessage, limits.MaxProofs+1)
			for i := range proofs {
				proofs[i] = json.RawMessage(`{"type":"DataIntegrityProof"}`)
			}
			cases := []struct {
				what  string
				input []byte
				field string // or "" and kind
				kind  error
			}{
				{"no issuer", remove(t, data, "issuer"), "issuer", nil},
				{"issuer not a URL", set(t, data, "issuer", "issuer 1"), "issuer", nil},
				{"issuer object without id", set(t, data, "issuer", map[string]string{"name": "x"}), "issuer.id", nil},
				{"no @context", remove(t, data, "@context"), "@context", nil},
				{"other first @context", set(t, data, "@context", []string{"https://example.com/ctx"}), "@context", nil},
				{"no type", remove(t, data, "type"), "type", nil},
				{"type without VerifiableCredential", set(t, data, "type", []string{"OpenBadgeCredential"}), "type", nil},
				{"no credentialSubject", remove(t, data, "credentialSubject"), "credentialSubject", nil},
				{"empty subject list", set(t, data, "credentialSubject", []any{}), "credentialSubject", nil},
				{"date without zone", set(t, data, from, "2024-01-01T00:00:00"), from, nil},
				{"until before from", set(t, set(t, data, from, "2030-01-01T00:00:00Z"), until, "2029-12-31T23:59:59Z"), until, nil},
				{"too many proofs", set(t, data, "proof", proofs), "proof", nil},
				{"proof not an object", set(t, data, "proof", "z3"), "proof", nil},
				{"id not a URL", set(t, data, "id", "12"), "id", nil},
				{"duplicate type", append(append(append([]byte{}, data[:open]...), `"type":["VerifiableCredential"],`...), data[open:]...), "", strictjson.ErrDuplicateKey},
				{"truncated", trimmed[:len(trimmed)-1], "", strictjson.ErrSyntax},
				{"trailing value", append(bytes.Clone(data), "{}"...), "", strictjson.ErrSyntax},
				{"invalid UTF-8", set(t, data, "name", "INVALID-UTF8-MARKER"), "", strictjson.ErrSyntax},
			}
			// Invalid UTF-8 cannot go through SetMember (it checks); patch
			// the last case's bytes by hand.
			last := &cases[len(cases)-1]
			last.input = bytes.Replace(last.input, []byte("INVALID-UTF8-MARKER"), []byte("\xff"), 1)
			if c.Version() == vc.V1 {
				cases = append(cases, struct {
					what  string
					input []byte
					field string
					kind  error
				}{"no issuanceDate", remove(t, data, "issuanceDate"), "issuanceDate", nil})
			}
			for _, tc := range cases {
				got, err := vc.ParseCredential(tc.input)
				require.Error(t, err, tc.what)
				assert.Nil(t, got, tc.what)
				assert.ErrorIs(t, err, vc.ErrInvalidCredential, tc.what)
				if tc.kind != nil {
					assert.ErrorIs(t, err, tc.kind, tc.what)
					continue
				}
				var fe *vc.FieldError
				require.True(t, errors.As(err, &fe), "%s: %v", tc.what, err)
				assert.Equal(t, tc.field, fe.Field, "%s: %v", tc.what, err)
			}
		})
	}
}

func parseFile(t *testing.T, name string) *vc.Credential {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/valid", name))
	require.NoError(t, err)
	c, err := vc.ParseCredential(data)
	require.NoError(t, err)
	return c
}

func TestAccessors(t *testing.T) {
	t.Run("v1 dates", func(t *testing.T) {
		c := parseFile(t, "v1-dates.json")
		assert.Equal(t, vc.V1, c.Version())
		assert.Equal(t, "1.1", c.Version().String())
		from, ok, err := c.ValidFrom()
		require.NoError(t, err)
		require.True(t, ok)
		assert.True(t, from.Equal(time.Date(2010, 1, 1, 19, 23, 24, 123456789, time.UTC)), "issuanceDate read: %v", from)
		until, ok, err := c.ValidUntil()
		require.NoError(t, err)
		require.True(t, ok)
		assert.True(t, until.Equal(time.Date(2020, 1, 2, 0, 23, 24, 0, time.UTC)), "expirationDate read with its zone: %v", until)
		assert.Equal(t, "http://example.edu/credentials/3732", c.ID())
		assert.Equal(t, vc.Issuer{ID: "https://example.edu/issuers/565049", Raw: json.RawMessage(`"https://example.edu/issuers/565049"`)}, c.Issuer())
	})
	t.Run("many subjects", func(t *testing.T) {
		c := parseFile(t, "many-subjects.json")
		assert.Equal(t, vc.V2, c.Version())
		assert.Len(t, c.Subjects(), 3)
		assert.Equal(t, []string{"did:example:alice", "did:example:bob"}, c.SubjectIDs())
		assert.Equal(t, "https://example.edu/issuers/14", c.Issuer().ID)
		assert.JSONEq(t, `{"id":"https://example.edu/issuers/14","name":"Example University"}`, string(c.Issuer().Raw))
		assert.Equal(t, []string{"VerifiableCredential", "ExampleCredential"}, c.Types())
		from, _, _ := c.ValidFrom()
		until, _, _ := c.ValidUntil()
		assert.Equal(t, time.Hour, until.Sub(from), "zones applied: 00:00+02 to 00:00+01")
		assert.Empty(t, c.Proofs())
		assert.Empty(t, c.Status())
	})
	t.Run("end of day", func(t *testing.T) {
		c := parseFile(t, "end-of-day-24h.json")
		from, _, _ := c.ValidFrom()
		until, _, _ := c.ValidUntil()
		assert.True(t, from.Equal(until), "24:00:00 is the next midnight")
	})
	t.Run("unknown members and escapes", func(t *testing.T) {
		c := parseFile(t, "unknown-members-and-escapes.json")
		assert.Equal(t, `Café "badge"`, c.Name(), "escaped member name found")
		assert.Equal(t, "café & <b>", c.Description())
		assert.Equal(t, []string{"VerifiableCredential"}, c.Types())
		require.Len(t, c.Proofs(), 1, "escaped \"proof\" name is still the proof")
		assert.Equal(t, []string{"did:example:2"}, c.SubjectIDs(), "\"ID\" is not \"id\"")
		raw, ok := c.Member("x-unknown")
		require.True(t, ok)
		assert.Equal(t, `[1, 2.50, -0, 1e2, true, null, {"nested": {"deeper": []}}]`, string(raw))
		_, ok = c.Member("X-Unknown")
		assert.False(t, ok, "names match case-sensitively")
		ctx := c.Context()
		require.Len(t, ctx, 2)
		assert.Equal(t, map[string]any{"@vocab": "https://example.com/vocab#"}, ctx[1])
		ctx[1].(map[string]any)["@vocab"] = "changed"
		assert.Equal(t, "https://example.com/vocab#", c.Context()[1].(map[string]any)["@vocab"], "Context returns copies")
		out, err := c.WithoutProof()
		require.NoError(t, err)
		assert.NotContains(t, string(out), "DataIntegrityProof")
	})
	t.Run("status, schema, evidence, proof sets", func(t *testing.T) {
		c := parseFile(t, "dcc-v2-endorsement-withSchema.json")
		schemas := c.Schemas()
		require.NotEmpty(t, schemas)
		for _, s := range schemas {
			assert.NotEmpty(t, s.ID)
			assert.NotEmpty(t, s.Type)
		}
		assert.Len(t, c.Proofs(), 2, "proof set of two")
		c = parseFile(t, "dcc-v2-bothSignatureTypes-revokedStatus-expired.json")
		assert.NotEmpty(t, c.Status())
		c = parseFile(t, "w3c-employment-auth.json")
		assert.Empty(t, c.Proofs())
		assert.Empty(t, c.Evidence())
	})
	t.Run("accessors return copies", func(t *testing.T) {
		c := parseFile(t, "dcc-v2-complexIssuer.json")
		b := c.Bytes()
		b[0] = 'X'
		assert.Equal(t, byte('{'), c.Bytes()[0])
		iss := c.Issuer()
		iss.Raw[0] = 'X'
		assert.Equal(t, byte('{'), c.Issuer().Raw[0])
		types := c.Types()
		types[0] = "X"
		assert.True(t, c.HasType("VerifiableCredential"))
		p := c.Proofs()[0]
		p[0] = 'X'
		assert.Equal(t, byte('{'), c.Proofs()[0][0])
	})
}

// TestWithoutProof checks, on every valid credential, that WithoutProof
// drops exactly the proof and keeps every other member's bytes and order.
func TestWithoutProof(t *testing.T) {
	for name, data := range readDir(t, "testdata/valid") {
		c, err := vc.ParseCredential(data)
		require.NoError(t, err)
		out, err := c.WithoutProof()
		require.NoError(t, err, name)
		c2, err := vc.ParseCredential(out)
		require.NoError(t, err, name)
		assert.Empty(t, c2.Proofs(), name)
		_, has := c2.Member("proof")
		assert.False(t, has, name)

		var before, after map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(data, &before))
		require.NoError(t, json.Unmarshal(out, &after))
		delete(before, "proof")
		assert.Equal(t, len(before), len(after), name)
		for k := range before {
			raw, ok := c2.Member(k)
			require.True(t, ok, "%s: %s kept", name, k)
			orig, _ := c.Member(k)
			assert.Equal(t, string(orig), string(raw), "%s: %s bytes kept", name, k)
		}
		if len(c.Proofs()) == 0 {
			assert.Equal(t, data, out, "%s: nothing to remove", name)
		} else {
			assert.Less(t, len(out), len(data))
		}
	}
}

func TestSetAndRemoveMember(t *testing.T) {
	in := []byte("{\n  \"a\": 1,\n  \"b\" : [1, 2],\n  \"c\": {\"x\": true}\n}\n")
	out, err := vc.SetMember(in, "b", "replaced")
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"a\": 1,\n  \"b\" : \"replaced\",\n  \"c\": {\"x\": true}\n}\n", string(out))
	out, err = vc.SetMember(in, "proof", map[string]any{"type": "T&<>"})
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"a\": 1,\n  \"b\" : [1, 2],\n  \"c\": {\"x\": true},\"proof\":{\"type\":\"T&<>\"}\n}\n", string(out), "appended, no HTML escaping")
	out, err = vc.SetMember(in, "c", json.RawMessage("{ \"kept\" : \"<as is>\" }"))
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"a\": 1,\n  \"b\" : [1, 2],\n  \"c\": { \"kept\" : \"<as is>\" }\n}\n", string(out), "raw value inserted byte for byte")
	out, err = vc.SetMember([]byte(`{}`), "a", 1)
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(out))
	out, err = vc.SetMember([]byte(" { } "), "a\"b", 1)
	require.NoError(t, err)
	assert.Equal(t, ` {"a\"b":1 } `, string(out))
	out, err = vc.SetMember([]byte(`{"pro\u006ff":1}`), "proof", 2)
	require.NoError(t, err)
	assert.Equal(t, `{"pro\u006ff":2}`, string(out), "escaped name is the same member")

	_, err = vc.SetMember([]byte(`{"a":1,"a":2}`), "b", 1)
	assert.ErrorIs(t, err, strictjson.ErrDuplicateKey)
	_, err = vc.SetMember([]byte(`[1]`), "b", 1)
	assert.Error(t, err)
	_, err = vc.SetMember([]byte(`{}`), "b", json.RawMessage(`{"x":1,"x":2}`))
	assert.ErrorIs(t, err, strictjson.ErrDuplicateKey, "raw values are checked too")
	_, err = vc.SetMember([]byte(`{}`), "b", func() {})
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
		require.NoError(t, strictjson.Check(out, strictjson.Limits{}), name)
	}
	only, err := vc.RemoveMember([]byte(`{ "a" : 1 }`), "a")
	require.NoError(t, err)
	assert.Equal(t, `{  }`, string(only))
	_, err = vc.RemoveMember([]byte(`{"a":1} x`), "a")
	assert.ErrorIs(t, err, strictjson.ErrSyntax)
}

func TestTooLarge(t *testing.T) {
	big := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{"pad":"` + strings.Repeat("x", limits.MaxCredentialBytes) + `"}}`
	c, err := vc.ParseCredential([]byte(big))
	assert.Nil(t, c)
	assert.ErrorIs(t, err, strictjson.ErrTooLarge)
	assert.ErrorIs(t, err, vc.ErrInvalidCredential)
	p, err := vc.ParsePresentation([]byte(big))
	assert.Nil(t, p)
	assert.ErrorIs(t, err, strictjson.ErrTooLarge)
}

func TestFieldErrorMessage(t *testing.T) {
	_, err := vc.ParseCredential([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential","issuer":"x","credentialSubject":{}}`))
	var fe *vc.FieldError
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, "issuer", fe.Field)
	assert.True(t, strings.HasPrefix(err.Error(), "vc: invalid issuer: "), "message names the field: %q", err)
}

func TestPresentations(t *testing.T) {
	for name, data := range readDir(t, "testdata/presentations/valid") {
		t.Run(name, func(t *testing.T) {
			p, err := vc.ParsePresentation(data)
			require.NoError(t, err)
			assert.Equal(t, data, p.Bytes())
			assert.Contains(t, p.Types(), "VerifiablePresentation")
			assertMembersMatch(t, data, p.Member)
			out, err := p.WithoutProof()
			require.NoError(t, err)
			_, err = vc.ParsePresentation(out)
			require.NoError(t, err)
			_, err = vc.ParseCredential(data)
			assert.ErrorIs(t, err, vc.ErrInvalidCredential, "a presentation is not a credential")
		})
	}
	t.Run("embedded", func(t *testing.T) {
		data, err := os.ReadFile("testdata/presentations/valid/embedded-credentials-and-proof.json")
		require.NoError(t, err)
		p, err := vc.ParsePresentation(data)
		require.NoError(t, err)
		assert.Equal(t, "did:example:holder", p.Holder())
		assert.Equal(t, "urn:uuid:1", p.ID())
		assert.Equal(t, vc.V2, p.Version())
		require.Len(t, p.Credentials(), 2)
		require.Len(t, p.Proofs(), 1)
		c, err := vc.ParseCredential(p.Credentials()[1])
		require.NoError(t, err)
		assert.Equal(t, "did:example:9", c.Issuer().ID)
		out, err := p.WithoutProof()
		require.NoError(t, err)
		assert.NotContains(t, string(out), "authentication")
	})
	t.Run("enveloped", func(t *testing.T) {
		data, err := os.ReadFile("testdata/presentations/valid/jose-presentation-multiple.json")
		require.NoError(t, err)
		p, err := vc.ParsePresentation(data)
		require.NoError(t, err)
		require.Len(t, p.Credentials(), 3)
		for _, raw := range p.Credentials() {
			assert.Contains(t, string(raw), "EnvelopedVerifiableCredential")
		}
		assert.Equal(t, "https://example.issuer/vc-jose-cose", p.Holder())
	})
	t.Run("v1 JWT string", func(t *testing.T) {
		data, err := os.ReadFile("testdata/presentations/valid/v1-jwt-credential.json")
		require.NoError(t, err)
		p, err := vc.ParsePresentation(data)
		require.NoError(t, err)
		assert.Equal(t, vc.V1, p.Version())
		assert.Equal(t, []json.RawMessage{json.RawMessage(`"eyJhbGciOiJFUzI1NiJ9.e30.sig"`)}, p.Credentials())
		assert.Empty(t, p.Holder())
	})

	expect := map[string]any{
		"credential-number.json":                   "verifiableCredential[1]",
		"duplicate-key.json":                       strictjson.ErrDuplicateKey,
		"holder-not-a-url.json":                    "holder",
		"holder-object-without-id.json":            "holder.id",
		"missing-context.json":                     "@context",
		"not-an-object.json":                       nil,
		"too-many-proofs.json":                     "proof",
		"type-without-VerifiablePresentation.json": "type",
		"v2-credential-as-string.json":             "verifiableCredential[0]",
		"wrong-first-context.json":                 "@context",
	}
	for name, data := range readDir(t, "testdata/presentations/invalid") {
		t.Run(name, func(t *testing.T) {
			want, known := expect[name]
			if !known {
				t.Fatalf("no expectation listed for %s", name)
			}
			p, err := vc.ParsePresentation(data)
			require.Error(t, err)
			assert.Nil(t, p)
			assert.ErrorIs(t, err, vc.ErrInvalidPresentation)
			assert.NotErrorIs(t, err, vc.ErrInvalidCredential)
			switch w := want.(type) {
			case string:
				var fe *vc.FieldError
				require.True(t, errors.As(err, &fe), "a *FieldError: %v", err)
				assert.Equal(t, w, fe.Field)
			case error:
				assert.ErrorIs(t, err, w)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/valid/dcc-v2-complexIssuer.json")
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := vc.ParseCredential(data); err != nil {
			b.Fatal(err)
		}
	}
}
