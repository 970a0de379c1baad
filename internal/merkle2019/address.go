package merkle2019

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/onchaincert/microcred/internal/base58"
)

// bitcoinAddress returns the P2PKH address of a secp256k1 public key (SEC1,
// 33 or 65 bytes), as Blockcerts derives an issuer's address from its
// verification method: HASH160 of the compressed key, version 0x00
// (mainnet) or 0x6f (testnet), base58check.
func bitcoinAddress(publicKey []byte, testnet bool) (string, error) {
	pk, err := secp256k1.ParsePubKey(publicKey)
	if err != nil {
		return "", fmt.Errorf("merkle2019: parsing secp256k1 public key: %w", err)
	}
	h160 := btc.Hash160(pk.SerializeCompressed())
	version := byte(0x00)
	if testnet {
		version = 0x6f
	}
	payload := append([]byte{version}, h160[:]...)
	c1 := sha256.Sum256(payload)
	c2 := sha256.Sum256(c1[:])
	return base58.Encode(append(payload, c2[:4]...)), nil
}

// ethereumAddress returns the Ethereum address of a secp256k1 public key
// (SEC1, 33 or 65 bytes): "0x" and the lowercase hex of the last 20 bytes
// of Keccak-256 of the uncompressed X‖Y.
func ethereumAddress(publicKey []byte) (string, error) {
	pk, err := secp256k1.ParsePubKey(publicKey)
	if err != nil {
		return "", fmt.Errorf("merkle2019: parsing secp256k1 public key: %w", err)
	}
	h := eth.Keccak256(pk.SerializeUncompressed()[1:])
	return "0x" + hex.EncodeToString(h[12:]), nil
}

// IssuingAddress returns the address a key anchors from on the blink's
// chain, as Blockcerts derives it to compare with the transaction's
// sender: P2PKH mainnet for btc mainnet, P2PKH testnet for btc testnet and
// regtest, the Ethereum address for eth and mtc. Mocknet has no address.
func IssuingAddress(publicKey []byte, b Blink) (string, error) {
	switch {
	case b.Chain == "btc" && b.Network == "mainnet":
		return bitcoinAddress(publicKey, false)
	case b.Chain == "btc":
		return bitcoinAddress(publicKey, true)
	case b.Chain == "eth" || b.Chain == "mtc":
		return ethereumAddress(publicKey)
	}
	return "", fmt.Errorf("%w: %s has no issuing address", errUnsupportedAnchor, b.Chain)
}
