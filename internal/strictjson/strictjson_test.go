package strictjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1e3`, `-12.5E-3`, `"a\u00e9\ud83d\ude00\n\"\\\/"`,
		`{"a":[1,2,{"b":null}],"c":"d"}`, " \n{\"x\" : [ ] }\t", `"\u0000"`, `1.7976931348623157e308`,
	} {
		got, err := Decode([]byte(in), Limits{})
		require.NoError(t, err, in)
		var want any
		require.NoError(t, json.Unmarshal([]byte(in), &want), in)
		assert.Equal(t, want, got, in)
	}
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat("[", 65) + strings.Repeat("]", 65)
	for _, tc := range []struct {
		in, ptr string
		kind    error
	}{
		{`{"a":1,"a":2}`, "", ErrDuplicateKey},
		{`{"x":{"id":1,"id":1}}`, "/x", ErrDuplicateKey},
		{`{"x":[{"a":1},{"b":1,"b":2}]}`, "/x/1", ErrDuplicateKey},
		{deep, "", ErrTooDeep},
		{`{} {}`, "", ErrSyntax},
		{`{"a":1,}`, "", ErrSyntax},
		{`[1,]`, "", ErrSyntax},
		{`01`, "", ErrSyntax},
		{`1.`, "", ErrSyntax},
		{`.5`, "", ErrSyntax},
		{`"\ud800"`, "", ErrSyntax},
		{`"\udc00\ud800"`, "", ErrSyntax},
		{"\"\xff\"", "", ErrSyntax},
		{"\"a\tb\"", "", ErrSyntax},
		{`"\x"`, "", ErrSyntax},
		{`tru`, "", ErrSyntax},
		{`1e999`, "", ErrSyntax},
		{``, "", ErrSyntax},
		{`{"a"}`, "", ErrSyntax},
	} {
		v, err := Decode([]byte(tc.in), Limits{})
		require.Error(t, err, tc.in)
		assert.Nil(t, v)
		assert.ErrorIs(t, err, tc.kind, tc.in)
		var e *Error
		require.True(t, errors.As(err, &e))
		if tc.kind == ErrDuplicateKey {
			assert.Equal(t, tc.ptr, e.Pointer, tc.in)
		}
	}
}

func TestDuplicateKeyMessageNamesKeyAndPointer(t *testing.T) {
	_, err := Decode([]byte(`{"credentialSubject":{"id":"a","id":"b"}}`), Limits{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"id"`)
	assert.Contains(t, err.Error(), "/credentialSubject")
}

func TestLimits(t *testing.T) {
	_, err := Decode([]byte(`[1,2,3]`), Limits{MaxBytes: 6})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = Decode([]byte(`[[1]]`), Limits{MaxDepth: 1})
	assert.ErrorIs(t, err, ErrTooDeep)
	_, err = Decode([]byte(`[[1]]`), Limits{MaxDepth: 2})
	assert.NoError(t, err)
	big := make([]byte, 1<<20+1)
	for i := range big {
		big[i] = ' '
	}
	big[0] = '1'
	_, err = Decode(big, Limits{})
	assert.ErrorIs(t, err, ErrTooLarge, "default limit is 1 MiB")
}

func FuzzStrictJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\ud83d\ude00"`, `{"a":1,"a":2}`, `-0.0e+1`, `[[[[]]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(data, Limits{})
		var want any
		stdErr := json.Unmarshal(data, &want)
		if err != nil {
			if v != nil {
				t.Fatal("value returned with error")
			}
			return
		}
		// Whatever we accept, encoding/json accepts with the same value.
		if stdErr != nil {
			t.Fatalf("accepted input encoding/json rejects: %v", stdErr)
		}
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(want)
		if string(a) != string(b) {
			t.Fatalf("value differs from encoding/json: %s vs %s", a, b)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	data := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"did:key:z6Mk","type":["Profile"],"name":"Example"},"validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"type":["AchievementSubject"],"achievement":{"id":"https://example.com/a","type":["Achievement"],"name":"A","description":"B","criteria":{"narrative":"C"}}}}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
