package anchor

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/internal/btcwire"
)

// sharedBatch is an RFC 6962 batch of n leaves anchored by a P2WPKH
// regtest transaction mined alone in a block, followed by two linked
// headers: its tree, the anchor and the evidence file's bytes.
type sharedBatch struct {
	tree     *Tree
	leaves   [][]byte
	anchor   Anchor
	evidence []byte
}

func newSharedBatch(t testing.TB, n int, salt byte) *sharedBatch {
	t.Helper()
	tr, err := NewTree(ModeRFC6962)
	require.NoError(t, err)
	var leaves [][]byte
	for i := range n {
		leaf := sha256.Sum256([]byte{salt, byte(i), byte(i >> 8)})
		leaves = append(leaves, leaf[:])
		_, err := tr.Append(leaf[:])
		require.NoError(t, err)
	}
	root, err := tr.Root()
	require.NoError(t, err)
	key := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x42}, 32))
	change, err := btc.AddressFromPubKey(btc.Regtest, key.PubKey().SerializeCompressed())
	require.NoError(t, err)
	const amount = 250_000
	tx, err := btc.BuildAnchorTx(btc.AnchorParams{
		Network: btc.Regtest, Key: key, Root: root, Change: change, FeeRate: 1000,
		Inputs: []btc.UTXO{{TxID: btc.DoubleSHA256([]byte{salt}), Vout: 0, Amount: amount}},
	})
	require.NoError(t, err)
	h := &btc.Header{Version: 0x20000000, PrevBlock: btc.Hash{0x77}, MerkleRoot: tx.TxID(), Time: 1_750_000_000, Bits: 0x207fffff}
	for ; h.CheckProofOfWork(btc.RegtestPowLimit()) != nil; h.Nonce++ {
	}
	h2 := mineChild(h, 1)
	h3 := mineChild(h2, 2)
	an := Anchor{Chain: ChainBitcoinRegtest, TxID: tx.TxID().String(), RawTx: tx.Bytes(),
		PrevoutAmount: ptrInt64(amount), TxIndex: 0, Headers: [][]byte{h.Bytes(), h2.Bytes(), h3.Bytes()}}
	ev, err := tr.Evidence(an)
	require.NoError(t, err)
	data, err := json.Marshal(ev)
	require.NoError(t, err)
	return &sharedBatch{tree: tr, leaves: leaves, anchor: an, evidence: data}
}

// slim returns the slim receipt of leaf i, read back from its JSON.
func (b *sharedBatch) slim(t testing.TB, i int) *Receipt {
	t.Helper()
	ref, err := NewEvidenceRef(b.evidence, "batch.evidence.json")
	require.NoError(t, err)
	r, err := b.tree.SharedReceipt(uint64(i), ref)
	require.NoError(t, err)
	js, err := json.Marshal(r)
	require.NoError(t, err)
	back, err := ParseReceipt(js)
	require.NoError(t, err)
	return back
}

// A slim receipt with its evidence grades exactly as the full receipt
// that carries the same anchor.
func TestSharedEvidenceMatchesFullReceipt(t *testing.T) {
	b := newSharedBatch(t, 7, 1)
	for i := range b.leaves {
		full, err := b.tree.Receipt(uint64(i), b.anchor)
		require.NoError(t, err)
		want, err := full.Verify(VerifyOptions{Leaf: b.leaves[i]})
		require.NoError(t, err)
		require.Equal(t, L3, want.Level, "the full receipt reaches L3 (regtest: no finality)")

		slim := b.slim(t, i)
		assert.Empty(t, slim.Anchors)
		got, err := slim.VerifyEvidence(b.evidence, VerifyOptions{Leaf: b.leaves[i]})
		require.NoError(t, err)
		assert.Equal(t, want.Level, got.Level)
		assert.Equal(t, want.Confirmations, got.Confirmations)
		assert.Equal(t, 3, got.Confirmations)
		assert.Equal(t, want.Sender, got.Sender)
		assert.Equal(t, want.Work, got.Work)
		assert.ErrorIs(t, got.Reason, ErrNoFinality)

		// Another credential's leaf fails at L0 as for a full receipt.
		_, err = slim.VerifyEvidence(b.evidence, VerifyOptions{Leaf: b.leaves[(i+1)%len(b.leaves)]})
		assert.ErrorIs(t, err, ErrLeafMismatch)
	}
	// Without the evidence a slim receipt is only L0, and says where its
	// anchors are.
	a, err := b.slim(t, 2).Verify(VerifyOptions{Leaf: b.leaves[2]})
	require.NoError(t, err)
	assert.Equal(t, L0, a.Level)
	assert.ErrorIs(t, a.Reason, ErrNoEvidence)
	assert.Contains(t, a.Reason.Error(), "batch.evidence.json")
	// A full receipt is not verified by VerifyEvidence.
	full, err := b.tree.Receipt(2, b.anchor)
	require.NoError(t, err)
	_, err = full.VerifyEvidence(b.evidence, VerifyOptions{Leaf: b.leaves[2]})
	assert.ErrorIs(t, err, ErrMalformedReceipt)
}

