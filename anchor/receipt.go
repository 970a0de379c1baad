package anchor

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/onchaincert/microcred/internal/mtree"
	"math"
	"strings"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// receiptVersion is the receipt format version this package writes and
// the only one it reads.
const receiptVersion = 1

// Caps on receipt contents.
const (
	maxAnchors        = mtree.MaxAnchors       // anchors in one receipt (16)
	maxAnchorHeaders  = mtree.MaxAnchorHeaders // headers in one anchor (2016, two weeks of Bitcoin blocks)
	maxRawTxBytes     = mtree.MaxRawTxBytes    // raw anchor transaction (100,000 bytes, the standardness limit)
	maxTxIDLen        = 256
	maxReceiptJSONLen = limits.MaxCredentialBytes
)

// Chain names the network an anchor was written to.
type Chain string

const (
	ChainBitcoinMainnet  Chain = "bitcoin-mainnet"
	ChainBitcoinTestnet  Chain = "bitcoin-testnet"
	ChainBitcoinRegtest  Chain = "bitcoin-regtest"
	ChainEthereumMainnet Chain = "ethereum-mainnet"
	ChainEthereumSepolia Chain = "ethereum-sepolia"
	// ChainEthereumDev is declared in ethereum.go.
	// ChainMock is a test anchor on no chain at all (Blockcerts mocknet).
	ChainMock Chain = "mock"
)

func (c Chain) known() bool {
	switch c {
	case ChainBitcoinMainnet, ChainBitcoinTestnet, ChainBitcoinRegtest,
		ChainEthereumMainnet, ChainEthereumSepolia, ChainEthereumDev, ChainMock:
		return true
	}
	return false
}

func (c Chain) bitcoin() bool {
	return c == ChainBitcoinMainnet || c == ChainBitcoinTestnet || c == ChainBitcoinRegtest
}

// Final reports whether anchors on c can carry economic finality: only
// the main networks. Testnet, regtest and mock anchors cannot.
func (c Chain) Final() bool { return c == ChainBitcoinMainnet || c == ChainEthereumMainnet }

// Receipt is the self-contained evidence that one credential is in an
// anchored batch. Build one with [Tree.Receipt], read one with
// [ParseReceipt], check it with [Receipt.Verify].
//
// JSON form (version 1; hex is lowercase):
//
//	{"version":1, "mode":"rfc6962"|"blockcerts", "leaf":hex32, "index":n,
//	 "treeSize":n, "path":[hex32…], "root":hex32, "anchors":[Anchor…]}
//
// A slim receipt ([Tree.SharedReceipt]) has "evidence":[EvidenceRef]
// instead of "anchors": its anchors are in the batch's shared [Evidence],
// and it is checked with [Receipt.VerifyEvidence]. A receipt has exactly
// one of the two members.
//
// For mode "blockcerts" the path is the plain sibling list too; the sides
// follow from index and treeSize (package anchor/merkle2019 writes the {left|right} form).
type Receipt struct {
	Version int
	Mode    Mode
	Leaf    []byte
	Index   uint64
	Size    uint64
	Path    [][]byte
	Root    []byte
	Anchors []Anchor
	// Evidence references the batch's shared evidence (a slim receipt,
	// which then has no Anchors); nil for a receipt that carries its
	// anchors.
	Evidence *EvidenceRef
}

// Anchor is one on-chain anchor of the root and the evidence for it.
//
// JSON form: {"chain":…, "txid":…, "rawTx":hex, "prevoutAmount":n,
// "txIndex":n, "branch":[hex32…], "headers":[hex80…]}; all but chain and
// txid are optional, txIndex is present exactly when headers are, and
// prevoutAmount only on Bitcoin chains with rawTx. (prevoutAmount was
// added in this version's format; readers before it refuse it as an
// unknown member, and their receipts without it still read, graded as
// [Receipt.Verify] says.)
type Anchor struct {
	Chain Chain
	// TxID is the transaction id as explorers show it: for Bitcoin 64 hex
	// digits in display (reversed) order, for Ethereum "0x" and 64 hex
	// digits; for mock any non-empty label.
	TxID string
	// RawTx is the transaction's full serialization (L2 evidence).
	// Ethereum evidence is described in ethereum.go: RawTx is the raw
	// signed transaction, Branch the transactions-trie proof (root node
	// first) and Headers RLP block headers.
	RawTx []byte
	// PrevoutAmount is the value in satoshis of the output the
	// transaction's input 0 spends (Bitcoin). The sender's signature
	// commits to it when input 0 is segwit (BIP 143), so without it such
	// an anchor's sender is unproven and the anchor stops at L1
	// ([ErrSenderUnproven]); a legacy P2PKH input needs none. Nil when
	// absent.
	PrevoutAmount *int64
	// TxIndex is the transaction's position in its block (L3).
	TxIndex uint32
	// Branch is the block merkle branch, leaf to root, in internal byte
	// order (the bytes hashed, not the reversed display form) (L3).
	Branch [][]byte
	// Headers are raw 80-byte block headers: Headers[0] is the block
	// holding the transaction (L3), the rest follow it in order (L4).
	Headers [][]byte
}

