package btcwire

import (
	"bytes"
	"encoding/binary"
	"math"
)

const (
	// maxTxBytes caps a serialized transaction (witness included): no
	// transaction can be larger than a block's 4,000,000 weight units.
	maxTxBytes = 4_000_000
	// MaxMoney is the largest output value consensus allows, in satoshis.
	MaxMoney = 21_000_000 * 100_000_000

	minInputBytes  = 32 + 4 + 1 + 4 // outpoint, empty script, sequence
	minOutputBytes = 8 + 1          // value, empty script
)

// Tx is a parsed Bitcoin transaction. Parse one with [ParseTx]; the
// fields are read-only views of the parsed bytes.
type Tx struct {
	Version  int32
	Inputs   []TxIn
	Outputs  []TxOut
	LockTime uint32

	raw      []byte // full serialization as received
	stripped []byte // serialization without marker, flag and witnesses
	witness  bool
}

// TxIn is one transaction input.
type TxIn struct {
	PrevTxID  Hash // internal byte order
	PrevIndex uint32
	ScriptSig []byte
	Sequence  uint32
	Witness   [][]byte // nil for a legacy transaction
}

// TxOut is one transaction output.
type TxOut struct {
	Value    int64 // satoshis
	PkScript []byte
}

// reader is a bounds-checked little-endian cursor. After the first
// failure every read returns zero values and err stays set.
type reader struct {
	b   []byte
	pos int
	err error
	// kind is the sentinel wrapped by errors from this reader.
	kind error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = malformed(r.kind, format, args...)
	}
}

func (r *reader) remaining() int { return len(r.b) - r.pos }

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.remaining() {
		r.fail("need %d bytes at offset %d, have %d", n, r.pos, r.remaining())
		return nil
	}
	out := r.b[r.pos : r.pos+n : r.pos+n]
	r.pos += n
	return out
}

