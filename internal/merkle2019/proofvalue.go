package merkle2019

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/base58"
	"github.com/onchaincert/microcred/internal/cbor"
	"github.com/onchaincert/microcred/internal/mtree"
)

// Size caps on a proofValue.
const (
	// maxProofValueBytes caps the CBOR of one proofValue: a path of
	// mtree.MaxPath steps and mtree.MaxAnchors anchors in text form fit.
	maxProofValueBytes = 8192
	// maxProofValueLen caps the multibase string: 'z' and the base58 of
	// maxProofValueBytes bytes.
	maxProofValueLen = 1 + 11200
	// maxTxIDLen caps a txid or mocknet label.
	maxTxIDLen = 256
)

// Keys of the top-level keymap (FORMATS.md §1.2).
const (
	keyMerkleRoot = 0
	keyTargetHash = 1
	keyAnchors    = 2
	keyPath       = 3
)

// defaultKeyOrder is the order cert-issuer and the JS encoder write:
// path, merkleRoot, targetHash, anchors.
var defaultKeyOrder = [4]int{keyPath, keyMerkleRoot, keyTargetHash, keyAnchors}

// Form is how a proofValue encodes each hash: as the CBOR of its lowercase
// hex text (cert-issuer's Python encoder, the zero value and what this
// package writes) or as the CBOR of its raw bytes (the JS encoder of
// @blockcerts/lds-merkle-proof-2019 and the CCG draft's example). Both
// wrap that inner CBOR in a byte string.
type Form uint8

const (
	FormText  Form = iota // inner CBOR text string of lowercase hex
	FormBytes             // inner CBOR byte string of the raw bytes
)

// ProofValue is a decoded MerkleProof2019 proofValue.
type ProofValue struct {
	// Path leads from TargetHash to MerkleRoot, leaf to root.
	Path []mtree.Step
	// MerkleRoot is the 32-byte root anchored on chain.
	MerkleRoot []byte
	// TargetHash is the 32-byte SHA-256 of the credential's canonical
	// N-Quads (see [Hasher.TargetHash]).
	TargetHash []byte
	// Anchors are the transactions that carry MerkleRoot; Blockcerts uses
	// the first.
	Anchors []Blink
	// Form is the encoding of the hashes; all items of one proofValue use
	// the same form.
	Form Form

	// keyOrder is the order the decoded value's keys came in, so that
	// encoding a decoded value reproduces its bytes; zero means
	// defaultKeyOrder.
	keyOrder [4]int
}

// chain and network identifiers of the Blockcerts keymap (FORMATS.md
// §1.2; lds-merkle-proof-2019 Keymap.js and the Python mappings.py).
type chainInfo struct {
	name     string
	id       int64
	networks []networkInfo
}

type networkInfo struct {
	name  string
	id    int64
	chain anchor.Chain
}

var chains = []chainInfo{
	{"btc", 0, []networkInfo{
		{"mainnet", 1, anchor.ChainBitcoinMainnet},
		{"regtest", 2, anchor.ChainBitcoinRegtest},
		{"testnet", 3, anchor.ChainBitcoinTestnet},
	}},
	{"eth", 1, []networkInfo{
		{"mainnet", 1, anchor.ChainEthereumMainnet},
		{"ropsten", 3, "ethereum-ropsten"},
		{"rinkeby", 4, "ethereum-rinkeby"},
		{"goerli", 5, "ethereum-goerli"},
		{"sepolia", 11155111, anchor.ChainEthereumSepolia},
	}},
	{"mtc", 2, []networkInfo{
		{"mainnet", 137, "polygon-mainnet"},
		{"mumbai", 80001, "polygon-mumbai"},
	}},
	{"mocknet", -1, []networkInfo{
		{"mocknet", -1, anchor.ChainMock},
	}},
}

func chainByName(name string) *chainInfo {
	for i := range chains {
		if chains[i].name == name {
			return &chains[i]
		}
	}
	return nil
}

func chainByID(id int64) *chainInfo {
	for i := range chains {
		if chains[i].id == id {
			return &chains[i]
		}
	}
	return nil
}

func (c *chainInfo) network(name string) *networkInfo {
	for i := range c.networks {
		if c.networks[i].name == name {
			return &c.networks[i]
		}
	}
	return nil
}

func (c *chainInfo) networkByID(id int64) *networkInfo {
	for i := range c.networks {
		if c.networks[i].id == id {
			return &c.networks[i]
		}
	}
	return nil
}

