package store

import (
	"context"
	"fmt"
	"time"
)

// Budgets. Each is checked where it applies and returns an error wrapping
// [ErrInvalid] or [ErrTooMany] beyond it.
const (
	// MaxReserve is the most indexes one Reserve call hands out.
	MaxReserve = 1 << 16
	// MaxRecords is the most records one Record call writes (one
	// transaction) and the most one Find call returns.
	MaxRecords = 1 << 20
	// MaxEntries is the most entries a status list may have (the
	// bitstring, 16 MiB, is what vc/status decompresses at most).
	MaxEntries = 16 << 20 * 8
)

// ListSpec describes a status list to create.
type ListSpec struct {
	// URL is where the list credential is published (its id).
	URL string
	// Issuer is the DID that signs the list and the credentials in it.
	Issuer string
	// Purpose is the statusPurpose: revocation, suspension, message...
	Purpose string
	// Entries is the number of entries; StatusSize the bits per entry
	// (1 to 8).
	Entries, StatusSize int
}

// List is a status list as the store holds it.
type List struct {
	ListSpec
	// Bits is the bitstring: Entries×StatusSize bits, the first entry in
	// the most significant bits of the first byte (Bitstring Status List
	// §3.1). Edit it in [Store.UpdateList].
	Bits []byte
	// Next is the first index never reserved; indexes below it have been
	// handed out (or lost to a crash), never again.
	Next int
	// Version counts the changes of Bits and Signed: 1 when created, +1 on
	// every UpdateList.
	Version int64
	// Signed is the signed list credential of this version: what to
	// publish at URL.
	Signed []byte
	// Updated is when Bits or Signed last changed.
	Updated time.Time
}

// Block is a run of reserved indexes of one list: First, First+1, ...,
// First+Count-1.
type Block struct {
	ListURL      string
	First, Count int
}

// Record is one issued credential in the log.
type Record struct {
	// CredentialID is the credential's id; unique across the store.
	CredentialID string
	// Learner is the learner identifier as the caller gave it (an email,
	// a student number).
	Learner string
	// ListURL and Index locate the credential's status entry; ListURL is
	// "" (and Index -1) for a credential without one.
	ListURL string
	Index   int
	// Batch is the batch run the credential was issued in ("" for none);
	// Seq its position in the batch's input and Ref the caller's
	// reference (the CLI: the line of the row).
	Batch string
	Seq   int
	Ref   string
	// LeafHash is the credential's leaf in the batch tree (anchor.Leaf).
	LeafHash []byte
	// IssuedAt is when the credential was signed.
	IssuedAt time.Time
}

// Query selects records; every non-empty field must match. A Query with
// no field set is invalid.
type Query struct {
	CredentialID, Learner, Batch string
	// Limit caps the records returned (0: MaxRecords); more matching
	// records make Find fail with ErrTooMany.
	Limit int
}

// Fingerprint is what a batch run was started with; resuming it with
// another fingerprint is refused. Each field is an opaque digest.
type Fingerprint struct {
	Key, Template, Image, StatusList, Options string
}

// Diff names the fields of f that differ from g, in the words the
// [RunMismatchError] uses.
func (f Fingerprint) Diff(g Fingerprint) []string {
	var d []string
	for _, p := range []struct {
		name string
		a, b string
	}{{"key", f.Key, g.Key}, {"template", f.Template, g.Template}, {"image", f.Image, g.Image}, {"status list", f.StatusList, g.StatusList}, {"options", f.Options, g.Options}} {
		if p.a != p.b {
			d = append(d, p.name)
		}
	}
	return d
}

// Run is a batch run.
type Run struct {
	ID          string
	Fingerprint Fingerprint
	// RowsDone is the number of records logged for the run.
	RowsDone int
	Created  time.Time
}

// Allocator reserves status list indexes; an index is reserved at most
// once, across processes and machines sharing the store.
type Allocator interface {
	// Reserve reserves up to n (1 to MaxReserve) consecutive indexes of
	// the list at listURL: fewer when the list has fewer left, an error
	// wrapping status.ErrListFull when it has none.
	Reserve(ctx context.Context, listURL string, n int) (Block, error)
	// Release gives back the indexes of b from b.First+used on, if no
	// reservation was made after b; otherwise it does nothing. Only the
	// holder of b may call it, once it hands out no more of b.
	Release(ctx context.Context, b Block, used int) error
}

// Log is the issued-credential log.
type Log interface {
	// Record writes recs in one transaction and adds their number to
	// their batch run's RowsDone. A credential id already logged fails
	// the whole call with ErrDuplicateCredential, a list index already
	// logged with ErrIndexReused. Each record needs a CredentialID, an
	// IssuedAt, and an Index of -1 without a ListURL or of at least 0
	// with one (else ErrInvalid, naming the record); more than
	// MaxRecords in one call is ErrTooMany.
	Record(ctx context.Context, recs []Record) error
	// Find returns the records q selects, by batch and position.
	Find(ctx context.Context, q Query) ([]Record, error)
}

