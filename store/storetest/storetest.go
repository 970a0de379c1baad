// Package storetest is the test suite every [store.Store] implementation
// passes: store/sqlite and store/postgres run it, against a real database
// each. Call [Run] from a test and [Child] from TestMain: the concurrency
// tests re-execute the test binary as child processes.
//
// # Guarantees
//
// A backend that passes [Run] meets the documented contract of
// [store.Store]: indexes are never handed out twice, also across
// processes; records and tickets read back as written; resuming a run
// sees what the log holds.
//
// # Refuses
//
// It is for tests only: a failed expectation fails the test, and a setup
// error (a backend that cannot be opened) stops it (t.Fatal) rather than
// returning an error.
package storetest

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/vc/status"
)

// Backend is one store implementation, as the tests open it.
type Backend struct {
	// Fresh returns the connection string of a new, empty database,
	// removed when t ends.
	Fresh func(t testing.TB) string
	// Open opens the store at dsn (each call a new handle, as another
	// process would).
	Open func(ctx context.Context, dsn string) (store.Store, error)
	// SetSchemaVersion records version as the database's schema version.
	SetSchemaVersion func(ctx context.Context, s store.Store, version int) error
}

// The child processes' instructions travel in the environment.
const (
	envChild = "MICROCRED_STORETEST_CHILD"
	envDSN   = "MICROCRED_STORETEST_DSN"
	envArgs  = "MICROCRED_STORETEST_ARGS"
	envOut   = "MICROCRED_STORETEST_OUT"
)

// Budgets of the concurrency tests.
const (
	// allocators is the number of concurrent allocators (goroutines, split
	// over two processes) and PerAllocator the indexes each takes.
	allocators   = 8
	perAllocator = 10_000
	// childTimeout bounds a child process.
	childTimeout = 3 * time.Minute
)

// blockSizes divide PerAllocator, so that allocators that finish use
// their last block whole and a run without crashes leaves no gap.
var blockSizes = []int{8, 16, 25, 40, 50, 80, 100, 125, 200, 250, 400, 500, 1000}

// Run runs the suite against b.
func Run(t *testing.T, b Backend) {
	t.Run("Lists", func(t *testing.T) { testLists(t, b) })
	t.Run("Reserve", func(t *testing.T) { testReserve(t, b) })
	t.Run("Log", func(t *testing.T) { testLog(t, b) })
	t.Run("Runs", func(t *testing.T) { testRuns(t, b) })
	t.Run("Tickets", func(t *testing.T) { testTickets(t, b) })
	t.Run("ConcurrentTicketUse", func(t *testing.T) { testConcurrentTicketUse(t, b) })
	t.Run("RevocationIsolation", func(t *testing.T) { testRevocationIsolation(t, b) })
	t.Run("ConcurrentListUpdates", func(t *testing.T) { testConcurrentListUpdates(t, b) })
	t.Run("SchemaTooNew", func(t *testing.T) { testSchemaTooNew(t, b) })
	t.Run("ConcurrentAllocation", func(t *testing.T) { testConcurrentAllocation(t, b) })
	t.Run("AllocationAfterCrash", func(t *testing.T) { testAllocationAfterCrash(t, b) })
}

