package microcred

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
)

// WithOB2Documents lets the Verifier verify Open Badges 2.0 assertions,
// taking every document they refer to (hosted assertions, BadgeClasses,
// Issuer profiles, CryptographicKeys, RevocationLists) from f: an
// ob2.Documents map of local copies keyed by URL, or a fetcher of your
// own (didweb.HTTPFetcher goes online with the did:web address guard).
// Without it, OB 2.0 input still gets a report, and fails the parse check
// naming this option.
func WithOB2Documents(f ob2.Fetcher) Option {
	return verifierOption("WithOB2Documents", func(c *verifierConfig) error {
		if f == nil {
			return errors.New("microcred: WithOB2Documents(nil)")
		}
		c.ob2 = &ob2State{fetch: f}
		return nil
	})
}

// ob2State is the OB 2.0 verifier of one Verifier, built on first use
// with the Verifier's contexts (whatever the order of the options).
type ob2State struct {
	fetch ob2.Fetcher
	once  sync.Once
	v     *ob2.Verifier
	err   error
}

func (s *ob2State) verifier(l *contexts.Loader) (*ob2.Verifier, error) {
	s.once.Do(func() { s.v, s.err = ob2.NewVerifier(s.fetch, ob2.WithLoader(l)) })
	return s.v, s.err
}

// isOB2 reports whether input is an OB 2.0 badge: a baked image whose
// one carrier is an OB 2.0 assertion, or what ob2.Detect recognizes.
func isOB2(input []byte) bool {
	switch bake.Detect(input) {
	case bake.PNG, bake.SVG:
		_, err := bake.Extract(input)
		return errors.Is(err, bake.ErrOB2)
	}
	return ob2.Detect(input)
}

// verifyOB2 verifies an Open Badges 2.0 badge and reports it with the
// checks of an OB 3.0 credential: parse, schema (not applicable), proof,
// issuer (the ob2 key or origin binding, then the policy's trust),
// status, validity, and recipient when the policy expects one. The
// report's Credential stays nil; OB2 holds the verified badge.
func (v *Verifier) verifyOB2(ctx context.Context, run *runner, input []byte, policy Policy) (*Result, error) {
	s := &ob2Run{run: run, input: input, policy: policy}
	runSteps(ctx, run, v.ob2Steps(policy), s)
	if err := run.verdict(); err != nil {
		return run.res, err
	}
	run.res.Verified = true
	run.res.OB2 = s.out.Badge
	return run.res, nil
}

// ob2Run is what the steps of an OB 2.0 verification share.
type ob2Run struct {
	run    *runner
	input  []byte
	policy Policy
	out    *ob2.Result // package ob2's steps, which the proof … recipient steps report
}

