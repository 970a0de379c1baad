package eth

import (
	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred/internal/ethwire"
)

// Hash is a 32-byte Keccak-256 digest. Method String gives "0x" and 64
// lowercase hex digits, as JSON-RPC writes hashes.
type Hash = ethwire.Hash

// Address is a 20-byte account address. Method String gives the EIP-55
// mixed-case checksummed form.
type Address = ethwire.Address

// Header is a parsed execution-layer block header (ParentHash, TxRoot,
// Number, … and the fields later forks added, nil when absent). Methods:
// Hash (the block hash, Keccak-256 of the RLP) and MarshalBinary.
type Header = ethwire.Header

// Tx is a signed (or, while being built, unsigned) transaction of type 0,
// 1 or 2 (Type, ChainID, Nonce, gas fields, To, Value, Data, AccessList,
// V, R, S). Methods: MarshalBinary (the raw bytes eth_sendRawTransaction
// takes), Hash, SigningHash, Sign, Sender (recovers the signer, refusing
// r or s out of range, high s and a v not matching the chain id),
// Protected (the transaction names its chain, EIP-155) and FindRoot (the
// data is the root).
type Tx = ethwire.Tx

// TxType is the EIP-2718 transaction type; legacy transactions have none
// and are type 0 here. Types 1 (EIP-2930) and 2 (EIP-1559) are the others
// parsed.
type TxType = ethwire.TxType

// LegacyTxType is an untyped RLP list, before EIP-155 (v = 27, 28) or
// with its chain id folded into v (v = chainID·2 + 35 + recid).
const LegacyTxType = ethwire.LegacyTxType

// AccessTuple is one EIP-2930 access list entry.
type AccessTuple = ethwire.AccessTuple

// AnchorParams are the parameters of an anchor transaction for
// [NewAnchorTx]: a value-0 transaction whose data is exactly the 32-byte
// Merkle root. ChainID is required (EIP-155 replay protection); Legacy
// makes an EIP-155 legacy transaction (GasPrice required) instead of an
// EIP-1559 one (MaxPriorityFeePerGas ≤ MaxFeePerGas required); GasLimit 0
// means the intrinsic gas of the root as calldata (21000 plus EIP-2028
// and EIP-7623 calldata cost); To nil sends to the signer's own address.
type AnchorParams = ethwire.AnchorParams

var (
	// ErrChainID is wrapped by errors for a chain id that is missing,
	// zero, or not the one expected.
	ErrChainID = ethwire.ErrChainID
	// ErrInvalidParams is wrapped by errors for anchor transaction
	// parameters that cannot make a valid transaction.
	ErrInvalidParams = ethwire.ErrInvalidParams
)

// Keccak256 returns the Keccak-256 digest of the concatenated inputs (the
// original Keccak padding Ethereum uses, not FIPS 202 SHA3-256).
func Keccak256(data ...[]byte) Hash { return ethwire.Keccak256(data...) }

// ParseHash reads "0x" and 64 hex digits (either case).
func ParseHash(s string) (Hash, error) { return ethwire.ParseHash(s) }

// ParseAddress reads "0x" and 40 hex digits. All-lowercase and
// all-uppercase digits are accepted; mixed case must be the EIP-55
// checksum.
func ParseAddress(s string) (Address, error) { return ethwire.ParseAddress(s) }

// PubkeyAddress returns the address of a secp256k1 public key: the last
// 20 bytes of the Keccak-256 of its uncompressed X‖Y coordinates.
func PubkeyAddress(pub *secp256k1.PublicKey) Address { return ethwire.PubkeyAddress(pub) }

// ParseHeader parses an RLP block header of one of the fork layouts:
// 15 fields (Frontier to Berlin), 16 (London), 17 (Shanghai), 20 (Cancun)
// or 21 (Prague). Hashes must be 32 bytes, the coinbase 20, the bloom
// 256, the nonce 8, extraData at most 4096 bytes, integers canonical, the
// whole at most 8 KiB; on error the header is nil.
func ParseHeader(raw []byte) (*Header, error) { return ethwire.ParseHeader(raw) }

// ParseTx parses one raw transaction as eth_sendRawTransaction takes it
// and the transactions trie stores it: a legacy RLP list of 9 items, or a
// type byte 1 or 2 followed by the RLP list of 11 or 12 items. Decoding
// is strict (canonical RLP and integers, nonce and gas in 64 bits, amounts
// in 256, to empty or 20 bytes, yParity 0 or 1, legacy v 27, 28 or at
// least 37) and at most 128 KiB. The signature values are range checked
// by Tx.Sender, not here. On error the transaction is nil.
func ParseTx(raw []byte) (*Tx, error) { return ethwire.ParseTx(raw) }

// NewAnchorTx builds and signs the transaction anchoring the 32-byte
// root: value 0, data = root, to = p.To or the key's own address.
// Parameters that cannot make a valid transaction wrap
// [ErrInvalidParams]. Send Tx.MarshalBinary.
func NewAnchorTx(key *secp256k1.PrivateKey, root []byte, p AnchorParams) (*Tx, error) {
	return ethwire.NewAnchorTx(key, root, p)
}

// TxProof builds the transactions trie of a block from all its raw
// transactions, in block order, and returns its root (the header's
// transactionsRoot) and the proof for the transaction at index, which an
// [anchor.Anchor] carries as its Branch. More than 65,536 transactions,
// an empty one or an index out of range is an error.
//
// [anchor.Anchor]: https://pkg.go.dev/github.com/onchaincert/microcred/anchor#Anchor
func TxProof(txs [][]byte, index uint64) (Hash, [][]byte, error) {
	return ethwire.TxProof(txs, index)
}
