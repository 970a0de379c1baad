package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/onchaincert/microcred/cmd/microcred/internal/jsonrpc"
)

// ethNode is an Ethereum execution client's JSON-RPC endpoint.
type ethNode struct{ c *jsonrpc.Client }

func isEthereum(c anchor.Chain) bool {
	return c == anchor.ChainEthereumMainnet || c == anchor.ChainEthereumSepolia || c == anchor.ChainEthereumDev
}

// quantity calls method and reads its result as a quantity of at most
// bits bits.
func (n *ethNode) quantity(ctx context.Context, method string, bits int, params ...any) (*big.Int, error) {
	var s string
	if err := n.c.Call(ctx, method, &s, params...); err != nil {
		return nil, err
	}
	return parseQuantity(method, s, bits)
}

// chainID returns the node's EIP-155 chain id; 0, which names no chain,
// is refused.
func (n *ethNode) chainID(ctx context.Context) (uint64, error) {
	id, err := n.quantity(ctx, "eth_chainId", 64)
	if err != nil {
		return 0, err
	}
	if id.Sign() == 0 {
		return 0, fmt.Errorf("eth_chainId: the node's chain id is 0, which names no chain (EIP-155): refused")
	}
	return id.Uint64(), nil
}

// checkChain refuses a node whose chain id does not fit chain.
func (n *ethNode) checkChain(ctx context.Context, chain anchor.Chain) (uint64, error) {
	id, err := n.chainID(ctx)
	if err != nil {
		return 0, err
	}
	ok := false
	switch chain {
	case anchor.ChainEthereumMainnet:
		ok = id == 1
	case anchor.ChainEthereumSepolia:
		ok = id == 11155111
	case anchor.ChainEthereumDev:
		ok = id != 1 && id != 11155111
	}
	if !ok {
		return 0, fmt.Errorf("--rpc: the node's chain id %d is not %s", id, chain)
	}
	return id, nil
}

// rpcTx is a transaction object of eth_getBlockBy*(…, true).
type rpcTx struct {
	Hash                 string  `json:"hash"`
	Type                 *string `json:"type"`
	ChainID              *string `json:"chainId"`
	Nonce                string  `json:"nonce"`
	GasPrice             *string `json:"gasPrice"`
	MaxPriorityFeePerGas *string `json:"maxPriorityFeePerGas"`
	MaxFeePerGas         *string `json:"maxFeePerGas"`
	Gas                  string  `json:"gas"`
	To                   *string `json:"to"`
	Value                string  `json:"value"`
	Input                string  `json:"input"`
	AccessList           []struct {
		Address     string   `json:"address"`
		StorageKeys []string `json:"storageKeys"`
	} `json:"accessList"`
	V string `json:"v"`
	R string `json:"r"`
	S string `json:"s"`
}

// rpcBlock is a block of eth_getBlockByNumber(…, true).
type rpcBlock struct {
	Hash                  string  `json:"hash"`
	ParentHash            string  `json:"parentHash"`
	Sha3Uncles            string  `json:"sha3Uncles"`
	Miner                 string  `json:"miner"`
	StateRoot             string  `json:"stateRoot"`
	TransactionsRoot      string  `json:"transactionsRoot"`
	ReceiptsRoot          string  `json:"receiptsRoot"`
	LogsBloom             string  `json:"logsBloom"`
	Difficulty            string  `json:"difficulty"`
	Number                string  `json:"number"`
	GasLimit              string  `json:"gasLimit"`
	GasUsed               string  `json:"gasUsed"`
	Timestamp             string  `json:"timestamp"`
	ExtraData             string  `json:"extraData"`
	MixHash               string  `json:"mixHash"`
	Nonce                 string  `json:"nonce"`
	BaseFeePerGas         *string `json:"baseFeePerGas"`
	WithdrawalsRoot       *string `json:"withdrawalsRoot"`
	BlobGasUsed           *string `json:"blobGasUsed"`
	ExcessBlobGas         *string `json:"excessBlobGas"`
	ParentBeaconBlockRoot *string `json:"parentBeaconBlockRoot"`
	RequestsHash          *string `json:"requestsHash"`
	Transactions          []rpcTx `json:"transactions"`
}

// fieldDecoder reads the hex fields of a JSON-RPC object; the first
// failure is kept and names the field.
type fieldDecoder struct {
	what string
	err  error
}

func (d *fieldDecoder) fail(field string, err error) {
	if d.err == nil {
		d.err = fmt.Errorf("%s: %s: %v", d.what, field, err)
	}
}

