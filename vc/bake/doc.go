// Package bake puts a credential into a badge image and takes it out
// again, as Open Badges 3.0 defines (https://www.imsglobal.org/spec/ob/v3p0/#baking):
//
//   - PNG: one uncompressed iTXt chunk with the keyword
//     "openbadgecredential" whose text is the credential (JSON, or a
//     compact JWT), inserted right before IEND.
//   - SVG: the root <svg> declares xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"
//     and holds one <openbadges:credential> element: JSON in a CDATA
//     section, or a JWT in its verify attribute.
//
// [Detect] tells a PNG, an SVG, a JSON credential and a JWT apart by content,
// never by file name; [Extract] dispatches on it.
//
// # Security considerations
//
// Images are hostile input, and other programs read them too. The spec's
// extraction rule ("the first iTXt chunk with the keyword", "the first
// <openbadges:credential> tag") lets two readers show different
// credentials from one image when it holds two, or one in a form only some
// readers look at. This package therefore counts every place some reader
// could take a badge from (a carrier) and accepts an image only when there
// is exactly one, in exactly the form the spec gives; it never skips a
// carrier it does not like.
//
// PNG carriers are the text chunks (tEXt, zTXt and iTXt, compressed or
// not, and those type names in another letter case) whose keyword is
// "openbadgecredential" or the OB 2.0 "openbadges", compared without
// regard to ASCII case and to surrounding white space. Two carriers are
// [ErrMultiple]; an OB 2.0 one alone is [ErrOB2]; an OB 3.0 one that is
// not an uncompressed iTXt chunk with the keyword exactly
// "openbadgecredential" is [ErrMalformed] (the spec: "Compression MUST
// NOT be used"). Nothing is ever decompressed, so a zTXt or compressed
// iTXt zip bomb costs nothing. PNGs are walked strictly: signature, IHDR
// first, every chunk length within the file and its CRC-32 checked, IEND
// last with nothing after it. The walk keeps no per-chunk state: time is
// linear in the input and memory constant (about 100 ms and no allocation
// for 16 MiB of 1.4 million empty chunks).
//
// SVGs are parsed with encoding/xml and any DOCTYPE (and so any entity
// declaration) is refused.
//
// Budgets: an image is at most [MaxImageBytes] (16 MiB) and a credential
// at most limits.MaxCredentialBytes (1 MiB); going over is [ErrLimit],
// which wraps [ErrMalformed]. [BakePNG] refuses to make an image that
// [ExtractPNG] would refuse, so what it returns reads back.
//
// An extracted credential is not verified: pass it to the verifier.
//
// # Offline use
//
// Pure functions; no I/O.
//
// # Compatibility
//
// An Open Badges 2.0 image (an "openbadges" tEXt/iTXt chunk, or an
// openbadges:assertion element) is reported with [ErrOB2], never read as
// an OB 3.0 credential; baking into one needs [Options].Replace, which
// drops the OB 2.0 assertion, so that the result holds one badge only.
package bake
