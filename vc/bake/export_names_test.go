package bake

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

const MaxSVGAttrs = maxSVGAttrs
const MaxSVGDepth = maxSVGDepth
const MaxSVGNamespaces = maxSVGNamespaces
const MaxSVGTokens = maxSVGTokens

var ErrAlreadyBaked = errAlreadyBaked
var ExtractPNG = extractPNG
var ExtractSVG = extractSVG
