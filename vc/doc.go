// Package vc reads W3C Verifiable Credentials and Presentations: VCDM 2.0
// (https://www.w3.org/TR/vc-data-model-2.0/) and, for credentials issued
// before it, VCDM 1.1.
//
// [ParseCredential] and [ParsePresentation] parse strictly and keep the
// exact bytes they were given; typed accessors read from them, and unknown
// members are preserved ([Credential.Member], [Credential.Bytes]). [SetMember]
// edits one top-level member of a JSON object without touching the others'
// bytes, which is how proofs are attached and issuers written.
//
// This package does no cryptography: a parsed credential is not a verified
// one. Use package proof or the root microcred package to verify.
//
// # Security considerations
//
// Input is untrusted: duplicate member names, invalid UTF-8, more than
// internal/limits.MaxCredentialBytes or nesting deeper than
// internal/limits.MaxDepth are errors (see internal/strictjson). Errors name
// the field at fault.
//
// # Offline use
//
// Pure parsing; no I/O.
//
// # Compatibility
//
// VCDM 1.1 credentials are read with issuanceDate/expirationDate standing in
// for validFrom/validUntil; [Credential.Version] tells which model a
// credential uses (by its first @context).
package vc
