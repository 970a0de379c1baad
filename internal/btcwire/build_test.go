package btcwire

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKey is a fixed key: SHA-256("microcred anchor/btc test key").
func testKey(t testing.TB) *secp256k1.PrivateKey {
	t.Helper()
	seed := sha256.Sum256([]byte("microcred anchor/btc test key"))
	return secp256k1.PrivKeyFromBytes(seed[:])
}

func testParams(t testing.TB, amounts ...int64) AnchorParams {
	t.Helper()
	key := testKey(t)
	change, err := AddressFromPubKey(Regtest, key.PubKey().SerializeCompressed())
	require.NoError(t, err)
	root := sha256.Sum256([]byte("batch root"))
	p := AnchorParams{Network: Regtest, Key: key, Root: root[:], Change: change, FeeRate: 2000}
	for i, a := range amounts {
		id := sha256.Sum256([]byte{byte(i)})
		p.Inputs = append(p.Inputs, UTXO{TxID: Hash(id), Vout: uint32(i), Amount: a})
	}
	return p
}

func TestBuildAnchorTxRoundTrip(t *testing.T) {
	for _, amounts := range [][]int64{{5_000_000_000}, {10_000, 20_000, 30_000}} {
		p := testParams(t, amounts...)
		tx, err := BuildAnchorTx(p)
		require.NoError(t, err)

		// It parses back to itself, with consistent txid and wtxid.
		back, err := ParseTx(tx.Bytes())
		require.NoError(t, err)
		assert.Equal(t, tx.Bytes(), back.Bytes())
		assert.True(t, back.HasWitness())
		assert.Equal(t, DoubleSHA256(back.StrippedBytes()), back.TxID())
		assert.Equal(t, DoubleSHA256(back.Bytes()), back.WTxID())
		assert.NotEqual(t, back.TxID(), back.WTxID())
		stripped, err := ParseTx(back.StrippedBytes())
		require.NoError(t, err, "the witness-stripped form is a legacy transaction")
		assert.Equal(t, back.TxID(), stripped.TxID())
		assert.Equal(t, stripped.TxID(), stripped.WTxID())

		// Shape: version 2, inputs in order, replaceable; change then OP_RETURN root.
		assert.Equal(t, int32(2), back.Version)
		require.Len(t, back.Inputs, len(amounts))
		for i, in := range back.Inputs {
			assert.Equal(t, p.Inputs[i].TxID, in.PrevTxID)
			assert.Equal(t, p.Inputs[i].Vout, in.PrevIndex)
			assert.Equal(t, uint32(0xfffffffd), in.Sequence)
			assert.Empty(t, in.ScriptSig)
		}
		require.Len(t, back.Outputs, 2)
		assert.Equal(t, p.Change.PkScript(), back.Outputs[0].PkScript)
		idx, ok := back.FindRoot(p.Root)
		assert.True(t, ok)
		assert.Equal(t, 1, idx, "OP_RETURN is the last output")
		assert.Equal(t, [][]byte{p.Root}, back.OpReturnPayloads())
		assert.Zero(t, back.Outputs[1].Value)

		// The fee meets the rate for the real virtual size, and overpays
		// by at most a few vbytes (the signature-length bound).
		fee, err := back.Fee(amounts)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, fee*1000, int64(back.VSize())*p.FeeRate)
		assert.LessOrEqual(t, fee*1000, int64(back.VSize()+len(amounts)+1)*p.FeeRate)

		// Every input verifies and names our key as the sender.
		for i, a := range amounts {
			pub, err := VerifyP2WPKHInput(back, i, a)
			require.NoError(t, err)
			sender, err := AddressFromPubKey(Regtest, pub)
			require.NoError(t, err)
			assert.Equal(t, p.Change, sender)
		}

		// RFC 6979: building again gives the same bytes.
		again, err := BuildAnchorTx(p)
		require.NoError(t, err)
		assert.Equal(t, tx.Bytes(), again.Bytes())
	}
}

// derEncode writes (r, s) as DER without normalizing s, to produce
// signatures decred's Serialize never would.
func derEncode(r, s secp256k1.ModNScalar) []byte {
	integer := func(v secp256k1.ModNScalar) []byte {
		b := v.Bytes()
		i := 0
		for i < 31 && b[i] == 0 {
			i++
		}
		out := b[i:]
		if out[0]&0x80 != 0 {
			out = append([]byte{0}, out...)
		}
		return append([]byte{0x02, byte(len(out))}, out...)
	}
	body := append(integer(r), integer(s)...)
	return append([]byte{0x30, byte(len(body))}, body...)
}

// withWitness returns tx re-serialized after edit changed a copy.
func withEdit(t *testing.T, tx *Tx, edit func(c *Tx)) *Tx {
	t.Helper()
	c, err := ParseTx(tx.Bytes())
	require.NoError(t, err)
	for i := range c.Inputs {
		w := make([][]byte, len(c.Inputs[i].Witness))
		for j, item := range c.Inputs[i].Witness {
			w[j] = bytes.Clone(item)
		}
		c.Inputs[i].Witness = w
	}
	c.Outputs = append([]TxOut(nil), c.Outputs...)
	edit(c)
	out, err := ParseTx(serializeTx(c, true))
	require.NoError(t, err)
	return out
}

