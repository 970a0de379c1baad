package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/onchaincert/microcred/anchor"
)

// A batch directory holds the signed credential files of one anchored
// batch, byte for byte as issued, and batchManifestName, written by
// batch-root:
//
//	{"version":1, "mode":"rfc6962", "files":["a.json",…],
//	 "leaves":[hex32,…], "root":hex32}
//
// Leaf i is SHA-256 of the exact bytes of files[i] (package anchor's
// RFC 6962 leaf), and root is the RFC 6962 root of the leaves in order.
const batchManifestName = "batch.json"

type batchManifest struct {
	Version int      `json:"version"`
	Mode    string   `json:"mode"`
	Files   []string `json:"files"`
	Leaves  []string `json:"leaves"`
	Root    string   `json:"root"`
	// Written by 'microcred batch': the source rows of Files, the batch
	// size and when it was made.
	Rows    []int  `json:"rows,omitempty"`
	Size    int64  `json:"size,omitempty"`
	Created string `json:"created,omitempty"`
}

// batchLeaf is the anchor leaf of a credential (anchor.Leaf: SHA-256 of
// its bytes as issued, surrounding whitespace removed).
func batchLeaf(cred []byte) []byte { return anchor.Leaf(cred) }

func batchRoot(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("batch-root", stderr)
	out := fs.String("out", "", "batch directory to write (created if missing): the credential files and batch.json")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if fs.NArg() == 0 {
		return usagef("batch-root takes at least one signed credential file")
	}
	if _, err := os.Stat(filepath.Join(*out, batchManifestName)); err == nil {
		return fmt.Errorf("%s already holds a %s; use a new directory per batch", *out, batchManifestName)
	}
	tree, err := anchor.NewRootTree(anchor.ModeRFC6962)
	if err != nil {
		return err
	}
	m := batchManifest{Version: 1, Mode: anchor.ModeRFC6962.String()}
	seen := map[string]bool{}
	var contents [][]byte
	if err := stdinOnce(fs.Args()...); err != nil {
		return err
	}
	for _, path := range fs.Args() {
		name := filepath.Base(path)
		if !credentialFileName(name) {
			return usagef("%s: credential files must end in .json or .jwt", path)
		}
		if name == batchManifestName {
			return usagef("%s: a credential file cannot be called %s", path, batchManifestName)
		}
		if seen[name] {
			return usagef("two files are named %s; a batch directory needs distinct names", name)
		}
		seen[name] = true
		data, err := readInput(path)
		if err != nil {
			return err
		}
		leaf := batchLeaf(data)
		if _, err := tree.Append(leaf); err != nil {
			return err
		}
		m.Files = append(m.Files, name)
		m.Leaves = append(m.Leaves, hex.EncodeToString(leaf))
		contents = append(contents, data)
	}
	root, err := tree.Root()
	if err != nil {
		return err
	}
	m.Root = hex.EncodeToString(root)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for i, name := range m.Files {
		if err := writeBatchFile(filepath.Join(*out, name), contents[i]); err != nil {
			return err
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, batchManifestName), append(data, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, m.Root)
	fmt.Fprintf(stderr, "%d credentials in %s; anchor this root, then run microcred receipt --batch %s ...\n", len(m.Files), *out, *out)
	return nil
}

func credentialFileName(name string) bool {
	for _, ext := range []string{".json", ".jwt", ".png", ".svg"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// writeBatchFile copies a credential into the batch directory; a file
// already there must have the same bytes.
func writeBatchFile(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil {
		if !bytes.Equal(old, data) {
			return fmt.Errorf("%s exists with other contents", path)
		}
		return nil
	}
	return os.WriteFile(path, data, 0o644)
}

// batch is a batch directory read back and checked.
type batch struct {
	dir   string
	files []string
	tree  *anchor.Tree
	root  []byte
}

// readBatch reads DIR/batch.json, re-hashes every credential file and
// rebuilds the tree: a changed file or a manifest whose root is not the
// tree's is an error.
func readBatch(dir string) (*batch, error) {
	data, err := os.ReadFile(filepath.Join(dir, batchManifestName))
	if err != nil {
		return nil, usagef("--batch: %v (write one with microcred batch-root)", err)
	}
	var m batchManifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: malformed batch manifest: %v", dir, err)
	}
	if m.Version != 1 || m.Mode != anchor.ModeRFC6962.String() {
		return nil, fmt.Errorf("%s: unsupported batch manifest (version %d, mode %q)", dir, m.Version, m.Mode)
	}
	if len(m.Files) == 0 || len(m.Files) != len(m.Leaves) {
		return nil, fmt.Errorf("%s: batch manifest lists %d files and %d leaves", dir, len(m.Files), len(m.Leaves))
	}
	tree, err := anchor.NewTree(anchor.ModeRFC6962)
	if err != nil {
		return nil, err
	}
	for i, name := range m.Files {
		if !filepath.IsLocal(name) || !credentialFileName(name) {
			return nil, fmt.Errorf("%s: batch manifest names %q, not a credential file in the directory", dir, name)
		}
		cred, err := readIssued(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		leaf := batchLeaf(cred)
		if hex.EncodeToString(leaf) != m.Leaves[i] {
			return nil, fmt.Errorf("%s: %s does not hash to its leaf in %s (changed after batch-root?)", dir, name, batchManifestName)
		}
		if _, err := tree.Append(leaf); err != nil {
			return nil, err
		}
	}
	root, err := tree.Root()
	if err != nil {
		return nil, err
	}
	if hex.EncodeToString(root) != m.Root {
		return nil, errors.New(dir + ": the leaves do not make the root in " + batchManifestName)
	}
	return &batch{dir: dir, files: m.Files, tree: tree, root: root}, nil
}