func (d *fieldDecoder) data(field, s string, size int) []byte {
	h, ok := strings.CutPrefix(s, "0x")
	b, err := hex.DecodeString(h)
	if !ok || err != nil {
		d.fail(field, fmt.Errorf("%q is not 0x-prefixed hex", truncate(s)))
		return nil
	}
	if size >= 0 && len(b) != size {
		d.fail(field, fmt.Errorf("%d bytes, want %d", len(b), size))
		return nil
	}
	return b
}

func (d *fieldDecoder) hash(field, s string) eth.Hash {
	return eth.Hash(d.fixed(field, s, 32))
}

func (d *fieldDecoder) fixed(field, s string, size int) []byte {
	b := d.data(field, s, size)
	if b == nil {
		return make([]byte, size)
	}
	return b
}

func (d *fieldDecoder) big(field, s string) *big.Int {
	v, err := parseQuantity(field, s, 256)
	if err != nil {
		d.fail(field, err)
		return new(big.Int)
	}
	return v
}

func (d *fieldDecoder) u64(field, s string) uint64 {
	v, err := parseQuantity(field, s, 64)
	if err != nil {
		d.fail(field, err)
		return 0
	}
	return v.Uint64()
}

// header builds the RLP header from the block's fields and checks that
// it hashes to the block hash the node gave.
func (b *rpcBlock) header() ([]byte, *eth.Header, error) {
	d := &fieldDecoder{what: "block " + truncate(b.Number)}
	h := &eth.Header{
		ParentHash: d.hash("parentHash", b.ParentHash), UncleHash: d.hash("sha3Uncles", b.Sha3Uncles),
		Coinbase:  eth.Address(d.fixed("miner", b.Miner, 20)),
		StateRoot: d.hash("stateRoot", b.StateRoot), TxRoot: d.hash("transactionsRoot", b.TransactionsRoot),
		ReceiptRoot: d.hash("receiptsRoot", b.ReceiptsRoot),
		Bloom:       [256]byte(d.fixed("logsBloom", b.LogsBloom, 256)),
		Difficulty:  d.big("difficulty", b.Difficulty), Number: d.u64("number", b.Number),
		GasLimit: d.u64("gasLimit", b.GasLimit), GasUsed: d.u64("gasUsed", b.GasUsed),
		Time: d.u64("timestamp", b.Timestamp), Extra: d.data("extraData", b.ExtraData, -1),
		MixDigest: d.hash("mixHash", b.MixHash), Nonce: [8]byte(d.fixed("nonce", b.Nonce, 8)),
	}
	if b.BaseFeePerGas != nil {
		h.BaseFee = d.big("baseFeePerGas", *b.BaseFeePerGas)
	}
	opt := func(field string, s *string) *eth.Hash {
		if s == nil {
			return nil
		}
		v := d.hash(field, *s)
		return &v
	}
	optU := func(field string, s *string) *uint64 {
		if s == nil {
			return nil
		}
		v := d.u64(field, *s)
		return &v
	}
	h.WithdrawalsRoot = opt("withdrawalsRoot", b.WithdrawalsRoot)
	h.BlobGasUsed = optU("blobGasUsed", b.BlobGasUsed)
	h.ExcessBlobGas = optU("excessBlobGas", b.ExcessBlobGas)
	h.ParentBeaconRoot = opt("parentBeaconBlockRoot", b.ParentBeaconBlockRoot)
	h.RequestsHash = opt("requestsHash", b.RequestsHash)
	want := d.hash("hash", b.Hash)
	if d.err != nil {
		return nil, nil, d.err
	}
	raw, err := h.MarshalBinary()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: encoding the header: %w", d.what, err)
	}
	// Parse what we encoded: the verifier will, and a layout it does not
	// know must fail here.
	parsed, err := eth.ParseHeader(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", d.what, err)
	}
	got, err := parsed.Hash()
	if err != nil {
		return nil, nil, err
	}
	if got != want {
		return nil, nil, fmt.Errorf("%s: the header built from the node's fields hashes to %s, the node says %s (a field this version does not know?)", d.what, got, want)
	}
	return raw, parsed, nil
}

