// Package ots parses and verifies OpenTimestamps proofs (detached
// timestamp files, ".ots") offline, and grades them with the assurance
// levels of package [anchor].
//
// The API is small: [Parse] reads a .ots file into an opaque [Proof]
// ([Proof.HashOp], [Proof.Digest], [Proof.FileDigest] to hash the stamped
// file, [Proof.Bytes] to write it back); [Proof.Verify] grades it against
// the caller's block headers ([VerifyOptions], [Headers] or any
// [HeaderSource]) into a [Result], with one [AttestationResult] per
// attestation; [VerifyFile] does all of it for a file and its proof;
// [FromReceipt] builds a proof from a microcred anchor receipt and
// [VerifyReceipt] checks a receipt whose root was stamped. The op tree
// itself is not exposed: what a caller needs from it (the message each
// attestation attests, its kind, height or calendar) is in the result.
//
// The format is python-opentimestamps' (core/serialize.py,
// core/timestamp.py, core/op.py, core/notary.py): the 31-byte [Magic],
// major version 1, the file hash op and the digest, then the timestamp
// tree. A node is a list of edges, each but the last preceded by 0xff; an
// edge is an attestation (0x00, an 8-byte tag and a payload) or an op
// (sha1, ripemd160, sha256, keccak256, append, prepend, reverse, hexlify)
// and the node its result leads to. [Parse] reads it strictly and
// [Proof.Bytes] writes it back byte for byte.
//
// # Verification and levels
//
// [Proof.Verify] (or [VerifyFile]) checks that the caller's digest is the
// proof's, applies the ops to compute the message reaching each
// attestation ([AttestationResult.Message]) and grades each one:
//
//   - L0: the digest matches and every op applies. Unknown attestations,
//     and Bitcoin attestations refuted by a header that meets its proof of
//     work but has another merkle root, stay here.
//   - L1: claimed. Pending calendar attestations
//     ([Result.PendingCalendars]; completing them needs the calendar,
//     online), Ethereum and Litecoin attestations
//     (not verified by this package), and Bitcoin attestations without a
//     header or whose header fails its proof of work.
//   - L3: a Bitcoin attestation whose message equals, in internal byte
//     order, the hashMerkleRoot of the header at its height that the
//     caller's [HeaderSource] returns, and the header meets its proof of
//     work within [VerifyOptions.Chain]'s limit and difficulty floor
//     ([anchor.DefaultFloor], raised by [VerifyOptions.Floors]). There is
//     no separate L2: the ops from
//     the digest to the merkle root run through the transaction (prefix
//     and suffix around the commitment, double SHA-256 = txid) and the
//     block's merkle branch, so the transaction-in-block proof is part of
//     the path.
//   - L4: as for [anchor.Receipt.Verify], by the same grading
//     ([anchor.GradeHeaders]): on bitcoin-mainnet, the header and the ones
//     the source has after it connect to a trusted [anchor.Checkpoint],
//     meet the floors, and number at least [VerifyOptions.Confirmations].
//     Only headers that link by prevHash count; one that does not ends
//     the count and the climb.
//
// The result reports the best attestation's level, chain, height, block
// time, confirmations and header work, every attestation's grade and
// reason, and the calendars of pending attestations. Verify returns an
// error only for invalid options or a proof that does not hold at L0 (the
// digest is not the proof's, an op fails); everything above L0 is a level
// and a reason, to be compared with the caller's policy ([Result.Require]).
//
// # Guarantees
//
//   - A [Proof] comes only from [Parse] or [FromReceipt], which check every
//     limit below, and cannot be changed afterwards; [Proof.Bytes] writes
//     back the bytes parsed, byte for byte.
//   - A nil error from [Proof.Verify] (or [VerifyFile]) means L0: the
//     caller's digest is the proof's and every op applies; the [Result]
//     then names the best attestation's level and why each stopped.
//   - An L3 or L4 grade means the attested message is the merkle root of
//     a header the caller's [HeaderSource] gave that meets its proof of
//     work and the floor (and, for L4, the checkpoint and confirmation
//     rules of [anchor.GradeHeaders]).
//   - Nothing uses the network, and nothing panics on input.
//
// # Refuses
//
// Parsing is bounded, and refuses what exceeds the bounds: files of at
// most 1 MiB, trees at most 256 deep, at most 100,000 edges and 1024
// attestations, op arguments of 1..4096 bytes, messages and results of at
// most 4096 bytes (hexlify at most 2048 in), calendar URIs of at most 1000
// allowed characters (A-Z a-z 0-9 - . _ / :), attestation payloads of at
// most 8192 bytes. The parser checks lengths without hashing; the hashing
// Verify does is bounded by 100,000 edges × 4096 bytes. It also refuses a
// file without the [Magic] or of another major version, non-minimal
// varuints, and attestation payloads with trailing bytes. Verify returns
// an error for invalid options, a digest that is not the proof's, or an
// op that fails; it refuses no attestation, grading it instead.
//
// # Security considerations
//
// A header at the built-in mainnet floor (difficulty 2^32) costs about
// 2^64 hashes to forge, which is cheap; L3 therefore means as much as the
// caller's header source. Result.Work says what the headers cost, and
// Result.Pinned whether a trusted checkpoint is at or after the attested
// block, which is what makes them unforgeable: prefer that when the
// headers are not from a node you run.
//
// Which network an attestation means is not in the proof: OpenTimestamps
// calendars attest on Bitcoin mainnet, the default of
// [VerifyOptions.Chain]. Testnet and regtest are checked against their own
// proof-of-work limits, flagged NoFinality and never reach L4.
//
// A timestamp proves that the digest existed before the block: the path
// from the digest to the merkle root is a chain of preimages. It does not
// prove who stamped it. A proof whose file hash op is SHA-1 is only as
// strong as SHA-1's second-preimage resistance (the SHAttered pair in
// testdata shares one proof).
//
// # Offline use
//
// Nothing here uses the network. Headers come from the caller; pending
// attestations are reported, not upgraded.
//
// # Compatibility
//
// Every proof in opentimestamps-client's examples parses and round-trips,
// and the invalid ones are rejected, including exceeds-max-msg-length.ots,
// which the reference rejects by its result-length limit. Beyond the
// reference, the parser rejects non-minimal varuints (they would not
// round-trip) and attestation payloads with trailing bytes. Duplicate
// edges, which the reference merges, are kept in file order.
//
// # Integration with receipts
//
// Package anchor cannot import this package (this one uses anchor's
// levels), so an OpenTimestamps proof is not an [anchor.Anchor]: its
// transaction commits the calendar's aggregate, not the batch root, which
// anchor's L2 rule requires. [VerifyReceipt] checks a receipt to L0 and a
// proof of its root instead.
//
// The other way, [FromReceipt] turns a Bitcoin receipt into a standard
// proof of the credential's leaf: the ops of the batch tree, the anchor
// transaction and the block's merkle branch, and a Bitcoin attestation at
// the height the caller gives. [Proof.Verify] grades it by the same
// engine as the receipt, and the OpenTimestamps JavaScript client reads
// it (interop/ots_test.go).
package ots
