package anchor

import (
	"encoding/json"
	"github.com/onchaincert/microcred/internal/mtree"
	"testing"
)

func FuzzParseReceipt(f *testing.F) {
	r := regtestReceipt(f)
	js, err := json.Marshal(r)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(js)
	tr, _ := NewTree(ModeRFC6962)
	for i := 0; i < 5; i++ {
		var leaf [32]byte
		leaf[0] = byte(i)
		_, _ = tr.Append(leaf[:])
	}
	rr, err := tr.Receipt(3, Anchor{Chain: ChainMock, TxID: "mock"})
	if err != nil {
		f.Fatal(err)
	}
	js2, _ := json.Marshal(rr)
	f.Add(js2)
	f.Add([]byte(`{"version":1}`))
	sb := newSharedBatch(f, 3, 1)
	slim, _ := json.Marshal(sb.slim(f, 2))
	f.Add(slim)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReceipt(data)
		if err != nil {
			if r != nil {
				t.Fatal("non-nil receipt on error")
			}
			return
		}
		// Property: a parsed receipt re-marshals and parses to the same
		// JSON, and verifying never panics.
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("parsed receipt does not marshal: %v", err)
		}
		r2, err := ParseReceipt(out)
		if err != nil {
			t.Fatalf("re-marshaled receipt does not parse: %v", err)
		}
		out2, _ := json.Marshal(r2)
		if string(out) != string(out2) {
			t.Fatal("receipt JSON is not stable")
		}
		a, err := r.Verify(VerifyOptions{Leaf: r.Leaf})
		if a == nil || (err != nil && a.Level != LevelNone) {
			t.Fatal("Verify broke its contract")
		}
	})
}

func FuzzVerifyInclusion(f *testing.F) {
	for _, p := range loadProbes(f) {
		var path []byte
		for _, h := range p.Proof {
			path = append(path, h...)
		}
		f.Add(p.LeafIdx, p.TreeSize, p.LeafHash, path, p.Root)
	}
	f.Fuzz(func(t *testing.T, index, size uint64, leaf, pathBytes, root []byte) {
		var path [][]byte
		for len(pathBytes) >= 32 {
			path = append(path, pathBytes[:32])
			pathBytes = pathBytes[32:]
		}
		if len(pathBytes) > 0 {
			path = append(path, pathBytes)
		}
		err := verifyInclusion(index, size, leaf, path, root)
		if err == nil {
			// Accepting means the fold really reaches root.
			calc, err2 := rootFromPath(ModeRFC6962, index, size, ModeRFC6962.leafHash(leaf), path)
			if err2 != nil || string(calc[:]) != string(root) {
				t.Fatal("accepted a proof that does not reach the root")
			}
		}
		steps := make([]mtree.Step, len(path))
		for i, p := range path {
			// Sides from the leaf's bits, so the fuzzer explores them too.
			steps[i] = mtree.Step{Left: i < len(leaf) && leaf[i]&1 == 1, Hash: p}
		}
		_ = verifyBlockcerts(index, size, leaf, steps, root)
		_ = mtree.VerifyBlockcertsPath(leaf, steps, root)
	})
}

func FuzzParseEvidence(f *testing.F) {
	b := newSharedBatch(f, 4, 1)
	f.Add(b.evidence)
	f.Add([]byte(`{"version":1,"mode":"rfc6962","root":"","treeSize":1,"anchors":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEvidence(data)
		if err != nil {
			if e != nil {
				t.Fatal("non-nil evidence on error")
			}
			return
		}
		// Property: parsed evidence re-marshals stably, and a slim receipt
		// referencing these bytes verifies without panicking, never above
		// LevelNone on error.
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("parsed evidence does not marshal: %v", err)
		}
		e2, err := ParseEvidence(out)
		if err != nil {
			t.Fatalf("re-marshaled evidence does not parse: %v", err)
		}
		if out2, _ := json.Marshal(e2); string(out) != string(out2) {
			t.Fatal("evidence JSON is not stable")
		}
		ref, err := NewEvidenceRef(data, "e.json")
		if err != nil {
			t.Fatalf("NewEvidenceRef refused parsed evidence: %v", err)
		}
		r := &Receipt{Version: receiptVersion, Mode: e.Mode, Leaf: e.Root, Index: 0, Size: 1, Root: e.Root, Evidence: &ref}
		a, err := r.VerifyEvidence(data, VerifyOptions{Leaf: e.Root})
		if a == nil || (err != nil && a.Level != LevelNone) {
			t.Fatal("VerifyEvidence broke its contract")
		}
	})
}
