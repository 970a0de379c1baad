package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/status"
)

const statusUsage = `usage:
  microcred status revoke (--credential ID | --learner X [--batch B] [--all]) (--key FILE | --config FILE [--issuer NAME])
                   [--store FILE|postgres://...] [--out FILE]
  microcred status suspend ...   (the same flags; needs a suspension list)
  microcred status clear ...     (the same flags: lifts a suspension; a revocation is final)
  microcred status create --key FILE --url URL [--purpose revocation|suspension|message] [--entries N] [--status-size BITS] [--valid-until RFC3339] --out FILE
  microcred status set --key FILE --list FILE --index I [--value V | --clear] --out FILE
  microcred status check --list FILE --index I [--status-size BITS] [--now RFC3339]`

func statusCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("%s", statusUsage)
	}
	switch args[0] {
	case "create":
		return statusCreate(ctx, args[1:], stdout, stderr)
	case "set":
		return statusSet(ctx, args[1:], stdout, stderr)
	case "check":
		return statusCheck(ctx, args[1:], stdout, stderr)
	case "revoke", "suspend", "clear":
		return statusChange(ctx, args[0], args[1:], stdout, stderr)
	}
	return usagef("unknown status command %q\n%s", args[0], statusUsage)
}

// signList signs an unsigned list credential with key, dated now.
func signList(ctx context.Context, key signingKey, unsigned []byte, now time.Time) ([]byte, error) {
	issuer, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return now }))
	if err != nil {
		return nil, err
	}
	return issuer.Issue(ctx, unsigned)
}

// signListTo signs the status list credential unsigned as of now and
// writes it to path.
func signListTo(ctx context.Context, key signingKey, unsigned []byte, now time.Time, path string) error {
	signed, err := signList(ctx, key, unsigned, now)
	if err != nil {
		return err
	}
	return writeOut(path, signed)
}

