// Package ecdsasd2023 implements the ecdsa-sd-2023 Data Integrity
// cryptosuite (W3C Data Integrity ECDSA Cryptosuites v1.0, section 3.6,
// https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-sd-2023): selective disclosure
// with P-256 keys.
//
// Three parties, three calls:
//
//	// Issuer: a base proof, for the holder only. The issuer, types,
//	// validity, status and schema are mandatory by default.
//	suite, _ := ecdsasd2023.New(contexts.Default(),
//		ecdsasd2023.WithMandatoryPointers("/credentialSubject/achievement/id"))
//	base, _ := proof.Sign(ctx, credential, suite, p256Key, proof.Options{})
//
//	// Holder: reveal the mandatory statements and the selected ones.
//	derived, _ := suite.Derive(base, []string{"/credentialSubject/achievement/name"})
//
//	// Verifier: only derived proofs verify.
//	_, err := proof.Verify(ctx, derived, proof.VerifyOptions{Suites: []proof.Suite{suite}, ...})
//	// ... and what did the issuer make mandatory?
//	disclosure, err := suite.VerifyDisclosure(unsecured, derivedProof, issuerKey)
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
// Mandatory pointers are options of the suite: the defaults
// ([DefaultMandatoryPointers]), pointers added with
// [WithMandatoryPointers], defaults removed with
// [WithoutDefaultMandatoryUnsafe]. The [proof.Suite] interface passes no
// per-call data beyond the proof options, so use one Suite value per
// mandatory-pointer policy. Suites without options verify every derived
// proof; the pointers only matter when signing.
//
// [BaseProofValue] and the step functions of the issuer's side
// ([Suite.ProofConfigCanon], [Suite.Transform]) expose the spec's
// intermediate values for step-by-step checks and tooling; the holder's
// and the verifier's steps (createDisclosureData, createVerifyData) are
// checked against the W3C vectors by this package's tests.
//
// # Guarantees
//
//   - A derived proof that verifies means the issuer's P-256 key signed
//     the proof configuration, the proof-scoped key and the mandatory
//     statements, and that key signed every disclosed non-mandatory
//     statement; [Suite.VerifyDisclosure] reports what is disclosed and
//     what was mandatory.
//   - By default the issuer makes /issuer, /type, the validity dates,
//     /credentialStatus and /credentialSchema mandatory where present.
//   - Every base proof uses a fresh 32-byte HMAC key and a fresh
//     proof-scoped key.
//
// # Refuses
//
//   - A base proof at verification time ([ErrBaseProof]).
//   - A proof value that is not in the strict form below (at most 1024
//     signatures and 1024 pointers), a label map that is not one-to-one
//     or misses a blank node, and a wrong number of signatures.
//   - A key other than P-256 (proof.ErrWrongKeyType), a pointer that
//     selects nothing, documents with graph objects or explicit blank
//     node identifiers, and undefined terms (safe mode); a nil context
//     loader in [New].
//
// # Security considerations
//
// A base proof is for the holder: it carries the HMAC key and every
// statement's signature. [Suite.VerifyProof] refuses it with an error
// wrapping [ErrBaseProof], so a verifier never accepts a document whose
// disclosure the holder did not choose. Derived proof values are parsed
// strictly (exact header, shortest-form definite-length CBOR, no tags,
// 64-byte signatures, a 35-byte P-256 multikey, 32-byte labels, at most
// 1024 signatures, no trailing bytes), the label map must be
// one-to-one and cover every blank node, mandatory indexes must be
// increasing and in range, and there must be exactly one signature per
// non-mandatory statement. Canonicalization runs in the same safe mode as
// every RDFC suite here: an undefined term fails signing and verification.
//
// A derived document holds only what the holder chose and what the
// issuer made mandatory, and a verifier cannot tell a member the holder
// withheld from one the issuer never set: without a mandatory
// validUntil and credentialStatus, a holder can present an expired or
// revoked credential as one that never expires and has no status. So the
// issuer's mandatory pointers default to /issuer, /type, /validFrom,
// /validUntil, /issuanceDate, /expirationDate, /credentialStatus and
// /credentialSchema, each where the credential has the member; callers
// add pointers with [WithMandatoryPointers], and removing a default takes
// [WithoutDefaultMandatoryUnsafe]. (No pointer is needed for @context:
// selection always keeps it.) A mandatory credentialSchema also means the
// derived credential must still pass that schema, so the holder must
// reveal what the schema requires. On the verifier's side,
// [Suite.VerifyDisclosure] reports, member by member, what a derived
// document discloses and whether the issuer made it mandatory (through
// the proof's mandatory indexes), so that a policy can require members
// to be disclosed; a member whose value expands to no statement (null,
// []) carries nothing signed and is not disclosed.
//
// Blank node labels in a derived proof are HMACs of canonical labels, so
// a holder who presents several derivations of one credential can be
// linked by them (the spec's accepted trade-off). A fixed HMAC key would
// link credentials too, so none can be set: only this package's tests fix
// it, to reproduce the vectors.
//
// Skolemization differs in method, not result, from the spec's: instead of
// expanding, adding URNs and compacting again, the JSON objects that
// expansion reports as blank nodes get an "@id" in place (through
// internal/canon's node pointers), so JSON pointers address the signed
// document exactly as written. Documents with graph objects (for example a
// presentation's verifiableCredential) or explicit blank node identifiers
// ("_:b0") are refused ("unsupported document structure"); selecting into
// an RDF list fails ("label map does not match the document"). The reveal document is selected from
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
// proofs. The vectors make only /issuer mandatory, so they are reproduced
// with [WithoutDefaultMandatoryUnsafe] and [WithMandatoryPointers]; with
// the defaults, their documents and selections give the same reveal
// documents. Derived proof values carry a 35-byte public key (the spec's
// parseDerivedProofValue text says 36; the vectors and the base proof
// encoding have 35).
package ecdsasd2023