// Receipt returns the receipt for leaf index with the given anchors, at
// the tree's current size. Errors are those of [Tree.Path].
func (t *Tree) Receipt(index uint64, anchors ...Anchor) (*Receipt, error) {
	path, err := t.Path(index)
	if err != nil {
		return nil, err
	}
	root, err := t.Root()
	if err != nil {
		return nil, err
	}
	leaf := t.leafAt(index)
	if leaf == nil {
		return nil, fmt.Errorf("%w: leaf %d was not recorded", ErrNoProofs, index)
	}
	return &Receipt{
		Version: receiptVersion,
		Mode:    t.mode,
		Leaf:    leaf,
		Index:   index,
		Size:    t.size,
		Path:    path,
		Root:    root,
		Anchors: cloneAnchors(anchors),
	}, nil
}

func cloneAnchors(in []Anchor) []Anchor {
	if len(in) == 0 {
		return nil
	}
	out := make([]Anchor, len(in))
	for i, a := range in {
		out[i] = Anchor{Chain: a.Chain, TxID: a.TxID, RawTx: bytes.Clone(a.RawTx), TxIndex: a.TxIndex,
			Branch: cloneList(a.Branch), Headers: cloneList(a.Headers)}
		if a.PrevoutAmount != nil {
			amount := *a.PrevoutAmount
			out[i].PrevoutAmount = &amount
		}
	}
	return out
}

func cloneList(in [][]byte) [][]byte {
	if in == nil {
		return nil
	}
	out := make([][]byte, len(in))
	for i, b := range in {
		out[i] = bytes.Clone(b)
	}
	return out
}

type anchorJSON struct {
	Chain   Chain    `json:"chain"`
	TxID    string   `json:"txid"`
	RawTx   string   `json:"rawTx,omitempty"`
	Amount  *int64   `json:"prevoutAmount,omitempty"`
	TxIndex *uint32  `json:"txIndex,omitempty"`
	Branch  []string `json:"branch,omitempty"`
	Headers []string `json:"headers,omitempty"`
}

type receiptJSON struct {
	Version  int              `json:"version"`
	Mode     string           `json:"mode"`
	Leaf     string           `json:"leaf"`
	Index    uint64           `json:"index"`
	TreeSize uint64           `json:"treeSize"`
	Path     []string         `json:"path"`
	Root     string           `json:"root"`
	Anchors  *[]anchorJSON    `json:"anchors,omitempty"`
	Evidence *evidenceRefJSON `json:"evidence,omitempty"`
}

func hexList(in [][]byte) []string {
	out := make([]string, len(in))
	for i, b := range in {
		out[i] = hex.EncodeToString(b)
	}
	return out
}

// MarshalJSON writes the receipt's JSON form. It refuses a receipt that
// [ParseReceipt] would refuse to read back.
func (r *Receipt) MarshalJSON() ([]byte, error) {
	j := receiptJSON{
		Version: r.Version, Mode: r.Mode.String(), Leaf: hex.EncodeToString(r.Leaf),
		Index: r.Index, TreeSize: r.Size, Path: hexList(r.Path), Root: hex.EncodeToString(r.Root),
	}
	if r.Evidence != nil {
		if len(r.Anchors) > 0 {
			return nil, fmt.Errorf("%w: a receipt has both anchors and shared evidence", ErrMalformedReceipt)
		}
		j.Evidence = &evidenceRefJSON{SHA256: hex.EncodeToString(r.Evidence.SHA256), Name: r.Evidence.Name}
	} else {
		anchors := anchorsJSON(r.Anchors)
		j.Anchors = &anchors
	}
	out, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	if _, err := ParseReceipt(out); err != nil {
		return nil, fmt.Errorf("marshaling receipt: %w", err)
	}
	return out, nil
}

