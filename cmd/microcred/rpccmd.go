package main

// Evidence plumbing against a node the user runs: anchor btc|eth send
// broadcast through it, receipt --rpc waits for confirmations and
// fetches the block, the headers and (Ethereum) the transactions-trie
// proof from it, receipt --refresh adds newer headers. The node's
// answers are input like any other: block and header bytes are hashed
// here and compared with the hashes asked for, transactions are parsed
// and their ids computed, and every receipt written is verified before
// it is written.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/cmd/microcred/internal/jsonrpc"
)

// rpcPasswordEnv holds the RPC password with --rpc-user (a password in
// the URL shows in the process list).
const rpcPasswordEnv = "MICROCRED_RPC_PASSWORD"

// rpcFlags are the node connection flags shared by the commands that
// talk to one.
type rpcFlags struct {
	url     string
	cookie  string
	user    string
	timeout time.Duration
}

func (f *rpcFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "rpc", "", "URL of the JSON-RPC endpoint of a node you run, e.g. http://127.0.0.1:8332 (bitcoind, btcd) or http://127.0.0.1:8545 (Ethereum)")
	fs.StringVar(&f.cookie, "rpc-cookie", "", "FILE: bitcoind's .cookie file for RPC authentication")
	fs.StringVar(&f.user, "rpc-user", "", "RPC user (the password is read from $"+rpcPasswordEnv+")")
	fs.DurationVar(&f.timeout, "rpc-timeout", jsonrpc.DefaultTimeout, "time limit of each RPC call")
}

// client returns a client for the node, or a usage error.
func (f *rpcFlags) client(version string) (*jsonrpc.Client, error) {
	if f.url == "" {
		return nil, usagef("--rpc URL is required")
	}
	o := jsonrpc.Options{Version: version, Timeout: f.timeout, CookieFile: f.cookie, User: f.user}
	if f.user != "" {
		o.Password = os.Getenv(rpcPasswordEnv)
	}
	c, err := jsonrpc.New(f.url, o)
	if err != nil {
		return nil, usagef("--rpc: %v", err)
	}
	return c, nil
}

// waitFlags are receipt's flags for waiting on confirmations.
type waitFlags struct {
	rpc       rpcFlags
	confirm   int
	timeout   time.Duration
	poll      time.Duration
	refresh   bool
	checkpts  stringList
	searchMax int
}

func (w *waitFlags) register(fs *flag.FlagSet) {
	w.rpc.register(fs)
	fs.IntVar(&w.confirm, "wait", 0, "with --rpc: wait until the transaction has N confirmations, then write receipts with the anchor block and N-1 later headers (default 1)")
	fs.DurationVar(&w.timeout, "timeout", 2*time.Hour, "with --wait: give up after this long")
	fs.DurationVar(&w.poll, "poll", 5*time.Second, "with --wait: how often to ask the node")
	fs.BoolVar(&w.refresh, "refresh", false, "with --rpc: add the node's newer linked headers to the receipts given as arguments (up to --wait N headers in all, default as many as the node has, at most 2016)")
	fs.Var(&w.checkpts, "checkpoint", "CHAIN:BLOCKHASH a block you trust, for the self-check of the receipts written (Ethereum L3 needs one; with --rpc the node's newest header fetched is trusted)")
	fs.IntVar(&w.searchMax, "search-depth", 1000, "with --rpc (Bitcoin): how many recent blocks to search for the transaction when the node has no transaction index")
}

// used reports whether an RPC flag was given.
func (w *waitFlags) used() bool {
	return w.rpc.url != "" || w.confirm != 0 || w.refresh
}

// maxRefreshHeaders caps the headers --refresh keeps per anchor: two
// weeks of Bitcoin blocks, far past any confirmation count in use.
const maxRefreshHeaders = 2016

// rpcEvidence fetches the evidence of txid on chain from the node: it
// waits for w.confirm confirmations and returns the anchor and the
// checkpoints the self-check may trust (for Ethereum, the newest header
// fetched: the node the user runs vouches for it).
func (w *waitFlags) rpcEvidence(ctx context.Context, chain anchor.Chain, txid string, stderr io.Writer) (anchor.Anchor, []anchor.Checkpoint, error) {
	if chain == anchor.ChainMock {
		return anchor.Anchor{}, nil, usagef("--rpc: a mock anchor is on no chain")
	}
	if w.confirm == 0 {
		w.confirm = 1
	}
	if w.confirm < 1 || w.confirm > maxRefreshHeaders {
		return anchor.Anchor{}, nil, usagef("--wait must be in [1, %d]", maxRefreshHeaders)
	}
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	if isBitcoin(chain) {
		c, err := w.rpc.client("1.0")
		if err != nil {
			return anchor.Anchor{}, nil, err
		}
		n := &btcNode{c: c}
		if err := n.checkChain(ctx, chain); err != nil {
			return anchor.Anchor{}, nil, err
		}
		an, err := n.evidence(ctx, chain, txid, w, stderr)
		if err != nil && ctx.Err() != nil {
			// The deadline fell during a call rather than between polls.
			return anchor.Anchor{}, nil, waitErr(ctx, "waiting for "+txid, w)
		}
		return an, nil, err
	}
	c, err := w.rpc.client("2.0")
	if err != nil {
		return anchor.Anchor{}, nil, err
	}
	n := &ethNode{c: c}
	if _, err := n.checkChain(ctx, chain); err != nil {
		return anchor.Anchor{}, nil, err
	}
	an, tip, err := n.evidence(ctx, chain, txid, w, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return anchor.Anchor{}, nil, waitErr(ctx, "waiting for "+txid, w)
		}
		return anchor.Anchor{}, nil, err
	}
	fmt.Fprintf(stderr, "trusted for the self-check: the node's block %s; verify with --checkpoint %s:%s (from a node you run)\n", tip, chain, tip)
	return an, []anchor.Checkpoint{{Chain: chain, BlockHash: tip}}, nil
}

