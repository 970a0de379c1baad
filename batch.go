package microcred

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"time"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/store"
)

// BatchItem is one credential to issue in a batch.
type BatchItem struct {
	// Credential is the unsigned JSON credential (Issue's input).
	Credential []byte
	// Ref is the caller's reference (a row number), echoed in the result
	// and logged.
	Ref string
	// Learner is the learner identifier as the caller has it (an email, a
	// student number), echoed in the result and logged.
	Learner string
}

// Issued is the outcome for one batch item.
type Issued struct {
	// Seq is the item's position in the input (from 0).
	Seq     int
	Ref     string
	Learner string
	// Credential is the signed credential, exactly as Issue returns it;
	// nil when Err is set.
	Credential []byte
	// ID is the credential's id; StatusListURL and StatusIndex the status
	// entry Issue added ("" and -1 for none). Not set when Resumed.
	ID            string
	StatusListURL string
	StatusIndex   int
	// Leaf is the credential's index in the batch tree, or -1 on error;
	// LeafHash its leaf (anchor.Leaf of Credential).
	Leaf     int64
	LeafHash []byte
	// Resumed is set when the credential came from BatchOptions.Done
	// (issued by an earlier, interrupted run) rather than being signed now.
	Resumed bool
	Err     error
}

// BatchOptions tune [Issuer.IssueBatch]; the zero value is valid.
type BatchOptions struct {
	// Workers is the number of signing goroutines; 0 means GOMAXPROCS.
	Workers int
	// Mode is the batch tree's; zero means anchor.ModeRFC6962.
	Mode anchor.Mode
	// Done lets an interrupted batch resume: for an item an earlier run
	// already issued it returns that run's signed credential, which is
	// put in the tree again at the same place and not signed twice. It is
	// called from the goroutine reading the input, concurrently with emit.
	Done func(seq int, item BatchItem) (signed []byte, ok bool)
	// Progress, if set, is called (from one goroutine) after each item
	// with the numbers of items issued and failed so far.
	Progress func(done, failed int)
	// Log, if set, records every credential signed in this run (not the
	// resumed ones) in the issued-credential log, after emit has returned
	// for it: a credential is issued once its record is committed. Records
	// go in groups of LogGroup, one transaction each, written while the
	// next credentials are signed, and at least every LogInterval; what
	// was emitted is recorded before IssueBatch returns, even when ctx is
	// cancelled. An error from Log stops the batch and is returned.
	// Any store.Log (and so every store.Store) is one.
	Log interface {
		// Record commits recs in one transaction.
		Record(ctx context.Context, recs []store.Record) error
	}
	// BatchID is the batch run the records belong to (store.Record.Batch).
	BatchID string
	// LogGroup is the number of records per transaction: 0 means
	// 512; at most store.MaxRecords. A record waits at most a second in
	// memory before it is written.
	LogGroup int
	// RootOnly keeps only what the root needs (O(log n) memory instead of
	// ~100 bytes per credential); Batch.Receipt then fails with
	// anchor.ErrNoProofs, so build receipts later from the leaves (as
	// 'microcred receipt --batch' does).
	RootOnly bool
}

// defaultLogGroup is BatchOptions.LogGroup's default, and logInterval the
// longest a record waits in memory before it is written.
const (
	defaultLogGroup = 512
	logInterval     = time.Second
)