// raw rebuilds a transaction's signed encoding from its JSON fields and
// checks that it hashes to the hash the node gave.
func (t *rpcTx) raw() ([]byte, error) {
	d := &fieldDecoder{what: "transaction " + truncate(t.Hash)}
	tx := &eth.Tx{Nonce: d.u64("nonce", t.Nonce), Gas: d.u64("gas", t.Gas), Value: d.big("value", t.Value),
		Data: d.data("input", t.Input, -1), V: d.u64("v", t.V), R: d.big("r", t.R), S: d.big("s", t.S)}
	typ := uint64(0)
	if t.Type != nil {
		typ = d.u64("type", *t.Type)
	}
	tx.Type = eth.TxType(typ)
	if typ > 2 {
		return nil, fmt.Errorf("%s: type %d is not one this version can rebuild (legacy, 1, 2)", d.what, typ)
	}
	if t.To != nil {
		a := eth.Address(d.fixed("to", *t.To, 20))
		tx.To = &a
	}
	if t.ChainID != nil {
		tx.ChainID = d.u64("chainId", *t.ChainID)
	}
	need := func(field string, s *string) *big.Int {
		if s == nil {
			d.fail(field, fmt.Errorf("missing"))
			return new(big.Int)
		}
		return d.big(field, *s)
	}
	switch typ {
	case 0:
		tx.GasPrice = need("gasPrice", t.GasPrice)
		// Legacy: the chain id is in v (EIP-155), 0 before it.
		if tx.V >= 35 {
			tx.ChainID = (tx.V - 35) / 2
		} else {
			tx.ChainID = 0
		}
	case 1:
		tx.GasPrice = need("gasPrice", t.GasPrice)
	case 2:
		tx.GasTipCap = need("maxPriorityFeePerGas", t.MaxPriorityFeePerGas)
		tx.GasFeeCap = need("maxFeePerGas", t.MaxFeePerGas)
	}
	if typ != 0 {
		for i, a := range t.AccessList {
			at := eth.AccessTuple{Address: eth.Address(d.fixed(fmt.Sprintf("accessList[%d].address", i), a.Address, 20))}
			for j, k := range a.StorageKeys {
				at.StorageKeys = append(at.StorageKeys, d.hash(fmt.Sprintf("accessList[%d].storageKeys[%d]", i, j), k))
			}
			tx.AccessList = append(tx.AccessList, at)
		}
	}
	want := d.hash("hash", t.Hash)
	if d.err != nil {
		return nil, d.err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.what, err)
	}
	if got := eth.Keccak256(raw); got != want {
		return nil, fmt.Errorf("%s: rebuilt from the node's fields it hashes to %s", d.what, got)
	}
	return raw, nil
}

// rawTx returns a block transaction's signed bytes: rebuilt from its
// fields, or for a kind this version cannot rebuild (blob and set-code
// transactions, a node's own types) from eth_getRawTransactionByHash
// (geth and most clients), checked to hash to the transaction's hash.
func (n *ethNode) rawTx(ctx context.Context, t *rpcTx) ([]byte, error) {
	raw, err := t.raw()
	if err == nil {
		return raw, nil
	}
	var s string
	if err2 := n.c.Call(ctx, "eth_getRawTransactionByHash", &s, t.Hash); err2 != nil {
		return nil, fmt.Errorf("%v; %v", err, err2)
	}
	d := &fieldDecoder{what: "eth_getRawTransactionByHash " + truncate(t.Hash)}
	b := d.data("result", s, -1)
	want := d.hash("hash", t.Hash)
	if d.err != nil {
		return nil, d.err
	}
	if got := eth.Keccak256(b); got != want {
		return nil, fmt.Errorf("%s: the node's bytes hash to %s", d.what, got)
	}
	return b, nil
}

// block fetches block number with its transactions; nil if the node has
// none at that height.
func (n *ethNode) block(ctx context.Context, number uint64) (*rpcBlock, error) {
	var b *rpcBlock
	if err := n.c.Call(ctx, "eth_getBlockByNumber", &b, fmt.Sprintf("0x%x", number), true); err != nil {
		return nil, err
	}
	return b, nil
}

// baseFee returns the latest block's base fee, nil before London.
func (n *ethNode) baseFee(ctx context.Context) (*big.Int, error) {
	var b *struct {
		BaseFeePerGas *string `json:"baseFeePerGas"`
	}
	if err := n.c.Call(ctx, "eth_getBlockByNumber", &b, "latest", false); err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("eth_getBlockByNumber latest: no block")
	}
	if b.BaseFeePerGas == nil {
		return nil, nil
	}
	return parseQuantity("baseFeePerGas", *b.BaseFeePerGas, 256)
}

