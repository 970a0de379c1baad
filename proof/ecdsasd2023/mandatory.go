package ecdsasd2023

import (
	"errors"
	"fmt"
	"slices"
)

// defaultMandatory are the pointers of the credential members a verifier
// reads for trust, validity and status. Each applies only where the
// document has the member (VCDM 2.0 credentials have no issuanceDate, 1.1
// credentials no validFrom).
//
// "/@context" is not among them: selectJsonLd (vc-di-ecdsa 3.4.14) copies
// the @context into every selection, and a context yields no statements,
// so a pointer to it would make nothing mandatory. "/type" selects the
// root's type statements; any pointer at the root already brings them in
// (createInitialSelection keeps the type of every object on a pointer's
// path), but naming it keeps the types mandatory if the others are
// dropped.
var defaultMandatory = []string{
	"/issuer",
	"/type",
	"/validFrom",
	"/validUntil",
	"/issuanceDate",
	"/expirationDate",
	"/credentialStatus",
	"/credentialSchema",
}

// DefaultMandatoryPointers returns the JSON pointers every base proof makes
// mandatory unless the suite drops them with
// [WithoutDefaultMandatoryUnsafe]: /issuer, /type, /validFrom, /validUntil,
// /issuanceDate, /expirationDate, /credentialStatus and /credentialSchema,
// each only where the document has that member.
func DefaultMandatoryPointers() []string { return slices.Clone(defaultMandatory) }

// WithMandatoryPointers adds JSON pointers (RFC 6901) of what every
// derived proof must disclose, e.g. "/credentialSubject/achievement/name",
// to the defaults ([DefaultMandatoryPointers]). They are recorded in the
// base proof. Unlike a default, an added pointer that selects nothing in
// the document is an error when signing.
func WithMandatoryPointers(pointers ...string) Option {
	return func(s *Suite) error {
		if err := checkPointers(pointers); err != nil {
			return err
		}
		s.mandatory = append(s.mandatory, pointers...)
		return nil
	}
}

// WithoutDefaultMandatoryUnsafe removes default mandatory pointers (each
// one of [DefaultMandatoryPointers]); with no arguments it removes them
// all. A holder may then withhold those members from a derived
// credential, and a verifier cannot tell that the issuer ever set them:
// without /validUntil and /credentialStatus, a derived credential can be
// shown as never expiring and never revoked. Pointers added with
// [WithMandatoryPointers] stay mandatory. Naming a pointer both here and
// in WithMandatoryPointers is an error.
func WithoutDefaultMandatoryUnsafe(pointers ...string) Option {
	return func(s *Suite) error {
		if len(pointers) == 0 {
			s.noDefaults = true
			return nil
		}
		for _, p := range pointers {
			if !slices.Contains(defaultMandatory, p) {
				return &pointerError{Pointer: p, Reason: "is not a default mandatory pointer"}
			}
			if s.dropped == nil {
				s.dropped = map[string]bool{}
			}
			s.dropped[p] = true
		}
		return nil
	}
}

// checkMandatory validates the combination of mandatory-pointer options.
func (s *Suite) checkMandatory() error {
	for _, p := range s.mandatory {
		if s.dropped[p] {
			return fmt.Errorf("ecdsasd2023: %q is both dropped (WithoutDefaultMandatoryUnsafe) and added (WithMandatoryPointers)", p)
		}
	}
	if len(s.defaults())+len(s.mandatory) > maxPointers {
		return errors.New("ecdsasd2023: too many mandatory pointers")
	}
	return nil
}

// defaults returns the default pointers the suite keeps.
func (s *Suite) defaults() []string {
	if s.noDefaults {
		return nil
	}
	out := make([]string, 0, len(defaultMandatory))
	for _, p := range defaultMandatory {
		if !s.dropped[p] {
			out = append(out, p)
		}
	}
	return out
}

// MandatoryPointers returns the suite's mandatory pointers: the defaults it
// keeps (each applied only where a document has the member), then the
// added ones. [Suite.MandatoryPointersFor] gives those a document gets.
func (s *Suite) MandatoryPointers() []string {
	return dedupe(append(s.defaults(), s.mandatory...))
}

// MandatoryPointersFor returns the mandatory pointers a base proof of
// unsecured records: the kept defaults whose member unsecured has, then
// the added pointers, without repeats.
func (s *Suite) MandatoryPointersFor(unsecured map[string]any) []string {
	var out []string
	for _, p := range s.defaults() {
		if _, ok := unsecured[p[1:]]; ok {
			out = append(out, p)
		}
	}
	return dedupe(append(out, s.mandatory...))
}

// dedupe drops repeated pointers, keeping the first of each.
func dedupe(ps []string) []string {
	seen := make(map[string]bool, len(ps))
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
