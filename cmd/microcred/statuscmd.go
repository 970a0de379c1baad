package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/status"
)

const statusUsage = `usage:
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
	var until time.Time
	if *untilStr != "" {
		var err error
		if until, err = time.Parse(time.RFC3339, *untilStr); err != nil {
			return usagef("--valid-until: %v", err)
		}
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
	signed, err := signList(ctx, key, unsigned, now)
	if err != nil {
		return err
	}
	if err := writeOut(*out, signed); err != nil {
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
	signed, err := signList(ctx, key, unsigned, now)
	if err != nil {
		return err
	}
	if err := writeOut(*out, signed); err != nil {
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
	now := time.Now()
	if *nowStr != "" {
		var err error
		if now, err = time.Parse(time.RFC3339, *nowStr); err != nil {
			return usagef("--now: %v", err)
		}
	}
	data, err := readInput(*listPath)
	if err != nil {
		return err
	}
	// The list is verified like any credential: proof, issuer's key, dates.
	v, err := offlineVerifier(now, status.StaticFetcher{}, nil)
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
