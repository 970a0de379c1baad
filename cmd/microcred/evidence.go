package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/onchaincert/microcred/anchor"
)

// evidenceFileName is the batch's shared evidence file that microcred
// receipt writes in --out (unless --shared-evidence=false): the anchor's
// transaction, branch and headers once, which every slim receipt
// references by SHA-256 and relative name.
const evidenceFileName = "batch.evidence.json"

// writeSharedReceipts writes the batch's shared evidence to
// out/batch.evidence.json and one slim receipt per credential that
// references it. Each receipt is checked as a verifier will check it
// (the evidence bytes written, by their hash) and must reach want; check
// gives the options. An evidence file already in out with other bytes
// (another batch's) is refused: overwriting it would break the receipts
// that reference it.
func writeSharedReceipts(b *batch, an anchor.Anchor, out string, want anchor.Level, opts anchor.VerifyOptions, stdout io.Writer) error {
	ev, err := b.tree.Evidence(an)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	evPath := filepath.Join(out, evidenceFileName)
	if old, err := os.ReadFile(evPath); err == nil && !bytes.Equal(old, data) {
		return fmt.Errorf("%s exists with other evidence (another batch's?); use a new --out directory per batch", evPath)
	}
	// Every receipt is made and checked before anything is written, so a
	// refused run leaves no evidence file behind.
	type written struct {
		path  string
		js    []byte
		level anchor.Level
	}
	var files []written
	for i, name := range b.files {
		path := filepath.Join(out, name+receiptSuffix)
		rel, err := filepath.Rel(filepath.Dir(path), evPath)
		if err != nil {
			return err
		}
		ref, err := anchor.NewEvidenceRef(data, filepath.ToSlash(rel))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		r, err := b.tree.SharedReceipt(uint64(i), ref)
		if err != nil {
			return err
		}
		opts.Leaf = r.Leaf
		a, err := r.VerifyEvidence(data, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if a.Level < want {
			return fmt.Errorf("the evidence does not hold (reached %s, the evidence given should reach %s): %w", a.Level, want, a.Reason)
		}
		js, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		files = append(files, written{path: path, js: append(js, '\n'), level: a.Level})
	}
	if err := os.WriteFile(evPath, data, 0o644); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f.path, f.js, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s %s\n", f.path, f.level)
	}
	fmt.Fprintf(stdout, "%s shared evidence\n", evPath)
	return nil
}

// readSharedEvidence returns the bytes of the evidence a slim receipt at
// receiptPath references: the file given (--evidence), or the one its
// name points to beside the receipt. It reads at most one byte more than
// anchor.MaxEvidenceBytes, so the verifier reports an oversized file as
// such. A file given that cannot be read is a usage error (exit 2); one
// the receipt points to that is missing or not a regular file is
// reported as a failed anchor check (found false, err says why).
func readSharedEvidence(given, receiptPath string, ref *anchor.EvidenceRef) (data []byte, found bool, err error) {
	path := given
	if path == "" {
		path = filepath.Join(filepath.Dir(receiptPath), filepath.FromSlash(ref.Name))
		st, err := os.Stat(path)
		if err != nil || !st.Mode().IsRegular() {
			return nil, false, fmt.Errorf("%w: evidence: the receipt references %s, not found as a file beside it (%s); give --evidence FILE", anchor.ErrNoEvidence, ref.Name, path)
		}
	}
	var r io.Reader
	if path == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			if given != "" {
				return nil, false, usagef("--evidence: %v", err)
			}
			return nil, false, fmt.Errorf("%w: evidence: %v", anchor.ErrNoEvidence, err)
		}
		defer f.Close()
		r = f
	}
	data, err = io.ReadAll(io.LimitReader(r, anchor.MaxEvidenceBytes+1))
	if err != nil {
		if given != "" {
			return nil, false, usagef("--evidence: %v", err)
		}
		return nil, false, fmt.Errorf("%w: evidence: %v", anchor.ErrNoEvidence, err)
	}
	return data, true, nil
}

// verifyReceipt grades a parsed receipt: a slim one with its shared
// evidence (readSharedEvidence), a full one as it is. A usage error
// (an --evidence file that cannot be read, --evidence for a full
// receipt) is returned as such; everything else as the receipt's result.
func verifyReceipt(r *anchor.Receipt, o *receiptOptions, opts anchor.VerifyOptions) (*anchor.Assurance, error) {
	if r.Evidence == nil {
		if o.evidence != "" {
			return nil, usagef("--evidence: %s carries its own evidence (it references no shared evidence file)", o.path)
		}
		return r.Verify(opts)
	}
	data, found, err := readSharedEvidence(o.evidence, o.path, r.Evidence)
	if !found {
		return &anchor.Assurance{Level: anchor.LevelNone, Anchor: -1, Reason: err}, err
	}
	return r.VerifyEvidence(data, opts)
}
