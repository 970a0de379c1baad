package microcred

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/vc"
)

// CheckRefresh is the name of the refresh step.
const CheckRefresh Check = "refresh"

// WithRefresher makes the verifier follow a credential's refreshService,
// once. refresh obtains a fresher copy of a credential through one of its
// refreshService entries (OB 3.0: 1EdTechCredentialRefresh; VCDM 2.0:
// VerifiableCredentialRefreshService2021 and others) and returns the new
// credential's bytes, or nil, nil when the service has nothing newer; it
// is the caller's code, so it decides whether and how to reach the
// network. After the credential's proof and issuer check pass, refresh is asked for
// a fresher copy (first service only); if it returns one, that copy is
// verified in full instead (its own refreshService is not followed) and
// must come from the same issuer. An error from refresh or "nothing newer"
// leaves the original to be verified, with the refresh step Skipped.
func WithRefresher(refresh func(ctx context.Context, c *vc.Credential, service json.RawMessage) ([]byte, error)) Option {
	r := refresh
	return verifierOption("WithRefresher", func(c *verifierConfig) error {
		if r == nil {
			return errors.New("microcred: WithRefresher(nil)")
		}
		c.refresher = r
		return nil
	})
}

// refresh runs the refresh step. done reports that fresh replaces the
// result being built.
func (v *Verifier) refresh(ctx context.Context, run *runner, cred *vc.Credential, policy Policy) (fresh *Result, done bool) {
	services := cred.RefreshServices()
	if len(services) == 0 {
		run.skip(CheckRefresh, fmt.Errorf("%w: the credential has no refreshService", ErrNotApplicable))
		return nil, false
	}
	data, err := v.cfg.refresher(ctx, cred, services[0])
	switch {
	case err != nil:
		run.skip(CheckRefresh, fmt.Errorf("microcred: refresh not used: %w", err))
		return nil, false
	case data == nil:
		run.skip(CheckRefresh, fmt.Errorf("%w: the refresh service has nothing newer", ErrNotApplicable))
		return nil, false
	}
	res, _ := v.verify(ctx, data, policy, 0, true)
	step := CheckResult{Check: CheckRefresh, Outcome: Passed, Detail: "verifying the refreshed credential instead of the one presented"}
	if res.Issuer != cred.Issuer().ID {
		step = CheckResult{Check: CheckRefresh, Outcome: Failed, Err: fmt.Errorf("%w: %q, not %q", errRefreshIssuer, res.Issuer, cred.Issuer().ID)}
		res.Verified, res.Credential = false, nil
	}
	res.Checks = append([]CheckResult{step}, res.Checks...)
	return res, true
}

// err is the error Verify returns with r.
func (r *Result) err() error {
	for _, c := range r.Checks {
		if c.Outcome == Failed {
			return &verificationError{Checks: r.Checks}
		}
	}
	return nil
}