// Hostile evidence: what is referenced is what is checked.
func TestSharedEvidenceHostile(t *testing.T) {
	b := newSharedBatch(t, 5, 1)
	other := newSharedBatch(t, 5, 2) // another batch, anchored the same way
	slim := b.slim(t, 3)
	opts := VerifyOptions{Leaf: b.leaves[3]}

	check := func(t *testing.T, r *Receipt, evidence []byte, want error) {
		t.Helper()
		a, err := r.VerifyEvidence(evidence, opts)
		require.ErrorIs(t, err, want)
		require.NotNil(t, a)
		assert.Equal(t, LevelNone, a.Level)
	}
	t.Run("wrong hash", func(t *testing.T) {
		// One byte of whitespace: the same evidence to a JSON reader, not
		// the bytes referenced.
		check(t, slim, append(bytes.Clone(b.evidence), ' '), errWrongEvidence)
		// Every single-bit flip of the evidence is refused.
		for i := 0; i < len(b.evidence); i += 7 {
			bad := bytes.Clone(b.evidence)
			bad[i] ^= 0x01
			a, err := slim.VerifyEvidence(bad, opts)
			require.ErrorIs(t, err, errWrongEvidence, "flip at %d", i)
			assert.Equal(t, LevelNone, a.Level)
		}
		// A receipt whose reference was edited.
		r := *slim
		ref := *slim.Evidence
		ref.SHA256 = bytes.Clone(ref.SHA256)
		ref.SHA256[0] ^= 0x80
		r.Evidence = &ref
		check(t, &r, b.evidence, errWrongEvidence)
	})
	t.Run("evidence for another batch", func(t *testing.T) {
		// As given: its hash is not the one referenced.
		check(t, slim, other.evidence, errWrongEvidence)
		// With the receipt rewritten to reference it: its root is not the
		// receipt's.
		ref, err := NewEvidenceRef(other.evidence, "batch.evidence.json")
		require.NoError(t, err)
		r := *slim
		r.Evidence = &ref
		check(t, &r, other.evidence, errWrongEvidence)
		// Same root, another tree size or mode: also another batch.
		for name, edit := range map[string]func(e *Evidence){
			"size": func(e *Evidence) { e.Size++ },
			"mode": func(e *Evidence) { e.Mode = ModeBlockcerts },
		} {
			e, err := ParseEvidence(b.evidence)
			require.NoError(t, err)
			edit(e)
			data, err := json.Marshal(e)
			require.NoError(t, err, name)
			ref, err := NewEvidenceRef(data, "x.json")
			require.NoError(t, err)
			r := *slim
			r.Evidence = &ref
			check(t, &r, data, errWrongEvidence)
		}
	})
	t.Run("missing evidence", func(t *testing.T) {
		check(t, slim, nil, errWrongEvidence)
		check(t, slim, []byte{}, errWrongEvidence)
	})
	t.Run("oversized evidence", func(t *testing.T) {
		// Referenced correctly, but over the budget: refused before
		// hashing or parsing.
		big := append(bytes.Clone(b.evidence), bytes.Repeat([]byte{' '}, MaxEvidenceBytes)...)
		sum := sha256.Sum256(big)
		r := *slim
		r.Evidence = &EvidenceRef{SHA256: sum[:], Name: "batch.evidence.json"}
		check(t, &r, big, errMalformedEvidence)
		_, err := ParseEvidence(big)
		assert.ErrorIs(t, err, errMalformedEvidence)
		_, err = NewEvidenceRef(big, "batch.evidence.json")
		assert.ErrorIs(t, err, errMalformedEvidence)
		// Exactly at the budget is read (and then judged by content).
		atBudget := append(bytes.Clone(b.evidence), bytes.Repeat([]byte{' '}, MaxEvidenceBytes-len(b.evidence))...)
		e, err := ParseEvidence(atBudget)
		require.NoError(t, err)
		assert.Equal(t, b.anchor.TxID, e.Anchors[0].TxID)
	})
	t.Run("referenced but contradicting", func(t *testing.T) {
		// Evidence the attacker references correctly but whose headers
		// are not the block of the transaction: graded, not trusted.
		e, err := ParseEvidence(b.evidence)
		require.NoError(t, err)
		e.Anchors[0].Headers = e.Anchors[0].Headers[1:]
		data, err := json.Marshal(e)
		require.NoError(t, err)
		ref, err := NewEvidenceRef(data, "batch.evidence.json")
		require.NoError(t, err)
		r := *slim
		r.Evidence = &ref
		a, err := r.VerifyEvidence(data, opts)
		require.NoError(t, err)
		assert.Equal(t, L2, a.Level)
		assert.ErrorIs(t, a.Reason, btcwire.ErrMerkleMismatch)
	})
}