// evidence waits until the transaction hash txid has w.confirm
// confirmations, then returns its anchor (raw transaction, index, trie
// proof, the anchor block's header and w.confirm-1 successors) and the
// hash of the newest header.
func (n *ethNode) evidence(ctx context.Context, chain anchor.Chain, txid string, w *waitFlags, stderr io.Writer) (anchor.Anchor, string, error) {
	want, err := eth.ParseHash(txid)
	if err != nil {
		return anchor.Anchor{}, "", usagef("--txid: %v", err)
	}
	var number, index uint64
	var blockHash string
	announcedTx, announcedBlock := false, false
	for {
		var rcpt *struct {
			BlockHash        string `json:"blockHash"`
			BlockNumber      string `json:"blockNumber"`
			TransactionIndex string `json:"transactionIndex"`
			Status           string `json:"status"`
		}
		if err := n.c.Call(ctx, "eth_getTransactionReceipt", &rcpt, want.String()); err != nil {
			return anchor.Anchor{}, "", err
		}
		if rcpt != nil && rcpt.BlockNumber != "" {
			d := &fieldDecoder{what: "eth_getTransactionReceipt"}
			number, index = d.u64("blockNumber", rcpt.BlockNumber), d.u64("transactionIndex", rcpt.TransactionIndex)
			blockHash = d.hash("blockHash", rcpt.BlockHash).String()
			if d.err != nil {
				return anchor.Anchor{}, "", d.err
			}
			if rcpt.Status != "0x1" {
				return anchor.Anchor{}, "", fmt.Errorf("transaction %s failed in block %d (status %q)", want, number, truncate(rcpt.Status))
			}
			tip, err := n.quantity(ctx, "eth_blockNumber", 64)
			if err != nil {
				return anchor.Anchor{}, "", err
			}
			if tip.Uint64()+1 >= number+uint64(w.confirm) {
				break
			}
			if !announcedBlock {
				fmt.Fprintf(stderr, "%s is in block %d; waiting for %d confirmations\n", want, number, w.confirm)
				announcedBlock = true
			}
		} else if !announcedTx {
			fmt.Fprintf(stderr, "waiting for %s to be mined\n", want)
			announcedTx = true
		}
		if err := sleep(ctx, w.poll); err != nil {
			return anchor.Anchor{}, "", waitErr(ctx, "waiting for "+want.String(), w)
		}
	}
	b, err := n.block(ctx, number)
	if err != nil {
		return anchor.Anchor{}, "", err
	}
	if b == nil || b.Hash != blockHash {
		return anchor.Anchor{}, "", fmt.Errorf("block %d is not the block %s the receipt names (reorganized? run again)", number, blockHash)
	}
	raw, hdr, err := b.header()
	if err != nil {
		return anchor.Anchor{}, "", err
	}
	if index >= uint64(len(b.Transactions)) || b.Transactions[index].Hash != want.String() {
		return anchor.Anchor{}, "", fmt.Errorf("block %d: transaction %d is not %s", number, index, want)
	}
	txs := make([][]byte, len(b.Transactions))
	for i := range b.Transactions {
		if txs[i], err = n.rawTx(ctx, &b.Transactions[i]); err != nil {
			return anchor.Anchor{}, "", err
		}
	}
	root, proof, err := eth.TxProof(txs, index)
	if err != nil {
		return anchor.Anchor{}, "", err
	}
	if root != hdr.TxRoot {
		return anchor.Anchor{}, "", fmt.Errorf("block %d: the trie of its %d transactions has root %s, the header says %s", number, len(txs), root, hdr.TxRoot)
	}
	an := anchor.Anchor{Chain: chain, TxID: want.String(), RawTx: txs[index], TxIndex: uint32(index), Branch: proof, Headers: [][]byte{raw}}
	tip := b.Hash
	for i := uint64(1); i < uint64(w.confirm); i++ {
		next, err := n.block(ctx, number+i)
		if err != nil {
			return anchor.Anchor{}, "", err
		}
		if next == nil {
			return anchor.Anchor{}, "", fmt.Errorf("block %d: the node has none", number+i)
		}
		raw, _, err := next.header()
		if err != nil {
			return anchor.Anchor{}, "", err
		}
		an.Headers = append(an.Headers, raw)
		tip = next.Hash
	}
	return an, tip, nil
}

// extend appends to an the node's headers after its last one, up to
// limit in all, and returns the hash of the newest and how many it added.
func (n *ethNode) extend(ctx context.Context, an *anchor.Anchor, limit int) (string, int, error) {
	last, err := eth.ParseHeader(an.Headers[len(an.Headers)-1])
	if err != nil {
		return "", 0, err
	}
	lastHash, err := last.Hash()
	if err != nil {
		return "", 0, err
	}
	b, err := n.block(ctx, last.Number)
	if err != nil {
		return "", 0, err
	}
	if b == nil || b.Hash != lastHash.String() {
		return "", 0, fmt.Errorf("block %s is not on the node's chain", lastHash)
	}
	tip := lastHash.String()
	added := 0
	for num := last.Number + 1; len(an.Headers) < limit; num++ {
		next, err := n.block(ctx, num)
		if err != nil {
			return "", added, err
		}
		if next == nil {
			break
		}
		raw, _, err := next.header()
		if err != nil {
			return "", added, err
		}
		an.Headers = append(an.Headers, raw)
		tip = next.Hash
		added++
	}
	return tip, added, nil
}
