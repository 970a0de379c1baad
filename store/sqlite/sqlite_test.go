package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/sqlite"
	"github.com/onchaincert/microcred/store/storetest"
)

var backend = storetest.Backend{
	Fresh: func(t testing.TB) string { return filepath.Join(t.TempDir(), "issuer.db") },
	Open: func(ctx context.Context, dsn string) (store.Store, error) {
		return sqlite.Open(ctx, dsn)
	},
	SetSchemaVersion: func(ctx context.Context, s store.Store, v int) error {
		return s.(*sqlite.Store).SetSchemaVersionForTest(ctx, v)
	},
}

func TestMain(m *testing.M) {
	storetest.Child(backend)
	os.Exit(m.Run())
}

func TestSQLite(t *testing.T) { storetest.Run(t, backend) }
