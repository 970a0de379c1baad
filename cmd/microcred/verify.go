package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/did/httpkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

const verifyUsage = `microcred verify [--now RFC3339] [--json] [--trust DID]... [--status-list URL=FILE]... [--challenge C --domain D] FILE
microcred verify --receipt FILE [--checkpoint CHAIN:BLOCKHASH[:NBITS]]... [--require-level L0..L4] [--confirmations N] FILE
microcred verify [--blockcerts-tx FILE] [--require-level L0..L2] [--trust DID] CERT.json   (MerkleProof2019)`

const verifyDetails = ``

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// offlineVerifier returns a Verifier with every suite this build knows and
// the offline DID methods.
func offlineVerifier(now time.Time, lists status.StaticFetcher, webDocs didweb.Static, keyDocs ...httpkey.Static) (*microcred.Verifier, error) {
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
	methods, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}, "jwk": didjwk.Resolver{}, "web": webDocs})
	if err != nil {
		return nil, err
	}
	resolver := methods
	if len(keyDocs) > 0 && len(keyDocs[0]) > 0 {
		resolver = methods.WithControllers(keyDocs[0])
	}
	return microcred.NewVerifier(microcred.Trusted{
		Resolver:  resolver,
		Suites:    []proof.Suite{rdfc, eddsa2022.NewJCS(), ecdsaRDFC, ecdsa2019.NewJCS(), sd, ed2020, k1},
		AcceptJWT: true,
	}, microcred.WithClock(func() time.Time { return now }), microcred.WithStatusFetcher(lists))
}

