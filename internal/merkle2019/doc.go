// Package merkle2019 implements MerkleProof2019, the Blockcerts v3 proof
// (https://w3c-ccg.github.io/lds-merkle-proof-2019/): a credential's
// hash is a leaf of a Merkle tree whose root is written to a blockchain
// transaction, and the proof carries the path from the leaf to the root
// and the transaction's id.
//
// The package is internal: its verifier is reached only through package
// microcred's Verifier (WithBlockcerts), the one pipeline that adds the
// issuer, status, validity and anchor-level checks, and issuing is public
// through anchor/merkle2019, which forwards to [Batch], [Blink],
// [IssuingAddress], [ProofOptions], [TxData], [TxSource] and [StaticTx].
//
// # Verifying
//
//	v, _ := merkle2019.NewVerifier(merkle2019.Options{
//		Transactions: merkle2019.StaticTx{"blink:btc:testnet:140e…": {RemoteHash: "68df…", IssuingAddress: "mgdW…", Time: t}},
//		IssuerKeys:   []merkle2019.IssuerKey{{Address: addr}}, // from the key the verificationMethod names
//	})
//	res, err := v.Verify(ctx, credentialJSON)
//
// [Verifier.Verify] runs, in order (each failure is a [*StepError] naming
// the step): find the one MerkleProof2019 proof (type "MerkleProof2019",
// "DataIntegrityProof" with cryptosuite "merkle-proof-2019", or
// "ChainedProof2021" with chainedProofType "MerkleProof2019"; purpose
// assertionMethod); decode its proofValue ([ParseProofValue]); recompute
// the targetHash from the credential ([Hasher.TargetHash]); fold the path
// to merkleRoot ([mtree.VerifyBlockcertsPath]); then check the first
// anchor with the caller's transaction data ([TxSource]) and the issuing
// address against the issuer's keys. The [Result] reports the assurance
// level reached ([anchor.Level]):
//
//   - L0: targetHash and path hold. Mocknet anchors stop here (Blockcerts
//     skips every chain step for them), flagged NoFinality.
//   - L1: the caller's [TxData] (what Blockcerts reads from an explorer)
//     carries merkleRoot as its remote hash, and its sender is an issuer
//     key valid at the transaction time: Blockcerts parity.
//   - L2: a raw Bitcoin transaction ([TxData.RawTx]) parses strictly
//     (anchor/btc), has the anchor's txid and an output OP_RETURN PUSH32
//     merkleRoot, and the signature of its first input verifies
//     (btc.VerifyInputSigner: P2PKH, P2WPKH, P2SH-P2WPKH; a segwit input
//     needs [TxData.PrevoutAmount]) under a key of the issuer. A public
//     key in a witness or scriptSig is never taken on trust: the witness
//     is not covered by the txid, so anyone can swap a victim's key into
//     their own transaction (errSenderSignature). An input whose
//     signature cannot be checked leaves the sender unproven
//     (anchor.ErrSenderUnproven): at most L1, from the caller's issuing
//     address. Raw Ethereum transactions are not parsed: they leave the
//     level at L1.
//   - L3, L4: block evidence the caller adds to the TxData (TxIndex,
//     Branch, Headers: what an explorer's block and header endpoints
//     give), graded by [anchor.Anchor.Verify], the engine receipts use:
//     the branch into the anchor block's header, headers linked by their
//     previous-block hash with proof of work above the chain's floor, L4
//     from a checkpoint in Options.Anchor on a chain with finality. From
//     L3 the block's header time is the transaction time the issuer key
//     is checked at; a TxData.Time more than two hours from it is an
//     error. Result.Block holds the grading.
//
// Options.Require says which level is accepted; its zero value means L1.
//
// # Blockcerts v2 (MerkleProof2017)
//
// A Blockcerts v2 certificate is an Open Badges 2.0 Assertion whose
// "signature" member is the Merkle receipt (type MerkleProof2017:
// targetHash, merkleRoot, proof as a list of left/right steps, anchors
// with sourceId, type and chain). [IsV2] recognises one; verifyV2Path
// checks its hash and path offline, and [Verifier.VerifyV2] runs the
// whole receipt in cert-verifier-js's v2 order: the certificate without
// "signature", normalized with URDNA2015 over [LoaderV2]'s contexts,
// hashes to targetHash; the transaction's root is merkleRoot; the path
// folds targetHash to merkleRoot; the sender is a key of the issuer
// profile ([ParseV2IssuerKeys]: the v2 publicKey list with created,
// revoked and expires, or a v1 profile's issuerKeys) at the transaction
// time; then the level. A v2 certificate names no key: an Options.Keys
// source is asked with the issuer profile URL (badge.issuer id). The
// fields other checks need ([V2Proof]: the assertion id, the issuer
// profile URL, revocationList, issuedOn, expires, the recipient) are read
// from the canonical N-Quads the targetHash covers, never from JSON
// members. Revocation and expiry are the caller's checks; package
// microcred's Verifier runs them. This package never issues v2
// certificates.
//
// # Issuing
//
// [Batch] hashes credentials ([Batch.Add]) into a Blockcerts-mode
// [anchor.Tree]; anchor [Batch.Root]; then [Batch.Attach] (or
// [Batch.Proof], [Batch.ProofValue]) emits each credential's proof for
// the transaction's [Blink]. Proof values use cert-issuer's text form
// (lowercase hex, Ethereum txids with 0x), which both reference decoders
// read. A credential that already has proofs keeps them: the Merkle proof
// goes after them and its targetHash covers them, as Blockcerts' chained
// proofs do.
//
// # Why not a proof.Suite
//
// The proof.Suite interface does not fit: CreateProof signs one
// document with a key, but a Merkle proof needs the whole batch and a
// transaction made after the tree is built; VerifyProof takes a public key
// and no context, but this proof is checked against transaction data that
// a plug-in looks up (and the issuer binding is an address, not a
// signature); and proof.Verify resolves the verificationMethod through a
// DID resolver, while most Blockcerts credentials name an issuer profile
// URL. So the package has its own [Verify] and [Batch] APIs.
//
// # Issuer binding: what is and is not checked
//
// Blockcerts v3 checks that the transaction's sender is the address of
// the key the proof's verificationMethod names (DID document or issuer
// profile), and, for issuer-profile keys, that the key was valid
// (created, revoked, expires) at the transaction time. This package does
// not resolve the verificationMethod (no network; did:ion needs a
// resolver): the caller resolves it and passes the keys as
// [Options.IssuerKeys], or resolves them per proof through
// [Options.Keys] (a [KeySource]; package microcred's WithBlockcerts does
// this from issuer profiles and DID documents given offline) ([IssuingAddress], bitcoinAddress and
// ethereumAddress derive the address from a secp256k1 key as Blockcerts
// does). Result.VerificationMethod says which key the proof claims. Not
// checked here: the credential's status (revocation lists, status list
// entries), expiry and validFrom, the issuer profile's assertionMethod
// list, other proofs of the document (e.g. the EcdsaSecp256k1Signature2019
// before a ChainedProof2021; they are only covered by the targetHash),
// and Blockcerts v1's revokedAddresses. Package microcred's Verifier
// (WithBlockcerts) runs this package as the proof step and adds the rest:
// the key's owner is the credential's issuer, the trust policy, status,
// validity and the required anchor level.
//
// # Security considerations
//
// Untrusted input is decoded strictly: at most maxProofValueLen
// characters of canonical base58btc, shortest-form CBOR with no trailing
// bytes, no tags or indefinite lengths, bounded depth and item count,
// exactly the four keys, at most mtree.MaxPath steps and
// mtree.MaxAnchors anchors, 32-byte hashes, lowercase hex, one form per
// value; nothing panics. The targetHash is always recomputed from the
// credential and never taken from the proof (the Blockcerts tree has no
// domain separation). Hashing runs internal/canon in safe mode on top of
// Blockcerts' fallback-@vocab check (errUnmappedField): values JSON-LD
// would drop, such as relative IRIs, are errors, so some credentials that
// Blockcerts accepts are refused here — for instance the v3.0-beta sample,
// whose display content the v3.0-beta context types as @id, so the
// Blockcerts hash does not cover it. Testnet, regtest, Sepolia and mocknet
// anchors are flagged NoFinality at any level.
//
// # Offline use
//
// Contexts come only from the embedded loader ([Loader]: vc/contexts plus
// the Blockcerts v3.0-alpha and v3.0-beta contexts; [LoaderV2] adds the
// Blockcerts v2 and Open Badges 2.0 contexts); transaction data
// and issuer keys come from the caller. Nothing here reaches a network.
//
// # Compatibility
//
// Decoding accepts both encodings found in the wild: cert-issuer's
// (inner CBOR text strings of hex) and the JS encoder's (inner CBOR byte
// strings), including cert-issuer's mocknet anchor without a network; a
// decoded value re-encodes to its exact bytes. Keys in a different order
// are accepted and kept. Byte-form Ethereum txids are refused (the JS
// encoder writes them as empty strings). The targetHash equals
// jsonld-signatures-merkleproof2019's computeLocalHash, and the tree is
// merkletools' (cert-issuer), so emitted proofs have the structure and
// bytes of cert-issuer's; the fixtures' proofValues are reproduced byte
// for byte.
package merkle2019
