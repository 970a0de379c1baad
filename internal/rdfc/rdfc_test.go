package rdfc

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const suite = "testdata/rdf-canon"

type entry struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	Name          string `json:"name"`
	Action        string `json:"action"`
	Result        string `json:"result"`
	HashAlgorithm string `json:"hashAlgorithm"`
}

func manifest(t testing.TB) []entry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suite, "manifest.jsonld"))
	require.NoError(t, err)
	var m struct {
		Entries []entry `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(data, &m))
	return m.Entries
}

func (e entry) options(t testing.TB) Options {
	switch e.HashAlgorithm {
	case "":
		return Options{}
	case "SHA384":
		return Options{Hash: crypto.SHA384}
	}
	t.Fatalf("unknown hash %q", e.HashAlgorithm)
	return Options{}
}

func readQuads(t testing.TB, name string) []Quad {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suite, name))
	require.NoError(t, err)
	q, err := ParseNQuads(data)
	require.NoError(t, err)
	return q
}

// TestVectors runs the whole W3C suite: all 86 entries must pass.
func TestVectors(t *testing.T) {
	entries := manifest(t)
	require.Len(t, entries, 86)
	counts := map[string]int{}
	for _, e := range entries {
		counts[e.Type]++
		t.Run(strings.TrimPrefix(e.ID, "#")+" "+e.Name, func(t *testing.T) {
			t.Parallel()
			in := readQuads(t, e.Action)
			switch e.Type {
			case "rdfc:RDFC10EvalTest":
				want, err := os.ReadFile(filepath.Join(suite, e.Result))
				require.NoError(t, err)
				got, err := Canonicalize(in, e.options(t))
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got))
			case "rdfc:RDFC10MapTest":
				data, err := os.ReadFile(filepath.Join(suite, e.Result))
				require.NoError(t, err)
				var want map[string]string
				require.NoError(t, json.Unmarshal(data, &want))
				_, got, err := CanonicalizeQuads(in, e.options(t))
				require.NoError(t, err)
				assert.Equal(t, want, got)
			case "rdfc:RDFC10NegativeEvalTest":
				start := time.Now()
				_, err := Canonicalize(in, e.options(t))
				assert.ErrorIs(t, err, ErrTooMuchWork)
				assert.Less(t, time.Since(start), time.Second, "a poison graph fails fast")
			default:
				t.Fatalf("unknown test type %q", e.Type)
			}
		})
	}
	assert.Equal(t, map[string]int{"rdfc:RDFC10EvalTest": 64, "rdfc:RDFC10MapTest": 21, "rdfc:RDFC10NegativeEvalTest": 1}, counts)
}

// relabel renames blank nodes and shuffles quad order: canonical output
// must not change.
func relabel(quads []Quad, rng *rand.Rand) []Quad {
	names := map[string]string{}
	fresh := func(t Term) Term {
		if t.Kind != BlankNode {
			return t
		}
		if _, ok := names[t.Value]; !ok {
			names[t.Value] = fmt.Sprintf("x%dy%d", rng.Intn(1000000), len(names))
		}
		t.Value = names[t.Value]
		return t
	}
	out := make([]Quad, len(quads))
	for i, q := range quads {
		out[i] = Quad{fresh(q.Subject), q.Predicate, fresh(q.Object), fresh(q.Graph)}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func TestInvariantUnderRelabelling(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, e := range manifest(t) {
		if e.Type != "rdfc:RDFC10EvalTest" {
			continue
		}
		in := readQuads(t, e.Action)
		want, err := Canonicalize(in, e.options(t))
		require.NoError(t, err, e.ID)
		for i := 0; i < 3; i++ {
			got, err := Canonicalize(relabel(in, rng), e.options(t))
			require.NoError(t, err, e.ID)
			assert.Equal(t, string(want), string(got), "%s: relabelled and shuffled", e.ID)
		}
	}
}

func TestChangedLiteralChangesOutput(t *testing.T) {
	in := readQuads(t, "rdfc10/test020-in.nq")
	want, err := Canonicalize(in, Options{})
	require.NoError(t, err)
	changed := append([]Quad(nil), in...)
	changed = append(changed, Quad{Subject: Term{Kind: BlankNode, Value: in[0].Subject.Value}, Predicate: Term{Kind: IRI, Value: "http://example.org/vocab#p"}, Object: Term{Kind: Literal, Value: "x"}})
	got, err := Canonicalize(changed, Options{})
	require.NoError(t, err)
	assert.NotEqual(t, string(want), string(got))
}

func TestOptions(t *testing.T) {
	_, err := Canonicalize(nil, Options{Hash: crypto.MD5})
	assert.ErrorIs(t, err, ErrUnsupportedHash)
	in := readQuads(t, "rdfc10/test020-in.nq")
	_, err = Canonicalize(in, Options{MaxQuads: 1})
	assert.ErrorIs(t, err, ErrTooManyQuads)
	// test044 needs Hash N-Degree Quads; one step of work is not enough.
	_, err = Canonicalize(readQuads(t, "rdfc10/test044-in.nq"), Options{MaxWork: 1})
	assert.ErrorIs(t, err, ErrTooMuchWork)
}

func TestEscaping(t *testing.T) {
	q := Quad{Subject: Term{Kind: IRI, Value: "http://a"}, Predicate: Term{Kind: IRI, Value: "http://b"},
		Object: Term{Kind: Literal, Value: "a\"b\\c\nd\re\tf\bg\fh\x00i\x1fj\x7fk\u00e9"}}
	assert.Equal(t, `<http://a> <http://b> "a\"b\\c\nd\re\tf\bg\fh\u0000i\u001Fj\u007Fk`+"\u00e9"+`" .`, q.String())
	back, err := ParseNQuads([]byte(q.String() + "\n"))
	require.NoError(t, err)
	require.Len(t, back, 1)
	assert.Equal(t, q, back[0])
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		`<http://a> <http://b> "x"`, `<http://a> "b" "x" .`, `<a> <http://b> <http://c> .`, `_: <http://b> <http://c> .`,
		`<http://a> <http://b> "x\q" .`, `<http://a> <http://b> "x" . junk`, `<http://a> <http://b> "x"@ .`, `<http://a> <http://b> "unterminated .`,
	} {
		_, err := ParseNQuads([]byte(in))
		assert.ErrorIs(t, err, ErrSyntax, in)
		var e error = err
		assert.True(t, errors.Is(e, ErrSyntax))
	}
}

func seeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(suite, "rdfc10", "*-in.nq"))
	sort.Strings(files)
	for _, file := range files {
		if strings.Contains(file, "test074") {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzParseNQuads(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		quads, err := ParseNQuads(data)
		if err != nil {
			return
		}
		var buf []byte
		for _, q := range quads {
			buf = AppendNQuad(buf, q)
		}
		again, err := ParseNQuads(buf)
		if err != nil {
			t.Fatalf("serialized quads do not parse: %v", err)
		}
		if len(again) != len(quads) {
			t.Fatal("quad count changed")
		}
		for i := range quads {
			if again[i] != quads[i] {
				t.Fatalf("quad %d changed: %v vs %v", i, quads[i], again[i])
			}
		}
	})
}

func FuzzCanonicalize(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		quads, err := ParseNQuads(data)
		if err != nil || len(quads) > 200 {
			return
		}
		out, err := Canonicalize(quads, Options{MaxWork: 2000})
		if err != nil {
			if !errors.Is(err, ErrTooMuchWork) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		again, err := ParseNQuads(out)
		if err != nil {
			t.Fatalf("canonical output does not parse: %v", err)
		}
		out2, err := Canonicalize(again, Options{MaxWork: 2000})
		if err != nil || string(out2) != string(out) {
			t.Fatalf("not idempotent: %v", err)
		}
		out3, err := Canonicalize(relabel(quads, rand.New(rand.NewSource(int64(len(data))))), Options{MaxWork: 2000})
		if err != nil || string(out3) != string(out) {
			t.Fatalf("depends on blank node labels: %v", err)
		}
	})
}

func BenchmarkCanonicalize(b *testing.B) {
	for _, name := range []string{"test020", "test044", "test053"} {
		b.Run(name, func(b *testing.B) {
			in := readQuads(b, "rdfc10/"+name+"-in.nq")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Canonicalize(in, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A dataset is a set: every W3C evaluation input with each quad given
// twice, in shuffled order, has the expected canonical form (N-degree cases
// included); so does a synthetic dataset whose blank nodes each carry more
// quads than the scanned-list limit.
func TestDuplicateQuads(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	n := 0
	for _, e := range manifest(t) {
		if e.Type != "rdfc:RDFC10EvalTest" {
			continue
		}
		in := readQuads(t, e.Action)
		want, err := os.ReadFile(filepath.Join(suite, e.Result))
		require.NoError(t, err)
		dup := append(append([]Quad(nil), in...), in...)
		rng.Shuffle(len(dup), func(i, j int) { dup[i], dup[j] = dup[j], dup[i] })
		got, err := Canonicalize(dup, e.options(t))
		require.NoError(t, err, e.ID)
		assert.Equal(t, string(want), string(got), e.ID)
		n++
	}
	require.Greater(t, n, 50)

	// Two blank nodes with 40 quads each, symmetrical (N-degree hashing
	// decides), every quad repeated three times.
	var quads []Quad
	for k := range 40 {
		p := Term{Kind: IRI, Value: fmt.Sprintf("http://example.org/p%d", k)}
		quads = append(quads,
			Quad{Subject: Term{Kind: BlankNode, Value: "x"}, Predicate: p, Object: Term{Kind: BlankNode, Value: "y"}},
			Quad{Subject: Term{Kind: BlankNode, Value: "y"}, Predicate: p, Object: Term{Kind: BlankNode, Value: "x"}})
	}
	want, err := Canonicalize(quads, Options{})
	require.NoError(t, err)
	tripled := append(append(append([]Quad(nil), quads...), quads...), quads...)
	rng.Shuffle(len(tripled), func(i, j int) { tripled[i], tripled[j] = tripled[j], tripled[i] })
	got, err := Canonicalize(tripled, Options{})
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	assert.Equal(t, 80, strings.Count(string(got), "\n"))
}

// Sorting by the eight-byte key, then the bytes, is bytes.Compare order,
// zero bytes and short lines included.
func TestSortSpansMatchesBytesCompare(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	alphabet := []byte{0, 1, 'a', 'b', 0xff}
	for range 200 {
		var buf []byte
		var spans []span
		var lines []string
		for range 1 + rng.Intn(30) {
			start := len(buf)
			for range rng.Intn(12) {
				buf = append(buf, alphabet[rng.Intn(len(alphabet))])
			}
			spans = append(spans, newSpan(buf, start, len(buf)))
			lines = append(lines, string(buf[start:]))
		}
		sortSpans(buf, spans)
		sort.Strings(lines)
		for i, sp := range spans {
			if string(buf[sp.start:sp.end]) != lines[i] {
				t.Fatalf("line %d: %q, want %q", i, buf[sp.start:sp.end], lines[i])
			}
		}
	}
}
