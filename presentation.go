package microcred

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
)

// Check names of presentation verification.
const (
	CheckHolder      Check = "holder"
	CheckCredentials Check = "credentials"
)

// PresentationOptions bind a presentation to one exchange with a
// verifier: the holder signs with them ([Issuer.SignPresentation]) and the
// verifier expects them ([Verifier.VerifyPresentation]). The challenge is
// required on both sides: it is what makes a presentation fresh rather
// than replayed.
type PresentationOptions struct {
	// Challenge is the verifier's nonce (required).
	Challenge string
	// Domain is the verifier the presentation is meant for (optional);
	// if set, a verifier expecting another domain refuses it.
	Domain string
}

// SignPresentation signs a presentation, given as JSON, as its holder:
// the Issuer's key signs for authentication, bound to the verifier's
// challenge and domain, with the Issuer's suite, at the Issuer's clock's
// time. The presentation's holder, if named, must be the Issuer's DID.
// A missing challenge is an error naming it; an Issuer made WithJWT is
// refused (vcjwt.SignPresentation makes presentation JWTs).
func (i *Issuer) SignPresentation(ctx context.Context, presentation []byte, opts PresentationOptions) ([]byte, error) {
	switch {
	case opts.Challenge == "":
		return nil, errors.New("microcred: presentation signing: Challenge: missing (the verifier's challenge)")
	case i.cfg.jwt != 0:
		return nil, errors.New("microcred: presentation signing: this Issuer makes JWTs (WithJWT); use vcjwt.SignPresentation")
	}
	p, err := vc.ParsePresentation(presentation)
	if err != nil {
		return nil, err
	}
	if holder := i.did.String(); p.Holder() != "" && p.Holder() != holder {
		return nil, fmt.Errorf("%w: holder is %q, the signing key belongs to %q", errHolderMismatch, p.Holder(), holder)
	}
	return proof.Sign(ctx, presentation, i.cfg.suite, i.signer, proof.Options{Purpose: proof.Authentication, Challenge: opts.Challenge, Domain: opts.Domain, Created: i.cfg.clock()})
}

// VerifyPresentation verifies a presentation (JSON with an embedded proof):
// its proof for the authentication purpose with the expected challenge and
// domain, made by a key its holder controls; then every embedded credential
// with [Verifier.Verify] under policy. err is nil iff all of it passed.
//
// The [Result] reports the presentation's own checks (parse, proof,
// holder, credentials) in Checks, its Holder, and one Result per embedded
// credential in Credentials; Presentation is set only when it verified.
func (v *Verifier) VerifyPresentation(ctx context.Context, input []byte, policy Policy, opts PresentationOptions) (*Result, error) {
	now := v.cfg.clock()
	res := &Result{At: now}
	run := newRunner(res)
	s := &vpState{run: run, res: res, input: input, policy: policy, opts: opts, now: now}
	runSteps(ctx, run, v.presentationSteps(), s)
	if err := run.verdict(); err != nil {
		return res, err
	}
	res.Verified = true
	res.Presentation = s.p
	return res, nil
}

// vpState is what the steps of a presentation's verification share.
type vpState struct {
	run    *runner
	res    *Result
	input  []byte
	policy Policy
	opts   PresentationOptions
	now    time.Time

	p          *vc.Presentation
	jwt        *vcjwt.PresentationResult // a presentation JWT, verified in the parse step
	jwtErr     error                     // its proof's error
	controller string                    // of the accepted proof's key
}

