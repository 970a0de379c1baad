package proof

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/proofinternal"
	"github.com/onchaincert/microcred/internal/strictjson"
)

const maxProofs = limits.MaxProofs

// Options are the proof options of [Sign]. The zero value signs for
// assertionMethod, created now.
type Options struct {
	// Purpose is the proof purpose; empty means AssertionMethod.
	Purpose string
	// Created is the proof's creation time; zero means now. It is written
	// in UTC with second precision.
	Created time.Time
	// Expires, if set, is when the proof stops being valid.
	Expires time.Time
	// ID, if set, identifies the proof (needed for proof chains).
	ID string
	// Challenge and Domain bind an authentication proof to one exchange.
	Challenge string
	Domain    string
	// Nonce, if set, is included in the proof.
	Nonce string
	// PreviousProof makes the new proof part of a chain: the listed
	// proofs of the document (by id) are signed over too.
	PreviousProof []string
}

// FormatDateTime writes t the way microcred writes proof and credential
// times: UTC, second precision, RFC 3339 ("2006-01-02T15:04:05Z").
func FormatDateTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// Sign adds a proof to the JSON document doc with suite and signer, and
// returns the signed document. Members of doc other than "proof" keep
// their bytes and order; an existing proof makes a proof set (or a chain,
// with Options.PreviousProof). The one exception: a Data Integrity proof
// (type DataIntegrityProof) on a document whose contexts do not define its
// terms (a VCDM 1.1 credential, say) adds the Data Integrity v2 context,
// https://w3id.org/security/data-integrity/v2, to the end of @context
// first, as VC Data Integrity 1.0 (section 2.4) says implementations
// should.
//
// The document must be safe to canonicalize: with an RDFC suite an
// undefined term or a relative IRI is an error naming its JSON Pointer.
func Sign(ctx context.Context, doc []byte, suite Suite, signer Signer, opts Options) ([]byte, error) {
	v, err := strictjson.Decode(doc, strictjson.Limits{})
	if err != nil {
		return nil, fmt.Errorf("proof: reading document: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("proof: document is not a JSON object")
	}
	return signDecoded(ctx, doc, m, suite, signer, opts)
}

func init() {
	proofinternal.SignDecoded = func(ctx context.Context, doc []byte, decoded map[string]any, suite, signer, opts any) ([]byte, error) {
		s, _ := suite.(Suite)
		k, _ := signer.(Signer)
		o, ok := opts.(Options)
		if !ok {
			return nil, fmt.Errorf("proof: options of type %T", opts)
		}
		return signDecoded(ctx, doc, decoded, s, k, o)
	}
}

// signDecoded is Sign for doc, already decoded strictly into m.
func signDecoded(ctx context.Context, doc []byte, m map[string]any, suite Suite, signer Signer, opts Options) ([]byte, error) {
	if suite == nil {
		return nil, errors.New("proof: no suite")
	}
	if signer == nil {
		return nil, errors.New("proof: no signer")
	}
	var err error
	if suite.Type() == TypeDataIntegrity {
		if doc, m, err = withDataIntegrityContext(doc, m); err != nil {
			return nil, err
		}
	}
	var existing []*Proof
	_, hasProof := m["proof"]
	if hasProof {
		if existing, err = ParseProofs(m); err != nil {
			return nil, err
		}
		if len(existing) >= maxProofs {
			return nil, fmt.Errorf("proof: document already has %d proofs", len(existing))
		}
	}
	unsecured, err := unsecuredFor(m, existing, opts.PreviousProof)
	if err != nil {
		return nil, err
	}

	options := map[string]any{
		"type":               suite.Type(),
		"verificationMethod": signer.VerificationMethod(),
		"proofPurpose":       AssertionMethod,
	}
	if cs := suite.Cryptosuite(); cs != "" {
		options["cryptosuite"] = cs
	}
	if opts.Purpose != "" {
		options["proofPurpose"] = opts.Purpose
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	options["created"] = FormatDateTime(created)
	if !opts.Expires.IsZero() {
		if !opts.Expires.After(created) {
			return nil, errors.New("proof: expires is not after created")
		}
		options["expires"] = FormatDateTime(opts.Expires)
	}
	for k, s := range map[string]string{"id": opts.ID, "challenge": opts.Challenge, "domain": opts.Domain, "nonce": opts.Nonce} {
		if s != "" {
			options[k] = s
		}
	}
	switch len(opts.PreviousProof) {
	case 0:
	case 1:
		options["previousProof"] = opts.PreviousProof[0]
	default:
		list := make([]any, len(opts.PreviousProof))
		for i, id := range opts.PreviousProof {
			list[i] = id
		}
		options["previousProof"] = list
	}

	p, err := suite.CreateProof(ctx, unsecured, options, signer)
	if err != nil {
		return nil, err
	}
	var value any = p
	if len(existing) > 0 {
		list := make([]any, 0, len(existing)+1)
		for _, e := range existing {
			list = append(list, e.raw)
		}
		value = append(list, p)
	}
	// doc passed strictjson.Decode above: splice without parsing it again.
	var out []byte
	if !hasProof {
		out, err = jsonedit.Add(doc, "proof", value)
	} else {
		out, err = jsonedit.Set(doc, "proof", value)
	}
	if err != nil {
		return nil, fmt.Errorf("proof: attaching proof: %w", err)
	}
	return out, nil
}

// unsecuredFor returns the document a proof is created or verified over:
// the document without its proofs, plus, for a proof chain, the proofs
// listed in previous (Data Integrity 1.0, sections 4.2 and 4.5).
func unsecuredFor(doc map[string]any, proofs []*Proof, previous []string) (map[string]any, error) {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			out[k] = v
		}
	}
	if len(previous) == 0 {
		return out, nil
	}
	matching := make([]any, 0, len(previous))
	for _, id := range previous {
		var found *Proof
		for _, p := range proofs {
			if p.ID == id {
				found = p
				break
			}
		}
		if found == nil {
			return nil, fmt.Errorf("%w: %q", ErrMissingPreviousProof, id)
		}
		matching = append(matching, found.raw)
	}
	out["proof"] = matching
	return out, nil
}

// Contexts that define the Data Integrity proof terms.
const (
	contextDataIntegrityV2 = "https://w3id.org/security/data-integrity/v2"
	contextDataIntegrityV1 = "https://w3id.org/security/data-integrity/v1"
	contextCredentialsV2   = "https://www.w3.org/ns/credentials/v2"
)

// withDataIntegrityContext returns doc (and its decoded m) with
// contextDataIntegrityV2 appended to a @context that lacks the Data
// Integrity terms; doc and m unchanged otherwise. m is not modified.
func withDataIntegrityContext(doc []byte, m map[string]any) ([]byte, map[string]any, error) {
	var list []any
	switch c := m["@context"].(type) {
	case string:
		list = []any{c}
	case []any:
		list = c
	default:
		return doc, m, nil // not a JSON-LD document this can amend; canonicalization says why
	}
	for _, e := range list {
		switch e {
		case contextCredentialsV2, contextDataIntegrityV2, contextDataIntegrityV1:
			return doc, m, nil
		}
	}
	ctx := append(append(make([]any, 0, len(list)+1), list...), contextDataIntegrityV2)
	out, err := jsonedit.Set(doc, "@context", ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("proof: adding the Data Integrity context: %w", err)
	}
	cp := make(map[string]any, len(m))
	for k, v := range m {
		cp[k] = v
	}
	cp["@context"] = ctx
	return out, cp, nil
}
