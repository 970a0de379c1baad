package merkle2019

import "github.com/onchaincert/microcred/anchor"

// Evidence is the offline evidence a microcred.Verifier checks Blockcerts
// credentials (MerkleProof2019 proofs) against: what Blockcerts' own
// verifier would fetch from block explorers, issuer profile URLs and DID
// resolvers, supplied by the caller. Nothing is fetched.
type Evidence struct {
	// Transactions supplies each anchor's transaction data (the root it
	// carries, its sender, its time, optionally the raw Bitcoin
	// transaction and the prevout amount): a [StaticTx] or the
	// caller's own [TxSource]. Without data for an anchor, a
	// credential reaches L0 only, which binds it to no issuer.
	Transactions TxSource
	// IssuerProfiles are Blockcerts issuer profiles (JSON), keyed by
	// their URL, which must be the profile's id. A proof whose
	// verificationMethod is URL#fragment is checked against the profile's
	// verificationMethod and publicKey lists. A Blockcerts v2
	// certificate is checked against the profile at its signed
	// badge.issuer id: its publicKey (publicKeys) list, or a v1
	// profile's issuerKeys.
	IssuerProfiles map[string][]byte
	// IssuerProfilesAt are Blockcerts issuer profiles (JSON) keyed by the
	// URL they were fetched from, which the caller vouches for: a
	// profile's authority is where it came from, so it is the profile of
	// the issuer at that URL even when its own id names another URL
	// (Blockcerts hosts serve profiles whose id is a w3id.org alias of the
	// URL, or an older location). The issuer check then notes the
	// difference ("profile served at X names itself Y"); the profile is
	// not also taken as the profile of its own id. A URL may not be in
	// both IssuerProfiles and IssuerProfilesAt.
	IssuerProfilesAt map[string][]byte
	// DIDDocuments are DID documents (JSON) of any method (did:ion, …),
	// keyed by their DID, which must be the document's id. A DID not
	// listed here is resolved with the verifier's resolver
	// (microcred.Trusted.Resolver) (did:key, …).
	DIDDocuments map[string][]byte
	// Checkpoints are trusted blocks for the transactions' block evidence
	// ([TxData] TxIndex, Branch, Headers), graded as receipts
	// are: L3 from linked headers with proof of work above the chain's
	// floor, L4 from a checkpoint (with those of microcred.WithReceipts).
	Checkpoints []anchor.Checkpoint
}
