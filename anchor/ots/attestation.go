package ots

import (
	"encoding/hex"
	"fmt"
	"strconv"
)

// AttestationKind says which notary an attestation names.
type AttestationKind uint8

const (
	// Unknown is a tag this package does not know; the attestation is kept
	// (its payload verbatim) and reported, never checked.
	Unknown AttestationKind = iota
	// Bitcoin is BitcoinBlockHeaderAttestation: the message is the merkle
	// root of the Bitcoin block at Height.
	Bitcoin
	// Litecoin is LitecoinBlockHeaderAttestation (same shape as Bitcoin).
	Litecoin
	// Ethereum is EthereumBlockHeaderAttestation (python-opentimestamps
	// core/dubious): the message is the transactionsRoot of the block at
	// Height.
	Ethereum
	// Pending is PendingAttestation: a calendar at URI promises to
	// complete the timestamp later.
	Pending
)

// Attestation tags (python-opentimestamps core/notary.py, core/dubious/notary.py).
var (
	tagBitcoin  = [8]byte{0x05, 0x88, 0x96, 0x0d, 0x73, 0xd7, 0x19, 0x01}
	tagLitecoin = [8]byte{0x06, 0x86, 0x9a, 0x0d, 0x73, 0xd7, 0x1b, 0x45}
	tagEthereum = [8]byte{0x30, 0xfe, 0x80, 0x87, 0xb5, 0xc7, 0xea, 0xd7}
	tagPending  = [8]byte{0x83, 0xdf, 0xe3, 0x0d, 0x2e, 0xf9, 0x0c, 0x8e}
)

// Tag returns the 8-byte tag that introduces an attestation of kind k in
// the binary format, and false for unknown, which has no tag of its own.
func (k AttestationKind) Tag() ([8]byte, bool) {
	switch k {
	case Bitcoin:
		return tagBitcoin, true
	case Litecoin:
		return tagLitecoin, true
	case Ethereum:
		return tagEthereum, true
	case Pending:
		return tagPending, true
	}
	return [8]byte{}, false
}

// String returns "bitcoin", "litecoin", "ethereum", "pending" or "unknown".
func (k AttestationKind) String() string {
	switch k {
	case Bitcoin:
		return "bitcoin"
	case Litecoin:
		return "litecoin"
	case Ethereum:
		return "ethereum"
	case Pending:
		return "pending"
	}
	return "unknown"
}

func kindOfTag(tag [8]byte) AttestationKind {
	switch tag {
	case tagBitcoin:
		return Bitcoin
	case tagLitecoin:
		return Litecoin
	case tagEthereum:
		return Ethereum
	case tagPending:
		return Pending
	}
	return Unknown
}

// Attestation is a leaf of the timestamp tree: a notary's statement about
// the message that reaches it.
type Attestation struct {
	Kind AttestationKind
	// Tag is the 8-byte tag; for known kinds it is the kind's tag.
	Tag [8]byte
	// Height is the block height (Bitcoin, Litecoin, Ethereum).
	Height uint64
	// URI is the calendar URI (Pending).
	URI string
	// Payload is the raw payload (always set by [Parse]; serialized as is
	// for Unknown).
	Payload []byte
}

// String describes the attestation as the reference client does, e.g.
// "BitcoinBlockHeaderAttestation(358391)".
func (a *Attestation) String() string {
	switch a.Kind {
	case Bitcoin:
		return "BitcoinBlockHeaderAttestation(" + strconv.FormatUint(a.Height, 10) + ")"
	case Litecoin:
		return "LitecoinBlockHeaderAttestation(" + strconv.FormatUint(a.Height, 10) + ")"
	case Ethereum:
		return "EthereumBlockHeaderAttestation(" + strconv.FormatUint(a.Height, 10) + ")"
	case Pending:
		return "PendingAttestation(" + strconv.Quote(a.URI) + ")"
	}
	return fmt.Sprintf("UnknownAttestation(%s, %s)", hex.EncodeToString(a.Tag[:]), hex.EncodeToString(a.Payload))
}

// uriAllowed reports whether c may appear in a calendar URI
// (python-opentimestamps PendingAttestation.ALLOWED_URI_CHARS).
func uriAllowed(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '/' || c == ':'
}

// payload returns the serialized payload: encoded from the fields for the
// known kinds, verbatim for Unknown.
func (a *Attestation) payload() []byte {
	switch a.Kind {
	case Bitcoin, Litecoin, Ethereum:
		return appendUvarint(nil, a.Height)
	case Pending:
		b := appendUvarint(nil, uint64(len(a.URI)))
		return append(b, a.URI...)
	}
	return a.Payload
}

// parsePayload fills the kind's fields from a.Payload, strictly: the
// payload must be exactly the encoding of those fields.
func (a *Attestation) parsePayload() error {
	switch a.Kind {
	case Bitcoin, Litecoin, Ethereum:
		r := reader{b: a.Payload}
		h, err := r.uvarint()
		if err != nil {
			return err
		}
		if r.off != len(r.b) {
			return fmt.Errorf("%d trailing bytes after the height", len(r.b)-r.off)
		}
		a.Height = h
	case Pending:
		r := reader{b: a.Payload}
		uri, err := r.varbytes(0, maxURILength)
		if err != nil {
			return err
		}
		if r.off != len(r.b) {
			return fmt.Errorf("%d trailing bytes after the URI", len(r.b)-r.off)
		}
		for _, c := range uri {
			if !uriAllowed(c) {
				return fmt.Errorf("calendar URI has character %q", c)
			}
		}
		a.URI = string(uri)
	}
	return nil
}
