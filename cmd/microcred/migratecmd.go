package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/status"
)

const migrateUsage = `microcred migrate --key FILE (--trust URL... | --any-issuer) [--ob2-doc URL=FILE]... [--now RFC3339]
                  [--unsafe-unverified] --out DIR FILE...`

const migrateDetails = `Verifies each Open Badges 2.0 badge offline (as verify does: JSON, JWS, a file holding a
hosted assertion's URL, or a baked PNG or SVG, with --ob2-doc URL=FILE for the documents it
refers to) and writes it as an OB 3.0 AchievementCredential signed by --key to DIR/NAME.json.
The original is kept as the credential's evidence (a data: URL of its exact bytes, and their
SHA-256). A badge that does not verify is not migrated, unless --unsafe-unverified, which
migrates any badge that parses and says in the evidence that it was not verified. --trust
takes the OB 2.0 issuer profile URLs you accept. Exit status: 0 if every file was migrated,
1 if one was not, 2 for bad usage.`

func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	keyPath := fs.String("key", "", "key file from 'microcred key generate': the migrating issuer")
	outDir := fs.String("out", "", "directory the OB 3.0 credentials are written to")
	nowStr := fs.String("now", "", "check validity and sign at this time, RFC 3339 (default: now)")
	var trust stringList
	fs.Var(&trust, "trust", "URL: accept badges of this OB 2.0 issuer profile (repeatable)")
	anyIssuer := fs.Bool("any-issuer", false, "accept badges of any issuer whose key or origin binding holds; excludes --trust")
	var docs ob2DocFlags
	fs.Var(&docs, "ob2-doc", "URL=FILE: a local copy of a document the badges refer to (repeatable); nothing is fetched")
	unsafe := fs.Bool("unsafe-unverified", false, "migrate badges that do not verify (the evidence says so)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	files := fs.Args()
	switch {
	case len(files) == 0:
		return usagef("migrate takes at least one badge file")
	case *keyPath == "" || *outDir == "":
		return usagef("--key and --out are required")
	case *anyIssuer && len(trust) > 0:
		return usagef("--any-issuer excludes --trust")
	case !*anyIssuer && len(trust) == 0:
		return usagef("name the issuers you accept with --trust (or --any-issuer)")
	}
	now := time.Now()
	if *nowStr != "" {
		var err error
		if now, err = time.Parse(time.RFC3339, *nowStr); err != nil {
			return usagef("--now: %v", err)
		}
	}
	if err := stdinOnce(append(append([]string{*keyPath}, docs.files()...), files...)...); err != nil {
		return err
	}
	key, err := loadKey(*keyPath)
	if err != nil {
		return err
	}
	issuer, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return now }))
	if err != nil {
		return err
	}
	opts, err := docs.options()
	if err != nil {
		return err
	}
	v, err := offlineVerifier(now, status.StaticFetcher{}, nil, nil, opts...)
	if err != nil {
		return err
	}
	popt := microcred.AnyIssuerUnsafe()
	if len(trust) > 0 {
		popt = microcred.TrustIssuers(trust...)
	}
	policy, err := microcred.NewPolicy(popt)
	if err != nil {
		return usagef("%v", err)
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	failed := 0
	for _, file := range files {
		out, err := migrateFile(ctx, v, issuer, docs, now, policy, file, *unsafe)
		if err == nil {
			name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) + ".json"
			dst := filepath.Join(*outDir, name)
			if err = os.WriteFile(dst, append(out, '\n'), 0o644); err == nil {
				fmt.Fprintf(stdout, "%s: migrated to %s\n", file, dst)
				continue
			}
		}
		failed++
		fmt.Fprintf(stdout, "%s: NOT migrated: %v\n", file, err)
	}
	if failed > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// migrateFile verifies one badge and migrates it; with unsafe, a badge
// that parses but does not verify is migrated through MigrateOB2Unsafe.
func migrateFile(ctx context.Context, v *microcred.Verifier, issuer *microcred.Issuer, docs ob2DocFlags, now time.Time, policy microcred.Policy, file string, unsafe bool) ([]byte, error) {
	input, err := readVerifyInput(file)
	if err != nil {
		return nil, err
	}
	res, verr := v.Verify(ctx, input, policy)
	if verr == nil {
		if res.OB2 == nil {
			return nil, fmt.Errorf("not an Open Badges 2.0 badge (it verified as a VCDM %s credential)", res.Credential.Version())
		}
		return issuer.MigrateOB2(ctx, res)
	}
	if !unsafe {
		return nil, verr
	}
	if k := bake.Detect(input); k == bake.PNG || k == bake.SVG {
		if input, err = bake.ExtractOB2(input); err != nil {
			return nil, err
		}
	}
	d, err := docs.documents()
	if err != nil {
		return nil, err
	}
	ov, err := ob2.NewVerifier(ob2.Options{Fetcher: d})
	if err != nil {
		return nil, err
	}
	r, _ := ov.Verify(ctx, input, ob2.Checks{Now: now})
	if r.Badge == nil {
		return nil, verr
	}
	return issuer.MigrateOB2Unsafe(ctx, r.Badge)
}
