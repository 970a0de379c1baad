// Package btc parses and checks the Bitcoin data an anchor receipt
// carries, offline: raw transactions (legacy and segwit, BIP 144), their
// txid and wtxid and OP_RETURN payloads; 80-byte block headers, their
// hash and proof of work; transaction merkle branches and full-block
// merkle roots; and chains of headers from a trusted checkpoint.
//
// Byte order: a [Hash] holds bytes in internal order (as hashed and
// serialized); [Hash.String] and [ParseHash] use the byte-reversed display
// order explorers show. OP_RETURN payloads are never reversed.
//
// # Security considerations
//
// Every parser is strict and bounded: exact lengths, no trailing bytes,
// minimal CompactSize integers, element counts checked against the bytes
// left before anything is allocated, and hard caps ([MaxTxBytes],
// [MaxBlockBytes], [MaxBranch], [MaxChainHeaders]). Nothing panics on
// input.
//
// Merkle proofs in Bitcoin have two known ambiguities, and both are
// guarded:
//
//   - CVE-2012-2459: duplicating the last node of an odd level leaves the
//     root unchanged. [MerkleRoot] reports such lists as mutated and
//     [Block.CheckMerkleRoot] rejects them; [VerifyMerkleBranch] rejects a
//     branch that proves the phantom duplicate position (a left sibling
//     equal to the running hash); [VerifyMerkleBranchCount] additionally
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
// Pure functions over bytes; no I/O, no global state.
//
// # Compatibility
//
// Serialization follows Bitcoin Core (CTransaction, CBlockHeader, CBlock)
// and BIP 141/144. [ParseTx] accepts every transaction in Bitcoin Core's
// tx_valid.json. Building and signing anchor transactions is not
// implemented yet.
package btc
