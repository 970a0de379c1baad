// Package canon turns a JSON-LD document into the bytes a Data Integrity
// proof hashes: RDFC-1.0 canonical N-Quads (through json-gold expansion and
// our own RDFC-1.0 implementation in internal/rdfc) or RFC 8785 JCS.
//
// # Two paths, one result
//
// A document whose @context is a list of context URLs the loader holds goes
// through the compiled-context path (fast.go): the active context, and each
// property- or type-scoped context derived from it, is processed once and
// kept as a flat term table, and quads are written straight from the parsed
// JSON. Everything else, and any document in which the compiled path meets
// a feature it does not implement or a value the reference path could
// reject, goes through json-gold expansion and our own RDF conversion (the
// reference path). Both give the same canonical bytes; every error comes
// from the reference path, so sentinels and JSON Pointers do not depend on
// the path. [RDFC.Stats] counts the path taken; [Options.ReferenceOnly]
// turns the compiled path off. FuzzFastVsReference and the differential
// tests hold the two paths to byte equality.
//
// # Safe mode
//
// Canonicalization only covers what JSON-LD expansion keeps. A member whose
// name the contexts do not define is silently dropped by expansion, and a
// relative @id or @type is dropped or rewritten on the way to RDF, so a
// signature over the canonical form would not cover what a reader of the JSON
// sees. RDFC here always runs in safe mode and fails, naming the JSON
// Pointer, when:
//
//   - a member would be dropped because its name expands to no absolute IRI
//     (json-gold's SafeMode detects it; we then locate the member);
//   - a member or a type is only defined through the catch-all vocabularies
//     https://www.w3.org/ns/credentials/undefined-term# or
//     https://www.w3.org/ns/credentials/issuer-dependent# (VCDM 2.0 reserves them
//     for terms no context defines);
//   - a node's @id, a @type, or a value's datatype is not an absolute IRI or
//     blank node identifier.
//
// The same checks run at sign time and at verify time.
//
// # Work limits
//
// RDFC-1.0 can be driven into exponential work by a poisoned graph of
// indistinguishable blank nodes. The number of Hash N-Degree Quads calls is
// capped (limits.MaxCanonWork by default), and the call fails fast with an
// error wrapping rdfc.ErrTooMuchWork.
package canon
