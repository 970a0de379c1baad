// Package eth builds Ethereum anchor transactions and parses and checks
// the Ethereum data an anchor receipt carries, offline: strict RLP
// (decodeRLP); legacy (pre-EIP-155 and EIP-155), EIP-2930 and EIP-1559
// transactions ([ParseTx]), their hash, signing hash and sender
// ([Tx.Sender]); signed anchor transactions whose data is the 32-byte
// Merkle root ([NewAnchorTx]); block headers of every fork layout through
// Prague ([ParseHeader], [Header.Hash]) and chains of them
// ([VerifyChain]); and Merkle-Patricia inclusion proofs for the
// transactions trie ([VerifyTxProof]), which [TxProof] builds from a
// block's full transaction list so a receipt can staple one.
//
// Specifications: the Yellow Paper (appendix B RLP, appendix C hex-prefix,
// appendix D tries, section 4.3 headers), EIP-2 (low s), EIP-155,
// EIP-2718, EIP-2930, EIP-1559, EIP-2028 and EIP-7623 (calldata gas),
// EIP-4895, EIP-4844, EIP-4788 and EIP-7685 (header fields), EIP-55
// (checksummed addresses).
//
// # Security considerations
//
// Every parser accepts exactly one canonical encoding: RLP with shortest
// lengths and no wrapped single bytes, integers without leading zeros, no
// trailing bytes; sizes are capped (maxRLPBytes, maxRLPDepth,
// maxTxBytes, [MaxHeaderBytes], maxProofNodes, maxBlockTxs). A
// parsed transaction or header serializes back to the very bytes parsed,
// so its hash is the hash of what was received. Nothing panics on input.
//
// [Tx.Sender] refuses r or s outside [1, n-1], s above n/2 (EIP-2), a
// yParity other than 0 or 1, and a legacy v that does not match the chain
// id. A pre-EIP-155 transaction (v 27 or 28) commits to no chain and is
// valid on every chain: callers that need a chain binding must require
// [Tx.Protected] or check the block.
//
// verifyProof checks every hash link from the root, accepts embedded
// nodes only when shorter than 32 bytes and hash references only to nodes
// of at least 32 bytes, and requires every listed node to be used.
//
// Trust: nothing here makes a header trustworthy. Since the Merge there is
// no proof of work to check; a header counts only if the caller trusts
// its hash, or the hash of a descendant it links to by parentHash
// ([VerifyChain]). Consensus-layer light-client proofs are not
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
// set-code (type 4) transactions are not parsed (errUnsupportedTxType);
// a block that contains them can still be proven, since [TxProof] and
// txRoot take raw bytes.
package ethwire
