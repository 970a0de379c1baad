package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/internal/sqldb"
)

// Store is issuer state in a PostgreSQL database.
type Store struct {
	db *sqldb.DB
}

var _ store.Store = (*Store)(nil)

var dialect = sqldb.Dialect{
	Name:      "postgres",
	Blob:      "BYTEA",
	Int:       "BIGINT",
	ForUpdate: " FOR UPDATE",
	IsUnique: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505" // unique_violation
	},
	// Two processes opening a new database at once: one migrates, the
	// other waits and then finds the schema current. The key is "mcrd".
	Lock: `SELECT pg_advisory_xact_lock(1836282468)`,
}

// maxConns is the size of a Store's connection pool.
const maxConns = 8

// Open connects to the database dsn names (a postgres:// URL or a
// key=value connection string, as libpq reads them), migrating its schema
// to the newest this package knows; a newer schema is refused with an
// error wrapping store.ErrSchemaTooNew. The password, if any, never
// appears in an error.
//
// Index reservations lock the list's row (SELECT ... FOR UPDATE) in a
// transaction at PostgreSQL's default isolation (read committed), so
// processes on any number of machines never reserve the same index.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("postgres: the connection string does not parse (see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING)")
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connecting to %s:%d, database %q: %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	s, err := sqldb.Open(ctx, db, dialect)
	if err != nil {
		db.Close()
		return nil, err
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

// Close closes the connections.
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