// ob2Steps is the pipeline of an OB 2.0 badge, in report order. Package
// ob2 verifies the badge in the parse step; the proof, issuer, status,
// validity and recipient steps report its steps of those names (with its
// own skips after a failure inside it).
func (v *Verifier) ob2Steps(policy Policy) []step[*ob2Run] {
	report := func(name Check) func(context.Context, *ob2Run) {
		return func(_ context.Context, s *ob2Run) {
			if s.out == nil {
				return
			}
			for _, st := range s.out.Steps {
				if Check(st.Name) == name {
					s.record(st)
				}
			}
		}
	}
	steps := []step[*ob2Run]{
		{check: CheckParse, run: func(ctx context.Context, s *ob2Run) {
			if v.cfg.ob2 == nil {
				s.run.fail(CheckParse, fmt.Errorf("%w: an Open Badges 2.0 badge, and this verifier has no OB 2.0 documents (WithOB2Documents)", errUnsupportedFormat))
				return
			}
			container, input := "", s.input
			if k := bake.Detect(input); k == bake.PNG || k == bake.SVG {
				text, err := bake.ExtractOB2(input)
				if err != nil {
					s.run.fail(CheckParse, err)
					return
				}
				container = " baked in a " + k.String()
				input = text
			}
			ov, err := v.cfg.ob2.verifier(v.cfg.loader)
			if err != nil {
				s.run.fail(CheckParse, err)
				return
			}
			s.out, _ = ov.Verify(ctx, input, ob2.Checks{
				Now:                    s.run.res.At,
				Skew:                   v.cfg.skew,
				Recipient:              s.policy.recipient,
				IgnoreRevocationUnsafe: s.policy.ignoreStatus,
			})
			if s.out == nil {
				s.run.fail(CheckParse, errors.New("microcred: ob2: no result"))
				return
			}
			if b := s.out.Badge; b != nil {
				s.run.res.Issuer = b.Issuer.ID
			}
			for _, st := range s.out.Steps {
				if st.Name == ob2.StepParse {
					if st.Err == nil && !st.Skipped {
						st.Detail += container
					}
					s.record(st)
				}
			}
		}},
		{check: CheckSchema, requires: []Check{CheckParse}, run: func(_ context.Context, s *ob2Run) {
			// The OB 3.0 JSON Schemas describe VCDM credentials.
			s.run.skip(CheckSchema, fmt.Errorf("%w: the 1EdTech schemas describe OB 3.0 credentials, not OB 2.0 assertions", ErrNotApplicable))
		}},
		{check: CheckProof, requires: []Check{CheckParse}, run: report(CheckProof)},
		{check: CheckIssuer, requires: []Check{CheckParse}, run: report(CheckIssuer)},
		{check: CheckStatus, requires: []Check{CheckParse}, run: report(CheckStatus)},
		{check: CheckValidity, requires: []Check{CheckParse}, run: report(CheckValidity)},
		{
			// Nothing else of an OB 3.0 verification applies, but what
			// the policy requires must not pass unchecked.
			check:    CheckAnchor,
			requires: []Check{CheckParse},
			applies:  func(s *ob2Run) bool { return s.policy.anchorLevel != anchor.LevelNone },
			run: func(_ context.Context, s *ob2Run) {
				s.run.fail(CheckAnchor, fmt.Errorf("%w: the policy requires %v and an OB 2.0 badge has no anchor", errNoReceipt, s.policy.anchorLevel))
			},
		},
	}
	steps = append(steps, checkerSteps(v, policy, nil,
		report(CheckRecipient),
		func(_ context.Context, s *ob2Run, nc namedChecker) {
			s.run.fail(nc.name, fmt.Errorf("%w: custom checkers read OB 3.0 credentials; this is an OB 2.0 badge", errUnsupportedFormat))
		})...)
	// The recipient step reports ob2's, which package ob2 runs, skips or
	// (after its parse or proof step failed) leaves out by its own rules.
	for i := range steps {
		if steps[i].check == CheckRecipient {
			steps[i].requires = nil
		}
	}
	return steps
}

// record reports one of package ob2's steps as the check of that name.
func (s *ob2Run) record(st ob2.Step) {
	run, policy, out := s.run, s.policy, s.out
	switch {
	case st.Skipped && st.Name == ob2.StepStatus && out.Badge != nil && st.Detail != "":
		run.skip(CheckStatus, fmt.Errorf("%w: %s", ErrNotApplicable, st.Detail))
	case st.Skipped:
		run.skip(Check(st.Name), st.Err)
	case st.Err != nil:
		run.fail(Check(st.Name), ob2Error(st.Err))
	case st.Name == ob2.StepProof:
		run.pass(CheckProof, st.Detail)
		if k := out.Badge.Key; k != nil {
			run.res.VerificationMethod = k.ID
		}
	case st.Name == ob2.StepIssuer:
		// The binding holds; now the policy's trust in the issuer.
		id := out.Badge.Issuer.ID
		switch {
		case policy.noIssuer:
			run.fail(CheckIssuer, fmt.Errorf("%w: %q (the policy trusts no issuer)", ErrUntrustedIssuer, id))
		case policy.anyIssuer:
			run.pass(CheckIssuer, st.Detail+"; issuer not checked against a trust list (AnyIssuerUnsafe)")
		case !policy.issuers[id]:
			run.fail(CheckIssuer, fmt.Errorf("%w: %q", ErrUntrustedIssuer, id))
		default:
			run.pass(CheckIssuer, st.Detail+"; a trusted issuer")
		}
	default:
		run.pass(Check(st.Name), st.Detail)
	}
}

// ob2Error maps ob2's sentinels to this package's, so errors.Is works
// the same for OB 2.0 and OB 3.0 reports.
func ob2Error(err error) error {
	for _, m := range []struct{ from, to error }{
		{ob2.ErrKeyOwner, errIssuerMismatch},
		{ob2.ErrWrongRecipient, errWrongRecipient},
	} {
		if errors.Is(err, m.from) {
			return fmt.Errorf("%w: %w", m.to, err)
		}
	}
	return err
}
