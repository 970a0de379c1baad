package vcapi

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/vc/status"
)

// httpStatusFetcher is the fetcher of NewHTTPStatusFetcher.
type httpStatusFetcher struct {
	f       *didweb.HTTPFetcher
	timeout time.Duration
	ttl     time.Duration
	max     int
	clock   func() time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	data []byte
	at   time.Time
}

var _ status.Fetcher = (*httpStatusFetcher)(nil)

// HTTPStatusOptions tune NewHTTPStatusFetcher; zero fields take defaults.
type HTTPStatusOptions struct {
	Timeout time.Duration // default 5 s per fetch
	TTL     time.Duration // default 1 minute
	Entries int           // cached lists, default 1024
	// AllowPrivate switches the address guard off (tests, or lists on
	// your own network).
	AllowPrivate bool
	Clock        func() time.Time
}

// NewHTTPStatusFetcher returns a fetcher of remote status lists for the
// verifier (Config.StatusFetcher), over client (nil: a new client): https
// only, through did/didweb's guarded client (only globally reachable
// addresses, the address checked at dial time, same-host https
// redirects), at most didweb.MaxDocumentBytes, within Timeout, and cached
// for TTL (a revocation is seen at most TTL late). Failed fetches are not
// cached. It is safe for concurrent use.
func NewHTTPStatusFetcher(client *http.Client, o HTTPStatusOptions) (status.Fetcher, error) {
	if client == nil {
		client = &http.Client{}
	}
	var guard []didweb.HTTPOption
	if o.AllowPrivate {
		guard = append(guard, didweb.WithPrivateAddressesUnsafe())
	}
	f, err := didweb.NewHTTPFetcher(client, guard...)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.TTL <= 0 {
		o.TTL = time.Minute
	}
	if o.Entries <= 0 {
		o.Entries = 1024
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return &httpStatusFetcher{f: f, timeout: o.Timeout, ttl: o.TTL, max: o.Entries, clock: o.Clock, cache: map[string]cached{}}, nil
}

// Fetch implements status.Fetcher.
func (s *httpStatusFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	now := s.clock()
	s.mu.Lock()
	if c, ok := s.cache[url]; ok && now.Sub(c.at) < s.ttl {
		s.mu.Unlock()
		return c.data, nil
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	data, err := s.f.Fetch(ctx, url)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, errors.New("vcapi: fetching status list " + url + ": timed out after " + s.timeout.String())
		}
		return nil, err
	}
	s.mu.Lock()
	if len(s.cache) >= s.max {
		// Evict the oldest entry.
		var oldest string
		var at time.Time
		for k, c := range s.cache {
			if oldest == "" || c.at.Before(at) {
				oldest, at = k, c.at
			}
		}
		delete(s.cache, oldest)
	}
	s.cache[url] = cached{data: data, at: now}
	s.mu.Unlock()
	return data, nil
}
