// Package btcwire is the implementation of package anchor/btc, shared with
// package anchor and internal/merkle2019, which also need its chain and
// signature checks (VerifyChain, VerifyTxInBlock, CompactToTarget,
// LegacySigHash, VerifyP2WPKHInput). Package btc documents the behaviour;
// what follows is that documentation as it applies here.
//
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
// batch root. [VerifyP2WPKHInput] checks such an input's BIP 143 signature
// against the prevout amount and returns the public key that signed it;
// [VerifyInputSigner] does the same for P2WPKH, P2SH-P2WPKH and legacy
// P2PKH inputs ([LegacySigHash]), which is how package anchor proves an
// anchor's sender at level L2; [ParseAddress]
// and [Address.String] read and write bech32 P2WPKH addresses (BIP 173)
// for [Mainnet], [Testnet] and [Regtest]; [ParseP2PKHAddress] and
// [NewP2PKHAddress] the base58check P2PKH ones.
//
// Byte order: a [Hash] holds bytes in internal order (as hashed and
// serialized); [Hash.String] and [ParseHash] use the byte-reversed display
// order explorers show. OP_RETURN payloads are never reversed.
//
// # Security considerations
//
// Every parser is strict and bounded: exact lengths, no trailing bytes,
// minimal CompactSize integers, element counts checked against the bytes
// left before anything is allocated, and hard caps (maxTxBytes,
// maxBlockBytes, maxBranch, maxChainHeaders). Nothing panics on
// input.
//
// Signatures: [VerifyP2WPKHInput] and [VerifyInputSigner] accept only
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
//     [Block.CheckMerkleRoot] rejects them; verifyMerkleBranch rejects a
//     branch that proves the phantom duplicate position (a left sibling
//     equal to the running hash); verifyMerkleBranchCount additionally
//     binds the branch to a known transaction count.
//   - 64-byte transactions (Lerner 2018; Bitcoin Core's notes on
//     ComputeMerkleRoot, BIP 54): such a transaction is indistinguishable
//     from an inner node. [VerifyTxInBlock] takes the raw transaction, not
//     a bare txid, parses it fully and refuses a stripped size of 64.
//
// Proof of work: [CompactToTarget] rejects the negative, zero and
// overflowing nBits encodings as Bitcoin Core's CheckProofOfWork does.
// [VerifyChain] checks prevHash linkage from a caller-trusted checkpoint
// and each header's own target against a caller-supplied difficulty floor;
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
// tx_valid.json. witnessV0SigHash reproduces every digest of BIP 143's
// examples, and signing reproduces their signatures byte for byte (both
// use RFC 6979 nonces). Every P2PKH and P2WPKH signature in tx_valid.json
// verifies against [LegacySigHash] or witnessV0SigHash for its hash
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
package btcwire
