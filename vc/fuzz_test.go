package vc_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc"
)

func addDirs(f *testing.F, dirs ...string) {
	for _, dir := range dirs {
		for _, data := range readDir(f, dir) {
			f.Add(data)
		}
	}
}

// FuzzParseCredential checks: no panic; nil credential on error; on
// success Bytes() is the input, the input is strict JSON, the required
// members are there, and WithoutProof yields a credential without proofs.
func FuzzParseCredential(f *testing.F) {
	addDirs(f, "testdata/valid", "testdata/invalid")
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
		if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
			t.Fatalf("accepted input that is not strict JSON: %v", err)
		}
		if c.Issuer().ID == "" || len(c.Subjects()) == 0 || !c.HasType("VerifiableCredential") {
			t.Fatal("parsed credential lacks a required member")
		}
		var generic map[string]json.RawMessage
		if err := json.Unmarshal(data, &generic); err != nil {
			t.Fatalf("encoding/json rejects an accepted credential: %v", err)
		}
		for name := range generic {
			if _, ok := c.Member(name); !ok {
				t.Fatalf("member %q not found", name)
			}
		}
		out, err := c.WithoutProof()
		if err != nil {
			t.Fatal(err)
		}
		c2, err := vc.ParseCredential(out)
		if err != nil {
			t.Fatalf("WithoutProof output does not parse: %v\n%s", err, out)
		}
		if len(c2.Proofs()) != 0 {
			t.Fatal("WithoutProof kept a proof")
		}
	})
}

// FuzzParsePresentation checks: no panic; nil presentation on error; on
// success Bytes() is the input and every listed credential is a slice of it.
func FuzzParsePresentation(f *testing.F) {
	addDirs(f, "testdata/presentations/valid", "testdata/presentations/invalid")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := vc.ParsePresentation(data)
		if err != nil {
			if p != nil {
				t.Fatal("presentation returned with error")
			}
			return
		}
		if !bytes.Equal(p.Bytes(), data) {
			t.Fatal("Bytes differs from input")
		}
		for _, raw := range p.Credentials() {
			if !bytes.Contains(data, raw) || !json.Valid(raw) {
				t.Fatalf("credential %q is not a valid slice of the input", raw)
			}
		}
	})
}

// FuzzSetMember checks that SetMember on any accepted object keeps it
// strict JSON with the new member readable and the others unchanged.
func FuzzSetMember(f *testing.F) {
	// Small seeds: minimizing a new input costs a run per byte, and the
	// multi-kilobyte vectors stall a short fuzzing run.
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"pro\u006ff":[{"a":1}],"b":"\"}"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(` { "a" : 1 } `))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := vc.SetMember(data, "proof", json.RawMessage(`{"type":"T"}`))
		if err != nil {
			if out != nil {
				t.Fatal("output returned with error")
			}
			return
		}
		var before, after map[string]any
		if err := json.Unmarshal(data, &before); err != nil {
			t.Fatalf("SetMember accepted input encoding/json rejects: %v", err)
		}
		if err := strictjson.Check(out, strictjson.Limits{MaxBytes: len(out)}); err != nil {
			t.Fatalf("output not strict JSON: %v\n%s", err, out)
		}
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatal(err)
		}
		before["proof"] = map[string]any{"type": "T"}
		a, _ := json.Marshal(before)
		b, _ := json.Marshal(after)
		if !bytes.Equal(a, b) {
			t.Fatalf("members changed: %s vs %s", a, b)
		}
		removed, err := vc.RemoveMember(out, "proof")
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(removed, &back); err != nil {
			t.Fatalf("RemoveMember output invalid: %v\n%s", err, removed)
		}
		delete(before, "proof")
		a, _ = json.Marshal(before)
		b, _ = json.Marshal(back)
		if !bytes.Equal(a, b) {
			t.Fatalf("RemoveMember changed members: %s vs %s", a, b)
		}
	})
}
