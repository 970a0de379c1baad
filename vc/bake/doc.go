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
// # Guarantees
//
//   - [Extract] returns a credential only from an image with exactly one
//     carrier, in exactly the spec's form, so every reader that follows
//     the spec finds the same credential (see Security considerations).
//   - [BakePNG] and [BakeSVG] return only images the extractors read back
//     to the credential given; nothing is ever decompressed or fetched.
//   - Time is linear in the input and memory constant, within the budgets
//     below (an image at most 16 MiB, a credential at most 1 MiB).
//
// # Refuses
//
// An image with no credential ([ErrNotBaked]); two carriers ([ErrMultiple]); an OB 2.0 badge alone ([ErrOB2]; read it
// with [ExtractOB2]); a carrier not in the spec's form, a PNG that is not
// walked cleanly, an SVG DOCTYPE other than the SVG ones, entity
// references other than the predefined five, encodings other than UTF-8,
// and XML well-formedness errors ([ErrMalformed], naming what was found
// and, for SVG, its line); going over a budget ([ErrLimit], wrapping
// ErrMalformed). Baking into an image that holds an OB 2.0 badge needs
// [Options].Replace.
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
// [ErrMultiple]; an OB 2.0 one alone is [ErrOB2] (read it with
// [ExtractOB2]); an OB 3.0 one that is
// not an uncompressed iTXt chunk with the keyword exactly
// "openbadgecredential" is [ErrMalformed] (the spec: "Compression MUST
// NOT be used"). Nothing is ever decompressed, so a zTXt or compressed
// iTXt zip bomb costs nothing. PNGs are walked strictly: signature, IHDR
// first, every chunk length within the file and its CRC-32 checked, IEND
// last with nothing after it. The walk keeps no per-chunk state: time is
// linear in the input and memory constant (under 100 ms and no allocation
// for 16 MiB of 1.4 million empty chunks).
//
// SVG carriers are the elements named credential or assertion (in any
// letter case) that have the prefix openbadges or are in an Open Badges
// namespace (the OB 3.0 one, a look-alike of it, or one naming
// openbadges, as OB 2.0's http://openbadges.org does), at any depth,
// inside the credential element too. Two are [ErrMultiple]; an OB 2.0
// assertion alone is [ErrOB2]. The one credential is read only in the
// spec's form: written <openbadges:credential>, in the OB 3.0 namespace,
// which the root <svg> declares, directly inside the root, holding either
// a verify attribute with a compact JWT (and no content) or one CDATA
// section with a JSON credential (and only white space beside it: no
// text, which readers that take CDATA alone would miss, no second
// section, comment or element). Anything else is [ErrMalformed], naming
// what was found and its line: a credential nested deeper, in another
// namespace or spelling, a prefixed verify attribute, a duplicated
// attribute. A comment, CDATA section or processing instruction holding
// "<openbadges:" is refused too, since a reader that searches the text
// rather than parse it would find a carrier there.
//
// SVGs are read by a strict XML 1.0 scanner written for this package
// rather than encoding/xml, which allocates for every token, keeps a stack
// as deep as the input nests (1.9 s and 614 MB on 16 MiB of nested <g>)
// and does not refuse duplicate attributes. The scanner reads a DOCTYPE
// only if it is <!DOCTYPE svg> or one of the W3C SVG 1.0 and 1.1 ones
// that editors write, such as <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG
// 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">, with the
// public identifier's own system identifier, once, before the root: a
// reader that loads that DTD learns SVG's elements and their attribute
// defaults, nothing about the openbadges prefix or the credential element.
// Every other DOCTYPE is refused, since it could make a reader fetch or
// expand something: an internal subset (where entities and parameter
// entities are declared, so no billion laughs and no external entity), a
// SYSTEM identifier, another public identifier, or another system
// identifier for an SVG one. Entity references other than the five
// predefined ones are refused (a DTD the scanner accepts does not make
// them defined for it), character references are checked, and nothing is
// expanded. The scanner also refuses any encoding but UTF-8, XML 1.1,
// bytes that are not XML characters, and every well-formedness error it
// checks: unmatched tags, text or a second element outside the root, "--"
// in comments, "]]>" in text, "<" in attribute values, undeclaring a
// prefix. It does not check that every prefix is declared, nor duplicate
// attributes by namespace rather than by name; an SVG with those is
// refused by namespace-aware readers, so no credential can differ.
//
// Budgets, each a constant, checked as the scan goes:
//
//   - an image is at most [MaxImageBytes] (16 MiB), a credential at most
//     limits.MaxCredentialBytes (1 MiB);
//   - an SVG nests at most maxSVGDepth (256) elements deep, has at most
//     maxSVGTokens (1 Mi) tokens, maxSVGAttrs (256) attributes on an
//     element and maxSVGNamespaces (64) namespace declarations in scope.
//
// Going over one is [ErrLimit], which wraps [ErrMalformed]. The SVG
// scanner keeps offsets into the input and a stack bounded by those
// budgets, so its memory is constant (under 32 KB however the input nests,
// repeats or grows attributes) and its time linear: every 16 MiB hostile
// SVG the tests try ends in 5 to 90 ms of CPU time. [BakePNG] and [BakeSVG]
// refuse to make an image that the extractors would refuse (BakeSVG reads
// its result back to be sure), so what they return reads back.
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
