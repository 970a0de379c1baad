// Package report is what the browser verifier runs: it turns what the
// user dropped on the page (a credential, a trust list, status lists,
// receipts, DID documents) into one call of [microcred.Verifier.Verify]
// and a report the page shows. It is plain Go, built for the browser by
// web/wasm and tested natively; it does no verification of its own.
//
// # Offline use
//
// Nothing here fetches: status lists, receipts and did:web documents come
// only from the files the user dropped, and contexts from the embedded
// loader.
package report

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

// File is one file the user gave the page.
type File struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// Request is one verification the page asks for.
type Request struct {
	// Input is the credential: JSON, a compact JWT, or a baked PNG or SVG.
	Input []byte
	// Extras are the files dropped beside it: status list credentials
	// (used for the URL their id names), anchor receipts and did:web DID
	// documents. A file that is none of these is reported as ignored.
	Extras []File
	// TrustList is the user's list of trusted issuers (one DID or URL a
	// line, # comments, or a JSON array of strings), or nil: then no
	// issuer is trusted and the report says whether only trust is missing.
	TrustList []byte
	// AnyIssuerUnsafe accepts any issuer whose own key signed.
	AnyIssuerUnsafe bool
	// Now is the time validity is checked at, RFC 3339; empty: the
	// browser's clock.
	Now string
}

// Check is one step of the report.
type Check struct {
	Check   string            `json:"check"`
	Outcome microcred.Outcome `json:"outcome"`
	Detail  string            `json:"detail,omitempty"`
	Error   string            `json:"error,omitempty"`
}

// Anchor is what a receipt established.
type Anchor struct {
	Level         string `json:"level"`
	Chain         string `json:"chain,omitempty"`
	NoFinality    bool   `json:"noFinality"`
	Confirmations int    `json:"confirmations"`
	Sender        string `json:"sender,omitempty"`
	Stopped       string `json:"stopped,omitempty"`
}

// Trust decisions, as the CLI's verify --json writes them.
const (
	Trusted    = "trusted"
	Untrusted  = "untrusted"
	AnyIssuer  = "any-issuer"
	NotChecked = "not-checked"
)

// Report is what the page shows.
type Report struct {
	Verified bool `json:"verified"`
	// Format is what the input was: png, svg, jwt or json.
	Format string `json:"format,omitempty"`
	// Trust is Trusted, Untrusted, AnyIssuer or NotChecked.
	Trust string `json:"trust"`
	// OnlyTrustMissing: the signature is valid and made with the issuer's
	// own key; the issuer is just not on the user's list.
	OnlyTrustMissing bool   `json:"onlyTrustMissing"`
	TrustedCount     int    `json:"trustedCount"`
	Issuer           string `json:"issuer,omitempty"`
	// ClaimedIssuerName is the issuer name the credential states; nothing
	// verifies a name.
	ClaimedIssuerName  string  `json:"claimedIssuerName,omitempty"`
	VerificationMethod string  `json:"verificationMethod,omitempty"`
	At                 string  `json:"at,omitempty"`
	Checks             []Check `json:"checks"`
	Anchor             *Anchor `json:"anchor,omitempty"`
	// Credential is the verified credential's JSON (for a JWT, its
	// credential claims); nil unless Verified.
	Credential json.RawMessage `json:"credential,omitempty"`
	// UnverifiedCredential is the credential as read from the input
	// without verification, for display when it did not verify.
	UnverifiedCredential json.RawMessage `json:"unverifiedCredential,omitempty"`
	// Used and Ignored say what became of each extra file.
	Used    []string `json:"used,omitempty"`
	Ignored []string `json:"ignored,omitempty"`
	// Error is set when the request itself is unusable (a bad trust list
	// or time); then nothing was verified.
	Error string `json:"error,omitempty"`
}

