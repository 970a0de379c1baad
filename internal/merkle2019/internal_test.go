package merkle2019

import (
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckRawTxMainnet uses the real Blockcerts anchor transaction
// 2378076e… (mainnet block 508180; testdata/btc-tx-2378076e.hex, rebuilt
// from the Blockstream mock of @blockcerts/explorer-lookup@1.7.0): its
// last output is OP_RETURN PUSH32 b2ceea1d…, the merkleRoot of cvj's
// v2/mainnet-valid-2.0.json, and its first input's key hashes to the
// issuer address 1AwdUWQz… (FORMATS.md §1.6).
func TestCheckRawTxMainnet(t *testing.T) {
	b, err := os.ReadFile("testdata/btc-tx-2378076e.hex")
	require.NoError(t, err)
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	const txid = "2378076e8e140012814e98a2b2cb1af07ec760b239c1d6d93ba54d658a010ecd"
	root, _ := hex.DecodeString("b2ceea1d52627b6ed8d919ad1039eca32f6e099ef4a357cbb7f7361c471ea6c8")

	rc, err := checkRawTx(raw, txid, root, nil)
	require.NoError(t, err)
	require.NoError(t, rc.unproven, "a legacy P2PKH input is checked without the prevout amount")
	require.NotNil(t, rc.signer)
	pub := rc.signer.PubKey
	assert.True(t, bytes.HasPrefix(pub, []byte{0x02, 0x62, 0xab, 0xbb}), "sender key 0262abbb…")
	addr, err := bitcoinAddress(pub, false)
	require.NoError(t, err)
	assert.Equal(t, "1AwdUWQzJgfDDjeKtpPzMfYMHejFBrxZfo", addr)

	_, err = checkRawTx(raw, strings.Repeat("0", 64), root, nil)
	assert.ErrorIs(t, err, errTxIDMismatch)
	bad := bytes.Clone(root)
	bad[0] ^= 1
	_, err = checkRawTx(raw, txid, bad, nil)
	assert.ErrorIs(t, err, ErrOnChainRootMismatch)
	_, err = checkRawTx(raw[:len(raw)-1], txid, root, nil)
	assert.Error(t, err)
}
