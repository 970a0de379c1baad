// Package ecdsasd2023 implements the ecdsa-sd-2023 Data Integrity
// cryptosuite (W3C Data Integrity ECDSA Cryptosuites v1.0, section 3.6,
// https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-sd-2023): selective disclosure
// with P-256 keys.
//
// Three parties, three calls:
//
//	// Issuer: a base proof, for the holder only.
//	suite, _ := ecdsasd2023.New(contexts.Default(),
//		ecdsasd2023.WithMandatoryPointers("/issuer", "/validFrom"))
//	base, _ := proof.Sign(ctx, credential, suite, p256Key, proof.Options{})
//
//	// Holder: reveal the mandatory statements and the selected ones.
//	derived, _ := suite.Derive(base, []string{"/credentialSubject/achievement/name"})
//
//	// Verifier: only derived proofs verify.
//	_, err := proof.Verify(ctx, derived, proof.VerifyOptions{Suites: []proof.Suite{suite}, ...})
//
// [Suite.CreateProof] (through [proof.Sign]) relabels the document's blank
// nodes with HMAC-SHA-256 under a fresh 32-byte key, splits its canonical
// N-Quads (RDFC-1.0) into mandatory ones — those the mandatory JSON
// pointers select — and the rest, signs each non-mandatory N-Quad with a
// fresh proof-scoped P-256 key, and signs SHA-256(proof configuration) ||
// proof-scoped public key || SHA-256(mandatory N-Quads) with the issuer's
// key. [Suite.Derive] keeps what the pointers select and re-encodes the
// proof with only the signatures and labels the verifier needs.
// [Suite.VerifyProof] (through [proof.Verify]) checks a derived proof.
//
// Mandatory pointers are an option of the suite ([WithMandatoryPointers]):
// the [proof.Suite] interface passes no per-call data beyond the proof
// options, so use one Suite value per mandatory-pointer policy. Suites
// without options verify every derived proof; the pointers only matter
// when signing.
//
// [BaseProofValue], [DerivedProofValue] and the step functions
// ([Suite.ProofConfigCanon], [Suite.Transform], [Suite.DisclosureData],
// [Suite.CreateVerifyData]) expose the spec's intermediate values for
// step-by-step checks and tooling.
//
// # Security considerations
//
// A base proof is for the holder: it carries the HMAC key and every
// statement's signature. [Suite.VerifyProof] refuses it with an error
// wrapping [ErrBaseProof], so a verifier never accepts a document whose
// disclosure the holder did not choose. Derived proof values are parsed
// strictly (exact header, shortest-form definite-length CBOR, no tags,
// 64-byte signatures, a 35-byte P-256 multikey, 32-byte labels, at most
// [MaxSignatures] signatures, no trailing bytes), the label map must be
// one-to-one and cover every blank node, mandatory indexes must be
// increasing and in range, and there must be exactly one signature per
// non-mandatory statement. Canonicalization runs in the same safe mode as
// every RDFC suite here: an undefined term fails signing and verification.
//
// Blank node labels in a derived proof are HMACs of canonical labels, so
// a holder who presents several derivations of one credential can be
// linked by them (the spec's accepted trade-off); [WithHMACKey] fixes the
// key across credentials and also links those — use it only to reproduce
// test vectors.
//
// Skolemization differs in method, not result, from the spec's: instead of
// expanding, adding URNs and compacting again, the JSON objects that
// expansion reports as blank nodes get an "@id" in place (through
// internal/canon's node pointers), so JSON pointers address the signed
// document exactly as written. Documents with graph objects (for example a
// presentation's verifiableCredential) or explicit blank node identifiers
// ("_:b0") are refused with [ErrUnsupportedDocument]; selecting into an
// RDF list fails with [ErrLabelMap]. The reveal document is selected from
// the original document, as the spec says.
//
// # Offline use
//
// Contexts come only from the loader given to [New].
//
// # Compatibility
//
// Passes the W3C vc-di-ecdsa ecdsa-sd-2023 vectors (employ and prc) step
// by step, including byte-exact base proof encoding and byte-exact derived
// proofs. Derived proof values carry a 35-byte public key (the spec's
// parseDerivedProofValue text says 36; the vectors and the base proof
// encoding have 35).
package ecdsasd2023
