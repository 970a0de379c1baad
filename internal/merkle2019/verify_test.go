package merkle2019_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/internal/mtree"
)

const (
	didIssuer         = "did-ion-EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ.json"
	didIssuerModified = "modified-key-did-ion-EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ.json"
	profileKey1       = "https://www.blockcerts.org/samples/3.0/issuer-blockcerts.json#key-1"
)

// issuerKeysFor returns the issuer keys a verifier would resolve for a
// manifest case: the DID document's #key-1 for did:ion verification
// methods (the modified document for the address-mismatch case), the
// issuer profile's #key-1 otherwise, with the address derived for the
// anchor's chain.
func issuerKeysFor(t *testing.T, c *manifestCase, b merkle2019.Blink) []merkle2019.IssuerKey {
	var pub []byte
	switch {
	case strings.Contains(c.Scenario, "WRONG ISSUER KEY"):
		pub = didKey(t, didIssuerModified)
	case strings.HasPrefix(c.File, "v3/testnet-v3"):
		pub = didKey(t, didIssuer)
	default:
		pub = mustHex(t, readDerivedKeys(t)[profileKey1].CompressedPubkey)
	}
	addr, err := merkle2019.IssuingAddress(pub, b)
	require.NoError(t, err)
	return []merkle2019.IssuerKey{{Address: addr, PublicKey: pub}}
}

func firstAnchor(t *testing.T, doc []byte) merkle2019.Blink {
	var m struct {
		Proof json.RawMessage `json:"proof"`
	}
	require.NoError(t, json.Unmarshal(doc, &m))
	var list []map[string]any
	if err := json.Unmarshal(m.Proof, &list); err != nil {
		var one map[string]any
		require.NoError(t, json.Unmarshal(m.Proof, &one))
		list = []map[string]any{one}
	}
	pv, err := merkle2019.ParseProofValue(list[len(list)-1]["proofValue"].(string))
	require.NoError(t, err)
	return pv.Anchors[0]
}

// TestManifest runs every v3 case of testdata/manifest.json (cvj's
// end-to-end tests) with the transaction data the cvj test injects.
func TestManifest(t *testing.T) {
	ctx := context.Background()
	for i, c := range readManifest(t) {
		t.Run(c.File+"/"+c.Scenario[:min(len(c.Scenario), 40)], func(t *testing.T) {
			doc := readFile(t, c.File)
			b := firstAnchor(t, doc)
			// Blockcerts skips every chain step for mocknet: accept L0.
			opts := merkle2019.Options{Require: anchor.L0}
			if b.Chain != "mocknet" {
				opts = merkle2019.Options{
					Transactions: merkle2019.StaticTx{b.String(): c.txData(t)},
					IssuerKeys:   issuerKeysFor(t, &c, b),
				}
			}
			res, err := merkle2019.Verify(ctx, doc, opts)
			require.NotNil(t, res)
			var se *merkle2019.StepError
			switch {
			case strings.HasPrefix(c.Expect, "SUCCESS"):
				require.NoError(t, err, "case %d: %s", i, c.Scenario)
				assert.True(t, res.Verified)
				chain, _ := b.AnchorChain()
				assert.Equal(t, chain, res.Chain)
				assert.True(t, res.NoFinality, "testnet, sepolia and mocknet have no finality")
				if b.Chain == "mocknet" {
					assert.Equal(t, anchor.L0, res.Level)
					assert.ErrorIs(t, res.Reason, anchor.ErrNoFinality)
				} else {
					assert.Equal(t, anchor.L1, res.Level, "transaction data without a raw transaction is L1")
					assert.ErrorIs(t, res.Reason, anchor.ErrNoEvidence)
				}
			case c.Expect == "FAILURE" && strings.Contains(c.Scenario, "WRONG ISSUER KEY"):
				require.ErrorAs(t, err, &se)
				assert.Equal(t, merkle2019.StepIssuer, se.Step)
				assert.ErrorIs(t, err, merkle2019.ErrIssuerMismatch)
				assert.False(t, res.Verified)
				assert.Equal(t, anchor.L0, res.Level, "the proof is intact; the anchor is not the issuer's")
			case c.Expect == "FAILURE" && strings.Contains(c.Scenario, "TAMPERED"):
				// cvj: "Computed hash does not match remote hash". The
				// tampered claim id is a relative IRI, which jsonld.js drops
				// (so its hash differs); safe mode refuses it first.
				require.ErrorAs(t, err, &se)
				assert.Equal(t, merkle2019.StepTargetHash, se.Step)
				assert.ErrorIs(t, err, canon.ErrRelativeIRI)
				assert.Equal(t, anchor.LevelNone, res.Level)
			case strings.HasPrefix(c.Expect, "n/a"):
				// blockcerts-3.0-beta: a hash and receipt vector only. Its
				// display.content is typed @id in the v3.0-beta context, so
				// jsonld.js drops it and the targetHash does not cover the
				// certificate's content; safe mode refuses to hash it.
				require.ErrorAs(t, err, &se)
				assert.Equal(t, merkle2019.StepTargetHash, se.Step)
				assert.ErrorIs(t, err, canon.ErrRelativeIRI)
			default:
				t.Fatalf("case %d: unexpected manifest expectation %q", i, c.Expect)
			}
		})
	}
}