func open(t *testing.T, b Backend, dsn string) store.Store {
	t.Helper()
	s, err := b.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

const issuer = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"

func spec(url string, entries int) store.ListSpec {
	return store.ListSpec{URL: url, Issuer: issuer, Purpose: status.Revocation, Entries: entries, StatusSize: 1}
}

// fakeSign stands in for signing: the tests check what the store keeps,
// not signatures.
func fakeSign(l *store.List) ([]byte, error) {
	return fmt.Appendf(nil, `{"id":%q,"version":%d,"bits":"%x"}`, l.URL, l.Version, l.Bits), nil
}

func testLists(t *testing.T, b Backend) {
	ctx := context.Background()
	s := open(t, b, b.Fresh(t))
	const url = "https://school.example/status/1"
	_, err := s.List(ctx, url)
	assert.ErrorIs(t, err, store.ErrNotFound)

	l, created, err := s.CreateList(ctx, spec(url, status.MinBits), fakeSign)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, int64(1), l.Version)
	assert.Len(t, l.Bits, status.MinBits/8)
	assert.Equal(t, 0, l.Next)
	assert.Contains(t, string(l.Signed), url)

	again, created, err := s.CreateList(ctx, spec(url, status.MinBits), func(*store.List) ([]byte, error) {
		return nil, errors.New("an existing list is not signed again")
	})
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, l.Signed, again.Signed)

	other := spec(url, status.MinBits)
	other.Purpose = status.Suspension
	_, _, err = s.CreateList(ctx, other, fakeSign)
	assert.ErrorIs(t, err, store.ErrListMismatch, "same URL, other purpose")
	other = spec(url, 2*status.MinBits)
	_, _, err = s.CreateList(ctx, other, fakeSign)
	assert.ErrorIs(t, err, store.ErrListMismatch, "same URL, other size")
	for _, bad := range []store.ListSpec{{}, {URL: url}, {URL: url, Issuer: issuer, Purpose: "revocation", Entries: 10, StatusSize: 9}, {URL: url, Issuer: issuer, Purpose: "revocation", Entries: 0, StatusSize: 1}} {
		_, _, err := s.CreateList(ctx, bad, fakeSign)
		assert.ErrorIs(t, err, store.ErrInvalid, "%+v", bad)
	}

	// An update sets bits and the signed copy together, version +1.
	up, err := s.UpdateList(ctx, url, func(l *store.List) error {
		l.Bits[0] = 0x80 // index 0
		var err error
		l.Signed, err = fakeSign(l)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, int64(2), up.Version)
	got, err := s.List(ctx, url)
	require.NoError(t, err)
	assert.Equal(t, byte(0x80), got.Bits[0])
	assert.Equal(t, up.Signed, got.Signed)
	assert.Equal(t, int64(2), got.Version)

	// A failed edit changes nothing; an edit may not change what the list is.
	boom := errors.New("signing failed")
	_, err = s.UpdateList(ctx, url, func(l *store.List) error { l.Bits[0] = 0xff; return boom })
	assert.ErrorIs(t, err, boom)
	_, err = s.UpdateList(ctx, url, func(l *store.List) error { l.Purpose = status.Suspension; return nil })
	assert.ErrorIs(t, err, store.ErrInvalid)
	_, err = s.UpdateList(ctx, url, func(l *store.List) error { l.Bits = l.Bits[:1]; return nil })
	assert.ErrorIs(t, err, store.ErrInvalid)
	_, err = s.UpdateList(ctx, url, func(l *store.List) error { l.Signed = nil; return nil })
	assert.ErrorIs(t, err, store.ErrInvalid)
	got, err = s.List(ctx, url)
	require.NoError(t, err)
	assert.Equal(t, byte(0x80), got.Bits[0])
	assert.Equal(t, int64(2), got.Version)
	_, err = s.UpdateList(ctx, "https://school.example/none", func(*store.List) error { return nil })
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func testReserve(t *testing.T, b Backend) {
	ctx := context.Background()
	s := open(t, b, b.Fresh(t))
	const url = "https://school.example/status/r"
	_, err := s.Reserve(ctx, url, 1)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = s.CreateList(ctx, spec(url, 100), fakeSign)
	require.NoError(t, err)
	for _, n := range []int{0, -1, store.MaxReserve + 1} {
		_, err := s.Reserve(ctx, url, n)
		assert.ErrorIs(t, err, store.ErrInvalid, "reserve %d", n)
	}
	b1, err := s.Reserve(ctx, url, 30)
	require.NoError(t, err)
	assert.Equal(t, store.Block{ListURL: url, First: 0, Count: 30}, b1)
	b2, err := s.Reserve(ctx, url, 30)
	require.NoError(t, err)
	assert.Equal(t, store.Block{ListURL: url, First: 30, Count: 30}, b2)

	// Releasing an earlier block does nothing: b2 came after it.
	require.NoError(t, s.Release(ctx, b1, 10))
	// Releasing the last block gives its unused rest back.
	require.NoError(t, s.Release(ctx, b2, 5))
	b3, err := s.Reserve(ctx, url, 100)
	require.NoError(t, err)
	assert.Equal(t, store.Block{ListURL: url, First: 35, Count: 65}, b3, "the rest of the list, no more")
	_, err = s.Reserve(ctx, url, 1)
	assert.ErrorIs(t, err, status.ErrListFull)
	assert.ErrorIs(t, s.Release(ctx, b3, 66), store.ErrInvalid)

	// Blocks over the allocator: indexes in order, block after block.
	const url2 = "https://school.example/status/r2"
	_, _, err = s.CreateList(ctx, spec(url2, 10), fakeSign)
	require.NoError(t, err)
	bl, err := store.NewBlocks(s, url2, store.WithBlockSize(4))
	require.NoError(t, err)
	for want := 0; want < 6; want++ {
		u, i, err := bl.Allocate(ctx)
		require.NoError(t, err)
		assert.Equal(t, url2, u)
		assert.Equal(t, want, i)
	}
	require.NoError(t, bl.Close(ctx))
	l, err := s.List(ctx, url2)
	require.NoError(t, err)
	assert.Equal(t, 6, l.Next, "Close gave back 6 and 7 and the block reserved ahead, 8 and 9")
	for i, o := range []store.BlocksOption{store.WithBlockSize(-1), store.WithBlockSize(store.MaxReserve + 1), store.WithExpected(-1), nil} {
		_, err = store.NewBlocks(s, url2, o)
		assert.ErrorIs(t, err, store.ErrInvalid, "option %d", i)
	}

	// Told what it will need, Blocks reserves no more: no gap without Close.
	bl, err = store.NewBlocks(s, url2, store.WithBlockSize(3), store.WithExpected(4))
	require.NoError(t, err)
	for want := 6; want < 10; want++ {
		_, i, err := bl.Allocate(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, i)
	}
	_, _, err = bl.Allocate(ctx)
	assert.ErrorIs(t, err, status.ErrListFull, "past what it expected, Blocks reserves again")
	l, err = s.List(ctx, url2)
	require.NoError(t, err)
	assert.Equal(t, 10, l.Next)
}

func rec(id, learner, url string, index int, batch string, seq int) store.Record {
	return store.Record{CredentialID: id, Learner: learner, ListURL: url, Index: index, Batch: batch, Seq: seq, Ref: strconv.Itoa(seq + 2),
		LeafHash: []byte{byte(seq), 1, 2, 3}, IssuedAt: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)}
}

