package merkle2019_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/internal/mtree"
)

var created = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// unsigned returns a fixture credential without its proof.
func unsigned(t testing.TB, name string) []byte {
	var m map[string]any
	readJSON(t, name, &m)
	delete(m, "proof")
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// TestBatchMerkleVectors: the batch's roots and paths are merkletools'
// (blockcerts-merkle-vectors.json, n = 1..9).
func TestBatchMerkleVectors(t *testing.T) {
	var v struct {
		Trees []struct {
			N      int                   `json:"n"`
			Leaves []string              `json:"leaves"`
			Root   string                `json:"root"`
			Proofs [][]map[string]string `json:"proofs"`
		} `json:"trees"`
	}
	readJSON(t, "blockcerts-merkle-vectors.json", &v)
	require.NotEmpty(t, v.Trees)
	anc := merkle2019.Blink{Chain: "btc", Network: "testnet", TxID: h32(7)}
	for _, tr := range v.Trees {
		b, err := merkle2019.NewBatch(nil)
		require.NoError(t, err)
		for _, l := range tr.Leaves {
			_, err := b.AddTargetHash(mustHex(t, l))
			require.NoError(t, err)
		}
		root, err := b.Root()
		require.NoError(t, err)
		assert.Equal(t, tr.Root, hex.EncodeToString(root), "n=%d", tr.N)
		for i, want := range tr.Proofs {
			pv, err := b.ProofValue(i, anc)
			require.NoError(t, err)
			got := make([]map[string]string, 0, len(pv.Path))
			for _, s := range pv.Path {
				side := "right"
				if s.Left {
					side = "left"
				}
				got = append(got, map[string]string{side: hex.EncodeToString(s.Hash)})
			}
			assert.Equal(t, want, got, "n=%d leaf %d", tr.N, i)
			assert.NoError(t, mtree.VerifyBlockcertsPath(pv.TargetHash, pv.Path, pv.MerkleRoot))
		}
	}
}

// TestCreateReproducesFixtures: issuing the fixtures' credentials again in
// a batch of the same shape gives their proofValue byte for byte.
func TestCreateReproducesFixtures(t *testing.T) {
	for _, c := range []struct {
		file    string
		before  []string // targetHashes of the batch entries before this credential
		anchors string
	}{
		// single-leaf tree, eth sepolia
		{"v3/ethereum-sepolia-v3.json", nil, "blink:eth:sepolia:0x1f615470024000c3ab532ed74c5a60b8f6c2feb6489a67be20f103831996f9ab"},
		// second leaf of two: path [{left: 78e6…}]
		{"v3/testnet-v3-did.json", []string{"78e670a04db3cf419fff5fb1b11a420a34e5eeae14cc68476dcb84883b5cdb64"},
			"blink:btc:testnet:140ee9382a5c84433b9c89a5d9fea26c47415838b5841deb0c36a8a4b9121f2e"},
		// second leaf of two: path [{left: 1b13…}]
		{"v3/cert-rl-status-list-2021.json", []string{"1b135fceb980a1b7da45f0f96aab8b78ebf9fd60fdb29367bb1b55c7cb06c4b9"},
			"blink:btc:testnet:188bd8713c62c0f1f1f8abf48291c33b5503dcd5b9e0ab18c0f969bb790b571a"},
	} {
		t.Run(c.file, func(t *testing.T) {
			var doc struct {
				Proof struct {
					ProofValue string `json:"proofValue"`
				} `json:"proof"`
			}
			readJSON(t, c.file, &doc)
			b, err := merkle2019.NewBatch(nil)
			require.NoError(t, err)
			for _, h := range c.before {
				_, err := b.AddTargetHash(mustHex(t, h))
				require.NoError(t, err)
			}
			i, err := b.Add(unsigned(t, c.file))
			require.NoError(t, err)
			bl, err := merkle2019.ParseBlink(c.anchors)
			require.NoError(t, err)
			pv, err := b.ProofValue(i, bl)
			require.NoError(t, err)
			assert.Equal(t, doc.Proof.ProofValue, pv.String())
		})
	}
}

// TestCreateVerifyL2: a batch issued, anchored in a (synthetic) Bitcoin
// transaction and verified with the raw transaction reaches L2, and the
// sender derived from the transaction is the issuer's key.
func TestCreateVerifyL2(t *testing.T) {
	ctx := context.Background()
	key := testKey(0x0a)
	pub := key.PubKey().SerializeCompressed()
	base := unsigned(t, "v3/testnet-v3-did.json")
	b, err := merkle2019.NewBatch(nil)
	require.NoError(t, err)
	var docs [][]byte
	for i := 0; i < 5; i++ {
		d := editJSON(t, base, func(m map[string]any) {
			m["id"] = fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i)
			m["credentialSubject"].(map[string]any)["name"] = fmt.Sprintf("Learner %d", i)
		})
		idx, err := b.Add(d)
		require.NoError(t, err)
		require.Equal(t, i, idx)
		docs = append(docs, d)
	}
	root, err := b.Root()
	require.NoError(t, err)
	raw, txid := syntheticTx(t, key, root)
	bl := merkle2019.Blink{Chain: "btc", Network: "testnet", TxID: txid}
	addr, err := merkle2019.IssuingAddress(pub, bl)
	require.NoError(t, err)
	opts := merkle2019.Options{
		Transactions: merkle2019.StaticTx{bl.String(): {RawTx: raw, Time: created}},
		IssuerKeys:   []merkle2019.IssuerKey{{Address: addr, Created: created.Add(-time.Hour)}},
		Require:      anchor.L2,
	}
	v, err := merkle2019.NewVerifier(opts)
	require.NoError(t, err)
	po := merkle2019.ProofOptions{Anchors: []merkle2019.Blink{bl}, VerificationMethod: profileKey1, Created: created}
	for i, d := range docs {
		signed, err := b.Attach(i, d, po)
		require.NoError(t, err)
		res, err := v.Verify(ctx, signed)
		require.NoError(t, err, "credential %d", i)
		assert.Equal(t, anchor.L2, res.Level)
		assert.ErrorIs(t, res.Reason, anchor.ErrNoEvidence, "L3 needs block evidence")
		assert.Equal(t, pub, res.SenderPublicKey)
		assert.Equal(t, anchor.ChainBitcoinTestnet, res.Chain)
		assert.True(t, res.NoFinality)
		assert.Equal(t, profileKey1, res.VerificationMethod)

		// The credential attached as another index is refused.
		_, err = b.Attach((i+1)%len(docs), d, po)
		assert.ErrorIs(t, err, merkle2019.ErrTargetHashMismatch)
	}

	// The issuer key given as an uncompressed point matches the
	// compressed key in the transaction.
	uncompressed := key.PubKey().SerializeUncompressed()
	o2 := opts
	o2.IssuerKeys = []merkle2019.IssuerKey{{Address: addr, PublicKey: uncompressed}}
	signed0, err := b.Attach(0, docs[0], po)
	require.NoError(t, err)
	_, err = merkle2019.Verify(ctx, signed0, o2)
	require.NoError(t, err)

	// Another key's raw transaction: the sender is not the issuer.
	raw2, txid2 := syntheticTx(t, testKey(0x0b), root)
	bl2 := merkle2019.Blink{Chain: "btc", Network: "testnet", TxID: txid2}
	signed, err := b.Attach(0, docs[0], merkle2019.ProofOptions{Anchors: []merkle2019.Blink{bl2}, VerificationMethod: profileKey1, Created: created})
	require.NoError(t, err)
	opts.Transactions = merkle2019.StaticTx{bl2.String(): {RawTx: raw2, Time: created}}
	_, err = merkle2019.Verify(ctx, signed, opts)
	assert.ErrorIs(t, err, merkle2019.ErrIssuerMismatch)

	// A raw transaction that does not carry the root.
	raw3, txid3 := syntheticTx(t, key, make([]byte, 32))
	bl3 := merkle2019.Blink{Chain: "btc", Network: "testnet", TxID: txid3}
	signed, err = b.Attach(0, docs[0], merkle2019.ProofOptions{Anchors: []merkle2019.Blink{bl3}, VerificationMethod: profileKey1, Created: created})
	require.NoError(t, err)
	opts.Transactions = merkle2019.StaticTx{bl3.String(): {RawTx: raw3, Time: created}}
	_, err = merkle2019.Verify(ctx, signed, opts)
	assert.ErrorIs(t, err, merkle2019.ErrOnChainRootMismatch)

	// The right transaction under another txid claim.
	opts.Transactions = merkle2019.StaticTx{bl3.String(): {RawTx: raw, Time: created}}
	_, err = merkle2019.Verify(ctx, signed, opts)
	assert.ErrorIs(t, err, merkle2019.ErrTxIDMismatch)
}

