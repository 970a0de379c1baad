package store

import "time"

// MaxTicketData is the largest Ticket.Data a store accepts (a credential
// template with room to spare).
const MaxTicketData = 1 << 20

// Ticket is a piece of short-lived, single-use delivery state: an
// OpenID4VCI credential offer, pre-authorized code, access token or nonce,
// a VC-API exchange or its challenge. A ticket expires at Expires and is
// used at most once ([Store.UseTicket]); every attempt at it can be
// counted against a budget ([Store.AttemptTicket]).
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
