package microcred_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/postgres"
	"github.com/onchaincert/microcred/store/sqlite"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/status"
)

func batchItems(key string, n int, bad ...int) iter.Seq[microcred.BatchItem] {
	isBad := map[int]bool{}
	for _, b := range bad {
		isBad[b] = true
	}
	return func(yield func(microcred.BatchItem) bool) {
		for i := 0; i < n; i++ {
			c := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + key + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner-` + fmt.Sprint(i) + `"}}`
			if isBad[i] {
				c = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + key + `","credentialSubject":{"id":"did:example:x","nickname":"undefined term"}}`
			}
			if !yield(microcred.BatchItem{Credential: []byte(c), Ref: fmt.Sprintf("row %d", i+2)}) {
				return
			}
		}
	}
}

func subjectOf(t *testing.T, signed []byte) string {
	c, err := vc.ParseCredential(signed)
	require.NoError(t, err)
	return c.SubjectIDs()[0]
}

// Results come in input order; a bad item is reported and the batch goes
// on; every credential's receipt verifies against the batch root.
func TestIssueBatch(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return issuedAt }))
	require.NoError(t, err)
	var got []microcred.Issued
	type progressAt struct{ done, failed int }
	var progress []progressAt
	b, err := iss.IssueBatch(ctx, batchItems(key.DID().String(), 60, 7, 31), microcred.BatchOptions{Workers: 4, Progress: func(done, failed int) { progress = append(progress, progressAt{done, failed}) }}, func(r microcred.Issued) error {
		got = append(got, r)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, got, 60)
	leaf := int64(0)
	for i, r := range got {
		assert.Equal(t, i, r.Seq)
		assert.Equal(t, fmt.Sprintf("row %d", i+2), r.Ref)
		if i == 7 || i == 31 {
			assert.ErrorContains(t, r.Err, "nickname", "the error names what was wrong")
			assert.Nil(t, r.Credential)
			assert.Equal(t, int64(-1), r.Leaf)
			continue
		}
		require.NoError(t, r.Err)
		assert.Equal(t, fmt.Sprintf("did:example:learner-%d", i), subjectOf(t, r.Credential), "output in input order")
		assert.Equal(t, leaf, r.Leaf)
		leaf++
	}
	assert.Equal(t, uint64(58), b.Size())
	require.Len(t, progress, 60)
	assert.Equal(t, progressAt{done: 58, failed: 2}, progress[59])

	receipts := anchor.Receipts{}
	for _, r := range got {
		if r.Err == nil {
			rc, err := b.Receipt(uint64(r.Leaf), anchor.Anchor{Chain: "mock", TxID: "batch-1"})
			require.NoError(t, err)
			receipts.Add(rc)
		}
	}
	v := newVerifier(t, checkAt, microcred.WithReceipts(receipts))
	// A mock anchor is on no chain: its receipts prove inclusion in the
	// batch (L0) and never an anchor (L1).
	p, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()), microcred.RequireAnchor(anchor.L0))
	require.NoError(t, err)
	p1, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()), microcred.RequireAnchor(anchor.L1))
	require.NoError(t, err)
	for _, r := range got[:10] {
		if r.Err == nil {
			_, err := v.Verify(ctx, r.Credential, p)
			assert.NoError(t, err, r.Ref)
			_, err = v.Verify(ctx, r.Credential, p1)
			assert.ErrorIs(t, err, anchor.ErrInsufficientAssurance, r.Ref)
		}
	}
}

