// Package didweb implements the did:web method
// (https://w3c-ccg.github.io/did-method-web/): did:web:example.com:users:alice
// is the DID document at https://example.com/users/alice/did.json
// (https://example.com/.well-known/did.json without a path).
//
// Resolution goes through a [Fetcher] the caller supplies: [Static] serves
// local documents (offline), [NewHTTPFetcher] fetches with an *http.Client
// the caller owns and the guards below.
//
// # Guarantees
//
// A document [NewResolver] returns was served for exactly the URL the DID
// maps to, parsed strictly, and has the DID as its id. With an
// [HTTPFetcher] (unless WithPrivateAddressesUnsafe), every connection went to a
// globally reachable unicast address, checked on the address dialed.
// Nothing is fetched except through the caller's [Fetcher].
//
// # Refuses
//
//   - A DID that is not a did:web, and a nil fetcher.
//   - A URL other than https; a redirect to another host or to http; a
//     response over [MaxDocumentBytes] (256 KiB); a document whose id is
//     not the DID.
//   - A connection to an address that is not globally reachable (below):
//     the error wraps [ErrNonPublicAddress]; a transport the guard cannot
//     wrap, at construction.
//
// # Security considerations
//
// Only https URLs are fetched. A redirect to another host or to http, a
// response over [MaxDocumentBytes] and a document whose id is not the DID
// are refused.
//
// Unless WithPrivateAddressesUnsafe, the fetcher connects only to globally reachable
// unicast addresses (checkAddress): every block of the IANA IPv4 and
// IPv6 Special-Purpose Address Registries that is not globally reachable
// (private, shared/CGNAT, loopback, link-local, benchmarking,
// documentation, reserved, broadcast, multicast, ULA, site-local, discard,
// Teredo, ...) and, for IPv6, everything outside 2000::/3; IPv4-mapped,
// NAT64 and 6to4 addresses are judged by the IPv4 address they carry. The
// check runs in the transport's dialer, on the addresses the name resolves
// to, and the connection goes to the checked address: a name that resolves
// to a private address, a DNS answer that changes between requests
// (rebinding) and a same-host redirect are all caught at the address
// actually dialed. A refusal wraps [ErrNonPublicAddress]. The guarded
// client uses no proxy (a proxy would dial out of the guard's sight), and a
// transport the guard cannot wrap is a construction error.
//
// # Offline use
//
// Nothing is fetched unless the caller passes a fetcher that does.
//
// # Compatibility
//
// Ports are percent-encoded in the DID (example.com%3A8443); paths use ":".
package didweb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/onchaincert/microcred/did"
)

// MaxDocumentBytes caps a fetched DID document.
const MaxDocumentBytes = 256 << 10

// documentURL returns the https URL of the DID document of a did:web DID.
func documentURL(d did.DID) (string, error) {
	if d.Method() != "web" {
		return "", fmt.Errorf("%w: %s is not a did:web", did.ErrInvalidDID, d)
	}
	parts := strings.Split(d.ID(), ":")
	host, err := url.PathUnescape(parts[0])
	if err != nil || host == "" || strings.ContainsAny(host, "/?#@") {
		return "", fmt.Errorf("%w: bad did:web host %q", did.ErrInvalidDID, parts[0])
	}
	if _, _, err := net.SplitHostPort(host); err != nil && strings.Contains(host, ":") {
		return "", fmt.Errorf("%w: bad did:web host %q", did.ErrInvalidDID, host)
	}
	path := "/.well-known"
	if len(parts) > 1 {
		segs := make([]string, 0, len(parts)-1)
		for _, p := range parts[1:] {
			s, err := url.PathUnescape(p)
			if err != nil || s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/?#") {
				return "", fmt.Errorf("%w: bad did:web path segment %q", did.ErrInvalidDID, p)
			}
			segs = append(segs, url.PathEscape(s))
		}
		path = "/" + strings.Join(segs, "/")
	}
	return "https://" + host + path + "/did.json", nil
}

