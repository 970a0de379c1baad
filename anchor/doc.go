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
// checked by [Receipt.Verify] as RFC 9162 §2.1.3.2 specifies.
//
// [ModeBlockcerts] reproduces cert-issuer's merkletools tree (SHA-256,
// no prefixes, node = SHA-256(left‖right), the odd node of a level
// promoted unchanged), whose shape is the same as RFC 6962's. A receipt in
// this mode stores its path as RFC 6962 does; [Receipt.Verify] checks it
// bound to (index, size), every step on the side the position implies.
// The MerkleProof2019 {"left": hex} / {"right": hex} form is written and
// read by package anchor/merkle2019.
//
// [Tree] is incremental: [Tree.Append] is amortized O(1), memory is the
// O(log n) frontier for the root ([NewRootTree]) plus 64 bytes per leaf
// when proofs are wanted ([NewTree]).
//
// # Assurance levels
//
// [Receipt.Verify] grades a receipt (DESIGN.md rule 6); [Anchor.Verify]
// grades one anchor for a root without a receipt (MerkleProof2019), and
// [GradeHeaders] is the L3/L4 grading both use, as package ots does:
//
//   - L0: the caller's leaf equals the receipt's and the path reaches the
//     root. A mock anchor stays here: it is on no chain.
//   - L1: an anchor is claimed on a chain (chain and txid), as Blockcerts
//     trusts an explorer to report it.
//   - L2: the raw transaction parses strictly, its txid is the claimed one,
//     it commits the root, and its sender is proven by its signature
//     ([Assurance.Sender]). Bitcoin: an output is OP_RETURN‖PUSH32‖root and
//     input 0's SIGHASH_ALL signature verifies (P2PKH, P2WPKH or
//     P2SH-P2WPKH, [btc.VerifyInputSigner]); a segwit input needs the spent
//     amount ([Anchor.PrevoutAmount]), without which the anchor stops at
//     L1 ([ErrSenderUnproven]). Ethereum: its data is the root, its chain
//     id is the chain's (0, pre-EIP-155, is refused) and the sender is
//     recovered (package eth).
//   - L3: the transaction is in a block: the header meets its own proof of
//     work and the chain's difficulty floor, and the branch reaches its
//     merkle root (CVE-2012-2459 and 64-byte-transaction guards, see
//     package btc); for Ethereum, a transactions-trie proof reaches the
//     transactionsRoot of a header whose hash the caller trusts
//     ([Checkpoint]) or that links by parentHash to a trusted descendant.
//   - L4: bitcoin-mainnet only: the block connects to a checkpoint the
//     caller trusts (its parent, or one of the headers) and is buried under
//     at least N confirmations. ethereum-mainnet: the trusted block hash is
//     N−1 or more linked headers after the anchor block (Ethereum has no
//     proof of work since the Merge, so trust flows back from a trusted
//     descendant).
//
// Confirmations count only headers that link to the one before by
// prevHash and meet the floor; a header that does not ends the count and
// rules out L4. [Assurance.Work] sums their proof of work (the hashes
// forging them would take) and [Assurance.Pinned] says whether a trusted
// checkpoint is at or after the anchor block, which makes them
// unforgeable whatever their work.
//
// Difficulty floors are built in per chain ([DefaultFloor]: mainnet
// 1900ffff, difficulty 2^32, first reached in 2014; testnet and regtest
// their proof-of-work limits). [VerifyOptions.Floors] and
// [Checkpoint.MaxBits] may raise them; only
// [VerifyOptions.LowerFloorsUnsafe] lowers them.
//
// Testnet, regtest, Sepolia, Ethereum dev chains ([ChainEthereumDev]) and
// mock anchors never reach L4 and are flagged [Assurance.NoFinality].
// Verification reports the level reached and why it stopped.
//
// # Guarantees
//
//   - A [Receipt.Verify] (or [Receipt.VerifyEvidence]) with a nil error
//     means at least L0: the caller's leaf is the receipt's and its path,
//     bound to (index, size), reaches the root. The [Assurance] then names
//     the level reached and, below L4, why it stopped; each higher level
//     holds only with all the lower ones.
//   - A sender ([Assurance.Sender]) is reported only once its signature
//     over the transaction has verified.
//   - Roots and paths are deterministic: the same leaves in the same order
//     give the same root, byte for byte, as the reference implementations
//     (see Compatibility).
//   - On any error the Assurance is at [LevelNone]; nothing here panics on
//     input, and verification is pure computation (no network, no clock,
//     no global state).
//
// # Refuses
//
// Verifiers fail closed: a size of 0, an index outside the tree, a path
// of the wrong length (or longer than 64 steps), a wrong side in a
// Blockcerts step, or a hash of the wrong length is an error, and a proof
// to another root is a [*RootMismatchError]. A leaf other than the
// receipt's is [ErrLeafMismatch]; options that are not valid are
// [ErrInvalidOptions]; a leaf that is not 32 bytes is refused by
// [Tree.Append], and an empty tree has no root. Receipts are read with
// internal/strictjson (duplicate keys, unknown members, unknown versions
// and non-lowercase hex are errors) and bounded in size and counts: a
// receipt at most 1 MiB ([MaxEvidenceBytes] for an evidence file), at most
// 16 anchors, each with a raw transaction of at most 100,000 bytes and at
// most 2016 headers (two weeks of Bitcoin blocks), a path at most 64
// steps. Errors name the member and the check. Missing or contradicting
// evidence beyond L0 ([ErrNoEvidence], [ErrSenderUnproven],
// [ErrEvidenceMismatch], [ErrBrokenChain]) is not an error but ends the
// climb, named in Assurance.Reason.
//
// # Security considerations
//
// The
// Blockcerts tree has no domain separation, so an inner node could pose as
// a leaf; that is harmless only because the leaf is always recomputed from
// the credential, never taken from the proof. Nothing here panics on
// input.
//
// A public key in a transaction is not its sender: Bitcoin witnesses are
// outside the txid, so anyone can copy a transaction and swap another key
// into its witness. A sender is reported only once its signature over the
// transaction has verified. A header at the mainnet floor costs about
// 2^64 hashes to forge, six about 2^66.6: the cost of L3 and of
// confirmations not pinned by a checkpoint is Work, and a caller should
// show it (microcred verify warns below 2^80).
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
// cert-issuer. The receipt format is this module's own (version 1; the
// optional anchor member prevoutAmount was added later, and receipts
// without it still read).
//
// # Shared evidence
//
// A batch's anchors (transaction, branch, headers) are the same for every
// credential in it. [Tree.Evidence] writes them once as [Evidence], and
// [Tree.SharedReceipt] gives each credential a slim receipt holding only
// its leaf, path and root and an [EvidenceRef]: the SHA-256 of the
// evidence file's exact bytes and its relative name.
// [Receipt.VerifyEvidence] takes the evidence bytes, checks the budget
// ([MaxEvidenceBytes]), the hash and that the evidence is for the
// receipt's batch, and grades as [Receipt.Verify] does; the name is only
// a hint for finding the file. Readers before this member refuse a slim
// receipt (unknown member "evidence"), so it never verifies as anchorless.
package anchor
