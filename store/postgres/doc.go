// Package postgres keeps microcred's issuer state ([store.Store]) in a
// PostgreSQL database, through github.com/jackc/pgx/v5: the store for
// issuers that run several processes or machines against one state. It
// has the same schema as store/sqlite and passes the same tests
// (store/storetest), against a real server.
//
// Index reservations are transactions that lock the list's row (SELECT
// ... FOR UPDATE), so no two processes anywhere reserve the same index;
// the issued-credential log has unique constraints on the credential id
// and on (list, index) besides. There is no distributed allocator beyond
// that: one database is the source of truth.
//
// # Guarantees
//
// The [store.Store] contract (it passes store/storetest against a real
// server): reservations lock the list's row, so no two processes anywhere
// reserve the same index; migrations run one process at a time, under an
// advisory lock. The connection string's password never appears in an
// error.
//
// # Refuses
//
// A database written by a newer version ([store.ErrSchemaTooNew]), and
// every refusal of [store.Store] with its error (the log's unique
// constraints back [store.ErrDuplicateCredential] and
// [store.ErrIndexReused]).
//
// # Security considerations
//
// The database role microcred connects as can reset a list's next index
// or flip status bits: give it to the issuer's services only, over TLS
// (sslmode=verify-full) when the server is not on the same machine. The
// connection string's password never appears in an error.
//
// # Offline use
//
// The package connects only to the server the connection string names.
//
// # Compatibility
//
// PostgreSQL 12 or newer (tested with 15). The schema is versioned in
// code; Open migrates an older database (one process at a time, under an
// advisory lock) and refuses a newer one ([store.ErrSchemaTooNew]).
package postgres
