package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/eth"
)

// anchorBTCSend selects an unspent output of the key's address through
// the node (or takes --utxo), builds and signs the anchor transaction,
// broadcasts it with sendrawtransaction and prints its txid.
func anchorBTCSend(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("anchor btc send", stderr)
	var rf rpcFlags
	rf.register(fs)
	keyPath := fs.String("key", "", "secp256k1 key file; its address (of kind --spend) pays for the anchor")
	network := fs.String("network", "", "mainnet, testnet or regtest (default: the node's; must match it)")
	spendName := fs.String("spend", "p2wpkh", "p2wpkh (segwit, bech32 address) or p2pkh (legacy base58 address, what Blockcerts compares the issuer's key with)")
	var utxos utxoList
	fs.Var(&utxos, "utxo", "TXID:VOUT:AMOUNT_SATS an output of the key's address to spend (repeatable; default: one the node finds)")
	rootHex := fs.String("root", "", "the 32-byte batch root in hex (batch-root, blockcerts)")
	changeAddr := fs.String("change", "", "address that receives the change (default: the key's address of kind --spend)")
	feeRate := fs.Int64("fee-rate", 0, "fee rate in satoshis per 1000 virtual bytes (default: the node's estimatesmartfee for 6 blocks, at least 1000 = 1 sat/vB)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	root, err := parseRoot(*rootHex)
	if err != nil {
		return err
	}
	var spend btc.SpendKind
	switch *spendName {
	case "p2wpkh":
		spend = btc.SpendP2WPKH
	case "p2pkh":
		spend = btc.SpendP2PKH
	default:
		return usagef("--spend wants p2wpkh or p2pkh, got %q", *spendName)
	}
	if *feeRate != 0 && (*feeRate < 1 || *feeRate > btc.MaxFeeRate) {
		return usagef("--fee-rate must be in [1, %d] sat/kvB", btc.MaxFeeRate)
	}
	key, err := loadSecp256k1(*keyPath)
	if err != nil {
		return err
	}
	c, err := rf.client("1.0")
	if err != nil {
		return err
	}
	n := &btcNode{c: c}
	net, chainName, err := n.network(ctx)
	if err != nil {
		return err
	}
	if *network != "" {
		want, err := parseNetwork(*network)
		if err != nil {
			return err
		}
		if want != net {
			return fmt.Errorf("--network %s, but the node is on %s", want, chainName)
		}
	}
	hash := btc.Hash160(key.PubKey().SerializeCompressed())
	var from btc.Address
	if spend == btc.SpendP2PKH {
		from, err = btc.NewP2PKHAddress(net, hash)
	} else {
		from, err = btc.NewAddress(net, hash)
	}
	if err != nil {
		return err
	}
	change := from
	if *changeAddr != "" {
		if change, err = parseAnyAddress(net, *changeAddr); err != nil {
			return usagef("--change: %v", err)
		}
	}
	rate := *feeRate
	if rate == 0 {
		rate = max(n.feeRate(ctx), 1000)
		if rate > btc.MaxFeeRate {
			return fmt.Errorf("the node's fee estimate %d sat/kvB is above %d; give --fee-rate", rate, int64(btc.MaxFeeRate))
		}
	}
	p := btc.AnchorParams{Network: net, Key: key, Spend: spend, Root: root, Change: change, FeeRate: rate}

	var tx *btc.Tx
	if len(utxos) > 0 {
		p.Inputs = utxos
		if tx, err = btc.BuildAnchorTx(p); err != nil {
			return err
		}
	} else {
		// The smallest mature output that pays the fee and leaves change
		// above dust: one input, the oldest coins kept for later.
		found, err := n.unspent(ctx, from, from.PkScript(), 50)
		if err != nil {
			return err
		}
		var ok []spendable
		for _, s := range found {
			if s.mature() {
				ok = append(ok, s)
			}
		}
		if len(ok) == 0 {
			return fmt.Errorf("no confirmed unspent output pays to %s (of %d found; coinbase outputs need %d confirmations): fund it, or give --utxo", from, len(found), coinbaseMaturity)
		}
		sort.SliceStable(ok, func(i, j int) bool { return ok[i].utxo.Amount < ok[j].utxo.Amount })
		for _, s := range ok {
			p.Inputs = []btc.UTXO{s.utxo}
			tx, err = btc.BuildAnchorTx(p)
			if err == nil {
				break
			}
			if !errors.Is(err, btc.ErrInsufficientFunds) {
				return err
			}
		}
		if tx == nil {
			return fmt.Errorf("no single unspent output of %s pays the fee at %d sat/kvB and leaves change: %w", from, rate, err)
		}
	}
	var got string
	if err := n.c.Call(ctx, "sendrawtransaction", &got, hex.EncodeToString(tx.Bytes())); err != nil {
		return err
	}
	if got != tx.TxID().String() {
		return fmt.Errorf("sendrawtransaction: the node reports txid %s for transaction %s", truncate(got), tx.TxID())
	}
	var in int64
	for _, u := range p.Inputs {
		in += u.Amount
		fmt.Fprintf(stderr, "spent %s:%d (%d sat) of %s\n", u.TxID, u.Vout, u.Amount, from)
	}
	fmt.Fprintf(stderr, "fee %d sat, change %d sat to %s, %d vbytes\n", in-tx.Outputs[0].Value, tx.Outputs[0].Value, change, tx.VSize())
	fmt.Fprintln(stdout, tx.TxID())
	return nil
}

// parseAnyAddress reads a bech32 P2WPKH or a base58 P2PKH address on net.
func parseAnyAddress(net btc.Network, s string) (btc.Address, error) {
	a, err := btc.ParseAddress(s)
	if err == nil {
		if a.Network() != net {
			return btc.Address{}, fmt.Errorf("%s is a %s address, the node is on %s", s, a.Network(), net)
		}
		return a, nil
	}
	if b, err2 := btc.ParseP2PKHAddress(net, s); err2 == nil {
		return b, nil
	}
	return btc.Address{}, err
}

// anchorETHSend builds, signs and broadcasts an Ethereum anchor
// transaction with the chain id, nonce and fees the node gives.
func anchorETHSend(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("anchor eth send", stderr)
	var rf rpcFlags
	rf.register(fs)
	keyPath := fs.String("key", "", "secp256k1 key file (the sender)")
	rootHex := fs.String("root", "", "the 32-byte batch root in hex")
	chainID := fs.Uint64("chain-id", 0, "refuse a node whose chain id is not this one (default: take the node's, never 0)")
	legacy := fs.Bool("legacy", false, "build an EIP-155 legacy transaction at the node's gas price (default: EIP-1559 when the node's latest block has a base fee)")
	gasLimit := fs.Uint64("gas-limit", 0, "gas limit (default: what the root's calldata needs)")
	var maxFeeCap weiFlag
	fs.Var(&maxFeeCap, "max-fee-cap", "WEI: refuse to send if the fee per gas the node's prices give would exceed this")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	root, err := parseRoot(*rootHex)
	if err != nil {
		return err
	}
	key, err := loadSecp256k1(*keyPath)
	if err != nil {
		return err
	}
	c, err := rf.client("2.0")
	if err != nil {
		return err
	}
	n := &ethNode{c: c}
	id, err := n.chainID(ctx)
	if err != nil {
		return err
	}
	if *chainID != 0 && id != *chainID {
		return fmt.Errorf("--chain-id %d, but the node's chain id is %d", *chainID, id)
	}
	from := eth.PubkeyAddress(key.PubKey())
	nonce, err := n.quantity(ctx, "eth_getTransactionCount", 64, from.String(), "pending")
	if err != nil {
		return err
	}
	p := eth.AnchorParams{ChainID: id, Nonce: nonce.Uint64(), GasLimit: *gasLimit}
	gasPrice, err := n.quantity(ctx, "eth_gasPrice", 256)
	if err != nil {
		return err
	}
	baseFee, err := n.baseFee(ctx)
	if err != nil {
		return err
	}
	var perGas *big.Int
	if *legacy || baseFee == nil {
		p.Legacy, p.GasPrice = true, gasPrice
		perGas = gasPrice
	} else {
		// Tip: the node's suggestion, else what its gas price adds to the
		// base fee; max fee: twice the base fee plus the tip, room for
		// six full blocks of base fee increases.
		tip, err := n.quantity(ctx, "eth_maxPriorityFeePerGas", 256)
		if err != nil {
			tip = new(big.Int).Sub(gasPrice, baseFee)
			if tip.Sign() < 0 {
				tip.SetInt64(0)
			}
		}
		p.MaxPriorityFeePerGas = tip
		p.MaxFeePerGas = new(big.Int).Add(new(big.Int).Lsh(baseFee, 1), tip)
		if p.MaxFeePerGas.Sign() == 0 {
			p.MaxFeePerGas.SetInt64(1)
		}
		perGas = p.MaxFeePerGas
	}
	if maxFeeCap.v != nil && perGas.Cmp(maxFeeCap.v) > 0 {
		return fmt.Errorf("the fee per gas would be %s wei, above --max-fee-cap %s", perGas, maxFeeCap.v)
	}
	tx, err := eth.NewAnchorTx(key, root, p)
	if err != nil {
		return err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return err
	}
	h, err := tx.Hash()
	if err != nil {
		return err
	}
	var got string
	if err := n.c.Call(ctx, "eth_sendRawTransaction", &got, "0x"+hex.EncodeToString(raw)); err != nil {
		return err
	}
	if got != h.String() {
		return fmt.Errorf("eth_sendRawTransaction: the node reports hash %s for transaction %s", truncate(got), h)
	}
	fmt.Fprintf(stderr, "chain id %d, sender %s, nonce %d, gas %d at up to %s wei\n", id, from, p.Nonce, tx.Gas, perGas)
	fmt.Fprintln(stdout, h)
	return nil
}