// anchorsJSON returns the JSON form of anchors ([] for none).
func anchorsJSON(anchors []Anchor) []anchorJSON {
	out := []anchorJSON{}
	for _, a := range anchors {
		aj := anchorJSON{Chain: a.Chain, TxID: a.TxID, RawTx: hex.EncodeToString(a.RawTx), Amount: a.PrevoutAmount,
			Branch: hexList(a.Branch), Headers: hexList(a.Headers)}
		if len(a.Headers) > 0 {
			idx := a.TxIndex
			aj.TxIndex = &idx
		}
		if len(a.Branch) == 0 {
			aj.Branch = nil
		}
		if len(a.Headers) == 0 {
			aj.Headers = nil
		}
		out = append(out, aj)
	}
	return out
}

// ParseReceipt reads a receipt strictly: at most 1 MiB of strict JSON (no
// duplicate keys), only the members listed on [Receipt] and [Anchor]
// with the exact case, version receiptVersion, a known mode and chain,
// lowercase hex of the right lengths, integers that are exact, index <
// treeSize, at most 64 path entries, 16 anchors and
// 2016 headers per anchor, and exactly one of anchors and evidence (an
// [EvidenceRef] whose name follows its rules). It does not verify
// anything; call [Receipt.Verify], or [Receipt.VerifyEvidence] for a
// slim receipt. Errors wrap [ErrMalformedReceipt] or
// errUnsupportedVersion; on error the receipt is nil.
func ParseReceipt(data []byte) (*Receipt, error) {
	v, err := strictjson.Decode(data, strictjson.Limits{MaxBytes: maxReceiptJSONLen, MaxDepth: 8})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedReceipt, err)
	}
	p := &objParser{}
	r := p.receipt(v)
	if p.err != nil {
		return nil, p.err
	}
	return r, nil
}

// objParser walks a strictjson value; the first error sticks. It wraps
// kind, ErrMalformedReceipt when nil.
type objParser struct {
	err  error
	kind error
}

func (p *objParser) fail(format string, args ...any) {
	if p.err == nil {
		kind := p.kind
		if kind == nil {
			kind = ErrMalformedReceipt
		}
		p.err = fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))
	}
}

// object checks that v is an object whose members are all in allowed and
// include every name in required.
func (p *objParser) object(v any, where string, required, optional []string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		p.fail("%s is not an object", where)
		return nil
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			p.fail("%s lacks %q", where, k)
		}
	}
	for k := range m {
		if !contains(required, k) && !contains(optional, k) {
			p.fail("%s has unknown member %q", where, k)
		}
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *objParser) str(v any, where string) string {
	s, ok := v.(string)
	if !ok {
		p.fail("%s is not a string", where)
	}
	return s
}

func (p *objParser) uint(v any, where string, max uint64) uint64 {
	f, ok := v.(float64)
	// Integers beyond 2^53 are not exact in JSON readers; refuse them.
	if !ok || f < 0 || f != math.Trunc(f) || f > 1<<53 || uint64(f) > max {
		p.fail("%s is not an integer in [0, %d]", where, max)
		return 0
	}
	return uint64(f)
}

func (p *objParser) hexBytes(v any, where string, size, maxLen int) []byte {
	s := p.str(v, where)
	if p.err != nil {
		return nil
	}
	if (size > 0 && len(s) != 2*size) || len(s) > 2*maxLen {
		p.fail("%s has the wrong length", where)
		return nil
	}
	b, err := decodeHex(s)
	if err != nil {
		p.fail("%s: %v", where, err)
		return nil
	}
	return b
}

func (p *objParser) list(v any, where string, max int) []any {
	l, ok := v.([]any)
	if !ok {
		p.fail("%s is not an array", where)
		return nil
	}
	if len(l) > max {
		p.fail("%s has %d entries, more than %d", where, len(l), max)
		return nil
	}
	return l
}

