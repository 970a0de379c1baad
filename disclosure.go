package microcred

import (
	"crypto"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/vc"
)

// CheckDisclosure is the name of the disclosure check. It runs only when
// the accepted proof is an ecdsa-sd-2023 derived proof, that is when the
// credential is selectively disclosed: it carries what its issuer made
// mandatory and what its holder chose to show, nothing else.
const CheckDisclosure Check = "disclosure"

// Disclosure is what a selectively disclosed credential discloses of the
// members checks rely on: for VCDM 2.0 validFrom, validUntil,
// credentialStatus and credentialSchema; for VCDM 1.1 issuanceDate,
// expirationDate, credentialStatus and credentialSchema; and any other
// member the policy requires. Each is in exactly one list, in that order.
type Disclosure struct {
	// Mandatory members are disclosed because the issuer made them
	// mandatory: no holder could have left them out.
	Mandatory []string
	// Selective members are disclosed because the holder chose to.
	Selective []string
	// Withheld members are not disclosed: the holder left them out, or
	// the issuer never set them. The proof does not say which.
	Withheld []string
}

// disclosurePolicy is the disclosure part of a Policy. The zero value is
// the default: validUntil (expirationDate for VCDM 1.1) and
// credentialStatus must be disclosed.
type disclosurePolicy struct {
	require map[string]bool // RequireDisclosure
	allow   map[string]bool // AllowWithheldUnsafe
}

// standardMembers are the members a Disclosure always reports.
var standardMembers = map[vc.Version][]string{
	vc.V2: {"validFrom", "validUntil", "credentialStatus", "credentialSchema"},
	vc.V1: {"issuanceDate", "expirationDate", "credentialStatus", "credentialSchema"},
}

// requiredByDefault are the members a selectively disclosed credential
// must disclose unless the policy says AllowWithheldUnsafe: withheld,
// the credential would pass as never expiring and never revoked.
var requiredByDefault = map[vc.Version][]string{
	vc.V2: {"validUntil", "credentialStatus"},
	vc.V1: {"expirationDate", "credentialStatus"},
}

func checkMemberNames(option string, members []string) error {
	if len(members) == 0 {
		return fmt.Errorf("microcred: %s needs at least one member", option)
	}
	for _, m := range members {
		switch {
		case m == "":
			return fmt.Errorf("microcred: %s: empty member name", option)
		case strings.HasPrefix(m, "/"):
			return fmt.Errorf("microcred: %s(%q): name a top-level member (%q), not a JSON pointer", option, m, strings.TrimPrefix(m, "/"))
		case m == "@context" || m == "id" || m == "@id" || m == "proof":
			return fmt.Errorf("microcred: %s(%q): not a member that can be withheld", option, m)
		}
	}
	return nil
}

// RequireDisclosure requires a selectively disclosed (ecdsa-sd-2023
// derived) credential to disclose these top-level members, named as in
// the JSON (e.g. "validFrom", "credentialSchema", "evidence"), in addition
// to the defaults (validUntil or, for VCDM 1.1, expirationDate, and
// credentialStatus). Names are taken literally: "validFrom" does not
// cover a VCDM 1.1 issuanceDate. A credential that does not disclose one
// fails the disclosure check with a *withheldError. Credentials with
// other proofs carry every member their issuer signed, so the option does
// not apply to them.
func RequireDisclosure(members ...string) PolicyOption {
	return func(p *Policy) error {
		if err := checkMemberNames("RequireDisclosure", members); err != nil {
			return err
		}
		if p.disclosure.require == nil {
			p.disclosure.require = map[string]bool{}
		}
		for _, m := range members {
			if p.disclosure.allow[m] {
				return fmt.Errorf("microcred: %q is both required (RequireDisclosure) and allowed to be withheld (AllowWithheldUnsafe)", m)
			}
			p.disclosure.require[m] = true
		}
		return nil
	}
}

// AllowWithheldUnsafe accepts selectively disclosed credentials that do
// not disclose these members, which are otherwise required: "validUntil"
// and "expirationDate" (the credential then passes the validity check as
// if it never expired) and "credentialStatus" (it passes as if it could
// not be revoked). Use it only if that is acceptable: the verifier cannot
// tell a member the holder withheld from one the issuer never set.
// Naming a member RequireDisclosure also names is an error.
func AllowWithheldUnsafe(members ...string) PolicyOption {
	return func(p *Policy) error {
		if err := checkMemberNames("AllowWithheldUnsafe", members); err != nil {
			return err
		}
		if p.disclosure.allow == nil {
			p.disclosure.allow = map[string]bool{}
		}
		for _, m := range members {
			if !slices.Contains(requiredByDefault[vc.V2], m) && !slices.Contains(requiredByDefault[vc.V1], m) {
				return fmt.Errorf("microcred: AllowWithheldUnsafe(%q): only validUntil, expirationDate and credentialStatus are required by default", m)
			}
			if p.disclosure.require[m] {
				return fmt.Errorf("microcred: %q is both required (RequireDisclosure) and allowed to be withheld (AllowWithheldUnsafe)", m)
			}
			p.disclosure.allow[m] = true
		}
		return nil
	}
}

