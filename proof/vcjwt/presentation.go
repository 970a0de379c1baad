package vcjwt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/vc"
)

// PresentationResult is a verified presentation token.
type PresentationResult struct {
	Format Format
	// Presentation is the presentation exactly as signed.
	Presentation []byte
	Algorithm    string
	// Method is the verification method that signed; Controller its DID,
	// which the caller binds to the presentation's holder.
	Method     *did.VerificationMethod
	Controller string
}

// SignPresentation secures a presentation as a compact JWT signed by the
// holder's key for authentication: in FormatJOSE the payload is the
// presentation (typ "vp+jwt"), in FormatOB3 it is in a "vp" claim with
// iss = holder. The verifier's challenge and domain become the nonce and
// aud claims; a challenge is required, as it is what stops replay.
func SignPresentation(ctx context.Context, presentation []byte, signer proof.Signer, f Format, challenge, domain string) (string, error) {
	if signer == nil {
		return "", errors.New("vcjwt: no signer")
	}
	if challenge == "" {
		return "", errors.New("vcjwt: a presentation needs the verifier's challenge")
	}
	p, err := vc.ParsePresentation(presentation)
	if err != nil {
		return "", err
	}
	if _, ok := p.Member("proof"); ok {
		return "", errors.New("vcjwt: the presentation already has an embedded proof")
	}
	holder, _, _ := strings.Cut(signer.VerificationMethod(), "#")
	if p.Holder() != "" && p.Holder() != holder {
		return "", fmt.Errorf("%w: holder is %q, the signing key belongs to %q", ErrKey, p.Holder(), holder)
	}
	alg, err := AlgorithmFor(signer.Public())
	if err != nil {
		return "", err
	}
	var claims map[string]any
	var typ string
	switch f {
	case FormatJOSE:
		if err := json.Unmarshal(presentation, &claims); err != nil {
			return "", fmt.Errorf("vcjwt: %w", err)
		}
		if _, ok := claims["nonce"]; ok {
			return "", errors.New("vcjwt: the presentation already has a nonce member")
		}
		if _, ok := claims["aud"]; ok {
			return "", errors.New("vcjwt: the presentation already has an aud member")
		}
		typ = "vp+jwt"
	case FormatOB3:
		claims = map[string]any{"iss": holder, "vp": json.RawMessage(presentation)}
		typ = "JWT"
	default:
		return "", errors.New("vcjwt: unknown format")
	}
	claims["nonce"] = challenge
	if domain != "" {
		claims["aud"] = domain
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("vcjwt: %w", err)
	}
	return signCompact(ctx, payload, signer, alg, typ)
}

// Exchange is what the verifier asked the holder to bind a presentation
// to: the challenge (the nonce claim) and, optionally, the domain (aud).
type Exchange struct {
	Challenge string
	Domain    string
	// WithoutChallengeUnsafe accepts a presentation with no nonce, so a
	// replayed presentation passes; for test suites and archives only.
	WithoutChallengeUnsafe bool
}

// VerifyPresentation verifies a presentation token: VC-JOSE-COSE "vp+jwt"
// (the payload is the presentation, with no vc/vp claims) or the VCDM 1.1
// / OB 3.0 form (a "vp" claim). The kid must resolve to a key listed for
// authentication; the nonce claim must equal ex.Challenge (required unless
// WithoutChallengeUnsafe) and, if ex.Domain is set, aud must name it; exp
// and nbf are enforced. Embedded credentials are returned, not verified:
// verify each in turn (the root package's Verifier.VerifyPresentation does).
func VerifyPresentation(ctx context.Context, token string, opts VerifyOptions, ex Exchange) (*PresentationResult, error) {
	if opts.Resolver == nil {
		return nil, errors.New("vcjwt: no DID resolver configured")
	}
	if ex.Challenge == "" && !ex.WithoutChallengeUnsafe {
		return nil, errors.New("vcjwt: the verifier's challenge is required to verify a presentation")
	}
	token = strings.TrimSpace(token)
	h, pb, c, err := parseToken(token)
	if err != nil {
		return nil, err
	}
	f, presentation, err := presentationKind.secured(h, pb, c)
	if err != nil {
		return nil, err
	}
	res := &PresentationResult{Algorithm: h.Alg, Format: f, Presentation: presentation}
	p, err := vc.ParsePresentation(res.Presentation)
	if err != nil {
		return nil, err
	}
	iss := c.iss
	if iss == "" {
		iss = p.Holder()
	}
	vm, controller, err := checkKeyAndSignature(ctx, opts, token, h, iss, did.Authentication)
	if err != nil {
		return nil, err
	}
	res.Method, res.Controller = vm, controller
	if c.nonce != ex.Challenge && !(ex.Challenge == "" && ex.WithoutChallengeUnsafe) {
		return nil, fmt.Errorf("%w: nonce %q", proof.ErrChallengeMismatch, c.nonce)
	}
	if ex.Domain != "" && !c.audIncludes(ex.Domain) {
		return nil, fmt.Errorf("%w: aud %q", proof.ErrDomainMismatch, c.aud)
	}
	if err := checkTimes(c, opts); err != nil {
		return nil, err
	}
	return res, nil
}