// TestReceiptVectors checks the hash-and-receipt half of fixtures whose
// documents this package refuses to hash (see TestManifest): the N-Quads
// jsonld.js produced hash to targetHash (the tampered one does not) and
// the path reaches merkleRoot.
func TestReceiptVectors(t *testing.T) {
	for _, v := range []struct {
		cert, nq string
		match    bool
	}{
		{"v3/blockcerts-3.0-beta.json", "nquads/blockcerts-3.0-beta.nq", true},
		{"v3/testnet-v3-did.json", "nquads/testnet-v3-did.nq", true},
		{"v3/testnet-v3--tampered.json", "nquads/testnet-v3--tampered.nq", false},
	} {
		t.Run(v.cert, func(t *testing.T) {
			var doc struct {
				Proof struct {
					ProofValue string `json:"proofValue"`
				} `json:"proof"`
			}
			readJSON(t, v.cert, &doc)
			pv, err := merkle2019.ParseProofValue(doc.Proof.ProofValue)
			require.NoError(t, err)
			sum := sha256.Sum256(readFile(t, v.nq))
			assert.Equal(t, v.match, hex.EncodeToString(sum[:]) == hex.EncodeToString(pv.TargetHash))
			assert.NoError(t, mtree.VerifyBlockcertsPath(pv.TargetHash, pv.Path, pv.MerkleRoot))
		})
	}
}

// TestTargetHashMatchesNQuads checks our N-Quads against jsonld.js's for
// the fixture we hash.
func TestTargetHashMatchesNQuads(t *testing.T) {
	h, err := merkle2019.NewHasher(nil)
	require.NoError(t, err)
	var doc map[string]any
	readJSON(t, "v3/testnet-v3-did.json", &doc)
	sum, nq, err := h.TargetHash(doc, 0)
	require.NoError(t, err)
	assert.Equal(t, string(readFile(t, "nquads/testnet-v3-did.nq")), string(nq))
	assert.Equal(t, "eca54e560dd43cccd900fa4bb9221f144d4c451c24beeddfd82e31db842bced1", hex.EncodeToString(sum))
}

// validDID returns testnet-v3-did.json and options under which it
// verifies at L1 (the manifest's first case).
func validDID(t *testing.T) ([]byte, *merkle2019.TxData, merkle2019.Options) {
	c := readManifest(t)[0]
	require.Equal(t, "v3/testnet-v3-did.json", c.File)
	doc := readFile(t, c.File)
	b := firstAnchor(t, doc)
	tx := c.txData(t)
	return doc, tx, merkle2019.Options{
		Transactions: merkle2019.StaticTx{b.String(): tx},
		IssuerKeys:   issuerKeysFor(t, &c, b),
	}
}

