package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/internal/sqldb"
)

// Store is issuer state in one SQLite file.
type Store struct {
	db *sqldb.DB
}

var _ store.Store = (*Store)(nil)

// SQLite's own numbered parameters (?NNN) cost a linear search per bind
// (sqlite3VListNumToName), quadratic in a multi-row INSERT: the shared
// statements number their parameters $1, $2... in order, each used once,
// so they become anonymous ? parameters here.
var dollar = regexp.MustCompile(`\$\d+`)

var dialect = sqldb.Dialect{
	Name:        "sqlite",
	Blob:        "BLOB",
	Int:         "INTEGER",
	ForUpdate:   "",
	Placeholder: func(q string) string { return dollar.ReplaceAllLiteralString(q, "?") },
	IsUnique: func(err error) bool {
		var e *msqlite.Error
		return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
}

// busyTimeoutMillis is how long a writer waits for another process's
// write transaction before failing with SQLITE_BUSY.
const busyTimeoutMillis = 30_000

// Open opens (creating it if needed) the store in the SQLite file at
// path, migrating its schema to the newest this package knows. A schema
// newer than that is refused with an error wrapping store.ErrSchemaTooNew.
//
// The file is opened in WAL mode with synchronous=FULL (a committed
// reservation survives a power cut, so an index handed out is never
// handed out again), and every transaction begins IMMEDIATE: it takes
// the file's write lock first, so reservations in several processes are
// serialized by SQLite's own locking.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: sqlite: empty path", store.ErrInvalid)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	// One writer at a time is SQLite's rule; a few connections let reads
	// go on beside it.
	db.SetMaxOpenConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	s, err := sqldb.Open(ctx, db, dialect)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return &Store{db: s}, nil
}

// Reserve implements store.Allocator.
func (s *Store) Reserve(ctx context.Context, listURL string, n int) (store.Block, error) {
	return s.db.Reserve(ctx, listURL, n)
}

// Release implements store.Allocator.
func (s *Store) Release(ctx context.Context, b store.Block, used int) error {
	return s.db.Release(ctx, b, used)
}

// CreateList implements store.Store.
func (s *Store) CreateList(ctx context.Context, spec store.ListSpec, sign func(*store.List) ([]byte, error)) (*store.List, bool, error) {
	return s.db.CreateList(ctx, spec, sign)
}

// List implements store.Store.
func (s *Store) List(ctx context.Context, url string) (*store.List, error) {
	return s.db.List(ctx, url)
}

// UpdateList implements store.Store.
func (s *Store) UpdateList(ctx context.Context, url string, edit func(*store.List) error) (*store.List, error) {
	return s.db.UpdateList(ctx, url, edit)
}

// Record implements store.Log.
func (s *Store) Record(ctx context.Context, recs []store.Record) error {
	return s.db.Record(ctx, recs)
}

// Find implements store.Log.
func (s *Store) Find(ctx context.Context, q store.Query) ([]store.Record, error) {
	return s.db.Find(ctx, q)
}

// CreateRun implements store.Store.
func (s *Store) CreateRun(ctx context.Context, r store.Run) error {
	return s.db.CreateRun(ctx, r)
}

// ResumeRun implements store.Store.
func (s *Store) ResumeRun(ctx context.Context, id string, fp store.Fingerprint) (*store.Run, error) {
	return s.db.ResumeRun(ctx, id, fp)
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// SetSchemaVersionForTest overwrites the recorded schema version; tests use
// it to check that a newer schema is refused.
func (s *Store) SetSchemaVersionForTest(ctx context.Context, version int) error {
	return s.db.SetSchemaVersionForTest(ctx, version)
}

// PutTicket implements store.Store.
func (s *Store) PutTicket(ctx context.Context, t store.Ticket) error { return s.db.PutTicket(ctx, t) }

// Ticket implements store.Store.
func (s *Store) Ticket(ctx context.Context, kind, id string, now time.Time) (*store.Ticket, error) {
	return s.db.Ticket(ctx, kind, id, now)
}

// UseTicket implements store.Store.
func (s *Store) UseTicket(ctx context.Context, kind, id string, now time.Time) (*store.Ticket, error) {
	return s.db.UseTicket(ctx, kind, id, now)
}

// AttemptTicket implements store.Store.
func (s *Store) AttemptTicket(ctx context.Context, kind, id string, now time.Time, max int) (*store.Ticket, error) {
	return s.db.AttemptTicket(ctx, kind, id, now, max)
}

// PurgeTickets implements store.Store.
func (s *Store) PurgeTickets(ctx context.Context, now time.Time) (int, error) {
	return s.db.PurgeTickets(ctx, now)
}
