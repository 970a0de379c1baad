// Package store is the shape of an issuer's state: its status lists, the
// allocation of their indexes, the log of issued credentials and the
// batch runs that can be resumed. store/sqlite (one embedded file, the
// default) and store/postgres (several processes or machines) implement
// [Store]; both keep the same schema and pass the same tests
// (store/storetest).
//
// Two small interfaces are what one consumer needs: [Allocator] (through
// [Blocks], the status allocator of microcred.WithStatus) and
// [Log] (microcred.BatchOptions.Log). [Store] adds the status lists and
// batch runs (the microcred command's batch and status) and the tickets.
//
// Tickets hold the short-lived, single-use state of delivering
// credentials to wallets (package vcapi's OpenID4VCI offers, codes,
// tokens and nonces, and its VC-API exchanges): each expires on the
// caller's clock, [Store.UseTicket] succeeds once across processes (one
// conditional UPDATE), and [Store.AttemptTicket] counts attempts against
// a budget.
//
// # Index allocation
//
// An index of a list is reserved once, ever: [Allocator.Reserve] reads and
// advances the list's next index in one transaction that holds the list
// (a row lock in PostgreSQL, the write lock in SQLite), so batches,
// processes and machines sharing a store never share an index. [Blocks]
// reserves a block at a time (bulk issuance: once per few hundred
// credentials) and hands it out from memory: a process that dies loses
// the rest of its block, a gap, never a duplicate. The log's unique
// constraint on (list, index) refuses a second credential at an index
// besides ([ErrIndexReused]).
//
// # The log and resuming
//
// A credential counts as issued once its [Record] is committed;
// [Log.Record] writes many in one transaction and advances their run's
// RowsDone with them. A run's [Fingerprint] (digests of the key, template,
// image and status list it started with) must match to resume it
// (a [*RunMismatchError]).
//
// # Guarantees
//
//   - An index of a list is reserved once, ever, across batches,
//     processes and machines sharing a store (see Index allocation).
//   - A credential counts as issued exactly when its [Record] is
//     committed; a run resumes only with the [Fingerprint] it started
//     with.
//   - [Store.UseTicket] succeeds at most once per ticket, across
//     processes.
//   - Every implementation passes the same suite (store/storetest).
//
// # Refuses
//
// Errors wrap the sentinels: a second credential with an id already in
// the log ([ErrDuplicateCredential]) or at a used (list, index)
// ([ErrIndexReused]); a list that exists with other parameters
// ([ErrListMismatch]); a run that exists ([ErrRunExists]) or whose
// fingerprint differs (a [*RunMismatchError] naming the fields); an
// argument out of range ([ErrInvalid], naming it), over a budget
// ([ErrTooMany]: more than [MaxReserve] (65,536) indexes per reservation,
// [MaxRecords] (1,048,576) records per call, [MaxEntries] entries per
// list); a ticket that exists, expired or was used ([ErrTicketExists],
// [ErrTicketExpired], [ErrTicketUsed]); and a database written by a newer
// version ([ErrSchemaTooNew]).
//
// # Security considerations
//
// The store is trusted issuer state: whoever can write it can move a
// list's next index back (so that indexes are handed out again) or flip
// status bits. Protect it like the key. Verifiers never read it: they read
// the signed list credentials the issuer publishes ([List.Signed]).
//
// # Offline use
//
// The package itself does no I/O; store/sqlite opens a file and
// store/postgres connects to the server its connection string names.
//
// # Compatibility
//
// Schemas are versioned in code; opening a database written by a newer
// version fails with [ErrSchemaTooNew] rather than misreading it.
// Budgets: [MaxReserve] indexes per reservation, [MaxRecords] records per
// call, [MaxEntries] entries per list.
package store
