package ots

import (
	"errors"
	"fmt"
)

// Magic is the 31-byte header of a detached timestamp file:
// "\x00OpenTimestamps\x00\x00Proof\x00" and 8 fixed random bytes.
const Magic = "\x00OpenTimestamps\x00\x00Proof\x00\xbf\x89\xe2\xe8\x84\xe8\x92\x94"

// majorVersion is the only major version this package reads and writes.
const majorVersion = 1

// Proof is a parsed detached timestamp file (.ots): the digest of the
// stamped file, the hash op that made it, and the tree of operations that
// leads from the digest to attestations. It is opaque: a Proof comes from
// [Parse] or [FromReceipt], which check every limit of the format, and
// nothing changes it afterwards (its accessors return copies). A nil or zero Proof does not
// verify (an error); a nil one serializes to nil.
type Proof struct {
	// hashOp hashed the stamped file: opSHA1, opRIPEMD160, opSHA256 or
	// opKeccak256.
	hashOp opKind
	// digest is the stamped file's digest, hashOp.DigestSize() bytes.
	digest []byte
	// root is the tree whose message is digest.
	root *node
}

// HashOp returns the name of the op that hashed the stamped file, as
// OpenTimestamps writes it: "sha1", "ripemd160", "sha256" or "keccak256"
// ("" for a nil proof).
func (p *Proof) HashOp() string {
	if p == nil {
		return ""
	}
	return p.hashOp.String()
}

// Digest returns a copy of the stamped file's digest: the message the
// proof starts from, which [Proof.Verify] requires the caller's digest to
// equal (nil for a nil proof).
func (p *Proof) Digest() []byte {
	if p == nil {
		return nil
	}
	return append([]byte(nil), p.digest...)
}

// node is a node of the timestamp tree: what follows from one message. Its
// edges are kept in file order, so serialization is byte-exact.
type node struct {
	Edges []edge
}

// edge is either an attestation of the node's message (Attestation set,
// Next nil) or an op applied to it leading to the node Next.
type edge struct {
	Attestation *attestation
	Op          op
	Next        *node
}

// Parse parses exactly one detached timestamp file. It checks every
// limit the reference implementation checks while reading (op arguments,
// message and result lengths, recursion depth, URI length and characters,
// payload sizes) and rejects trailing bytes, non-minimal varuints and
// attestation payloads with bytes left over. Errors name the byte offset
// and the rule broken; on error the proof is nil.
func Parse(b []byte) (*Proof, error) {
	if len(b) > maxProofSize {
		return nil, &parseError{Offset: maxProofSize, Msg: fmt.Sprintf("file of %d bytes exceeds %d", len(b), maxProofSize), Err: errLimit}
	}
	p := &parser{r: reader{b: b}}
	proof, err := p.file()
	if err != nil {
		return nil, err
	}
	return proof, nil
}

// Bytes returns the proof's serialization. For a proof from [Parse] it is
// exactly the bytes parsed. A nil proof gives nil.
func (p *Proof) Bytes() []byte {
	if p == nil {
		return nil
	}
	out := append([]byte(nil), Magic...)
	out = appendUvarint(out, majorVersion)
	out = append(out, byte(p.hashOp))
	out = append(out, p.digest...)
	return p.root.appendTo(out)
}

func (n *node) appendTo(out []byte) []byte {
	if n == nil {
		return out
	}
	for i := range n.Edges {
		e := &n.Edges[i]
		if i < len(n.Edges)-1 {
			out = append(out, 0xff)
		}
		if e.Attestation != nil {
			out = append(out, 0x00)
			out = append(out, e.Attestation.Tag[:]...)
			pl := e.Attestation.payload()
			out = appendUvarint(out, uint64(len(pl)))
			out = append(out, pl...)
			continue
		}
		out = append(out, byte(e.Op.Kind))
		if e.Op.Kind.Binary() {
			out = appendUvarint(out, uint64(len(e.Op.Arg)))
			out = append(out, e.Op.Arg...)
		}
		out = e.Next.appendTo(out)
	}
	return out
}

// parser reads a proof, counting edges and attestations.
type parser struct {
	r     reader
	edges int
	atts  int
}

func (p *parser) fail(off int, kind error, format string, args ...any) error {
	return &parseError{Offset: off, Msg: fmt.Sprintf(format, args...), Err: kind}
}

// wrap turns a reader error at off into a parseError.
func (p *parser) wrap(off int, what string, err error) error {
	kind := errMalformed
	if errors.Is(err, errTooLong) {
		kind = errLimit
	}
	return p.fail(off, kind, "%s: %v", what, err)
}

