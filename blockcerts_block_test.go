package microcred_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	pubmerkle "github.com/onchaincert/microcred/anchor/merkle2019"
	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/vc/status"
)

// bcBlock puts raw second in a two-transaction regtest block mined at
// at, followed by n-1 linked successors ten minutes apart: the block
// evidence of a Blockcerts transaction.
func bcBlock(t testing.TB, raw []byte, n int, at time.Time) (uint32, [][]byte, [][]byte) {
	t.Helper()
	tx, err := btc.ParseTx(raw)
	require.NoError(t, err)
	txids := []btc.Hash{btc.Hash(sha256.Sum256([]byte("coinbase"))), tx.TxID()}
	root, _, err := btc.MerkleRoot(txids)
	require.NoError(t, err)
	br, err := btc.MerkleBranch(txids, 1)
	require.NoError(t, err)
	var branch, headers [][]byte
	for _, h := range br {
		branch = append(branch, append([]byte(nil), h[:]...))
	}
	var prev btc.Hash
	for i := 0; i < n; i++ {
		h := &btc.Header{Version: 4, PrevBlock: prev, MerkleRoot: root, Time: uint32(at.Add(time.Duration(i) * 10 * time.Minute).Unix()), Bits: 0x207fffff}
		if i > 0 {
			h.MerkleRoot = btc.Hash(sha256.Sum256([]byte(fmt.Sprint("block ", i))))
		}
		for h.CheckProofOfWork(btc.RegtestPowLimit()) != nil {
			h.Nonce++
		}
		headers = append(headers, h.Bytes())
		prev = h.Hash()
	}
	return 1, branch, headers
}

// TestBlockcertsBlockEvidence: a Blockcerts credential whose transaction
// data carries its block evidence reaches L3 through the receipts' grading
// engine, so RequireAnchor(L3) holds; the block's header time is what the
// issuer key must be valid at; edited evidence stops at L2 and fails the
// policy at the anchor check; a regtest anchor never reaches L4.
func TestBlockcertsBlockEvidence(t *testing.T) {
	ctx := context.Background()
	bb := newBCBatchOn(t, "regtest")
	idx, branch, headers := bcBlock(t, bb.raw, 6, bcTxTime)
	amt := int64(bcAmount)
	txData := func() *merkle2019.TxData {
		return &merkle2019.TxData{RawTx: bb.raw, PrevoutAmount: &amt, TxIndex: idx, Branch: cloneAll(branch), Headers: cloneAll(headers)}
	}
	verifier := func(tx *merkle2019.TxData, keyCreated time.Time, cps ...anchor.Checkpoint) *microcred.Verifier {
		return newVerifier(t, checkAt, microcred.WithStatusFetcher(status.StaticFetcher{bcListURL: bb.list}),
			microcred.WithBlockcerts(pubmerkle.Evidence{
				Transactions:   merkle2019.StaticTx{bb.blink.String(): tx},
				IssuerProfiles: map[string][]byte{bcProfileURL: bb.profile(keyCreated, time.Time{}, time.Time{})},
				Checkpoints:    cps,
			}))
	}
	valid := bb.certs["valid"]

	res, err := verifier(txData(), bcKeyCreated).Verify(ctx, valid, bb.policy(t, microcred.RequireAnchor(anchor.L3)))
	require.NoError(t, err)
	assert.Equal(t, anchor.L3, res.Anchor.Level)
	assert.Equal(t, 6, res.Anchor.Confirmations)
	assert.True(t, res.Anchor.BlockTime.Equal(bcTxTime))
	c, _ := res.Check(microcred.CheckAnchor)
	assert.Contains(t, c.Detail, "L3")

	t.Run("the block time decides the key window", func(t *testing.T) {
		tx := txData()
		tx.Time = bcTxTime.Add(90 * time.Minute) // the caller's word, within miners' leeway
		res, err := verifier(tx, bcTxTime.Add(time.Hour)).Verify(ctx, valid, bb.policy(t))
		failedAt(t, res, err, microcred.CheckIssuer)
	})
	t.Run("a regtest anchor never reaches L4, even pinned", func(t *testing.T) {
		tip, err := btc.ParseHeader(headers[5])
		require.NoError(t, err)
		cp := anchor.Checkpoint{Chain: anchor.ChainBitcoinRegtest, BlockHash: tip.Hash().String()}
		res, err := verifier(txData(), bcKeyCreated, cp).Verify(ctx, valid, bb.policy(t, microcred.RequireAnchor(anchor.L4)))
		failedAt(t, res, err, microcred.CheckAnchor)
		assert.True(t, res.Anchor.Pinned)
	})
	for name, edit := range map[string]func(*merkle2019.TxData){
		"header nonce":     func(tx *merkle2019.TxData) { tx.Headers[0][79] ^= 1 },
		"branch step":      func(tx *merkle2019.TxData) { tx.Branch[0][5] ^= 1 },
		"another index":    func(tx *merkle2019.TxData) { tx.TxIndex = 0 },
		"headers unlinked": func(tx *merkle2019.TxData) { tx.Headers[2][4] ^= 1 },
	} {
		t.Run(name, func(t *testing.T) {
			tx := txData()
			tx.Time = bcTxTime
			edit(tx)
			res, err := verifier(tx, bcKeyCreated).Verify(ctx, valid, bb.policy(t, microcred.RequireAnchor(anchor.L3)))
			if name == "headers unlinked" {
				// The anchor block and its first successor still link.
				require.NoError(t, err)
				assert.Equal(t, 2, res.Anchor.Confirmations)
				return
			}
			failedAt(t, res, err, microcred.CheckAnchor)
			assert.Equal(t, anchor.L2, res.Anchor.Level)
		})
	}
}

func cloneAll(in [][]byte) [][]byte {
	out := make([][]byte, len(in))
	for i, b := range in {
		out[i] = append([]byte(nil), b...)
	}
	return out
}
