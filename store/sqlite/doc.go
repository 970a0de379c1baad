// Package sqlite keeps microcred's issuer state ([store.Store]) in one
// SQLite file, through modernc.org/sqlite (pure Go: no cgo, no server).
// It is the default store of the microcred command: one file next to the
// issuer's key.
//
// Several processes on one machine may share the file: every write
// transaction takes SQLite's write lock first (BEGIN IMMEDIATE), so index
// reservations are serialized; a writer waits up to 30 seconds for
// another. The file is in WAL mode with synchronous=FULL, so a
// reservation, once returned, survives a crash or a power cut.
//
// # Guarantees
//
// The [store.Store] contract (it passes store/storetest), on one file:
// index reservations serialized by SQLite's write lock, so processes on
// one machine never share an index; a reservation, once returned,
// survives a crash or a power cut (WAL, synchronous=FULL).
//
// # Refuses
//
// A file written by a newer version ([store.ErrSchemaTooNew]), and every
// refusal of [store.Store] with its error; a writer that waits for the
// lock more than 30 seconds fails rather than waiting on.
//
// # Security considerations
//
// Whoever can write the file can reset a list's next index (and so make
// the next batch reuse indexes) or flip status bits: keep it with the
// key, readable and writable by the issuer only. The signed list copies
// it holds are what the issuer publishes; a verifier never reads the
// store.
//
// # Offline use
//
// Everything is local: the package opens a file and nothing else.
//
// # Compatibility
//
// The schema is versioned in code (the same schema as store/postgres);
// Open migrates an older file and refuses a newer one
// ([store.ErrSchemaTooNew]). Files on network filesystems (NFS, SMB) are
// not supported: SQLite's locking is not reliable there. Several machines
// share issuer state through store/postgres instead.
package sqlite