// Fetcher returns the bytes at an https URL.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// Static serves DID documents from memory, keyed by DID. It fetches nothing.
type Static map[string][]byte

// Resolve implements did.Resolver.
func (s Static) Resolve(ctx context.Context, d did.DID) (*did.Document, error) {
	data, ok := s[d.String()]
	if !ok {
		return nil, &did.ResolutionError{DID: d.String(), Code: did.CodeNotFound, Err: did.ErrNotFound}
	}
	return parse(d, data)
}

// resolver resolves did:web through a Fetcher.
type resolver struct {
	f Fetcher
}

var (
	_ did.Resolver = (*resolver)(nil)
	_ did.Resolver = Static(nil)
)

// NewResolver returns a did:web resolver that fetches with f (required).
func NewResolver(f Fetcher) (did.Resolver, error) {
	if f == nil {
		return nil, errors.New("didweb: a fetcher is required")
	}
	return &resolver{f: f}, nil
}

// Resolve implements did.Resolver.
func (r *resolver) Resolve(ctx context.Context, d did.DID) (*did.Document, error) {
	u, err := documentURL(d)
	if err != nil {
		return nil, &did.ResolutionError{DID: d.String(), Code: did.CodeInvalidDID, Err: err}
	}
	data, err := r.f.Fetch(ctx, u)
	if err != nil {
		return nil, &did.ResolutionError{DID: d.String(), Code: did.CodeNotFound, Err: err}
	}
	return parse(d, data)
}

func parse(d did.DID, data []byte) (*did.Document, error) {
	if len(data) > MaxDocumentBytes {
		return nil, &did.ResolutionError{DID: d.String(), Code: did.CodeInvalidDIDDocument, Err: errors.New("document too large")}
	}
	doc, err := did.ParseDocument(data)
	if err != nil {
		return nil, &did.ResolutionError{DID: d.String(), Code: did.CodeInvalidDIDDocument, Err: err}
	}
	if doc.ID != d.String() {
		return nil, &did.ResolutionError{DID: d.String(), Code: did.CodeInvalidDIDDocument, Err: fmt.Errorf("%w: document id %q is not the DID", did.ErrInvalidDocument, doc.ID)}
	}
	return doc, nil
}

// HTTPOption configures [NewHTTPFetcher].
type HTTPOption func(*httpConfig)

type httpConfig struct {
	allowPrivate bool
	lookup       func(ctx context.Context, host string) ([]net.IPAddr, error)
}

// WithPrivateAddressesUnsafe switches the address guard off: the client
// is used as given (its transport, proxy and dialer), and any address may
// be reached, loopback and private ones included. For tests, or a fetcher
// confined to your own network.
func WithPrivateAddressesUnsafe() HTTPOption {
	return func(c *httpConfig) { c.allowPrivate = true }
}

// WithLookup sets how the guarded dialer resolves host names; the default
// is net.DefaultResolver.LookupIPAddr. Every address it returns is
// checked, and the checked address is the one dialed.
func WithLookup(lookup func(ctx context.Context, host string) ([]net.IPAddr, error)) HTTPOption {
	return func(c *httpConfig) { c.lookup = lookup }
}

// HTTPFetcher fetches with a caller's client under the package's guards.
type HTTPFetcher struct {
	client *http.Client
}

var _ Fetcher = (*HTTPFetcher)(nil)