// required returns the members a credential of version ver must disclose.
func (d disclosurePolicy) required(ver vc.Version) map[string]bool {
	out := map[string]bool{}
	for _, m := range requiredByDefault[ver] {
		if !d.allow[m] {
			out[m] = true
		}
	}
	for m := range d.require {
		out[m] = true
	}
	return out
}

// disclosureSuite is what the disclosure check needs of the
// ecdsa-sd-2023 suite (ecdsasd2023.Suite).
type disclosureSuite interface {
	VerifyDisclosure(unsecured, p map[string]any, key crypto.PublicKey) (*ecdsasd2023.Disclosure, error)
}

// checkDisclosure runs when the accepted proof is an ecdsa-sd-2023
// derived proof: it reports in Result.Disclosure which of the members
// checks rely on are mandatory, selective or withheld, and fails if a
// member the policy requires is withheld. doc is the credential as
// decoded for the proof check.
func (v *Verifier) checkDisclosure(run *runner, doc map[string]any, signer *proof.ProofResult, cred *vc.Credential, policy Policy) {
	if signer == nil || signer.Proof == nil || signer.Proof.Type != proof.TypeDataIntegrity || signer.Proof.Cryptosuite != ecdsasd2023.Name {
		return // not selectively disclosed: the check does not run
	}
	var suite disclosureSuite
	for _, s := range v.trusted.Suites {
		if ds, ok := s.(disclosureSuite); ok && s.Type() == proof.TypeDataIntegrity && s.Cryptosuite() == ecdsasd2023.Name {
			suite = ds
			break
		}
	}
	if suite == nil {
		run.fail(CheckDisclosure, fmt.Errorf("microcred: the configured %s suite cannot report what a derived credential discloses", ecdsasd2023.Name))
		return
	}
	if len(signer.Proof.PreviousProof) > 0 {
		run.fail(CheckDisclosure, fmt.Errorf("microcred: an %s proof in a proof chain is not supported", ecdsasd2023.Name))
		return
	}
	if signer.Method == nil {
		run.fail(CheckDisclosure, errors.New("microcred: no verification method for the derived proof"))
		return
	}
	key, err := signer.Method.PublicKey()
	if err != nil {
		run.fail(CheckDisclosure, err)
		return
	}
	unsecured := make(map[string]any, len(doc))
	for k, val := range doc {
		if k != "proof" {
			unsecured[k] = val
		}
	}
	// The proof check verified this proof; VerifyDisclosure verifies it
	// again, so that what it reports comes from a verified proof.
	d, err := suite.VerifyDisclosure(unsecured, signer.Proof.Raw(), key)
	if err != nil {
		run.fail(CheckDisclosure, err)
		return
	}
	required := policy.disclosure.required(cred.Version())
	members := slices.Clone(standardMembers[cred.Version()])
	var extra []string
	for m := range required {
		if !slices.Contains(members, m) {
			extra = append(extra, m)
		}
	}
	slices.Sort(extra)
	members = append(members, extra...)

	res := &Disclosure{}
	var missing []string
	for _, m := range members {
		switch {
		case d.Mandatory(m):
			res.Mandatory = append(res.Mandatory, m)
		case d.Disclosed(m):
			res.Selective = append(res.Selective, m)
		default:
			res.Withheld = append(res.Withheld, m)
			if required[m] {
				missing = append(missing, m)
			}
		}
	}
	run.res.Disclosure = res
	if len(missing) > 0 {
		run.fail(CheckDisclosure, &withheldError{Members: missing})
		return
	}
	run.pass(CheckDisclosure, describeDisclosure(res))
}

func describeDisclosure(d *Disclosure) string {
	list := func(ms []string) string {
		if len(ms) == 0 {
			return "none"
		}
		return strings.Join(ms, ", ")
	}
	return fmt.Sprintf("%s derived credential: mandatory %s; selective %s; withheld %s", ecdsasd2023.Name, list(d.Mandatory), list(d.Selective), list(d.Withheld))
}
