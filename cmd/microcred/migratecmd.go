package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/status"
)

const migrateUsage = `microcred migrate --key FILE (--trust URL... | --any-issuer) [--ob2-doc URL=FILE]... [--now RFC3339]
                  [--unsafe-unverified] --out DIR (FILE | DIR | LIST.csv)...`

const migrateDetails = `Verifies each Open Badges 2.0 badge offline (as verify does: JSON, JWS, a file holding a
hosted assertion's URL, or a baked PNG or SVG, with --ob2-doc URL=FILE for the documents it
refers to) and writes it as an OB 3.0 AchievementCredential signed by --key to DIR/NAME.json.
A directory argument migrates every file in it (not its subdirectories); a .csv file lists
one badge per row in its first column, an assertion URL or a file path (relative to the CSV),
written as DIR/NAME-ROW.json (a header row whose first cell is not a URL or a file is
skipped).
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
	now, err := timeFlag("now", *nowStr, time.Now())
	if err != nil {
		return err
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
	items, err := migrateItems(files)
	if err != nil {
		return err
	}
	failed := 0
	for _, it := range items {
		input := it.input
		var err error
		if input == nil {
			input, err = readVerifyInput(it.path)
		}
		var out []byte
		if err == nil {
			out, err = migrateOne(ctx, v, issuer, docs, now, policy, input, *unsafe)
		}
		if err == nil {
			dst := filepath.Join(*outDir, it.name+".json")
			if err = os.WriteFile(dst, append(out, '\n'), 0o644); err == nil {
				fmt.Fprintf(stdout, "%s: migrated to %s\n", it.label, dst)
				continue
			}
		}
		failed++
		fmt.Fprintf(stdout, "%s: NOT migrated: %v\n", it.label, err)
	}
	if failed > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// migrateItem is one badge to migrate: a file (path), or a CSV row's URL
// (input); name is the output file's name without .json.
type migrateItem struct {
	label, name, path string
	input             []byte
}

// migrateItems expands the arguments: files, the files of a directory,
// and the rows of a CSV list.
func migrateItems(args []string) ([]migrateItem, error) {
	var items []migrateItem
	base := func(p string) string { return strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)) }
	for _, a := range args {
		st, err := os.Stat(a)
		switch {
		case a == "-":
			items = append(items, migrateItem{label: a, name: "stdin", path: a})
		case err != nil:
			return nil, usagef("%v", err)
		case st.IsDir():
			ents, err := os.ReadDir(a)
			if err != nil {
				return nil, err
			}
			for _, e := range ents {
				if e.Type().IsRegular() {
					p := filepath.Join(a, e.Name())
					items = append(items, migrateItem{label: p, name: base(p), path: p})
				}
			}
		case strings.EqualFold(filepath.Ext(a), ".csv"):
			f, err := os.Open(a)
			if err != nil {
				return nil, err
			}
			r := csv.NewReader(io.LimitReader(f, int64(vc.MaxCredentialBytes)))
			r.FieldsPerRecord = -1
			rows, err := r.ReadAll()
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a, err)
			}
			for i, row := range rows {
				cell := strings.TrimSpace(row[0])
				label := fmt.Sprintf("%s row %d", a, i+1)
				name := fmt.Sprintf("%s-%d", base(a), i+1)
				switch {
				case strings.HasPrefix(cell, "https://") || strings.HasPrefix(cell, "http://"):
					items = append(items, migrateItem{label: label + " (" + cell + ")", name: name, input: []byte(cell)})
				case cell == "":
				default:
					p := cell
					if !filepath.IsAbs(p) {
						p = filepath.Join(filepath.Dir(a), p)
					}
					if _, err := os.Stat(p); err != nil && i == 0 {
						continue // a header row
					}
					items = append(items, migrateItem{label: label + " (" + p + ")", name: name, path: p})
				}
			}
		default:
			items = append(items, migrateItem{label: a, name: base(a), path: a})
		}
	}
	return items, nil
}

// migrateOne verifies one badge and migrates it; with unsafe, a badge
// that parses but does not verify is migrated through MigrateOB2Unsafe.
func migrateOne(ctx context.Context, v *microcred.Verifier, issuer *microcred.Issuer, docs ob2DocFlags, now time.Time, policy microcred.Policy, input []byte, unsafe bool) ([]byte, error) {
	var err error
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
	ov, err := ob2.NewVerifier(d)
	if err != nil {
		return nil, err
	}
	r, _ := ov.Verify(ctx, input, ob2.Checks{Now: now})
	if r.Badge == nil {
		return nil, verr
	}
	return issuer.MigrateOB2Unsafe(ctx, r.Badge)
}