func TestParseEvidenceRejects(t *testing.T) {
	b := newSharedBatch(t, 3, 1)
	edit := func(f func(map[string]any)) []byte {
		var c map[string]any
		require.NoError(t, json.Unmarshal(b.evidence, &c))
		f(c)
		out, err := json.Marshal(c)
		require.NoError(t, err)
		return out
	}
	_, err := ParseEvidence(b.evidence)
	require.NoError(t, err)
	_, err = ParseEvidence(edit(func(c map[string]any) { c["version"] = 2 }))
	assert.ErrorIs(t, err, errUnsupportedVersion)
	for name, bad := range map[string][]byte{
		"duplicate key":  []byte(strings.Replace(string(b.evidence), `"version":1,`, `"version":1,"version":1,`, 1)),
		"unknown member": edit(func(c map[string]any) { c["leaf"] = c["root"] }),
		"no anchors":     edit(func(c map[string]any) { c["anchors"] = []any{} }),
		"missing root":   edit(func(c map[string]any) { delete(c, "root") }),
		"size 0":         edit(func(c map[string]any) { c["treeSize"] = 0 }),
		"upper hex":      edit(func(c map[string]any) { c["root"] = strings.ToUpper(c["root"].(string)) }),
		"anchor member":  edit(func(c map[string]any) { c["anchors"].([]any)[0].(map[string]any)["extra"] = 1 }),
		"anchor chain":   edit(func(c map[string]any) { c["anchors"].([]any)[0].(map[string]any)["chain"] = "dogecoin" }),
		"a receipt":      mustJSON(t, regtestReceipt(t)),
	} {
		e, err := ParseEvidence(bad)
		assert.ErrorIs(t, err, errMalformedEvidence, name)
		assert.Nil(t, e, name)
	}

	// Receipts: exactly one of anchors and evidence; the reference is
	// strict.
	slim, err := json.Marshal(b.slim(t, 1))
	require.NoError(t, err)
	redit := func(f func(map[string]any)) []byte {
		var c map[string]any
		require.NoError(t, json.Unmarshal(slim, &c))
		f(c)
		out, err := json.Marshal(c)
		require.NoError(t, err)
		return out
	}
	ref := func(c map[string]any) map[string]any { return c["evidence"].(map[string]any) }
	for name, bad := range map[string][]byte{
		"both":           redit(func(c map[string]any) { c["anchors"] = []any{} }),
		"neither":        redit(func(c map[string]any) { delete(c, "evidence") }),
		"unknown member": redit(func(c map[string]any) { ref(c)["url"] = "https://example.com/e.json" }),
		"no sha256":      redit(func(c map[string]any) { delete(ref(c), "sha256") }),
		"short sha256":   redit(func(c map[string]any) { ref(c)["sha256"] = ref(c)["sha256"].(string)[:62] }),
		"absolute name":  redit(func(c map[string]any) { ref(c)["name"] = "/etc/passwd" }),
		"inner ..":       redit(func(c map[string]any) { ref(c)["name"] = "a/../b.json" }),
		"only ..":        redit(func(c map[string]any) { ref(c)["name"] = "../.." }),
		"dot segment":    redit(func(c map[string]any) { ref(c)["name"] = "./b.json" }),
		"backslash":      redit(func(c map[string]any) { ref(c)["name"] = `..\b.json` }),
		"empty name":     redit(func(c map[string]any) { ref(c)["name"] = "" }),
		"long name":      redit(func(c map[string]any) { ref(c)["name"] = strings.Repeat("a", maxEvidenceNameLen+1) }),
		"deep name":      redit(func(c map[string]any) { ref(c)["name"] = strings.Repeat("a/", 8) + "b" }),
	} {
		r, err := ParseReceipt(bad)
		assert.Error(t, err, name)
		assert.True(t, errors2(err, ErrMalformedReceipt, errMalformedEvidence), "%s: %v", name, err)
		assert.Nil(t, r, name)
	}
	// Leading ".." segments are allowed: a receipt in a subdirectory.
	r, err := ParseReceipt(redit(func(c map[string]any) { ref(c)["name"] = "../../batch.evidence.json" }))
	require.NoError(t, err)
	assert.Equal(t, "../../batch.evidence.json", r.Evidence.Name)

	// Writers refuse what readers refuse.
	both := b.slim(t, 1)
	both.Anchors = []Anchor{b.anchor}
	_, err = json.Marshal(both)
	assert.ErrorIs(t, err, ErrMalformedReceipt)
	_, err = b.tree.SharedReceipt(0, EvidenceRef{SHA256: []byte{1}, Name: "e.json"})
	assert.ErrorIs(t, err, errMalformedEvidence)
	_, err = NewEvidenceRef(b.evidence, "../")
	assert.ErrorIs(t, err, errMalformedEvidence)
	_, err = b.tree.Evidence()
	assert.ErrorIs(t, err, errMalformedEvidence)
}

