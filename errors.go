package microcred

import (
	"errors"
	"fmt"
	"strings"
)

// The exported errors of this package, all in this file. A check's error
// wraps the sentinel below that names its cause where there is one, and
// otherwise the error of the package that made the check (such as
// proof.ErrInvalidSignature); errors.Is works on each [CheckResult.Err]
// and on the verificationError that joins them.

// verificationError is returned when a required check did not pass. It
// unwraps to the errors of the failed checks, so errors.Is works on them.
type verificationError struct {
	Checks []CheckResult
}

func (e *verificationError) Error() string {
	var failed []string
	for _, c := range e.Checks {
		if c.Outcome == Failed {
			failed = append(failed, fmt.Sprintf("%s: %v", c.Check, c.Err))
		}
	}
	if len(failed) == 0 {
		return "microcred: verification failed"
	}
	return "microcred: verification failed: " + strings.Join(failed, "; ")
}

// Unwrap returns the failed checks' errors.
func (e *verificationError) Unwrap() []error {
	var errs []error
	for _, c := range e.Checks {
		if c.Outcome == Failed && c.Err != nil {
			errs = append(errs, c.Err)
		}
	}
	return errs
}

// Sentinel errors of the high-level API.
var (
	// ErrUntrustedIssuer: the issuer is not in the policy's trusted set.
	ErrUntrustedIssuer = errors.New("microcred: issuer is not trusted")
	// errIssuerMismatch: the proof's key is not controlled by the issuer.
	errIssuerMismatch = errors.New("microcred: proof key is not controlled by the issuer")
	// errUnsupportedFormat: the input is not a format microcred reads.
	errUnsupportedFormat = errors.New("microcred: unsupported input format")
	// ErrNotApplicable: returned by a check that does not apply (skipped).
	ErrNotApplicable = errors.New("microcred: check not applicable")
)

// errNoReceipt: the policy requires an anchor and no receipt was found.
var errNoReceipt = errors.New("microcred: no anchor receipt for the credential")

// errNoBlockcerts: a credential has a Blockcerts proof (MerkleProof2019)
// and the verifier was built without [WithBlockcerts].
var errNoBlockcerts = errors.New("microcred: Blockcerts credential and no Blockcerts evidence configured (WithBlockcerts)")

// errWrongRecipient: the credential is not about the expected recipient.
var errWrongRecipient = errors.New("microcred: credential is not about the expected recipient")

// errWithheld: a selectively disclosed credential does not disclose a
// member the policy requires (see [RequireDisclosure]).
var errWithheld = errors.New("microcred: selectively disclosed credential withholds a required member")

// withheldError names the members a selectively disclosed credential does
// not disclose although the policy requires them. It unwraps to
// errWithheld.
type withheldError struct {
	// Members are the JSON names of the members, e.g. "validUntil".
	Members []string
}

func (e *withheldError) Error() string {
	return fmt.Sprintf("%v: %s not disclosed (the holder may have withheld it, or the issuer never set it; a verifier cannot tell which)", errWithheld, strings.Join(e.Members, ", "))
}

// Unwrap returns ErrWithheld.
func (e *withheldError) Unwrap() error { return errWithheld }

// errNotVerified: a migration was asked of a badge that did not verify.
var errNotVerified = errors.New("microcred: the badge did not verify")

// errHolderMismatch: the presentation's proof is not made by its holder.
var errHolderMismatch = errors.New("microcred: presentation proof key is not controlled by the holder")

// errRefreshIssuer: the refreshed credential has another issuer.
var errRefreshIssuer = errors.New("microcred: refreshed credential is from another issuer")

// skippedError is why a check was skipped: a check it requires failed.
type skippedError struct {
	failed Check
}

func (e *skippedError) Error() string {
	return fmt.Sprintf("microcred: skipped: the %s check failed", e.failed)
}
