package store

import "errors"

var (
	// ErrNotFound: no list, run or credential matches.
	ErrNotFound = errors.New("store: not found")
	// ErrSchemaTooNew: the database was written by a newer microcred; this
	// one refuses to open it rather than misread it.
	ErrSchemaTooNew = errors.New("store: database schema is newer than this program")
	// ErrListMismatch: a list with this URL exists with other parameters
	// (issuer, purpose, size or status size).
	ErrListMismatch = errors.New("store: status list exists with other parameters")
	// ErrDuplicateCredential: a credential id is already in the log.
	ErrDuplicateCredential = errors.New("store: credential id already issued")
	// ErrIndexReused: a status list index is already in the log for another
	// credential. The allocator never hands an index out twice, so this
	// means a record did not come from it.
	ErrIndexReused = errors.New("store: status list index already used")
	// ErrRunExists: a batch run with this id exists (resume it instead).
	ErrRunExists = errors.New("store: batch run exists")
	// ErrInvalid: an argument is out of range or inconsistent (the message
	// names it).
	ErrInvalid = errors.New("store: invalid argument")
	// ErrTooMany: a query matches more records than its limit.
	ErrTooMany = errors.New("store: too many records")
	// ErrTicketExists: a ticket of this kind and id is already stored.
	ErrTicketExists = errors.New("store: ticket exists")
	// ErrTicketExpired: the ticket's expiry has passed.
	ErrTicketExpired = errors.New("store: ticket expired")
	// ErrTicketUsed: the ticket was used already (single use).
	ErrTicketUsed = errors.New("store: ticket already used")
	// ErrTooManyAttempts: the ticket's attempt budget is spent.
	ErrTooManyAttempts = errors.New("store: too many attempts")
)

// RunMismatchError is the error of resuming a batch run with other inputs
// than it started with: it names the parts of the run's fingerprint that
// differ between the run in the store and the one resuming it. Match it
// with errors.As.
type RunMismatchError struct {
	Run    string
	Fields []string // "key", "template", "image", "status list", "options"
}

func (e *RunMismatchError) Error() string {
	msg := "store: batch run " + e.Run + " started with another "
	for i, f := range e.Fields {
		if i > 0 {
			msg += ", "
			if i == len(e.Fields)-1 {
				msg = msg[:len(msg)-2] + " and "
			}
		}
		msg += f
	}
	return msg
}