func testLog(t *testing.T, b Backend) {
	ctx := context.Background()
	s := open(t, b, b.Fresh(t))
	const url = "https://school.example/status/l"
	require.NoError(t, s.CreateRun(ctx, store.Run{ID: "batch-1"}))
	recs := []store.Record{
		rec("urn:uuid:1", "ada@example.org", url, 0, "batch-1", 0),
		rec("urn:uuid:2", "bob@example.org", url, 1, "batch-1", 1),
		rec("urn:uuid:3", "ada@example.org", "", -1, "batch-1", 2),
	}
	require.NoError(t, s.Record(ctx, recs))
	got, err := s.Find(ctx, store.Query{Batch: "batch-1"})
	require.NoError(t, err)
	assert.Equal(t, recs, got, "every field round-trips")
	got, err = s.Find(ctx, store.Query{Learner: "ada@example.org"})
	require.NoError(t, err)
	assert.Len(t, got, 2)
	got, err = s.Find(ctx, store.Query{CredentialID: "urn:uuid:2"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, 1, got[0].Index)
	got, err = s.Find(ctx, store.Query{CredentialID: "urn:uuid:none"})
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = s.Find(ctx, store.Query{Learner: "ada@example.org", Limit: 1})
	assert.ErrorIs(t, err, store.ErrTooMany)
	_, err = s.Find(ctx, store.Query{})
	assert.ErrorIs(t, err, store.ErrInvalid)
	r, err := s.ResumeRun(ctx, "batch-1", store.Fingerprint{})
	require.NoError(t, err)
	assert.Equal(t, 3, r.RowsDone)

	// A credential id or a list index already logged fails the whole call.
	err = s.Record(ctx, []store.Record{rec("urn:uuid:4", "carol@example.org", url, 2, "batch-1", 3), rec("urn:uuid:1", "dave@example.org", url, 3, "batch-1", 4)})
	assert.ErrorIs(t, err, store.ErrDuplicateCredential)
	err = s.Record(ctx, []store.Record{rec("urn:uuid:5", "erin@example.org", url, 1, "batch-1", 5)})
	assert.ErrorIs(t, err, store.ErrIndexReused)
	err = s.Record(ctx, []store.Record{rec("urn:uuid:6", "f", url, 9, "", 0), rec("urn:uuid:6", "g", url, 10, "", 1)})
	assert.ErrorIs(t, err, store.ErrDuplicateCredential)
	got, err = s.Find(ctx, store.Query{Batch: "batch-1"})
	require.NoError(t, err)
	assert.Len(t, got, 3, "nothing of the refused calls was written")
	r, err = s.ResumeRun(ctx, "batch-1", store.Fingerprint{})
	require.NoError(t, err)
	assert.Equal(t, 3, r.RowsDone)

	for _, bad := range []store.Record{
		{Learner: "x", ListURL: url, Index: 1, IssuedAt: time.Now()},
		{CredentialID: "urn:x", ListURL: url, Index: -1, IssuedAt: time.Now()},
		{CredentialID: "urn:x", Index: 4, IssuedAt: time.Now()},
		{CredentialID: "urn:x", Index: -1},
	} {
		assert.ErrorIs(t, s.Record(ctx, []store.Record{bad}), store.ErrInvalid, "%+v", bad)
	}

	// Many records in one call: more than one INSERT statement's worth.
	var many []store.Record
	for i := 0; i < 1234; i++ {
		many = append(many, rec(fmt.Sprintf("urn:many:%d", i), fmt.Sprintf("l%d", i), url, 100+i, "", i))
	}
	require.NoError(t, s.Record(ctx, many))
	got, err = s.Find(ctx, store.Query{Learner: "l1233"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, 1333, got[0].Index)
}

func testRuns(t *testing.T, b Backend) {
	ctx := context.Background()
	s := open(t, b, b.Fresh(t))
	fp := store.Fingerprint{Key: "k", Template: "t", Image: "i", StatusList: "https://school.example/status/1", Options: "o"}
	require.NoError(t, s.CreateRun(ctx, store.Run{ID: "run-1", Fingerprint: fp}))
	assert.ErrorIs(t, s.CreateRun(ctx, store.Run{ID: "run-1", Fingerprint: fp}), store.ErrRunExists)
	assert.ErrorIs(t, s.CreateRun(ctx, store.Run{}), store.ErrInvalid)
	r, err := s.ResumeRun(ctx, "run-1", fp)
	require.NoError(t, err)
	assert.Equal(t, fp, r.Fingerprint)
	assert.False(t, r.Created.IsZero())
	_, err = s.ResumeRun(ctx, "run-2", fp)
	assert.ErrorIs(t, err, store.ErrNotFound)

	other := fp
	other.Key, other.Image = "k2", "i2"
	_, err = s.ResumeRun(ctx, "run-1", other)
	assert.ErrorContains(t, err, "started with another key and image")
	var me *store.RunMismatchError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, []string{"key", "image"}, me.Fields)
}

// Revoking a credential of batch A changes no credential of batch B,
// though both batches draw indexes from one list.
func testRevocationIsolation(t *testing.T, b Backend) {
	ctx := context.Background()
	dsn := b.Fresh(t)
	const url = "https://school.example/status/shared"
	s := open(t, b, dsn)
	_, _, err := s.CreateList(ctx, spec(url, status.MinBits), fakeSign)
	require.NoError(t, err)
	issue := func(batch string, n int) {
		t.Helper()
		require.NoError(t, s.CreateRun(ctx, store.Run{ID: batch}))
		bl, err := store.NewBlocks(s, url, store.WithBlockSize(7))
		require.NoError(t, err)
		var recs []store.Record
		for i := 0; i < n; i++ {
			_, idx, err := bl.Allocate(ctx)
			require.NoError(t, err)
			recs = append(recs, rec(fmt.Sprintf("urn:%s:%d", batch, i), fmt.Sprintf("learner%d", i), url, idx, batch, i))
		}
		require.NoError(t, bl.Close(ctx))
		require.NoError(t, s.Record(ctx, recs))
	}
	issue("A", 20)
	issue("B", 20) // the same learners, another batch

	a, err := s.Find(ctx, store.Query{Batch: "A", Learner: "learner3"})
	require.NoError(t, err)
	require.Len(t, a, 1)
	_, err = s.UpdateList(ctx, url, func(l *store.List) error {
		sl, err := status.NewListFromBits(l.Bits, l.StatusSize)
		if err != nil {
			return err
		}
		if err := sl.Set(a[0].Index, 1); err != nil {
			return err
		}
		l.Bits = sl.Bits()
		l.Signed, err = fakeSign(l)
		return err
	})
	require.NoError(t, err)

	l, err := s.List(ctx, url)
	require.NoError(t, err)
	sl, err := status.NewListFromBits(l.Bits, 1)
	require.NoError(t, err)
	for _, batch := range []string{"A", "B"} {
		recs, err := s.Find(ctx, store.Query{Batch: batch})
		require.NoError(t, err)
		require.Len(t, recs, 20)
		for _, r := range recs {
			v, err := sl.Get(r.Index)
			require.NoError(t, err)
			want := uint(0)
			if r.CredentialID == a[0].CredentialID {
				want = 1
			}
			assert.Equal(t, want, v, "%s (%s, index %d)", r.CredentialID, r.Learner, r.Index)
		}
	}
}

// Updates of one list from several connections at once all land: none
// overwrites another's bit (the list is locked while it is edited).
func testConcurrentListUpdates(t *testing.T, b Backend) {
	ctx := context.Background()
	dsn := b.Fresh(t)
	const url = "https://school.example/status/u"
	s := open(t, b, dsn)
	_, _, err := s.CreateList(ctx, spec(url, status.MinBits), fakeSign)
	require.NoError(t, err)
	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := b.Open(ctx, dsn)
			if err != nil {
				errs <- err
				return
			}
			defer h.Close()
			for i := 0; i < each; i++ {
				idx := w*each + i
				_, err := h.UpdateList(ctx, url, func(l *store.List) error {
					l.Bits[idx/8] |= 0x80 >> (idx % 8)
					var err error
					l.Signed, err = fakeSign(l)
					return err
				})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	l, err := s.List(ctx, url)
	require.NoError(t, err)
	assert.Equal(t, int64(1+writers*each), l.Version)
	for idx := 0; idx < writers*each; idx++ {
		assert.NotZero(t, l.Bits[idx/8]&(0x80>>(idx%8)), "bit %d lost", idx)
	}
}

func testSchemaTooNew(t *testing.T, b Backend) {
	ctx := context.Background()
	dsn := b.Fresh(t)
	s, err := b.Open(ctx, dsn)
	require.NoError(t, err)
	require.NoError(t, b.SetSchemaVersion(ctx, s, 99))
	require.NoError(t, s.Close())
	_, err = b.Open(ctx, dsn)
	assert.ErrorIs(t, err, store.ErrSchemaTooNew)
	assert.ErrorContains(t, err, "99", "the error says which version the database has")
}

// startChild re-executes the test binary as a child that allocates
// indexes (see Child).
func startChild(t *testing.T, dsn, out string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"=alloc", envDSN+"="+dsn, envArgs+"="+strings.Join(args, " "), envOut+"="+out)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	return cmd
}

func waitChild(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "child process")
	case <-time.After(childTimeout):
		_ = cmd.Process.Kill()
		t.Fatalf("child process did not finish in %s", childTimeout)
	}
}

