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

type VerifyData = verifyData
type DisclosureData = disclosureData

// CreateVerifyData runs createVerifyData (vc-di-ecdsa 3.5.9), for the
// step-by-step vector checks.
func (s *Suite) CreateVerifyData(unsecured, p map[string]any) (*VerifyData, error) {
	vd, _, err := s.createVerifyData(unsecured, p)
	return vd, err
}

// DisclosureData runs createDisclosureData (vc-di-ecdsa 3.5.4) on an
// unsecured document and its base proofValue.
func (s *Suite) DisclosureData(unsecured map[string]any, baseProofValue string, selectivePointers []string) (*DisclosureData, error) {
	return s.disclosure(unsecured, baseProofValue, selectivePointers)
}
