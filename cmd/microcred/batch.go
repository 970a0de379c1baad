package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/status"
	"github.com/onchaincert/microcred/vc/template"
)

// The batch output directory:
//
//	credentials/row-N.(json|jwt|png|svg)  one file per issued credential
//	manifest.jsonl   one line per issued credential, appended as it is written
//	errors.jsonl     one line per row that could not be issued
//	batch.json       the batch root, files and leaves, written at the end (the
//	                 format 'microcred batch-root' writes; 'microcred receipt
//	                 --batch DIR' reads it)
//	status-state     the status-list allocator's counter (with --status-list)
const (
	manifestFile = "manifest.jsonl"
	errorsFile   = "errors.jsonl"
	batchFile    = "batch.json"
	statusState  = "status-state"
)

// manifestEntry is one line of manifest.jsonl.
type manifestEntry struct {
	Row         int    `json:"row"`
	ID          string `json:"id"`
	File        string `json:"file"`
	Leaf        int64  `json:"leaf"`
	LeafHash    string `json:"leafHash"`
	StatusIndex int    `json:"statusIndex"`
}

type errorEntry struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

func batchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tplPath := fs.String("template", "", "credential template (JSON with {{column}} placeholders)")
	dataPath := fs.String("data", "", "learners: CSV with a header line, or JSON Lines (.jsonl)")
	keyPath := fs.String("key", "", "the issuer's key file")
	out := fs.String("out", "", "output directory")
	format := fs.String("format", "json", "json (embedded proof) or jwt (VC-JOSE-COSE)")
	bakeImage := fs.String("bake", "", "PNG or SVG badge image to bake each credential into")
	resume := fs.Bool("resume", false, "continue an interrupted batch in --out")
	workers := fs.Int("workers", 0, "signing goroutines (default: all cores)")
	statusURL := fs.String("status-list", "", "give each credential a revocation entry in the list published at this URL")
	quiet := fs.Bool("quiet", false, "no progress output")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *tplPath == "" || *dataPath == "" || *keyPath == "" || *out == "" || fs.NArg() != 0 {
		return usagef("usage: microcred batch --template T.json --data learners.csv --key K.json --out DIR [--format json|jwt] [--bake IMAGE] [--status-list URL] [--resume]")
	}
	if *format != "json" && *format != "jwt" {
		return usagef("--format %q: want json or jwt", *format)
	}
	key, err := loadKey(*keyPath)
	if err != nil {
		return err
	}
	tplData, err := readInput(*tplPath)
	if err != nil {
		return err
	}
	tplData, err = microcred.SetIssuer(tplData, key.DIDString())
	if err != nil {
		return fmt.Errorf("%s: %w", *tplPath, err)
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
	}

	// The output directory: new, or an interrupted batch to resume.
	done := map[int]manifestEntry{}
	if _, err := os.Stat(filepath.Join(*out, manifestFile)); err == nil {
		if !*resume {
			return fmt.Errorf("%s already holds a batch: pass --resume to continue it, or choose another --out", *out)
		}
		if done, err = readManifest(*out); err != nil {
			return err
		}
	} else if *resume {
		return fmt.Errorf("--resume: %s holds no batch to resume", *out)
	}
	if err := os.MkdirAll(filepath.Join(*out, "credentials"), 0o755); err != nil {
		return err
	}
	manifest, err := os.OpenFile(filepath.Join(*out, manifestFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer manifest.Close()
	errFile, err := os.Create(filepath.Join(*out, errorsFile))
	if err != nil {
		return err
	}
	defer errFile.Close()

	opts := []microcred.IssuerOption{}
	if *statusURL != "" {
		a, err := status.NewFileAllocator(filepath.Join(*out, statusState), *statusURL, status.MinBits)
		if err != nil {
			return err
		}
		if err := a.SetBlock(256); err != nil {
			return err
		}
		opts = append(opts, microcred.WithStatusAllocator(a))
	}
	if *format == "jwt" {
		opts = append(opts, microcred.WithJWT(vcjwt.FormatJOSE))
	}
	issuer, err := microcred.NewIssuer(key, opts...)
	if err != nil {
		return err
	}

	data, err := os.Open(*dataPath)
	if err != nil {
		return usagef("reading --data: %v", err)
	}
	defer data.Close()
	rows := template.ReadCSV(data)
	if strings.HasSuffix(strings.ToLower(*dataPath), ".jsonl") || strings.HasSuffix(strings.ToLower(*dataPath), ".ndjson") {
		rows = template.ReadJSONL(data)
	}
	var rowErrs int
	writeErr := func(e errorEntry) error {
		rowErrs++
		line, _ := json.Marshal(e)
		_, err := errFile.Write(append(line, '\n'))
		return err
	}
	items := func(yield func(microcred.BatchItem) bool) {
		for row, err := range rows {
			var cred []byte
			if err == nil {
				cred, err = tpl.Fill(row)
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
			if !yield(microcred.BatchItem{Credential: cred, Ref: strconv.Itoa(row.Line)}) {
				return
			}
		}
	}

	// Bulk signing allocates fast and keeps little: a lazier collector
	// (GOGC=400 unless the user set GOGC) buys ~10% throughput on two
	// cores for a heap that stays under 100 MB (see BenchmarkIssueBatch100k).
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	prog := newProgress(stderr, *quiet)
	start := time.Now()
	var info batchManifest
	batch, berr := issuer.IssueBatch(ctx, items, microcred.BatchOptions{
		Workers:  *workers,
		Progress: prog.update,
		RootOnly: true, // receipts come later from batch.json ('microcred receipt --batch')
		Done: func(_ int, ref string) ([]byte, bool) {
			row, _ := strconv.Atoi(ref)
			e, ok := done[row]
			if !ok {
				return nil, false
			}
			signed, err := readIssued(filepath.Join(*out, e.File))
			if err != nil || hex.EncodeToString(anchor.Leaf(signed)) != e.LeafHash {
				return nil, false // missing or changed on disk: issue it again
			}
			return signed, true
		},
	}, func(r microcred.Issued) error {
		row, _ := strconv.Atoi(r.Ref)
		if r.Err != nil {
			return writeErr(errorEntry{Row: row, Reason: r.Err.Error()})
		}
		info.Rows = append(info.Rows, row)
		info.Files = append(info.Files, filepath.Join("credentials", fmt.Sprintf("row-%d%s", row, ext)))
		info.Leaves = append(info.Leaves, hex.EncodeToString(anchor.Leaf(r.Credential)))
		if r.Resumed {
			return nil
		}
		return writeIssued(*out, manifest, row, r.Leaf, r.Credential, ext, image)
	})
	prog.finish()
	if berr != nil {
		return berr
	}
	root, err := batch.Root()
	if err != nil && !errors.Is(err, anchor.ErrEmptyBatch) {
		return err
	}
	info.Version, info.Mode, info.Size, info.Root, info.Created = 1, anchor.ModeRFC6962.String(), batch.Size(), hex.EncodeToString(root), time.Now().UTC().Format(time.RFC3339)
	bi, _ := json.MarshalIndent(info, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, batchFile), append(bi, '\n'), 0o644); err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "issued %d credential(s), %d row(s) failed (see %s), in %s (%.0f/s)\nbatch root (anchor this): %s\n",
		batch.Size(), rowErrs, filepath.Join(*out, errorsFile), elapsed.Round(time.Millisecond), float64(batch.Size())/elapsed.Seconds(), info.Root)
	return nil
}