func (r *reader) u8() byte {
	b := r.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (r *reader) u32() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *reader) u64() uint64 {
	b := r.bytes(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// compactSize reads a CompactSize integer and rejects non-minimal forms.
func (r *reader) compactSize() uint64 {
	first := r.u8()
	if r.err != nil {
		return 0
	}
	switch first {
	case 0xfd:
		b := r.bytes(2)
		if b == nil {
			return 0
		}
		v := uint64(binary.LittleEndian.Uint16(b))
		if v < 0xfd {
			r.fail("non-minimal CompactSize %d at offset %d", v, r.pos-3)
		}
		return v
	case 0xfe:
		v := uint64(r.u32())
		if r.err == nil && v <= math.MaxUint16 {
			r.fail("non-minimal CompactSize %d at offset %d", v, r.pos-5)
		}
		return v
	case 0xff:
		v := r.u64()
		if r.err == nil && v <= math.MaxUint32 {
			r.fail("non-minimal CompactSize %d at offset %d", v, r.pos-9)
		}
		return v
	default:
		return uint64(first)
	}
}

// count reads a CompactSize element count and checks that the remaining
// input can hold that many elements of at least minSize bytes each, so a
// hostile count never drives an allocation.
func (r *reader) count(what string, minSize int) int {
	n := r.compactSize()
	if r.err != nil {
		return 0
	}
	if n > uint64(r.remaining()/minSize) {
		r.fail("%s count %d exceeds what %d remaining bytes can hold", what, n, r.remaining())
		return 0
	}
	return int(n)
}

// varBytes reads a CompactSize length and that many bytes.
func (r *reader) varBytes(what string) []byte {
	n := r.compactSize()
	if r.err != nil {
		return nil
	}
	if n > uint64(r.remaining()) {
		r.fail("%s length %d exceeds the %d remaining bytes", what, n, r.remaining())
		return nil
	}
	return r.bytes(int(n))
}

// ParseTx parses exactly one transaction, legacy or segwit (BIP 144).
// It is strict: every byte must be consumed, CompactSize integers must be
// minimal, counts are bounded by the input length, there must be at least
// one input and one output, output values must lie in [0, MaxMoney] and
// sum to at most MaxMoney, a segwit serialization must carry at least one
// non-empty witness (as Bitcoin Core requires), and raw may be at most
// maxTxBytes long. Errors wrap errMalformedTx. The returned Tx keeps a
// copy of raw.
func ParseTx(raw []byte) (*Tx, error) {
	if len(raw) > maxTxBytes {
		return nil, malformed(errMalformedTx, "%d bytes exceeds the limit of %d", len(raw), maxTxBytes)
	}
	raw = bytes.Clone(raw)
	r := &reader{b: raw, kind: errMalformedTx}
	tx, err := parseTx(r)
	if err != nil {
		return nil, err
	}
	if r.remaining() != 0 {
		return nil, malformed(errMalformedTx, "%d trailing bytes", r.remaining())
	}
	return tx, nil
}

// parseTx reads one transaction from r, leaving r after it.
func parseTx(r *reader) (*Tx, error) {
	start := r.pos
	tx := &Tx{Version: int32(r.u32())}
	// BIP 144: a 0x00 where the input count would be is the marker and
	// must be followed by the flag 0x01 (no other flag is defined).
	bodyStart := r.pos
	if r.err == nil && r.remaining() >= 2 && r.b[r.pos] == 0x00 {
		r.pos++
		if flag := r.u8(); flag != 0x01 {
			r.fail("segwit flag is 0x%02x, want 0x01", flag)
		}
		tx.witness = true
		bodyStart = r.pos
	}
	nIn := r.count("input", minInputBytes)
	if r.err == nil && nIn == 0 {
		r.fail("no inputs")
	}
	tx.Inputs = make([]TxIn, nIn)
	for i := range tx.Inputs {
		in := &tx.Inputs[i]
		copy(in.PrevTxID[:], r.bytes(32))
		in.PrevIndex = r.u32()
		in.ScriptSig = r.varBytes("scriptSig")
		in.Sequence = r.u32()
	}
	nOut := r.count("output", minOutputBytes)
	if r.err == nil && nOut == 0 {
		r.fail("no outputs")
	}
	tx.Outputs = make([]TxOut, nOut)
	var total uint64
	for i := range tx.Outputs {
		out := &tx.Outputs[i]
		v := r.u64()
		if r.err == nil && v > MaxMoney {
			r.fail("output %d value %d is outside [0, MaxMoney]", i, int64(v))
		}
		total += v
		if r.err == nil && total > MaxMoney {
			r.fail("output values sum above MaxMoney")
		}
		out.Value = int64(v)
		out.PkScript = r.varBytes("scriptPubKey")
	}
	bodyEnd := r.pos
	if tx.witness {
		anyWitness := false
		for i := range tx.Inputs {
			n := r.count("witness item", 1)
			items := make([][]byte, n)
			for j := range items {
				items[j] = r.varBytes("witness item")
			}
			tx.Inputs[i].Witness = items
			anyWitness = anyWitness || n > 0
		}
		if r.err == nil && !anyWitness {
			r.fail("segwit serialization with only empty witnesses")
		}
	}
	tx.LockTime = r.u32()
	if r.err != nil {
		return nil, r.err
	}
	tx.raw = r.b[start:r.pos:r.pos]
	if tx.witness {
		s := make([]byte, 0, 8+bodyEnd-bodyStart)
		s = append(s, r.b[start:start+4]...)
		s = append(s, r.b[bodyStart:bodyEnd]...)
		s = append(s, r.b[r.pos-4:r.pos]...)
		tx.stripped = s
	} else {
		tx.stripped = tx.raw
	}
	return tx, nil
}

// TxID returns SHA256d of the witness-stripped serialization, the hash
// block merkle trees commit to.
func (tx *Tx) TxID() Hash { return DoubleSHA256(tx.stripped) }

// WTxID returns SHA256d of the full serialization (BIP 141); it equals
// TxID for a legacy transaction.
func (tx *Tx) WTxID() Hash { return DoubleSHA256(tx.raw) }

// HasWitness reports whether the transaction was serialized with
// segwit marker and flag.
func (tx *Tx) HasWitness() bool { return tx.witness }

// Size returns the length of the full serialization.
func (tx *Tx) Size() int { return len(tx.raw) }

// StrippedSize returns the length of the serialization without witness
// data, the bytes the txid hashes.
func (tx *Tx) StrippedSize() int { return len(tx.stripped) }

// Weight returns the BIP 141 weight: 3 × stripped size + full size.
func (tx *Tx) Weight() int { return 3*len(tx.stripped) + len(tx.raw) }

// VSize returns the virtual size, ⌈weight / 4⌉, that fee rates apply to.
func (tx *Tx) VSize() int { return (tx.Weight() + 3) / 4 }

// Bytes returns a copy of the full serialization.
func (tx *Tx) Bytes() []byte { return bytes.Clone(tx.raw) }

// StrippedBytes returns a copy of the witness-stripped serialization.
func (tx *Tx) StrippedBytes() []byte { return bytes.Clone(tx.stripped) }

// OpReturnPayloads returns, for every output whose script is OP_RETURN
// followed by exactly one canonical data push and nothing else, the pushed
// bytes; other OP_RETURN forms are skipped. The coinbase witness
// commitment (6a24aa21a9ed…) is such a push and is returned like any
// other; [Tx.FindRoot] is what anchor verification uses.
func (tx *Tx) OpReturnPayloads() [][]byte {
	var out [][]byte
	for _, o := range tx.Outputs {
		if p, ok := opReturnPush(o.PkScript); ok {
			out = append(out, p)
		}
	}
	return out
}

// FindRoot returns the index of the first output whose script is exactly
// OP_RETURN OP_PUSHBYTES_32 root (6a20‖root), the form Blockcerts and
// this module write, and whether there is one. The root is compared in
// the order it was written (no byte reversal). A root that is not 32 bytes
// is never found.
func (tx *Tx) FindRoot(root []byte) (int, bool) {
	if len(root) != 32 {
		return -1, false
	}
	for i, o := range tx.Outputs {
		s := o.PkScript
		if len(s) == 34 && s[0] == opReturn && s[1] == 0x20 && bytes.Equal(s[2:], root) {
			return i, true
		}
	}
	return -1, false
}

const (
	opReturn    = 0x6a
	opPushdata1 = 0x4c
	opPushdata2 = 0x4d
)

// opReturnPush decodes OP_RETURN <one minimal push>.
func opReturnPush(s []byte) ([]byte, bool) {
	if len(s) < 2 || s[0] != opReturn {
		return nil, false
	}
	op, rest := s[1], s[2:]
	var n int
	switch {
	case op >= 0x01 && op <= 0x4b:
		n = int(op)
	case op == opPushdata1:
		if len(rest) < 1 || rest[0] <= 0x4b {
			return nil, false
		}
		n, rest = int(rest[0]), rest[1:]
	case op == opPushdata2:
		if len(rest) < 2 {
			return nil, false
		}
		n, rest = int(binary.LittleEndian.Uint16(rest)), rest[2:]
		if n <= 0xff {
			return nil, false
		}
	default:
		return nil, false
	}
	if len(rest) != n {
		return nil, false
	}
	return bytes.Clone(rest), true
}
