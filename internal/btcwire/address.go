package btcwire

import (
	"bytes"
	"crypto/sha256"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred/internal/base58"
	//lint:ignore SA1019 Bitcoin's HASH160 is defined with RIPEMD-160; there is no substitute.
	"golang.org/x/crypto/ripemd160"
)

// Network is a Bitcoin network, as far as addresses tell them apart. The
// zero value is no network and is refused everywhere.
type Network uint8

const (
	// Mainnet addresses start with "bc1".
	Mainnet Network = iota + 1
	// Testnet addresses start with "tb1" (testnet3, testnet4 and signet
	// share the prefix).
	Testnet
	// Regtest addresses start with "bcrt1".
	Regtest
)

// HRP returns the network's bech32 human-readable part ("bc", "tb",
// "bcrt"), or "" for an unknown network.
func (n Network) HRP() string {
	switch n {
	case Mainnet:
		return "bc"
	case Testnet:
		return "tb"
	case Regtest:
		return "bcrt"
	}
	return ""
}

// String returns "mainnet", "testnet", "regtest" or "unknown".
func (n Network) String() string {
	switch n {
	case Mainnet:
		return "mainnet"
	case Testnet:
		return "testnet"
	case Regtest:
		return "regtest"
	}
	return "unknown"
}

func networkOfHRP(hrp string) (Network, bool) {
	for _, n := range []Network{Mainnet, Testnet, Regtest} {
		if n.HRP() == hrp {
			return n, true
		}
	}
	return 0, false
}

// Hash160 returns RIPEMD-160(SHA-256(b)), the hash P2PKH and P2WPKH
// outputs commit to a public key with.
func Hash160(b []byte) [20]byte {
	s := sha256.Sum256(b)
	h := ripemd160.New()
	h.Write(s[:])
	var out [20]byte
	h.Sum(out[:0])
	return out
}

// Address is a pay-to-public-key-hash address on one network: a native
// segwit version 0 P2WPKH address (bech32, [NewAddress], [ParseAddress]),
// or a legacy P2PKH address (base58check, [NewP2PKHAddress],
// [ParseP2PKHAddress]), the form Blockcerts compares an issuer's key
// with. The zero value is not an address.
type Address struct {
	net   Network
	hash  [20]byte
	p2pkh bool
}

// P2PKH version bytes of base58check addresses; regtest uses testnet's,
// as Bitcoin Core and btcd do.
const (
	p2pkhVersionMainnet = 0x00
	p2pkhVersionTestnet = 0x6f
)

// NewP2PKHAddress returns the legacy P2PKH address for a 20-byte public
// key hash on net. An unknown network wraps errInvalidAddress.
func NewP2PKHAddress(net Network, pubKeyHash [20]byte) (Address, error) {
	if net.HRP() == "" {
		return Address{}, fmt.Errorf("%w: unknown network %d", errInvalidAddress, net)
	}
	return Address{net: net, hash: pubKeyHash, p2pkh: true}, nil
}

// ParseP2PKHAddress parses a base58check P2PKH address ("1…" on mainnet,
// "m…" or "n…" on testnet and regtest) for net: base58check cannot tell
// testnet from regtest, so the caller names the network, and a version
// byte that is not net's is refused. Errors wrap errInvalidAddress; on
// error the Address is zero.
func ParseP2PKHAddress(net Network, s string) (Address, error) {
	if net.HRP() == "" {
		return Address{}, fmt.Errorf("%w: unknown network %d", errInvalidAddress, net)
	}
	if len(s) > 40 {
		return Address{}, fmt.Errorf("%w: %d characters is too long for a P2PKH address", errInvalidAddress, len(s))
	}
	b, err := base58.Decode(s)
	if err != nil || len(b) != 25 {
		return Address{}, fmt.Errorf("%w: %q is not base58check of 25 bytes", errInvalidAddress, s)
	}
	sum := DoubleSHA256(b[:21])
	if !bytes.Equal(sum[:4], b[21:]) {
		return Address{}, fmt.Errorf("%w: %q: base58check checksum mismatch", errInvalidAddress, s)
	}
	want := byte(p2pkhVersionTestnet)
	if net == Mainnet {
		want = p2pkhVersionMainnet
	}
	if b[0] != want {
		return Address{}, fmt.Errorf("%w: %q has version byte 0x%02x, a %s P2PKH address has 0x%02x", errInvalidAddress, s, b[0], net, want)
	}
	return Address{net: net, hash: [20]byte(b[1:21]), p2pkh: true}, nil
}

// P2PKH reports whether the address is a legacy P2PKH address.
func (a Address) P2PKH() bool { return a.p2pkh }

// NewAddress returns the P2WPKH address for a 20-byte public key hash on
// net. An unknown network wraps errInvalidAddress.
func NewAddress(net Network, pubKeyHash [20]byte) (Address, error) {
	if net.HRP() == "" {
		return Address{}, fmt.Errorf("%w: unknown network %d", errInvalidAddress, net)
	}
	return Address{net: net, hash: pubKeyHash}, nil
}

