// Package btc parses and checks the Bitcoin data an anchor receipt
// carries, offline: raw transactions (legacy and segwit, BIP 144), their
// txid and wtxid and OP_RETURN payloads; 80-byte block headers, their
// hash and proof of work; transaction merkle branches and full-block
// merkle roots; and chains of headers from a trusted checkpoint.
//
// It also writes anchors: [BuildAnchorTx] builds and signs, offline, a
// transaction spending P2WPKH (segwit) or P2PKH (legacy, the form
// mainnet Blockcerts compares the issuer's key with) outputs of one key
// to a change [Address] and an OP_RETURN output carrying the 32-byte
// batch root.
// [VerifyInputSigner] checks the signature of a P2WPKH, P2SH-P2WPKH or
// legacy P2PKH input and returns the key that made it, which is how
// package anchor proves an anchor's sender at level L2; [ParseAddress]
// and [Address.String] read and write bech32 P2WPKH addresses (BIP 173)
// for [Mainnet], [Testnet] and [Regtest]; [ParseP2PKHAddress] and
// [NewP2PKHAddress] the base58check P2PKH ones.
//
// Byte order: a [Hash] holds bytes in internal order (as hashed and
// serialized); [Hash.String] and [ParseHash] use the byte-reversed display
// order explorers show. OP_RETURN payloads are never reversed.
//
// # Guarantees
//
//   - A parsed [Tx], [Header] or [Block] is exactly the bytes given: every
//     byte consumed, every length and count checked. Nothing panics on
//     input.
//   - [VerifyInputSigner] returns a signer only when the input's
//     signature verified over this exact transaction under the returned
//     key; on any error the signer is nil.
//   - [BuildAnchorTx] is deterministic (RFC 6979 nonces): the same
//     parameters give the same transaction, change first and the
//     OP_RETURN carrying the root last.
//   - Pure functions over bytes: no I/O, no global state, safe for
//     concurrent use.
//
// # Refuses
//
// Every parser is strict and bounded: exact lengths, no trailing bytes,
// minimal CompactSize integers, element counts checked against the bytes
// left before anything is allocated, and hard caps: a transaction or a
// block at most 4,000,000 bytes, a merkle branch at most 32 hashes, a
// header chain at most 10,000 headers. Beyond that it refuses:
//
//   - signatures that are not strict DER (BIP 66), low S (BIP 146) and
//     SIGHASH_ALL, and inputs other than P2PKH, P2WPKH and P2SH-P2WPKH
//     ([VerifyInputSigner]); a segwit input without its spent amount;
//   - negative, zero and overflowing nBits, and a header hash above its
//     target ([ErrInsufficientWork]);
//   - merkle lists mutated as in CVE-2012-2459 ([Block.CheckMerkleRoot]);
//   - bech32 witness versions 1 to 16 (bech32m, taproot);
//   - in [BuildAnchorTx]: a fee rate outside 1 to [MaxFeeRate] sat/kvB and
//     change below the P2WPKH dust limit (an error, never a gift to the
//     miner).
//
// # Security considerations
//
// Signatures: [VerifyInputSigner] accepts only
// the canonical encoding (strict DER, BIP 66; low S, BIP 146;
// SIGHASH_ALL), so a third party cannot re-encode a signature into
// another valid witness. A public key in a scriptSig or witness is never
// taken as the sender until the signature over the transaction verifies
// under it: witnesses are outside the txid, so anyone can swap another
// key into a copy of a transaction without changing its id. The digest
// commits to the prevout amount, so [BuildAnchorTx] given a wrong amount
// for a P2WPKH input produces a transaction nodes reject, never one that
// overpays; a legacy P2PKH signature does not, so a P2PKH input's amount
// must be right (an understated one goes to the miner as fee). Private
// keys are never formatted into errors.
//
// Merkle proofs in Bitcoin have two known ambiguities, and both are
// guarded:
//
//   - CVE-2012-2459: duplicating the last node of an odd level leaves the
//     root unchanged. [MerkleRoot] reports such lists as mutated and
//     [Block.CheckMerkleRoot] rejects them; receipt verification (package
//     anchor) rejects a branch that proves the phantom duplicate position
//     (a left sibling equal to the running hash).
//   - 64-byte transactions (Lerner 2018; Bitcoin Core's notes on
//     ComputeMerkleRoot, BIP 54): such a transaction is indistinguishable
//     from an inner node. Receipt verification takes the raw transaction,
//     not a bare txid, parses it fully and refuses a stripped size of 64.
//
// Proof of work: [Header.CheckProofOfWork] rejects the negative, zero and
// overflowing nBits encodings as Bitcoin Core's CheckProofOfWork does
// ([ErrInsufficientWork] when the hash is above the target). Receipt
// verification (package anchor) checks prevHash linkage from a
// caller-trusted checkpoint and each header's own target against a
// difficulty floor;
// it does not replay difficulty retargeting (2016-block windows),
// median-time-past or timestamp rules, so the floor is what stops cheap
// low-difficulty headers. Testnet allows minimum-difficulty blocks and
// regtest mining is free: their proof of work is no evidence of finality.
//
// # Offline use
//
// Pure functions over bytes; no I/O, no global state. Signing happens in
// memory: the caller sends the result ([Tx.Bytes], hex-encoded, is what
// Bitcoin Core's and btcd's sendrawtransaction take).
//
// # Compatibility
//
// Serialization follows Bitcoin Core (CTransaction, CBlockHeader, CBlock)
// and BIP 141/144. [ParseTx] accepts every transaction in Bitcoin Core's
// tx_valid.json. The BIP 143 digest reproduces every digest of BIP 143's
// examples, and signing reproduces their signatures byte for byte (both
// use RFC 6979 nonces). Every P2PKH and P2WPKH signature in tx_valid.json
// verifies against the legacy or the BIP 143 digest for its hash
// type (ALL, NONE, SINGLE, with and without ANYONECANPAY). Bech32 passes BIP 173's test vectors; witness
// versions 1 to 16 need bech32m (BIP 350, taproot) and are refused.
// Anchor transactions built here are accepted by btcd's mempool in
// regtest and mined (see interop/btc_test.go).
//
// Decisions: outputs are change first and OP_RETURN last (the Blockcerts
// convention); inputs signal replaceability (nSequence 0xfffffffd) so a
// stuck anchor can be fee-bumped; fee rates are in sat/kvB as in Bitcoin
// Core, applied to an upper bound of the virtual size; change below the
// P2WPKH dust limit is an error rather than being given to the miner;
// only SIGHASH_ALL, compressed keys, strict-DER low-S signatures are
// produced or accepted.
//
// # Layout
//
// The implementation is in internal/btcwire, shared with package anchor
// and the Blockcerts verifier; this package names the part meant for
// callers. Its types are aliases of that package's, so the methods listed
// on each type's documentation here are the ones it has.
package btc