// selfCheckpoints parses --checkpoint for receipt (CHAIN:HASH).
func (w *waitFlags) selfCheckpoints() ([]anchor.Checkpoint, error) {
	o := receiptOptions{checkpoints: w.checkpts}
	return o.parseCheckpoints()
}

// waitErr turns a context deadline into a message about --timeout.
func waitErr(ctx context.Context, what string, w *waitFlags) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s: gave up after --timeout %s", what, w.timeout)
	}
	return ctx.Err()
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// receiptRefresh adds newer linked headers to each receipt file given
// and writes it back (after its self-check) in place.
func receiptRefresh(ctx context.Context, w *waitFlags, files []string, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		return usagef("--refresh takes the receipt files to refresh")
	}
	if w.confirm < 0 || w.confirm > maxRefreshHeaders {
		return usagef("--wait must be in [1, %d]", maxRefreshHeaders)
	}
	limit := maxRefreshHeaders
	if w.confirm > 0 {
		limit = w.confirm
	}
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	cps, err := w.selfCheckpoints()
	if err != nil {
		return err
	}
	done := map[string]bool{} // slim receipts already rewritten with their evidence
	for _, path := range files {
		if done[filepath.Clean(path)] {
			continue
		}
		data, err := readSmallFile(path, "receipt")
		if err != nil {
			return err
		}
		r, err := anchor.ParseReceipt(data)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if r.Evidence != nil {
			if err := refreshShared(ctx, w, path, r, limit, cps, done, stdout, stderr); err != nil {
				return err
			}
			continue
		}
		self, err := w.extendAnchors(ctx, path, r.Anchors, limit, cps, stderr)
		if err != nil {
			return err
		}
		a, err := checkRefreshed(r, self)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		out, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		if err := writeFileAtomic(path, append(out, '\n')); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s %s confirmations %d\n", path, a.Level, a.Confirmations)
	}
	return nil
}

// refreshShared refreshes a slim receipt's shared evidence: the newer
// headers go into the batch's evidence file once, and every slim receipt
// that referenced the old evidence (the one given, and every other
// *.receipt.json under the evidence file's directory) is rewritten to
// reference the new bytes. Leaving one behind would break it: its
// reference is the old evidence's SHA-256. Everything is built and
// checked before anything is written.
func refreshShared(ctx context.Context, w *waitFlags, path string, r *anchor.Receipt, limit int, cps []anchor.Checkpoint, done map[string]bool, stdout, stderr io.Writer) error {
	old, found, err := readSharedEvidence("", path, r.Evidence)
	if err != nil || !found {
		if err == nil {
			err = errors.New("shared evidence not found")
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	full, err := r.WithEvidence(old)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	evPath := filepath.Join(filepath.Dir(path), filepath.FromSlash(r.Evidence.Name))
	self, err := w.extendAnchors(ctx, evPath, full.Anchors, limit, cps, stderr)
	if err != nil {
		return err
	}
	ev, err := anchor.ParseEvidence(old)
	if err != nil {
		return fmt.Errorf("%s: %w", evPath, err)
	}
	ev.Anchors = full.Anchors
	fresh, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return err
	}
	fresh = append(fresh, '\n')

	// The receipts that reference the old evidence: the one given and
	// every other one under the evidence file's directory.
	oldSum := r.Evidence.SHA256
	type rewrite struct {
		path string
		js   []byte
		a    *anchor.Assurance
	}
	var rewrites []rewrite
	add := func(p string, rc *anchor.Receipt) error {
		ref, err := anchor.NewEvidenceRef(fresh, rc.Evidence.Name)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rc.Evidence = &ref
		full, err := rc.WithEvidence(fresh)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		a, err := checkRefreshed(full, self)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		js, err := json.MarshalIndent(rc, "", "  ")
		if err != nil {
			return err
		}
		rewrites = append(rewrites, rewrite{p, append(js, '\n'), a})
		return nil
	}
	if err := add(path, r); err != nil {
		return err
	}
	evAbs, _ := filepath.Abs(evPath)
	walkErr := filepath.WalkDir(filepath.Dir(evPath), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, receiptSuffix) || filepath.Clean(p) == filepath.Clean(path) {
			return err
		}
		data, err := readSmallFile(p, "receipt")
		if err != nil {
			return nil // not ours to judge: left as it is
		}
		rc, err := anchor.ParseReceipt(data)
		if err != nil || rc.Evidence == nil || !bytes.Equal(rc.Evidence.SHA256, oldSum) {
			return nil
		}
		if ref, _ := filepath.Abs(filepath.Join(filepath.Dir(p), filepath.FromSlash(rc.Evidence.Name))); ref != evAbs {
			return nil
		}
		return add(p, rc)
	})
	if walkErr != nil {
		return walkErr
	}
	if err := writeFileAtomic(evPath, fresh); err != nil {
		return err
	}
	for _, rw := range rewrites {
		if err := writeFileAtomic(rw.path, rw.js); err != nil {
			return err
		}
		done[filepath.Clean(rw.path)] = true
		fmt.Fprintf(stdout, "%s %s confirmations %d\n", rw.path, rw.a.Level, rw.a.Confirmations)
	}
	fmt.Fprintf(stdout, "%s shared evidence refreshed (%d receipts reference it)\n", evPath, len(rewrites))
	return nil
}

