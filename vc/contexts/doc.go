// Package contexts embeds the JSON-LD contexts that microcred processes and
// serves them through an offline document loader.
//
// Every context a credential may cite is compiled into the binary (with the
// embed package), byte for byte as published, and pinned by SHA-256 (data/INDEX.tsv;
// a test checks each file against it). [Loader] answers only from that set and
// from documents the caller adds with [WithDocument]; an unknown URL is an error
// wrapping [ErrUnknownContext] that names the URL. Nothing here touches the
// network.
//
// # The unversioned Open Badges 3.0 URL
//
// https://purl.imsglobal.org/spec/ob/v3p0/context.json has served different
// bytes over time. microcred maps it to the original OB 3.0(.0) context as the
// 1EdTech specification repository, its gh-pages site and the 1EdTech
// validator all hold it (sha256 b077fa13…, 14883 bytes). The later editions
// live at their own versioned URLs (context-3.0.1.json … context-3.0.3.json)
// and are served as published in the specification repository. Issuers should
// cite a versioned URL; [OpenBadgesV3] is the one microcred's builders emit.
// A caller who must verify credentials signed against other bytes for one of
// these URLs can override it with [WithDocument].
//
// # Guarantees
//
// A [Loader] serves only the embedded documents, byte for byte as
// published and pinned by SHA-256, and those the caller added with
// [WithDocument]; it is immutable and safe for concurrent use, and never
// touches the network.
//
// # Refuses
//
// An unknown URL: an error wrapping [ErrUnknownContext] (an
// [*UnknownContextError]) that names the URL. [WithDocument] refuses data
// that is not a JSON object.
//
// # Security considerations
//
// A context decides what a credential's JSON means, so a context fetched at
// verification time lets whoever serves it change that meaning. Serving only
// pinned bytes closes that door. Overriding a context with [WithDocument] is the
// caller's decision and applies only to the [Loader] it builds.
//
// # Offline use
//
// Always offline: the loader has no fetcher and cannot be given one.
//
// # Compatibility
//
// The bytes and sources are those of the shared context set; see
// data/INDEX.tsv for the source of each file (repository and commit, or npm
// package and version). Where a spec publishes a digest (VCDM 2.0, Data
// Integrity, Multikey, JWK, Bitstring Status List, CID), the embedded file
// matches it.
package contexts
