// Package canon turns a JSON-LD document into the bytes a Data Integrity
// proof hashes: RDFC-1.0 canonical N-Quads (our JSON-LD walker and our own
// RDFC-1.0 implementation in internal/rdfc) or RFC 8785 JCS.
//
// # What is signed is what a JSON reader sees
//
// A signature over canonical N-Quads covers the RDF graph of a document,
// not its JSON. Many spellings of one graph exist: a member keyed by its
// expanded IRI, a compact IRI or an alias the document defines; @nest,
// @included, @reverse or @graph wrappers; a node described twice; a
// compact IRI as an @id. A verifier that reads members by name
// (validUntil, credentialStatus, proof options) would read another
// document than the one signed. microcred therefore accepts, at sign time
// and at verify time, only documents in the compacted form of their
// contexts (walk.go lists the rules), so that reading a member by name and
// reading the graph give the same answer. This was chosen over deriving
// every field from the quads: the JSON stays the document users and other
// implementations see, schemas apply to it, and the check costs one pass
// that canonicalization makes anyway. The differential tests and
// FuzzFieldsMatchGraph (root package) hold the two readings equal.
//
// Which names are a document's own is tracked per term: definitions from
// the contexts the loader holds are trusted, those written in the document
// (embedded context objects) are not, and a document may not give an IRI
// its contexts name a second name, redefine a trusted term, or alias a
// keyword.
//
// # One path
//
// Every document goes through the walker (walk.go, on compiled contexts in
// context.go): it checks the rules above and the safe-mode rules below and
// writes quads straight from the parsed JSON, following the JSON-LD 1.1
// expansion and RDF conversion algorithms. There is no fallback to
// general-purpose expansion: a document using a JSON-LD feature the walker
// does not implement (@reverse, @nest, @index, language or id maps,
// @base, @propagate) is refused with ErrUnsupported. json-gold serves
// context processing only, and, with [Options.ReferenceOnly], the
// reference path the tests compare the walker with (FuzzFastVsReference,
// the corpus and generated-document tests): where both accept, the bytes
// are equal; whatever the reference refuses, the walker refuses. One
// json-gold bug is worked around there: it takes a term's container from
// the term's property-scoped context rather than the active context, so
// for VCDM 2.0's verifiableCredential (scoped context null, @graph
// container) it puts a presentation's credentials in the presentation's
// graph; the tests hand it those values as explicit graph objects. The
// walker's named graphs match jsonld.js/rdf-canonize byte for byte
// (interop TestPresentationCanonicalForm).
//
// # Safe mode
//
// Canonicalization only covers what JSON-LD expansion keeps. The walker
// fails, naming the JSON Pointer, when:
//
//   - a member would be dropped because its name expands to no absolute IRI,
//     or is defined only through the catch-all vocabularies
//     https://www.w3.org/ns/credentials/undefined-term# or
//     https://www.w3.org/ns/credentials/issuer-dependent# (ErrUndefinedTerm);
//   - a node's @id, a @type, or a value's datatype is not an absolute IRI
//     (ErrRelativeIRI), or any IRI is not a valid absolute IRI (RFC 3987)
//     that canonical N-Quads can carry as written (ErrInvalidIRI): an IRI
//     holding ">" or a space could close its term early and add statements
//     of its own, so two documents would share canonical bytes;
//   - a value has a base direction other than "ltr" or "rtl", or one on a
//     number, a boolean or a typed value, or differs from another value of
//     its node's property only in direction (ErrUnsafeDirection), or has
//     an ill-formed language tag (ErrUnsafeLanguage).
//
// # Base direction
//
// A base direction is converted as Digital Bazaar's RDFC cryptosuites
// convert it (rdfDirection "i18n-datatype" of the JSON-LD 1.1 API): "x"@ar
// with direction rtl becomes "x"^^<https://www.w3.org/ns/i18n#ar_rtl>, so
// the direction is part of what is signed. That holds for a value
// object's own @direction and for the direction a string gets from its
// term definition or, by default, from its context (a node's, a type- or
// property-scoped one), as JSON-LD expansion gives it. (JSON-LD's default,
// rdfDirection unset, drops the direction, which a signature would then
// not cover; that is why it is not used.) Two values of one node's
// property that differ only in direction ("x"@ar with and without rtl, or
// rtl and ltr) are refused: JSON-LD node map generation (json-gold,
// jsonld.js) takes them for one value and keeps the first, so their
// signature would not cover the other's direction, and ours would not
// match theirs.
//
// # Work limits
//
// Context processing is cached (compiled contexts by URL list, derived and
// embedded contexts on the context they derive from) and, per document,
// held to a budget of maxContextWork units; the walker is linear in the
// document. RDFC-1.0 can be driven into exponential work by a poisoned
// graph of indistinguishable blank nodes: the number of Hash N-Degree
// Quads calls is capped (limits.MaxCanonWork by default), and the call
// fails fast with an error wrapping rdfc.ErrTooMuchWork. The json-gold
// reference path has no such budget and is used by tests only.
package canon