// TestCreateChained: a credential that already carries a proof keeps it;
// the MerkleProof2019 proof goes after it and its targetHash covers it.
func TestCreateChained(t *testing.T) {
	var m map[string]any
	readJSON(t, "v3/mocknet-v3-valid.json", &m)
	m["proof"] = m["proof"].([]any)[0] // the EcdsaSecp256k1Signature2019 proof alone
	doc, err := json.Marshal(m)
	require.NoError(t, err)

	b, err := merkle2019.NewBatch(nil)
	require.NoError(t, err)
	i, err := b.Add(doc)
	require.NoError(t, err)
	pv, err := b.ProofValue(i, merkle2019.Blink{Chain: "btc", Network: "testnet", TxID: h32(9)})
	require.NoError(t, err)
	assert.Equal(t, "a2ad534b55cef1344ccb917bafec9cf4c72ba6b5be2b2abed31ed6310069665a", hex.EncodeToString(pv.TargetHash),
		"the targetHash of mocknet-v3-valid's chained proof, which covers the first proof")

	mock := merkle2019.Blink{Chain: "mocknet", Network: "mocknet", TxID: "0123abcd"}
	signed, err := b.Attach(i, doc, merkle2019.ProofOptions{Anchors: []merkle2019.Blink{mock}, VerificationMethod: "did:example:issuer#key-1", Created: created, DataIntegrity: true})
	require.NoError(t, err)
	var out struct {
		Proof []map[string]any `json:"proof"`
	}
	require.NoError(t, json.Unmarshal(signed, &out))
	require.Len(t, out.Proof, 2)
	assert.Equal(t, "EcdsaSecp256k1Signature2019", out.Proof[0]["type"])
	assert.Equal(t, "DataIntegrityProof", out.Proof[1]["type"])
	assert.Equal(t, "merkle-proof-2019", out.Proof[1]["cryptosuite"])

	res, err := merkle2019.Verify(context.Background(), signed, merkle2019.Options{Require: anchor.L0})
	require.NoError(t, err)
	assert.Equal(t, anchor.L0, res.Level)
	assert.Equal(t, anchor.ChainMock, res.Chain)

	// Editing the earlier proof breaks the targetHash.
	tampered := editJSON(t, signed, func(m map[string]any) {
		m["proof"].([]any)[0].(map[string]any)["created"] = "2023-01-01T00:00:00Z"
	})
	_, err = merkle2019.Verify(context.Background(), tampered, merkle2019.Options{Require: anchor.L0})
	assert.ErrorIs(t, err, merkle2019.ErrTargetHashMismatch)
}

