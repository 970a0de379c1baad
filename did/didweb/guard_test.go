package didweb_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did/didweb"
)

// redirected is a test setup in which names resolve through a fake lookup
// and every connection the guard lets through reaches a local TLS server
// (whose certificate is valid for example.com), so the guard's decisions
// can be watched without leaving the machine.
type redirected struct {
	srv    *httptest.Server
	mu     sync.Mutex
	dialed []string // the addresses the guard handed to the dialer
	looked []string // the names it resolved
	answer func(n int) []net.IPAddr
}

func newRedirected(t *testing.T, handler http.HandlerFunc) *redirected {
	r := &redirected{srv: httptest.NewTLSServer(handler)}
	t.Cleanup(r.srv.Close)
	return r
}

func (r *redirected) lookup(_ context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.looked = append(r.looked, host)
	return r.answer(len(r.looked)), nil
}

// client has the test server's roots and a dialer that records the address
// it is asked for and connects to the test server instead.
func (r *redirected) client() *http.Client {
	t := r.srv.Client().Transport.(*http.Transport).Clone()
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		r.mu.Lock()
		r.dialed = append(r.dialed, addr)
		r.mu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, network, r.srv.Listener.Addr().String())
	}
	return &http.Client{Transport: t}
}

func ips(s ...string) []net.IPAddr {
	out := make([]net.IPAddr, len(s))
	for i, a := range s {
		out[i] = net.IPAddr{IP: net.ParseIP(a)} // 16-byte form, as the resolver gives IPv4 too
	}
	return out
}

func okDoc(t *testing.T) []byte {
	doc, err := os.ReadFile("testdata/oidf/did.json")
	require.NoError(t, err)
	return doc
}

// A public address passes: the guard dials exactly the address it checked.
func TestGuardDialsTheCheckedPublicAddress(t *testing.T) {
	doc := okDoc(t)
	r := newRedirected(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(doc) })
	r.answer = func(int) []net.IPAddr { return ips("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c") }
	f, err := didweb.NewHTTPFetcher(r.client(), didweb.WithLookup(r.lookup))
	require.NoError(t, err)
	got, err := f.Fetch(context.Background(), "https://example.com/did.json")
	require.NoError(t, err)
	assert.Equal(t, doc, got)
	assert.Equal(t, []string{"example.com"}, r.looked)
	assert.Equal(t, []string{"93.184.215.14:443"}, r.dialed, "the dialer gets the checked IP, never the name")
}

// A name resolving to an address that is not globally reachable is refused
// before any connection, whichever form the address takes; so is a name
// with one such address among public ones.
func TestGuardRefusesNamesResolvingToNonPublicAddresses(t *testing.T) {
	for _, answer := range [][]net.IPAddr{
		ips("127.0.0.1"),
		ips("10.1.2.3"),
		ips("100.64.0.1"),      // CGNAT
		ips("198.18.0.1"),      // benchmarking
		ips("169.254.169.254"), // cloud metadata
		ips("::1"),
		ips("::ffff:192.168.0.1"),
		ips("::127.0.0.1"),      // IPv4-compatible
		ips("64:ff9b::a00:1"),   // NAT64 of 10.0.0.1
		ips("64:ff9b:1::a00:1"), // local-use NAT64
		ips("2002:a00:1::1"),    // 6to4 of 10.0.0.1
		ips("2001::1"),          // Teredo
		ips("fd00::1"),
		ips("93.184.215.14", "10.0.0.1"),
		{{IP: net.ParseIP("fe80::1"), Zone: "eth0"}},
	} {
		r := newRedirected(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(okDoc(t)) })
		r.answer = func(int) []net.IPAddr { return answer }
		f, err := didweb.NewHTTPFetcher(r.client(), didweb.WithLookup(r.lookup))
		require.NoError(t, err)
		got, err := f.Fetch(context.Background(), "https://did.example.com/did.json")
		assert.ErrorIs(t, err, didweb.ErrFetch, "%v", answer)
		assert.ErrorIs(t, err, didweb.ErrNonPublicAddress, "%v", answer)
		var ae *didweb.AddressError
		assert.True(t, errors.As(err, &ae), "%v", answer)
		assert.Nil(t, got)
		assert.Empty(t, r.dialed, "no connection attempted for %v", answer)
	}
}