// IssueBatch issues every item of in and returns the batch's Merkle tree:
// anchor its Root, then hand out a Receipt per credential (at the index
// Issued.Leaf). Items are signed on opts.Workers goroutines,
// delivered to emit in input order, each successful credential's leaf
// (anchor.Leaf) appended to the batch tree in that order. An item that
// fails (bad input, a full status list) is delivered with its error and
// the batch goes on; an error from emit, or ctx being cancelled, stops
// the batch and is returned with the Batch so far. Memory is bounded
// whatever the batch size: at most 4×Workers items are in flight, plus the
// tree (about 100 bytes per credential, kept for the receipts, or O(log n)
// with opts.RootOnly).
//
// With a status allocator that persists (store.Blocks over a store.Store)
// and opts.Log, a batch killed midway and resumed through opts.Done issues
// every credential exactly once and never reuses a status index: an index
// is reserved before it is used, and a credential counts as issued once
// its record is committed (rows emitted but not yet recorded when the
// process died are signed again, with new indexes; the old ones are gaps).
//
// Throughput: signing allocates quickly and retains little, so the
// garbage collector's default pace costs a share of the cores; a bulk run
// with GOGC=400 (debug.SetGCPercent) issues ~10% more per second (11,100
// against 9,500-10,300 OB 3.0 credentials/s on two cores in
// BenchmarkIssueBatch100k) for a peak heap still under 100 MB at 100,000
// credentials. The library
// leaves that process-wide setting to the caller; microcred batch sets it.
func (i *Issuer) IssueBatch(ctx context.Context, in iter.Seq[BatchItem], opts BatchOptions, emit func(Issued) error) (*anchor.Tree, error) {
	if in == nil || emit == nil {
		return nil, errors.New("microcred: IssueBatch needs an input and an emit function")
	}
	group := opts.LogGroup
	if group == 0 {
		group = defaultLogGroup
	}
	if group < 0 || group > store.MaxRecords {
		return nil, fmt.Errorf("microcred: BatchOptions.LogGroup %d (1 to %d)", opts.LogGroup, store.MaxRecords)
	}
	mode := opts.Mode
	if mode == 0 {
		mode = anchor.ModeRFC6962
	}
	newTree := anchor.NewTree
	if opts.RootOnly {
		newTree = anchor.NewRootTree
	}
	tree, err := newTree(mode)
	if err != nil {
		return nil, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type job struct {
		seq  int
		item BatchItem
	}
	jobs := make(chan job)
	results := make(chan Issued, workers)
	window := make(chan struct{}, 4*workers) // items in flight

	// Producer: reads the input, assigns positions, resumes done items.
	go func() {
		defer close(jobs)
		seq := 0
		for item := range in {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			if opts.Done != nil {
				if signed, ok := opts.Done(seq, item); ok {
					select {
					case results <- Issued{Seq: seq, Ref: item.Ref, Learner: item.Learner, Credential: signed, StatusIndex: -1, Resumed: true}:
					case <-ctx.Done():
						return
					}
					seq++
					continue
				}
			}
			select {
			case jobs <- job{seq, item}:
			case <-ctx.Done():
				return
			}
			seq++
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				signed, meta, err := i.issue(ctx, j.item.Credential)
				r := Issued{Seq: j.seq, Ref: j.item.Ref, Learner: j.item.Learner, Credential: signed, ID: meta.id,
					StatusListURL: meta.listURL, StatusIndex: meta.index, Err: err}
				if err != nil {
					r.Credential, r.ID, r.StatusListURL, r.StatusIndex = nil, "", "", -1
				}
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	// The log writer: groups of records, one transaction each, committed
	// while the next credentials are signed. It keeps going after ctx is
	// cancelled: what was emitted is recorded.
	var (
		logCh   chan []store.Record
		logDone chan struct{}
		logMu   sync.Mutex
		logErr  error
	)
	if opts.Log != nil {
		logCh, logDone = make(chan []store.Record, 2), make(chan struct{})
		logCtx := context.WithoutCancel(ctx)
		go func() {
			defer close(logDone)
			for recs := range logCh {
				logMu.Lock()
				failed := logErr != nil
				logMu.Unlock()
				if failed {
					continue
				}
				if err := opts.Log.Record(logCtx, recs); err != nil {
					logMu.Lock()
					logErr = fmt.Errorf("microcred: logging issued credentials: %w", err)
					logMu.Unlock()
					cancel()
				}
			}
		}()
	}
	var recs []store.Record
	lastFlush := time.Now()
	flush := func() {
		if len(recs) > 0 {
			logCh <- recs
			recs, lastFlush = nil, time.Now()
		}
	}

	// Reorder and emit in input order; only this goroutine touches the tree.
	pending := map[int]Issued{}
	next, done, failed := 0, 0, 0
	var stopErr error
	for r := range results {
		pending[r.Seq] = r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			r.Leaf = -1
			if r.Err == nil {
				r.LeafHash = anchor.Leaf(r.Credential)
				leaf, err := tree.Append(r.LeafHash)
				if err != nil {
					r.Err, r.Credential, r.LeafHash = err, nil, nil
				} else {
					r.Leaf = int64(leaf)
				}
			}
			if r.Err != nil {
				failed++
			} else {
				done++
			}
			if stopErr == nil {
				if err := emit(r); err != nil {
					stopErr = err
					cancel()
				} else if logCh != nil && r.Err == nil && !r.Resumed {
					recs = append(recs, store.Record{CredentialID: r.ID, Learner: r.Learner, ListURL: r.StatusListURL, Index: r.StatusIndex,
						Batch: opts.BatchID, Seq: r.Seq, Ref: r.Ref, LeafHash: r.LeafHash, IssuedAt: i.cfg.clock().UTC()})
					if len(recs) >= group || time.Since(lastFlush) >= logInterval {
						flush()
					}
				}
			}
			<-window
			if opts.Progress != nil && stopErr == nil {
				opts.Progress(done, failed)
			}
		}
	}
	if logCh != nil {
		flush()
		close(logCh)
		<-logDone
		if logErr != nil && stopErr == nil {
			return tree, logErr
		}
	}
	if stopErr != nil {
		return tree, stopErr
	}
	if err := ctx.Err(); err != nil {
		return tree, err
	}
	if len(pending) > 0 {
		return tree, fmt.Errorf("microcred: batch stopped with %d items undelivered", len(pending))
	}
	return tree, nil
}
