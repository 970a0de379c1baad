package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/did/httpkey"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// offlineVerifier returns a Verifier with every suite this build knows and
// the offline DID methods.
func offlineVerifier(now time.Time, lists status.StaticFetcher, webDocs didweb.Static, keyDocs httpkey.Static, extra ...microcred.Option) (*microcred.Verifier, error) {
	suites, err := microcred.DefaultSuites(contexts.Default())
	if err != nil {
		return nil, err
	}
	methods, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}, "jwk": didjwk.Resolver{}, "web": webDocs})
	if err != nil {
		return nil, err
	}
	resolver := methods
	if len(keyDocs) > 0 {
		resolver = methods.WithControllers(keyDocs)
	}
	return microcred.NewVerifier(microcred.Trusted{
		Resolver:  resolver,
		Suites:    suites,
		AcceptJWT: true,
	}, append([]microcred.Option{microcred.WithClock(func() time.Time { return now }), microcred.WithStatusFetcher(lists)}, extra...)...)
}

const verifyUsage = `microcred verify (--trust ID... | --trust-file FILE... | --any-issuer) [--now RFC3339] [--json]
                 [--status-list URL=FILE]... [--did-doc FILE]... [--key-doc https://URL=FILE]... [--ob2-doc URL=FILE]... FILE...
microcred verify ... --receipt R.json [--checkpoint CHAIN:BLOCKHASH[:NBITS]]... [--floor CHAIN:NBITS]... [--require-level L0..L4] [--confirmations N] FILE
microcred verify ... --challenge C [--domain D] PRESENTATION
microcred verify ... [--issuer-profile [URL=]FILE]... [--blockcerts-tx FILE]... [--checkpoint CHAIN:BLOCKHASH]... [--require-level L0..L4] CERT.json|.png|.svg   (Blockcerts v3 and v2; a tx file with txIndex, branch, headers: L3/L4)`

var verifyDetails = fmt.Sprintf(`Verifies each FILE offline: a credential or presentation with embedded proofs (JSON), a
compact JWT, or a PNG or SVG badge with one baked in. Inputs are read up to %d bytes
(%d MiB, what bake writes at most), the credential inside up to %d; - reads standard input.

Issuer trust fails closed. A credential verifies only if its issuer is trusted: named with
--trust, listed in a --trust-file (one issuer DID or URL per line, blank lines and lines
starting with # ignored; or a JSON array of strings), or accepted by --any-issuer, which
takes any issuer whose own key signed. Without them the issuer check fails, and the report
says whether the signature holds, who signed (and the name the credential claims for
them, which nothing verifies), and the flag that would trust them.

An OB 3.0 credential is checked against its type's 1EdTech JSON Schema even when it names
none; the report says which schema.

Open Badges 2.0 badges are verified too: a JSON assertion, a signed one (compact JWS), a
file holding a hosted assertion's URL, or a PNG or SVG with one baked in. The documents
they refer to (the hosted assertion at its id, BadgeClass, Issuer, CryptographicKey,
RevocationList) are given with --ob2-doc URL=FILE; nothing is fetched. --trust takes the
issuer profile's URL; the report has the same checks.

One report per file, and a summary line for several files; --json writes one JSON object
per file, one per line, with the trust decision ("trust": trusted, untrusted, any-issuer,
or not-checked when verification stopped before the issuer check). Exit status: 0 if every
file verified, 1 if one did not, 2 for bad usage or a file that cannot be read.`,
	bake.MaxImageBytes, bake.MaxImageBytes>>20, vc.MaxCredentialBytes)

// trustMode is how verify decides issuer trust.
type trustMode int

const (
	trustNone trustMode = iota // no --trust, --trust-file or --any-issuer: no issuer is trusted
	trustList                  // --trust / --trust-file
	trustAny                   // --any-issuer
)

// Trust decisions, as the reports write them.
const (
	trustTrusted    = "trusted"
	trustUntrusted  = "untrusted"
	trustAnyIssuer  = "any-issuer"
	trustNotChecked = "not-checked"
)