// extendAnchors appends the node's newer linked headers to each anchor
// (where names the file in messages) and returns the checkpoints the
// self-check may trust: those given, and for Ethereum the node's tip.
func (w *waitFlags) extendAnchors(ctx context.Context, where string, anchors []anchor.Anchor, limit int, cps []anchor.Checkpoint, stderr io.Writer) ([]anchor.Checkpoint, error) {
	self := append([]anchor.Checkpoint(nil), cps...)
	for i := range anchors {
		an := &anchors[i]
		if len(an.Headers) == 0 {
			return nil, fmt.Errorf("%s: anchor %d has no block header to refresh from (write it with receipt --rpc --wait)", where, i)
		}
		var added int
		switch {
		case isBitcoin(an.Chain):
			c, err := w.rpc.client("1.0")
			if err != nil {
				return nil, err
			}
			n := &btcNode{c: c}
			if err := n.checkChain(ctx, an.Chain); err != nil {
				return nil, err
			}
			if added, err = n.extend(ctx, an, limit); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		case isEthereum(an.Chain):
			c, err := w.rpc.client("2.0")
			if err != nil {
				return nil, err
			}
			n := &ethNode{c: c}
			if _, err := n.checkChain(ctx, an.Chain); err != nil {
				return nil, err
			}
			tip, n2, err := n.extend(ctx, an, limit)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			added = n2
			self = append(self, anchor.Checkpoint{Chain: an.Chain, BlockHash: tip})
			fmt.Fprintf(stderr, "%s: trusted for the self-check: the node's block %s; verify with --checkpoint %s:%s\n", where, tip, an.Chain, tip)
		default:
			return nil, fmt.Errorf("%s: anchor %d on %s cannot be refreshed", where, i, an.Chain)
		}
		fmt.Fprintf(stderr, "%s: anchor %d: %d new headers, %d in all\n", where, i, added, len(an.Headers))
	}
	return self, nil
}

// checkRefreshed verifies a refreshed full receipt as the writer checks
// one: the evidence must hold to L3 (any floor down to the chain's
// proof-of-work limit; the verifier decides what the work is worth).
func checkRefreshed(r *anchor.Receipt, self []anchor.Checkpoint) (*anchor.Assurance, error) {
	opts := anchor.VerifyOptions{Leaf: r.Leaf, Checkpoints: self}
	if c := r.Anchors[0].Chain; isBitcoin(c) {
		opts.Floors, opts.LowerFloorsUnsafe = []anchor.Floor{{Chain: c, MaxBits: powLimitBits(c)}}, true
	}
	a, err := r.Verify(opts)
	if err != nil {
		return nil, err
	}
	if a.Level < anchor.L3 {
		return nil, fmt.Errorf("the refreshed receipt does not hold (reached %s): %w", a.Level, a.Reason)
	}
	return a, nil
}

// parseQuantity reads an Ethereum JSON-RPC quantity ("0x1a"): hex
// without leading zeros, at most bits wide.
func parseQuantity(field, s string, bits int) (*big.Int, error) {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok || h == "" || len(h) > bits/4 || (len(h) > 1 && h[0] == '0') {
		return nil, fmt.Errorf("%s: %q is not a quantity (0x, hex, at most %d bits)", field, truncate(s), bits)
	}
	v, ok := new(big.Int).SetString(h, 16)
	if !ok {
		return nil, fmt.Errorf("%s: %q is not hex", field, truncate(s))
	}
	return v, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
