package merkle2019_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/internal/merkle2019"
)

// regtestHeader returns a regtest header (nBits 207fffff) over merkleRoot
// after prev that meets its proof of work.
func regtestHeader(t testing.TB, merkleRoot btc.Hash, prev btc.Hash, at time.Time) *btc.Header {
	t.Helper()
	h := &btc.Header{Version: 4, PrevBlock: prev, MerkleRoot: merkleRoot, Time: uint32(at.Unix()), Bits: 0x207fffff}
	for h.CheckProofOfWork(btc.RegtestPowLimit()) != nil {
		h.Nonce++
	}
	return h
}

// blockEvidence puts the raw transaction second in a two-transaction
// regtest block and mines it and n-1 successors: the TxData's block
// evidence, and the anchor block's time.
func blockEvidence(t testing.TB, raw []byte, n int, at time.Time) (txIndex uint32, branch, headers [][]byte) {
	t.Helper()
	tx, err := btc.ParseTx(raw)
	require.NoError(t, err)
	other := btc.Hash(sha256.Sum256([]byte("the block's first transaction")))
	txids := []btc.Hash{other, tx.TxID()}
	root, _, err := btc.MerkleRoot(txids)
	require.NoError(t, err)
	br, err := btc.MerkleBranch(txids, 1)
	require.NoError(t, err)
	for _, h := range br {
		branch = append(branch, append([]byte(nil), h[:]...))
	}
	var prev btc.Hash
	for i := 0; i < n; i++ {
		mr := root
		if i > 0 {
			mr = btc.Hash(sha256.Sum256([]byte(fmt.Sprintf("successor %d", i))))
		}
		h := regtestHeader(t, mr, prev, at.Add(time.Duration(i)*10*time.Minute))
		headers = append(headers, h.Bytes())
		prev = h.Hash()
	}
	return 1, branch, headers
}

