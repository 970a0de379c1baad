package status

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// ErrListFull: the allocator has handed out every index of its list.
var ErrListFull = errors.New("status: status list is full")

// Allocator hands out status list indexes, each at most once.
type Allocator interface {
	// Allocate returns the list credential URL and a fresh index in it.
	Allocate(ctx context.Context) (listURL string, index int, err error)
}

// memoryAllocator allocates sequentially in memory.
type memoryAllocator struct {
	mu   sync.Mutex
	url  string
	next int
	size int
}

// NewMemoryAllocator allocates indexes 0..size-1 of the list at url,
// sequentially, in memory (for tests and short-lived issuers: indexes are
// reused after a restart). It is safe for concurrent use; past the last
// index Allocate fails with [ErrListFull].
func NewMemoryAllocator(url string, size int) (Allocator, error) {
	if url == "" || size <= 0 {
		return nil, errors.New("status: allocator needs a list URL and a size")
	}
	return &memoryAllocator{url: url, size: size}, nil
}

// Allocate implements Allocator.
func (a *memoryAllocator) Allocate(context.Context) (string, int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next >= a.size {
		return "", 0, ErrListFull
	}
	i := a.next
	a.next++
	return a.url, i, nil
}

// fileAllocator is the allocator of NewFileAllocator.
type fileAllocator struct {
	mu    sync.Mutex
	path  string
	url   string
	size  int
	block int
	next  int // next index to hand out from the reserved block
	limit int // end of the reserved block (exclusive); next == limit: none
}

// NewFileAllocator allocates indexes 0..size-1 of the list at url,
// persisting the counter at path (created if missing). It writes the
// advanced counter to stable storage before handing an index out, so no
// index is ever given twice, even across crashes. It reserves block
// indexes (at least 1) per write: 1 writes once per index; bulk issuance
// uses a few hundred, one fsync per block instead of per credential. It
// hands a block out from memory, so a crash wastes at most the rest of a
// block, never reuses one. It serializes allocations within the process;
// give each issuing process its own file. Past the last index Allocate
// fails with [ErrListFull].
func NewFileAllocator(path, url string, size, block int) (Allocator, error) {
	if path == "" || url == "" || size <= 0 {
		return nil, errors.New("status: allocator needs a file, a list URL and a size")
	}
	if block < 1 {
		return nil, fmt.Errorf("status: allocator block %d: must be at least 1", block)
	}
	a := &fileAllocator{path: path, url: url, size: size, block: block}
	if _, err := a.read(); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *fileAllocator) read() (int, error) {
	data, err := os.ReadFile(a.path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("status: reading allocator state: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("status: allocator state %s is corrupt", a.path)
	}
	return n, nil
}

// Allocate implements Allocator.
func (a *fileAllocator) Allocate(context.Context) (string, int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next < a.limit {
		i := a.next
		a.next++
		return a.url, i, nil
	}
	next, err := a.read()
	if err != nil {
		return "", 0, err
	}
	if next >= a.size {
		return "", 0, ErrListFull
	}
	limit := min(next+a.block, a.size)
	// The reservation is durable before any index of it is handed out.
	if err := writeDurably(a.path, []byte(strconv.Itoa(limit)+"\n")); err != nil {
		return "", 0, fmt.Errorf("status: saving allocator state: %w", err)
	}
	a.next, a.limit = next+1, limit
	return a.url, next, nil
}

// writeDurably replaces path with data: write a temporary file, sync it,
// rename it over path, sync the directory.
func writeDurably(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