func (p *parser) file() (*Proof, error) {
	r := &p.r
	if len(r.b) < len(Magic) || string(r.b[:len(Magic)]) != Magic {
		return nil, p.fail(0, errMalformed, "not an OpenTimestamps proof (bad magic)")
	}
	r.off = len(Magic)
	off := r.off
	v, err := r.uvarint()
	if err != nil {
		return nil, p.wrap(off, "major version", err)
	}
	if v != majorVersion {
		return nil, p.fail(off, errUnsupportedVersion, "major version %d, want %d", v, majorVersion)
	}
	off = r.off
	tag, err := r.byte()
	if err != nil {
		return nil, p.wrap(off, "file hash op", err)
	}
	hashOp := opKind(tag)
	size := hashOp.DigestSize()
	if size == 0 {
		return nil, p.fail(off, errMalformed, "file hash op tag 0x%02x is not a hash op", tag)
	}
	off = r.off
	digest, err := r.bytes(size)
	if err != nil {
		return nil, p.wrap(off, "file digest", err)
	}
	root, err := p.node(size, 0)
	if err != nil {
		return nil, err
	}
	if r.off != len(r.b) {
		return nil, p.fail(r.off, errMalformed, "%d trailing bytes", len(r.b)-r.off)
	}
	return &Proof{hashOp: hashOp, digest: append([]byte(nil), digest...), root: root}, nil
}

// node reads a node whose message is msgLen bytes long, at depth (root 0).
// As in the reference, every edge but the last is preceded by 0xff.
func (p *parser) node(msgLen, depth int) (*node, error) {
	r := &p.r
	if depth >= maxDepth {
		return nil, p.fail(r.off, errLimit, "timestamp tree deeper than %d", maxDepth)
	}
	n := &node{}
	for {
		off := r.off
		tag, err := r.byte()
		if err != nil {
			return nil, p.wrap(off, "edge", err)
		}
		last := tag != 0xff
		if !last {
			off = r.off
			if tag, err = r.byte(); err != nil {
				return nil, p.wrap(off, "edge after fork", err)
			}
			if tag == 0xff {
				return nil, p.fail(off, errMalformed, "fork marker where an edge belongs")
			}
		}
		e, err := p.edge(off, tag, msgLen, depth)
		if err != nil {
			return nil, err
		}
		n.Edges = append(n.Edges, e)
		if last {
			return n, nil
		}
	}
}

// edge reads the rest of the edge whose tag byte was at off.
func (p *parser) edge(off int, tag byte, msgLen, depth int) (edge, error) {
	r := &p.r
	p.edges++
	if p.edges > maxEdges {
		return edge{}, p.fail(off, errLimit, "more than %d edges", maxEdges)
	}
	if tag == 0x00 {
		p.atts++
		if p.atts > maxAttestations {
			return edge{}, p.fail(off, errLimit, "more than %d attestations", maxAttestations)
		}
		a, err := p.attestation()
		if err != nil {
			return edge{}, err
		}
		return edge{Attestation: a}, nil
	}
	o := op{Kind: opKind(tag)}
	if !o.Kind.Valid() {
		return edge{}, p.fail(off, errMalformed, "unknown op tag 0x%02x", tag)
	}
	if o.Kind.Binary() {
		argOff := r.off
		arg, err := r.varbytes(1, maxOpArgLength)
		if err != nil {
			return edge{}, p.wrap(argOff, o.Kind.String()+" argument", err)
		}
		o.Arg = append([]byte(nil), arg...)
	}
	next, err := o.resultLength(msgLen)
	if err != nil {
		return edge{}, p.fail(off, errLimit, "%v", err)
	}
	child, err := p.node(next, depth+1)
	if err != nil {
		return edge{}, err
	}
	return edge{Op: o, Next: child}, nil
}

func (p *parser) attestation() (*attestation, error) {
	r := &p.r
	off := r.off
	tag, err := r.bytes(8)
	if err != nil {
		return nil, p.wrap(off, "attestation tag", err)
	}
	a := &attestation{Tag: [8]byte(tag)}
	a.Kind = kindOfTag(a.Tag)
	off = r.off
	pl, err := r.varbytes(0, maxPayloadLength)
	if err != nil {
		return nil, p.wrap(off, "attestation payload", err)
	}
	a.Payload = append([]byte(nil), pl...)
	if err := a.parsePayload(); err != nil {
		return nil, p.wrap(off, a.Kind.String()+" attestation payload", err)
	}
	return a, nil
}
