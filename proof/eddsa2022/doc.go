// Package eddsa2022 implements the eddsa-rdfc-2022 and eddsa-jcs-2022
// Data Integrity cryptosuites (https://www.w3.org/TR/vc-di-eddsa/): Ed25519
// signatures over the SHA-256 hashes of the canonical proof configuration
// and the canonical document, canonicalized with RDFC-1.0 or with JCS.
//
// [NewRDFC] and [NewJCS] return the suites as a [proof.Suite] (Cryptosuite
// "eddsa-rdfc-2022" and "eddsa-jcs-2022"); use them with [proof.Sign] and
// [proof.Verify].
//
// # Guarantees
//
//   - A proof that verifies is an Ed25519 signature, under the resolved
//     key, over the SHA-256 hashes of the canonical proof configuration
//     and the canonical document (RDFC-1.0 in safe mode, or JCS).
//   - Signing is deterministic (Ed25519): the same key, document and
//     options give the same proof. Nothing is signed under the legacy name
//     "eddsa-2022".
//   - The suites are immutable and safe for concurrent use.
//
// # Refuses
//
//   - A key other than Ed25519: [proof.ErrWrongKeyType].
//   - A proofValue that is not base58btc multibase ('z').
//   - With RDFC, a document its contexts do not fully define, at sign and
//     at verify time; a nil context loader at construction.
//
// # Security considerations
//
// The RDFC suite signs the RDF dataset, not the JSON: a member that the
// document's contexts do not define would not be signed. Canonicalization
// runs in safe mode (see internal/canon) and refuses such documents at sign
// and at verify time. The JCS suite signs the JSON itself.
//
// Keys must be Ed25519; any other key type fails with
// [proof.ErrWrongKeyType]. proofValue must be base58btc multibase ('z').
//
// # Offline use
//
// The RDFC suite loads contexts only from the [proof.ContextLoader] it is
// built with (normally contexts.Default(), the embedded set).
//
// # Compatibility
//
// Interoperates byte for byte with Digital Bazaar's
// @digitalbazaar/eddsa-rdfc-2022-cryptosuite (see interop/), and passes
// the W3C vc-di-eddsa test vectors step by step.
//
// Proofs whose cryptosuite is "eddsa-2022" verify with
// the RDFC suite ([proof.LegacyNamer]). It is the name eddsa-rdfc-2022 had
// in the vc-di-eddsa drafts of 2023 (the W3C Working Draft of 2023-07-14
// has a section "eddsa-2022"), for the same algorithm: RDF dataset
// canonicalization (URDNA2015, which RDFC-1.0 standardized), SHA-256 of
// the proof configuration (with the document's @context) and of the
// document, Ed25519. Digital Bazaar's @digitalbazaar/eddsa-2022-cryptosuite
// (name "eddsa-2022", jsonld.canonize with URDNA2015, Ed25519; as copied
// into the first commit of digitalbazaar/ecdsa-sd-2023-cryptosuite,
// f8a310b), SpruceID's ssi and 1EdTech's validator (URDNA2015, with a
// warning) verify it the same way; 1EdTech's sample
// ob30/simple-eddsa-2022.json verifies here. The name is part of the
// signed proof configuration, so a proof cannot be relabelled from one
// name to the other. Nothing is signed under it: CreateProof refuses it,
// and [proof.Sign] writes eddsa-rdfc-2022. The verifier reports such a
// proof as "eddsa-2022 (legacy name of eddsa-rdfc-2022)".
package eddsa2022
