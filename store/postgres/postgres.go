package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/internal/sqldb"
)

// Store is issuer state in a PostgreSQL database. Its methods are those of
// store.Store (Close closes its connections), and SetSchemaVersionForTest,
// which overwrites the recorded schema version so that tests can check
// that a newer schema is refused. They are store/internal/sqldb's, shared
// with the other SQL store.
type Store struct {
	*sqlDB
}

// sqlDB names sqldb.DB so that Store embeds it in an unexported field.
type sqlDB = sqldb.DB

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
	return &Store{sqlDB: s}, nil
}