// readIndexes reads the indexes a child wrote (4 bytes each, big-endian).
func readIndexes(t *testing.T, path string) []int {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	out := make([]int, 0, len(data)/4)
	for i := 0; i+4 <= len(data); i += 4 {
		out = append(out, int(binary.BigEndian.Uint32(data[i:])))
	}
	return out
}

// 8 allocators × 10,000 indexes on one list, in two processes at once:
// every index is handed out once, and with no crash there is no gap.
func testConcurrentAllocation(t *testing.T, b Backend) {
	ctx := context.Background()
	dsn := b.Fresh(t)
	const url = "https://school.example/status/c"
	total := allocators * perAllocator
	s := open(t, b, dsn)
	_, _, err := s.CreateList(ctx, spec(url, 2*total), fakeSign)
	require.NoError(t, err)

	dir := t.TempDir()
	start := time.Now()
	var cmds []*exec.Cmd
	for p := 0; p < 2; p++ {
		cmds = append(cmds, startChild(t, dsn, filepath.Join(dir, fmt.Sprint(p)), url, fmt.Sprint(allocators/2), fmt.Sprint(perAllocator), fmt.Sprint(p), "buffered"))
	}
	for _, c := range cmds {
		waitChild(t, c)
	}
	elapsed := time.Since(start)
	var all []int
	for p := 0; p < 2; p++ {
		got := readIndexes(t, filepath.Join(dir, fmt.Sprint(p)))
		assert.Len(t, got, allocators/2*perAllocator, "process %d", p)
		all = append(all, got...)
	}
	slices.Sort(all)
	for i := 1; i < len(all); i++ {
		if all[i] == all[i-1] {
			t.Fatalf("index %d handed out twice", all[i])
		}
	}
	require.Len(t, all, total)
	assert.Equal(t, 0, all[0])
	assert.Equal(t, total-1, all[len(all)-1], "no gap: indexes 0..%d", total-1)
	l, err := s.List(ctx, url)
	require.NoError(t, err)
	assert.Equal(t, total, l.Next)
	t.Logf("%d allocators in 2 processes, %d indexes each: %d distinct indexes, no gap, in %s", allocators, perAllocator, len(all), elapsed.Round(time.Millisecond))
}

