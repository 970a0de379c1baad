package vcapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/vcjwt"
)

// verifyOptions are the VC API verify options this service reads.
type verifyOptions struct {
	// Checks names what to check. Absent: everything the policy asks. A
	// list without "issuer" drops the issuer-trust policy; the proof
	// (with the issuer's key binding), validity and status are always
	// checked.
	Checks               []string `json:"checks"`
	Challenge            string   `json:"challenge"`
	Domain               string   `json:"domain"`
	ExpectedProofPurpose string   `json:"expectedProofPurpose"`
}

// knownChecks are the names options.checks may hold.
var knownChecks = []string{"proof", "issuer", "status", "validity", "expiration", "schema", "credentialStatus"}

func (o *verifyOptions) policy(base microcred.Policy) (microcred.Policy, *errBody) {
	if o.Checks == nil {
		return base, nil
	}
	for _, c := range o.Checks {
		if !slices.Contains(knownChecks, c) {
			return base, bad("options.checks: unknown check %q (known: %v)", c, knownChecks)
		}
	}
	if !slices.Contains(o.Checks, "proof") {
		return base, bad("options.checks: %v leaves out \"proof\": the proof is always checked", o.Checks)
	}
	p := base
	if !slices.Contains(o.Checks, "issuer") {
		var err error
		if p, err = p.WithTrust(microcred.AnyIssuerUnsafe()); err != nil {
			return base, bad("options.checks: %v", err)
		}
	}
	return p, nil
}

// verifyAnswer is the VC API verification result.
type verifyAnswer struct {
	Verified bool      `json:"verified"`
	Checks   []string  `json:"checks"`
	Warnings []string  `json:"warnings"`
	Errors   []problem `json:"errors"`
	// Issuer and Holder are what the input names (set even on failure).
	Issuer string `json:"issuer,omitempty"`
	Holder string `json:"holder,omitempty"`
	// Results are microcred's checks in the order run.
	Results []checkAnswer `json:"results"`
	// Credentials, for a presentation, are each credential's result.
	Credentials []verifyAnswer `json:"credentialResults,omitempty"`
}

type checkAnswer struct {
	Check   string `json:"check"`
	Outcome string `json:"outcome"`
	Detail  string `json:"detail,omitempty"`
	Error   string `json:"error,omitempty"`
}

func answerOf(checks []microcred.CheckResult, trustDropped bool) verifyAnswer {
	a := verifyAnswer{Checks: []string{}, Warnings: []string{}, Errors: []problem{}, Results: []checkAnswer{}}
	for _, c := range checks {
		ca := checkAnswer{Check: string(c.Check), Outcome: c.Outcome.String(), Detail: c.Detail}
		if c.Err != nil {
			ca.Error = c.Err.Error()
		}
		a.Results = append(a.Results, ca)
		switch c.Outcome {
		case microcred.Passed:
			a.Checks = append(a.Checks, string(c.Check))
		case microcred.Failed:
			a.Errors = append(a.Errors, problemOf(c))
		}
	}
	if trustDropped {
		a.Warnings = append(a.Warnings, "issuer trust not checked (options.checks leaves out \"issuer\"): the proof is the issuer's own key's, but whether to trust that issuer is the caller's decision")
	}
	return a
}

// problemOf is the problem detail of a failed check.
func problemOf(c microcred.CheckResult) problem {
	p := problem{Check: string(c.Check), Title: string(c.Check) + " check failed"}
	if c.Err != nil {
		p.Detail = c.Err.Error()
	}
	switch c.Check {
	case microcred.CheckParse:
		p.Type = typeParsing
	case microcred.CheckProof, microcred.CheckHolder:
		p.Type = typeCrypto
		switch {
		case errors.Is(c.Err, proof.ErrChallengeMismatch):
			p.Type = typeChallenge
		case errors.Is(c.Err, proof.ErrDomainMismatch):
			p.Type = typeDomain
		}
	case microcred.CheckValidity:
		p.Type = typeRange
	default:
		p.Type = typeMalformed
	}
	return p
}

// readVerifyOptions decodes body's options and refuses an
// expectedProofPurpose other than purpose, the one what (credentials or
// presentations) are verified for; false: the problem is written to w.
func readVerifyOptions(w http.ResponseWriter, body members, purpose, what string) (verifyOptions, bool) {
	var opts verifyOptions
	if wrote(w, body.decode("options", &opts)) {
		return opts, false
	}
	if opts.ExpectedProofPurpose != "" && opts.ExpectedProofPurpose != purpose {
		writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "malformed request", Detail: fmt.Sprintf("options.expectedProofPurpose %q: %s are verified for %s", opts.ExpectedProofPurpose, what, purpose)})
		return opts, false
	}
	return opts, true
}