func setProofValue(t *testing.T, doc []byte, mutate func(*merkle2019.ProofValue) string) []byte {
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	p := m["proof"].(map[string]any)
	pv, err := merkle2019.ParseProofValue(p["proofValue"].(string))
	require.NoError(t, err)
	p["proofValue"] = mutate(pv)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

func editJSON(t *testing.T, doc []byte, edit func(m map[string]any)) []byte {
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	edit(m)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

// TestCorruptions: every corruption of a valid credential fails, at the
// step it concerns.
func TestCorruptions(t *testing.T) {
	ctx := context.Background()
	doc, tx, opts := validDID(t)
	res, err := merkle2019.Verify(ctx, doc, opts)
	require.NoError(t, err, "the baseline must verify")
	require.Equal(t, anchor.L1, res.Level)

	flip := func(b []byte) []byte {
		c := append([]byte(nil), b...)
		c[len(c)-1] ^= 1
		return c
	}
	wrongRemote := *tx
	wrongRemote.RemoteHash = "00" + tx.RemoteHash[2:]
	lateKey := opts.IssuerKeys[0]
	lateKey.Created = tx.Time.Add(1)
	revokedKey := opts.IssuerKeys[0]
	revokedKey.Revoked = tx.Time

	for _, c := range []struct {
		name string
		doc  []byte
		opts func(o merkle2019.Options) merkle2019.Options
		step merkle2019.Step
		err  error
	}{
		{name: "tampered credential field", step: merkle2019.StepTargetHash, err: merkle2019.ErrTargetHashMismatch,
			doc: editJSON(t, doc, func(m map[string]any) { m["credentialSubject"].(map[string]any)["name"] = "Mallory" })},
		{name: "undefined field added", step: merkle2019.StepTargetHash, err: merkle2019.ErrUnmappedField,
			doc: editJSON(t, doc, func(m map[string]any) { m["grade"] = "A+" })},
		{name: "flipped path hash", step: merkle2019.StepMerkleRoot, err: merkle2019.ErrMerkleRootMismatch,
			doc: setProofValue(t, doc, func(p *merkle2019.ProofValue) string { p.Path[0].Hash = flip(p.Path[0].Hash); return p.String() })},
		{name: "path side swapped", step: merkle2019.StepMerkleRoot, err: merkle2019.ErrMerkleRootMismatch,
			doc: setProofValue(t, doc, func(p *merkle2019.ProofValue) string { p.Path[0].Left = !p.Path[0].Left; return p.String() })},
		{name: "path step dropped", step: merkle2019.StepMerkleRoot, err: merkle2019.ErrMerkleRootMismatch,
			doc: setProofValue(t, doc, func(p *merkle2019.ProofValue) string { p.Path = nil; return p.String() })},
		{name: "wrong merkleRoot", step: merkle2019.StepMerkleRoot, err: merkle2019.ErrMerkleRootMismatch,
			doc: setProofValue(t, doc, func(p *merkle2019.ProofValue) string { p.MerkleRoot = flip(p.MerkleRoot); return p.String() })},
		{name: "wrong targetHash", step: merkle2019.StepTargetHash, err: merkle2019.ErrTargetHashMismatch,
			doc: setProofValue(t, doc, func(p *merkle2019.ProofValue) string { p.TargetHash = flip(p.TargetHash); return p.String() })},
		{name: "other txid", step: merkle2019.StepLevel, err: anchor.ErrNoEvidence,
			doc: setProofValue(t, doc, func(p *merkle2019.ProofValue) string {
				p.Anchors[0].TxID = strings.Repeat("ab", 32)
				return p.String()
			})},
		{name: "truncated proofValue", step: merkle2019.StepProofValue, err: merkle2019.ErrMalformedProofValue,
			doc: setProofValue(t, doc, func(p *merkle2019.ProofValue) string { s := p.String(); return s[:len(s)-5] })},
		{name: "proofValue not multibase", step: merkle2019.StepProofValue, err: merkle2019.ErrMalformedProofValue,
			doc: setProofValue(t, doc, func(p *merkle2019.ProofValue) string { return "u" + p.String()[1:] })},
		{name: "wrong proof purpose", step: merkle2019.StepParse, err: merkle2019.ErrMalformedProof,
			doc: editJSON(t, doc, func(m map[string]any) { m["proof"].(map[string]any)["proofPurpose"] = "authentication" })},
		{name: "no proof", step: merkle2019.StepParse, err: merkle2019.ErrMalformedProof,
			doc: editJSON(t, doc, func(m map[string]any) { delete(m, "proof") })},
		{name: "duplicate JSON key", step: merkle2019.StepParse,
			doc: []byte(strings.Replace(string(doc), `"issuanceDate"`, `"issuanceDate": "2030-01-01T00:00:00Z", "issuanceDate"`, 1))},
		{name: "wrong remote hash", doc: doc, step: merkle2019.StepAnchor, err: merkle2019.ErrOnChainRootMismatch,
			opts: func(o merkle2019.Options) merkle2019.Options {
				o.Transactions = merkle2019.StaticTx{firstAnchor(t, doc).String(): &wrongRemote}
				return o
			}},
		{name: "no transaction data", doc: doc, step: merkle2019.StepLevel, err: anchor.ErrInsufficientAssurance,
			opts: func(o merkle2019.Options) merkle2019.Options { o.Transactions = merkle2019.StaticTx{}; return o }},
		{name: "key created after the transaction", doc: doc, step: merkle2019.StepIssuer, err: merkle2019.ErrIssuerMismatch,
			opts: func(o merkle2019.Options) merkle2019.Options {
				o.IssuerKeys = []merkle2019.IssuerKey{lateKey}
				return o
			}},
		{name: "key revoked at the transaction", doc: doc, step: merkle2019.StepIssuer, err: merkle2019.ErrIssuerMismatch,
			opts: func(o merkle2019.Options) merkle2019.Options {
				o.IssuerKeys = []merkle2019.IssuerKey{revokedKey}
				return o
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := opts
			if c.opts != nil {
				o = c.opts(o)
			}
			res, err := merkle2019.Verify(ctx, c.doc, o)
			require.Error(t, err)
			require.NotNil(t, res)
			assert.False(t, res.Verified)
			var se *merkle2019.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, c.step, se.Step, "error: %v", err)
			if c.err != nil {
				assert.ErrorIs(t, err, c.err)
			}
		})
	}
}

func TestHashMismatchErrorFields(t *testing.T) {
	doc, _, opts := validDID(t)
	doc = editJSON(t, doc, func(m map[string]any) { m["credentialSubject"].(map[string]any)["name"] = "Mallory" })
	_, err := merkle2019.Verify(context.Background(), doc, opts)
	var he *merkle2019.HashMismatchError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, "eca54e560dd43cccd900fa4bb9221f144d4c451c24beeddfd82e31db842bced1", he.Expected)
	assert.NotEqual(t, he.Expected, he.Computed)
}