// A process killed while it allocates (SIGKILL) leaves a gap of at most
// its reserved blocks, and never an index that another process is given.
func testAllocationAfterCrash(t *testing.T, b Backend) {
	ctx := context.Background()
	dsn := b.Fresh(t)
	const url = "https://school.example/status/k"
	const block, goroutines = 100, 4
	s := open(t, b, dsn)
	_, _, err := s.CreateList(ctx, spec(url, 1<<20), fakeSign)
	require.NoError(t, err)
	dir := t.TempDir()
	victim := startChild(t, dsn, filepath.Join(dir, "victim"), url, fmt.Sprint(goroutines), "1000000", "-1", "unbuffered", fmt.Sprint(block))
	deadline := time.Now().Add(childTimeout)
	for {
		fi, err := os.Stat(filepath.Join(dir, "victim"))
		if err == nil && fi.Size() >= 4*2000 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the child did not get going")
		time.Sleep(5 * time.Millisecond)
	}
	require.NoError(t, victim.Process.Signal(syscall.SIGKILL))
	_ = victim.Wait()
	before := readIndexes(t, filepath.Join(dir, "victim"))
	survivor := startChild(t, dsn, filepath.Join(dir, "survivor"), url, "2", "1000", "0", "buffered")
	waitChild(t, survivor)
	after := readIndexes(t, filepath.Join(dir, "survivor"))
	seen := map[int]bool{}
	for _, i := range append(slices.Clone(before), after...) {
		require.False(t, seen[i], "index %d handed out twice", i)
		seen[i] = true
	}
	l, err := s.List(ctx, url)
	require.NoError(t, err)
	gap := l.Next - len(seen)
	assert.LessOrEqual(t, gap, 2*goroutines*block, "a crash loses at most the blocks it held (two per allocator: the current one and the one reserved ahead)")
	assert.GreaterOrEqual(t, gap, 0)
	t.Logf("killed after %d indexes; %d more allocated after; gap %d (bound %d)", len(before), len(after), gap, 2*goroutines*block)
}