// Store is everything an issuer keeps: sqlite.Open and postgres.Open
// return one. Its methods are the index Allocator, the issued-credential
// Log, and the following.
type Store interface {
	Allocator
	Log

	// Status lists.

	// CreateList creates the list spec describes, all zero, with the
	// signed copy sign returns for it; if the list exists with the same
	// spec it is returned unchanged (created false), with another spec
	// the error wraps ErrListMismatch.
	CreateList(ctx context.Context, spec ListSpec, sign func(*List) ([]byte, error)) (l *List, created bool, err error)
	// List returns the list at url, or an error wrapping ErrNotFound.
	List(ctx context.Context, url string) (*List, error)
	// UpdateList runs edit on the list at url inside one transaction that
	// holds the list locked: edit changes Bits and sets Signed (the list
	// re-signed), and the store saves both with Version+1. An error from
	// edit leaves the list unchanged.
	UpdateList(ctx context.Context, url string, edit func(*List) error) (*List, error)

	// Batch runs.

	// CreateRun starts run r (r.ID must be new: ErrRunExists).
	CreateRun(ctx context.Context, r Run) error
	// ResumeRun returns run id if it was started with fp; otherwise a
	// *RunMismatchError, or ErrNotFound.
	ResumeRun(ctx context.Context, id string, fp Fingerprint) (*Run, error)

	// Tickets: delivery state. Every method that checks a ticket takes
	// the time to check it at (the caller's clock), so expiry is the
	// caller's notion of now.

	// PutTicket stores t, unused and with no attempts. A ticket of the
	// same kind and id fails with ErrTicketExists, even an expired one
	// that PurgeTickets has not removed yet. t needs a Kind of 1 to 64
	// bytes, an ID of 1 to 256 bytes, at most MaxTicketData bytes of Data
	// and an Expires (else ErrInvalid, naming the field).
	PutTicket(ctx context.Context, t Ticket) error
	// Ticket returns the ticket: ErrNotFound if there is none, and the
	// ticket with an error wrapping ErrTicketExpired or ErrTicketUsed if
	// it can no longer be used.
	Ticket(ctx context.Context, kind, id string, now time.Time) (*Ticket, error)
	// UseTicket marks the ticket used and returns it, atomically: of any
	// number of concurrent calls, in any number of processes, one
	// succeeds. The others fail with ErrTicketUsed; an expired ticket
	// with ErrTicketExpired, a missing one with ErrNotFound.
	UseTicket(ctx context.Context, kind, id string, now time.Time) (*Ticket, error)
	// AttemptTicket counts one attempt at an unused, unexpired ticket and
	// returns it (with Attempts counting this one), atomically; once max
	// attempts were counted it fails with ErrTooManyAttempts.
	AttemptTicket(ctx context.Context, kind, id string, now time.Time, max int) (*Ticket, error)
	// PurgeTickets deletes the tickets that expired before now and
	// returns how many.
	PurgeTickets(ctx context.Context, now time.Time) (int, error)

	// Close releases the store's connections.
	Close() error
}

// Validate checks a list spec's fields, naming the first one at fault.
func (s ListSpec) Validate() error {
	switch {
	case s.URL == "":
		return fmt.Errorf("%w: status list URL is empty", ErrInvalid)
	case s.Issuer == "":
		return fmt.Errorf("%w: status list %s: issuer is empty", ErrInvalid, s.URL)
	case s.Purpose == "":
		return fmt.Errorf("%w: status list %s: purpose is empty", ErrInvalid, s.URL)
	case s.StatusSize < 1 || s.StatusSize > 8:
		return fmt.Errorf("%w: status list %s: status size %d (1 to 8 bits)", ErrInvalid, s.URL, s.StatusSize)
	case s.Entries < 1 || s.Entries > MaxEntries/s.StatusSize:
		return fmt.Errorf("%w: status list %s: %d entries (1 to %d of %d bits)", ErrInvalid, s.URL, s.Entries, MaxEntries/s.StatusSize, s.StatusSize)
	}
	return nil
}

// BitsLen is the length in bytes of the list's bitstring.
func (s ListSpec) BitsLen() int { return (s.Entries*s.StatusSize + 7) / 8 }

// Mismatch names the first field of t that differs from s, or "".
func (s ListSpec) Mismatch(t ListSpec) string {
	switch {
	case s.Issuer != t.Issuer:
		return fmt.Sprintf("issuer %s, not %s", s.Issuer, t.Issuer)
	case s.Purpose != t.Purpose:
		return fmt.Sprintf("purpose %s, not %s", s.Purpose, t.Purpose)
	case s.Entries != t.Entries:
		return fmt.Sprintf("%d entries, not %d", s.Entries, t.Entries)
	case s.StatusSize != t.StatusSize:
		return fmt.Sprintf("status size %d, not %d", s.StatusSize, t.StatusSize)
	}
	return ""
}

// Validate checks a query, naming what is wrong.
func (q Query) Validate() error {
	if q.CredentialID == "" && q.Learner == "" && q.Batch == "" {
		return fmt.Errorf("%w: a query needs a credential id, a learner or a batch", ErrInvalid)
	}
	if q.Limit < 0 || q.Limit > MaxRecords {
		return fmt.Errorf("%w: query limit %d (0 to %d)", ErrInvalid, q.Limit, MaxRecords)
	}
	return nil
}
