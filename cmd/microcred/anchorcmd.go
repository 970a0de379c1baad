package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/onchaincert/microcred/did/didkey"
)

// anchorCmd builds anchor transactions: build signs offline and never
// broadcasts (that is the caller's: bitcoin-cli sendrawtransaction,
// eth_sendRawTransaction); send does both through a node the user runs
// (rpcsend.go).
func anchorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const u = "usage: microcred anchor address|btc build|btc send|eth build|eth send ..."
	if len(args) == 0 {
		return usagef(u)
	}
	switch {
	case args[0] == "address":
		return anchorAddress(args[1:], stdout, stderr)
	case args[0] == "btc" && len(args) > 1 && args[1] == "build":
		return anchorBTCBuild(args[2:], stdout, stderr)
	case args[0] == "eth" && len(args) > 1 && args[1] == "build":
		return anchorETHBuild(args[2:], stdout, stderr)
	case args[0] == "btc" && len(args) > 1 && args[1] == "send":
		return anchorBTCSend(ctx, args[2:], stdout, stderr)
	case args[0] == "eth" && len(args) > 1 && args[1] == "send":
		return anchorETHSend(ctx, args[2:], stdout, stderr)
	}
	return usagef(u)
}

// loadSecp256k1 reads a microcred key file that must hold a secp256k1
// key (key generate --type secp256k1).
func loadSecp256k1(path string) (*secp256k1.PrivateKey, error) {
	if path == "" {
		return nil, usagef("--key is required")
	}
	k, err := loadKey(path)
	if err != nil {
		return nil, err
	}
	dk, ok := k.(didKey)
	if !ok || dk.Type() != didkey.Secp256k1 {
		return nil, fmt.Errorf("key file %s: anchoring needs a secp256k1 key (key generate --type secp256k1), not %s", path, k.TypeName())
	}
	return secp256k1.PrivKeyFromBytes(dk.Bytes()), nil
}

func parseNetwork(s string) (btc.Network, error) {
	switch s {
	case "mainnet":
		return btc.Mainnet, nil
	case "testnet":
		return btc.Testnet, nil
	case "regtest":
		return btc.Regtest, nil
	case "":
		return 0, usagef("--network is required (mainnet, testnet or regtest)")
	}
	return 0, usagef("unknown --network %q (want mainnet, testnet or regtest)", s)
}

// parseRoot reads a 32-byte root in hex, with or without 0x.
func parseRoot(s string) ([]byte, error) {
	if s == "" {
		return nil, usagef("--root is required")
	}
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != sha256.Size {
		return nil, usagef("--root must be 32 bytes in hex (64 hex digits)")
	}
	return b, nil
}

