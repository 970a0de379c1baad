package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/store"
)

func testTickets(t *testing.T, b Backend) {
	ctx := context.Background()
	s := open(t, b, b.Fresh(t))
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tk := store.Ticket{Kind: "code", ID: "abc", Data: []byte(`{"offer":"o1"}`), Expires: now.Add(time.Minute)}
	require.NoError(t, s.PutTicket(ctx, tk))
	require.ErrorIs(t, s.PutTicket(ctx, tk), store.ErrTicketExists, "a second ticket of one kind and id")
	// Another kind may share the id.
	require.NoError(t, s.PutTicket(ctx, store.Ticket{Kind: "nonce", ID: "abc", Expires: now.Add(time.Minute)}))

	for _, bad := range []store.Ticket{
		{ID: "x", Expires: now}, {Kind: "k", Expires: now}, {Kind: "k", ID: "x"},
		{Kind: "k", ID: "x", Expires: now, Data: make([]byte, store.MaxTicketData+1)},
	} {
		require.ErrorIs(t, s.PutTicket(ctx, bad), store.ErrInvalid)
	}

	got, err := s.Ticket(ctx, "code", "abc", now)
	require.NoError(t, err)
	assert.Equal(t, tk.Data, got.Data)
	assert.True(t, got.Expires.Equal(tk.Expires))
	_, err = s.Ticket(ctx, "code", "nope", now)
	require.ErrorIs(t, err, store.ErrNotFound)

	// Attempts are counted up to the budget.
	for i := 1; i <= 3; i++ {
		got, err := s.AttemptTicket(ctx, "code", "abc", now, 3)
		require.NoError(t, err)
		assert.Equal(t, i, got.Attempts)
	}
	_, err = s.AttemptTicket(ctx, "code", "abc", now, 3)
	require.ErrorIs(t, err, store.ErrTooManyAttempts)
	_, err = s.AttemptTicket(ctx, "code", "abc", now, 0)
	require.ErrorIs(t, err, store.ErrInvalid)

	// Expiry is the caller's clock: at Expires the ticket is gone.
	_, err = s.UseTicket(ctx, "code", "abc", now.Add(time.Minute))
	require.ErrorIs(t, err, store.ErrTicketExpired)
	_, err = s.AttemptTicket(ctx, "code", "abc", now.Add(time.Minute), 9)
	require.ErrorIs(t, err, store.ErrTicketExpired)

	used, err := s.UseTicket(ctx, "code", "abc", now)
	require.NoError(t, err)
	assert.True(t, used.Used.Equal(now), "Used is the time of use")
	_, err = s.UseTicket(ctx, "code", "abc", now)
	require.ErrorIs(t, err, store.ErrTicketUsed, "single use")
	_, err = s.Ticket(ctx, "code", "abc", now)
	require.ErrorIs(t, err, store.ErrTicketUsed)
	_, err = s.AttemptTicket(ctx, "code", "abc", now, 9)
	require.ErrorIs(t, err, store.ErrTicketUsed)
	_, err = s.UseTicket(ctx, "code", "missing", now)
	require.ErrorIs(t, err, store.ErrNotFound)

	// Purging removes what expired, and the id stays refused (not found).
	n, err := s.PurgeTickets(ctx, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	_, err = s.UseTicket(ctx, "code", "abc", now)
	require.ErrorIs(t, err, store.ErrNotFound)
}

// testConcurrentTicketUse: of many concurrent uses, over two handles
// (two connection pools, as two processes), exactly one succeeds.
func testConcurrentTicketUse(t *testing.T, b Backend) {
	ctx := context.Background()
	dsn := b.Fresh(t)
	s1, s2 := open(t, b, dsn), open(t, b, dsn)
	now := time.Now()
	const rounds, workers = 20, 8
	for r := 0; r < rounds; r++ {
		id := string(rune('a' + r))
		require.NoError(t, s1.PutTicket(ctx, store.Ticket{Kind: "code", ID: id, Expires: now.Add(time.Hour)}))
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for w := 0; w < workers; w++ {
			s := s1
			if w%2 == 1 {
				s = s2
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.UseTicket(ctx, "code", id, now)
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else {
					assert.ErrorIs(t, err, store.ErrTicketUsed)
				}
			}()
		}
		wg.Wait()
		require.Equal(t, 1, wins, "round %d: exactly one use succeeds", r)
	}
}