// presentationSteps is the pipeline of a presentation, in report order.
func (v *Verifier) presentationSteps() []step[*vpState] {
	return []step[*vpState]{
		{check: CheckParse, run: func(ctx context.Context, s *vpState) {
			if s.opts.Challenge == "" {
				s.run.fail(CheckParse, errors.New("microcred: PresentationOptions.Challenge is required"))
				return
			}
			trimmed := bytes.TrimSpace(s.input)
			if !vcjwt.IsCompactJWS(trimmed) {
				p, err := vc.ParsePresentation(s.input)
				if err != nil {
					s.run.fail(CheckParse, err)
					return
				}
				s.p, s.res.Holder = p, p.Holder()
				s.run.pass(CheckParse, fmt.Sprintf("VCDM %s presentation with %d credential(s)", p.Version(), len(p.Credentials())))
				return
			}
			// A presentation JWT (vp+jwt, or a vp claim): the signature
			// covers the presentation, nonce = challenge, aud = domain.
			if !v.trusted.AcceptJWT {
				s.run.fail(CheckParse, fmt.Errorf("%w: JWT presentations are not accepted by this verifier (Trusted.AcceptJWT)", errUnsupportedFormat))
				return
			}
			jres, err := vcjwt.VerifyPresentation(ctx, string(trimmed), vcjwt.VerifyOptions{Resolver: v.trusted.Resolver, Now: s.now, ClockSkew: v.cfg.skew}, vcjwt.Exchange{Challenge: s.opts.Challenge, Domain: s.opts.Domain})
			if err != nil {
				if errors.Is(err, vcjwt.ErrMalformed) || errors.Is(err, vc.ErrInvalidPresentation) {
					s.run.fail(CheckParse, err)
					return
				}
				s.jwtErr = err
				s.run.pass(CheckParse, "presentation in a JWT")
				return
			}
			p, err := vc.ParsePresentation(jres.Presentation)
			if err != nil {
				s.run.fail(CheckParse, err)
				return
			}
			s.p, s.res.Holder, s.jwt = p, p.Holder(), jres
			s.run.pass(CheckParse, fmt.Sprintf("VCDM %s presentation with %d credential(s) in a JWT", p.Version(), len(p.Credentials())))
		}},
		{check: CheckProof, requires: []Check{CheckParse}, run: func(ctx context.Context, s *vpState) {
			switch {
			case s.jwtErr != nil:
				s.run.fail(CheckProof, s.jwtErr)
				return
			case s.jwt != nil:
				s.run.pass(CheckProof, fmt.Sprintf("%s JWT (%s) by %s, nonce and audience match", s.jwt.Algorithm, s.jwt.Format, s.jwt.Method.ID))
				s.controller = s.jwt.Controller
				return
			}
			generic, err := strictjson.Decode(s.input, strictjson.Limits{})
			if err != nil {
				s.run.fail(CheckProof, err)
				return
			}
			doc, _ := generic.(map[string]any)
			pres, err := proof.VerifyDocument(ctx, doc, proof.VerifyOptions{
				Suites: v.trusted.Suites, Resolver: v.trusted.Resolver, Purpose: proof.Authentication,
				Challenge: s.opts.Challenge, Domain: s.opts.Domain, Now: s.now, ClockSkew: v.cfg.skew,
			})
			if err != nil {
				s.run.fail(CheckProof, err)
				return
			}
			ok := pres.Verified()
			s.run.pass(CheckProof, fmt.Sprintf("%s by %s, challenge and domain match", suiteName(ok), ok.Proof.VerificationMethod))
			s.controller = ok.Controller
		}},
		{check: CheckHolder, requires: []Check{CheckProof}, run: func(_ context.Context, s *vpState) {
			// The holder, if named, must control the key; if not named,
			// the key's controller is the holder.
			if s.res.Holder == "" {
				s.res.Holder = s.controller
			}
			if s.controller != s.res.Holder {
				s.run.fail(CheckHolder, fmt.Errorf("%w: key controlled by %q, holder %q", errHolderMismatch, s.controller, s.res.Holder))
				return
			}
			s.run.pass(CheckHolder, "presentation signed by its holder")
		}},
		{check: CheckCredentials, requires: []Check{CheckHolder}, run: func(ctx context.Context, s *vpState) {
			var errs []error
			for i, c := range s.p.Credentials() {
				cr, err := v.Verify(ctx, embedded(c), s.policy)
				s.res.Credentials = append(s.res.Credentials, cr)
				if err != nil {
					errs = append(errs, fmt.Errorf("credential %d: %w", i, err))
				}
			}
			if len(errs) > 0 {
				s.run.fail(CheckCredentials, errors.Join(errs...))
				return
			}
			s.run.pass(CheckCredentials, fmt.Sprintf("%d credential(s) verified", len(s.res.Credentials)))
		}},
	}
}

// embedded returns what to verify for one verifiableCredential entry: the
// credential object itself, the JWT of an EnvelopedVerifiableCredential
// ("data:application/vc+jwt,..."), or a VCDM 1.1 JWT string.
func embedded(raw json.RawMessage) []byte {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	var env struct {
		ID   string          `json:"id"`
		Type json.RawMessage `json:"type"`
	}
	if json.Unmarshal(raw, &env) == nil && strings.Contains(string(env.Type), "EnvelopedVerifiableCredential") {
		for _, prefix := range []string{"data:application/vc+jwt,", "data:application/vc-ld+jwt,", "data:application/jwt,"} {
			if tok, ok := strings.CutPrefix(env.ID, prefix); ok {
				return []byte(tok)
			}
		}
	}
	return raw
}
