package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/status"
	"github.com/onchaincert/microcred/vc/template"
)

// The batch output directory:
//
//	credentials/LEARNER.(json|jwt|png|svg)  one file per issued credential, named
//	                 from the learner id (see learnerFile)
//	run.json         the batch run's id in the store (what --resume continues)
//	manifest.jsonl   one line per credential of the batch, in tree order,
//	                 rewritten from the store's log at the end of each run
//	errors.jsonl     one line per row that could not be issued (this run)
//	batch.json       the batch root, files and leaves, written at the end (the
//	                 format 'microcred batch-root' writes; 'microcred receipt
//	                 --batch DIR' reads it)
//	status-list.json the signed status list (with --status-list): publish it at
//	                 its URL
//
// Issuer state (status lists, their indexes, the issued-credential log,
// batch runs) lives in the store, not in the directory: two batches
// sharing a list never share an index.
const (
	manifestFile   = "manifest.jsonl"
	errorsFile     = "errors.jsonl"
	batchFile      = "batch.json"
	runFile        = "run.json"
	statusListFile = "status-list.json"
)

// batchMemoryLimit is the soft memory limit batch sets (unless GOGC or
// GOMEMLIMIT is set): the RSS budget of a 100,000-row batch is 150 MB.
const batchMemoryLimit = 100 << 20

// Exit statuses of batch besides 0 and 2.
const (
	exitSomeFailed = 1 // some rows failed
	exitAllFailed  = 3 // every row failed: nothing issued
	exitInterrupt  = 130
)

// manifestEntry is one line of manifest.jsonl.
type manifestEntry struct {
	Row         int    `json:"row"`
	ID          string `json:"id"`
	Learner     string `json:"learner"`
	File        string `json:"file"`
	Leaf        int64  `json:"leaf"`
	LeafHash    string `json:"leafHash"`
	StatusList  string `json:"statusList,omitempty"`
	StatusIndex int    `json:"statusIndex"`
}

type errorEntry struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

type runInfo struct {
	Batch string `json:"batch"`
}

const batchUsage = `usage: microcred batch --template T.json --data learners.csv|.jsonl (--key K.json | --config C.json [--issuer NAME])
                       --out DIR [--store FILE|postgres://...] [--status-list URL] [--learner-column COL]
                       [--format json|jwt] [--bake IMAGE] [--set-issuer] [--workers N] [--dry-run] [--resume] [--quiet]`

// learnerColumns are the columns taken as the learner identifier, in this
// order, when --learner-column does not name one.
var learnerColumns = []string{"learner_id", "learner", "student_id", "id", "email"}

func batchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	err := batchRun(ctx, args, stdout, stderr)
	var bf *batchFailure
	if errors.As(err, &bf) {
		fmt.Fprintln(stderr, "microcred:", bf.msg)
		return &exitError{code: bf.code}
	}
	return err
}

func batchRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tplPath := fs.String("template", "", "credential template (JSON with {{column}} placeholders)")
	dataPath := fs.String("data", "", "learners: CSV with a header line, or JSON Lines (.jsonl)")
	keyPath := fs.String("key", "", "the issuer's key file")
	configPath := fs.String("config", "", "issuer configuration file (instead of --key): key, suite, status lists, store")
	issuerName := fs.String("issuer", "", "with --config: which issuer (default: the only one)")
	storeSpec := fs.String("store", "", "issuer state: a SQLite file or a postgres:// URL (default: the config's, or "+defaultStoreName+" next to the key)")
	out := fs.String("out", "", "output directory")
	format := fs.String("format", "json", "json (embedded proof) or jwt (VC-JOSE-COSE)")
	bakeImage := fs.String("bake", "", "PNG or SVG badge image to bake each credential into")
	resume := fs.Bool("resume", false, "continue the interrupted batch in --out (same key, template, image and status list)")
	workers := fs.Int("workers", 0, "signing goroutines (default: all cores)")
	statusURL := fs.String("status-list", "", "give each credential an entry in the status list published at this URL (created in the store if new)")
	learnerCol := fs.String("learner-column", "", "the column that identifies the learner (default: the first of "+strings.Join(learnerColumns, ", ")+" in the data)")
	setIssuer := fs.Bool("set-issuer", false, "write the key's DID as the template's issuer (otherwise a template naming another issuer is refused)")
	dryRun := fs.Bool("dry-run", false, "check everything and sign row 1 as a test, then stop: nothing is written or reserved")
	quiet := fs.Bool("quiet", false, "no progress output")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *tplPath == "" || *dataPath == "" || (*out == "" && !*dryRun) || fs.NArg() != 0 {
		return usagef("%s", batchUsage)
	}
	if *format != "json" && *format != "jwt" {
		return usagef("--format %q: want json or jwt", *format)
	}
	setup, err := resolveIssuer(*keyPath, *configPath, *issuerName, *storeSpec)
	if err != nil {
		return err
	}
	key := setup.key
	if *statusURL == "" && len(setup.lists) > 0 {
		*statusURL = setup.lists[0].URL
	}
	var list listConfig
	if *statusURL != "" {
		list = setup.list(*statusURL)
	}

	// Preflight: everything that can be checked before the first
	// signature is checked here, and nothing is written before it passes.
	tplData, err := readInput(*tplPath)
	if err != nil {
		return err
	}
	fp := store.Fingerprint{Key: digest(key.DIDString(), key.VerificationMethod()), Template: digest(string(tplData)), StatusList: digest(list.URL, list.Purpose)}
	c, err := vc.ParseCredential(tplData)
	if err != nil {
		return fmt.Errorf("%s: %w", *tplPath, err)
	}
	if id := c.Issuer().ID; id != key.DIDString() {
		if !*setIssuer {
			return fmt.Errorf("%s: the template's issuer is %q but the key is %q; pass --set-issuer to write the key's DID as issuer", *tplPath, id, key.DIDString())
		}
		if tplData, err = vc.SetIssuer(tplData, key.DIDString()); err != nil {
			return fmt.Errorf("%s: %w", *tplPath, err)
		}
	}
	tpl, err := template.Parse(tplData)
	if err != nil {
		return fmt.Errorf("%s: %w", *tplPath, err)
	}
	var image []byte
	ext := "." + *format
	if *bakeImage != "" {
		if image, err = os.ReadFile(*bakeImage); err != nil {
			return usagef("reading --bake: %v", err)
		}
		switch bake.Detect(image) {
		case bake.PNG:
			ext = ".png"
		case bake.SVG:
			ext = ".svg"
		default:
			return usagef("--bake %s is not a PNG or SVG image", *bakeImage)
		}
		fp.Image = digest(string(image))
	}
	fp.Options = digest(*format, setup.suite, *learnerCol, strconv.FormatBool(*setIssuer))

	scan, err := scanData(*dataPath, tpl, *learnerCol)
	if err != nil {
		return err
	}
	if len(scan.missing) > 0 {
		return &batchFailure{code: exitAllFailed, msg: fmt.Sprintf("no row can be issued: the template uses column(s) %s, which %s lacks (its columns: %s)",
			strings.Join(scan.missing, ", "), *dataPath, strings.Join(scan.header, ", "))}
	}

	opts := []microcred.Option{}
	if setup.suite != "" {
		if *format == "jwt" {
			return usagef("the config's suite %s applies to --format json only", setup.suite)
		}
		suite, err := suiteByName(setup.suite, nil, false)
		if err != nil {
			return err
		}
		opts = append(opts, microcred.WithSuite(suite))
	}
	if *format == "jwt" {
		opts = append(opts, microcred.WithJWT(vcjwt.FormatJOSE))
	}

	// The dry run: row 1 (the first row without a row error) signed with
	// the real issuer and verified with the real checks, against an
	// in-memory copy of the status list. Nothing is reserved.
	if err := dryRunRow(ctx, key, opts, tpl, scan, *dataPath, list); err != nil {
		return &batchFailure{code: exitAllFailed, msg: err.Error()}
	}
	if *dryRun {
		fmt.Fprintf(stdout, "dry run: %d row(s) in %s, learner identifier: column %q; %d would fail (the first: %s); row %d signed and verified as a test\n",
			scan.rows, *dataPath, scan.learnerCol, len(scan.errs), firstErr(scan), scan.firstGood)
		if *statusURL != "" {
			fmt.Fprintf(stdout, "status list: %s (%s), in store %s\n", list.URL, list.Purpose, storeName(setup.store))
		}
		switch {
		case len(scan.errs) == scan.rows:
			return &exitError{code: exitAllFailed}
		case len(scan.errs) > 0:
			return &exitError{code: exitSomeFailed}
		}
		return nil
	}

	// The output directory: new, or an interrupted batch to resume.
	var run runInfo
	if data, err := os.ReadFile(filepath.Join(*out, runFile)); err == nil {
		if !*resume {
			return fmt.Errorf("%s already holds a batch: pass --resume to continue it, or choose another --out", *out)
		}
		if err := json.Unmarshal(data, &run); err != nil || run.Batch == "" {
			return fmt.Errorf("%s: not a batch run file", filepath.Join(*out, runFile))
		}
	} else if *resume {
		return fmt.Errorf("--resume: %s holds no batch to resume", *out)
	} else if _, err := os.Stat(filepath.Join(*out, manifestFile)); err == nil {
		return fmt.Errorf("%s holds a batch of an older microcred, which cannot be resumed; choose another --out", *out)
	}

	st, err := openStore(ctx, setup.store)
	if err != nil {
		return err
	}
	defer st.Close()
	done := map[string]store.Record{} // by learner
	if *resume {
		r, err := st.ResumeRun(ctx, run.Batch, fp)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("--resume: batch run %s is not in store %s: resume with the store it started with (--store or --config)", run.Batch, storeName(setup.store))
		}
		if err != nil {
			return fmt.Errorf("--resume: %w", err)
		}
		recs, err := st.Find(ctx, store.Query{Batch: run.Batch})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			done[rec.Learner] = rec
		}
		if len(recs) != r.RowsDone {
			return fmt.Errorf("--resume: store %s has %d records of batch %s, its run says %d", storeName(setup.store), len(recs), run.Batch, r.RowsDone)
		}
		if err := checkIssuedFiles(*out, ext, recs); err != nil {
			return err
		}
	}

	// The status list: created in the store if new, written into the output.
	var blocks *store.Blocks
	if list.URL != "" {
		if _, err := ensureList(ctx, st, key, list); err != nil {
			return err
		}
		if blocks, err = store.NewBlocks(st, list.URL, store.WithExpected(max(1, scan.rows-len(scan.errs)-len(done)))); err != nil {
			return err
		}
		opts = append(opts, microcred.WithStatus(blocks, list.Purpose))
	}
	issuer, err := microcred.NewIssuer(key, opts...)
	if err != nil {
		return err
	}

	if err := os.MkdirAll(filepath.Join(*out, "credentials"), 0o755); err != nil {
		return err
	}
	if !*resume {
		run.Batch = newBatchID()
		if err := st.CreateRun(ctx, store.Run{ID: run.Batch, Fingerprint: fp}); err != nil {
			return err
		}
		ri, _ := json.Marshal(run)
		if err := writeFileAtomic(filepath.Join(*out, runFile), append(ri, '\n')); err != nil {
			return err
		}
	}
	errFile, err := os.Create(filepath.Join(*out, errorsFile))
	if err != nil {
		return err
	}
	defer errFile.Close()
	// Row errors come from two goroutines: the one reading rows (template
	// and preflight errors) and the one receiving results (signing errors).
	var (
		errMu       sync.Mutex
		rowErrs     int
		firstErrRow int
	)
	writeErr := func(e errorEntry) error {
		errMu.Lock()
		defer errMu.Unlock()
		rowErrs++
		if firstErrRow == 0 || e.Row < firstErrRow {
			firstErrRow = e.Row
		}
		line, _ := json.Marshal(e)
		_, err := errFile.Write(append(line, '\n'))
		return err
	}
	failedRows := func() int {
		errMu.Lock()
		defer errMu.Unlock()
		return rowErrs
	}

	data, err := os.Open(*dataPath)
	if err != nil {
		return usagef("reading --data: %v", err)
	}
	defer data.Close()
	items := func(yield func(microcred.BatchItem) bool) {
		for row, err := range readRows(data, *dataPath) {
			if e, bad := scan.errs[row.Line]; bad && err == nil {
				err = e
			}
			var cred []byte
			if err == nil {
				cred, _, err = tpl.FillID(row)
			}
			if err != nil {
				var re *template.RowError
				e := errorEntry{Row: row.Line, Reason: err.Error()}
				if errors.As(err, &re) {
					e = errorEntry{Row: re.Row, Column: re.Column, Reason: re.Reason}
				}
				if writeErr(e) != nil {
					return
				}
				continue
			}
			learner := row.Values[scan.learnerCol]
			if !yield(microcred.BatchItem{Credential: cred, Ref: strconv.Itoa(row.Line), Learner: learner}) {
				return
			}
		}
	}

	// Ctrl-C (or SIGTERM) stops the batch cleanly: what was written is
	// recorded, and --resume continues from there.
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	// Bulk signing allocates fast and keeps little: a lazier collector
	// (GOGC=400 unless the user set GOGC) buys ~10% throughput on two
	// cores for a heap that stays under 100 MB (see BenchmarkIssueBatch100k).
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		// ... within a soft memory limit: past it the collector runs as
		// often as it must, so a large batch keeps the RSS budget.
		if os.Getenv("GOMEMLIMIT") == "" {
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(batchMemoryLimit))
		}
	}
	prog := newProgress(stderr, *quiet, scan.rows, failedRows)
	start := time.Now()
	var info batchManifest
	// The manifest is written as the credentials come, to a file renamed
	// into place at the end: nothing per row is kept beyond batch.json's.
	mf, err := os.Create(filepath.Join(*out, manifestFile+".tmp"))
	if err != nil {
		return err
	}
	defer mf.Close()
	mw := bufio.NewWriter(mf)
	batch, berr := issuer.IssueBatch(ctx, items, microcred.BatchOptions{
		Workers:  *workers,
		Progress: prog.update,
		RootOnly: true, // receipts come later from batch.json ('microcred receipt --batch')
		Log:      st,
		BatchID:  run.Batch,
		Done: func(_ int, item microcred.BatchItem) ([]byte, bool) {
			rec, ok := done[item.Learner]
			if !ok {
				return nil, false
			}
			// checkIssuedFiles found it whole before the run began.
			signed, err := readIssued(filepath.Join(*out, "credentials", learnerFile(item.Learner)+ext))
			if err != nil || !bytes.Equal(anchor.Leaf(signed), rec.LeafHash) {
				return nil, false
			}
			return signed, true
		},
	}, func(r microcred.Issued) error {
		row, _ := strconv.Atoi(r.Ref)
		if r.Err != nil {
			return writeErr(errorEntry{Row: row, Reason: r.Err.Error()})
		}
		name := filepath.Join("credentials", learnerFile(r.Learner)+ext)
		leaf := hex.EncodeToString(anchor.Leaf(r.Credential))
		e := manifestEntry{Row: row, ID: r.ID, Learner: r.Learner, File: name, Leaf: int64(len(info.Leaves)), LeafHash: leaf, StatusList: r.StatusListURL, StatusIndex: r.StatusIndex}
		if r.Resumed {
			rec := done[r.Learner]
			e.ID, e.StatusList, e.StatusIndex = rec.CredentialID, rec.ListURL, rec.Index
		}
		info.Rows = append(info.Rows, row)
		info.Files = append(info.Files, name)
		info.Leaves = append(info.Leaves, leaf)
		line, _ := json.Marshal(e)
		mw.Write(append(line, '\n'))
		if r.Resumed {
			return nil
		}
		return writeIssued(*out, name, r.Credential, ext, image)
	})
	prog.finish()
	if blocks != nil {
		if err := blocks.Close(context.WithoutCancel(ctx)); err != nil && berr == nil {
			berr = err
		}
	}
	if berr != nil {
		if errors.Is(berr, context.Canceled) && ctx.Err() != nil {
			fmt.Fprintf(stderr, "microcred: interrupted: the credentials written so far are recorded in store %s; run the same command with --resume to continue\n", storeName(setup.store))
			return &exitError{code: exitInterrupt}
		}
		return berr
	}
	var root []byte // an empty batch has none
	if batch.Size() > 0 {
		if root, err = batch.Root(); err != nil {
			return err
		}
	}
	info.Version, info.Mode, info.Size, info.Root, info.Created = 1, anchor.ModeRFC6962.String(), int64(batch.Size()), hex.EncodeToString(root), time.Now().UTC().Format(time.RFC3339)
	bi, _ := json.MarshalIndent(info, "", "  ")
	if err := writeFileAtomic(filepath.Join(*out, batchFile), append(bi, '\n')); err != nil {
		return err
	}
	if err := mw.Flush(); err != nil {
		return err
	}
	if err := mf.Close(); err != nil {
		return err
	}
	if err := os.Rename(mf.Name(), filepath.Join(*out, manifestFile)); err != nil {
		return err
	}
	elapsed := time.Since(start)
	fresh := int(batch.Size()) - len(done)
	fmt.Fprintf(stdout, "issued %d credential(s) in %s (%.0f/s)", fresh, elapsed.Round(time.Millisecond), float64(fresh)/elapsed.Seconds())
	if len(done) > 0 {
		fmt.Fprintf(stdout, ", %d issued by the earlier run", len(done))
	}
	fmt.Fprintf(stdout, "; batch %s in store %s\n", run.Batch, storeName(setup.store))
	if batch.Size() > 0 {
		fmt.Fprintf(stdout, "batch root (anchor this): %s\n", info.Root)
	}
	if list.URL != "" {
		l, err := st.List(ctx, list.URL)
		if err != nil {
			return err
		}
		path := filepath.Join(*out, statusListFile)
		if err := writeFileAtomic(path, append(bytes.TrimSpace(l.Signed), '\n')); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "status list: publish %s at %s (every credential's status entry points there; verifiers need it)\n", path, list.URL)
	}
	switch {
	case rowErrs > 0 && batch.Size() == 0:
		return &batchFailure{code: exitAllFailed, msg: fmt.Sprintf("no credential issued: all %d row(s) failed (see %s; the first: row %d)", rowErrs, filepath.Join(*out, errorsFile), firstErrRow)}
	case rowErrs > 0:
		return &batchFailure{code: exitSomeFailed, msg: fmt.Sprintf("%d of %d rows failed (see %s; the first: row %d)", rowErrs, rowErrs+int(batch.Size()), filepath.Join(*out, errorsFile), firstErrRow)}
	}
	return nil
}