// TestNewVerifierFailsClosed: missing trust inputs are construction errors.
func TestNewVerifierFailsClosed(t *testing.T) {
	src := merkle2019.StaticTx{}
	key := []merkle2019.IssuerKey{{Address: "mgdWjvq4RYAAP5goUNagTRMx7Xw534S5am"}}
	for _, c := range []struct {
		name string
		opts merkle2019.Options
		err  error
	}{
		{"zero options", merkle2019.Options{}, nil},
		{"no issuer keys", merkle2019.Options{Transactions: src}, merkle2019.ErrNoIssuerKeys},
		{"keys and unsafe", merkle2019.Options{Transactions: src, IssuerKeys: key, IssuerUnsafe: true}, nil},
		{"beyond L4 required", merkle2019.Options{Transactions: src, IssuerKeys: key, Require: anchor.L4 + 1}, nil},
		{"a floor below the built-in one", merkle2019.Options{Transactions: src, IssuerKeys: key,
			Anchor: anchor.VerifyOptions{Floors: []anchor.Floor{{Chain: anchor.ChainBitcoinMainnet, MaxBits: 0x207fffff}}}}, anchor.ErrInvalidOptions},
		{"key without address", merkle2019.Options{Transactions: src, IssuerKeys: []merkle2019.IssuerKey{{}}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := merkle2019.NewVerifier(c.opts)
			require.Error(t, err)
			assert.Nil(t, v)
			if c.err != nil {
				assert.ErrorIs(t, err, c.err)
			}
		})
	}
	_, err := merkle2019.NewVerifier(merkle2019.Options{Require: anchor.L0})
	assert.NoError(t, err, "L0 needs no transaction source or issuer keys")
}