func verify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", stderr)
	nowStr := fs.String("now", "", "check validity at this time, RFC 3339 (default: now)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	var trust stringList
	fs.Var(&trust, "trust", "trusted issuer DID (repeatable); without it (or --any-issuer) issuer trust is not checked and a warning says so")
	anyIssuer := fs.Bool("any-issuer", false, "accept any issuer whose own key signed (no warning); excludes --trust")
	var lists stringList
	fs.Var(&lists, "status-list", "URL=FILE: a local copy of the status list credential at URL (repeatable)")
	var listIssuers stringList
	fs.Var(&listIssuers, "trust-status-issuer", "DID whose status lists are accepted for other issuers' credentials (repeatable)")
	ignoreStatus := fs.Bool("ignore-status-unsafe", false, "do not check revocation/suspension status")
	ignoreTypeSchema := fs.Bool("ignore-type-schema-unsafe", false, "do not check an OB 3.0 credential against its type's 1EdTech JSON Schema when it names none (schemas its credentialSchema names are still checked)")
	var requireDisclosure stringList
	fs.Var(&requireDisclosure, "require-disclosure", "MEMBER: a selectively disclosed (ecdsa-sd-2023) credential must disclose this top-level member, e.g. validFrom (repeatable; validUntil and credentialStatus are required by default)")
	var allowWithheld stringList
	fs.Var(&allowWithheld, "allow-withheld-unsafe", "MEMBER: accept a selectively disclosed credential that does not disclose validUntil, expirationDate or credentialStatus (repeatable); a withheld validUntil reads as never expiring, a withheld credentialStatus as never revoked")
	challenge := fs.String("challenge", "", "for a presentation: the challenge you sent (required to verify one)")
	domain := fs.String("domain", "", "for a presentation: your domain")
	var didDocs stringList
	fs.Var(&didDocs, "did-doc", "FILE: a local did:web DID document (repeatable); did:web is never fetched")
	var keyDocs stringList
	fs.Var(&keyDocs, "key-doc", "URL=FILE: a local copy of the https controller or key document at URL, for verification methods that are https URLs (repeatable); nothing is fetched")
	var ro receiptOptions
	ro.register(fs)
	bcProfile := fs.String("issuer-profile", "", "FILE: the Blockcerts issuer profile a MerkleProof2019 proof's verificationMethod names (nothing is fetched)")
	bcTx := fs.String("blockcerts-tx", "", "FILE: the anchor transaction's data for a MerkleProof2019 credential (remoteHash, issuingAddress, time[, rawTx])")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return usagef("verify takes one file")
	}
	if ro.path != "" && *asJSON {
		return usagef("--receipt does not go with --json yet")
	}
	if ro.path == "" && (len(ro.checkpoints) > 0 || ro.confirmations != 0) {
		return usagef("--checkpoint and --confirmations go with --receipt")
	}
	now := time.Now()
	if *nowStr != "" {
		var err error
		if now, err = time.Parse(time.RFC3339, *nowStr); err != nil {
			return usagef("--now: %v", err)
		}
	}
	input, err := readInput(fs.Arg(0))
	if err != nil {
		return err
	}
	if hasMerkleProof2019(input) {
		if len(trust) > 0 && *anyIssuer {
			return usagef("--trust and --any-issuer exclude each other")
		}
		return verifyBlockcerts(ctx, stdout, fs.Arg(0), input, blockcertsVerifyOptions{txPath: *bcTx, profilePath: *bcProfile, trust: trust, anyIssuer: *anyIssuer, receipt: &ro})
	}
	if *bcTx != "" {
		return usagef("--blockcerts-tx is for credentials with a MerkleProof2019 proof")
	}
	if ro.requireLevel != "" && ro.path == "" {
		return usagef("--require-level needs --receipt (or a MerkleProof2019 credential)")
	}
	fetcher := status.StaticFetcher{}
	for _, l := range lists {
		url, file, ok := strings.Cut(l, "=")
		if !ok || url == "" || file == "" {
			return usagef("--status-list wants URL=FILE, got %q", l)
		}
		data, err := readInput(file)
		if err != nil {
			return err
		}
		fetcher[url] = data
	}
	webDocs := didweb.Static{}
	for _, path := range didDocs {
		data, err := readInput(path)
		if err != nil {
			return err
		}
		doc, err := did.ParseDocument(data)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		webDocs[doc.ID] = data
	}
	httpDocs := httpkey.Static{}
	for _, kd := range keyDocs {
		u, file, ok := strings.Cut(kd, "=")
		if !ok || !strings.HasPrefix(u, "https://") || file == "" {
			return usagef("--key-doc wants https://URL=FILE, got %q", kd)
		}
		data, err := readInput(file)
		if err != nil {
			return err
		}
		httpDocs[u] = data
	}
	st := styleFor(stdout)
	v, err := offlineVerifier(now, fetcher, webDocs, httpDocs)
	if err != nil {
		return err
	}
	var popts []microcred.PolicyOption
	if len(trust) > 0 && *anyIssuer {
		return usagef("--trust and --any-issuer exclude each other")
	}
	warnTrust := len(trust) == 0 && !*anyIssuer
	if len(trust) > 0 {
		popts = append(popts, microcred.TrustIssuers(trust...))
	} else {
		popts = append(popts, microcred.AnyIssuerUnsafe())
	}
	if *ignoreStatus {
		popts = append(popts, microcred.IgnoreStatusUnsafe())
	}
	if *ignoreTypeSchema {
		popts = append(popts, microcred.IgnoreTypeSchemaUnsafe())
	}
	if len(listIssuers) > 0 {
		popts = append(popts, microcred.TrustStatusListIssuers(listIssuers...))
	}
	if len(requireDisclosure) > 0 {
		popts = append(popts, microcred.RequireDisclosure(requireDisclosure...))
	}
	if len(allowWithheld) > 0 {
		popts = append(popts, microcred.AllowWithheldUnsafe(allowWithheld...))
	}
	policy, err := microcred.NewPolicy(popts...)
	if err != nil {
		return usagef("%v", err)
	}
	if isPresentation(input) {
		pres, verr := v.VerifyPresentation(ctx, input, policy, microcred.PresentationOptions{Challenge: *challenge, Domain: *domain})
		if *asJSON {
			if err := writeJSONReport(stdout, fs.Arg(0), &microcred.Result{Verified: pres.Verified, Issuer: pres.Holder, Checks: pres.Checks, At: pres.At}); err != nil {
				return err
			}
		} else {
			writeReport(stdout, st, fs.Arg(0)+" (presentation)", &microcred.Result{Verified: pres.Verified, Issuer: pres.Holder, Checks: pres.Checks, At: pres.At})
			for i, c := range pres.Credentials {
				writeReport(stdout, st, fmt.Sprintf("  credential %d", i), c)
			}
		}
		if verr != nil {
			return &exitError{code: 1}
		}
		return nil
	}
	res, verr := v.Verify(ctx, input, policy)
	if *asJSON {
		if err := writeJSONReport(stdout, fs.Arg(0), res); err != nil {
			return err
		}
	} else {
		writeReport(stdout, st, fs.Arg(0), res)
		if warnTrust && res.Issuer != "" {
			fmt.Fprintf(stdout, "  "+st.warn("WARNING")+": issuer trust not checked: %s signed with its own key, but nobody said it is trusted (--trust %s, or --any-issuer)\n", res.Issuer, res.Issuer)
		}
		var we *microcred.WithheldError
		if errors.As(verr, &we) {
			var flags []string
			for _, m := range we.Members {
				if m == "validUntil" || m == "expirationDate" || m == "credentialStatus" {
					flags = append(flags, "--allow-withheld-unsafe "+m)
				}
			}
			if len(flags) > 0 {
				fmt.Fprintf(stdout, "  hint: if this issuer's credentials may lack them, %s accepts that\n", strings.Join(flags, " "))
			}
		}
	}
	if ro.path != "" {
		if err := checkReceipt(stdout, input, &ro); err != nil {
			return err
		}
	}
	if verr != nil {
		return &exitError{code: 1}
	}
	return nil
}