// batchFailure is a batch that ran (or could not start) with rows failed:
// its message goes to stderr, its code is the exit status.
type batchFailure struct {
	code int
	msg  string
}

func (e *batchFailure) Error() string { return e.msg }

func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func newBatchID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "batch-" + time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:6])
}

// scanResult is what the preflight learned from reading the data once.
type scanResult struct {
	header     []string // CSV only
	missing    []string // template columns the CSV header lacks
	learnerCol string
	rows       int
	errs       map[int]*template.RowError // by line
	firstGood  int                        // line of the first row without an error, 0 if none
}

func firstErr(s *scanResult) string {
	first := 0
	for line := range s.errs {
		if first == 0 || line < first {
			first = line
		}
	}
	if first == 0 {
		return "none"
	}
	return s.errs[first].Error()
}

func readRows(r io.Reader, path string) func(func(template.Row, error) bool) {
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".jsonl") || strings.HasSuffix(lower, ".ndjson") {
		return template.ReadJSONL(r)
	}
	return template.ReadCSV(r)
}

// scanData reads the data once before anything is signed: the header
// against the template, the learner column, and the row errors that need
// the whole file to see (duplicate learners) or that JSON would hide
// (invalid UTF-8).
func scanData(path string, tpl *template.Template, learnerCol string) (*scanResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("reading --data: %v", err)
	}
	defer f.Close()
	res := &scanResult{errs: map[int]*template.RowError{}}
	isCSV := !strings.HasSuffix(strings.ToLower(path), ".jsonl") && !strings.HasSuffix(strings.ToLower(path), ".ndjson")
	if isCSV {
		hdr, err := template.ReadCSVHeader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		res.header = hdr
		have := map[string]bool{}
		for _, h := range hdr {
			have[h] = true
		}
		for _, c := range tpl.Columns() {
			if !have[c] {
				res.missing = append(res.missing, c)
			}
		}
		if learnerCol == "" {
			for _, c := range learnerColumns {
				if have[c] {
					learnerCol = c
					break
				}
			}
		} else if !have[learnerCol] {
			return nil, usagef("--learner-column %q: %s has no such column (its columns: %s)", learnerCol, path, strings.Join(hdr, ", "))
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
	}
	firstLine := map[string]int{}
	dups := map[string][]int{}
	for row, err := range readRows(f, path) {
		res.rows++
		if err != nil {
			var re *template.RowError
			if errors.As(err, &re) {
				res.errs[re.Row] = re
			} else {
				res.errs[row.Line] = &template.RowError{Row: row.Line, Reason: err.Error()}
			}
			continue
		}
		if learnerCol == "" && res.rows == 1 {
			for _, c := range learnerColumns {
				if _, ok := row.Values[c]; ok {
					learnerCol = c
					break
				}
			}
		}
		if learnerCol == "" {
			return nil, usagef("%s: no learner identifier column (%s): name it with --learner-column", path, strings.Join(learnerColumns, ", "))
		}
		for _, c := range append(tpl.Columns(), learnerCol) {
			v, ok := row.Values[c]
			if !ok {
				if c == learnerCol {
					res.errs[row.Line] = &template.RowError{Row: row.Line, Column: c, Reason: "missing (the learner identifier)"}
				}
				continue // Fill reports a missing template column
			}
			if err := template.CheckValue(v); err != nil {
				res.errs[row.Line] = &template.RowError{Row: row.Line, Column: c, Reason: err.Error()}
				break
			}
		}
		if _, bad := res.errs[row.Line]; bad {
			continue
		}
		l := row.Values[learnerCol]
		if first, seen := firstLine[l]; seen {
			dups[l] = append(dups[l], first, row.Line)
			continue
		}
		firstLine[l] = row.Line
	}
	if learnerCol == "" && res.rows > 0 {
		return nil, usagef("%s: no learner identifier column (%s): name it with --learner-column", path, strings.Join(learnerColumns, ", "))
	}
	res.learnerCol = learnerCol
	// Every row of a duplicated learner is refused: which one is meant
	// is not ours to guess.
	for l, lines := range dups {
		all := uniqueInts(lines)
		for _, line := range all {
			res.errs[line] = &template.RowError{Row: line, Column: learnerCol, Reason: fmt.Sprintf("duplicate learner id %q (rows %s): each learner once per batch", l, joinInts(all))}
		}
	}
	// File names: one per learner, case-insensitively distinct.
	names := map[string]string{}
	for l, line := range firstLine {
		if _, bad := res.errs[line]; bad {
			continue
		}
		n := strings.ToLower(learnerFile(l))
		if other, clash := names[n]; clash {
			res.errs[line] = &template.RowError{Row: line, Column: learnerCol, Reason: fmt.Sprintf("learner id %q gives the same file name as %q", l, other)}
			continue
		}
		names[n] = l
	}
	for _, line := range firstLine {
		if _, bad := res.errs[line]; !bad && (res.firstGood == 0 || line < res.firstGood) {
			res.firstGood = line
		}
	}
	return res, nil
}