// NewHTTPFetcher returns a fetcher over client (required). The client is
// copied: its redirect policy is replaced (at most 3 redirects, https and
// the same host only) and, unless WithPrivateAddressesUnsafe, its transport is
// replaced by a clone whose dialer connects only to addresses that pass
// checkAddress. That needs a transport the guard can wrap: nil
// (http.DefaultTransport) or an *http.Transport without its own
// DialTLSContext or DialTLS; any other transport is an error. The clone
// uses no proxy, since a proxy would resolve and dial the host out of the
// guard's sight; a caller that must go through one writes its own Fetcher.
func NewHTTPFetcher(client *http.Client, opts ...HTTPOption) (*HTTPFetcher, error) {
	if client == nil {
		return nil, errors.New("didweb: an *http.Client is required")
	}
	var cfg httpConfig
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("didweb: nil option")
		}
		o(&cfg)
	}
	c := *client
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("didweb: too many redirects")
		}
		if req.URL.Scheme != "https" || req.URL.Host != via[0].URL.Host {
			return fmt.Errorf("didweb: redirect to %s refused (other host or not https)", req.URL.Redacted())
		}
		return nil
	}
	if !cfg.allowPrivate {
		t, err := guardTransport(client.Transport, cfg.lookup)
		if err != nil {
			return nil, err
		}
		c.Transport = t
	}
	return &HTTPFetcher{client: &c}, nil
}

// guardTransport clones rt with a dialer that resolves the host itself,
// refuses the connection unless every address passes CheckAddress, and
// dials the checked address (so a second, rebound resolution never
// happens). Redirects dial through it too.
func guardTransport(rt http.RoundTripper, lookup func(context.Context, string) ([]net.IPAddr, error)) (*http.Transport, error) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	base, ok := rt.(*http.Transport)
	if !ok {
		return nil, fmt.Errorf("didweb: the address guard needs an *http.Transport (or nil), the client has a %T", rt)
	}
	//lint:ignore SA1019 DialTLS is deprecated but http.Transport still uses it.
	if base.DialTLSContext != nil || base.DialTLS != nil {
		return nil, errors.New("didweb: the address guard cannot wrap a transport with its own DialTLSContext")
	}
	if lookup == nil {
		lookup = net.DefaultResolver.LookupIPAddr
	}
	dial := base.DialContext
	//lint:ignore SA1019 Dial is deprecated but http.Transport still uses it.
	if legacy := base.Dial; dial == nil && legacy != nil {
		dial = func(_ context.Context, network, addr string) (net.Conn, error) { return legacy(network, addr) }
	}
	if dial == nil {
		// The guard also runs on the socket's address before connecting.
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: controlGuard}
		dial = d.DialContext
	}
	t := base.Clone()
	t.Proxy = nil
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		var ips []netip.Addr
		if ip, err := netip.ParseAddr(host); err == nil {
			ips = []netip.Addr{ip}
		} else {
			addrs, err := lookup(ctx, host)
			if err != nil {
				return nil, err
			}
			for _, a := range addrs {
				ip, ok := netip.AddrFromSlice(a.IP)
				if !ok {
					return nil, fmt.Errorf("didweb: %s resolved to a malformed address", host)
				}
				ips = append(ips, ip.WithZone(a.Zone))
			}
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("didweb: %s resolved to no address", host)
		}
		// A name with any non-public address is refused as a whole.
		for _, ip := range ips {
			if err := checkAddress(ip); err != nil {
				return nil, fmt.Errorf("%s: %w", host, err)
			}
		}
		var firstErr error
		for _, ip := range ips {
			conn, err := dial(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
			if err == nil {
				return conn, nil
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		return nil, firstErr
	}
	return t, nil
}

// controlGuard is the net.Dialer Control of the default guarded dialer: it
// checks the address the socket is about to connect to.
func controlGuard(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("didweb: dialing %q: %w", address, err)
	}
	return checkAddress(ap.Addr())
}

// Fetch implements Fetcher. A refused address gives an error wrapping
// errFetch and [ErrNonPublicAddress].
func (f *HTTPFetcher) Fetch(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" {
		return nil, fmt.Errorf("%w: %q is not an https URL", errFetch, raw)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errFetch, err)
	}
	req.Header.Set("Accept", "application/did+json, application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s answered %s", errFetch, raw, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errFetch, err)
	}
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("%w: document larger than %d bytes", errFetch, MaxDocumentBytes)
	}
	return data, nil
}
