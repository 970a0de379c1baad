package jcs

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVectors: every upstream input canonicalizes to the expected output,
// and the hex form agrees.
func TestVectors(t *testing.T) {
	inputs, err := filepath.Glob("testdata/input/*.json")
	require.NoError(t, err)
	require.Len(t, inputs, 6)
	for _, in := range inputs {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(in)
			require.NoError(t, err)
			want, err := os.ReadFile(filepath.Join("testdata/output", name))
			require.NoError(t, err)
			hexWant, err := os.ReadFile(filepath.Join("testdata/outhex", strings.TrimSuffix(name, ".json")+".txt"))
			require.NoError(t, err)
			got, err := Canonicalize(data)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
			wantHex := strings.Join(strings.Fields(string(hexWant)), "")
			assert.Equal(t, wantHex, hex.EncodeToString(got))
			again, err := Canonicalize(got)
			require.NoError(t, err)
			assert.Equal(t, got, again, "idempotent")
		})
	}
}

func TestNumberSamples(t *testing.T) {
	f, err := os.Open("testdata/es6-numbers-sample.tsv")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "ieee754_hex") || line == "" {
			continue
		}
		fields := strings.SplitN(line, "\t", 2)
		bits, err := strconv.ParseUint(fields[0], 16, 64)
		require.NoError(t, err)
		v := math.Float64frombits(bits)
		got, err := AppendNumber(nil, v)
		if strings.HasPrefix(fields[1], "ERROR") {
			assert.ErrorIs(t, err, ErrUnsupported, fields[0])
		} else {
			require.NoError(t, err)
			assert.Equal(t, fields[1], string(got), fields[0])
		}
		n++
	}
	assert.Equal(t, 9, n)
}

// Values from ECMA-262 Number::toString and RFC 8785 Appendix B.
func TestNumberEdgeCases(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", math.Copysign(0, -1): "0", 1: "1", -1: "-1", 1e21: "1e+21", 1e20: "100000000000000000000",
		1e-7: "1e-7", 1e-6: "0.000001", 123e-20: "1.23e-18", 5e-324: "5e-324",
		1.7976931348623157e308: "1.7976931348623157e+308", 333333333.3333333: "333333333.3333333",
		0.1: "0.1", 100: "100", 1.5: "1.5", -0.000001: "-0.000001", 9007199254740992: "9007199254740992",
	} {
		got, err := AppendNumber(nil, v)
		require.NoError(t, err)
		assert.Equal(t, want, string(got), "%v", v)
	}
}

func TestRejects(t *testing.T) {
	for _, in := range []string{`{"a":1,"a":2}`, "\"\xff\"", `"\ud800"`, `[1,]`, `1 2`} {
		_, err := Canonicalize([]byte(in))
		assert.Error(t, err, in)
	}
	_, err := Marshal(map[string]any{"a": make(chan int)})
	assert.ErrorIs(t, err, ErrUnsupported)
}

func TestSortUTF16(t *testing.T) {
	// U+FB33 (BMP, above the surrogate range) sorts after U+1F600 (a
	// surrogate pair starting 0xD83D) in UTF-16 order, unlike code points.
	got, err := Marshal(map[string]any{"\uFB33": 1.0, "\U0001F600": 2.0, "a": 3.0})
	require.NoError(t, err)
	assert.Equal(t, "{\"a\":3,\"\U0001F600\":2,\"\uFB33\":1}", string(got))
}

func FuzzCanonicalize(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/input/*.json")
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Canonicalize(data)
		if err != nil {
			if out != nil {
				t.Fatal("output with error")
			}
			return
		}
		again, err := Canonicalize(out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not idempotent: %q -> %q (%v)", out, again, err)
		}
		var a, b any
		if json.Unmarshal(data, &a) != nil || json.Unmarshal(out, &b) != nil {
			t.Fatal("canonical form is not JSON equal to the input")
		}
		// reflect.DeepEqual compares floats with ==, so -0 equals 0, which
		// is the one change canonicalization makes to a number's meaning.
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("meaning changed: %v vs %v", a, b)
		}
	})
}

func BenchmarkCanonicalizeJCS(b *testing.B) {
	data, err := os.ReadFile("testdata/input/structures.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize(data); err != nil {
			b.Fatal(err)
		}
	}
}