// TestBlockEvidence: a MerkleProof2019 credential with its transaction's
// block evidence is graded by the receipts' engine (anchor.Anchor.Verify):
// L3 from linked headers with proof of work (a regtest chain never L4,
// even pinned by a checkpoint), and the block's header time, not the caller's, is the time
// the issuer key must be valid at. Every corruption of the evidence
// stops below L3, and a caller's time the block contradicts is an error.
func TestBlockEvidence(t *testing.T) {
	ctx := context.Background()
	key := testKey(0x0b)
	base := unsigned(t, "v3/testnet-v3-did.json")
	b, err := merkle2019.NewBatch(nil)
	require.NoError(t, err)
	_, err = b.Add(base)
	require.NoError(t, err)
	root, err := b.Root()
	require.NoError(t, err)
	raw, txid := syntheticTx(t, key, root)
	bl := merkle2019.Blink{Chain: "btc", Network: "regtest", TxID: txid}
	addr, err := merkle2019.IssuingAddress(key.PubKey().SerializeCompressed(), bl)
	require.NoError(t, err)
	blockTime := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	idx, branch, headers := blockEvidence(t, raw, 6, blockTime)
	signed, err := b.Attach(0, base, merkle2019.ProofOptions{Anchors: []merkle2019.Blink{bl}, VerificationMethod: profileKey1, Created: created})
	require.NoError(t, err)
	tipHeader, err := btc.ParseHeader(headers[len(headers)-1])
	require.NoError(t, err)

	good := func() *merkle2019.TxData {
		return &merkle2019.TxData{RawTx: raw, TxIndex: idx, Branch: clone(branch), Headers: clone(headers)}
	}
	verify := func(tx *merkle2019.TxData, keyCreated time.Time, require anchor.Level, aopts anchor.VerifyOptions) (*merkle2019.Result, error) {
		v, err := merkle2019.NewVerifier(merkle2019.Options{
			Transactions: merkle2019.StaticTx{bl.String(): tx},
			IssuerKeys:   []merkle2019.IssuerKey{{Address: addr, Created: keyCreated}},
			Require:      require,
			Anchor:       aopts,
		})
		if err != nil {
			return nil, err
		}
		return v.Verify(ctx, signed)
	}

	t.Run("L3 from linked headers", func(t *testing.T) {
		res, err := verify(good(), blockTime.Add(-time.Hour), anchor.L3, anchor.VerifyOptions{})
		require.NoError(t, err)
		assert.Equal(t, anchor.L3, res.Level)
		require.NotNil(t, res.Block)
		assert.Equal(t, 6, res.Block.Confirmations)
		assert.True(t, res.TxTime.Equal(blockTime), "the block's time: %s", res.TxTime)
		assert.Error(t, res.Reason, "L4 needs a checkpoint")
	})
	t.Run("a checkpoint pins it, and regtest still never reaches L4", func(t *testing.T) {
		cp := anchor.Checkpoint{Chain: anchor.ChainBitcoinRegtest, BlockHash: tipHeader.Hash().String()}
		res, err := verify(good(), blockTime.Add(-time.Hour), anchor.L4, anchor.VerifyOptions{Checkpoints: []anchor.Checkpoint{cp}})
		requireStep(t, err, merkle2019.StepLevel)
		assert.Equal(t, anchor.L3, res.Level)
		assert.True(t, res.Block.Pinned)
		assert.ErrorIs(t, res.Reason, anchor.ErrNoFinality)
	})
	t.Run("the block time decides the key window", func(t *testing.T) {
		tx := good()
		tx.Time = blockTime.Add(90 * time.Minute) // within the miners' leeway
		_, err := verify(tx, blockTime.Add(time.Hour), anchor.L3, anchor.VerifyOptions{})
		requireStep(t, err, merkle2019.StepIssuer)
	})
	t.Run("a time the block contradicts", func(t *testing.T) {
		tx := good()
		tx.Time = blockTime.Add(3 * time.Hour)
		_, err := verify(tx, blockTime.Add(-time.Hour), anchor.L2, anchor.VerifyOptions{})
		requireStep(t, err, merkle2019.StepAnchor)
		assert.ErrorIs(t, err, anchor.ErrEvidenceMismatch)
	})
	for name, edit := range map[string]func(tx *merkle2019.TxData){
		"header nonce":       func(tx *merkle2019.TxData) { tx.Headers[0][79] ^= 1 },
		"header merkle root": func(tx *merkle2019.TxData) { tx.Headers[0][40] ^= 1 },
		"branch step":        func(tx *merkle2019.TxData) { tx.Branch[0][0] ^= 1 },
		"tx index":           func(tx *merkle2019.TxData) { tx.TxIndex = 0 },
		"one header, six times": func(tx *merkle2019.TxData) {
			tx.Headers = [][]byte{headers[0], headers[0], headers[0], headers[0], headers[0], headers[0]}
		},
		"no branch": func(tx *merkle2019.TxData) { tx.Branch = nil },
	} {
		t.Run(name, func(t *testing.T) {
			tx := good()
			// The caller's time: without a proven block it is all there
			// is for the key's window.
			tx.Time = blockTime
			edit(tx)
			res, err := verify(tx, blockTime.Add(-time.Hour), anchor.L3, anchor.VerifyOptions{})
			if name == "one header, six times" {
				// Linked headers only: the copies are not confirmations.
				require.NoError(t, err)
				assert.Equal(t, 1, res.Block.Confirmations)
				return
			}
			requireStep(t, err, merkle2019.StepLevel)
			assert.Equal(t, anchor.L2, res.Level)
		})
	}
}

func clone(in [][]byte) [][]byte {
	out := make([][]byte, len(in))
	for i, b := range in {
		out[i] = append([]byte(nil), b...)
	}
	return out
}

// requireStep asserts err is a *StepError at step.
func requireStep(t *testing.T, err error, step merkle2019.Step) {
	t.Helper()
	var se *merkle2019.StepError
	require.ErrorAs(t, err, &se, "not a StepError: %v", err)
	assert.Equal(t, step, se.Step, "%v", err)
}