func (p *objParser) receipt(v any) *Receipt {
	m := p.object(v, "receipt", []string{"version", "mode", "leaf", "index", "treeSize", "path", "root"}, []string{"anchors", "evidence"})
	if p.err != nil {
		return nil
	}
	// The version is read first so an unknown version is reported as such.
	if ver, ok := m["version"].(float64); !ok || ver != receiptVersion {
		p.err = fmt.Errorf("%w: %v", errUnsupportedVersion, m["version"])
		return nil
	}
	r := &Receipt{Version: receiptVersion}
	mode, err := parseMode(p.str(m["mode"], "mode"))
	if err != nil && p.err == nil {
		p.fail("%v", err)
	}
	r.Mode = mode
	r.Leaf = p.hexBytes(m["leaf"], "leaf", hashSize, hashSize)
	r.Index = p.uint(m["index"], "index", 1<<53)
	r.Size = p.uint(m["treeSize"], "treeSize", 1<<53)
	if p.err == nil && r.Index >= r.Size {
		p.fail("index %d is not below treeSize %d", r.Index, r.Size)
	}
	path := p.list(m["path"], "path", maxPath)
	r.Path = make([][]byte, len(path))
	for i, e := range path {
		r.Path[i] = p.hexBytes(e, fmt.Sprintf("path[%d]", i), hashSize, hashSize)
	}
	r.Root = p.hexBytes(m["root"], "root", hashSize, hashSize)
	an, hasAnchors := m["anchors"]
	ev, hasEvidence := m["evidence"]
	switch {
	case hasAnchors == hasEvidence:
		p.fail("receipt must have exactly one of anchors and evidence")
	case hasEvidence:
		r.Evidence = p.evidenceRef(ev)
	default:
		anchors := p.list(an, "anchors", maxAnchors)
		for i, a := range anchors {
			r.Anchors = append(r.Anchors, p.anchor(a, fmt.Sprintf("anchors[%d]", i)))
		}
	}
	if p.err != nil {
		return nil
	}
	return r
}

func (p *objParser) anchor(v any, where string) Anchor {
	m := p.object(v, where, []string{"chain", "txid"}, []string{"rawTx", "prevoutAmount", "txIndex", "branch", "headers"})
	if p.err != nil {
		return Anchor{}
	}
	a := Anchor{Chain: Chain(p.str(m["chain"], where+".chain")), TxID: p.str(m["txid"], where+".txid")}
	if p.err != nil {
		return Anchor{}
	}
	if !a.Chain.known() {
		p.fail("%s.chain %q is not a known chain", where, string(a.Chain))
	}
	switch {
	case a.Chain.bitcoin():
		if len(a.TxID) != 64 {
			p.fail("%s.txid is not 64 hex digits", where)
		} else if _, err := decodeHex(a.TxID); err != nil {
			p.fail("%s.txid: %v", where, err)
		}
	case a.Chain.ethereum():
		if len(a.TxID) != 66 || !strings.HasPrefix(a.TxID, "0x") {
			p.fail("%s.txid is not 0x and 64 hex digits", where)
		} else if _, err := decodeHex(a.TxID[2:]); err != nil {
			p.fail("%s.txid: %v", where, err)
		}
	default:
		if a.TxID == "" || len(a.TxID) > maxTxIDLen {
			p.fail("%s.txid must have 1 to %d bytes", where, maxTxIDLen)
		}
	}
	if raw, ok := m["rawTx"]; ok {
		a.RawTx = p.hexBytes(raw, where+".rawTx", 0, maxRawTxBytes)
		if p.err == nil && len(a.RawTx) == 0 {
			p.fail("%s.rawTx is empty", where)
		}
	}
	if amt, ok := m["prevoutAmount"]; ok {
		switch {
		case !a.Chain.bitcoin():
			p.fail("%s.prevoutAmount is for Bitcoin chains", where)
		case a.RawTx == nil:
			p.fail("%s.prevoutAmount needs rawTx", where)
		default:
			amount := int64(p.uint(amt, where+".prevoutAmount", btc.MaxMoney))
			a.PrevoutAmount = &amount
		}
	}
	branchSize, branchMax, headerSize, headerMax := a.Chain.evidenceLimits()
	if b, ok := m["branch"]; ok {
		l := p.list(b, where+".branch", 32)
		a.Branch = make([][]byte, len(l))
		for i, e := range l {
			a.Branch[i] = p.hexBytes(e, fmt.Sprintf("%s.branch[%d]", where, i), branchSize, branchMax)
			if p.err == nil && len(a.Branch[i]) == 0 {
				p.fail("%s.branch[%d] is empty", where, i)
			}
		}
	}
	if h, ok := m["headers"]; ok {
		l := p.list(h, where+".headers", maxAnchorHeaders)
		if p.err == nil && len(l) == 0 {
			p.fail("%s.headers is empty", where)
		}
		a.Headers = make([][]byte, len(l))
		for i, e := range l {
			a.Headers[i] = p.hexBytes(e, fmt.Sprintf("%s.headers[%d]", where, i), headerSize, headerMax)
			if p.err == nil && len(a.Headers[i]) == 0 {
				p.fail("%s.headers[%d] is empty", where, i)
			}
		}
	}
	_, hasIdx := m["txIndex"]
	if hasIdx != (len(a.Headers) > 0) {
		p.fail("%s: txIndex must be given exactly when headers are", where)
	}
	if hasIdx {
		a.TxIndex = uint32(p.uint(m["txIndex"], where+".txIndex", math.MaxUint32))
	}
	return a
}
