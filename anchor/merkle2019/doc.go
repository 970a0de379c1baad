// Package merkle2019 issues Blockcerts-compatible credentials: batches of
// credentials anchored together under one Merkle root, each given a
// MerkleProof2019 proof (Blockcerts v3,
// https://w3c-ccg.github.io/lds-merkle-proof-2019/) once the root is in a
// blockchain transaction.
//
// # Issuing
//
//	b, _ := merkle2019.NewBatch(nil)
//	i, _ := b.Add(credentialJSON) // one per credential of the batch
//	root, _ := b.Root()           // anchor it: OP_RETURN PUSH32 root, or Ethereum data
//	blink, _ := merkle2019.ParseBlink("blink:btc:testnet:" + txid)
//	cert, _ := b.Attach(i, credentialJSON, merkle2019.ProofOptions{
//		Anchors: []merkle2019.Blink{blink}, VerificationMethod: profileURL + "#key-1", Created: t,
//	})
//
// # Guarantees
//
// The targetHash is computed as Blockcerts' verifier computes
// it (jsonld-signatures-merkleproof2019's computeLocalHash) from
// contexts that are embedded (nothing reaches a network); the tree is
// cert-issuer's (merkletools: no prefixes, the odd node promoted) and
// the proofValue is cert-issuer's text form, so an emitted proof has the
// structure and bytes cert-issuer would write. A credential that already
// has proofs keeps them, and the Merkle proof's targetHash covers them.
// [IssuingAddress] gives the address the transaction must be sent from
// for Blockcerts to bind it to the issuer's key.
//
// # Refuses
//
// Input that is not strict JSON; a value JSON-LD would drop
// silently (an unmapped term, a relative IRI), since the hash would not
// cover it; [Batch.Attach] with a document other than the one added at
// that index; proofs without an anchor, a verificationMethod or a
// creation time; a blink whose txid is not in its chain's form: each is an
// error. The package never builds or sends the anchor transaction (see anchor/btc
// and anchor/eth) and never issues Blockcerts v2 (MerkleProof2017)
// certificates.
//
// # Verifying
//
// Verification is not here: package microcred's Verifier checks
// Blockcerts v3 and v2 credentials in its one pipeline, with
// microcred.WithBlockcerts supplying the offline evidence
// (merkle2019.Evidence: each anchor's [TxData] through a [TxSource],
// issuer profiles, DID documents, checkpoints). Its proof step recomputes
// the targetHash and folds the Merkle path; the issuer, status, validity
// and anchor steps are those of every other credential.
package merkle2019
