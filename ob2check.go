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
func WithOB2Documents(f ob2.Fetcher) VerifierOption {
	return verifierOptionFunc(func(c *verifierConfig) error {
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
	s.once.Do(func() { s.v, s.err = ob2.NewVerifier(ob2.Options{Fetcher: s.fetch, Loader: l}) })
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
	res := run.res
	rest := []Check{CheckSchema, CheckProof, CheckIssuer, CheckStatus, CheckValidity}
	if v.cfg.ob2 == nil {
		run.fail(CheckParse, fmt.Errorf("%w: an Open Badges 2.0 badge, and this verifier has no OB 2.0 documents (WithOB2Documents)", ErrUnsupportedFormat))
		return res, run.finish(rest...)
	}
	container := ""
	if k := bake.Detect(input); k == bake.PNG || k == bake.SVG {
		text, err := bake.ExtractOB2(input)
		if err != nil {
			run.fail(CheckParse, err)
			return res, run.finish(rest...)
		}
		container = " baked in a " + k.String()
		input = text
	}
	ov, err := v.cfg.ob2.verifier(v.cfg.loader)
	if err != nil {
		run.fail(CheckParse, err)
		return res, run.finish(rest...)
	}
	out, _ := ov.Verify(ctx, input, ob2.Checks{
		Now:                    res.At,
		Skew:                   v.cfg.skew,
		Recipient:              policy.recipient,
		IgnoreRevocationUnsafe: policy.ignoreStatus,
	})
	if b := out.Badge; b != nil {
		res.Issuer = b.Issuer.ID
	}
	for _, s := range out.Steps {
		switch {
		case s.Skipped && s.Name == ob2.StepStatus && out.Badge != nil && s.Detail != "":
			run.skip(CheckStatus, fmt.Errorf("%w: %s", ErrNotApplicable, s.Detail))
		case s.Skipped:
			run.skip(Check(s.Name), s.Err)
		case s.Err != nil:
			run.fail(Check(s.Name), ob2Error(s.Err))
		case s.Name == ob2.StepParse:
			run.pass(CheckParse, s.Detail+container)
		case s.Name == ob2.StepProof:
			run.pass(CheckProof, s.Detail)
			if k := out.Badge.Key; k != nil {
				res.VerificationMethod = k.ID
			}
		case s.Name == ob2.StepIssuer:
			// The binding holds; now the policy's trust in the issuer.
			id := out.Badge.Issuer.ID
			switch {
			case policy.noIssuer:
				run.fail(CheckIssuer, fmt.Errorf("%w: %q (the policy trusts no issuer)", ErrUntrustedIssuer, id))
			case policy.anyIssuer:
				run.pass(CheckIssuer, s.Detail+"; issuer not checked against a trust list (AnyIssuerUnsafe)")
			case !policy.issuers[id]:
				run.fail(CheckIssuer, fmt.Errorf("%w: %q", ErrUntrustedIssuer, id))
			default:
				run.pass(CheckIssuer, s.Detail+"; a trusted issuer")
			}
		default:
			run.pass(Check(s.Name), s.Detail)
		}
		if s.Name == ob2.StepParse {
			// The OB 3.0 JSON Schemas describe VCDM credentials.
			run.skip(CheckSchema, fmt.Errorf("%w: the 1EdTech schemas describe OB 3.0 credentials, not OB 2.0 assertions", ErrNotApplicable))
		}
	}
	// Nothing else of an OB 3.0 verification applies, but what the policy
	// or the verifier requires must not pass unchecked.
	if policy.anchorLevel != anchor.LevelNone {
		run.fail(CheckAnchor, fmt.Errorf("%w: the policy requires %v and an OB 2.0 badge has no anchor", ErrNoReceipt, policy.anchorLevel))
	}
	for _, nc := range v.cfg.checkers {
		run.fail(nc.name, fmt.Errorf("%w: custom checkers read OB 3.0 credentials; this is an OB 2.0 badge", ErrUnsupportedFormat))
	}
	if err := run.finish(); err != nil {
		return res, err
	}
	res.Verified = true
	res.OB2 = out.Badge
	return res, nil
}

// ob2Error maps ob2's sentinels to this package's, so errors.Is works
// the same for OB 2.0 and OB 3.0 reports.
func ob2Error(err error) error {
	for _, m := range []struct{ from, to error }{
		{ob2.ErrRevoked, ErrRevoked},
		{ob2.ErrExpired, ErrExpired},
		{ob2.ErrNotYetValid, ErrNotYetValid},
		{ob2.ErrKeyOwner, ErrIssuerMismatch},
		{ob2.ErrWrongRecipient, ErrWrongRecipient},
	} {
		if errors.Is(err, m.from) {
			return fmt.Errorf("%w: %w", m.to, err)
		}
	}
	return err
}
