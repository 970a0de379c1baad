package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdataFiles returns every JSON file under testdata (not the fuzz corpus).
func testdataFiles(tb testing.TB) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	for _, pattern := range []string{"testdata/*.json", "testdata/jcs/*.json"} {
		files, err := filepath.Glob(pattern)
		require.NoError(tb, err)
		for _, f := range files {
			data, err := os.ReadFile(f)
			require.NoError(tb, err)
			out[f] = data
		}
	}
	require.GreaterOrEqual(tb, len(out), 8, "testdata present")
	return out
}

// validInputs are accepted by both this package and encoding/json.
var validInputs = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `-0.0`, `1e3`, `-12.5E-3`, `1E+2`,
	`123456789012345`, `-123456789012345`, `1234567890123456`, `12345678901234567890123`,
	`9007199254740993`, `0.1`, `1e-400`, `4.9e-324`, `1.7976931348623157e308`, `2.2250738585072011e-308`,
	`"a\u00e9\ud83d\ude00\n\"\\\/\b\f\r\t"`, `"\u0000"`, `"\uFFFF"`, `"\uD834\uDD1E"`, `"é€😀"`,
	`{"a":[1,2,{"b":null}],"c":"d"}`, " \n{\"x\" : [ ] }\t\r", `[[[[]]],[{}]]`,
	`{"a":1,"A":2}`, `{"":1,"b":{"":2}}`, `{"a\u0000":1,"a":2}`, `[1,"1",true,null,{"1":1}]`,
	`"</script>&"`, `"\u2028\u2029"`,
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	inputs := map[string][]byte{}
	for _, s := range validInputs {
		inputs[s] = []byte(s)
	}
	for name, data := range testdataFiles(t) {
		inputs[name] = data
	}
	for name, data := range inputs {
		got, err := Decode(data, Limits{})
		require.NoError(t, err, name)
		require.NoError(t, Check(data, Limits{}), "Check agrees with Decode on %s", name)
		var want any
		require.NoError(t, json.Unmarshal(data, &want), name)
		assert.Equal(t, want, got, "same value as encoding/json for %s", name)
		assertSameFloatBits(t, want, got, name)
	}
}

