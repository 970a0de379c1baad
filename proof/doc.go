// Package proof is the core of W3C Data Integrity 1.0: the [Proof] a
// document carries, the [Suite] that turns a document and a proof
// configuration into signed bytes, the [Signer] that holds a key, and
// [Sign] and [Verify] over proof sets and proof chains. The cryptosuites
// live in the sub-packages (eddsa2022, ecdsa2019, ecdsasd2023, legacy);
// VC-JOSE-COSE JWTs in vcjwt.
//
// # Guarantees
//
// When [Verify] returns a nil error, at least one proof of the document, as
// received, verified, and for that proof (the [ProofResult] that
// [Result.Verified] returns):
//
//   - its type and cryptosuite are those of one of the [VerifyOptions.Suites]
//     (an earlier name of a suite's cryptosuite counts only when the suite
//     says so, see [LegacyNamer]);
//   - its proofPurpose is the purpose asked for (assertionMethod unless
//     told otherwise), and its challenge and domain are the ones asked for;
//   - its expires time has not passed and its created time is not later
//     than now plus the clock skew;
//   - its verification method resolves, through the caller's resolver, to
//     a key listed under that purpose in its controller's DID document
//     ([ProofResult.Controller] names the controller);
//   - the signature verifies, with that key, over the document without the
//     proof (and, in a chain, with the proofs it names as previous).
//
// # Refuses
//
// [Verify] refuses, with an error and never an accept:
//
//   - Missing trust input: no suites or no resolver is an error, never an
//     accept; so is an authentication purpose without a challenge.
//   - Input that is not one strict JSON document: duplicate member names
//     (however escaped), invalid UTF-8, oversize or over-deep input, too
//     many proofs.
//   - A proof chain that names a proof the document lacks: the document
//     fails, and no other proof of the set stands in for the broken one.
//   - A cryptosuite not configured: an [*UnexpectedCryptosuiteError].
//   - With an RDFC suite, a document the JSON-LD contexts do not fully
//     define (an undefined term, a relative IRI): an error naming its JSON
//     Pointer, at signing and at verifying time alike.
//
// Errors wrap the sentinels in errors.go, so errors.Is(err,
// ErrInvalidSignature) works through the joined per-proof errors.
//
// # Left to the caller
//
// Verify does not decide whom to trust: it reports the controller of the
// key that signed, and the caller (package microcred's verifier) checks
// that it is the credential's issuer and that the issuer is trusted. It
// reads no credential field (validity dates, status, schema); those are the
// caller's checks, made on the same bytes.
//
// # Offline use
//
// Nothing here touches the network. Contexts come from the
// [ContextLoader] a suite is built with (normally the embedded set of
// vc/contexts, which never fetches); keys come from the caller's
// did.Resolver, which is the only place a network lookup can happen.
package proof