func errors2(err, a, b error) bool {
	return err != nil && (errors.Is(err, a) || errors.Is(err, b))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return out
}

// BenchmarkVerifyReceipt compares verifying a full receipt with
// verifying a slim one and its shared evidence (hash, parse, then the
// same grading), both read from JSON as a verifier would.
func BenchmarkVerifyReceipt(b *testing.B) {
	batch := newSharedBatch(b, 10_000, 1)
	const i = 7_777
	full, err := batch.tree.Receipt(i, batch.anchor)
	if err != nil {
		b.Fatal(err)
	}
	fullJS, _ := json.Marshal(full)
	slimJS, _ := json.Marshal(batch.slim(b, i))
	opts := VerifyOptions{Leaf: batch.leaves[i]}
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := ParseReceipt(fullJS)
			if err != nil {
				b.Fatal(err)
			}
			if a, err := r.Verify(opts); err != nil || a.Level != L3 {
				b.Fatal(err, a.Level)
			}
		}
		b.ReportMetric(float64(len(fullJS)), "receipt-bytes")
	})
	b.Run("shared", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := ParseReceipt(slimJS)
			if err != nil {
				b.Fatal(err)
			}
			if a, err := r.VerifyEvidence(batch.evidence, opts); err != nil || a.Level != L3 {
				b.Fatal(err, a.Level)
			}
		}
		b.ReportMetric(float64(len(slimJS)), "receipt-bytes")
		b.ReportMetric(float64(len(batch.evidence)), "evidence-bytes")
	})
}