// Child does a child process's part and exits, if this process is one;
// call it first in TestMain.
func Child(b Backend) {
	if os.Getenv(envChild) != "alloc" {
		return
	}
	if err := childAlloc(b); err != nil {
		fmt.Fprintln(os.Stderr, "storetest child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// childAlloc runs N allocators, each taking COUNT indexes through its own
// store handle and store.Blocks; SEED picks each one's block size (-1:
// the size given last), and the indexes are written to the output file as
// they are handed out (unbuffered) or at the end (buffered).
func childAlloc(b Backend) error {
	ctx := context.Background()
	args := strings.Fields(os.Getenv(envArgs))
	if len(args) < 5 {
		return fmt.Errorf("want URL N COUNT SEED MODE [BLOCK], got %q", args)
	}
	url := args[0]
	n, err1 := strconv.Atoi(args[1])
	count, err2 := strconv.Atoi(args[2])
	seed, err3 := strconv.Atoi(args[3])
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	unbuffered := args[4] == "unbuffered"
	fixed := 0
	if len(args) > 5 {
		fixed, _ = strconv.Atoi(args[5])
	}
	f, err := os.Create(os.Getenv(envOut))
	if err != nil {
		return err
	}
	defer f.Close()
	var mu sync.Mutex
	var w io.Writer = f
	bw := bufio.NewWriter(f)
	if !unbuffered {
		w = bw
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := b.Open(ctx, os.Getenv(envDSN))
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			size := fixed
			if seed >= 0 {
				size = blockSizes[(seed*n+g*5)%len(blockSizes)]
			}
			bl, err := store.NewBlocks(s, url, store.WithBlockSize(size), store.WithExpected(count))
			if err != nil {
				errs <- err
				return
			}
			var buf [4]byte
			for i := 0; i < count; i++ {
				_, idx, err := bl.Allocate(ctx)
				if err != nil {
					errs <- err
					return
				}
				binary.BigEndian.PutUint32(buf[:], uint32(idx))
				mu.Lock()
				_, err = w.Write(buf[:])
				mu.Unlock()
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- bl.Close(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}