// Blink is one anchor of a proofValue, written as a "blink" URI:
// blink:<chain>:<network>:<txid>, e.g. blink:btc:testnet:140ee938…,
// blink:eth:sepolia:0x1f61…, blink:mocknet:mocknet:<label>.
type Blink struct {
	// Chain is "btc", "eth", "mtc" or "mocknet".
	Chain string
	// Network is the network of Chain ("mainnet", "testnet", "regtest",
	// "sepolia", "goerli", "ropsten", "rinkeby", "mumbai", "mocknet"). It
	// is empty only for a mocknet anchor written without a network, as
	// cert-issuer does; such a Blink prints as blink:mocknet:<label>.
	Network string
	// TxID is the transaction id: 64 lowercase hex digits in display
	// order for btc; "0x" and 64 lowercase hex digits for eth and mtc; any
	// label for mocknet (lowercase hex of the raw bytes in the byte form).
	TxID string
}

// String returns the blink URI; [ParseBlink] reads it back.
func (b Blink) String() string {
	if b.Network == "" {
		return "blink:" + b.Chain + ":" + b.TxID
	}
	return "blink:" + b.Chain + ":" + b.Network + ":" + b.TxID
}

// AnchorChain returns the anchor package's name for the blink's network;
// networks it has no constant for get "ethereum-goerli"-style names, which
// [anchor.Chain.Final] reports as not final.
func (b Blink) AnchorChain() (anchor.Chain, error) {
	c := chainByName(b.Chain)
	if c == nil {
		return "", fmt.Errorf("%w: chain %q", errUnsupportedAnchor, b.Chain)
	}
	if b.Network == "" && c.name == "mocknet" {
		return anchor.ChainMock, nil
	}
	n := c.network(b.Network)
	if n == nil {
		return "", fmt.Errorf("%w: network %q of chain %q", errUnsupportedAnchor, b.Network, b.Chain)
	}
	return n.chain, nil
}

// ParseBlink reads a blink URI and checks its txid form for the chain.
func ParseBlink(s string) (Blink, error) {
	rest, ok := strings.CutPrefix(s, "blink:")
	if !ok {
		return Blink{}, fmt.Errorf("%w: %q is not a blink URI", errUnsupportedAnchor, s)
	}
	chainName, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return Blink{}, fmt.Errorf("%w: %q has no network", errUnsupportedAnchor, s)
	}
	c := chainByName(chainName)
	if c == nil {
		return Blink{}, fmt.Errorf("%w: chain %q", errUnsupportedAnchor, chainName)
	}
	network, txid, ok := strings.Cut(rest, ":")
	if c.name == "mocknet" && (!ok || network != "mocknet") {
		network, txid = "", rest // cert-issuer's mocknet form: no network
	} else if !ok {
		return Blink{}, fmt.Errorf("%w: %q has no txid", errUnsupportedAnchor, s)
	}
	b := Blink{Chain: c.name, Network: network, TxID: txid}
	if err := b.check(); err != nil {
		return Blink{}, err
	}
	return b, nil
}