func uniqueInts(xs []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// maxNameBytes caps the learner part of a file name.
const maxNameBytes = 80

// learnerFile is the file name (without extension) of a learner's
// credential: the learner id itself when it is made of lower-case
// letters, digits and ._@+- only (and does not start with a dot);
// otherwise the id with every other character replaced by _, cut at 80
// bytes, and "-" and 12 hex digits of its SHA-256 appended, so that two
// ids never share a name (also on case-insensitive file systems).
func learnerFile(id string) string {
	clean := id != "" && id[0] != '.' && len(id) <= maxNameBytes
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '@', r == '+', r == '-':
			b.WriteRune(r)
		default:
			clean = false
			b.WriteByte('_')
		}
		if b.Len() >= maxNameBytes {
			clean = false
			break
		}
	}
	if clean {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	name := strings.TrimLeft(b.String(), ".")
	return name + "-" + hex.EncodeToString(sum[:6])
}

// dryRunRow signs the first good row with the real issuer and verifies it
// with the real verifier, its status list signed in memory.
func dryRunRow(ctx context.Context, key signingKey, opts []microcred.Option, tpl *template.Template, scan *scanResult, dataPath string, list listConfig) error {
	if scan.firstGood == 0 {
		if scan.rows == 0 {
			return fmt.Errorf("no row can be issued: %s has no rows", dataPath)
		}
		return fmt.Errorf("no row can be issued: all %d row(s) of %s have errors (the first: %s)", scan.rows, dataPath, firstErr(scan))
	}
	f, err := os.Open(dataPath)
	if err != nil {
		return err
	}
	defer f.Close()
	var row template.Row
	for r, err := range readRows(f, dataPath) {
		if err == nil && r.Line == scan.firstGood {
			row = r
			break
		}
	}
	cred, _, err := tpl.FillID(row)
	if err != nil {
		return fmt.Errorf("row %d (dry run): %w", row.Line, err)
	}
	lists := status.StaticFetcher{}
	now := time.Now()
	if list.URL != "" {
		a, err := status.NewMemoryAllocator(list.URL, list.Entries)
		if err != nil {
			return err
		}
		opts = append(append([]microcred.Option(nil), opts...), microcred.WithStatus(a, list.Purpose))
		signed, err := signNewList(ctx, key, list, now)
		if err != nil {
			return fmt.Errorf("status list %s (dry run): %w", list.URL, err)
		}
		lists[list.URL] = signed
	}
	iss, err := microcred.NewIssuer(key, opts...)
	if err != nil {
		return err
	}
	signed, err := iss.Issue(ctx, cred)
	if err != nil {
		return fmt.Errorf("row %d (dry run): %w", row.Line, err)
	}
	v, err := offlineVerifier(now.Add(time.Minute), lists, nil, nil)
	if err != nil {
		return err
	}
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DIDString()))
	if err != nil {
		return err
	}
	if _, err := v.Verify(ctx, signed, policy); err != nil {
		return fmt.Errorf("row %d (dry run): the signed credential does not verify: %w", row.Line, err)
	}
	return nil
}

