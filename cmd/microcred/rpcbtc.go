package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/cmd/microcred/internal/jsonrpc"
)

// btcNode is a bitcoind or btcd JSON-RPC endpoint.
type btcNode struct{ c *jsonrpc.Client }

// scanTimeout bounds bitcoind's scantxoutset, which reads the whole UTXO
// set (a few minutes on mainnet).
const scanTimeout = 15 * time.Minute

// coinbaseMaturity is the confirmations a coinbase output needs before
// it can be spent.
const coinbaseMaturity = 100

// network reads the node's chain from getblockchaininfo (bitcoind: main,
// test, testnet4, signet, regtest; btcd: mainnet, testnet3, regtest, ...).
func (n *btcNode) network(ctx context.Context) (btc.Network, string, error) {
	var info struct {
		Chain string `json:"chain"`
	}
	if err := n.c.Call(ctx, "getblockchaininfo", &info); err != nil {
		return 0, "", err
	}
	switch info.Chain {
	case "main", "mainnet":
		return btc.Mainnet, info.Chain, nil
	case "test", "testnet3", "testnet4", "signet":
		return btc.Testnet, info.Chain, nil
	case "regtest":
		return btc.Regtest, info.Chain, nil
	}
	return 0, info.Chain, fmt.Errorf("getblockchaininfo: unknown chain %q", truncate(info.Chain))
}

// checkChain refuses a node on another chain than the receipt's.
func (n *btcNode) checkChain(ctx context.Context, chain anchor.Chain) error {
	net, name, err := n.network(ctx)
	if err != nil {
		return err
	}
	if net != bitcoinNet(chain) {
		return fmt.Errorf("--rpc: the node is on %s, not %s", name, chain)
	}
	return nil
}

func bitcoinNet(c anchor.Chain) btc.Network {
	switch c {
	case anchor.ChainBitcoinMainnet:
		return btc.Mainnet
	case anchor.ChainBitcoinTestnet:
		return btc.Testnet
	case anchor.ChainBitcoinRegtest:
		return btc.Regtest
	}
	return 0
}

func (n *btcNode) hexCall(ctx context.Context, method string, params ...any) ([]byte, error) {
	var s string
	if err := n.c.Call(ctx, method, &s, params...); err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%s: result is not hex", method)
	}
	return b, nil
}

// blockHash returns the hash of the main-chain block at height.
func (n *btcNode) blockHash(ctx context.Context, height int64) (btc.Hash, error) {
	var s string
	if err := n.c.Call(ctx, "getblockhash", &s, height); err != nil {
		return btc.Hash{}, err
	}
	h, err := btc.ParseHash(s)
	if err != nil {
		return btc.Hash{}, fmt.Errorf("getblockhash %d: %v", height, err)
	}
	return h, nil
}

// header returns the raw header of block hash, checked to hash to it.
func (n *btcNode) header(ctx context.Context, hash btc.Hash) ([]byte, error) {
	raw, err := n.hexCall(ctx, "getblockheader", hash.String(), false)
	if err != nil {
		return nil, err
	}
	h, err := btc.ParseHeader(raw)
	if err != nil {
		return nil, fmt.Errorf("getblockheader %s: %w", hash, err)
	}
	if h.Hash() != hash {
		return nil, fmt.Errorf("getblockheader %s: the node's header hashes to %s", hash, h.Hash())
	}
	return raw, nil
}

// headerInfo returns a block's height and confirmations (-1 for a block
// off the main chain, bitcoind's convention).
func (n *btcNode) headerInfo(ctx context.Context, hash btc.Hash) (height, confirmations int64, err error) {
	var info struct {
		Height        int64 `json:"height"`
		Confirmations int64 `json:"confirmations"`
	}
	if err := n.c.Call(ctx, "getblockheader", &info, hash.String(), true); err != nil {
		return 0, 0, err
	}
	return info.Height, info.Confirmations, nil
}

// txBlock returns the block holding txid if the node knows it from its
// transaction index or mempool (ok false: not mined yet, or unknown).
func (n *btcNode) txBlock(ctx context.Context, txid string) (hash btc.Hash, ok bool, err error) {
	var info struct {
		BlockHash string `json:"blockhash"`
	}
	if err := n.c.Call(ctx, "getrawtransaction", &info, txid, 1); err != nil {
		var e *jsonrpc.Error
		if errors.As(err, &e) {
			return btc.Hash{}, false, nil // not in the index or mempool: search blocks
		}
		return btc.Hash{}, false, err
	}
	if info.BlockHash == "" {
		return btc.Hash{}, false, nil
	}
	h, err := btc.ParseHash(info.BlockHash)
	if err != nil {
		return btc.Hash{}, false, fmt.Errorf("getrawtransaction %s: blockhash: %v", txid, err)
	}
	return h, true, nil
}