// DNS rebinding across a redirect: the first resolution is public, the
// second (for the redirected request, on a new connection) is loopback.
// Each dial resolves and checks again, so the second is refused.
func TestGuardChecksEveryDialAcrossRedirects(t *testing.T) {
	doc := okDoc(t)
	r := newRedirected(t, func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/start/did.json" {
			w.Header().Set("Connection", "close")
			http.Redirect(w, req, "https://example.com/ok/did.json", http.StatusFound)
			return
		}
		_, _ = w.Write(doc)
	})
	r.answer = func(n int) []net.IPAddr {
		if n == 1 {
			return ips("93.184.215.14")
		}
		return ips("127.0.0.1")
	}
	f, err := didweb.NewHTTPFetcher(r.client(), didweb.WithLookup(r.lookup))
	require.NoError(t, err)
	_, err = f.Fetch(context.Background(), "https://example.com/start/did.json")
	assert.ErrorIs(t, err, didweb.ErrNonPublicAddress)
	assert.Equal(t, []string{"example.com", "example.com"}, r.looked)
	assert.Equal(t, []string{"93.184.215.14:443"}, r.dialed, "the rebound address was never dialed")

	// The same redirect with a stable public answer succeeds.
	r.looked, r.dialed = nil, nil
	r.answer = func(int) []net.IPAddr { return ips("93.184.215.14") }
	got, err := f.Fetch(context.Background(), "https://example.com/start/did.json")
	require.NoError(t, err)
	assert.Equal(t, doc, got)
}

// Literal addresses in the URL go through the same guard, in every form,
// with the default dialer (the client's transport has no DialContext).
func TestGuardRefusesLiteralAddresses(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(okDoc(t)) }))
	defer srv.Close()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	port := u.Port()
	f, err := didweb.NewHTTPFetcher(srv.Client())
	require.NoError(t, err)
	for _, host := range []string{"127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "0.0.0.0", "[::]"} {
		_, err := f.Fetch(context.Background(), "https://"+host+":"+port+"/did.json")
		assert.ErrorIs(t, err, didweb.ErrNonPublicAddress, host)
	}
	// The server is reachable when the guard is off.
	open, err := didweb.NewHTTPFetcher(srv.Client(), didweb.WithPrivateAddressesUnsafe())
	require.NoError(t, err)
	_, err = open.Fetch(context.Background(), srv.URL+"/did.json")
	assert.NoError(t, err)
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The guard must be able to wrap the transport's dialer; a transport it
// cannot wrap is a construction error, never an unguarded fetcher.
func TestGuardNeedsAWrappableTransport(t *testing.T) {
	custom := &http.Client{Transport: roundTripperFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") })}
	_, err := didweb.NewHTTPFetcher(custom)
	assert.Error(t, err, "a RoundTripper that is not an *http.Transport")
	tlsDialer := &http.Client{Transport: &http.Transport{DialTLSContext: func(context.Context, string, string) (net.Conn, error) { return nil, errors.New("unused") }}}
	_, err = didweb.NewHTTPFetcher(tlsDialer)
	assert.Error(t, err, "a transport with its own TLS dialer")
	_, err = didweb.NewHTTPFetcher(custom, didweb.WithPrivateAddressesUnsafe())
	assert.NoError(t, err, "without the guard any transport will do")

	// The caller's transport is cloned, not modified.
	base := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}, Proxy: http.ProxyFromEnvironment}
	_, err = didweb.NewHTTPFetcher(&http.Client{Transport: base})
	require.NoError(t, err)
	assert.Nil(t, base.DialContext)
	assert.NotNil(t, base.Proxy)
}

// The guard does not use a proxy: a proxy would resolve and dial the name
// out of its sight.
func TestGuardIgnoresProxies(t *testing.T) {
	doc := okDoc(t)
	r := newRedirected(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(doc) })
	r.answer = func(int) []net.IPAddr { return ips("93.184.215.14") }
	c := r.client()
	proxied := false
	c.Transport.(*http.Transport).Proxy = func(*http.Request) (*url.URL, error) {
		proxied = true
		return url.Parse("http://10.0.0.1:3128")
	}
	f, err := didweb.NewHTTPFetcher(c, didweb.WithLookup(r.lookup))
	require.NoError(t, err)
	_, err = f.Fetch(context.Background(), "https://example.com/did.json")
	require.NoError(t, err)
	assert.False(t, proxied)
	assert.True(t, strings.HasPrefix(r.dialed[0], "93.184.215.14:"))
}

// A nil option is refused, not skipped or panicked on.
func TestNewHTTPFetcherNilOption(t *testing.T) {
	f, err := didweb.NewHTTPFetcher(&http.Client{}, nil)
	assert.EqualError(t, err, "didweb: nil option")
	assert.Nil(t, f)
}