func TestBatchErrors(t *testing.T) {
	b, err := merkle2019.NewBatch(nil)
	require.NoError(t, err)
	_, err = b.Root()
	assert.ErrorIs(t, err, merkle2019.ErrEmptyBatch)
	anc := merkle2019.Blink{Chain: "btc", Network: "testnet", TxID: h32(1)}
	_, err = b.ProofValue(0, anc)
	assert.ErrorIs(t, err, merkle2019.ErrEmptyBatch)
	_, err = b.AddTargetHash(make([]byte, 31))
	assert.ErrorIs(t, err, mtree.ErrInvalidLeaf)
	_, err = b.AddTargetHash(make([]byte, 32))
	require.NoError(t, err)
	_, err = b.ProofValue(1, anc)
	assert.ErrorIs(t, err, mtree.ErrIndexOutOfRange)
	_, err = b.ProofValue(-1, anc)
	assert.ErrorIs(t, err, mtree.ErrIndexOutOfRange)
	_, err = b.ProofValue(0)
	assert.ErrorIs(t, err, merkle2019.ErrUnsupportedAnchor)
	_, err = b.ProofValue(0, merkle2019.Blink{Chain: "btc", Network: "testnet", TxID: "0x00"})
	assert.ErrorIs(t, err, merkle2019.ErrUnsupportedAnchor)
	_, err = b.Proof(0, merkle2019.ProofOptions{Anchors: []merkle2019.Blink{anc}, Created: created})
	assert.Error(t, err, "no verification method")
	_, err = b.Proof(0, merkle2019.ProofOptions{Anchors: []merkle2019.Blink{anc}, VerificationMethod: "did:example:a#k"})
	assert.Error(t, err, "no created time")
	_, err = b.Add([]byte(`{"a":1,"a":2}`))
	assert.Error(t, err, "duplicate keys")
	_, err = b.Add([]byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"foo":"bar"}`))
	assert.ErrorIs(t, err, merkle2019.ErrUnmappedField)
}