// blockHas reports whether block hash lists txid.
func (n *btcNode) blockHas(ctx context.Context, hash btc.Hash, txid string) (bool, error) {
	var blk struct {
		Tx []string `json:"tx"`
	}
	if err := n.c.Call(ctx, "getblock", &blk, hash.String(), 1); err != nil {
		return false, err
	}
	for _, id := range blk.Tx {
		if id == txid {
			return true, nil
		}
	}
	return false, nil
}

// findTx finds the main-chain block holding txid: through the node's
// index, else by searching the newest blocks (remembering those seen).
func (n *btcNode) findTx(ctx context.Context, txid string, depth int, seen map[btc.Hash]bool) (btc.Hash, bool, error) {
	if h, ok, err := n.txBlock(ctx, txid); err != nil || ok {
		return h, ok, err
	}
	var tip int64
	if err := n.c.Call(ctx, "getblockcount", &tip); err != nil {
		return btc.Hash{}, false, err
	}
	for height := tip; height >= 0 && height > tip-int64(depth); height-- {
		h, err := n.blockHash(ctx, height)
		if err != nil {
			return btc.Hash{}, false, err
		}
		if seen[h] {
			break // searched before, and so are all below it
		}
		has, err := n.blockHas(ctx, h, txid)
		if err != nil {
			return btc.Hash{}, false, err
		}
		if has {
			return h, true, nil
		}
		seen[h] = true
	}
	return btc.Hash{}, false, nil
}

// evidence waits until txid has w.confirm confirmations and returns its
// anchor: raw tx, index, branch, the anchor header and w.confirm-1
// successors, and for a segwit input 0 the amount it spends.
func (n *btcNode) evidence(ctx context.Context, chain anchor.Chain, txid string, w *waitFlags, stderr io.Writer) (anchor.Anchor, error) {
	id, err := btc.ParseHash(txid)
	if err != nil {
		return anchor.Anchor{}, usagef("--txid: %v", err)
	}
	txid = id.String()
	seen := map[btc.Hash]bool{}
	var block btc.Hash
	var height int64
	announcedTx, announcedBlock := false, false
	for {
		h, ok, err := n.findTx(ctx, txid, w.searchMax, seen)
		if err != nil {
			return anchor.Anchor{}, err
		}
		if ok {
			ht, conf, err := n.headerInfo(ctx, h)
			if err != nil {
				return anchor.Anchor{}, err
			}
			if conf >= int64(w.confirm) {
				block, height = h, ht
				break
			}
			if !announcedBlock {
				fmt.Fprintf(stderr, "%s is in block %s (height %d); waiting for %d confirmations\n", txid, h, ht, w.confirm)
				announcedBlock = true
			}
			if conf < 1 {
				delete(seen, h) // reorganized away: search again
			}
		} else if !announcedTx {
			fmt.Fprintf(stderr, "waiting for %s to be mined\n", txid)
			announcedTx = true
		}
		if err := sleep(ctx, w.poll); err != nil {
			return anchor.Anchor{}, waitErr(ctx, "waiting for "+txid, w)
		}
	}
	raw, err := n.hexCall(ctx, "getblock", block.String(), 0)
	if err != nil {
		return anchor.Anchor{}, err
	}
	an := anchor.Anchor{Chain: chain, TxID: txid}
	if err := fillFromBlock(&an, raw); err != nil {
		return anchor.Anchor{}, fmt.Errorf("getblock %s: %w", block, err)
	}
	if got := btc.DoubleSHA256(an.Headers[0]); got != block {
		return anchor.Anchor{}, fmt.Errorf("getblock %s: the node's block hashes to %s", block, got)
	}
	for i := int64(1); i < int64(w.confirm); i++ {
		h, err := n.blockHash(ctx, height+i)
		if err != nil {
			return anchor.Anchor{}, err
		}
		hdr, err := n.header(ctx, h)
		if err != nil {
			return anchor.Anchor{}, err
		}
		an.Headers = append(an.Headers, hdr)
	}
	tx, err := btc.ParseTx(an.RawTx)
	if err != nil {
		return anchor.Anchor{}, err
	}
	if len(tx.Inputs[0].Witness) > 0 {
		amount, err := n.prevoutAmount(ctx, tx, block)
		if err != nil {
			return anchor.Anchor{}, fmt.Errorf("the amount input 0 spends (its signature, which proves the sender, commits to it): %w; give --raw-tx/--block files and --prevout-amount instead", err)
		}
		an.PrevoutAmount = &amount
	}
	return an, nil
}

