// Package anchor batches credentials into a Merkle tree whose root is
// anchored on a blockchain, proves each credential's inclusion, and
// carries the evidence in a [Receipt] that verifies offline to a graded
// assurance [Level].
//
// # The leaf
//
// A leaf is exactly 32 bytes: the SHA-256 digest of the canonical form
// of the signed credential, computed by the caller.
//
//   - In [ModeRFC6962] (the default for new batches), "canonical" means
//     the exact bytes of the signed credential as issued (the JSON the
//     issuer returns, proof included, not re-serialized); the tree then
//     hashes the digest again as an RFC 6962 leaf, SHA-256(0x00‖digest).
//   - In [ModeBlockcerts], the digest is the Blockcerts targetHash:
//     SHA-256 of the UTF-8 RDFC-1.0 (URDNA2015) N-Quads of the credential
//     without its proof (proof removed, a fallback @vocab added, any
//     fallback IRI in the output an error), exactly as
//     jsonld-signatures-merkleproof2019 computeLocalHash does. It enters
//     the tree unhashed, as merkletools does.
//
// # Trees
//
// [ModeRFC6962] is RFC 6962 §2.1 / RFC 9162 §2.1.1: the left subtree holds
// the largest power of two smaller than n leaves, node =
// SHA-256(0x01‖left‖right). Inclusion paths are bound to (index, size) and
// checked by [VerifyInclusion] as RFC 9162 §2.1.3.2 specifies.
//
// [ModeBlockcerts] reproduces cert-issuer's merkletools tree (SHA-256,
// no prefixes, node = SHA-256(left‖right), the odd node of a level
// promoted unchanged), whose shape is the same as RFC 6962's. Its proofs
// are lists of [Step] ({"left": hex} / {"right": hex}); [VerifyBlockcerts]
// checks them bound to (index, size) and [VerifyBlockcertsPath] as
// Blockcerts does when no index is known.
//
// [Tree] is incremental: [Tree.Append] is amortized O(1), memory is the
// O(log n) frontier for the root ([NewRootTree]) plus 64 bytes per leaf
// when proofs are wanted ([NewTree]).
//
// # Assurance levels
//
// [Receipt.Verify] grades a receipt (DESIGN.md rule 6):
//
//   - L0: the caller's leaf equals the receipt's and the path reaches the
//     root.
//   - L1: an anchor is claimed (chain and txid), as Blockcerts trusts an
//     explorer to report it.
//   - L2: the raw transaction parses strictly, its txid is the claimed one
//     and an output is OP_RETURN‖PUSH32‖root (Bitcoin), or its data is the
//     root, its chain id fits the chain and its sender is recovered
//     ([Assurance.Sender]; Ethereum, package eth).
//   - L3: the transaction is in a block: the header meets its own proof of
//     work and the branch reaches its merkle root (CVE-2012-2459 and
//     64-byte-transaction guards, see package btc); for Ethereum, a
//     transactions-trie proof reaches the transactionsRoot of a header
//     whose hash the caller trusts ([Checkpoint]) or that links by
//     parentHash to a trusted descendant.
//   - L4: bitcoin-mainnet only: the block connects to a checkpoint the
//     caller trusts, through headers that each meet their target and a
//     caller-chosen difficulty floor, and is buried under at least N
//     headers. ethereum-mainnet: the trusted block hash is N−1 or more
//     linked headers after the anchor block (Ethereum has no proof of work
//     since the Merge, so trust flows back from a trusted descendant).
//
// Testnet, regtest, Sepolia, Ethereum dev chains ([ChainEthereumDev]) and
// mock anchors never reach L4 and are flagged [Assurance.NoFinality].
// Verification reports the level reached and why it stopped.
//
// # Security considerations
//
// Verifiers fail closed: a size of 0, an index outside the tree, a path
// of the wrong length (or longer than [MaxPath]), a wrong side in a
// Blockcerts step, or a hash of the wrong length is an error, and a proof
// to another root is a [*RootMismatchError]. Receipts are read with
// internal/strictjson (duplicate keys, unknown members, unknown versions
// and non-lowercase hex are errors) and bounded in size and counts. The
// Blockcerts tree has no domain separation, so an inner node could pose as
// a leaf; that is harmless only because the leaf is always recomputed from
// the credential, never taken from the proof. Nothing here panics on
// input.
//
// # Offline use
//
// Everything is pure computation: no network, no clock, no global state.
// Trust inputs (checkpoints, difficulty floors, confirmations) come from
// the caller in [VerifyOptions].
//
// # Compatibility
//
// RFC 6962 roots and paths match transparency-dev/merkle and the CT test
// vectors; Blockcerts roots and proofs match npm merkle-tools 1.4.1 and
// cert-issuer. The receipt format is this module's own (version 1).
package anchor
