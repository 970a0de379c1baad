package store

import (
	"context"
	"fmt"
	"time"
)

// MaxTicketData is the largest Ticket.Data a store accepts (a credential
// template with room to spare).
const MaxTicketData = 1 << 20

// Ticket is a piece of short-lived, single-use delivery state: an
// OpenID4VCI credential offer, pre-authorized code, access token or nonce,
// a VC-API exchange or its challenge. A ticket expires at Expires and is
// used at most once ([Tickets.UseTicket]); every attempt at it can be
// counted against a budget ([Tickets.AttemptTicket]).
type Ticket struct {
	// Kind groups tickets ("offer", "code", "nonce"...); ID is unique
	// within its kind. A ticket standing for a secret (a code, a token)
	// should be stored under a digest of it, not the secret.
	Kind, ID string
	// Data is the caller's, opaque to the store (at most MaxTicketData
	// bytes).
	Data []byte
	// Expires is when the ticket stops being usable.
	Expires time.Time
	// Attempts counts the AttemptTicket calls that succeeded; read only.
	Attempts int
	// Used is when UseTicket took the ticket, zero before; read only.
	Used time.Time
}

// Tickets holds delivery state. Every method that checks a ticket takes
// the time to check it at (the caller's clock), so expiry is the caller's
// notion of now.
type Tickets interface {
	// PutTicket stores t, unused and with no attempts. A ticket of the
	// same kind and id fails with ErrTicketExists, even an expired one
	// that PurgeTickets has not removed yet.
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
}

// ValidateTicket checks a ticket before it is stored.
func ValidateTicket(t Ticket) error {
	switch {
	case t.Kind == "" || len(t.Kind) > 64:
		return fmt.Errorf("%w: ticket kind %q (1 to 64 bytes)", ErrInvalid, t.Kind)
	case t.ID == "" || len(t.ID) > 256:
		return fmt.Errorf("%w: ticket %s: id of %d bytes (1 to 256)", ErrInvalid, t.Kind, len(t.ID))
	case len(t.Data) > MaxTicketData:
		return fmt.Errorf("%w: ticket %s: %d bytes of data (at most %d)", ErrInvalid, t.Kind, len(t.Data), MaxTicketData)
	case t.Expires.IsZero():
		return fmt.Errorf("%w: ticket %s: no expiry", ErrInvalid, t.Kind)
	}
	return nil
}