// prevoutAmount returns the value of the output input 0 of tx spends:
// from the previous transaction's bytes (getrawtransaction, with the
// node's transaction index), else from bitcoind's getblock verbosity 3.
// The anchor's signature commits to the amount, so a wrong one fails the
// self-check.
func (n *btcNode) prevoutAmount(ctx context.Context, tx *btc.Tx, block btc.Hash) (int64, error) {
	in := tx.Inputs[0]
	raw, err := n.hexCall(ctx, "getrawtransaction", in.PrevTxID.String(), 0)
	if err == nil {
		prev, err := btc.ParseTx(raw)
		if err != nil {
			return 0, fmt.Errorf("getrawtransaction %s: %w", in.PrevTxID, err)
		}
		if prev.TxID() != in.PrevTxID {
			return 0, fmt.Errorf("getrawtransaction %s: the node's transaction has id %s", in.PrevTxID, prev.TxID())
		}
		if int(in.PrevIndex) >= len(prev.Outputs) {
			return 0, fmt.Errorf("getrawtransaction %s: no output %d", in.PrevTxID, in.PrevIndex)
		}
		return prev.Outputs[in.PrevIndex].Value, nil
	}
	var blk struct {
		Tx []struct {
			TxID string `json:"txid"`
			Vin  []struct {
				Prevout *struct {
					Value json.Number `json:"value"`
				} `json:"prevout"`
			} `json:"vin"`
		} `json:"tx"`
	}
	if err2 := n.c.Call(ctx, "getblock", &blk, block.String(), 3); err2 != nil {
		return 0, fmt.Errorf("%v; %v", err, err2)
	}
	for _, t := range blk.Tx {
		if t.TxID == tx.TxID().String() && len(t.Vin) > 0 && t.Vin[0].Prevout != nil {
			return btcToSats("getblock prevout value", t.Vin[0].Prevout.Value)
		}
	}
	return 0, fmt.Errorf("getblock %s: no prevout for input 0", block)
}