func writeOut(path string, data []byte) error {
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func statusCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("status create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("key", "", "the issuer's key file (the list is signed with the key that signs the credentials)")
	url := fs.String("url", "", "the URL the list will be published at (the list credential's id)")
	purpose := fs.String("purpose", status.Revocation, "statusPurpose: revocation, suspension or message")
	size := fs.Int("status-size", 1, "bits per entry (1 to 8)")
	entries := fs.Int("entries", 0, "number of entries (default: the 131,072-bit minimum divided by --status-size)")
	untilStr := fs.String("valid-until", "", "optional end of the list's validity, RFC 3339")
	out := fs.String("out", "", "where to write the signed list credential")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *keyPath == "" || *url == "" || *out == "" || fs.NArg() != 0 {
		return usagef("%s", statusUsage)
	}
	switch *purpose {
	case status.Revocation, status.Suspension, status.Message:
	default:
		return usagef("--purpose %q: want revocation, suspension or message", *purpose)
	}
	if *size < 1 || *size > 8 {
		return usagef("--status-size %d: want 1 to 8", *size)
	}
	if *entries == 0 {
		*entries = (status.MinBits + *size - 1) / *size
	}
	until, err := timeFlag("valid-until", *untilStr, time.Time{})
	if err != nil {
		return err
	}
	key, err := loadKey(*keyPath)
	if err != nil {
		return err
	}
	list, err := status.NewList(*entries, *size)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	unsigned, err := status.NewListCredential(status.ListCredential{
		ID: *url, Issuer: key.DIDString(), Purpose: *purpose, ValidFrom: now, ValidUntil: until, List: list,
	})
	if err != nil {
		return err
	}
	if err := signListTo(ctx, key, unsigned, now, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s list of %d entries (%d bit%s each) at %s, signed by %s\n",
		*out, *purpose, list.Len(), *size, map[bool]string{true: "", false: "s"}[*size == 1], *url, key.DIDString())
	return nil
}

// listFile is the part of a list credential the CLI edits.
type listFile struct {
	raw     map[string]any
	cred    *vc.Credential
	subject map[string]any
	list    *status.List
}

func readList(path string, statusSize int) (*listFile, error) {
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}
	c, err := vc.ParseCredential(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	subject, ok := raw["credentialSubject"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: credentialSubject is not one object", path)
	}
	enc, _ := subject["encodedList"].(string)
	list, err := status.Decode(enc, statusSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &listFile{raw: raw, cred: c, subject: subject, list: list}, nil
}

func statusSet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("status set", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("key", "", "the key that signed the list")
	listPath := fs.String("list", "", "the signed list credential to update")
	index := fs.Int("index", -1, "the entry to set (statusListIndex)")
	value := fs.Uint("value", 1, "the value to write (1 = revoked/suspended)")
	clear := fs.Bool("clear", false, "write 0 (un-suspend)")
	size := fs.Int("status-size", 1, "bits per entry of this list")
	out := fs.String("out", "", "where to write the re-signed list (may be --list)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *keyPath == "" || *listPath == "" || *out == "" || *index < 0 || fs.NArg() != 0 {
		return usagef("%s", statusUsage)
	}
	if *clear {
		*value = 0
	}
	key, err := loadKey(*keyPath)
	if err != nil {
		return err
	}
	lf, err := readList(*listPath, *size)
	if err != nil {
		return err
	}
	if got := lf.cred.Issuer().ID; got != key.DIDString() {
		return fmt.Errorf("%s is issued by %q, not by the key's DID %q", *listPath, got, key.DIDString())
	}
	old, err := lf.list.Get(*index)
	if err != nil {
		return err
	}
	if err := lf.list.Set(*index, *value); err != nil {
		return err
	}
	enc, err := lf.list.Encode()
	if err != nil {
		return err
	}
	// The new list replaces the old one: a fresh validFrom and proof.
	now := time.Now().UTC().Truncate(time.Second)
	lf.subject["encodedList"] = enc
	delete(lf.raw, "proof")
	delete(lf.raw, "issuanceDate")
	lf.raw["validFrom"] = now.Format(time.RFC3339)
	unsigned, err := json.MarshalIndent(lf.raw, "", "  ")
	if err != nil {
		return err
	}
	if err := signListTo(ctx, key, unsigned, now, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: index %d: %d -> %d\n", *out, *index, old, *value)
	return nil
}

func statusCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("status check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listPath := fs.String("list", "", "a signed list credential")
	index := fs.Int("index", -1, "the entry to read")
	size := fs.Int("status-size", 1, "bits per entry of this list")
	nowStr := fs.String("now", "", "check the list's validity at this time, RFC 3339 (default: now)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *listPath == "" || *index < 0 || fs.NArg() != 0 {
		return usagef("%s", statusUsage)
	}
	now, err := timeFlag("now", *nowStr, time.Now())
	if err != nil {
		return err
	}
	data, err := readInput(*listPath)
	if err != nil {
		return err
	}
	// The list is verified like any credential: proof, issuer's key, dates.
	v, err := offlineVerifier(now, status.StaticFetcher{}, nil, nil)
	if err != nil {
		return err
	}
	policy, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe())
	if err != nil {
		return err
	}
	res, verr := v.Verify(ctx, data, policy)
	if verr != nil {
		writeTextReport(stdout, *listPath, res)
		return &exitError{code: 1}
	}
	if !res.Credential.HasType("BitstringStatusListCredential") && !res.Credential.HasType("StatusList2021Credential") {
		return fmt.Errorf("%s is not a BitstringStatusListCredential", *listPath)
	}
	lf, err := readList(*listPath, *size)
	if err != nil {
		return err
	}
	v0, err := lf.list.Get(*index)
	if err != nil {
		return err
	}
	purpose, _ := lf.subject["statusPurpose"].(string)
	fmt.Fprintf(stdout, "%s: list signed by %s, %s purpose, index %s = %d\n", *listPath, res.Issuer, purpose, strconv.Itoa(*index), v0)
	return nil
}

// statusChange revokes, suspends or clears (un-suspends) credentials found
// in the store's log by id or learner: the list's bits change and the
// list is re-signed in one store transaction, and the signed list is
// written out to be published.
func statusChange(ctx context.Context, action string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("status "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	credID := fs.String("credential", "", "the credential's id")
	learner := fs.String("learner", "", "the learner identifier, as the batch's data gave it")
	batchID := fs.String("batch", "", "with --learner: only the credentials of this batch run")
	all := fs.Bool("all", false, "with --learner: every credential found (otherwise more than one is refused)")
	keyPath := fs.String("key", "", "the key that signs the list (and signed the credentials)")
	configPath := fs.String("config", "", "issuer configuration file (instead of --key)")
	issuerName := fs.String("issuer", "", "with --config: which issuer (default: the only one)")
	storeSpec := fs.String("store", "", "issuer state: a SQLite file or a postgres:// URL (default: the config's, or "+defaultStoreName+" next to the key)")
	out := fs.String("out", "", "where to write the re-signed list (default: the config's file for the list)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 0 || (*credID == "") == (*learner == "") {
		return usagef("status %s takes --credential ID or --learner X\n%s", action, statusUsage)
	}
	if *credID != "" && (*batchID != "" || *all) {
		return usagef("--batch and --all apply to --learner")
	}
	setup, err := resolveIssuer(*keyPath, *configPath, *issuerName, *storeSpec)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, setup.store)
	if err != nil {
		return err
	}
	defer st.Close()
	recs, err := st.Find(ctx, store.Query{CredentialID: *credID, Learner: *learner, Batch: *batchID})
	if err != nil {
		return err
	}
	var withStatus []store.Record
	for _, r := range recs {
		if r.ListURL != "" {
			withStatus = append(withStatus, r)
		}
	}
	who := "credential " + *credID
	if *learner != "" {
		who = "learner " + strconv.Quote(*learner)
	}
	switch {
	case len(withStatus) == 0 && len(recs) > 0:
		return fmt.Errorf("%s: issued without a status entry (store %s): it cannot be revoked or suspended", who, storeName(setup.store))
	case len(withStatus) == 0:
		return fmt.Errorf("%s: no credential in store %s", who, storeName(setup.store))
	case len(withStatus) > 1 && !*all:
		var b strings.Builder
		for _, r := range withStatus {
			fmt.Fprintf(&b, "\n  %s  batch %s  %s#%d", r.CredentialID, r.Batch, r.ListURL, r.Index)
		}
		return fmt.Errorf("%s has %d credentials; name one with --credential or --batch, or pass --all:%s", who, len(withStatus), b.String())
	}
	url := withStatus[0].ListURL
	for _, r := range withStatus {
		if r.ListURL != url {
			return fmt.Errorf("%s's credentials are on several lists (%s, %s): change one list at a time (--batch or --credential)", who, url, r.ListURL)
		}
	}
	path := *out
	if path == "" {
		path = setup.list(url).File
	}
	if path == "" {
		return usagef("--out FILE is required (or a file for list %s in the config): where to write the re-signed list", url)
	}
	value := uint(1)
	if action == "clear" {
		value = 0
	}
	var changed []store.Record
	l, err := st.UpdateList(ctx, url, func(l *store.List) error {
		switch {
		case l.Issuer != setup.key.DIDString():
			return fmt.Errorf("status list %s is signed by %s, not by the key's DID %s", url, l.Issuer, setup.key.DIDString())
		case action == "revoke" && l.Purpose != status.Revocation:
			return fmt.Errorf("status list %s is a %s list: use status suspend or clear", url, l.Purpose)
		case action == "suspend" && l.Purpose != status.Suspension:
			return fmt.Errorf("status list %s is a %s list: suspending needs a suspension list (give the batch one: a config list with \"purpose\": \"suspension\")", url, l.Purpose)
		case action == "clear" && l.Purpose != status.Suspension:
			return fmt.Errorf("status list %s is a %s list, and a revocation is not reversible (Bitstring Status List): only suspensions are cleared", url, l.Purpose)
		}
		sl, err := status.NewListFromBits(l.Bits, l.StatusSize)
		if err != nil {
			return err
		}
		for _, r := range withStatus {
			old, err := sl.Get(r.Index)
			if err != nil {
				return err
			}
			if old != value {
				changed = append(changed, r)
			}
			if err := sl.Set(r.Index, value); err != nil {
				return err
			}
		}
		if len(changed) == 0 {
			return errUnchanged
		}
		l.Bits = sl.Bits()
		l.Signed, err = signListBits(ctx, setup.key, l.URL, l.Purpose, sl, time.Now())
		return err
	})
	if errors.Is(err, errUnchanged) {
		l, err = st.List(ctx, url)
	}
	if err != nil {
		return err
	}
	past := map[string]string{"revoke": "revoked", "suspend": "suspended", "clear": "cleared"}[action]
	for _, r := range withStatus {
		note := ""
		if !slices.ContainsFunc(changed, func(c store.Record) bool { return c.CredentialID == r.CredentialID }) {
			note = " (already)"
		}
		fmt.Fprintf(stdout, "%s%s: %s (learner %q, batch %s), %s index %d\n", past, note, r.CredentialID, r.Learner, r.Batch, url, r.Index)
	}
	if err := writeFileAtomic(path, append(bytes.TrimSpace(l.Signed), '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (list version %d): publish it at %s, replacing the copy there\n", path, l.Version, url)
	return nil
}

// errUnchanged: nothing to re-sign.
var errUnchanged = errors.New("status: unchanged")
