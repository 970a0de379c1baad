// Package limits holds the size and count caps that every parser in
// microcred applies to untrusted input.
//
// They are constants, not variables: a caller cannot loosen them globally.
// Functions that accept caller-chosen limits take them as arguments.
package limits

const (
	// MaxCredentialBytes caps one credential, presentation or DID document
	// read from untrusted input (1 MiB; badge images are checked separately).
	MaxCredentialBytes = 1 << 20

	// MaxDepth caps JSON nesting (objects and arrays together).
	MaxDepth = 64

	// MaxProofs caps the proofs attached to one document.
	MaxProofs = 16

	// MaxMerklePath caps the length of a Merkle inclusion path.
	MaxMerklePath = 64

	// MaxQuads caps the N-Quads one document may canonicalize to.
	MaxQuads = 100_000

	// MaxCanonWork caps the work of RDFC-1.0 canonicalization, counted in
	// Hash N-Degree Quads calls, so a poisoned graph fails fast.
	MaxCanonWork = 10_000

	// MaxSVGDepth caps the element nesting of a badge SVG (vc/bake); the
	// root <svg> is at depth 1.
	MaxSVGDepth = 256

	// MaxSVGAttrs caps the attributes of one element of a badge SVG
	// (vc/bake), namespace declarations included.
	MaxSVGAttrs = 256
)