// signNewList signs an all-zero list credential for l.
func signNewList(ctx context.Context, key signingKey, l listConfig, now time.Time) ([]byte, error) {
	sl, err := status.NewList(l.Entries, l.StatusSize)
	if err != nil {
		return nil, err
	}
	return signListBits(ctx, key, l.URL, l.Purpose, sl, now)
}

func signListBits(ctx context.Context, key signingKey, url, purpose string, sl *status.List, now time.Time) ([]byte, error) {
	now = now.UTC().Truncate(time.Second)
	unsigned, err := status.NewListCredential(status.ListCredential{ID: url, Issuer: key.DIDString(), Purpose: purpose, ValidFrom: now, List: sl})
	if err != nil {
		return nil, err
	}
	return signList(ctx, key, unsigned, now)
}

// ensureList creates the list in the store if it is new.
func ensureList(ctx context.Context, st store.Store, key signingKey, l listConfig) (*store.List, error) {
	got, _, err := st.CreateList(ctx, store.ListSpec{URL: l.URL, Issuer: key.DIDString(), Purpose: l.Purpose, Entries: l.Entries, StatusSize: l.StatusSize},
		func(sl *store.List) ([]byte, error) {
			bits, err := status.NewListFromBits(sl.Bits, sl.StatusSize)
			if err != nil {
				return nil, err
			}
			return signListBits(ctx, key, sl.URL, sl.Purpose, bits, time.Now())
		})
	if errors.Is(err, store.ErrListMismatch) {
		return nil, fmt.Errorf("--status-list: %w (a list URL belongs to one issuer and purpose)", err)
	}
	return got, err
}