func TestVerifyP2WPKHInputCorruptions(t *testing.T) {
	p := testParams(t, 100_000, 200_000)
	tx, err := BuildAnchorTx(p)
	require.NoError(t, err)
	const in = 1
	amount := p.Inputs[in].Amount
	_, err = VerifyP2WPKHInput(tx, in, amount)
	require.NoError(t, err, "the uncorrupted input verifies")

	// The prevout amount is committed: any other amount fails.
	for _, a := range []int64{amount - 1, amount + 1, p.Inputs[0].Amount, 0} {
		_, err := VerifyP2WPKHInput(tx, in, a)
		assert.ErrorIs(t, err, ErrInvalidSignature, "amount %d", a)
	}

	// Flip each byte of the DER signature: it either stops being
	// canonical DER or stops verifying.
	sig := tx.Inputs[in].Witness[0]
	for i := range len(sig) - 1 {
		bad := withEdit(t, tx, func(c *Tx) { c.Inputs[in].Witness[0][i] ^= 0x01 })
		_, err := VerifyP2WPKHInput(bad, in, amount)
		assert.ErrorIs(t, err, ErrInvalidSignature, "flipped signature byte %d", i)
	}

	// High S: (r, n-s) is the same ECDSA signature mathematically, and
	// verifies with plain ECDSA, but BIP 146 LOW_S forbids it.
	parsed, err := ecdsa.ParseDERSignature(sig[:len(sig)-1])
	require.NoError(t, err)
	r, s := parsed.R(), parsed.S()
	s.Negate()
	require.True(t, s.IsOverHalfOrder())
	high := append(derEncode(r, s), byte(SigHashAll))
	digest, err := witnessV0SigHash(tx, in, P2WPKHScriptCode(p.Change.PubKeyHash()), amount, SigHashAll)
	require.NoError(t, err)
	assert.True(t, ecdsa.NewSignature(&r, &s).Verify(digest[:], p.Key.PubKey()), "high-S verifies as plain ECDSA")
	bad := withEdit(t, tx, func(c *Tx) { c.Inputs[in].Witness[0] = high })
	_, err = VerifyP2WPKHInput(bad, in, amount)
	assert.ErrorIs(t, err, ErrInvalidSignature, "high S")

	// Non-strict DER: the same integers with a superfluous leading zero.
	r2, s2 := parsed.R(), parsed.S()
	loose := derEncode(r2, s2)
	rb := r2.Bytes()
	if rb[0]&0x80 == 0 {
		loose = append([]byte{0x30, loose[1] + 1, 0x02, loose[3] + 1, 0x00}, loose[4:]...)
		bad = withEdit(t, tx, func(c *Tx) { c.Inputs[in].Witness[0] = append(loose, byte(SigHashAll)) })
		_, err = VerifyP2WPKHInput(bad, in, amount)
		assert.ErrorIs(t, err, ErrInvalidSignature, "padded DER integer")
	}

	for name, edit := range map[string]func(c *Tx){
		"hash type ALL|ANYONECANPAY": func(c *Tx) { w := c.Inputs[in].Witness[0]; w[len(w)-1] = 0x81 },
		"hash type NONE":             func(c *Tx) { w := c.Inputs[in].Witness[0]; w[len(w)-1] = 0x02 },
		"no hash type":               func(c *Tx) { w := c.Inputs[in].Witness[0]; c.Inputs[in].Witness[0] = w[:len(w)-1] },
		"empty signature":            func(c *Tx) { c.Inputs[in].Witness[0] = []byte{} },
		"change value":               func(c *Tx) { c.Outputs[0].Value-- },
		"root":                       func(c *Tx) { c.Outputs[1].PkScript = bytes.Clone(c.Outputs[1].PkScript); c.Outputs[1].PkScript[5] ^= 1 },
		"locktime":                   func(c *Tx) { c.LockTime = 1 },
		"version":                    func(c *Tx) { c.Version = 1 },
		"sequence":                   func(c *Tx) { c.Inputs[in].Sequence = 0xffffffff },
		"other input's outpoint":     func(c *Tx) { c.Inputs[0].PrevIndex = 7 },
		"other key": func(c *Tx) {
			other := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{7}, 32))
			c.Inputs[in].Witness[1] = other.PubKey().SerializeCompressed()
		},
	} {
		bad := withEdit(t, tx, edit)
		_, err := VerifyP2WPKHInput(bad, in, amount)
		assert.ErrorIs(t, err, ErrInvalidSignature, name)
	}

	for name, edit := range map[string]func(c *Tx){
		"scriptSig present":   func(c *Tx) { c.Inputs[in].ScriptSig = []byte{0x00} },
		"three witness items": func(c *Tx) { c.Inputs[in].Witness = append(c.Inputs[in].Witness, []byte{1}) },
		"one witness item":    func(c *Tx) { c.Inputs[in].Witness = c.Inputs[in].Witness[:1] },
		"uncompressed key": func(c *Tx) {
			c.Inputs[in].Witness[1] = p.Key.PubKey().SerializeUncompressed()
		},
		"key off the curve": func(c *Tx) { c.Inputs[in].Witness[1] = append([]byte{0x02}, make([]byte, 32)...) },
	} {
		bad := withEdit(t, tx, edit)
		_, err := VerifyP2WPKHInput(bad, in, amount)
		assert.ErrorIs(t, err, errNotP2WPKH, name)
	}

	// A legacy transaction has no witness to verify.
	legacy, err := ParseTx(tx.StrippedBytes())
	require.NoError(t, err)
	_, err = VerifyP2WPKHInput(legacy, in, amount)
	assert.ErrorIs(t, err, errNotP2WPKH)
}

