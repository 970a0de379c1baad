package btc

import (
	"math/big"

	"github.com/onchaincert/microcred/internal/btcwire"
)

// Hash is a double-SHA-256 value (txid, block hash, merkle node) in
// internal byte order: the order the bytes are hashed and serialized in.
// Explorers and RPC display it byte-reversed; Hash.String does the same.
type Hash = btcwire.Hash

// Header is a parsed 80-byte block header (fields Version, PrevBlock,
// MerkleRoot, Time, Bits, Nonce). Methods: Bytes (the 80-byte
// serialization), Hash (the block hash), CheckProofOfWork(limit) (the
// nBits target is valid and not above limit and the hash meets it; errors
// wrap [ErrInsufficientWork] when the hash is above the target) and Work
// (the expected number of hashes the header's target takes).
type Header = btcwire.Header

// Block is a parsed block: its Header and Txs. Methods: TxIDs (the txids
// in order) and CheckMerkleRoot (recomputes the merkle root, refusing a
// mutated list, CVE-2012-2459).
type Block = btcwire.Block

// Tx is a parsed Bitcoin transaction (fields Version, Inputs, Outputs,
// LockTime: read-only views of the parsed bytes). Methods: TxID, WTxID,
// HasWitness, Size, StrippedSize, Weight, VSize, Bytes (the raw
// serialization, what sendrawtransaction takes), StrippedBytes,
// OpReturnPayloads, FindRoot (the output carrying OP_RETURN‖PUSH32‖root)
// and Fee (given the spent amounts).
type Tx = btcwire.Tx

// Network is a Bitcoin network, as far as addresses tell them apart. The
// zero value is no network and is refused everywhere. Methods: HRP (the
// bech32 prefix) and String.
type Network = btcwire.Network

const (
	// Mainnet addresses start with "bc1".
	Mainnet = btcwire.Mainnet
	// Testnet addresses start with "tb1" (testnet3, testnet4 and signet
	// share the prefix).
	Testnet = btcwire.Testnet
	// Regtest addresses start with "bcrt1".
	Regtest = btcwire.Regtest
)

// Address is a pay-to-public-key-hash address on one network: a native
// segwit version 0 P2WPKH address (bech32, [NewAddress], [ParseAddress]),
// or a legacy P2PKH address (base58check, [NewP2PKHAddress],
// [ParseP2PKHAddress]), the form Blockcerts compares an issuer's key with.
// The zero value is not an address. Methods: String, Network, P2PKH,
// PubKeyHash and PkScript (the output script paying to it).
type Address = btcwire.Address

// UTXO is an unspent output (TxID in internal byte order, Vout, Amount in
// satoshis), paying to the signing key's address of the kind
// [AnchorParams].Spend names, that the anchor transaction spends.
type UTXO = btcwire.UTXO

// AnchorParams describes an anchor transaction for [BuildAnchorTx]:
// Network, Key, Spend ([SpendP2WPKH], the zero value, or [SpendP2PKH]),
// Inputs (at least one [UTXO]), Root (the 32-byte batch root), Change
// (a P2WPKH or P2PKH [Address] on Network), FeeRate (satoshis per 1000
// virtual bytes, 1 to [MaxFeeRate]) and LockTime.
type AnchorParams = btcwire.AnchorParams

// SpendKind is the kind of output an input spends, as far as its
// scriptSig and witness show it and [VerifyInputSigner] can check its
// signature.
type SpendKind = btcwire.SpendKind

const (
	// SpendP2PKH is a legacy pay-to-public-key-hash spend: scriptSig
	// <signature> <pubkey>, signed with the original (pre-segwit) digest.
	SpendP2PKH = btcwire.SpendP2PKH
	// SpendP2WPKH is a native segwit v0 spend: empty scriptSig, witness
	// <signature> <pubkey>, signed with the BIP 143 digest.
	SpendP2WPKH = btcwire.SpendP2WPKH
)

// InputSigner is the key whose signature on one input
// [VerifyInputSigner] checked: its Kind and PubKey (33 bytes compressed,
// or for P2PKH possibly 65 bytes uncompressed). Method Address(net) gives
// the key's address of that kind.
type InputSigner = btcwire.InputSigner

