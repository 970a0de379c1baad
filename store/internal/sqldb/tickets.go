package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onchaincert/microcred/store"
)

// PutTicket implements store.Store.
func (s *DB) PutTicket(ctx context.Context, t store.Ticket) error {
	if err := validateTicket(t); err != nil {
		return err
	}
	data := t.Data
	if data == nil {
		data = []byte{}
	}
	res, err := s.db.ExecContext(ctx, s.q(`INSERT INTO tickets (kind, id, data, expires_us, attempts, used_us) VALUES ($1, $2, $3, $4, 0, NULL) ON CONFLICT (kind, id) DO NOTHING`),
		t.Kind, t.ID, data, micros(t.Expires))
	if err != nil {
		return fmt.Errorf("%s: storing a %s ticket: %w", s.d.Name, t.Kind, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%w: %s %s", store.ErrTicketExists, t.Kind, t.ID)
	}
	return nil
}

const ticketColumns = `kind, id, data, expires_us, attempts, used_us`

func scanTicket(r scanner) (*store.Ticket, error) {
	var t store.Ticket
	var exp int64
	var used sql.NullInt64
	if err := r.Scan(&t.Kind, &t.ID, &t.Data, &exp, &t.Attempts, &used); err != nil {
		return nil, err
	}
	t.Expires = fromMicros(exp)
	if used.Valid {
		t.Used = fromMicros(used.Int64)
	}
	return &t, nil
}

// Ticket implements store.Store.
func (s *DB) Ticket(ctx context.Context, kind, id string, now time.Time) (*store.Ticket, error) {
	t, err := scanTicket(s.db.QueryRowContext(ctx, s.q(`SELECT `+ticketColumns+` FROM tickets WHERE kind = $1 AND id = $2`), kind, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s ticket", store.ErrNotFound, kind)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: reading a %s ticket: %w", s.d.Name, kind, err)
	}
	switch {
	case !t.Used.IsZero():
		return t, fmt.Errorf("%w: %s ticket used at %s", store.ErrTicketUsed, kind, t.Used.Format(time.RFC3339))
	case !now.Before(t.Expires):
		return t, fmt.Errorf("%w: %s ticket expired at %s", store.ErrTicketExpired, kind, t.Expires.Format(time.RFC3339))
	}
	return t, nil
}

// UseTicket implements store.Store: one conditional UPDATE, so that of
// concurrent callers exactly one sees its row change.
func (s *DB) UseTicket(ctx context.Context, kind, id string, now time.Time) (*store.Ticket, error) {
	t, err := scanTicket(s.db.QueryRowContext(ctx, s.q(`UPDATE tickets SET used_us = $1 WHERE kind = $2 AND id = $3 AND used_us IS NULL AND expires_us > $4 RETURNING `+ticketColumns),
		micros(now), kind, id, micros(now)))
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: using a %s ticket: %w", s.d.Name, kind, err)
	}
	// Why not: missing, used or expired.
	if _, err := s.Ticket(ctx, kind, id, now); err != nil {
		return nil, err
	}
	// Usable now, so it was used (or expired) between the two statements.
	return nil, fmt.Errorf("%w: %s ticket", store.ErrTicketUsed, kind)
}

// AttemptTicket implements store.Store.
func (s *DB) AttemptTicket(ctx context.Context, kind, id string, now time.Time, max int) (*store.Ticket, error) {
	if max < 1 {
		return nil, fmt.Errorf("%w: attempt budget %d (at least 1)", store.ErrInvalid, max)
	}
	t, err := scanTicket(s.db.QueryRowContext(ctx, s.q(`UPDATE tickets SET attempts = attempts + 1 WHERE kind = $1 AND id = $2 AND used_us IS NULL AND expires_us > $3 AND attempts < $4 RETURNING `+ticketColumns),
		kind, id, micros(now), max))
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: counting an attempt at a %s ticket: %w", s.d.Name, kind, err)
	}
	t, err = s.Ticket(ctx, kind, id, now)
	if err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: %s ticket: %d attempts of %d", store.ErrTooManyAttempts, kind, t.Attempts, max)
}

// PurgeTickets implements store.Store.
func (s *DB) PurgeTickets(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM tickets WHERE expires_us <= $1`), micros(now))
	if err != nil {
		return 0, fmt.Errorf("%s: purging tickets: %w", s.d.Name, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// validateTicket checks a ticket before it is stored.
func validateTicket(t store.Ticket) error {
	switch {
	case t.Kind == "" || len(t.Kind) > 64:
		return fmt.Errorf("%w: ticket kind %q (1 to 64 bytes)", store.ErrInvalid, t.Kind)
	case t.ID == "" || len(t.ID) > 256:
		return fmt.Errorf("%w: ticket %s: id of %d bytes (1 to 256)", store.ErrInvalid, t.Kind, len(t.ID))
	case len(t.Data) > store.MaxTicketData:
		return fmt.Errorf("%w: ticket %s: %d bytes of data (at most %d)", store.ErrInvalid, t.Kind, len(t.Data), store.MaxTicketData)
	case t.Expires.IsZero():
		return fmt.Errorf("%w: ticket %s: no expiry", store.ErrInvalid, t.Kind)
	}
	return nil
}