// verifyEnv is what every file of one verify run is checked with: the
// verifier (its suites, resolvers, status lists and compiled schemas are
// built once and reused for every file) and the policy.
type verifyEnv struct {
	now     time.Time
	v       *microcred.Verifier
	policy  microcred.Policy
	mode    trustMode
	trusted []string
	pres    microcred.PresentationOptions
	ro      *receiptOptions
}

func verify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", stderr)
	nowStr := fs.String("now", "", "check validity at this time, RFC 3339 (default: now)")
	asJSON := fs.Bool("json", false, "write one JSON object per file, one per line, instead of the text report")
	var trust stringList
	fs.Var(&trust, "trust", "ID: trust this issuer (a DID or URL; repeatable)")
	var trustFiles stringList
	fs.Var(&trustFiles, "trust-file", "FILE: trust the issuers listed in FILE: one DID or URL per line (# comments), or a JSON array of strings (repeatable)")
	anyIssuer := fs.Bool("any-issuer", false, "accept any issuer whose own key signed, trusted or not; excludes --trust and --trust-file")
	var lists stringList
	fs.Var(&lists, "status-list", "URL=FILE: a local copy of the status list credential at URL (repeatable)")
	var listIssuers stringList
	fs.Var(&listIssuers, "trust-status-issuer", "DID whose status lists are accepted for other issuers' credentials (repeatable)")
	ignoreStatus := fs.Bool("ignore-status-unsafe", false, "do not check revocation/suspension status")
	unbound := fs.Bool("unbound-issuer-key-unsafe", false, "accept a credential whose key or anchor binds it to no issuer, e.g. a Blockcerts mocknet anchor (L0; with --any-issuer and --require-level L0)")
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
	var ob2Docs ob2DocFlags
	fs.Var(&ob2Docs, "ob2-doc", "URL=FILE: a local copy of a document an Open Badges 2.0 badge refers to (hosted assertion, BadgeClass, Issuer, CryptographicKey, RevocationList), by its URL (repeatable); nothing is fetched")
	var ro receiptOptions
	ro.register(fs)
	var bcProfiles, bcTxs stringList
	fs.Var(&bcProfiles, "issuer-profile", "FILE or URL=FILE: a Blockcerts issuer profile: the one a MerkleProof2019 proof's verificationMethod names, or a v2 certificate's badge.issuer. FILE is the profile of the id it names; URL=FILE says FILE was fetched from the http(s) URL, whose profile it then is even if its id differs (the report notes it) (repeatable; nothing is fetched)")
	fs.Var(&bcTxs, "blockcerts-tx", "FILE: a Blockcerts (MerkleProof2019 or v2) anchor transaction's data (remoteHash, issuingAddress, time[, rawTx, prevoutAmount, anchor]; repeatable, each with its anchor)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	files := fs.Args()
	if len(files) == 0 {
		return usagef("verify takes at least one file")
	}
	if ro.path != "" && len(files) != 1 {
		return usagef("--receipt is the receipt of one credential: give one file")
	}
	if ro.path == "" && ro.used() && len(bcTxs) == 0 {
		return usagef("--checkpoint, --floor, --lower-floor-unsafe and --confirmations go with --receipt (or --blockcerts-tx with block evidence)")
	}
	if *anyIssuer && (len(trust) > 0 || len(trustFiles) > 0) {
		return usagef("--any-issuer excludes --trust and --trust-file")
	}
	if _, err := ro.level(anchor.L1); err != nil {
		return err
	}
	if _, err := ro.verifyOptions(); err != nil {
		return err
	}
	now, err := timeFlag("now", *nowStr, time.Now())
	if err != nil {
		return err
	}
	var inputs []string
	inputs = append(inputs, files...)
	inputs = append(inputs, trustFiles...)
	inputs = append(inputs, ro.path)
	for _, p := range bcProfiles {
		_, file := issuerProfileArg(p)
		inputs = append(inputs, file)
	}
	inputs = append(inputs, bcTxs...)
	for _, l := range lists {
		_, file, _ := strings.Cut(l, "=")
		inputs = append(inputs, file)
	}
	for _, kd := range keyDocs {
		_, file, _ := strings.Cut(kd, "=")
		inputs = append(inputs, file)
	}
	inputs = append(inputs, ob2Docs.files()...)
	if err := stdinOnce(append(inputs, didDocs...)...); err != nil {
		return err
	}

	env := &verifyEnv{now: now, ro: &ro, pres: microcred.PresentationOptions{Challenge: *challenge, Domain: *domain}}
	var popts []microcred.PolicyOption
	var issuerTrust microcred.Trust
	for _, id := range trust {
		if err := checkIssuerID(id); err != nil {
			return usagef("--trust %q: %v", id, err)
		}
		env.trusted = append(env.trusted, id)
	}
	for _, path := range trustFiles {
		ids, err := readTrustFile(path)
		if err != nil {
			return err
		}
		env.trusted = append(env.trusted, ids...)
	}
	switch {
	case *anyIssuer:
		env.mode = trustAny
		issuerTrust = microcred.AnyIssuerUnsafe()
	case len(env.trusted) > 0:
		env.mode = trustList
		issuerTrust = microcred.TrustIssuers(env.trusted...)
	default:
		env.mode = trustNone
		issuerTrust = microcred.TrustNoIssuer()
	}
	if *unbound {
		issuerTrust = issuerTrust.UnboundKeyUnsafe()
	}
	if *ignoreStatus {
		popts = append(popts, microcred.IgnoreStatusUnsafe())
	}
	if *ignoreTypeSchema {
		popts = append(popts, microcred.IgnoreTypeSchemaUnsafe())
	}
	if len(listIssuers) > 0 {
		issuerTrust = issuerTrust.AndStatusListIssuers(listIssuers...)
	}
	if len(requireDisclosure) > 0 {
		popts = append(popts, microcred.RequireDisclosure(requireDisclosure...))
	}
	if len(allowWithheld) > 0 {
		popts = append(popts, microcred.AllowWithheldUnsafe(allowWithheld...))
	}
	if ro.requireLevel != "" && ro.path == "" {
		// Without --receipt, the level is the one a MerkleProof2019
		// anchor reaches, graded by the verifier's anchor step.
		min, _ := ro.level(anchor.L1)
		popts = append(popts, microcred.RequireAnchor(min))
	}
	if env.policy, err = microcred.NewPolicy(issuerTrust, popts...); err != nil {
		return usagef("%v", err)
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
	bc, err := blockcertsEvidence(bcTxs, bcProfiles, didDocs)
	if err != nil {
		return err
	}
	if ro.path == "" {
		// Checkpoints for the block evidence of Blockcerts transactions.
		if bc.Checkpoints, err = ro.parseCheckpoints(); err != nil {
			return err
		}
	}
	ob2Opts, err := ob2Docs.options()
	if err != nil {
		return err
	}
	if env.v, err = offlineVerifier(now, fetcher, webDocs, httpDocs, append(ob2Opts, microcred.WithBlockcerts(bc))...); err != nil {
		return err
	}

	st := styleFor(stdout)
	var verified, failed, unreadable int
	for _, file := range files {
		rep := env.verifyFile(ctx, file)
		switch {
		case rep.readErr != nil:
			unreadable++
		case rep.verified:
			verified++
		default:
			failed++
		}
		if *asJSON {
			if err := writeJSONReport(stdout, rep); err != nil {
				return err
			}
		} else {
			writeFileReport(stdout, st, rep, len(files))
		}
	}
	if len(files) > 1 && !*asJSON {
		line := fmt.Sprintf("%d files: %d verified, %d not verified", len(files), verified, failed)
		if unreadable > 0 {
			line += fmt.Sprintf(", %d unreadable", unreadable)
		}
		if failed+unreadable > 0 {
			line = st.bad(line)
		} else {
			line = st.good(line)
		}
		fmt.Fprintln(stdout, line)
	}
	switch {
	case unreadable > 0:
		return &exitError{code: 2}
	case failed > 0:
		return &exitError{code: 1}
	}
	return nil
}

// checkIssuerID accepts an issuer id: a DID, or an absolute URL. A DID URL
// with a fragment is a key, not an issuer.
func checkIssuerID(id string) error {
	if strings.HasPrefix(id, "did:") {
		if strings.ContainsAny(id, "#?/") {
			d, _, _ := strings.Cut(id, "#")
			return fmt.Errorf("an issuer is a DID, not a DID URL (did you mean %s?)", d)
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

// readTrustFile reads a --trust-file. Decision: one issuer id (a DID or
// URL) per line, surrounding space trimmed, blank lines and lines that
// start with # ignored (a # elsewhere is part of the id, and refused: an
// issuer is a DID, not a key's DID URL); or, when the first character
// that is not space is "[", a JSON array of strings. A file that lists no
// issuer is an error: it would trust nobody, and is more likely a mistake.
func readTrustFile(path string) ([]string, error) {
	data, err := readSmallFile(path, "--trust-file")
	if err != nil {
		return nil, err
	}
	type entry struct {
		id   string
		line int
	}
	var entries []entry
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		var ids []string
		if err := dec.Decode(&ids); err != nil {
			return nil, usagef("--trust-file %s: not a JSON array of strings: %v", path, err)
		}
		if dec.More() {
			return nil, usagef("--trust-file %s: data after the JSON array", path)
		}
		for _, id := range ids {
			entries = append(entries, entry{id: id})
		}
	} else {
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			entries = append(entries, entry{line, i + 1})
		}
	}
	var ids []string
	for _, e := range entries {
		if err := checkIssuerID(e.id); err != nil {
			if e.line > 0 {
				return nil, usagef("--trust-file %s line %d: %q: %v", path, e.line, e.id, err)
			}
			return nil, usagef("--trust-file %s: %q: %v", path, e.id, err)
		}
		ids = append(ids, e.id)
	}
	if len(ids) == 0 {
		return nil, usagef("--trust-file %s lists no issuer", path)
	}
	return ids, nil
}

// fileReport is the outcome of one file, for the text and JSON reports.
type fileReport struct {
	file     string
	readErr  error // the file could not be read, or its flags do not fit it: nothing was verified
	verified bool
	res      *microcred.Result // a credential's result, or (checks, holder) a presentation's
	holder   string            // for a presentation
	trust    string
	name     string // the issuer name the credential claims (not verified)
	hint     string // the flag that would trust the issuer, when the signature held
	notes    []string
	anchor   *anchorReport // --receipt's, or a MerkleProof2019 proof's own
	receipt  *anchorReport // --receipt's, for a MerkleProof2019 credential
	creds    []*fileReport // a presentation's credentials
}

// verifyFile verifies one file.
func (e *verifyEnv) verifyFile(ctx context.Context, file string) *fileReport {
	input, err := readVerifyInput(file)
	if err != nil {
		return &fileReport{file: file, readErr: err}
	}
	if isPresentation(input) {
		if e.ro.path != "" {
			// Never silently unchecked: a receipt is a credential's.
			return &fileReport{file: file, readErr: usagef("--receipt is the receipt of a credential, and %s is a presentation", file)}
		}
		pres, verr := e.v.VerifyPresentation(ctx, input, e.policy, e.pres)
		rep := &fileReport{
			file: file, verified: verr == nil, holder: pres.Holder,
			res: pres,
		}
		rep.trust = trustTrusted
		if e.mode == trustAny {
			rep.trust = trustAnyIssuer
		}
		for i, c := range pres.Credentials {
			cr := e.credentialReport(fmt.Sprintf("credential %d", i), c, nil)
			rep.creds = append(rep.creds, cr)
			if cr.trust == trustUntrusted || (cr.trust == trustNotChecked && rep.trust != trustUntrusted) {
				rep.trust = cr.trust
			}
		}
		if len(pres.Credentials) == 0 {
			rep.trust = trustNotChecked
		}
		return rep
	}
	res, verr := e.v.Verify(ctx, input, e.policy)
	rep := e.credentialReport(file, res, input)
	rep.verified = verr == nil
	if pc, _ := res.Check(microcred.CheckProof); e.ro.requireLevel != "" && e.ro.path == "" && pc.Outcome == microcred.Passed && res.Anchor == nil {
		// Nothing graded an anchor: the credential is not a Blockcerts one.
		return &fileReport{file: file, readErr: usagef("--require-level needs --receipt (or a MerkleProof2019 credential)")}
	}
	if a := res.Anchor; a != nil {
		// The anchor the verifier graded itself (a MerkleProof2019 proof's).
		ac, _ := res.Check(microcred.CheckAnchor)
		min, _ := e.ro.level(anchor.L1)
		rep.anchor = &anchorReport{level: a.Level, chain: a.Chain, noFinality: a.NoFinality, sender: a.Sender, reason: a.Reason,
			confirmations: a.Confirmations, work: a.Work, pinned: a.Pinned,
			required: true, min: min, ok: ac.Outcome == microcred.Passed, blockcerts: true}
		if ac.Outcome == microcred.Failed {
			rep.anchor.reason = ac.Err
		}
	}
	if e.ro.path != "" {
		a, err := evalReceipt(input, e.ro)
		if err != nil {
			return &fileReport{file: file, readErr: err}
		}
		if rep.anchor != nil {
			rep.receipt = a // beside the MerkleProof2019 anchor
		} else {
			rep.anchor = a
		}
		rep.verified = rep.verified && a.ok
	}
	if dc, ok := res.Check(microcred.CheckDisclosure); ok && dc.Outcome == microcred.Failed && res.Disclosure != nil {
		var flags []string
		for _, m := range res.Disclosure.Withheld {
			if m == "validUntil" || m == "expirationDate" || m == "credentialStatus" {
				flags = append(flags, "--allow-withheld-unsafe "+m)
			}
		}
		if len(flags) > 0 {
			rep.notes = append(rep.notes, "hint: if this issuer's credentials may lack them, "+strings.Join(flags, " ")+" accepts that")
		}
	}
	return rep
}

// credentialReport makes the report of one credential's result; input
// (nil inside a presentation) is where the claimed issuer name is read
// from when the result holds no credential.
func (e *verifyEnv) credentialReport(file string, res *microcred.Result, input []byte) *fileReport {
	rep := &fileReport{file: file, res: res, verified: res.Verified}
	if res.Credential != nil {
		rep.name = res.Credential.Issuer().Name()
	} else if res.OB2 != nil {
		rep.name = res.OB2.Issuer.Name
	} else if input != nil {
		rep.name = unsafeClaimedIssuerName(input)
	}
	ic, ran := res.Check(microcred.CheckIssuer)
	switch {
	case e.mode == trustAny:
		rep.trust = trustAnyIssuer
	case ran && ic.Outcome == microcred.Passed:
		rep.trust = trustTrusted
	case ran && ic.Outcome == microcred.Failed:
		rep.trust = trustUntrusted
		// The key was the issuer's own: only trust is missing.
		if pc, _ := res.Check(microcred.CheckProof); pc.Outcome == microcred.Passed && errors.Is(ic.Err, microcred.ErrUntrustedIssuer) && res.Issuer != "" {
			rep.hint = "--trust " + res.Issuer
		}
	default:
		rep.trust = trustNotChecked
	}
	return rep
}

// unsafeClaimedIssuerName reads the issuer name from input (JSON, a JWT,
// or a baked image) without verifying anything: for the report of a
// credential that did not verify, marked there as an unverified claim.
func unsafeClaimedIssuerName(input []byte) string {
	if k := bake.Detect(input); k == bake.PNG || k == bake.SVG {
		p, err := bake.Extract(input)
		if err != nil {
			return ""
		}
		input = p.Data
	}
	if t := bytes.TrimSpace(input); vcjwt.IsCompactJWS(t) {
		c, _, err := vcjwt.UnsafeCredentialWithoutVerification(string(t))
		if err != nil {
			return ""
		}
		input = c
	}
	c, err := vc.ParseCredential(input)
	if err != nil {
		return ""
	}
	return c.Issuer().Name()
}

// writeFileReport writes the text report of one file.
func writeFileReport(w io.Writer, st style, rep *fileReport, files int) {
	if rep.readErr != nil {
		fmt.Fprintf(w, "%s: %s\n  error: %v\n", rep.file, st.bad("NOT VERIFIED"), rep.readErr)
		return
	}
	if rep.creds != nil || rep.holder != "" {
		writeSection(w, st, rep.file+" (presentation)", rep, "holder")
		for _, c := range rep.creds {
			writeSection(w, st, "  "+c.file, c, "issuer")
		}
		return
	}
	writeSection(w, st, rep.file, rep, "issuer")
}

// writeSection writes a verdict line, who signed, each check, the anchor,
// and the trust decision.
func writeSection(w io.Writer, st style, title string, rep *fileReport, who string) {
	verdict := st.bad("NOT VERIFIED")
	if rep.verified {
		verdict = st.good("VERIFIED")
	}
	fmt.Fprintf(w, "%s: %s\n", title, verdict)
	id := rep.res.Issuer
	if who == "holder" {
		id = rep.holder
	}
	if id != "" {
		fmt.Fprintf(w, "  %s: %s\n", who, id)
	}
	if rep.name != "" {
		// %q: the name is the credential's text, shown as data. Only a
		// trusted issuer's word for its own name is worth more than that.
		if rep.trust == trustTrusted && rep.verified {
			fmt.Fprintf(w, "  issuer name: %q\n", rep.name)
		} else {
			fmt.Fprintf(w, "  issuer name: %q (as the credential claims it; not verified)\n", rep.name)
		}
	}
	writeChecks(w, st, rep.res.Checks)
	for _, a := range []*anchorReport{rep.anchor, rep.receipt} {
		if a != nil {
			writeAnchor(w, a)
		}
	}
	for _, n := range rep.notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	if who == "issuer" {
		writeTrust(w, st, rep)
	}
}

func writeChecks(w io.Writer, st style, checks []microcred.CheckResult) {
	for _, c := range checks {
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
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

// writeTrust says whom the verdict trusted, and for an untrusted issuer
// whose own key signed, how to trust them.
func writeTrust(w io.Writer, st style, rep *fileReport) {
	issuer := rep.res.Issuer
	switch rep.trust {
	case trustTrusted:
		fmt.Fprintf(w, "  trust: %s is a trusted issuer\n", issuer)
	case trustAnyIssuer:
		fmt.Fprintf(w, "  trust: %s (--any-issuer): not checked against a list of trusted issuers\n", st.warn("any issuer"))
	case trustUntrusted:
		if rep.hint == "" {
			fmt.Fprintf(w, "  trust: %s: the key that signed is not shown to be %s's\n", st.bad("untrusted"), orUnknown(issuer))
			return
		}
		fmt.Fprintf(w, "  trust: %s: the signature is valid and made with the issuer's own key, but the issuer is not one you trust\n", st.bad("untrusted"))
		fmt.Fprintf(w, "  to trust it: %s (or list it in a --trust-file; --any-issuer accepts any issuer)\n", rep.hint)
	default:
		fmt.Fprintf(w, "  trust: not checked: verification stopped before the issuer check\n")
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "the issuer"
	}
	return s
}

type jsonCheck struct {
	Check   string            `json:"check"`
	Outcome microcred.Outcome `json:"outcome"`
	Detail  string            `json:"detail,omitempty"`
	Error   string            `json:"error,omitempty"`
}

type jsonAnchor struct {
	Level         string `json:"level,omitempty"`
	Chain         string `json:"chain,omitempty"`
	NoFinality    bool   `json:"noFinality"`
	Confirmations int    `json:"confirmations"`
	Sender        string `json:"sender,omitempty"`
	// Work is the block headers' proof of work in expected hashes, in
	// decimal; Pinned whether a trusted checkpoint fixes them.
	Work          string   `json:"work,omitempty"`
	Pinned        bool     `json:"pinned,omitempty"`
	Warnings      []string `json:"warnings,omitempty"`
	Stopped       string   `json:"stopped,omitempty"`
	RequiredLevel string   `json:"requiredLevel,omitempty"`
	// Enough is whether the level reached is the required one or more.
	Enough bool   `json:"enough"`
	Error  string `json:"error,omitempty"`
}

type jsonReport struct {
	File     string `json:"file"`
	Verified bool   `json:"verified"`
	// Trust is the trust decision: trusted, untrusted, any-issuer or
	// not-checked.
	Trust  string `json:"trust,omitempty"`
	Issuer string `json:"issuer,omitempty"`
	// ClaimedIssuerName is the issuer name the credential states; nothing
	// verifies it.
	ClaimedIssuerName string `json:"claimedIssuerName,omitempty"`
	// TrustHint is the flag that would trust the issuer, when the
	// signature is valid and only trust is missing.
	TrustHint          string        `json:"trustHint,omitempty"`
	Holder             string        `json:"holder,omitempty"`
	VerificationMethod string        `json:"verificationMethod,omitempty"`
	At                 string        `json:"at,omitempty"`
	Checks             []jsonCheck   `json:"checks"`
	Anchor             *jsonAnchor   `json:"anchor,omitempty"`
	Receipt            *jsonAnchor   `json:"receipt,omitempty"`
	Notes              []string      `json:"notes,omitempty"`
	Credentials        []*jsonReport `json:"credentials,omitempty"`
	Error              string        `json:"error,omitempty"`
}

func toJSON(rep *fileReport) *jsonReport {
	j := &jsonReport{File: rep.file, Verified: rep.verified, Checks: []jsonCheck{}}
	if rep.readErr != nil {
		j.Error = rep.readErr.Error()
		return j
	}
	res := rep.res
	j.Trust, j.ClaimedIssuerName, j.TrustHint, j.Holder, j.Notes = rep.trust, rep.name, rep.hint, rep.holder, rep.notes
	if rep.holder == "" {
		j.Issuer = res.Issuer
	}
	j.VerificationMethod = res.VerificationMethod
	if !res.At.IsZero() {
		j.At = res.At.UTC().Format(time.RFC3339)
	}
	for _, c := range res.Checks {
		jc := jsonCheck{Check: string(c.Check), Outcome: c.Outcome, Detail: c.Detail}
		if c.Err != nil {
			jc.Error = c.Err.Error()
		}
		j.Checks = append(j.Checks, jc)
	}
	if a := rep.anchor; a != nil {
		j.Anchor = toJSONAnchor(a)
	}
	if a := rep.receipt; a != nil {
		j.Receipt = toJSONAnchor(a)
	}
	for _, c := range rep.creds {
		j.Credentials = append(j.Credentials, toJSON(c))
	}
	return j
}

func toJSONAnchor(a *anchorReport) *jsonAnchor {
	ja := &jsonAnchor{NoFinality: a.noFinality, Confirmations: a.confirmations, Sender: a.sender, Chain: string(a.chain), Enough: a.ok}
	if a.err == nil {
		ja.Level = a.level.String()
	} else {
		ja.Error = a.err.Error()
	}
	if a.reason != nil {
		ja.Stopped = a.reason.Error()
	}
	if a.work != nil {
		ja.Work = a.work.String()
	}
	ja.Pinned, ja.Warnings = a.pinned, a.warnings()
	if a.required {
		ja.RequiredLevel = a.min.String()
	}
	return ja
}

// writeJSONReport writes one file's report as one line of JSON.
func writeJSONReport(w io.Writer, rep *fileReport) error {
	data, err := json.Marshal(toJSON(rep))
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// writeTextReport writes res without color, for callers outside verify.
func writeTextReport(w io.Writer, file string, res *microcred.Result) {
	writeReport(w, style{}, file, res)
}

// writeReport writes a verdict, the issuer and each check of res.
func writeReport(w io.Writer, st style, file string, res *microcred.Result) {
	verdict := st.bad("NOT VERIFIED")
	if res.Verified {
		verdict = st.good("VERIFIED")
	}
	fmt.Fprintf(w, "%s: %s\n", file, verdict)
	if res.Issuer != "" {
		fmt.Fprintf(w, "  issuer: %s\n", res.Issuer)
	}
	writeChecks(w, st, res.Checks)
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
