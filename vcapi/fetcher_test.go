package vcapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/vcapi"
)

// The remote status list fetcher: the address guard refuses a loopback
// list by default; with it off (a test), lists are cached for the TTL and
// fetched again after; a slow server hits the timeout; an oversize list
// and http URLs are refused.
func TestHTTPStatusFetcher(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/slow":
			time.Sleep(300 * time.Millisecond)
		case "/big":
			w.Write([]byte(strings.Repeat(" ", didweb.MaxDocumentBytes+1)))
			return
		}
		w.Write([]byte(`{"list": 1}`))
	}))
	defer srv.Close()
	ctx := context.Background()

	guarded, err := vcapi.NewHTTPStatusFetcher(srv.Client(), vcapi.HTTPStatusOptions{})
	require.NoError(t, err)
	_, err = guarded.Fetch(ctx, srv.URL+"/list")
	require.Error(t, err)
	assert.True(t, errors.Is(err, didweb.ErrNonPublicAddress), "%v", err)
	assert.Zero(t, hits.Load(), "the guard refuses before connecting")

	now := time.Unix(1_800_000_000, 0)
	f, err := vcapi.NewHTTPStatusFetcher(srv.Client(), vcapi.HTTPStatusOptions{AllowPrivate: true, TTL: time.Minute, Timeout: 100 * time.Millisecond, Clock: func() time.Time { return now }})
	require.NoError(t, err)
	for range 3 {
		data, err := f.Fetch(ctx, srv.URL+"/list")
		require.NoError(t, err)
		assert.JSONEq(t, `{"list": 1}`, string(data))
	}
	assert.Equal(t, int32(1), hits.Load(), "served from the cache within the TTL")
	now = now.Add(61 * time.Second)
	_, err = f.Fetch(ctx, srv.URL+"/list")
	require.NoError(t, err)
	assert.Equal(t, int32(2), hits.Load(), "fetched again after the TTL")

	_, err = f.Fetch(ctx, srv.URL+"/slow")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "timed out")
	_, err = f.Fetch(ctx, srv.URL+"/big")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than")
	_, err = f.Fetch(ctx, strings.Replace(srv.URL, "https", "http", 1)+"/list")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not an https URL")
}
