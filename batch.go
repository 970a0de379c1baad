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
)

// BatchItem is one credential to issue in a batch.
type BatchItem struct {
	// Credential is the unsigned JSON credential (Issue's input).
	Credential []byte
	// Ref is the caller's reference (a row number, a learner id), echoed
	// in the result.
	Ref string
}

// Issued is the outcome for one batch item.
type Issued struct {
	// Seq is the item's position in the input (from 0).
	Seq int
	Ref string
	// Credential is the signed credential, exactly as Issue returns it;
	// nil when Err is set.
	Credential []byte
	// Leaf is the credential's index in the batch tree, or -1 on error.
	Leaf int64
	// Resumed is set when the credential came from BatchOptions.Done
	// (issued by an earlier, interrupted run) rather than being signed now.
	Resumed bool
	Err     error
}

// BatchProgress is reported after each item.
type BatchProgress struct {
	Done, Failed int
	Elapsed      time.Duration
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
	Done func(seq int, ref string) (signed []byte, ok bool)
	// Progress, if set, is called (from one goroutine) after each item.
	Progress func(BatchProgress)
	// RootOnly keeps only what the root needs (O(log n) memory instead of
	// ~100 bytes per credential); Batch.Receipt then fails with
	// anchor.ErrNoProofs, so build receipts later from the leaves (as
	// 'microcred receipt --batch' does).
	RootOnly bool
}

// Batch is the Merkle tree of a batch's credentials: anchor its Root, then
// hand out a Receipt per credential.
type Batch struct {
	tree *anchor.Tree
}

// Root is the batch root to anchor.
func (b *Batch) Root() ([]byte, error) { return b.tree.Root() }

// Size is the number of credentials in the tree.
func (b *Batch) Size() int64 { return int64(b.tree.Size()) }

// Receipt returns the receipt of the credential at leaf, carrying the
// anchors' evidence.
func (b *Batch) Receipt(leaf int64, anchors ...anchor.Anchor) (*anchor.Receipt, error) {
	if leaf < 0 {
		return nil, fmt.Errorf("%w: leaf %d", anchor.ErrIndexOutOfRange, leaf)
	}
	return b.tree.Receipt(uint64(leaf), anchors...)
}

// IssueBatch issues every item of in: signed on opts.Workers goroutines,
// delivered to emit in input order, each successful credential's leaf
// (anchor.Leaf) appended to the batch tree in that order. An item that
// fails (bad input, a full status list) is delivered with its error and
// the batch goes on; an error from emit, or ctx being cancelled, stops
// the batch and is returned with the Batch so far. Memory is bounded
// whatever the batch size: at most 4×Workers items are in flight, plus the
// tree (about 100 bytes per credential, kept for the receipts, or O(log n)
// with opts.RootOnly).
//
// With a status allocator that persists (status.FileAllocator), a batch
// killed midway and resumed through opts.Done issues every credential
// exactly once and never reuses a status index.
//
// Throughput: signing allocates quickly and retains little, so the
// garbage collector's default pace costs a share of the cores; a bulk run
// with GOGC=400 (debug.SetGCPercent) issues ~10% more per second (11,100
// against 9,500-10,300 OB 3.0 credentials/s on two cores in
// BenchmarkIssueBatch100k) for a peak heap still under 100 MB at 100,000
// credentials. The library
// leaves that process-wide setting to the caller; microcred batch sets it.
func (i *Issuer) IssueBatch(ctx context.Context, in iter.Seq[BatchItem], opts BatchOptions, emit func(Issued) error) (*Batch, error) {
	if in == nil || emit == nil {
		return nil, errors.New("microcred: IssueBatch needs an input and an emit function")
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
	batch := &Batch{tree: tree}
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
				if signed, ok := opts.Done(seq, item.Ref); ok {
					select {
					case results <- Issued{Seq: seq, Ref: item.Ref, Credential: signed, Resumed: true}:
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
				signed, err := i.Issue(ctx, j.item.Credential)
				r := Issued{Seq: j.seq, Ref: j.item.Ref, Credential: signed, Err: err}
				if err != nil {
					r.Credential = nil
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

	// Reorder and emit in input order; only this goroutine touches the tree.
	start := time.Now()
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
				leaf, err := tree.Append(anchor.Leaf(r.Credential))
				if err != nil {
					r.Err, r.Credential = err, nil
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
				}
			}
			<-window
			if opts.Progress != nil && stopErr == nil {
				opts.Progress(BatchProgress{Done: done, Failed: failed, Elapsed: time.Since(start)})
			}
		}
	}
	if stopErr != nil {
		return batch, stopErr
	}
	if err := ctx.Err(); err != nil {
		return batch, err
	}
	if len(pending) > 0 {
		return batch, fmt.Errorf("microcred: batch stopped with %d items undelivered", len(pending))
	}
	return batch, nil
}