func TestBuildAnchorTxErrors(t *testing.T) {
	ok := testParams(t, 100_000)
	mainnetChange, err := NewAddress(Mainnet, ok.Change.PubKeyHash())
	require.NoError(t, err)
	for name, edit := range map[string]func(p *AnchorParams){
		"no network":        func(p *AnchorParams) { p.Network = 0 },
		"no key":            func(p *AnchorParams) { p.Key = nil },
		"zero key":          func(p *AnchorParams) { p.Key = new(secp256k1.PrivateKey) },
		"no root":           func(p *AnchorParams) { p.Root = nil },
		"short root":        func(p *AnchorParams) { p.Root = p.Root[:31] },
		"zero change":       func(p *AnchorParams) { p.Change = Address{} },
		"mainnet change":    func(p *AnchorParams) { p.Change = mainnetChange },
		"zero fee rate":     func(p *AnchorParams) { p.FeeRate = 0 },
		"negative fee rate": func(p *AnchorParams) { p.FeeRate = -1 },
		"absurd fee rate":   func(p *AnchorParams) { p.FeeRate = MaxFeeRate + 1 },
		"no inputs":         func(p *AnchorParams) { p.Inputs = nil },
		"zero amount":       func(p *AnchorParams) { p.Inputs[0].Amount = 0 },
		"negative amount":   func(p *AnchorParams) { p.Inputs[0].Amount = -5 },
		"amount > MaxMoney": func(p *AnchorParams) { p.Inputs[0].Amount = MaxMoney + 1 },
		"sum > MaxMoney": func(p *AnchorParams) {
			p.Inputs = []UTXO{{Vout: 0, Amount: MaxMoney}, {Vout: 1, Amount: 1}}
		},
		"duplicate input": func(p *AnchorParams) { p.Inputs = append(p.Inputs, p.Inputs[0]) },
		"too many inputs": func(p *AnchorParams) { p.Inputs = make([]UTXO, 3000) },
		"over max weight": func(p *AnchorParams) {
			p.Inputs = make([]UTXO, 2400)
			for i := range p.Inputs {
				p.Inputs[i] = UTXO{Vout: uint32(i), Amount: 1000}
			}
		},
	} {
		p := ok
		p.Inputs = append([]UTXO(nil), ok.Inputs...)
		edit(&p)
		tx, err := BuildAnchorTx(p)
		assert.ErrorIs(t, err, errInvalidParams, name)
		assert.Nil(t, tx, name)
	}

	// Inputs that cannot pay the fee and leave non-dust change.
	p := testParams(t, 500)
	_, err = BuildAnchorTx(p)
	assert.ErrorIs(t, err, ErrInsufficientFunds)
	p.FeeRate = 1
	_, err = BuildAnchorTx(p)
	assert.NoError(t, err, "at 1 sat/kvB, 500 sat leave change above the dust limit")
}

func TestTxFee(t *testing.T) {
	p := testParams(t, 100_000)
	tx, err := BuildAnchorTx(p)
	require.NoError(t, err)
	_, err = tx.Fee(nil)
	assert.ErrorIs(t, err, errInvalidParams)
	_, err = tx.Fee([]int64{1})
	assert.ErrorIs(t, err, errInvalidParams, "outputs exceed inputs")
	_, err = tx.Fee([]int64{-1})
	assert.ErrorIs(t, err, errInvalidParams)
	fee, err := tx.Fee([]int64{100_000})
	require.NoError(t, err)
	// One P2WPKH input, P2WPKH change and OP_RETURN 32: 125 stripped
	// bytes, weight 4·125 + 2 + 108 (witness with the longest low-S
	// signature) = 610, 153 vbytes at 2 sat/vB.
	assert.Equal(t, 125, tx.StrippedSize())
	assert.Contains(t, []int{152, 153}, tx.VSize())
	assert.Equal(t, int64(306), fee)
}
