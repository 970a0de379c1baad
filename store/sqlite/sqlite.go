package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/internal/sqldb"
)

// Store is issuer state in one SQLite file. Its methods are those of
// store.Store (Close closes the database file), and SetSchemaVersionForTest,
// which overwrites the recorded schema version so that tests can check
// that a newer schema is refused. They are store/internal/sqldb's, shared
// with the other SQL store.
type Store struct {
	*sqlDB
}

// sqlDB names sqldb.DB so that Store embeds it in an unexported field.
type sqlDB = sqldb.DB

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
	return &Store{sqlDB: s}, nil
}
