// Package rdfc implements RDF Dataset Canonicalization, RDFC-1.0
// (https://www.w3.org/TR/rdf-canon/; the algorithm formerly called
// URDNA2015), with a selectable hash and a work limit, plus a strict
// N-Quads parser and the canonical N-Quads serialization.
//
// # Security considerations
//
// RDFC-1.0 needs exponential work on graphs of many indistinguishable blank
// nodes ("poison graphs"). Every call of Hash N-Degree Quads and every
// permutation it tries counts against Options.MaxWork; past it,
// canonicalization stops with an error wrapping [ErrTooMuchWork]. The number
// of quads is capped too.
//
// # Offline use
//
// Pure functions; no I/O.
//
// # Compatibility
//
// Passes the W3C rdf-canon test suite (see the package tests for the count
// and the SHA-384 case). Canonical N-Quads follow RDF 1.2 N-Quads'
// canonical form, as RDFC-1.0 requires.
package rdfc
