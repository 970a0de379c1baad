package ots

import (
	"encoding/hex"
	"fmt"
	"strconv"
)

// attestationKind says which notary an attestation names.
type attestationKind uint8

const (
	// kindUnknown is a tag this package does not know; the attestation is kept
	// (its payload verbatim) and reported, never checked.
	kindUnknown attestationKind = iota
	// kindBitcoin is BitcoinBlockHeaderAttestation: the message is the merkle
	// root of the Bitcoin block at Height.
	kindBitcoin
	// kindLitecoin is LitecoinBlockHeaderAttestation (same shape as Bitcoin).
	kindLitecoin
	// kindEthereum is EthereumBlockHeaderAttestation (python-opentimestamps
	// core/dubious): the message is the transactionsRoot of the block at
	// Height.
	kindEthereum
	// kindPending is PendingAttestation: a calendar at URI promises to
	// complete the timestamp later.
	kindPending
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
func (k attestationKind) Tag() ([8]byte, bool) {
	switch k {
	case kindBitcoin:
		return tagBitcoin, true
	case kindLitecoin:
		return tagLitecoin, true
	case kindEthereum:
		return tagEthereum, true
	case kindPending:
		return tagPending, true
	}
	return [8]byte{}, false
}

// String returns "bitcoin", "litecoin", "ethereum", "pending" or "unknown".
func (k attestationKind) String() string {
	switch k {
	case kindBitcoin:
		return "bitcoin"
	case kindLitecoin:
		return "litecoin"
	case kindEthereum:
		return "ethereum"
	case kindPending:
		return "pending"
	}
	return "unknown"
}

func kindOfTag(tag [8]byte) attestationKind {
	switch tag {
	case tagBitcoin:
		return kindBitcoin
	case tagLitecoin:
		return kindLitecoin
	case tagEthereum:
		return kindEthereum
	case tagPending:
		return kindPending
	}
	return kindUnknown
}

// attestation is a leaf of the timestamp tree: a notary's statement about
// the message that reaches it.
type attestation struct {
	Kind attestationKind
	// Tag is the 8-byte tag; for known kinds it is the kind's tag.
	Tag [8]byte
	// Height is the block height (Bitcoin, Litecoin, Ethereum).
	Height uint64
	// URI is the calendar URI (Pending).
	URI string
	// Payload is the raw payload (always set by [Parse]; serialized as is
	// for kindUnknown).
	Payload []byte
}

// String describes the attestation as the reference client does, e.g.
// "BitcoinBlockHeaderAttestation(358391)".
func (a *attestation) String() string {
	switch a.Kind {
	case kindBitcoin:
		return "BitcoinBlockHeaderAttestation(" + strconv.FormatUint(a.Height, 10) + ")"
	case kindLitecoin:
		return "LitecoinBlockHeaderAttestation(" + strconv.FormatUint(a.Height, 10) + ")"
	case kindEthereum:
		return "EthereumBlockHeaderAttestation(" + strconv.FormatUint(a.Height, 10) + ")"
	case kindPending:
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
// known kinds, verbatim for kindUnknown.
func (a *attestation) payload() []byte {
	switch a.Kind {
	case kindBitcoin, kindLitecoin, kindEthereum:
		return appendUvarint(nil, a.Height)
	case kindPending:
		b := appendUvarint(nil, uint64(len(a.URI)))
		return append(b, a.URI...)
	}
	return a.Payload
}

// parsePayload fills the kind's fields from a.Payload, strictly: the
// payload must be exactly the encoding of those fields.
func (a *attestation) parsePayload() error {
	switch a.Kind {
	case kindBitcoin, kindLitecoin, kindEthereum:
		r := reader{b: a.Payload}
		h, err := r.uvarint()
		if err != nil {
			return err
		}
		if r.off != len(r.b) {
			return fmt.Errorf("%d trailing bytes after the height", len(r.b)-r.off)
		}
		a.Height = h
	case kindPending:
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