// Verify verifies req.Input with the page's verifier and the files the
// user gave. It always returns a report.
func Verify(ctx context.Context, req Request) *Report {
	rep := &Report{Trust: NotChecked, Checks: []Check{}}
	now := time.Now()
	if req.Now != "" {
		t, err := time.Parse(time.RFC3339, req.Now)
		if err != nil {
			rep.Error = fmt.Sprintf("report: time %q: want RFC 3339, e.g. 2026-01-01T00:00:00Z", req.Now)
			return rep
		}
		now = t
	}
	var trust microcred.Trust
	switch {
	case req.AnyIssuerUnsafe:
		trust = microcred.AnyIssuerUnsafe()
	case req.TrustList != nil:
		ids, err := ParseTrustList(req.TrustList)
		if err != nil {
			rep.Error = err.Error()
			return rep
		}
		rep.TrustedCount = len(ids)
		trust = microcred.TrustIssuers(ids...)
	default:
		trust = microcred.TrustNoIssuer()
	}
	policy, err := microcred.NewPolicy(trust)
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	lists := status.StaticFetcher{}
	webDocs := didweb.Static{}
	receipts := anchor.Receipts{}
	for _, f := range req.Extras {
		rep.classify(f, lists, webDocs, receipts)
	}
	v, err := newVerifier(now, lists, webDocs, receipts)
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	rep.Format = format(req.Input)
	res, verr := v.Verify(ctx, req.Input, policy)
	rep.Verified = verr == nil && res.Verified
	rep.Issuer, rep.VerificationMethod = res.Issuer, res.VerificationMethod
	if !res.At.IsZero() {
		rep.At = res.At.UTC().Format(time.RFC3339)
	}
	for _, c := range res.Checks {
		rc := Check{Check: string(c.Check), Outcome: c.Outcome, Detail: c.Detail}
		if c.Err != nil {
			rc.Error = c.Err.Error()
		}
		rep.Checks = append(rep.Checks, rc)
	}
	if a := res.Anchor; a != nil {
		ra := &Anchor{Level: a.Level.String(), NoFinality: a.NoFinality, Confirmations: a.Confirmations, Sender: a.Sender}
		if a.Level >= anchor.L1 {
			ra.Chain = string(a.Chain)
		}
		if a.Reason != nil {
			ra.Stopped = a.Reason.Error()
		}
		rep.Anchor = ra
	}
	ic, ran := res.Check(microcred.CheckIssuer)
	switch {
	case req.AnyIssuerUnsafe:
		rep.Trust = AnyIssuer
	case ran && ic.Outcome == microcred.Passed:
		rep.Trust = Trusted
	case ran && ic.Outcome == microcred.Failed:
		rep.Trust = Untrusted
		pc, _ := res.Check(microcred.CheckProof)
		rep.OnlyTrustMissing = pc.Outcome == microcred.Passed && errors.Is(ic.Err, microcred.ErrUntrustedIssuer) && res.Issuer != ""
	}
	if res.Credential != nil {
		rep.Credential = res.Credential.Bytes()
		rep.ClaimedIssuerName = res.Credential.Issuer().Name()
	} else if raw := unsafeCredential(req.Input); raw != nil {
		// Shown only if the strict parser takes it (size, depth and
		// duplicate-key limits), so the page never renders what the
		// verifier could not read.
		if c, err := vc.ParseCredential(raw); err == nil {
			rep.UnverifiedCredential = raw
			rep.ClaimedIssuerName = c.Issuer().Name()
		}
	}
	return rep
}

// classify puts one extra file where the verifier will look for it.
func (rep *Report) classify(f File, lists status.StaticFetcher, webDocs didweb.Static, receipts anchor.Receipts) {
	data := bytes.TrimSpace(f.Data)
	if rc, err := anchor.ParseReceipt(data); err == nil {
		receipts.Add(rc)
		rep.Used = append(rep.Used, fmt.Sprintf("%s: anchor receipt for leaf %s", f.Name, hex.EncodeToString(rc.Leaf)))
		return
	}
	if c, err := vc.ParseCredential(data); err == nil {
		if c.HasType("BitstringStatusListCredential") || c.HasType("StatusList2021Credential") {
			if c.ID() == "" {
				rep.Ignored = append(rep.Ignored, f.Name+": a status list credential without an id")
				return
			}
			lists[c.ID()] = data
			rep.Used = append(rep.Used, fmt.Sprintf("%s: status list %s", f.Name, c.ID()))
			return
		}
		rep.Ignored = append(rep.Ignored, f.Name+": a credential, not a status list (drop one credential at a time)")
		return
	}
	if doc, err := did.ParseDocument(data); err == nil && strings.HasPrefix(doc.ID, "did:web:") {
		webDocs[doc.ID] = data
		rep.Used = append(rep.Used, fmt.Sprintf("%s: DID document of %s", f.Name, doc.ID))
		return
	}
	rep.Ignored = append(rep.Ignored, f.Name+": not a status list credential, anchor receipt or did:web DID document")
}

// newVerifier is the page's verifier: every suite the CLI verifies, the
// offline DID methods (did:web only from dropped documents), JWTs, and
// the dropped status lists and receipts.
func newVerifier(now time.Time, lists status.StaticFetcher, webDocs didweb.Static, receipts anchor.Receipts) (*microcred.Verifier, error) {
	suites, err := Suites()
	if err != nil {
		return nil, err
	}
	methods, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}, "jwk": didjwk.Resolver{}, "web": webDocs})
	if err != nil {
		return nil, err
	}
	opts := []microcred.Option{microcred.WithClock(func() time.Time { return now }), microcred.WithStatusFetcher(lists)}
	if len(receipts) > 0 {
		opts = append(opts, microcred.WithReceipts(receipts))
	}
	return microcred.NewVerifier(microcred.Trusted{Resolver: methods, Suites: suites, AcceptJWT: true}, opts...)
}

