package merkle2019_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/merkle2019"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
)

// TestIssueThenVerify: a batch issued through this package verifies in
// microcred.Verifier with WithBlockcerts (mocknet: L0, no issuer bound),
// and a document other than the one added is refused by Attach.
func TestIssueThenVerify(t *testing.T) {
	ctx := context.Background()
	key, err := didkey.NewFromPrivate(didkey.Secp256k1, bytes.Repeat([]byte{0x0a}, 32))
	require.NoError(t, err)
	issuer := key.DID().String()
	cred := func(n string) []byte {
		b, err := json.Marshal(map[string]any{
			"@context":          []any{"https://www.w3.org/ns/credentials/v2"},
			"id":                "urn:uuid:00000000-0000-4000-8000-00000000000" + n,
			"type":              []any{"VerifiableCredential"},
			"issuer":            issuer,
			"validFrom":         "2025-02-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": "did:example:learner-" + n},
		})
		require.NoError(t, err)
		return b
	}
	docs := [][]byte{cred("1"), cred("2"), cred("3")}
	b, err := merkle2019.NewBatch(nil)
	require.NoError(t, err)
	for i, d := range docs {
		j, err := b.Add(d)
		require.NoError(t, err)
		assert.Equal(t, i, j)
	}
	assert.Equal(t, 3, b.Len())
	root, err := b.Root()
	require.NoError(t, err)
	assert.Len(t, root, 32)

	blink, err := merkle2019.ParseBlink("blink:mocknet:mocknet:label")
	require.NoError(t, err)
	assert.Equal(t, "blink:mocknet:mocknet:label", blink.String())
	opts := merkle2019.ProofOptions{Anchors: []merkle2019.Blink{blink}, VerificationMethod: key.VerificationMethod(),
		Created: time.Date(2025, 2, 1, 12, 0, 0, 0, time.UTC)}
	_, err = b.Attach(0, docs[1], opts)
	require.Error(t, err, "credential 1 attached as 0")
	pv, err := b.ProofValue(0, blink)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(pv, "z"), "multibase base58btc: %s", pv)
	p, err := b.Proof(0, opts)
	require.NoError(t, err)
	assert.Equal(t, pv, p["proofValue"])
	cert, err := b.Attach(0, docs[0], opts)
	require.NoError(t, err)

	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r},
		microcred.WithBlockcerts(merkle2019.Evidence{Transactions: merkle2019.StaticTx{}}))
	require.NoError(t, err)
	unsafe, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe().UnboundKeyUnsafe(), microcred.RequireAnchor(anchor.L0))
	require.NoError(t, err)
	res, err := v.Verify(ctx, cert, unsafe)
	require.NoError(t, err, "%+v", res)
	assert.Equal(t, anchor.L0, res.Anchor.Level)
}

// TestIssuingAddress: the address Blockcerts derives is the key's P2PKH
// address on Bitcoin (testnet m/n, mainnet 1), its Ethereum address on
// eth; mocknet has none.
func TestIssuingAddress(t *testing.T) {
	priv := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x0a}, 32))
	pub := priv.PubKey().SerializeCompressed()
	bl, err := merkle2019.ParseBlink("blink:btc:testnet:" + strings.Repeat("ab", 32))
	require.NoError(t, err)
	got, err := merkle2019.IssuingAddress(pub, bl)
	require.NoError(t, err)
	assert.Equal(t, "mgsMhTBV2so2xoUCTS31WRbWAag3hTxWCw", got, "P2PKH testnet, not the P2WPKH btc.AddressFromPubKey gives")
	main, err := merkle2019.IssuingAddress(pub, merkle2019.Blink{Chain: "btc", Network: "mainnet", TxID: bl.TxID})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(main, "1"), main)
	eth, err := merkle2019.IssuingAddress(pub, merkle2019.Blink{Chain: "eth", Network: "sepolia", TxID: "0x" + bl.TxID})
	require.NoError(t, err)
	assert.Len(t, eth, 42)
	_, err = merkle2019.IssuingAddress(pub, merkle2019.Blink{Chain: "mocknet", Network: "mocknet", TxID: "x"})
	assert.Error(t, err)
	_, err = merkle2019.ParseBlink("blink:btc:testnet:XYZ")
	assert.Error(t, err)
}
