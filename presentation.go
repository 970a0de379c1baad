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

// ErrHolderMismatch: the presentation's proof is not made by its holder.
var ErrHolderMismatch = errors.New("microcred: presentation proof key is not controlled by the holder")

// PresentationOptions are what a verifier expects of a presentation. The
// challenge is required: it is what makes a presentation fresh rather than
// replayed.
type PresentationOptions struct {
	Challenge string
	Domain    string
}

// PresentationResult reports a presentation and each credential in it.
type PresentationResult struct {
	Verified bool
	// Presentation is set only when Verified.
	Presentation *vc.Presentation
	Holder       string
	Checks       []CheckResult
	// Credentials holds one Result per embedded credential, in order.
	Credentials []*Result
	At          time.Time
}

// Sign a presentation: the holder's key signs for authentication, bound to
// the verifier's challenge and domain.
func SignPresentation(ctx context.Context, presentation []byte, suite proof.Suite, signer proof.Signer, challenge, domain string, created time.Time) ([]byte, error) {
	if challenge == "" {
		return nil, errors.New("microcred: a presentation needs the verifier's challenge")
	}
	p, err := vc.ParsePresentation(presentation)
	if err != nil {
		return nil, err
	}
	holder, _, _ := strings.Cut(signer.VerificationMethod(), "#")
	if p.Holder() != "" && p.Holder() != holder {
		return nil, fmt.Errorf("%w: holder is %q, the signing key belongs to %q", ErrHolderMismatch, p.Holder(), holder)
	}
	return proof.Sign(ctx, presentation, suite, signer, proof.Options{Purpose: proof.Authentication, Challenge: challenge, Domain: domain, Created: created})
}

// VerifyPresentation verifies a presentation (JSON with an embedded proof):
// its proof for the authentication purpose with the expected challenge and
// domain, made by a key its holder controls; then every embedded credential
// with [Verifier.Verify] under policy. err is nil iff all of it passed.
func (v *Verifier) VerifyPresentation(ctx context.Context, input []byte, policy Policy, opts PresentationOptions) (*PresentationResult, error) {
	now := v.cfg.clock()
	res := &PresentationResult{At: now}
	fail := func(check Check, err error, skipped ...Check) (*PresentationResult, error) {
		res.Checks = append(res.Checks, CheckResult{Check: check, Outcome: Failed, Err: err})
		for _, s := range skipped {
			res.Checks = append(res.Checks, CheckResult{Check: s, Outcome: Skipped, Err: errors.New("skipped: an earlier check failed")})
		}
		return res, &VerificationError{Checks: res.Checks}
	}
	pass := func(check Check, detail string) {
		res.Checks = append(res.Checks, CheckResult{Check: check, Outcome: Passed, Detail: detail})
	}
	if opts.Challenge == "" {
		return fail(CheckParse, errors.New("microcred: PresentationOptions.Challenge is required"), CheckProof, CheckHolder, CheckCredentials)
	}
	var p *vc.Presentation
	var controller string
	if trimmed := bytes.TrimSpace(input); vcjwt.IsCompactJWS(trimmed) {
		// A presentation JWT (vp+jwt, or a vp claim): the signature covers
		// the presentation, nonce = challenge, aud = domain.
		if !v.trusted.AcceptJWT {
			return fail(CheckParse, fmt.Errorf("%w: JWT presentations are not accepted by this verifier (Trusted.AcceptJWT)", ErrUnsupportedFormat), CheckProof, CheckHolder, CheckCredentials)
		}
		jres, err := vcjwt.VerifyPresentation(ctx, string(trimmed), vcjwt.VerifyOptions{Resolver: v.trusted.Resolver, Now: now, ClockSkew: v.cfg.skew}, vcjwt.Exchange{Challenge: opts.Challenge, Domain: opts.Domain})
		if err != nil {
			if errors.Is(err, vcjwt.ErrMalformed) || errors.Is(err, vc.ErrInvalidPresentation) {
				return fail(CheckParse, err, CheckProof, CheckHolder, CheckCredentials)
			}
			pass(CheckParse, "presentation in a JWT")
			return fail(CheckProof, err, CheckHolder, CheckCredentials)
		}
		if p, err = vc.ParsePresentation(jres.Presentation); err != nil {
			return fail(CheckParse, err, CheckProof, CheckHolder, CheckCredentials)
		}
		res.Holder = p.Holder()
		pass(CheckParse, fmt.Sprintf("VCDM %s presentation with %d credential(s) in a JWT", p.Version(), len(p.Credentials())))
		pass(CheckProof, fmt.Sprintf("%s JWT (%s) by %s, nonce and audience match", jres.Algorithm, jres.Format, jres.Method.ID))
		controller = jres.Controller
	} else {
		var err error
		if p, err = vc.ParsePresentation(input); err != nil {
			return fail(CheckParse, err, CheckProof, CheckHolder, CheckCredentials)
		}
		res.Holder = p.Holder()
		pass(CheckParse, fmt.Sprintf("VCDM %s presentation with %d credential(s)", p.Version(), len(p.Credentials())))

		generic, err := strictjson.Decode(input, strictjson.Limits{})
		if err != nil {
			return fail(CheckProof, err, CheckHolder, CheckCredentials)
		}
		doc, _ := generic.(map[string]any)
		pres, err := proof.VerifyDocument(ctx, doc, proof.VerifyOptions{
			Suites: v.trusted.Suites, Resolver: v.trusted.Resolver, Purpose: proof.Authentication,
			Challenge: opts.Challenge, Domain: opts.Domain, Now: now, ClockSkew: v.cfg.skew,
		})
		if err != nil {
			return fail(CheckProof, err, CheckHolder, CheckCredentials)
		}
		ok := pres.Verified()
		pass(CheckProof, fmt.Sprintf("%s by %s, challenge and domain match", suiteName(ok), ok.Proof.VerificationMethod))
		controller = ok.Controller
	}

	// The holder, if named, must control the key; if not named, the key's
	// controller is the holder.
	if res.Holder == "" {
		res.Holder = controller
	}
	if controller != res.Holder {
		return fail(CheckHolder, fmt.Errorf("%w: key controlled by %q, holder %q", ErrHolderMismatch, controller, res.Holder), CheckCredentials)
	}
	pass(CheckHolder, "presentation signed by its holder")

	var errs []error
	for i, c := range p.Credentials() {
		cr, err := v.Verify(ctx, embedded(c), policy)
		res.Credentials = append(res.Credentials, cr)
		if err != nil {
			errs = append(errs, fmt.Errorf("credential %d: %w", i, err))
		}
	}
	if len(errs) > 0 {
		return fail(CheckCredentials, errors.Join(errs...))
	}
	pass(CheckCredentials, fmt.Sprintf("%d credential(s) verified", len(res.Credentials)))
	res.Verified = true
	res.Presentation = p
	return res, nil
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