// AddressFromPubKey returns the P2WPKH address of a 33-byte compressed
// secp256k1 public key (BIP 143 allows no other kind in version 0
// witness programs). Errors wrap errInvalidAddress.
func AddressFromPubKey(net Network, pubKey []byte) (Address, error) {
	if _, err := parseCompressedPubKey(pubKey); err != nil {
		return Address{}, fmt.Errorf("%w: %w", errInvalidAddress, err)
	}
	return NewAddress(net, Hash160(pubKey))
}

// parseCompressedPubKey requires 33 bytes starting 0x02 or 0x03 that
// decode to a point on the curve.
func parseCompressedPubKey(pub []byte) (*secp256k1.PublicKey, error) {
	if len(pub) != 33 || (pub[0] != 0x02 && pub[0] != 0x03) {
		return nil, fmt.Errorf("public key is not 33 bytes in compressed form")
	}
	key, err := secp256k1.ParsePubKey(pub)
	if err != nil {
		return nil, fmt.Errorf("public key is not on the curve")
	}
	return key, nil
}

// ParseAddress parses a bech32 P2WPKH address ("bc1q…", "tb1q…",
// "bcrt1q…", either case) with decodeSegwit and reports its network
// through [Address.Network]. A P2WSH address, an unknown prefix or any
// other witness version is refused. Errors wrap errInvalidBech32,
// errInvalidAddress or errUnsupportedWitnessVersion; on error the
// Address is zero.
func ParseAddress(s string) (Address, error) {
	hrp, version, prog, err := decodeSegwit(s)
	if err != nil {
		return Address{}, err
	}
	net, ok := networkOfHRP(hrp)
	if !ok {
		return Address{}, fmt.Errorf("%w: unknown human-readable part %q", errInvalidAddress, hrp)
	}
	if version != 0 || len(prog) != 20 {
		return Address{}, fmt.Errorf("%w: not P2WPKH (version %d, %d-byte program)", errInvalidAddress, version, len(prog))
	}
	return Address{net: net, hash: [20]byte(prog)}, nil
}

// String returns the lowercase bech32 form, which [ParseAddress] reads
// back, or for a P2PKH address the base58check form, which
// [ParseP2PKHAddress] reads back; "" for the zero Address.
func (a Address) String() string {
	if a.net.HRP() == "" {
		return ""
	}
	if a.p2pkh {
		version := byte(p2pkhVersionTestnet)
		if a.net == Mainnet {
			version = p2pkhVersionMainnet
		}
		return base58Check(version, a.hash)
	}
	s, err := encodeSegwit(a.net.HRP(), 0, a.hash[:])
	if err != nil {
		return "" // unreachable: a 20-byte v0 program under a known HRP always encodes
	}
	return s
}

// Network returns the address's network (0 for the zero Address).
func (a Address) Network() Network { return a.net }

// PubKeyHash returns the 20-byte HASH160 the address pays to.
func (a Address) PubKeyHash() [20]byte { return a.hash }

// PkScript returns the output script: OP_0 PUSH20 hash (0014‖hash) for
// P2WPKH, OP_DUP OP_HASH160 PUSH20 hash OP_EQUALVERIFY OP_CHECKSIG
// (76a914‖hash‖88ac) for P2PKH.
func (a Address) PkScript() []byte {
	if a.p2pkh {
		return P2WPKHScriptCode(a.hash)
	}
	return p2wpkhScript(a.hash)
}

func p2wpkhScript(h [20]byte) []byte {
	return append([]byte{0x00, 0x14}, h[:]...)
}

// P2WPKHScriptCode returns BIP 143's scriptCode for a P2WPKH input
// paying to h, without its length prefix: 76a914{h}88ac (the P2PKH
// script).
func P2WPKHScriptCode(h [20]byte) []byte {
	s := make([]byte, 0, 25)
	s = append(s, 0x76, 0xa9, 0x14)
	s = append(s, h[:]...)
	return append(s, 0x88, 0xac)
}

// isP2WPKH reports whether script is a P2WPKH output script and returns
// its public key hash.
func isP2WPKH(script []byte) ([20]byte, bool) {
	if len(script) != 22 || !bytes.HasPrefix(script, []byte{0x00, 0x14}) {
		return [20]byte{}, false
	}
	return [20]byte(script[2:]), true
}

// isP2PKH reports whether script is a P2PKH output script
// (76a914‖hash‖88ac) and returns its public key hash.
func isP2PKH(script []byte) ([20]byte, bool) {
	if len(script) != 25 || !bytes.HasPrefix(script, []byte{0x76, 0xa9, 0x14}) || !bytes.HasSuffix(script, []byte{0x88, 0xac}) {
		return [20]byte{}, false
	}
	return [20]byte(script[3:23]), true
}