func TestIssuerUnsafe(t *testing.T) {
	doc, _, opts := validDID(t)
	opts.IssuerKeys, opts.IssuerUnsafe = nil, true
	res, err := merkle2019.Verify(context.Background(), doc, opts)
	require.NoError(t, err)
	assert.Equal(t, anchor.L1, res.Level)
	assert.Equal(t, "mgdWjvq4RYAAP5goUNagTRMx7Xw534S5am", res.IssuingAddress)
}

type failingSource struct{}

func (failingSource) Transaction(context.Context, merkle2019.Blink) (*merkle2019.TxData, error) {
	return nil, errors.New("explorer unreachable")
}

func TestTxSourceError(t *testing.T) {
	doc, _, opts := validDID(t)
	opts.Transactions = failingSource{}
	_, err := merkle2019.Verify(context.Background(), doc, opts)
	var se *merkle2019.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, merkle2019.StepAnchor, se.Step)
}

// TestMocknetDefaultRequiresL1: by default (L1) a mocknet credential is
// not accepted; there is nothing on chain.
func TestMocknetDefaultRequiresL1(t *testing.T) {
	doc := readFile(t, "v3/mocknet-v3-valid.json")
	res, err := merkle2019.Verify(context.Background(), doc, merkle2019.Options{
		Transactions: merkle2019.StaticTx{}, IssuerUnsafe: true,
	})
	var se *merkle2019.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, merkle2019.StepLevel, se.Step)
	assert.ErrorIs(t, err, anchor.ErrInsufficientAssurance)
	assert.ErrorIs(t, err, anchor.ErrNoFinality)
	assert.Equal(t, anchor.L0, res.Level)
	assert.Equal(t, anchor.ChainMock, res.Chain)
}

// TestAddresses: the addresses derived from the fixtures' keys are those
// the research derived (issuer-key-address-derivation.json) and the
// senders in the manifest.
func TestAddresses(t *testing.T) {
	for id, k := range readDerivedKeys(t) {
		pub := mustHex(t, k.CompressedPubkey)
		a, err := merkle2019.BitcoinAddress(pub, false)
		require.NoError(t, err)
		assert.Equal(t, k.BTCMainnet, a, id)
		a, err = merkle2019.BitcoinAddress(pub, true)
		require.NoError(t, err)
		assert.Equal(t, k.BTCTestnet, a, id)
		a, err = merkle2019.EthereumAddress(pub)
		require.NoError(t, err)
		assert.Equal(t, k.ETH, a, id)
	}
	a, err := merkle2019.BitcoinAddress(didKey(t, didIssuer), true)
	require.NoError(t, err)
	assert.Equal(t, "mgdWjvq4RYAAP5goUNagTRMx7Xw534S5am", a, "did:ion #key-1 is the testnet sender")
	_, err = merkle2019.BitcoinAddress([]byte{2, 1, 2, 3}, true)
	assert.Error(t, err)
}
