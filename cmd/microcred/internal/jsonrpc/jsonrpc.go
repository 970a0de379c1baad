// Package jsonrpc is a small JSON-RPC client over HTTP for the nodes a
// user runs: bitcoind and btcd (JSON-RPC 1.0 with HTTP basic auth or
// bitcoind's cookie file) and Ethereum execution clients (JSON-RPC 2.0).
//
// # Security considerations
//
// The node is the user's, but its answers are still input: every call
// has a deadline ([Options.Timeout]), every response body is read
// through a size cap ([Options.MaxResponseBytes]), the response must be
// one JSON object whose id is the request's, with either a result or an
// error, and nothing else is trusted. Errors name the method and never
// quote the password. Callers check what the results mean (a block's
// hash, a transaction's id) against the bytes themselves.
//
// # Offline use
//
// Only the command-line tool uses this package (it lives under
// cmd/microcred, so Go's internal rule keeps library packages out), and
// only when the user names a node (--rpc URL).
package jsonrpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// Defaults for [Options].
const (
	// DefaultTimeout bounds one call, connection to last byte.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxResponseBytes caps one response body: a 4 MB block in hex
	// is 8 MB, an Ethereum block with full transactions a few MB.
	DefaultMaxResponseBytes = 64 << 20
	// maxCookieBytes caps a cookie file (bitcoind writes __cookie__:64 hex).
	maxCookieBytes = 4096
)

var (
	// ErrTransport is wrapped by errors for a call that got no usable
	// HTTP answer: connection refused, timeout, an HTTP status other
	// than 200 without a JSON-RPC body.
	ErrTransport = errors.New("jsonrpc: transport error")
	// ErrResponse is wrapped by errors for an answer that is not one
	// JSON-RPC response to the request: not JSON, too large, wrong id,
	// neither result nor error.
	ErrResponse = errors.New("jsonrpc: malformed response")
)

// Error is an error the node returned for a call.
type Error struct {
	Method  string
	Code    int
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("jsonrpc: %s: node error %d: %s", e.Method, e.Code, e.Message)
}

// MethodNotFound is the JSON-RPC code for an unknown method.
const MethodNotFound = -32601

// Options configure a [Client].
type Options struct {
	// User and Password are sent with HTTP basic auth. A URL's userinfo
	// (http://user:pass@host:port) sets them too.
	User, Password string
	// CookieFile is bitcoind's .cookie file ("user:password"), read once
	// by [New]; it excludes User and Password.
	CookieFile string
	// Version is "1.0" (bitcoind, btcd) or "2.0" (Ethereum); default 2.0.
	Version string
	// Timeout bounds each call (default [DefaultTimeout]).
	Timeout time.Duration
	// MaxResponseBytes caps each response body (default
	// [DefaultMaxResponseBytes]).
	MaxResponseBytes int64
	// HTTPClient, if set, is used instead of a new one (tests).
	HTTPClient *http.Client
}

// Client calls one JSON-RPC endpoint. It is safe for concurrent use.
type Client struct {
	url      string // without userinfo
	shown    string // for messages
	user     string
	pass     string
	auth     bool
	version  string
	timeout  time.Duration
	maxBytes int64
	http     *http.Client
	id       *atomic.Uint64 // shared with the copies WithTimeout makes
}

// New returns a client for the endpoint rawURL (http or https). Errors
// name the option at fault; a password is never quoted.
func New(rawURL string, o Options) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("jsonrpc: url: want http://HOST:PORT or https://HOST:PORT, got %q", redact(rawURL))
	}
	c := &Client{version: o.Version, timeout: o.Timeout, maxBytes: o.MaxResponseBytes, http: o.HTTPClient,
		user: o.User, pass: o.Password, auth: o.User != "" || o.Password != "", id: new(atomic.Uint64)}
	if u.User != nil {
		if c.auth || o.CookieFile != "" {
			return nil, errors.New("jsonrpc: url: credentials in the URL and in options; give one")
		}
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
		c.auth = true
		u.User = nil
	}
	if o.CookieFile != "" {
		if c.auth {
			return nil, errors.New("jsonrpc: cookie file: excludes a user and password")
		}
		user, pass, err := readCookie(o.CookieFile)
		if err != nil {
			return nil, err
		}
		c.user, c.pass, c.auth = user, pass, true
	}
	c.url, c.shown = u.String(), u.String()
	switch c.version {
	case "":
		c.version = "2.0"
	case "1.0", "2.0":
	default:
		return nil, fmt.Errorf("jsonrpc: version: want 1.0 or 2.0, got %q", c.version)
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxResponseBytes
	}
	if c.http == nil {
		c.http = &http.Client{
			// The node is at the address the user gave: no redirects.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return c, nil
}

// redact drops a password from a URL for an error message.
func redact(s string) string {
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "…@" + s[i+1:]
		}
		return "…@" + s[i+1:]
	}
	return s
}

