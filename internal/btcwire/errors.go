package btcwire

import (
	"errors"
	"fmt"
	"github.com/onchaincert/microcred/internal/mtree"
)

var (
	// errMalformedTx is wrapped by errors for bytes that are not exactly
	// one consensus-serialized transaction.
	errMalformedTx = errors.New("btc: malformed transaction")
	// ErrMalformedHeader is wrapped by errors for a header that is not
	// exactly 80 bytes.
	ErrMalformedHeader = errors.New("btc: malformed block header")
	// errMalformedBlock is wrapped by errors for bytes that are not exactly
	// one serialized block.
	errMalformedBlock = errors.New("btc: malformed block")
	// ErrInvalidTarget is wrapped by errors for an nBits value that is
	// negative, zero, overflows 256 bits or exceeds the proof-of-work limit.
	ErrInvalidTarget = errors.New("btc: invalid compact target")
	// ErrInsufficientWork is wrapped by errors for a header whose hash is
	// above its target.
	ErrInsufficientWork = errors.New("btc: block hash above target")
	// ErrMerkleMismatch is wrapped by errors for a merkle root or branch
	// that does not reach the header's merkle root.
	ErrMerkleMismatch = errors.New("btc: merkle root mismatch")
	// errMutatedMerkle is wrapped by errors for a transaction list or a
	// branch that exploits the duplicate-last-node ambiguity (CVE-2012-2459).
	errMutatedMerkle = errors.New("btc: mutated merkle tree (CVE-2012-2459)")
	// err64ByteTx is wrapped by errors for a transaction whose
	// witness-stripped serialization is exactly 64 bytes: it cannot be told
	// apart from an inner merkle node, so it is never accepted as a leaf.
	err64ByteTx = errors.New("btc: 64-byte transaction cannot be proven by a merkle branch")
	// errBadBranch is wrapped by errors for a merkle branch whose shape is
	// impossible: too long, index out of range, or inconsistent with the
	// transaction count.
	errBadBranch = errors.New("btc: malformed merkle branch")
	// ErrBrokenChain is wrapped by errors for headers that do not link by
	// prevHash or do not start at the trusted checkpoint.
	ErrBrokenChain = mtree.ErrBrokenChain
	// errNoTransactions is returned for an empty transaction list.
	errNoTransactions = errors.New("btc: no transactions")
	// errInvalidBech32 is wrapped by errors for a string that is not valid
	// bech32 (BIP 173): length, characters, case, separator or checksum.
	errInvalidBech32 = errors.New("btc: invalid bech32 string")
	// errInvalidAddress is wrapped by errors for valid bech32 that is not
	// an address this package accepts: unknown prefix, bad padding, a
	// program of the wrong length, or not P2WPKH where one is required.
	errInvalidAddress = errors.New("btc: invalid address")
	// errUnsupportedWitnessVersion is wrapped by errors for witness
	// versions 1 to 16, whose addresses use bech32m (BIP 350).
	errUnsupportedWitnessVersion = errors.New("btc: unsupported witness version")
	// errNotP2WPKH is wrapped by errors for an input that is not a native
	// P2WPKH spend (scriptSig present, wrong witness shape, key not
	// compressed).
	errNotP2WPKH = errors.New("btc: input is not a P2WPKH spend")
	// ErrInvalidSignature is wrapped by errors for a signature that is not
	// strict DER, has a high S, a hash type other than SIGHASH_ALL, or
	// does not verify against its digest (BIP 143, or the legacy one).
	ErrInvalidSignature = errors.New("btc: invalid signature")
	// ErrUnsupportedInput is wrapped by errors for an input whose
	// signature [VerifyInputSigner] cannot check: not exactly a P2PKH,
	// P2WPKH or P2SH-P2WPKH spend (P2PK, multisig, P2WSH, taproot, …).
	ErrUnsupportedInput = errors.New("btc: input kind not supported for signature checks")
	// ErrAmountRequired is wrapped by errors when a segwit input's
	// signature is to be checked without the amount of the output it
	// spends, which the BIP 143 digest commits to.
	ErrAmountRequired = errors.New("btc: the spent output's amount is needed to check a segwit signature")
	// errInvalidParams is wrapped by errors for anchor transaction
	// parameters that are missing or out of range.
	errInvalidParams = errors.New("btc: invalid anchor transaction parameters")
	// ErrInsufficientFunds is wrapped by errors when the inputs cannot pay
	// the fee and leave change above the dust limit.
	ErrInsufficientFunds = errors.New("btc: insufficient funds")
)

// malformed returns an error wrapping kind with a detail message.
func malformed(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))
}