// check validates the network and the txid's form.
func (b Blink) check() error {
	c := chainByName(b.Chain)
	if c == nil {
		return fmt.Errorf("%w: chain %q", errUnsupportedAnchor, b.Chain)
	}
	if !(b.Network == "" && c.name == "mocknet") && c.network(b.Network) == nil {
		return fmt.Errorf("%w: network %q of chain %q", errUnsupportedAnchor, b.Network, b.Chain)
	}
	switch c.name {
	case "btc":
		if !isLowerHex(b.TxID, 64) {
			return fmt.Errorf("%w: btc txid %q is not 64 lowercase hex digits", errUnsupportedAnchor, b.TxID)
		}
	case "eth", "mtc":
		h, ok := strings.CutPrefix(b.TxID, "0x")
		if !ok || !isLowerHex(h, 64) {
			return fmt.Errorf("%w: %s txid %q is not 0x and 64 lowercase hex digits", errUnsupportedAnchor, c.name, b.TxID)
		}
	default: // mocknet: a label
		if b.TxID == "" || len(b.TxID) > maxTxIDLen {
			return fmt.Errorf("%w: mocknet label of %d bytes", errUnsupportedAnchor, len(b.TxID))
		}
	}
	return nil
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ParseProofValue decodes a proofValue string: multibase base58btc ('z')
// of the CBOR keymap (FORMATS.md §1.2). Decoding is strict: at most
// maxProofValueLen characters, canonical base58, shortest-form CBOR
// with no trailing bytes, the four keys path (at most mtree.MaxPath
// steps), merkleRoot, targetHash and anchors (1 to mtree.MaxAnchors)
// each exactly once and nothing else, 32-byte hashes, lowercase hex in the
// text form, one form throughout, known chains and networks. Errors wrap
// errMalformedProofValue.
func ParseProofValue(s string) (*ProofValue, error) {
	if len(s) > maxProofValueLen {
		return nil, malformed("proofValue of %d characters exceeds %d", len(s), maxProofValueLen)
	}
	enc, ok := strings.CutPrefix(s, "z")
	if !ok {
		return nil, malformed("proofValue is not multibase base58btc (no 'z' prefix)")
	}
	raw, err := base58.Decode(enc)
	if err != nil || len(raw) == 0 {
		return nil, malformed("proofValue is not valid base58btc")
	}
	// base58 has one spelling per byte string; refuse any other.
	if base58.Encode(raw) != enc {
		return nil, malformed("proofValue is not canonical base58btc")
	}
	return DecodeCBOR(raw)
}

// DecodeCBOR decodes the CBOR bytes of a proofValue (without multibase),
// as strictly as [ParseProofValue].
func DecodeCBOR(raw []byte) (*ProofValue, error) {
	if len(raw) > maxProofValueBytes {
		return nil, malformed("CBOR of %d bytes exceeds %d", len(raw), maxProofValueBytes)
	}
	top, err := decodeCBOR(raw)
	if err != nil {
		return nil, err
	}
	if top.major != cbor.MajorArray {
		return nil, malformed("top level is a CBOR %s, want the keymap array", top.kind())
	}
	if len(top.a) != 4 {
		return nil, malformed("keymap has %d entries, want 4 (path, merkleRoot, targetHash, anchors)", len(top.a))
	}
	p := &ProofValue{}
	d := pvDecoder{}
	seen := [4]bool{}
	for i := range top.a {
		key, val, err := pair(&top.a[i], "keymap entry")
		if err != nil {
			return nil, err
		}
		if key < 0 || key > 3 {
			return nil, malformed("unknown keymap key %d", key)
		}
		if seen[key] {
			return nil, malformed("duplicate keymap key %d", key)
		}
		seen[key] = true
		p.keyOrder[i] = int(key)
		switch key {
		case keyMerkleRoot:
			p.MerkleRoot, err = d.hash(val, "merkleRoot")
		case keyTargetHash:
			p.TargetHash, err = d.hash(val, "targetHash")
		case keyPath:
			p.Path, err = d.path(val)
		case keyAnchors:
			p.Anchors, err = d.anchors(val)
		}
		if err != nil {
			return nil, err
		}
	}
	p.Form = d.form
	if p.keyOrder == defaultKeyOrder {
		p.keyOrder = [4]int{}
	}
	return p, nil
}

// pair reads a two-element [int, value] array.
func pair(it *item, what string) (int64, *item, error) {
	if it.major != cbor.MajorArray || len(it.a) != 2 {
		return 0, nil, malformed("%s is not a [key, value] pair", what)
	}
	k, ok := it.a[0].int()
	if !ok {
		return 0, nil, malformed("%s key is a %s, want an integer", what, it.a[0].kind())
	}
	return k, &it.a[1], nil
}

// pvDecoder tracks the form seen so far, so that one proofValue uses one.
type pvDecoder struct {
	form     Form
	formSeen bool
}

// inner decodes a byte string wrapping one CBOR text or byte string.
func (d *pvDecoder) inner(it *item, what string) (text string, raw []byte, err error) {
	if it.major != cbor.MajorBytes {
		return "", nil, malformed("%s is a CBOR %s, want a byte string wrapping CBOR", what, it.kind())
	}
	in, err := decodeCBOR(it.b)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", what, err)
	}
	var f Form
	switch in.major {
	case cbor.MajorText:
		f = FormText
	case cbor.MajorBytes:
		f = FormBytes
	default:
		return "", nil, malformed("%s wraps a CBOR %s, want a text or byte string", what, in.kind())
	}
	if d.formSeen && f != d.form {
		return "", nil, malformed("%s mixes text and byte forms", what)
	}
	d.form, d.formSeen = f, true
	if f == FormText {
		return string(in.b), nil, nil
	}
	return "", in.b, nil
}

// hash reads a 32-byte hash in either form.
func (d *pvDecoder) hash(it *item, what string) ([]byte, error) {
	text, raw, err := d.inner(it, what)
	if err != nil {
		return nil, err
	}
	if d.form == FormBytes {
		if len(raw) != mtree.HashSize {
			return nil, malformed("%s is %d bytes, want 32", what, len(raw))
		}
		return bytes.Clone(raw), nil
	}
	if !isLowerHex(text, 2*mtree.HashSize) {
		return nil, malformed("%s is not 64 lowercase hex digits", what)
	}
	h, _ := hex.DecodeString(text)
	return h, nil
}