const (
	// MaxFeeRate is the highest fee rate [BuildAnchorTx] accepts, in
	// satoshis per 1000 virtual bytes: 0.1 BTC/kvB, Bitcoin Core's default
	// -maxfeerate. A rate above it is almost certainly a unit mistake.
	MaxFeeRate = btcwire.MaxFeeRate
	// MaxMoney is the largest output value consensus allows, in satoshis.
	MaxMoney = btcwire.MaxMoney
	// UnknownAmount is the amount to pass to [VerifyInputSigner] when the
	// value of the output an input spends is not known.
	UnknownAmount = btcwire.UnknownAmount
)

var (
	// ErrInsufficientWork is wrapped by errors for a header whose hash is
	// above its target ([Header].CheckProofOfWork).
	ErrInsufficientWork = btcwire.ErrInsufficientWork
	// ErrUnsupportedInput is wrapped by errors for an input whose
	// signature [VerifyInputSigner] cannot check: not exactly a P2PKH,
	// P2WPKH or P2SH-P2WPKH spend (P2PK, multisig, P2WSH, taproot, …).
	ErrUnsupportedInput = btcwire.ErrUnsupportedInput
	// ErrAmountRequired is wrapped by errors when a segwit input's
	// signature is to be checked without the amount of the output it
	// spends, which the BIP 143 digest commits to.
	ErrAmountRequired = btcwire.ErrAmountRequired
	// ErrInsufficientFunds is wrapped by errors when the inputs cannot pay
	// the fee and leave change above the dust limit.
	ErrInsufficientFunds = btcwire.ErrInsufficientFunds
)

// ParseHash reads a hash in display (byte-reversed) hex, as Hash.String
// writes it. Exactly 64 hex digits are required.
func ParseHash(s string) (Hash, error) { return btcwire.ParseHash(s) }

// DoubleSHA256 returns SHA-256(SHA-256(b)), the hash Bitcoin uses for
// txids, block hashes and merkle nodes.
func DoubleSHA256(b []byte) Hash { return btcwire.DoubleSHA256(b) }

// Hash160 returns RIPEMD-160(SHA-256(b)), the hash P2PKH and P2WPKH
// outputs commit to a public key with.
func Hash160(b []byte) [20]byte { return btcwire.Hash160(b) }

// ParseHeader parses exactly 80 bytes; anything else is a malformed
// header error naming the length.
func ParseHeader(b []byte) (*Header, error) { return btcwire.ParseHeader(b) }

// RegtestPowLimit returns regtest's proof-of-work limit (0x7fff…ff,
// nBits 207fffff), the limit to pass to [Header].CheckProofOfWork when
// mining a regtest block. Regtest proof of work is free: it is no
// evidence of anything.
func RegtestPowLimit() *big.Int { return btcwire.RegtestPowLimit() }

// ParseBlock parses exactly one serialized block: an 80-byte header, a
// CompactSize transaction count and that many transactions (each parsed
// as strictly as [ParseTx]), with no trailing bytes. It does not check the
// merkle root; call Block.CheckMerkleRoot.
func ParseBlock(raw []byte) (*Block, error) { return btcwire.ParseBlock(raw) }

// MerkleRoot computes a block's merkle root from its txids, in internal
// byte order, duplicating the last node of every odd level as Bitcoin
// does. mutated reports the CVE-2012-2459 ambiguity Bitcoin Core's
// ComputeMerkleRoot flags (two equal adjacent nodes at an even position);
// a block whose list is mutated must be rejected even though its root
// matches. An empty list is an error.
func MerkleRoot(txids []Hash) (root Hash, mutated bool, err error) {
	return btcwire.MerkleRoot(txids)
}

// MerkleBranch returns the branch (sibling hashes, leaf to root, internal
// byte order) proving txids[index] in the block's merkle tree: what an
// [anchor.Anchor]'s Branch holds. An index outside the list is an error.
//
// [anchor.Anchor]: https://pkg.go.dev/github.com/onchaincert/microcred/anchor#Anchor
func MerkleBranch(txids []Hash, index int) ([]Hash, error) {
	return btcwire.MerkleBranch(txids, index)
}

