// Package didweb implements the did:web method
// (https://w3c-ccg.github.io/did-method-web/): did:web:example.com:users:alice
// is the DID document at https://example.com/users/alice/did.json
// (https://example.com/.well-known/did.json without a path).
//
// Resolution goes through a [Fetcher] the caller supplies: [Static] serves
// local documents (offline), [NewHTTPFetcher] fetches with an *http.Client
// the caller owns and the guards below.
//
// # Security considerations
//
// Only https URLs are fetched. A redirect to another host, a host that
// resolves to a loopback, private or link-local address (unless
// AllowPrivate), a response over [MaxDocumentBytes] and a document whose id
// is not the DID are refused. The address check runs on the name before
// connecting; a caller worried about DNS rebinding should also give the
// client a dialer that refuses non-public addresses.
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
	"net/url"
	"strings"

	"github.com/onchaincert/microcred/did"
)

// MaxDocumentBytes caps a fetched DID document.
const MaxDocumentBytes = 256 << 10

// ErrFetch is wrapped when a document cannot be fetched.
var ErrFetch = errors.New("didweb: cannot fetch DID document")

// URL returns the https URL of the DID document of a did:web DID.
func URL(d did.DID) (string, error) {
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

// Resolver resolves did:web through a Fetcher.
type Resolver struct {
	f Fetcher
}

var (
	_ did.Resolver = (*Resolver)(nil)
	_ did.Resolver = Static(nil)
)

// NewResolver returns a resolver that fetches with f (required).
func NewResolver(f Fetcher) (*Resolver, error) {
	if f == nil {
		return nil, errors.New("didweb: a fetcher is required")
	}
	return &Resolver{f: f}, nil
}

// Resolve implements did.Resolver.
func (r *Resolver) Resolve(ctx context.Context, d did.DID) (*did.Document, error) {
	u, err := URL(d)
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

// HTTPOptions tune [NewHTTPFetcher].
type HTTPOptions struct {
	// AllowPrivate permits hosts that resolve to loopback, private or
	// link-local addresses (for tests on your own network).
	AllowPrivate bool
	// Lookup resolves host names; nil means net.DefaultResolver.
	Lookup func(ctx context.Context, host string) ([]net.IPAddr, error)
}

// HTTPFetcher fetches with a caller's client under the package's guards.
type HTTPFetcher struct {
	client *http.Client
	opts   HTTPOptions
}

// NewHTTPFetcher returns a fetcher over client (required; it is copied so
// its redirect policy can be set).
func NewHTTPFetcher(client *http.Client, opts HTTPOptions) (*HTTPFetcher, error) {
	if client == nil {
		return nil, errors.New("didweb: an *http.Client is required")
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
	return &HTTPFetcher{client: &c, opts: opts}, nil
}

// Fetch implements Fetcher.
func (f *HTTPFetcher) Fetch(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" {
		return nil, fmt.Errorf("%w: %q is not an https URL", ErrFetch, raw)
	}
	if !f.opts.AllowPrivate {
		lookup := f.opts.Lookup
		if lookup == nil {
			lookup = net.DefaultResolver.LookupIPAddr
		}
		host := u.Hostname()
		var addrs []net.IPAddr
		if ip := net.ParseIP(host); ip != nil {
			addrs = []net.IPAddr{{IP: ip}}
		} else if addrs, err = lookup(ctx, host); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFetch, err)
		}
		for _, a := range addrs {
			if a.IP.IsLoopback() || a.IP.IsPrivate() || a.IP.IsLinkLocalUnicast() || a.IP.IsUnspecified() || a.IP.IsLinkLocalMulticast() {
				return nil, fmt.Errorf("%w: %s resolves to a non-public address %s", ErrFetch, host, a.IP)
			}
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	req.Header.Set("Accept", "application/did+json, application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s answered %s", ErrFetch, raw, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("%w: document larger than %d bytes", ErrFetch, MaxDocumentBytes)
	}
	return data, nil
}
