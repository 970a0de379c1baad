// Package vc reads W3C Verifiable Credentials and Presentations: the
// Verifiable Credentials Data Model 2.0
// (https://www.w3.org/TR/vc-data-model-2.0/) and, for credentials issued
// before it, VCDM 1.1 (https://www.w3.org/TR/vc-data-model-1.1/).
//
// [ParseCredential] and [ParsePresentation] check structure strictly and
// keep the exact bytes they were given. Typed accessors ([Credential.Issuer],
// [Credential.ValidFrom], [Credential.Subjects], ...) read from those
// bytes; members this package does not know are preserved and reachable
// with [Credential.Member]. [Credential.WithoutProof] cuts the proof out of
// the original bytes, and [SetMember] / [RemoveMember] edit one top-level
// member of any JSON object without touching the other members' bytes or
// order: that is how proofs are attached and issuers written, with no
// round trip through map[string]any.
//
// This package does no cryptography: a parsed credential is not a verified
// one. Use package proof, or the root microcred package, to verify.
//
// # Guarantees
//
//   - A [Credential] or [Presentation] keeps the exact bytes parsed, and
//     every accessor reads from them: one document, one reading.
//   - [Credential.WithoutProof], [SetMember], [RemoveMember] and
//     [SetIssuer] change only the member named, leaving every other
//     member's bytes and order as they were.
//   - A parsed credential's validFrom is not after its validUntil, and
//     every date has a time zone. Parsing does no cryptography and no I/O:
//     a parsed credential is not a verified one.
//
// # Refuses
//
// All input is untrusted. Duplicate member names (also when spelled with
// different escapes, "issuer" and "\u0069ssuer"), invalid UTF-8, unpaired
// surrogate escapes, more than [MaxCredentialBytes] bytes (1 MiB), nesting
// deeper than 64 levels and more than 16 proofs are errors (see internal/strictjson), so
// every reader of accepted bytes sees one document. Member names match
// case-sensitively: "ID" is not "id". Errors wrap [ErrInvalidCredential] or
// [ErrInvalidPresentation] and, for a structural problem, are a
// [*FieldError] naming the member.
//
// Dates must be XML Schema dateTimeStamp values (a time zone is required,
// VCDM 2.0 §4.9); VCDM 1.1 dates are held to the same form, because a date
// without a zone names a different instant in every time zone. Parsing
// checks that validFrom is not after validUntil; it does not compare them
// with the current time, which is the verifier's job ([ErrExpired] and
// [ErrNotYetValid] are the verifier's errors for that).
//
// # Security considerations
//
// Member names match case-sensitively, so no reader can take a member
// the checks did not read.
//
// # Offline use
//
// Pure parsing and byte editing: no I/O, no network, no global state.
// @context values are only compared with the two base context URLs here;
// loading contexts is vc/contexts' job.
//
// # Compatibility
//
// The data model version is decided by the first @context: [ContextV2]
// gives [V2], [ContextV1] gives [V1]. For V1 documents issuanceDate
// (required) and expirationDate stand in for validFrom and validUntil.
// VCDM 1.1 presentations may carry JWT credentials as strings; VCDM 2.0
// ones must carry objects (embedded, or EnvelopedVerifiableCredential).
// Leap seconds (:60) are refused, as XML Schema 1.1 refuses them;
// 24:00:00 is accepted as the end of the day. Years outside 0000-9999 are
// refused.
package vc
