package ecdsasd2023

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

const PublicKeySize = publicKeySize

type PointerError = pointerError

var ErrDerivedProof = errDerivedProof
var ErrLabelMap = errLabelMap
var ErrMalformedProofValue = errMalformedProofValue
var ErrNoBaseProof = errNoBaseProof
var ErrPointer = errPointer
var ParseDerivedProofValue = parseDerivedProofValue
var WithHMACKey = withHMACKey

type DerivedProofValue = derivedProofValue
