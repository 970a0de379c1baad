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
// many indexes it expects to need ([WithExpected]) leaves no gap
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

// defaultBlock is the block size without WithBlockSize.
const defaultBlock = 512

// BlocksOption configures [NewBlocks].
type BlocksOption func(*blocksConfig) error

type blocksConfig struct{ size, expect int }

// WithBlockSize sets the number of indexes reserved at a time, 1 to
// MaxReserve; 0 means the default, 512.
func WithBlockSize(n int) BlocksOption {
	return func(c *blocksConfig) error {
		if n < 0 || n > MaxReserve {
			return fmt.Errorf("%w: block of %d indexes (1 to %d)", ErrInvalid, n, MaxReserve)
		}
		c.size = n
		return nil
	}
}

// WithExpected says how many indexes the caller expects to take: no
// reservation goes past it (blocks shrink to fit, nothing is reserved
// ahead beyond it), so a run that takes exactly that many leaves no gap.
// Past it, Blocks reserves a block at a time again. 0 means no
// expectation; a negative number is refused.
func WithExpected(n int) BlocksOption {
	return func(c *blocksConfig) error {
		if n < 0 {
			return fmt.Errorf("%w: expecting %d indexes", ErrInvalid, n)
		}
		c.expect = n
		return nil
	}
}

// NewBlocks returns a Blocks over the list at listURL.
func NewBlocks(a Allocator, listURL string, opts ...BlocksOption) (*Blocks, error) {
	if a == nil {
		return nil, fmt.Errorf("%w: nil allocator", ErrInvalid)
	}
	if listURL == "" {
		return nil, fmt.Errorf("%w: status list URL is empty", ErrInvalid)
	}
	var cfg blocksConfig
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalid)
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.size == 0 {
		cfg.size = defaultBlock
	}
	return &Blocks{a: a, url: listURL, size: cfg.size, expect: cfg.expect}, nil
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