func readCookie(path string) (user, pass string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("jsonrpc: cookie file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCookieBytes+1))
	if err != nil {
		return "", "", fmt.Errorf("jsonrpc: cookie file %s: %w", path, err)
	}
	if len(b) > maxCookieBytes {
		return "", "", fmt.Errorf("jsonrpc: cookie file %s: larger than %d bytes", path, maxCookieBytes)
	}
	user, pass, ok := strings.Cut(strings.TrimSpace(string(b)), ":")
	if !ok || user == "" {
		return "", "", fmt.Errorf("jsonrpc: cookie file %s: not USER:PASSWORD", path)
	}
	return user, pass, nil
}

// WithTimeout returns a client for the same endpoint whose calls may
// take up to d (for a call known to be slow, such as bitcoind's
// scantxoutset on mainnet).
func (c *Client) WithTimeout(d time.Duration) *Client {
	cp := *c
	if d > 0 {
		cp.timeout = d
	}
	return &cp
}

// URL returns the endpoint without credentials.
func (c *Client) URL() string { return c.shown }

type request struct {
	Version string `json:"jsonrpc"`
	ID      uint64 `json:"id"`
	Method  string `json:"method"`
	Params  []any  `json:"params"`
}

type response struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

// Call calls method with params and decodes the result into result (a
// pointer, or nil to discard it). A JSON null result leaves result
// unchanged; use a pointer or json.RawMessage to tell it apart. Errors
// wrap [ErrTransport] or [ErrResponse], or are an [*Error] from the
// node; each names the method.
func (c *Client) Call(ctx context.Context, method string, result any, params ...any) error {
	if params == nil {
		params = []any{}
	}
	id := c.id.Add(1)
	body, err := json.Marshal(request{Version: c.version, ID: id, Method: method, Params: params})
	if err != nil {
		return fmt.Errorf("jsonrpc: %s: encoding params: %w", method, err)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrTransport, method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.auth {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if parent.Err() != nil {
			// The caller's deadline or cancellation, not this call's
			// timeout: say so, and let errors.Is see it.
			return fmt.Errorf("%w: %s: %w", ErrTransport, method, parent.Err())
		}
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("%w: %s: no answer from %s within %s", ErrTransport, method, c.shown, c.timeout)
		}
		return fmt.Errorf("%w: %s: %s: %v", ErrTransport, method, c.shown, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		if parent.Err() != nil {
			return fmt.Errorf("%w: %s: %w", ErrTransport, method, parent.Err())
		}
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("%w: %s: response from %s not complete within %s", ErrTransport, method, c.shown, c.timeout)
		}
		return fmt.Errorf("%w: %s: reading the response: %v", ErrTransport, method, err)
	}
	if int64(len(data)) > c.maxBytes {
		return fmt.Errorf("%w: %s: response larger than %d bytes", ErrResponse, method, c.maxBytes)
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%w: %s: HTTP %d from %s: check the RPC user and password (or cookie file)", ErrTransport, method, resp.StatusCode, c.shown)
	}
	var r response
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil || dec.More() {
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%w: %s: HTTP %d from %s", ErrTransport, method, resp.StatusCode, c.shown)
		}
		return fmt.Errorf("%w: %s: response is not one JSON-RPC object", ErrResponse, method)
	}
	var gotID uint64
	if err := json.Unmarshal(r.ID, &gotID); err != nil || gotID != id {
		return fmt.Errorf("%w: %s: response id %.40s, want %d", ErrResponse, method, r.ID, id)
	}
	if len(r.Error) > 0 && string(r.Error) != "null" {
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(r.Error, &e); err != nil {
			return fmt.Errorf("%w: %s: error member is not {code, message}", ErrResponse, method)
		}
		if len(e.Message) > 500 {
			e.Message = e.Message[:500] + "…"
		}
		return &Error{Method: method, Code: e.Code, Message: e.Message}
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: %s: HTTP %d from %s", ErrTransport, method, resp.StatusCode, c.shown)
	}
	if len(r.Result) == 0 {
		return fmt.Errorf("%w: %s: response has neither result nor error", ErrResponse, method)
	}
	if result == nil || string(r.Result) == "null" {
		return nil
	}
	if err := json.Unmarshal(r.Result, result); err != nil {
		return fmt.Errorf("%w: %s: result: %v", ErrResponse, method, err)
	}
	return nil
}

// unwrapURLError drops net/http's "Post URL:" prefix (the URL is named
// already, and could carry a query the user did not mean to print).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// IsMethodNotFound reports whether err is the node saying it has no such
// method.
func IsMethodNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == MethodNotFound
}