// ParseTx parses exactly one consensus-serialized transaction (legacy or
// BIP 144 segwit), strictly: minimal CompactSize integers, counts checked
// against the bytes left, no trailing bytes, at most 4,000,000 bytes.
func ParseTx(raw []byte) (*Tx, error) { return btcwire.ParseTx(raw) }

// BuildAnchorTx builds and signs, offline, a version 2 transaction that
// spends p.Inputs with p.Key and has two outputs:
//
//	0: the change, to p.Change (P2WPKH or P2PKH)
//	1: value 0, OP_RETURN OP_PUSHBYTES_32 root (6a20‖root), the
//	   Blockcerts position (last)
//
// Each input has nSequence 0xfffffffd (replaceable, BIP 125) and a low-S,
// strict-DER, RFC 6979 deterministic ECDSA signature with SIGHASH_ALL.
// With p.Spend [SpendP2WPKH] the transaction is segwit and each input has
// a P2WPKH witness (the signature over the BIP 143 digest, and the key's
// compressed public key); with [SpendP2PKH] it has no witness and each
// scriptSig is <signature> <compressed pubkey>, the signature over the
// legacy digest. The fee is the fee rate times an upper bound of the
// virtual size (every signature counted at its longest), rounded up, so
// the rate is met or slightly exceeded.
//
// Before returning, the serialization is read back with [ParseTx] and
// every input is checked with [VerifyInputSigner] against the key.
// Missing or out-of-range parameters, duplicate inputs and a network
// mismatch are errors naming the field; change below the dust limit wraps
// [ErrInsufficientFunds]; nothing about the key is quoted. Send Tx.Bytes.
func BuildAnchorTx(p AnchorParams) (*Tx, error) { return btcwire.BuildAnchorTx(p) }

// VerifyInputSigner checks the signature of input index of tx and returns
// the key that made it. This is what binds a transaction to its sender: a
// public key read from a scriptSig or a witness proves nothing until the
// signature over this transaction verifies under it (a witness can be
// replaced without changing the txid).
//
// Three kinds are recognized by their exact shape ([SpendKind]), each with
// one strict-DER low-S signature with SIGHASH_ALL: P2PKH, checked with the
// legacy digest, no amount needed; P2WPKH and P2SH-P2WPKH, checked with
// the BIP 143 digest, which needs amount, the value in satoshis of the
// output the input spends. With amount [UnknownAmount] a segwit input
// fails with [ErrAmountRequired]; any other script fails with
// [ErrUnsupportedInput]; a bad signature or a missing input is an error;
// on error the signer is nil.
func VerifyInputSigner(tx *Tx, index int, amount int64) (*InputSigner, error) {
	return btcwire.VerifyInputSigner(tx, index, amount)
}

// NewAddress returns the P2WPKH address for a 20-byte public key hash on
// net. An unknown network is an error.
func NewAddress(net Network, pubKeyHash [20]byte) (Address, error) {
	return btcwire.NewAddress(net, pubKeyHash)
}

// NewP2PKHAddress returns the legacy P2PKH address for a 20-byte public
// key hash on net. An unknown network is an error.
func NewP2PKHAddress(net Network, pubKeyHash [20]byte) (Address, error) {
	return btcwire.NewP2PKHAddress(net, pubKeyHash)
}

// AddressFromPubKey returns the P2WPKH address of a 33-byte compressed
// secp256k1 public key (BIP 143 allows no other kind in version 0 witness
// programs).
func AddressFromPubKey(net Network, pubKey []byte) (Address, error) {
	return btcwire.AddressFromPubKey(net, pubKey)
}

// ParseAddress parses a bech32 P2WPKH address ("bc1q…", "tb1q…",
// "bcrt1q…", either case, BIP 173) and reports its network through
// Address.Network. A P2WSH address, an unknown prefix or any other
// witness version (bech32m, BIP 350) is refused; on error the Address is
// zero.
func ParseAddress(s string) (Address, error) { return btcwire.ParseAddress(s) }

// ParseP2PKHAddress parses a base58check P2PKH address ("1…" on mainnet,
// "m…" or "n…" on testnet and regtest) for net: base58check cannot tell
// testnet from regtest, so the caller names the network, and a version
// byte that is not net's is refused; on error the Address is zero.
func ParseP2PKHAddress(net Network, s string) (Address, error) {
	return btcwire.ParseP2PKHAddress(net, s)
}
