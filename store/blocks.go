package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Blocks hands out the indexes of one status list from blocks it reserves
// from an [Allocator], so that bulk issuance reserves once per block and
// not once per credential. It implements status.Allocator (and so
// microcred.WithStatus), and is safe for concurrent use.
//
// When half of a block is handed out, Blocks reserves the next one in the
// background, so that issuance does not wait for the store. A process
// that dies loses the rest of its block and the block reserved ahead: a
// gap of at most two blocks, never an index given twice. Close gives both
// back when no other reservation came after them; a caller that says how
// many indexes it expects to need ([BlocksOptions.Expect]) leaves no gap
// at all when it needs that many.
type Blocks struct {
	a      Allocator
	url    string
	size   int
	expect int

	mu    sync.Mutex
	cur   Block
	used  int
	total int           // indexes reserved so far
	ahead chan reserved // the next block, being reserved; nil if none
}

type reserved struct {
	b    Block
	want int // what was asked for (and counted in total)
	err  error
}

// defaultBlock is BlocksOptions.Size's default.
const defaultBlock = 512

// BlocksOptions tune [NewBlocks]; the zero value is valid.
type BlocksOptions struct {
	// Size is the number of indexes reserved at a time, 1 to MaxReserve
	// (0: DefaultBlock).
	Size int
	// Expect, if positive, is how many indexes the caller expects to take:
	// no reservation goes past it (blocks shrink to fit, nothing is
	// reserved ahead beyond it), so a run that takes exactly that many
	// leaves no gap. Past it, Blocks reserves Size at a time again.
	Expect int
}

// NewBlocks returns a Blocks over the list at listURL.
func NewBlocks(a Allocator, listURL string, opts BlocksOptions) (*Blocks, error) {
	if a == nil {
		return nil, fmt.Errorf("%w: nil allocator", ErrInvalid)
	}
	if listURL == "" {
		return nil, fmt.Errorf("%w: status list URL is empty", ErrInvalid)
	}
	size := opts.Size
	if size == 0 {
		size = defaultBlock
	}
	if size < 1 || size > MaxReserve {
		return nil, fmt.Errorf("%w: block of %d indexes (1 to %d)", ErrInvalid, opts.Size, MaxReserve)
	}
	if opts.Expect < 0 {
		return nil, fmt.Errorf("%w: expecting %d indexes", ErrInvalid, opts.Expect)
	}
	return &Blocks{a: a, url: listURL, size: size, expect: opts.Expect}, nil
}

// nextSize is the size of the next reservation, 0 for none ahead.
func (b *Blocks) nextSize(ahead bool) int {
	if b.expect == 0 || b.total >= b.expect {
		if ahead && b.expect > 0 {
			return 0
		}
		return b.size
	}
	return min(b.size, b.expect-b.total)
}

// Allocate returns the list URL and an index never handed out before.
func (b *Blocks) Allocate(ctx context.Context) (string, int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used == b.cur.Count {
		var r reserved
		if b.ahead != nil {
			r = <-b.ahead
			b.ahead = nil
			b.total -= r.want - r.b.Count // counted when asked for
		}
		if r.err != nil || r.b.Count == 0 {
			// None reserved ahead, or that failed (perhaps for a context
			// since cancelled): reserve now, and report this error.
			r.b, r.err = b.a.Reserve(ctx, b.url, b.nextSize(false))
			if r.err == nil {
				b.total += r.b.Count
			}
		}
		if r.err != nil {
			return "", 0, r.err
		}
		if r.b.Count < 1 || r.b.ListURL != b.url {
			return "", 0, errors.New("store: allocator returned an empty or foreign block")
		}
		b.cur, b.used = r.b, 0
	}
	i := b.cur.First + b.used
	b.used++
	if n := b.nextSize(true); b.ahead == nil && n > 0 && b.size > 1 && b.used >= b.cur.Count/2 {
		// Counted now: reserved ahead is reserved (and lost in a crash).
		ch := make(chan reserved, 1)
		b.ahead = ch
		b.total += n
		go func() {
			blk, err := b.a.Reserve(context.WithoutCancel(ctx), b.url, n)
			ch <- reserved{b: blk, want: n, err: err}
		}()
	}
	return b.url, i, nil
}

// Close gives back the block reserved ahead and the unused rest of the
// current one (see [Allocator.Release]); Allocate must not be called
// after it.
func (b *Blocks) Close(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	var errs []error
	if b.ahead != nil {
		r := <-b.ahead
		b.ahead = nil
		b.total -= r.want - r.b.Count
		if r.err == nil && r.b.Count > 0 {
			errs = append(errs, b.a.Release(ctx, r.b, 0))
		}
	}
	if b.used < b.cur.Count {
		errs = append(errs, b.a.Release(ctx, b.cur, b.used))
		b.cur.Count = b.used
	}
	return errors.Join(errs...)
}
