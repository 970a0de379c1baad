// Package eddsa2022 implements the eddsa-rdfc-2022 and eddsa-jcs-2022
// Data Integrity cryptosuites (https://www.w3.org/TR/vc-di-eddsa/): Ed25519
// signatures over the SHA-256 hashes of the canonical proof configuration
// and the canonical document, canonicalized with RDFC-1.0 or with JCS.
//
// Both suites implement [proof.Suite]; use them with [proof.Sign] and
// [proof.Verify].
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
// The RDFC suite loads contexts only from the [contexts.Loader] it is built
// with.
//
// # Compatibility
//
// Interoperates byte for byte with Digital Bazaar's
// @digitalbazaar/eddsa-rdfc-2022-cryptosuite (see interop/), and passes
// the W3C vc-di-eddsa test vectors step by step.
package eddsa2022
