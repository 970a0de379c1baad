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
// microcred.WithStatusAllocator).
//
// A process that dies loses the rest of its block: a gap in the list,
// never an index given twice. Close gives the rest back when no other
// reservation came after it.
type Blocks struct {
	a    Allocator
	url  string
	size int

	mu   sync.Mutex
	cur  Block
	used int
}

// NewBlocks returns a Blocks reserving size (1 to MaxReserve) indexes of
// the list at listURL at a time.
func NewBlocks(a Allocator, listURL string, size int) (*Blocks, error) {
	if a == nil {
		return nil, fmt.Errorf("%w: nil allocator", ErrInvalid)
	}
	if listURL == "" {
		return nil, fmt.Errorf("%w: status list URL is empty", ErrInvalid)
	}
	if size < 1 || size > MaxReserve {
		return nil, fmt.Errorf("%w: block of %d indexes (1 to %d)", ErrInvalid, size, MaxReserve)
	}
	return &Blocks{a: a, url: listURL, size: size}, nil
}

// Allocate returns the list URL and an index never handed out before.
func (b *Blocks) Allocate(ctx context.Context) (string, int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used == b.cur.Count {
		blk, err := b.a.Reserve(ctx, b.url, b.size)
		if err != nil {
			return "", 0, err
		}
		if blk.Count < 1 || blk.ListURL != b.url {
			return "", 0, errors.New("store: allocator returned an empty or foreign block")
		}
		b.cur, b.used = blk, 0
	}
	i := b.cur.First + b.used
	b.used++
	return b.url, i, nil
}

// Close gives back the unused rest of the current block (see
// [Allocator.Release]); Allocate must not be called after it.
func (b *Blocks) Close(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used == b.cur.Count {
		return nil
	}
	err := b.a.Release(ctx, b.cur, b.used)
	b.cur.Count = b.used
	return err
}
