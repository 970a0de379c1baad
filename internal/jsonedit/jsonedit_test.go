package jsonedit

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/onchaincert/microcred/internal/strictjson"
)

func TestMembers(t *testing.T) {
	data := []byte(` { "a" : 1, "pro\u006ff":{"x":["]","\\\"",{}]} ,"b\\":"q\\\\","c":[true,null,-1.5e3] } `)
	ms, err := Members(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, value string }{
		{"a", "1"},
		{"proof", `{"x":["]","\\\"",{}]}`},
		{`b\`, `"q\\\\"`},
		{"c", "[true,null,-1.5e3]"},
	}
	if len(ms) != len(want) {
		t.Fatalf("got %d members, want %d", len(ms), len(want))
	}
	for i, m := range ms {
		if m.Name != want[i].name || string(data[m.Start:m.End]) != want[i].value {
			t.Errorf("member %d = %q %s, want %q %s", i, m.Name, data[m.Start:m.End], want[i].name, want[i].value)
		}
		if data[m.KeyStart] != '"' {
			t.Errorf("member %d: KeyStart %d is not a quote", i, m.KeyStart)
		}
	}
	if _, err := Members([]byte(`[1]`)); err != ErrNotObject {
		t.Errorf("Members of an array: %v, want ErrNotObject", err)
	}
	if ms, err := Members([]byte(` {} `)); err != nil || len(ms) != 0 {
		t.Errorf("Members of {}: %v %v", ms, err)
	}
}

func TestSet(t *testing.T) {
	for _, tc := range []struct{ in, name, want string }{
		{`{"a":1}`, "proof", `{"a":1,"proof":{"type":"T","v":["x",true,null]}}`},
		{"{\n  \"a\": 1\n}", "proof", "{\n  \"a\": 1,\"proof\":{\"type\":\"T\",\"v\":[\"x\",true,null]}\n}"},
		{`{}`, "proof", `{"proof":{"type":"T","v":["x",true,null]}}`},
		{`{"proof":{"old":"\"}"},"z":2}`, "proof", `{"proof":{"type":"T","v":["x",true,null]},"z":2}`},
	} {
		got, err := Set([]byte(tc.in), tc.name, map[string]any{"v": []any{"x", true, nil}, "type": "T"})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("Set(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// Add must give what Set gives for a member the object does not have.
func TestAddMatchesSet(t *testing.T) {
	value := map[string]any{"type": "T", "v": []any{"x"}}
	for _, in := range []string{`{"a":1}`, "{\n  \"a\": [1, {\"}\": \"}\"}]\n}\n", `{}`, " { } ", "{\"a\":\"}\"}"} {
		want, err := Set([]byte(in), "proof", value)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Add([]byte(in), "proof", value)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Add(%q) = %q, Set gives %q", in, got, want)
		}
	}
	for _, in := range []string{``, `   `, `[1]`, `}`} {
		if _, err := Add([]byte(in), "proof", value); err != ErrNotObject {
			t.Errorf("Add(%q): %v, want ErrNotObject", in, err)
		}
	}
}

// EncodeValue's reflection-free path must write exactly what encoding/json
// writes, and hand everything else to it.
func TestEncodeValueMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	strs := []string{"", "plain", "did:key:z6Mk#z6Mk", "a\"b", "back\\slash", "tab\there", "<&>", "é", "\u2028", "\x7f", "\x00", "zAbc123"}
	var gen func(depth int) any
	gen = func(depth int) any {
		switch n := rng.Intn(7); {
		case n == 0 && depth < 3:
			m := map[string]any{}
			for range rng.Intn(6) {
				m[strs[rng.Intn(len(strs))]] = gen(depth + 1)
			}
			return m
		case n == 1 && depth < 3:
			l := make([]any, rng.Intn(4))
			for i := range l {
				l[i] = gen(depth + 1)
			}
			return l
		case n == 2:
			return rng.Intn(2) == 0
		case n == 3:
			return nil
		case n == 4:
			return rng.Float64() * 1e6
		default:
			return strs[rng.Intn(len(strs))]
		}
	}
	simple := 0
	for range 5000 {
		v := gen(0)
		got, err := EncodeValue(v)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if want := bytes.TrimSuffix(buf.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
			t.Fatalf("EncodeValue(%#v) = %s, want %s", v, got, want)
		}
		if _, ok := appendSimple(nil, v); ok {
			simple++
		}
	}
	if simple < 1000 {
		t.Fatalf("only %d of 5000 values took the fast path", simple)
	}
}

func FuzzMembers(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":"\\\"","c":{"d":[1,"]"]}}`))
	f.Add([]byte(` {"pro\u006ff" : [ ] } `))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := strictjson.Decode(data, strictjson.Limits{})
		if err != nil {
			return
		}
		m, isObject := v.(map[string]any)
		if _, has := m["proof"]; isObject && !has {
			added, err := Add(data, "proof", []any{"x"})
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			set, _ := Set(data, "proof", []any{"x"})
			if !bytes.Equal(added, set) {
				t.Fatalf("Add %q, Set %q", added, set)
			}
		}
		ms, err := Members(data)
		if !isObject {
			if err == nil {
				t.Fatalf("Members accepted a non-object")
			}
			return
		}
		if err != nil || len(ms) != len(m) {
			t.Fatalf("Members: %d members, %v; decoded %d", len(ms), err, len(m))
		}
		for _, mem := range ms {
			got, err := strictjson.Decode(data[mem.Start:mem.End], strictjson.Limits{})
			if err != nil {
				t.Fatalf("member %q value %q: %v", mem.Name, data[mem.Start:mem.End], err)
			}
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(m[mem.Name])
			if !bytes.Equal(a, b) {
				t.Fatalf("member %q: %s, decoded %s", mem.Name, a, b)
			}
		}
	})
}
