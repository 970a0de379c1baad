package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/postgres"
	"github.com/onchaincert/microcred/store/storetest"
)

// EnvDSN names the server the tests use: a superuser's postgres:// URL.
// scripts/test sets it (scripts/postgres.sh starts the server); without it
// the tests skip, and with it an unreachable server fails them.
const EnvDSN = "MICROCRED_TEST_POSTGRES"

// adminDSN returns the server's DSN, or skips the test when none is set.
func adminDSN(t testing.TB) string {
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		t.Skip("no PostgreSQL server: run scripts/test, or eval \"$(scripts/postgres.sh start)\" and then go test ./store/postgres (" + EnvDSN + " names the server)")
	}
	return dsn
}

// fresh creates a new database on the server and returns its DSN; it is
// dropped when t ends.
func fresh(t testing.TB) string {
	admin := adminDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	require.NoError(t, err, "%s is set but the server does not answer", EnvDSN)
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "microcred_test_" + hex.EncodeToString(b[:])
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, admin); err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(admin)
	require.NoError(t, err, "%s must be a postgres:// URL", EnvDSN)
	u.Path = "/" + name
	return u.String()
}

var backend = storetest.Backend{
	Fresh: fresh,
	Open: func(ctx context.Context, dsn string) (store.Store, error) {
		return postgres.Open(ctx, dsn)
	},
	SetSchemaVersion: func(ctx context.Context, s store.Store, v int) error {
		return s.(*postgres.Store).SetSchemaVersionForTest(ctx, v)
	},
}

func TestMain(m *testing.M) {
	storetest.Child(backend)
	os.Exit(m.Run())
}

func TestPostgres(t *testing.T) { storetest.Run(t, backend) }

// A server named but not answering fails (never skips) the tests; the
// error names the server but not the password.
func TestOpenUnreachable(t *testing.T) {
	adminDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := postgres.Open(ctx, "postgres://microcred:s3cret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.Error(t, err)
	require.Contains(t, err.Error(), "127.0.0.1:1")
	require.NotContains(t, err.Error(), "s3cret")
	_, err = postgres.Open(ctx, "postgres://microcred:s3cret@[::1")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cret")
}
