package proof

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// DefaultClockSkew is how far in the future a proof's created time may be
// before verification refuses it.
const DefaultClockSkew = 5 * time.Minute

// VerifyOptions are the trust inputs and expectations of [Verify]. Suites
// and Resolver are required: missing trust material is an error, never an
// accept.
type VerifyOptions struct {
	// Suites are the cryptosuites accepted. A proof of any other type or
	// cryptosuite fails with an *UnexpectedCryptosuiteError.
	Suites []Suite
	// Resolver resolves the DID of each proof's verification method.
	Resolver did.Resolver
	// Purpose is the proof purpose required; empty means AssertionMethod.
	Purpose string
	// Challenge and Domain, if set, must equal the proof's. For the
	// authentication purpose a Challenge is required.
	Challenge string
	Domain    string
	// Now is the time to check created/expires against; zero means now.
	Now time.Time
	// ClockSkew tolerates a created time this far in the future; zero
	// means DefaultClockSkew. Negative is an error.
	ClockSkew time.Duration
}

// ProofResult is the outcome for one proof of the document.
type ProofResult struct {
	// Index is the proof's position in the document's proof list.
	Index int
	Proof *Proof
	// Method is the resolved verification method (nil if resolution
	// failed or was not reached).
	Method *did.VerificationMethod
	// Controller is the DID document id that authorizes Method.
	Controller string
	// Suite is the configured suite the proof was checked with (nil if
	// none fits it). Its Cryptosuite differs from Proof.Cryptosuite when
	// the proof carries a legacy name of it (see [LegacyNamer]).
	Suite Suite
	// Err is nil iff the proof verified.
	Err error
}

// Result reports every proof of a verified or rejected document.
type Result struct {
	Proofs []ProofResult
}

// Verified returns the first proof that verified, or nil.
func (r *Result) Verified() *ProofResult {
	if r == nil {
		return nil
	}
	for i := range r.Proofs {
		if r.Proofs[i].Err == nil {
			return &r.Proofs[i]
		}
	}
	return nil
}

