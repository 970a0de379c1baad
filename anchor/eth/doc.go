// Package eth builds Ethereum anchor transactions and parses and checks
// the Ethereum data an anchor receipt carries, offline: legacy
// (pre-EIP-155 and EIP-155), EIP-2930 and EIP-1559 transactions
// ([ParseTx]), their hash, signing hash and sender ([Tx].Sender); signed
// anchor transactions whose data is the 32-byte Merkle root
// ([NewAnchorTx]); block headers of every fork layout through Prague
// ([ParseHeader], [Header].Hash); and Merkle-Patricia inclusion proofs
// for the transactions trie, which [TxProof] builds from a block's full
// transaction list so a receipt can staple one. Package anchor checks
// the proof and the chain of headers when it verifies a receipt.
//
// Specifications: the Yellow Paper (appendix B RLP, appendix C hex-prefix,
// appendix D tries, section 4.3 headers), EIP-2 (low s), EIP-155,
// EIP-2718, EIP-2930, EIP-1559, EIP-2028 and EIP-7623 (calldata gas),
// EIP-4895, EIP-4844, EIP-4788 and EIP-7685 (header fields), EIP-55
// (checksummed addresses).
//
// # Guarantees
//
// A parsed transaction or header serializes back to the very bytes
// parsed, so its hash is the hash of what was received. A sender
// ([Tx].Sender) is the key recovered from a signature that verified over
// the transaction's signing hash. Signing uses RFC 6979 deterministic
// nonces, so the same anchor parameters give the same transaction. Pure
// functions over bytes: no I/O, no global state, nothing panics on input.
//
// # Refuses
//
// Every parser accepts exactly one canonical encoding: RLP with shortest
// lengths and no wrapped single bytes, integers without leading zeros, no
// trailing bytes; sizes are capped (an RLP item at most 1 MiB and 16
// levels deep, a transaction at most 128 KiB, a header at most 8 KiB, a
// trie proof at most 64 nodes, a block at most 65,536 transactions).
// Blob (type 3) and set-code (type 4) transactions are refused with an
// unsupported-type error.
//
// Tx.Sender refuses r or s outside [1, n-1], s above n/2 (EIP-2), a
// yParity other than 0 or 1, and a legacy v that does not match the chain
// id.
//
// # Security considerations
//
// A pre-EIP-155 transaction (v 27 or 28) commits to no chain and is
// valid on every chain: callers that need a chain binding must require
// Tx.Protected or check the block.
//
// Trie proofs are checked (by package anchor) along every hash link from
// the root, accepting embedded
// nodes only when shorter than 32 bytes and hash references only to nodes
// of at least 32 bytes, and requires every listed node to be used.
//
// Trust: nothing here makes a header trustworthy. Since the Merge there is
// no proof of work to check; a header counts only if the caller trusts
// its hash, or the hash of a descendant it links to by parentHash
// (checked by package anchor). Consensus-layer light-client proofs are not
// implemented.
//
// # Offline use
//
// Pure functions over bytes; no I/O, no global state. Signing uses RFC
// 6979 deterministic nonces.
//
// # Compatibility
//
// Hashes, signatures and trie roots match the Ethereum clients: checked
// against a real mainnet Blockcerts anchor, ethereumjs EIP-1559 vectors,
// two mainnet transactions-trie proofs from OpenTimestamps, the mainnet
// genesis header, and (in interop/) a ganache dev node. Blob (type 3) and
// set-code (type 4) transactions are not parsed (an unsupported-type
// error); a block that contains them can still be proven, since [TxProof]
// takes raw bytes.
//
// # Layout
//
// The implementation is in internal/ethwire, shared with package anchor
// and the Blockcerts verifier; this package names the part meant for
// callers. Its types are aliases of that package's, so the methods listed
// on each type's documentation here are the ones it has.
package eth
