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
// Images are hostile input. PNGs are walked strictly: signature, IHDR
// first, every chunk length within the file and its CRC-32 checked, IEND
// last with nothing after it; compressed iTXt is refused (no decompression
// at all), inputs are capped ([MaxImageBytes]) and so are payloads. SVGs
// are parsed with encoding/xml and any DOCTYPE (and so any entity
// declaration) is refused. An extracted credential is not verified: pass it
// to the verifier.
//
// # Offline use
//
// Pure functions; no I/O.
//
// # Compatibility
//
// An Open Badges 2.0 image (an "openbadges" tEXt/iTXt chunk, or an
// openbadges:assertion element) is reported with [ErrOB2], never read as
// an OB 3.0 credential.
package bake