// verifyCredential answers POST /credentials/verify.
func (h *Handler) verifyCredential(w http.ResponseWriter, r *http.Request) {
	body, eb := readBody(r, h.cfg.Limits.MaxBody, "verifiableCredential", "options")
	if wrote(w, eb) {
		return
	}
	input, eb := credentialInput(body, "verifiableCredential")
	if wrote(w, eb) {
		return
	}
	opts, ok := readVerifyOptions(w, body, proof.AssertionMethod, "credentials")
	if !ok {
		return
	}
	policy, eb := opts.policy(h.cfg.Policy)
	if wrote(w, eb) {
		return
	}
	res, err := h.verifier.Verify(r.Context(), input, policy)
	a := answerOf(res.Checks, opts.Checks != nil && !slices.Contains(opts.Checks, "issuer"))
	a.Issuer = res.Issuer
	a.Verified = err == nil
	if err != nil {
		writeJSON(w, http.StatusBadRequest, a)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// credentialInput is the bytes to verify: an object member as received,
// or the compact JWT a string member holds.
func credentialInput(body members, name string) ([]byte, *errBody) {
	v, ok := body[name]
	if !ok {
		return nil, bad("%s: missing", name)
	}
	switch v[0] {
	case '{':
		return v, nil
	case '"':
		// A string is a compact JWT (VC-JOSE-COSE, OB 3.0 VC-JWT), never a
		// JSON document in a string: the Data Integrity spec asks that a
		// secured document that is not a map be refused (PARSING_ERROR).
		var s string
		if err := json.Unmarshal(v, &s); err != nil || !vcjwt.IsCompactJWS([]byte(s)) {
			return nil, bad("%s: a string that is not a compact JWT: send the credential as a JSON object", name)
		}
		return []byte(s), nil
	}
	return nil, bad("%s: a JSON %s, want an object (or a JWT string)", name, jsonKind(v))
}

// verifyPresentation answers POST /presentations/verify.
func (h *Handler) verifyPresentation(w http.ResponseWriter, r *http.Request) {
	body, eb := readBody(r, h.cfg.Limits.MaxBody, "verifiablePresentation", "presentation", "options")
	if wrote(w, eb) {
		return
	}
	name := "verifiablePresentation"
	_, hasVP := body[name]
	if _, hasP := body["presentation"]; hasP && hasVP {
		writeProblem(w, http.StatusBadRequest, problem{Type: typeParsing, Title: "malformed request", Detail: "verifiablePresentation and presentation: give one"})
		return
	} else if !hasVP {
		name = "presentation"
	}
	input, eb := credentialInput(body, name)
	if eb != nil {
		if _, ok := body["verifiablePresentation"]; !ok {
			eb = bad("verifiablePresentation: missing")
		}
		writeProblem(w, eb.code, eb.p)
		return
	}
	opts, ok := readVerifyOptions(w, body, proof.Authentication, "presentations")
	if !ok {
		return
	}
	if opts.Challenge == "" {
		writeProblem(w, http.StatusBadRequest, problem{Type: typeChallenge, Code: codes[typeChallenge], Title: "challenge required", Detail: "options.challenge: missing (the challenge the holder was given makes the presentation fresh rather than replayed)"})
		return
	}
	policy, eb := opts.policy(h.cfg.Policy)
	if wrote(w, eb) {
		return
	}
	res, err := h.verifier.VerifyPresentation(r.Context(), input, policy, microcred.PresentationOptions{Challenge: opts.Challenge, Domain: opts.Domain})
	dropped := opts.Checks != nil && !slices.Contains(opts.Checks, "issuer")
	a := answerOf(res.Checks, dropped)
	a.Holder = res.Holder
	a.Verified = err == nil
	for _, c := range res.Credentials {
		ca := answerOf(c.Checks, dropped)
		ca.Issuer, ca.Verified = c.Issuer, c.Verified
		a.Credentials = append(a.Credentials, ca)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, a)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// deriveOptions are the VC API derive options.
type deriveOptions struct {
	SelectivePointers []string `json:"selectivePointers"`
}

// derive answers POST /credentials/derive: an ecdsa-sd-2023 derived
// credential from a base proof, revealing the selective pointers.
func (h *Handler) derive(w http.ResponseWriter, r *http.Request) {
	var opts deriveOptions
	base, ok := readObjectRequest(w, r, h.cfg.Limits.MaxBody, "verifiableCredential", &opts)
	if !ok {
		return
	}
	derived, err := h.sd.Derive(base, opts.SelectivePointers)
	if err != nil {
		writeProblem(w, http.StatusBadRequest, problem{Type: "https://w3id.org/security#PROOF_TRANSFORMATION_ERROR", Code: -18, Title: "cannot derive", Detail: err.Error()})
		return
	}
	writeVerifiable(w, http.StatusCreated, derived)
}
