package microcred

import (
	"fmt"
	"time"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/vc"
)

// Outcome is the outcome of one verification check. The zero value is
// unknown (printed "unknown"), never success.
type Outcome uint8

const (
	outcomeUnknown Outcome = iota
	Passed
	Failed
	Skipped
)

func (o Outcome) String() string {
	switch o {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return "unknown"
}

// MarshalText writes the outcome's name, for JSON reports.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads an outcome's name.
func (o *Outcome) UnmarshalText(b []byte) error {
	for _, c := range []Outcome{outcomeUnknown, Passed, Failed, Skipped} {
		if c.String() == string(b) {
			*o = c
			return nil
		}
	}
	return fmt.Errorf("microcred: unknown outcome %q", b)
}

// Check names one check of a verification, as [CheckResult] reports it.
// The built-in checks are the Check… constants; a checker added with
// [WithChecker] is reported under the name given there.
type Check string

// Names of the checks [Verifier.Verify] runs, in order.
const (
	CheckParse    Check = "parse"
	CheckSchema   Check = "schema"
	CheckProof    Check = "proof"
	CheckIssuer   Check = "issuer"
	CheckStatus   Check = "status"
	CheckValidity Check = "validity"
)

// CheckResult is the outcome of one check.
type CheckResult struct {
	Check   Check
	Outcome Outcome
	// Err says why the check failed or was skipped; nil when it passed.
	Err error
	// Detail is a short human-readable note on what was checked.
	Detail string
}

// Result is the report of one verification, of a credential
// ([Verifier.Verify]) or of a presentation ([Verifier.VerifyPresentation]).
// Both always return one, whether or not the input verified.
type Result struct {
	// Verified is true iff Verify returned a nil error.
	Verified bool
	// Credential is the credential parsed from the verified bytes; nil
	// unless Verified.
	Credential *vc.Credential
	// OB2 is the Open Badges 2.0 badge verified, when the input was one
	// (and Credential is then nil); nil unless Verified.
	OB2 *ob2.Badge
	// Issuer is the credential's issuer id, as read from the input (set
	// even when verification fails, for reporting).
	Issuer string
	// VerificationMethod is the key that made the accepted proof.
	VerificationMethod string
	// Checks lists every check in the order run. Checks after a failed
	// prerequisite are Skipped.
	Checks []CheckResult
	// At is the time the validity checks used.
	At time.Time
	// Anchor is what the credential's anchor receipt established (level,
	// chain, confirmations, why it stopped), or nil if none was checked.
	Anchor *anchor.Assurance
	// Disclosure is what a selectively disclosed (ecdsa-sd-2023 derived)
	// credential discloses and withholds, or nil for other credentials.
	Disclosure *Disclosure

	// Presentation is the presentation parsed from the verified bytes;
	// nil unless a presentation Verified.
	Presentation *vc.Presentation
	// Holder is a presentation's holder: as it names itself, or the
	// controller of its proof's key when it names none.
	Holder string
	// Credentials holds one Result per credential embedded in a
	// presentation, in order.
	Credentials []*Result
}

// Check returns the result of the named check, or false if it did not run.
func (r *Result) Check(name Check) (CheckResult, bool) {
	for _, c := range r.Checks {
		if c.Check == name {
			return c, true
		}
	}
	return CheckResult{}, false
}