// assertSameFloatBits catches -0 versus 0, which assert.Equal treats as equal.
func assertSameFloatBits(t *testing.T, want, got any, name string) {
	t.Helper()
	switch w := want.(type) {
	case float64:
		g, ok := got.(float64)
		require.True(t, ok, name)
		assert.Equal(t, math.Float64bits(w), math.Float64bits(g), "float bits of %s", name)
	case []any:
		g := got.([]any)
		for i := range w {
			assertSameFloatBits(t, w[i], g[i], name)
		}
	case map[string]any:
		g := got.(map[string]any)
		for k := range w {
			assertSameFloatBits(t, w[k], g[k], name)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat("[", 65) + strings.Repeat("]", 65)
	for _, tc := range []struct {
		in     string
		kind   error
		ptr    string
		offset int64
	}{
		{`{"a":1,"a":2}`, ErrDuplicateKey, "", 7},
		{`{"a":1,"\u0061":2}`, ErrDuplicateKey, "", 7},
		{`{"x":{"id":1,"id":1}}`, ErrDuplicateKey, "/x", 13},
		{`{"x":[{"a":1},{"b":1,"b":2}]}`, ErrDuplicateKey, "/x/1", 21},
		{`{"a/b":{"~":{"k":1,"k":1}}}`, ErrDuplicateKey, "/a~1b/~0", 19},
		{deep, ErrTooDeep, "/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0", 64},
		{`{} {}`, ErrSyntax, "", 3},
		{`{}x`, ErrSyntax, "", 2},
		{`{"a":1,}`, ErrSyntax, "", 7},
		{`[1,]`, ErrSyntax, "/1", 3},
		{`[1 2]`, ErrSyntax, "/0", 3},
		{`{"a" 1}`, ErrSyntax, "", 5},
		{`{1:2}`, ErrSyntax, "", 1},
		{`01`, ErrSyntax, "", 1},
		{`-`, ErrSyntax, "", 1},
		{`1.`, ErrSyntax, "", 2},
		{`1.e5`, ErrSyntax, "", 2},
		{`1e`, ErrSyntax, "", 2},
		{`.5`, ErrSyntax, "", 0},
		{`+1`, ErrSyntax, "", 0},
		{`1e999`, ErrSyntax, "", 0},
		{`[-1e400]`, ErrSyntax, "/0", 1},
		{`"\ud800"`, ErrSyntax, "", 1},
		{`"\ud800\u0041"`, ErrSyntax, "", 1},
		{`"\udc00\ud800"`, ErrSyntax, "", 1},
		{`"\ud800\ud800"`, ErrSyntax, "", 1},
		{`{"k":"a\udfff"}`, ErrSyntax, "/k", 7},
		{"\"\xff\"", ErrSyntax, "", 1},
		{"\"\xed\xa0\x80\"", ErrSyntax, "", 1}, // UTF-8 encoded surrogate
		{"\"\xc0\xaf\"", ErrSyntax, "", 1},     // overlong
		{"{\"\xff\":1}", ErrSyntax, "", 2},
		{"\"a\tb\"", ErrSyntax, "", 2},
		{`"\x"`, ErrSyntax, "", 1},
		{`"\u12"`, ErrSyntax, "", 1},
		{`"abc`, ErrSyntax, "", 4},
		{`"abc\`, ErrSyntax, "", 5},
		{`tru`, ErrSyntax, "", 0},
		{`nul`, ErrSyntax, "", 0},
		{`True`, ErrSyntax, "", 0},
		{``, ErrSyntax, "", 0},
		{`  `, ErrSyntax, "", 2},
		{"\xef\xbb\xbf{}", ErrSyntax, "", 0}, // byte order mark
		{`{"a"}`, ErrSyntax, "", 4},
		{`{"a":}`, ErrSyntax, "/a", 5},
		{`[`, ErrSyntax, "/0", 1},
		{`{`, ErrSyntax, "", 1},
		{`{"a":1`, ErrSyntax, "", 6},
	} {
		for _, build := range []bool{true, false} {
			name := fmt.Sprintf("%q build=%v", tc.in, build)
			v, err := run([]byte(tc.in), Limits{}, build)
			require.Error(t, err, name)
			assert.Nil(t, v, name)
			assert.ErrorIs(t, err, tc.kind, name)
			var e *Error
			require.True(t, errors.As(err, &e), name)
			assert.Equal(t, tc.ptr, e.Pointer, name)
			assert.Equal(t, tc.offset, e.Offset, name)
			assert.NotEmpty(t, e.Reason, name)
		}
	}
}

func TestDuplicateKeyError(t *testing.T) {
	_, err := Decode([]byte(`{"credentialSubject":{"id":"a","id":"b"}}`), Limits{})
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, ErrDuplicateKey, e.Kind)
	assert.Equal(t, "/credentialSubject", e.Pointer, "pointer of the object holding the key")
	assert.Equal(t, `duplicate key "id"`, e.Reason, "reason names the key")
	assert.Equal(t, int64(31), e.Offset, "offset of the second occurrence")
}

// TestManyKeys crosses the size at which Check switches from a linear scan
// to a map, with the duplicate on either side of it.
func TestManyKeys(t *testing.T) {
	for _, n := range []int{1, 31, 32, 33, 34, 100} {
		for _, dupOf := range []int{-1, 0, n - 1} {
			var b strings.Builder
			b.WriteString(`{"nested":{"k0":1,"k0x":{}},`)
			for i := range n {
				fmt.Fprintf(&b, `"k%d":%d,`, i, i)
			}
			if dupOf >= 0 {
				fmt.Fprintf(&b, `"k%d":0,`, dupOf)
			}
			b.WriteString(`"last":{"k0":1}}`)
			data := []byte(b.String())
			for _, build := range []bool{true, false} {
				_, err := run(data, Limits{}, build)
				if dupOf < 0 {
					assert.NoError(t, err, "n=%d build=%v", n, build)
				} else {
					assert.ErrorIs(t, err, ErrDuplicateKey, "n=%d dup=%d build=%v", n, dupOf, build)
				}
			}
		}
	}
}

func TestLimits(t *testing.T) {
	_, err := Decode([]byte(`[1,2,3]`), Limits{MaxBytes: 6})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = Decode([]byte(`[1,2,3]`), Limits{MaxBytes: 7})
	assert.NoError(t, err, "exactly MaxBytes is allowed")
	_, err = Decode([]byte(`[[1]]`), Limits{MaxDepth: 1})
	assert.ErrorIs(t, err, ErrTooDeep)
	_, err = Decode([]byte(`[{"a":1}]`), Limits{MaxDepth: 1})
	assert.ErrorIs(t, err, ErrTooDeep, "objects and arrays count together")
	_, err = Decode([]byte(`[[1]]`), Limits{MaxDepth: 2})
	assert.NoError(t, err)

	atLimit := strings.Repeat(`{"a":`, 64) + "1" + strings.Repeat("}", 64)
	assert.NoError(t, Check([]byte(atLimit), Limits{}), "default depth 64 is allowed")
	assert.ErrorIs(t, Check([]byte("["+atLimit+"]"), Limits{}), ErrTooDeep, "depth 65 is not")

	big := []byte("1" + strings.Repeat(" ", 1<<20))
	assert.ErrorIs(t, Check(big, Limits{}), ErrTooLarge, "default limit is 1 MiB")
	assert.NoError(t, Check(big[:1<<20], Limits{}))
}

func TestUnmarshal(t *testing.T) {
	var v struct {
		ID string `json:"id"`
	}
	require.NoError(t, Unmarshal([]byte(`{"id":"x"}`), &v, Limits{}))
	assert.Equal(t, "x", v.ID)

	v.ID = ""
	err := Unmarshal([]byte(`{"id":"x","id":"y"}`), &v, Limits{})
	assert.ErrorIs(t, err, ErrDuplicateKey)
	assert.Empty(t, v.ID, "nothing decoded on a strictness error")

	err = Unmarshal([]byte(`{"id":1}`), &v, Limits{})
	var typeErr *json.UnmarshalTypeError
	assert.True(t, errors.As(err, &typeErr), "encoding/json errors pass through: %v", err)
}

func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile("testdata/credential-4k.json")
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	data, err := os.ReadFile("testdata/credential-4k.json")
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := Check(data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodingJSON is the baseline Decode is compared with.
func BenchmarkEncodingJSON(b *testing.B) {
	data, err := os.ReadFile("testdata/credential-4k.json")
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}