// A batch killed midway (here: emit fails after 25 items, as when the
// process dies after writing them) and resumed issues every credential
// exactly once and never reuses a status index.
func TestIssueBatchResume(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	dir := t.TempDir()
	const listURL = "https://status.example/batch"
	newIssuer := func() *microcred.Issuer {
		// Each run is a new process: a new allocator over the same file.
		a, err := status.NewFileAllocator(filepath.Join(dir, "alloc"), listURL, status.MinBits, 16)
		require.NoError(t, err)
		iss, err := microcred.NewIssuer(key, microcred.WithStatus(a, status.Revocation))
		require.NoError(t, err)
		return iss
	}
	written := map[int][]byte{} // the output directory: what survived
	errKilled := errors.New("killed")
	_, err := newIssuer().IssueBatch(ctx, batchItems(key.DID().String(), 80), microcred.BatchOptions{Workers: 3}, func(r microcred.Issued) error {
		if r.Seq == 25 {
			return errKilled
		}
		written[r.Seq] = r.Credential
		return nil
	})
	require.ErrorIs(t, err, errKilled)
	require.Len(t, written, 25)

	var resumed, fresh int
	firstRun := written // read by Done (another goroutine); emit writes to written2
	written2 := map[int][]byte{}
	b, err := newIssuer().IssueBatch(ctx, batchItems(key.DID().String(), 80), microcred.BatchOptions{
		Workers: 3,
		Done: func(seq int, _ microcred.BatchItem) ([]byte, bool) {
			c, ok := firstRun[seq]
			return c, ok
		},
	}, func(r microcred.Issued) error {
		require.NoError(t, r.Err)
		if r.Resumed {
			resumed++
		} else {
			fresh++
		}
		_, dup := written2[r.Seq]
		assert.False(t, dup, "item %d delivered twice", r.Seq)
		written2[r.Seq] = r.Credential
		assert.Equal(t, int64(r.Seq), r.Leaf)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 25, resumed)
	assert.Equal(t, 55, fresh)
	assert.Equal(t, uint64(80), b.Size())
	for seq, c := range firstRun {
		assert.Equal(t, c, written2[seq], "item %d: the earlier run's credential, not a new one", seq)
	}
	written = written2

	ids, indexes := map[string]bool{}, map[string]bool{}
	for seq := 0; seq < 80; seq++ {
		c, err := vc.ParseCredential(written[seq])
		require.NoError(t, err)
		assert.False(t, ids[c.ID()], "credential id repeated")
		ids[c.ID()] = true
		var st struct {
			Index string `json:"statusListIndex"`
		}
		require.NoError(t, json.Unmarshal(c.Status()[0], &st))
		assert.False(t, indexes[st.Index], "status index %s reused", st.Index)
		indexes[st.Index] = true
	}
}

func TestIssueBatchCancel(t *testing.T) {
	key := testKey(t, 1)
	iss, err := microcred.NewIssuer(key)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err = iss.IssueBatch(ctx, batchItems(key.DID().String(), 1000), microcred.BatchOptions{Workers: 2}, func(microcred.Issued) error {
		n++
		if n == 10 {
			cancel()
		}
		return nil
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, n, 1000)
	_, err = iss.IssueBatch(context.Background(), nil, microcred.BatchOptions{}, nil)
	assert.Error(t, err)

	// RootOnly: the same root, no receipts.
	full, err := iss.IssueBatch(context.Background(), batchItems(key.DID().String(), 9), microcred.BatchOptions{}, func(microcred.Issued) error { return nil })
	require.NoError(t, err)
	lean, err := iss.IssueBatch(context.Background(), batchItems(key.DID().String(), 9), microcred.BatchOptions{RootOnly: true}, func(microcred.Issued) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, full.Size(), lean.Size())
	_, err = lean.Receipt(0)
	assert.ErrorIs(t, err, anchor.ErrNoProofs)
}

// With a Log, every credential signed is recorded (id, learner, status
// index, leaf) after emit returned for it, in groups; a batch cancelled
// midway records all it emitted, and a resumed batch issues the rest
// exactly once with new indexes.
func TestIssueBatchLog(t *testing.T) {
	ctx := context.Background()
	key := testKey(t, 1)
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "issuer.db"))
	require.NoError(t, err)
	defer s.Close()
	const url = "https://status.example/log"
	_, _, err = s.CreateList(ctx, store.ListSpec{URL: url, Issuer: key.DID().String(), Purpose: status.Revocation, Entries: status.MinBits, StatusSize: 1},
		func(*store.List) ([]byte, error) { return []byte("{}"), nil })
	require.NoError(t, err)
	require.NoError(t, s.CreateRun(ctx, store.Run{ID: "b1"}))
	items := func(n int) iter.Seq[microcred.BatchItem] {
		return func(yield func(microcred.BatchItem) bool) {
			for it := range batchItems(key.DID().String(), n, 7) {
				it.Learner = "learner" + strings.TrimPrefix(it.Ref, "row ")
				if !yield(it) {
					return
				}
			}
		}
	}
	newIssuer := func() (*microcred.Issuer, *store.Blocks) {
		bl, err := store.NewBlocks(s, url, store.WithBlockSize(16))
		require.NoError(t, err)
		iss, err := microcred.NewIssuer(key, microcred.WithStatus(bl, status.Revocation))
		require.NoError(t, err)
		return iss, bl
	}

	// First run: cancelled after 30 items were emitted (those signed by
	// then are emitted too).
	cctx, cancel := context.WithCancel(ctx)
	emitted := map[int]microcred.Issued{}
	iss, bl := newIssuer()
	_, err = iss.IssueBatch(cctx, items(100), microcred.BatchOptions{Workers: 3, Log: s, BatchID: "b1", LogGroup: 8}, func(r microcred.Issued) error {
		if r.Err == nil {
			emitted[r.Seq] = r
		}
		if len(emitted) == 30 {
			cancel()
		}
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	require.NoError(t, bl.Close(ctx))
	logged, err := s.Find(ctx, store.Query{Batch: "b1"})
	require.NoError(t, err)
	require.Len(t, logged, len(emitted), "every emitted credential is recorded, even on cancel")
	for _, rec := range logged {
		r := emitted[rec.Seq]
		assert.Equal(t, r.ID, rec.CredentialID)
		assert.Equal(t, r.Learner, rec.Learner)
		assert.Equal(t, r.Ref, rec.Ref)
		assert.Equal(t, url, rec.ListURL)
		assert.Equal(t, r.StatusIndex, rec.Index)
		assert.Equal(t, anchor.Leaf(r.Credential), rec.LeafHash)
		c, err := vc.ParseCredential(r.Credential)
		require.NoError(t, err)
		assert.Equal(t, c.ID(), rec.CredentialID)
	}

	// Second run: resumes from the log.
	done := map[int]bool{}
	for _, rec := range logged {
		done[rec.Seq] = true
	}
	iss, bl = newIssuer()
	var fresh, resumed int
	_, err = iss.IssueBatch(ctx, items(100), microcred.BatchOptions{Workers: 3, Log: s, BatchID: "b1", LogGroup: 8,
		Done: func(seq int, _ microcred.BatchItem) ([]byte, bool) {
			if r, ok := emitted[seq]; ok && done[seq] {
				return r.Credential, true
			}
			return nil, false
		}}, func(r microcred.Issued) error {
		if r.Resumed {
			resumed++
		} else if r.Err == nil {
			fresh++
		}
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, bl.Close(ctx))
	assert.Equal(t, len(emitted), resumed)
	assert.Equal(t, 99-len(emitted), fresh, "one row is bad")
	logged, err = s.Find(ctx, store.Query{Batch: "b1"})
	require.NoError(t, err)
	assert.Len(t, logged, 99, "each good row once")
	seen := map[int]bool{}
	for _, rec := range logged {
		assert.False(t, seen[rec.Index], "index %d twice", rec.Index)
		seen[rec.Index] = true
	}
	r, err := s.ResumeRun(ctx, "b1", store.Fingerprint{})
	require.NoError(t, err)
	assert.Equal(t, 99, r.RowsDone)

	// A log that fails stops the batch with its error.
	iss, _ = newIssuer()
	_, err = iss.IssueBatch(ctx, items(40), microcred.BatchOptions{Log: failingLog{}, LogGroup: 4}, func(microcred.Issued) error { return nil })
	assert.ErrorIs(t, err, errLogDown)
	_, err = iss.IssueBatch(ctx, items(1), microcred.BatchOptions{Log: s, LogGroup: store.MaxRecords + 1}, func(microcred.Issued) error { return nil })
	assert.Error(t, err, "LogGroup beyond its budget")
}

var errLogDown = errors.New("log down")

type failingLog struct{}

func (failingLog) Record(context.Context, []store.Record) error { return errLogDown }

// peakRSS returns the process's peak resident set size in MB (Linux).
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkIssueBatch100k issues 100,000 OB 3.0 credentials (the 50-quad
// test credential) per iteration on GOMAXPROCS workers, each with its own
// id and a status entry, and reports credentials/s and the peak RSS:
//
//	sqlite    indexes reserved in blocks of 512 from a SQLite store, every
//	          credential in its issued-credential log (one transaction per
//	          512), as microcred batch does
//	postgres  the same against PostgreSQL (MICROCRED_TEST_POSTGRES)
//	file      status.NewFileAllocator and no log (the batch before the store)
//
// Run one at a time, each in its own process, for a meaningful RSS:
// go test -run '^$' -bench 'IssueBatch100k/sqlite' -benchtime 1x .
func BenchmarkIssueBatch100k(b *testing.B) {
	const n = 100_000
	key := testKey(b, 1)
	data, err := os.ReadFile("testdata/ob3/achievement-credential.json")
	if err != nil {
		b.Fatal(err)
	}
	data, err = vc.SetIssuer(data, key.DID().String())
	if err != nil {
		b.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		b.Fatal(err)
	}
	delete(m, "id") // each credential gets its own
	template, _ := json.Marshal(m)
	items := func(yield func(microcred.BatchItem) bool) {
		for i := 0; i < n; i++ {
			if !yield(microcred.BatchItem{Credential: template, Ref: strconv.Itoa(i + 2), Learner: "learner" + strconv.Itoa(i) + "@example.org"}) {
				return
			}
		}
	}
	run := func(b *testing.B, s store.Store) {
		// A list of its own each run: the PostgreSQL database is kept.
		url := fmt.Sprintf("https://status.example/%d", time.Now().UnixNano())
		_, _, err := s.CreateList(context.Background(), store.ListSpec{URL: url, Issuer: key.DID().String(), Purpose: status.Revocation, Entries: 4 * status.MinBits, StatusSize: 1},
			func(*store.List) ([]byte, error) { return []byte("{}"), nil })
		if err != nil {
			b.Fatal(err)
		}
		batchID := fmt.Sprint(time.Now().UnixNano())
		if err := s.CreateRun(context.Background(), store.Run{ID: batchID}); err != nil {
			b.Fatal(err)
		}
		blocks, err := store.NewBlocks(s, url, store.WithBlockSize(512), store.WithExpected(n))
		if err != nil {
			b.Fatal(err)
		}
		iss, err := microcred.NewIssuer(key, microcred.WithStatus(blocks, status.Revocation))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		batch, err := iss.IssueBatch(context.Background(), items, microcred.BatchOptions{Log: s, BatchID: batchID}, func(r microcred.Issued) error { return r.Err })
		if err != nil {
			b.Fatal(err)
		}
		if batch.Size() != n {
			b.Fatalf("batch of %d", batch.Size())
		}
		b.ReportMetric(n/time.Since(start).Seconds(), "creds/s")
		r, err := s.ResumeRun(context.Background(), batchID, store.Fingerprint{})
		if err != nil || r.RowsDone != n {
			b.Fatalf("%d rows logged (%v)", r.RowsDone, err)
		}
	}
	b.Run("sqlite", func(b *testing.B) {
		for b.Loop() {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "issuer.db"))
			if err != nil {
				b.Fatal(err)
			}
			run(b, s)
			s.Close()
		}
		b.ReportMetric(peakRSS(), "peakRSS-MB")
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := os.Getenv("MICROCRED_TEST_POSTGRES")
		if dsn == "" {
			b.Skip("MICROCRED_TEST_POSTGRES is not set (scripts/postgres.sh start)")
		}
		for b.Loop() {
			s, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				b.Fatal(err)
			}
			run(b, s)
			s.Close()
		}
		b.ReportMetric(peakRSS(), "peakRSS-MB")
	})
	b.Run("file", func(b *testing.B) {
		for b.Loop() {
			a, err := status.NewFileAllocator(filepath.Join(b.TempDir(), "alloc"), "https://status.example/1", 4*status.MinBits, 512)
			if err != nil {
				b.Fatal(err)
			}
			iss, err := microcred.NewIssuer(key, microcred.WithStatus(a, status.Revocation))
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			batch, err := iss.IssueBatch(context.Background(), items, microcred.BatchOptions{}, func(r microcred.Issued) error { return r.Err })
			if err != nil {
				b.Fatal(err)
			}
			if batch.Size() != n {
				b.Fatalf("batch of %d", batch.Size())
			}
			b.ReportMetric(n/time.Since(start).Seconds(), "creds/s")
		}
		b.ReportMetric(peakRSS(), "peakRSS-MB")
	})
}