// writeIssued writes a credential file atomically, then its manifest line:
// a row is issued once its line is in the manifest.
func writeIssued(out string, manifest *os.File, row int, leaf int64, signed []byte, ext string, image []byte) error {
	name := filepath.Join("credentials", fmt.Sprintf("row-%d%s", row, ext))
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
	if err := os.Rename(tmp, filepath.Join(out, name)); err != nil {
		return err
	}
	e := manifestEntry{Row: row, File: name, Leaf: leaf, LeafHash: hex.EncodeToString(anchor.Leaf(signed)), StatusIndex: -1}
	if c, err := parseIssued(signed); err == nil {
		e.ID = c.ID()
		for _, raw := range c.Status() {
			var st struct {
				Index string `json:"statusListIndex"`
			}
			if json.Unmarshal(raw, &st) == nil && st.Index != "" {
				e.StatusIndex, _ = strconv.Atoi(st.Index)
			}
		}
	}
	line, _ := json.Marshal(e)
	_, err := manifest.Write(append(line, '\n'))
	return err
}

// parseIssued parses a credential given as JSON or a JWT.
func parseIssued(signed []byte) (*vc.Credential, error) {
	if vcjwt.IsCompactJWS(bytes.TrimSpace(signed)) {
		c, _, err := vcjwt.UnsafeCredentialWithoutVerification(string(bytes.TrimSpace(signed)))
		if err != nil {
			return nil, err
		}
		return vc.ParseCredential(c)
	}
	return vc.ParseCredential(signed)
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

// readManifest reads the rows an earlier run finished. A last line cut
// short by a crash is ignored (that row is issued again).
func readManifest(out string) (map[int]manifestEntry, error) {
	f, err := os.Open(filepath.Join(out, manifestFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	done := map[int]manifestEntry{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e manifestEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		done[e.Row] = e
	}
	return done, sc.Err()
}

// progress draws a bar on a terminal and plain lines otherwise.
type progress struct {
	w        io.Writer
	tty      bool
	quiet    bool
	last     time.Time
	lastLine int
	cur      microcred.BatchProgress
}

func newProgress(w io.Writer, quiet bool) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, tty: tty, quiet: quiet}
}

func (p *progress) update(b microcred.BatchProgress) {
	p.cur = b
	if p.quiet {
		return
	}
	n := b.Done + b.Failed
	rate := float64(b.Done) / b.Elapsed.Seconds()
	if p.tty {
		if time.Since(p.last) < 100*time.Millisecond {
			return
		}
		p.last = time.Now()
		spin := n / 97 % 20
		fmt.Fprintf(p.w, "\r[%s>%s] %d issued, %d failed, %.0f/s ", strings.Repeat("=", spin), strings.Repeat(" ", 19-spin), b.Done, b.Failed, rate)
		return
	}
	if time.Since(p.last) >= 5*time.Second || n-p.lastLine >= 10000 {
		p.last, p.lastLine = time.Now(), n
		fmt.Fprintf(p.w, "batch: %d issued, %d failed, %.0f/s\n", b.Done, b.Failed, rate)
	}
}

func (p *progress) finish() {
	if p.tty && !p.quiet {
		fmt.Fprintln(p.w)
	}
}
