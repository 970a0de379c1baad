package status_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/status"
)

func TestMemoryAllocator(t *testing.T) {
	a, err := status.NewMemoryAllocator("https://s.example/1", 3)
	require.NoError(t, err)
	for want := 0; want < 3; want++ {
		_, i, err := a.Allocate(context.Background())
		require.NoError(t, err)
		assert.Equal(t, want, i)
	}
	_, _, err = a.Allocate(context.Background())
	assert.ErrorIs(t, err, status.ErrListFull)
}

// Indexes are never handed out twice: not concurrently, not after the
// process "restarts" (a new allocator over the same file).
func TestFileAllocatorNeverRepeats(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alloc")
	a, err := status.NewFileAllocator(path, "https://s.example/1", 1000, 1)
	require.NoError(t, err)
	seen := map[int]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 25; k++ {
				_, i, err := a.Allocate(context.Background())
				assert.NoError(t, err)
				mu.Lock()
				assert.False(t, seen[i], "index %d handed out twice", i)
				seen[i] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	restarted, err := status.NewFileAllocator(path, "https://s.example/1", 1000, 1)
	require.NoError(t, err)
	_, i, err := restarted.Allocate(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 100, i, "continues after the last index handed out")

	require.NoError(t, os.WriteFile(path, []byte("garbage"), 0o600))
	_, err = status.NewFileAllocator(path, "https://s.example/1", 1000, 1)
	assert.Error(t, err, "corrupt state is an error, never a restart from 0")
}

// With a reservation block: one durable write per block; a "crash" (a new
// allocator over the same file) skips the rest of the block, never reuses.
func TestFileAllocatorBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alloc")
	a, err := status.NewFileAllocator(path, "https://s.example/1", 1000, 64)
	require.NoError(t, err)
	for want := 0; want < 70; want++ {
		_, i, err := a.Allocate(context.Background())
		require.NoError(t, err)
		require.Equal(t, want, i)
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "128\n", string(data), "two blocks reserved")
	restarted, err := status.NewFileAllocator(path, "https://s.example/1", 1000, 1)
	require.NoError(t, err)
	_, i, err := restarted.Allocate(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 128, i, "the rest of the crashed block is skipped, not reused")
	_, err = status.NewFileAllocator(filepath.Join(t.TempDir(), "z"), "https://s.example/1", 1000, 0)
	assert.Error(t, err, "a block of 0 is refused")

	small, err := status.NewFileAllocator(filepath.Join(t.TempDir(), "s"), "https://s.example/2", 3, 10)
	require.NoError(t, err)
	for k := 0; k < 3; k++ {
		_, _, err := small.Allocate(context.Background())
		require.NoError(t, err)
	}
	_, _, err = small.Allocate(context.Background())
	assert.ErrorIs(t, err, status.ErrListFull, "a block never runs past the list")
}