// Suites is every proof suite the page verifies: the ones `microcred
// verify` does.
func Suites() ([]proof.Suite, error) {
	rdfc, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		return nil, err
	}
	ecdsaRDFC, err := ecdsa2019.NewRDFC(contexts.Default())
	if err != nil {
		return nil, err
	}
	ed2020, err := legacy.NewEd25519Signature2020(contexts.Default())
	if err != nil {
		return nil, err
	}
	k1, err := legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	if err != nil {
		return nil, err
	}
	sd, err := ecdsasd2023.New(contexts.Default())
	if err != nil {
		return nil, err
	}
	return []proof.Suite{rdfc, eddsa2022.NewJCS(), ecdsaRDFC, ecdsa2019.NewJCS(), sd, ed2020, k1}, nil
}

// ParseTrustList reads a trust list as `microcred verify --trust-file`
// does: one issuer DID or absolute URL a line (blank lines and lines
// starting with # ignored), or a JSON array of strings. A list naming no
// issuer, or an entry that is a DID URL, is an error.
func ParseTrustList(data []byte) ([]string, error) {
	var entries []string
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		if err := dec.Decode(&entries); err != nil {
			return nil, fmt.Errorf("report: trust list: not a JSON array of strings: %v", err)
		}
		if dec.More() {
			return nil, errors.New("report: trust list: data after the JSON array")
		}
	} else {
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line != "" && !strings.HasPrefix(line, "#") {
				entries = append(entries, line)
			}
		}
	}
	for _, id := range entries {
		if err := checkIssuerID(id); err != nil {
			return nil, fmt.Errorf("report: trust list: %q: %v", id, err)
		}
	}
	if len(entries) == 0 {
		return nil, errors.New("report: trust list: it lists no issuer")
	}
	return entries, nil
}

func checkIssuerID(id string) error {
	if strings.HasPrefix(id, "did:") {
		if strings.ContainsAny(id, "#?/") {
			return errors.New("an issuer is a DID, not a DID URL")
		}
		_, err := did.Parse(id)
		return err
	}
	u, err := url.Parse(id)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") || strings.ContainsAny(id, " \t") {
		return errors.New("not a DID or an absolute URL")
	}
	return nil
}

func format(input []byte) string {
	switch bake.Detect(input) {
	case bake.PNG:
		return "png"
	case bake.SVG:
		return "svg"
	}
	if vcjwt.IsCompactJWS(bytes.TrimSpace(input)) {
		return "jwt"
	}
	return "json"
}

// unsafeCredential reads the credential out of input without verifying
// anything, for showing what did not verify (marked so on the page).
func unsafeCredential(input []byte) json.RawMessage {
	if k := bake.Detect(input); k == bake.PNG || k == bake.SVG {
		p, err := bake.Extract(input)
		if err != nil {
			return nil
		}
		input = p.Data
	}
	if t := bytes.TrimSpace(input); vcjwt.IsCompactJWS(t) {
		c, _, err := vcjwt.UnsafeCredentialWithoutVerification(string(t))
		if err != nil {
			return nil
		}
		input = c
	}
	if !json.Valid(input) {
		return nil
	}
	return json.RawMessage(bytes.Clone(input))
}

// Kinds of file, as [Kind] names them.
const (
	KindCredential = "credential"
	KindStatusList = "status-list"
	KindReceipt    = "receipt"
	KindDIDDoc     = "did-document"
	KindUnknown    = "unknown"
)

// Kind says what a dropped file is, so that the page can tell the
// credential from the files dropped beside it: a baked image, a JWT or
// a credential that is not a status list is the credential. It decides
// nothing about validity.
func Kind(data []byte) string {
	switch format(data) {
	case "png", "svg", "jwt":
		return KindCredential
	}
	t := bytes.TrimSpace(data)
	if _, err := anchor.ParseReceipt(t); err == nil {
		return KindReceipt
	}
	if c, err := vc.ParseCredential(t); err == nil {
		if c.HasType("BitstringStatusListCredential") || c.HasType("StatusList2021Credential") {
			return KindStatusList
		}
		return KindCredential
	}
	if doc, err := did.ParseDocument(t); err == nil && strings.HasPrefix(doc.ID, "did:web:") {
		return KindDIDDoc
	}
	if json.Valid(t) {
		// A JSON file the parser refuses is still what the user meant to
		// verify: Verify says why it fails.
		return KindCredential
	}
	return KindUnknown
}