func (d *pvDecoder) path(it *item) ([]mtree.Step, error) {
	if it.major != cbor.MajorArray {
		return nil, malformed("path is a CBOR %s, want an array", it.kind())
	}
	if len(it.a) > mtree.MaxPath {
		return nil, malformed("path of %d steps exceeds %d", len(it.a), mtree.MaxPath)
	}
	steps := make([]mtree.Step, len(it.a))
	for i := range it.a {
		dir, val, err := pair(&it.a[i], "path step")
		if err != nil {
			return nil, err
		}
		if dir != 0 && dir != 1 {
			return nil, malformed("path step %d has direction %d, want 0 (left) or 1 (right)", i, dir)
		}
		h, err := d.hash(val, fmt.Sprintf("path step %d", i))
		if err != nil {
			return nil, err
		}
		steps[i] = mtree.Step{Left: dir == 0, Hash: h}
	}
	return steps, nil
}

func (d *pvDecoder) anchors(it *item) ([]Blink, error) {
	if it.major != cbor.MajorArray {
		return nil, malformed("anchors is a CBOR %s, want an array", it.kind())
	}
	if len(it.a) == 0 || len(it.a) > mtree.MaxAnchors {
		return nil, malformed("%d anchors, want 1 to %d", len(it.a), mtree.MaxAnchors)
	}
	out := make([]Blink, len(it.a))
	for i := range it.a {
		b, err := d.anchor(&it.a[i], i)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// anchor reads [[0, chain], [1, network], [2, <<txid>>]], or cert-issuer's
// mocknet form [[0, -1], [1, <<label>>]]; entries in this order.
func (d *pvDecoder) anchor(it *item, i int) (Blink, error) {
	what := fmt.Sprintf("anchor %d", i)
	if it.major != cbor.MajorArray || len(it.a) < 2 || len(it.a) > 3 {
		return Blink{}, malformed("%s is not an array of 2 or 3 entries", what)
	}
	var ents [3]*item
	for j := range it.a {
		k, v, err := pair(&it.a[j], what+" entry")
		if err != nil {
			return Blink{}, err
		}
		if k != int64(j) {
			return Blink{}, malformed("%s entry %d has key %d", what, j, k)
		}
		ents[j] = v
	}
	chainID, ok := ents[0].int()
	c := chainByID(chainID)
	if !ok || c == nil {
		return Blink{}, malformed("%s: unknown chain", what)
	}
	b := Blink{Chain: c.name}
	txItem := ents[2]
	if len(it.a) == 2 {
		if c.name != "mocknet" {
			return Blink{}, malformed("%s: only a mocknet anchor may omit its network", what)
		}
		txItem = ents[1]
	} else {
		netID, ok := ents[1].int()
		var n *networkInfo
		if ok {
			n = c.networkByID(netID)
		}
		if n == nil {
			return Blink{}, malformed("%s: unknown network of chain %s", what, c.name)
		}
		b.Network = n.name
	}
	text, raw, err := d.inner(txItem, what+" txid")
	if err != nil {
		return Blink{}, err
	}
	if d.form == FormBytes {
		if c.name == "eth" || c.name == "mtc" {
			return Blink{}, malformed("%s: %s txid in byte form is not supported", what, c.name)
		}
		text = hex.EncodeToString(raw)
	}
	b.TxID = text
	if err := b.check(); err != nil {
		return Blink{}, malformed("%s: %v", what, err)
	}
	return b, nil
}

// MarshalCBOR returns the CBOR bytes of p in its Form. A value decoded by
// [DecodeCBOR] or [ParseProofValue] encodes to the bytes it was decoded
// from. Errors wrap errMalformedProofValue or errUnsupportedAnchor.
func (p *ProofValue) MarshalCBOR() ([]byte, error) {
	if p == nil {
		return nil, malformed("nil proofValue")
	}
	if p.Form != FormText && p.Form != FormBytes {
		return nil, malformed("unknown form %d", p.Form)
	}
	if len(p.Path) > mtree.MaxPath {
		return nil, malformed("path of %d steps exceeds %d", len(p.Path), mtree.MaxPath)
	}
	if len(p.Anchors) == 0 || len(p.Anchors) > mtree.MaxAnchors {
		return nil, malformed("%d anchors, want 1 to %d", len(p.Anchors), mtree.MaxAnchors)
	}
	order := p.keyOrder
	if order == [4]int{} {
		order = defaultKeyOrder
	}
	buf := make([]byte, 0, 160+70*len(p.Path)+100*len(p.Anchors))
	buf = cbor.AppendHead(buf, cbor.MajorArray, 4)
	var err error
	for _, k := range order {
		buf = cbor.AppendHead(buf, cbor.MajorArray, 2)
		buf = cbor.AppendInt(buf, int64(k))
		switch k {
		case keyMerkleRoot:
			buf, err = p.appendHash(buf, p.MerkleRoot, "merkleRoot")
		case keyTargetHash:
			buf, err = p.appendHash(buf, p.TargetHash, "targetHash")
		case keyPath:
			buf = cbor.AppendHead(buf, cbor.MajorArray, uint64(len(p.Path)))
			for i, s := range p.Path {
				buf = cbor.AppendHead(buf, cbor.MajorArray, 2)
				dir := int64(1)
				if s.Left {
					dir = 0
				}
				buf = cbor.AppendInt(buf, dir)
				if buf, err = p.appendHash(buf, s.Hash, fmt.Sprintf("path step %d", i)); err != nil {
					return nil, err
				}
			}
		case keyAnchors:
			buf = cbor.AppendHead(buf, cbor.MajorArray, uint64(len(p.Anchors)))
			for _, b := range p.Anchors {
				if buf, err = p.appendAnchor(buf, b); err != nil {
					return nil, err
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if len(buf) > maxProofValueBytes {
		return nil, malformed("CBOR of %d bytes exceeds %d", len(buf), maxProofValueBytes)
	}
	return buf, nil
}

// String returns the multibase base58btc proofValue, or "" if p cannot be
// encoded (use [ProofValue.MarshalCBOR] to see why).
func (p *ProofValue) String() string {
	raw, err := p.MarshalCBOR()
	if err != nil {
		return ""
	}
	return "z" + base58.Encode(raw)
}

// wrap appends inner as a CBOR byte string.
func wrap(buf, inner []byte) []byte { return cbor.AppendBytes(buf, inner) }

func (p *ProofValue) appendHash(buf, h []byte, what string) ([]byte, error) {
	if len(h) != mtree.HashSize {
		return nil, malformed("%s is %d bytes, want 32", what, len(h))
	}
	var in [2 + 2 + 64]byte
	var inner []byte
	if p.Form == FormText {
		inner = cbor.AppendHead(in[:0], cbor.MajorText, 64)
		inner = hex.AppendEncode(inner, h)
	} else {
		inner = cbor.AppendBytes(in[:0], h)
	}
	return wrap(buf, inner), nil
}

func (p *ProofValue) appendAnchor(buf []byte, b Blink) ([]byte, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	c := chainByName(b.Chain)
	var txInner []byte
	if p.Form == FormText {
		txInner = cbor.AppendText(nil, b.TxID)
	} else {
		if c.name == "eth" || c.name == "mtc" {
			return nil, fmt.Errorf("%w: %s txid in byte form", errUnsupportedAnchor, c.name)
		}
		raw, err := hex.DecodeString(b.TxID)
		if err != nil || !isLowerHex(b.TxID, len(b.TxID)) {
			return nil, fmt.Errorf("%w: byte form needs a lowercase hex txid, got %q", errUnsupportedAnchor, b.TxID)
		}
		txInner = cbor.AppendBytes(nil, raw)
	}
	if b.Network == "" { // cert-issuer's mocknet form
		buf = cbor.AppendHead(buf, cbor.MajorArray, 2)
		buf = cbor.AppendHead(buf, cbor.MajorArray, 2)
		buf = cbor.AppendInt(cbor.AppendInt(buf, 0), c.id)
		buf = cbor.AppendHead(buf, cbor.MajorArray, 2)
		buf = cbor.AppendInt(buf, 1)
		return wrap(buf, txInner), nil
	}
	n := c.network(b.Network)
	buf = cbor.AppendHead(buf, cbor.MajorArray, 3)
	buf = cbor.AppendHead(buf, cbor.MajorArray, 2)
	buf = cbor.AppendInt(cbor.AppendInt(buf, 0), c.id)
	buf = cbor.AppendHead(buf, cbor.MajorArray, 2)
	buf = cbor.AppendInt(cbor.AppendInt(buf, 1), n.id)
	buf = cbor.AppendHead(buf, cbor.MajorArray, 2)
	buf = cbor.AppendInt(buf, 2)
	return wrap(buf, txInner), nil
}