// checkIssuedFiles checks, before a resumed run, that each credential the
// store logged for the batch is still in its file: one that is missing or
// changed would be issued twice.
func checkIssuedFiles(out, ext string, recs []store.Record) error {
	for _, rec := range recs {
		path := filepath.Join(out, "credentials", learnerFile(rec.Learner)+ext)
		signed, err := readIssued(path)
		if err != nil || !bytes.Equal(anchor.Leaf(signed), rec.LeafHash) {
			return fmt.Errorf("--resume: %s (credential %s of learner %q, row %s) is missing or changed since it was issued: restore it, or start a new batch", path, rec.CredentialID, rec.Learner, rec.Ref)
		}
	}
	return nil
}

// writeIssued writes a credential file atomically.
func writeIssued(out, name string, signed []byte, ext string, image []byte) error {
	data := signed
	if image != nil {
		var err error
		if ext == ".png" {
			data, err = bake.BakePNG(image, signed, bake.Options{Replace: true})
		} else {
			data, err = bake.BakeSVG(image, signed, bake.Options{Replace: true})
		}
		if err != nil {
			return err
		}
	} else {
		data = append(append([]byte(nil), signed...), '\n')
	}
	tmp := filepath.Join(out, name+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(out, name))
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readIssued reads a credential file back (from a baked image too).
func readIssued(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if k := bake.Detect(data); k == bake.PNG || k == bake.SVG {
		p, err := bake.Extract(data)
		if err != nil {
			return nil, err
		}
		return p.Data, nil
	}
	return bytes.TrimSpace(data), nil
}