// Verify checks the proofs of the JSON document doc, exactly as received.
// It returns a Result listing every proof and a nil error iff at least one
// proof verified: signature, suite, purpose, key authorization in the
// controller's DID document, and time bounds. Otherwise the error wraps
// ErrNoVerifiedProof and each proof's error (errors.Is works on them, e.g.
// ErrInvalidSignature).
func Verify(ctx context.Context, doc []byte, opts VerifyOptions) (*Result, error) {
	v, err := strictjson.Decode(doc, strictjson.Limits{})
	if err != nil {
		return &Result{}, fmt.Errorf("proof: reading document: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return &Result{}, errors.New("proof: document is not a JSON object")
	}
	return VerifyDocument(ctx, m, opts)
}

// VerifyDocument is [Verify] over a document already decoded (with
// strict JSON rules) from the received bytes. It does not modify doc.
func VerifyDocument(ctx context.Context, doc map[string]any, opts VerifyOptions) (*Result, error) {
	res := &Result{}
	if len(opts.Suites) == 0 {
		return res, errors.New("proof: no cryptosuites configured")
	}
	if opts.Resolver == nil {
		return res, errors.New("proof: no DID resolver configured")
	}
	if opts.ClockSkew < 0 {
		return res, errors.New("proof: negative clock skew")
	}
	purpose := opts.Purpose
	if purpose == "" {
		purpose = AssertionMethod
	}
	if purpose == Authentication && opts.Challenge == "" {
		return res, errors.New("proof: verifying an authentication proof needs the expected challenge")
	}
	proofs, err := ParseProofs(doc)
	if err != nil {
		return res, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	skew := opts.ClockSkew
	if skew == 0 {
		skew = DefaultClockSkew
	}
	errs := []error{ErrNoVerifiedProof}
	var broken error
	for i, p := range proofs {
		pr := ProofResult{Index: i, Proof: p}
		pr.Err = verifyOne(ctx, doc, proofs, &pr, purpose, now, skew, opts)
		if pr.Err != nil {
			pr.Err = fmt.Errorf("proof %d: %w", i, pr.Err)
			errs = append(errs, pr.Err)
			if broken == nil && errors.Is(pr.Err, ErrMissingPreviousProof) {
				broken = pr.Err
			}
		}
		res.Proofs = append(res.Proofs, pr)
	}
	// From spec (DI 1.0, 4.5 Verify Proof Sets and Chains): a proof whose
	// previousProof names no proof of the set is an error of the document,
	// not only of that proof: the chain it claims is broken, so no other
	// proof of the set is taken instead of it.
	if broken != nil {
		for i := range res.Proofs {
			if res.Proofs[i].Err == nil {
				res.Proofs[i].Err = fmt.Errorf("proof %d: %w (the set's chain is broken: %w)", i, ErrNoVerifiedProof, broken)
			}
		}
		return res, errors.Join(ErrNoVerifiedProof, broken)
	}
	if res.Verified() == nil {
		return res, errors.Join(errs...)
	}
	return res, nil
}

// suiteFor returns the first suite of the proof's type whose cryptosuite
// is the proof's, or else the first that gives the proof's cryptosuite as
// a legacy name of its own; nil if none does.
func suiteFor(suites []Suite, p *Proof) Suite {
	for _, s := range suites {
		if s.Type() == p.Type && s.Cryptosuite() == p.Cryptosuite {
			return s
		}
	}
	for _, s := range suites {
		if ln, ok := s.(LegacyNamer); ok && s.Type() == p.Type && p.Cryptosuite != "" && slices.Contains(ln.LegacyCryptosuites(), p.Cryptosuite) {
			return s
		}
	}
	return nil
}

func verifyOne(ctx context.Context, doc map[string]any, all []*Proof, pr *ProofResult, purpose string, now time.Time, skew time.Duration, opts VerifyOptions) error {
	p := pr.Proof
	// The proof's type and cryptosuite must be one the verifier accepts.
	suite := suiteFor(opts.Suites, p)
	if suite == nil {
		return &UnexpectedCryptosuiteError{Type: p.Type, Got: p.Cryptosuite}
	}
	pr.Suite = suite
	// The signature is in proofValue, or (legacy JWS proof types such as
	// EcdsaSecp256k1Signature2019) in jws, which the suite checks.
	if _, jws := p.raw["jws"].(string); p.ProofValue == "" && !jws {
		return &FieldError{Field: "proofValue", Err: errors.New("missing")}
	}
	// From spec (DI 1.0, 4.3 step 6): the proof purpose must match the
	// expected one.
	if p.ProofPurpose != purpose {
		return fmt.Errorf("%w: proof is for %q, verifier expects %q", ErrPurposeMismatch, p.ProofPurpose, purpose)
	}
	if opts.Challenge != "" && p.Challenge != opts.Challenge {
		return fmt.Errorf("%w: got %q", ErrChallengeMismatch, p.Challenge)
	}
	if opts.Domain != "" && p.Domain != opts.Domain {
		return fmt.Errorf("%w: got %q", ErrDomainMismatch, p.Domain)
	}
	if t, ok, _ := p.ExpiresTime(); ok && now.After(t) {
		return fmt.Errorf("%w: expired at %s", ErrProofExpired, p.Expires)
	}
	if t, ok, _ := p.CreatedTime(); ok && t.After(now.Add(skew)) {
		return fmt.Errorf("%w: created %s", ErrCreatedInFuture, p.Created)
	}
	// The verification method must be listed under the purpose in its
	// controller's DID document.
	vm, controller, err := did.ResolveVerificationMethod(ctx, opts.Resolver, p.VerificationMethod, did.Relationship(purpose))
	if err != nil {
		if errors.Is(err, did.ErrNotAuthorized) {
			return fmt.Errorf("%w: %w", ErrPurposeMismatch, err)
		}
		return fmt.Errorf("resolving verification method %q: %w", p.VerificationMethod, err)
	}
	pr.Method = vm
	pr.Controller = controller.ID
	key, err := vm.PublicKey()
	if err != nil {
		return fmt.Errorf("reading key of %q: %w", vm.ID, err)
	}
	unsecured, err := unsecuredFor(doc, all, p.PreviousProof)
	if err != nil {
		return err
	}
	return suite.VerifyProof(unsecured, p.raw, key)
}