type jsonCheck struct {
	Check   string            `json:"check"`
	Outcome microcred.Outcome `json:"outcome"`
	Detail  string            `json:"detail,omitempty"`
	Error   string            `json:"error,omitempty"`
}

type jsonReport struct {
	File               string      `json:"file"`
	Verified           bool        `json:"verified"`
	Issuer             string      `json:"issuer,omitempty"`
	VerificationMethod string      `json:"verificationMethod,omitempty"`
	At                 string      `json:"at"`
	Checks             []jsonCheck `json:"checks"`
}

func writeJSONReport(w io.Writer, file string, res *microcred.Result) error {
	rep := jsonReport{
		File:               file,
		Verified:           res.Verified,
		Issuer:             res.Issuer,
		VerificationMethod: res.VerificationMethod,
		At:                 res.At.UTC().Format(time.RFC3339),
		Checks:             []jsonCheck{},
	}
	for _, c := range res.Checks {
		jc := jsonCheck{Check: c.Check, Outcome: c.Outcome, Detail: c.Detail}
		if c.Err != nil {
			jc.Error = c.Err.Error()
		}
		rep.Checks = append(rep.Checks, jc)
	}
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// writeTextReport writes res without color (for output that is not a
// report on a terminal, and for callers that have no style).
func writeTextReport(w io.Writer, file string, res *microcred.Result) {
	writeReport(w, style{}, file, res)
}

// writeReport writes the text report of one verification.
func writeReport(w io.Writer, st style, file string, res *microcred.Result) {
	verdict := st.bad("NOT VERIFIED")
	if res.Verified {
		verdict = st.good("VERIFIED")
	}
	fmt.Fprintf(w, "%s: %s\n", file, verdict)
	if res.Issuer != "" {
		fmt.Fprintf(w, "  issuer: %s\n", res.Issuer)
	}
	for _, c := range res.Checks {
		outcome := fmt.Sprintf("%-7s", c.Outcome)
		if c.Outcome == microcred.Failed {
			outcome = st.bad(outcome)
		}
		line := fmt.Sprintf("  %-12s %s", c.Check, outcome)
		switch {
		case c.Outcome == microcred.Passed && c.Detail != "":
			line += " " + c.Detail
		case c.Outcome == microcred.Failed && c.Err != nil:
			line += " " + strings.ReplaceAll(c.Err.Error(), "\n", "; ")
		}
		fmt.Fprintln(w, line)
	}
}

// isPresentation reports whether input is a JSON presentation.
func isPresentation(input []byte) bool {
	if trimmed := bytes.TrimSpace(input); vcjwt.IsCompactJWS(trimmed) {
		h, p, err := vcjwt.UnsafeClaimsWithoutVerification(string(trimmed))
		if err != nil {
			return false
		}
		var hdr struct {
			Typ string `json:"typ"`
		}
		var claims map[string]json.RawMessage
		_ = json.Unmarshal(h, &hdr)
		_ = json.Unmarshal(p, &claims)
		_, hasVP := claims["vp"]
		return hdr.Typ == "vp+jwt" || hdr.Typ == "vp+ld+json+jwt" || hasVP
	}
	var m struct {
		Type json.RawMessage `json:"type"`
	}
	return json.Unmarshal(input, &m) == nil && strings.Contains(string(m.Type), "VerifiablePresentation")
}
