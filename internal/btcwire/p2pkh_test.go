package btcwire

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Private key 1's compressed public key has the well-known mainnet P2PKH
// address 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH (hash160
// 751e76e8199196d454941c45d1b3a323f1433bd6, the same as its P2WPKH
// address bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 of BIP 173).
func TestP2PKHAddress(t *testing.T) {
	one := make([]byte, 32)
	one[31] = 1
	pub := secp256k1.PrivKeyFromBytes(one).PubKey().SerializeCompressed()
	h := Hash160(pub)
	assert.Equal(t, "751e76e8199196d454941c45d1b3a323f1433bd6", hex.EncodeToString(h[:]))
	a, err := NewP2PKHAddress(Mainnet, h)
	require.NoError(t, err)
	assert.Equal(t, "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", a.String())
	assert.True(t, a.P2PKH())
	assert.Equal(t, "76a914751e76e8199196d454941c45d1b3a323f1433bd688ac", hex.EncodeToString(a.PkScript()))
	got, ok := isP2PKH(a.PkScript())
	assert.True(t, ok)
	assert.Equal(t, h, got)
	_, ok = isP2PKH(p2wpkhScript(h))
	assert.False(t, ok)

	back, err := ParseP2PKHAddress(Mainnet, a.String())
	require.NoError(t, err)
	assert.Equal(t, a, back)
	// Testnet and regtest share version 0x6f ("m…"/"n…").
	for _, net := range []Network{Testnet, Regtest} {
		ta, err := NewP2PKHAddress(net, h)
		require.NoError(t, err)
		assert.Equal(t, "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r", ta.String())
		back, err := ParseP2PKHAddress(net, ta.String())
		require.NoError(t, err)
		assert.Equal(t, ta, back)
	}

	// Refused: another network's version, a flipped character, bech32,
	// wrong length, unknown network.
	bad := []struct {
		net Network
		s   string
	}{
		{Testnet, "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"},
		{Mainnet, "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r"},
		{Mainnet, "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMh"},
		{Mainnet, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"},
		{Mainnet, "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAM"}, // one character short
		{0, "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"},
		{Mainnet, "1" + string(bytes.Repeat([]byte{'z'}, 60))},
	}
	for _, b := range bad {
		got, err := ParseP2PKHAddress(b.net, b.s)
		assert.ErrorIs(t, err, errInvalidAddress, "%s on %s", b.s, b.net)
		assert.Equal(t, Address{}, got)
	}
}

func p2pkhParams(t *testing.T, amounts ...int64) AnchorParams {
	t.Helper()
	p := testParams(t, amounts...)
	p.Spend = SpendP2PKH
	change, err := NewP2PKHAddress(Regtest, Hash160(p.Key.PubKey().SerializeCompressed()))
	require.NoError(t, err)
	p.Change = change
	return p
}

// The P2PKH builder: no witness, scriptSig <sig> <pubkey>, and the
// signature is over the legacy digest, rebuilt here by hand from its
// definition (the transaction with every scriptSig emptied but the
// signed input's, which is the output script; then the hash type).
func TestBuildAnchorTxP2PKH(t *testing.T) {
	for _, amounts := range [][]int64{{5_000_000_000}, {10_000, 20_000, 30_000}} {
		p := p2pkhParams(t, amounts...)
		tx, err := BuildAnchorTx(p)
		require.NoError(t, err)
		assert.False(t, tx.HasWitness(), "a P2PKH-only transaction has no witness")
		assert.Equal(t, tx.TxID(), tx.WTxID())
		pub := p.Key.PubKey().SerializeCompressed()
		for i, in := range tx.Inputs {
			sig, gotPub, ok := twoPushes(in.ScriptSig)
			require.True(t, ok, "input %d scriptSig is two pushes", i)
			assert.Equal(t, pub, gotPub)
			assert.Equal(t, byte(SigHashAll), sig[len(sig)-1])

			// The legacy preimage by hand.
			var pre []byte
			pre = binary.LittleEndian.AppendUint32(pre, 2)
			pre = append(pre, byte(len(tx.Inputs)))
			for j, o := range tx.Inputs {
				pre = append(pre, o.PrevTxID[:]...)
				pre = binary.LittleEndian.AppendUint32(pre, o.PrevIndex)
				if j == i {
					pre = append(pre, 25)
					pre = append(pre, p.Change.PkScript()...) // the key's P2PKH script
				} else {
					pre = append(pre, 0)
				}
				pre = binary.LittleEndian.AppendUint32(pre, o.Sequence)
			}
			pre = append(pre, byte(len(tx.Outputs)))
			for _, o := range tx.Outputs {
				pre = binary.LittleEndian.AppendUint64(pre, uint64(o.Value))
				pre = append(pre, byte(len(o.PkScript)))
				pre = append(pre, o.PkScript...)
			}
			pre = binary.LittleEndian.AppendUint32(pre, tx.LockTime)
			pre = binary.LittleEndian.AppendUint32(pre, SigHashAll)
			digest := DoubleSHA256(pre)
			lib, err := LegacySigHash(tx, i, P2WPKHScriptCode(Hash160(pub)), SigHashAll)
			require.NoError(t, err)
			assert.Equal(t, [32]byte(digest), lib, "LegacySigHash == the definition")
			parsed, err := ecdsa.ParseDERSignature(sig[:len(sig)-1])
			require.NoError(t, err)
			assert.True(t, parsed.Verify(digest[:], p.Key.PubKey()), "input %d signs the legacy digest", i)

			s, err := VerifyInputSigner(tx, i, UnknownAmount)
			require.NoError(t, err, "P2PKH needs no amount")
			assert.Equal(t, SpendP2PKH, s.Kind)
			assert.Equal(t, p.Change.String(), s.Address(Regtest), "the sender is the key's P2PKH address")
		}
		// Change to the P2PKH address, then the OP_RETURN root.
		require.Len(t, tx.Outputs, 2)
		assert.Equal(t, p.Change.PkScript(), tx.Outputs[0].PkScript)
		i, ok := tx.FindRoot(p.Root)
		assert.True(t, ok)
		assert.Equal(t, 1, i)
		// The fee meets the rate at the real size.
		var total int64
		for _, a := range amounts {
			total += a
		}
		fee, err := tx.Fee(amounts)
		require.NoError(t, err)
		assert.Equal(t, total-tx.Outputs[0].Value, fee)
		assert.GreaterOrEqual(t, fee*1000, int64(tx.VSize())*p.FeeRate)
		assert.Less(t, fee*1000, int64(tx.VSize()+len(amounts)+2)*p.FeeRate, "and overshoots by at most a byte per signature")
	}
}

// Corrupted copies of a built P2PKH transaction fail the signer check.
func TestBuildAnchorTxP2PKHCorruptions(t *testing.T) {
	p := p2pkhParams(t, 50_000, 60_000)
	tx, err := BuildAnchorTx(p)
	require.NoError(t, err)
	raw := tx.Bytes()
	pub := p.Key.PubKey().SerializeCompressed()
	other := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x42}, 32)).PubKey().SerializeCompressed()
	edits := map[string]func(b []byte){
		"key swapped":    func(b []byte) { copy(b[bytes.Index(b, pub):], other) },
		"change value":   func(b []byte) { b[len(b)-4-35-8-34+0] ^= 1 },
		"root byte":      func(b []byte) { b[bytes.Index(b, p.Root)] ^= 1 },
		"locktime":       func(b []byte) { b[len(b)-1] ^= 1 },
		"signature byte": func(b []byte) { b[bytes.Index(b, pub)-10] ^= 1 },
	}
	for name, edit := range edits {
		b := bytes.Clone(raw)
		edit(b)
		bad, err := ParseTx(b)
		require.NoError(t, err, "%s: still a transaction", name)
		_, err0 := VerifyInputSigner(bad, 0, UnknownAmount)
		_, err1 := VerifyInputSigner(bad, 1, UnknownAmount)
		assert.True(t, err0 != nil || err1 != nil, "%s: some input must fail", name)
		if name != "signature byte" && name != "key swapped" {
			assert.ErrorIs(t, err0, ErrInvalidSignature, name)
			assert.ErrorIs(t, err1, ErrInvalidSignature, name)
		}
	}
	// Builder parameters: an unsupported kind.
	p.Spend = spendP2SHP2WPKH
	_, err = BuildAnchorTx(p)
	assert.ErrorIs(t, err, errInvalidParams)
	// A P2PKH change under the P2PKH dust limit.
	p = p2pkhParams(t, 546+300)
	_, err = BuildAnchorTx(p)
	assert.ErrorIs(t, err, ErrInsufficientFunds)
}