func anchorAddress(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("anchor address", stderr)
	keyPath := fs.String("key", "", "secp256k1 key file")
	network := fs.String("network", "", "mainnet, testnet or regtest")
	spend := fs.String("spend", "p2wpkh", "p2wpkh (bech32) or p2pkh (legacy base58, the address Blockcerts compares the issuer's key with)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	net, err := parseNetwork(*network)
	if err != nil {
		return err
	}
	if *spend != "p2wpkh" && *spend != "p2pkh" {
		return usagef("--spend wants p2wpkh or p2pkh, got %q", *spend)
	}
	key, err := loadSecp256k1(*keyPath)
	if err != nil {
		return err
	}
	addr, err := btc.AddressFromPubKey(net, key.PubKey().SerializeCompressed())
	if *spend == "p2pkh" {
		addr, err = btc.NewP2PKHAddress(net, btc.Hash160(key.PubKey().SerializeCompressed()))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, addr.String())
	return nil
}

// utxoList collects --utxo TXID:VOUT:AMOUNT_SATS.
type utxoList []btc.UTXO

func (l *utxoList) String() string { return fmt.Sprint(len(*l)) }
func (l *utxoList) Set(v string) error {
	parts := strings.Split(v, ":")
	if len(parts) != 3 {
		return fmt.Errorf("want TXID:VOUT:AMOUNT_SATS, got %q", v)
	}
	id, err := btc.ParseHash(parts[0])
	if err != nil {
		return fmt.Errorf("txid %q: %v", parts[0], err)
	}
	vout, err := strconv.ParseUint(parts[1], 10, 32)
	if err != nil {
		return fmt.Errorf("vout %q is not a 32-bit unsigned integer", parts[1])
	}
	amount, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || amount <= 0 {
		return fmt.Errorf("amount %q is not a positive number of satoshis", parts[2])
	}
	*l = append(*l, btc.UTXO{TxID: id, Vout: uint32(vout), Amount: amount})
	return nil
}

func anchorBTCBuild(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("anchor btc build", stderr)
	keyPath := fs.String("key", "", "secp256k1 key file; every --utxo must pay to its P2WPKH address (anchor address)")
	network := fs.String("network", "", "mainnet, testnet or regtest")
	var utxos utxoList
	fs.Var(&utxos, "utxo", "TXID:VOUT:AMOUNT_SATS, an output paying to the key's address (repeatable)")
	rootHex := fs.String("root", "", "the 32-byte batch root in hex (batch-root, blockcerts)")
	changeAddr := fs.String("change", "", "P2WPKH address that receives the change")
	feeRate := fs.Int64("fee-rate", 1000, "fee rate in satoshis per 1000 virtual bytes (1000 = 1 sat/vB)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	net, err := parseNetwork(*network)
	if err != nil {
		return err
	}
	if len(utxos) == 0 {
		return usagef("at least one --utxo is required")
	}
	root, err := parseRoot(*rootHex)
	if err != nil {
		return err
	}
	if *changeAddr == "" {
		return usagef("--change is required")
	}
	change, err := btc.ParseAddress(*changeAddr)
	if err != nil {
		return usagef("--change: %v", err)
	}
	if *feeRate < 1 || *feeRate > btc.MaxFeeRate {
		return usagef("--fee-rate must be in [1, %d] sat/kvB", btc.MaxFeeRate)
	}
	key, err := loadSecp256k1(*keyPath)
	if err != nil {
		return err
	}
	tx, err := btc.BuildAnchorTx(btc.AnchorParams{
		Network: net, Key: key, Inputs: utxos, Root: root, Change: change, FeeRate: *feeRate,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, hex.EncodeToString(tx.Bytes()))
	fmt.Fprintf(stderr, "txid %s\n", tx.TxID())
	return nil
}

// weiFlag is an optional non-negative integer amount of wei.
type weiFlag struct{ v *big.Int }

func (w *weiFlag) String() string {
	if w.v == nil {
		return ""
	}
	return w.v.String()
}

func (w *weiFlag) Set(s string) error {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok || v.Sign() < 0 || v.BitLen() > 256 {
		return fmt.Errorf("%q is not a non-negative integer number of wei", s)
	}
	w.v = v
	return nil
}

func anchorETHBuild(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("anchor eth build", stderr)
	keyPath := fs.String("key", "", "secp256k1 key file (the sender)")
	chainID := fs.Uint64("chain-id", 0, "EIP-155 chain id: 1 mainnet, 11155111 Sepolia, the dev node's id otherwise (required)")
	nonce := fs.Uint64("nonce", 0, "the sender's next nonce")
	var maxFee, maxPrio, gasPrice weiFlag
	fs.Var(&maxFee, "max-fee", "EIP-1559 maxFeePerGas in wei")
	fs.Var(&maxPrio, "max-priority-fee", "EIP-1559 maxPriorityFeePerGas in wei")
	legacy := fs.Bool("legacy", false, "build an EIP-155 legacy transaction (needs --gas-price)")
	fs.Var(&gasPrice, "gas-price", "legacy gas price in wei")
	gasLimit := fs.Uint64("gas-limit", 0, "gas limit (default: what the root's calldata needs)")
	rootHex := fs.String("root", "", "the 32-byte batch root in hex")
	nonceSet := false
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) { nonceSet = nonceSet || f.Name == "nonce" })
	if *chainID == 0 {
		return usagef("--chain-id is required")
	}
	if !nonceSet {
		return usagef("--nonce is required (the sender's transaction count)")
	}
	root, err := parseRoot(*rootHex)
	if err != nil {
		return err
	}
	p := eth.AnchorParams{ChainID: *chainID, Nonce: *nonce, Legacy: *legacy, GasLimit: *gasLimit}
	if *legacy {
		if gasPrice.v == nil {
			return usagef("--legacy needs --gas-price")
		}
		if maxFee.v != nil || maxPrio.v != nil {
			return usagef("--legacy excludes --max-fee and --max-priority-fee")
		}
		p.GasPrice = gasPrice.v
	} else {
		if gasPrice.v != nil {
			return usagef("--gas-price needs --legacy")
		}
		if maxFee.v == nil || maxPrio.v == nil {
			return usagef("--max-fee and --max-priority-fee are required (or --legacy --gas-price)")
		}
		p.MaxFeePerGas, p.MaxPriorityFeePerGas = maxFee.v, maxPrio.v
	}
	key, err := loadSecp256k1(*keyPath)
	if err != nil {
		return err
	}
	tx, err := eth.NewAnchorTx(key, root, p)
	if err != nil {
		if errors.Is(err, eth.ErrInvalidParams) {
			return usagef("%v", err)
		}
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
	fmt.Fprintln(stdout, "0x"+hex.EncodeToString(raw))
	fmt.Fprintf(stderr, "tx hash %s\nsender %s\n", h, eth.PubkeyAddress(key.PubKey()))
	return nil
}