// btcToSats converts an RPC amount in BTC (at most 8 decimals) to
// satoshis exactly.
func btcToSats(field string, v json.Number) (int64, error) {
	s := string(v)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 8 || whole == "" || strings.HasPrefix(whole, "-") || strings.ContainsAny(s, "eE+") {
		return 0, fmt.Errorf("%s: %q is not an amount of BTC", field, truncate(s))
	}
	frac += strings.Repeat("0", 8-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w > btc.MaxMoney/100_000_000 {
		return 0, fmt.Errorf("%s: %q is not an amount of BTC", field, truncate(s))
	}
	sats := w*100_000_000 + f
	if sats > btc.MaxMoney {
		return 0, fmt.Errorf("%s: %q is above the money supply", field, truncate(s))
	}
	return sats, nil
}

// extend appends to an the node's main-chain headers after its last
// one, up to limit headers in all, and returns how many it added.
func (n *btcNode) extend(ctx context.Context, an *anchor.Anchor, limit int) (int, error) {
	last := btc.DoubleSHA256(an.Headers[len(an.Headers)-1])
	height, conf, err := n.headerInfo(ctx, last)
	if err != nil {
		return 0, err
	}
	if conf < 1 {
		return 0, fmt.Errorf("block %s is not on the node's main chain", last)
	}
	added := 0
	for h := height + 1; len(an.Headers) < limit && h < height+conf; h++ {
		hash, err := n.blockHash(ctx, h)
		if err != nil {
			return added, err
		}
		hdr, err := n.header(ctx, hash)
		if err != nil {
			return added, err
		}
		an.Headers = append(an.Headers, hdr)
		added++
	}
	return added, nil
}

// spendable is an unspent output of the key's address.
type spendable struct {
	utxo          btc.UTXO
	confirmations int64
	coinbase      bool
}

func (s spendable) mature() bool {
	return s.confirmations >= 1 && (!s.coinbase || s.confirmations >= coinbaseMaturity)
}

// unspent lists confirmed unspent outputs paying to script: bitcoind's
// scantxoutset, else (btcd, which has no UTXO scan) searchrawtransactions
// with the node's address index, each output checked with gettxout.
func (n *btcNode) unspent(ctx context.Context, addr btc.Address, script []byte, enough int) ([]spendable, error) {
	var scan struct {
		Success  bool  `json:"success"`
		Height   int64 `json:"height"`
		Unspents []struct {
			TxID         string      `json:"txid"`
			Vout         uint32      `json:"vout"`
			ScriptPubKey string      `json:"scriptPubKey"`
			Amount       json.Number `json:"amount"`
			Coinbase     bool        `json:"coinbase"`
			Height       int64       `json:"height"`
		} `json:"unspents"`
	}
	// A scan of the whole UTXO set takes minutes on mainnet.
	err := n.c.WithTimeout(scanTimeout).Call(ctx, "scantxoutset", &scan, "start", []string{"addr(" + addr.String() + ")"})
	if err == nil {
		var out []spendable
		for _, u := range scan.Unspents {
			if u.ScriptPubKey != hex.EncodeToString(script) {
				continue
			}
			id, err := btc.ParseHash(u.TxID)
			if err != nil {
				return nil, fmt.Errorf("scantxoutset: txid: %v", err)
			}
			amount, err := btcToSats("scantxoutset amount", u.Amount)
			if err != nil {
				return nil, err
			}
			out = append(out, spendable{utxo: btc.UTXO{TxID: id, Vout: u.Vout, Amount: amount},
				confirmations: scan.Height - u.Height + 1, coinbase: u.Coinbase})
		}
		return out, nil
	}
	if !jsonrpc.IsMethodNotFound(err) {
		return nil, err
	}
	// btcd: the transactions touching the address (needs --addrindex),
	// oldest first, a page at a time.
	var out []spendable
	const page = 100
	for skip := 0; skip < 100*page && len(out) < enough; skip += page {
		var txs []string
		err := n.c.Call(ctx, "searchrawtransactions", &txs, addr.String(), 0, skip, page)
		if err != nil {
			var e *jsonrpc.Error
			if errors.As(err, &e) && e.Code == -5 && skip == 0 {
				return nil, nil // btcd: "No information available about address"
			}
			if errors.As(err, &e) && e.Code == -5 {
				break
			}
			if jsonrpc.IsMethodNotFound(err) || (errors.As(err, &e) && strings.Contains(e.Message, "index")) {
				return nil, fmt.Errorf("the node can list neither unspent outputs (scantxoutset, bitcoind) nor an address's transactions (searchrawtransactions, btcd --addrindex --txindex): %w; give --utxo TXID:VOUT:SATS", err)
			}
			return nil, err
		}
		for _, h := range txs {
			raw, err := hex.DecodeString(h)
			if err != nil {
				return nil, fmt.Errorf("searchrawtransactions: not hex")
			}
			tx, err := btc.ParseTx(raw)
			if err != nil {
				return nil, fmt.Errorf("searchrawtransactions: %w", err)
			}
			for vout, o := range tx.Outputs {
				if !bytes.Equal(o.PkScript, script) {
					continue
				}
				var txout *struct {
					Confirmations int64 `json:"confirmations"`
					Coinbase      bool  `json:"coinbase"`
				}
				if err := n.c.Call(ctx, "gettxout", &txout, tx.TxID().String(), vout, false); err != nil {
					return nil, err
				}
				if txout == nil {
					continue // spent
				}
				// The amount is read from the transaction's bytes, whose
				// id was computed here, not from the node's word.
				out = append(out, spendable{utxo: btc.UTXO{TxID: tx.TxID(), Vout: uint32(vout), Amount: o.Value},
					confirmations: txout.Confirmations, coinbase: txout.Coinbase})
			}
		}
		if len(txs) < page {
			break
		}
	}
	return out, nil
}

// feeRate asks the node for a fee rate in sat/kvB for confirmation in 6
// blocks (bitcoind estimatesmartfee); 0 if it has no estimate.
func (n *btcNode) feeRate(ctx context.Context) int64 {
	var est struct {
		FeeRate *json.Number `json:"feerate"`
	}
	if err := n.c.Call(ctx, "estimatesmartfee", &est, 6); err != nil || est.FeeRate == nil {
		return 0
	}
	sats, err := btcToSats("estimatesmartfee", *est.FeeRate)
	if err != nil {
		return 0
	}
	return sats
}
