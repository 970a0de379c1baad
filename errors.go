package microcred

import (
	"errors"
	"fmt"
	"strings"

	"github.com/onchaincert/microcred/vc/status"
)

// The exported errors of this package, all in this file. A check's error
// wraps the sentinel below that names its cause where there is one, and
// otherwise the error of the package that made the check (such as
// proof.ErrInvalidSignature); errors.Is works on each [CheckResult.Err]
// and on the [VerificationError] that joins them.

// VerificationError is returned when a required check did not pass. It
// unwraps to the errors of the failed checks, so errors.Is works on them.
type VerificationError struct {
	Checks []CheckResult
}

func (e *VerificationError) Error() string {
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
func (e *VerificationError) Unwrap() []error {
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
	// ErrIssuerMismatch: the proof's key is not controlled by the issuer.
	ErrIssuerMismatch = errors.New("microcred: proof key is not controlled by the issuer")
	// ErrExpired: the credential's validUntil (expirationDate) has passed.
	ErrExpired = errors.New("microcred: credential expired")
	// ErrNotYetValid: the credential's validFrom (issuanceDate) is in the future.
	ErrNotYetValid = errors.New("microcred: credential not yet valid")
	// ErrUnsupportedFormat: the input is not a format microcred reads.
	ErrUnsupportedFormat = errors.New("microcred: unsupported input format")
	// ErrRevoked and ErrSuspended are status.ErrRevoked and
	// status.ErrSuspended, for errors.Is at this level.
	ErrRevoked   = status.ErrRevoked
	ErrSuspended = status.ErrSuspended
	// ErrNotApplicable: returned by a check that does not apply (skipped).
	ErrNotApplicable = errors.New("microcred: check not applicable")
)

// ErrNoReceipt: the policy requires an anchor and no receipt was found.
var ErrNoReceipt = errors.New("microcred: no anchor receipt for the credential")

// ErrNoBlockcerts: a credential has a Blockcerts proof (MerkleProof2019)
// and the verifier was built without [WithBlockcerts].
var ErrNoBlockcerts = errors.New("microcred: Blockcerts credential and no Blockcerts evidence configured (WithBlockcerts)")

// ErrWrongRecipient: the credential is not about the expected recipient.
var ErrWrongRecipient = errors.New("microcred: credential is not about the expected recipient")

// ErrWithheld: a selectively disclosed credential does not disclose a
// member the policy requires (see [RequireDisclosure]).
var ErrWithheld = errors.New("microcred: selectively disclosed credential withholds a required member")

// WithheldError names the members a selectively disclosed credential does
// not disclose although the policy requires them. It unwraps to
// [ErrWithheld].
type WithheldError struct {
	// Members are the JSON names of the members, e.g. "validUntil".
	Members []string
}

func (e *WithheldError) Error() string {
	return fmt.Sprintf("%v: %s not disclosed (the holder may have withheld it, or the issuer never set it; a verifier cannot tell which)", ErrWithheld, strings.Join(e.Members, ", "))
}

// Unwrap returns ErrWithheld.
func (e *WithheldError) Unwrap() error { return ErrWithheld }

// ErrNotVerified: a migration was asked of a badge that did not verify.
var ErrNotVerified = errors.New("microcred: the badge did not verify")

// ErrHolderMismatch: the presentation's proof is not made by its holder.
var ErrHolderMismatch = errors.New("microcred: presentation proof key is not controlled by the holder")

// ErrRefreshIssuer: the refreshed credential has another issuer.
var ErrRefreshIssuer = errors.New("microcred: refreshed credential is from another issuer")

// skippedError is why a check was skipped: a check it requires failed.
type skippedError struct {
	failed Check
}

func (e *skippedError) Error() string {
	return fmt.Sprintf("microcred: skipped: the %s check failed", e.failed)
}
