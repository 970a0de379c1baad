package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// seqPlaceholder is replaced in the body by a per-request number with -unique.
const seqPlaceholder = "{{seq}}"

// Limits that keep a run bounded in memory as well as in time: every measured
// request's duration is kept (8 bytes each) so that percentiles are exact.
const (
	maxRequests    = 10_000_000
	maxConns       = 4096
	maxSamples     = 3   // error bodies / messages shown
	maxSampleBytes = 512 // of each
)

// errNotLoopback is returned for a URL, or a connection, that is not to the
// loopback interface.
var errNotLoopback = errors.New("vcapiload: only loopback hosts are allowed (127.0.0.1, ::1, localhost)")

// Config is one load run. Both Requests and Duration bound it; the run stops
// at whichever is reached first.
type Config struct {
	URL       string
	Method    string
	Body      []byte
	Header    http.Header
	Conns     int           // concurrent connections (one worker each)
	Requests  int           // measured requests, at most
	Duration  time.Duration // measured phase, at most (and the warmup, separately)
	Warmup    int           // requests sent first and not counted
	Expect    int           // the status code that counts as success
	Unique    bool          // replace {{seq}} in Body per request
	SeqStart  uint64        // first {{seq}} value
	SeqFormat string        // fmt verb for {{seq}}, e.g. %d or %012d
	Timeout   time.Duration // per request
	// Rate, if positive, paces the run at Rate requests/s in all (open
	// loop): request k is due at start + k/Rate, and its latency is
	// measured from when it was due, not from when a connection was free,
	// so that a service falling behind shows in the percentiles instead of
	// slowing the generator down (no coordinated omission). Zero sends as
	// fast as the connections allow (closed loop).
	Rate float64
}

// Result is what a run measured. Latency is over the responses with the
// expected status; errors (other statuses, transport failures) are counted
// in ErrorsBy and do not enter the percentiles.
type Result struct {
	Method       string
	URL          string
	Conns        int
	Dials        int64 // connections opened, warmup included (== Conns when keep-alive holds)
	Warmup       int   // warmup requests completed
	Requests     int   // measured requests completed (ok + errors)
	OK           int
	Errors       int
	Rate         float64        // the pacing asked for (0: closed loop)
	ErrorsBy     map[string]int // "status 500", "timeout", "connection refused", ...
	ErrorSamples []string       // the first few error bodies or messages
	Elapsed      time.Duration
	StoppedBy    string // "count", "duration" or "interrupt"
	Latency      Latency
}

// RequestsPerSec counts every completed measured request.
func (r *Result) RequestsPerSec() float64 { return perSec(r.Requests, r.Elapsed) }

// OKPerSec counts the measured requests that got the expected status.
func (r *Result) OKPerSec() float64 { return perSec(r.OK, r.Elapsed) }

func perSec(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// checkLoopback refuses any URL whose host is not literally 127.0.0.1, ::1 or
// localhost. The generator sends thousands of requests a second; it must
// not be pointed at someone else's service. Connections are checked again
// when dialled (localhost must resolve to a loopback address).
func checkLoopback(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("vcapiload: parsing -url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("vcapiload: -url %q: scheme must be http or https", raw)
	}
	switch h := u.Hostname(); {
	case h == "127.0.0.1", h == "::1", strings.EqualFold(h, "localhost"):
		return u, nil
	default:
		return nil, fmt.Errorf("%w: -url host %q", errNotLoopback, h)
	}
}

// loopbackDial dials like net.Dialer and then refuses a connection whose
// peer is not a loopback address.
func loopbackDial(dials *atomic.Int64) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		ta, ok := c.RemoteAddr().(*net.TCPAddr)
		if !ok || !ta.IP.IsLoopback() {
			c.Close()
			return nil, fmt.Errorf("%w: connected to %s", errNotLoopback, c.RemoteAddr())
		}
		dials.Add(1)
		return c, nil
	}
}

// newClient returns the one client of a run: HTTP/1.1 with keep-alive and
// up to conns idle connections kept, no proxy, no redirects followed, and,
// for https, any certificate accepted. That last is acceptable only because
// every connection is checked to be to loopback (the service under test
// uses a self-signed certificate).
func newClient(conns int, timeout time.Duration, dials *atomic.Int64) *http.Client {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         loopbackDial(dials),
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		Protocols:           &protocols,
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: true, // loopback only: see loopbackDial
			MinVersion:         tls.VersionTLS12,
		},
		TLSHandshakeTimeout: 5 * time.Second,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// validate checks cfg and fills in defaults; it returns the parsed URL.
func (cfg *Config) validate() (*url.URL, error) {
	u, err := checkLoopback(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.Method == "" {
		cfg.Method = http.MethodPost
	}
	if cfg.Conns < 1 || cfg.Conns > maxConns {
		return nil, fmt.Errorf("vcapiload: -c %d: want 1 to %d", cfg.Conns, maxConns)
	}
	if cfg.Requests < 1 || cfg.Requests > maxRequests {
		return nil, fmt.Errorf("vcapiload: -n %d: want 1 to %d", cfg.Requests, maxRequests)
	}
	if cfg.Duration <= 0 {
		return nil, fmt.Errorf("vcapiload: -d %s: want a positive duration", cfg.Duration)
	}
	if cfg.Warmup < 0 || cfg.Warmup > maxRequests {
		return nil, fmt.Errorf("vcapiload: -warmup %d: want 0 to %d", cfg.Warmup, maxRequests)
	}
	if cfg.Expect == 0 {
		cfg.Expect = http.StatusOK
	}
	if cfg.Expect < 100 || cfg.Expect > 599 {
		return nil, fmt.Errorf("vcapiload: -expect %d: not an HTTP status code", cfg.Expect)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Rate < 0 || cfg.Rate > 1e6 {
		return nil, fmt.Errorf("vcapiload: -rate %g: want 0 (as fast as possible) to 1e6 requests/s", cfg.Rate)
	}
	if cfg.SeqFormat == "" {
		cfg.SeqFormat = "%d"
	}
	if cfg.Unique {
		if !bytes.Contains(cfg.Body, []byte(seqPlaceholder)) {
			return nil, fmt.Errorf("vcapiload: -unique: the body has no %s to replace", seqPlaceholder)
		}
		if s := fmt.Sprintf(cfg.SeqFormat, uint64(1)); strings.Contains(s, "%!") || !strings.Contains(s, "1") {
			return nil, fmt.Errorf("vcapiload: -seq-format %q: want one integer verb such as %%d or %%012d", cfg.SeqFormat)
		}
	}
	return u, nil
}

type runner struct {
	cfg    Config
	url    string
	host   string // a Host header given with -header
	client *http.Client
	parts  [][]byte // the body split at {{seq}} (one part without -unique)
	seq    atomic.Uint64
	dials  atomic.Int64
}

// outcome is one request's result. kind is "" for success.
type outcome struct {
	kind   string
	sample string
	d      time.Duration
}

// tally is a worker's, then the phase's, counts.
type tally struct {
	n, ok   int
	errs    map[string]int
	samples []string
	lat     []time.Duration
}

func (t *tally) add(o outcome, record bool) {
	t.n++
	if o.kind == "" {
		t.ok++
		if record {
			t.lat = append(t.lat, o.d)
		}
		return
	}
	if t.errs == nil {
		t.errs = map[string]int{}
	}
	t.errs[o.kind]++
	if len(t.samples) < maxSamples && o.sample != "" {
		s := o.sample
		if len(s) > maxSampleBytes {
			s = s[:maxSampleBytes] + "..."
		}
		t.samples = append(t.samples, s)
	}
}

func (t *tally) merge(o *tally) {
	t.n += o.n
	t.ok += o.ok
	for k, v := range o.errs {
		if t.errs == nil {
			t.errs = map[string]int{}
		}
		t.errs[k] += v
	}
	for _, s := range o.samples {
		if len(t.samples) < maxSamples {
			t.samples = append(t.samples, s)
		}
	}
	t.lat = append(t.lat, o.lat...)
}

// Run sends cfg.Warmup requests, then measures up to cfg.Requests requests
// for at most cfg.Duration over cfg.Conns connections. Cancelling ctx stops
// the run (requests in flight are abandoned and not counted) and returns
// what was measured so far. It returns an error only for a bad Config.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	u, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, url: u.String()}
	r.client = newClient(cfg.Conns, cfg.Timeout, &r.dials)
	defer r.client.CloseIdleConnections()
	if h := cfg.Header.Get("Host"); h != "" {
		r.host = h
	}
	if cfg.Unique {
		r.parts = bytes.Split(cfg.Body, []byte(seqPlaceholder))
	} else {
		r.parts = [][]byte{cfg.Body}
	}
	r.seq.Store(cfg.SeqStart)

	res := &Result{Method: cfg.Method, URL: r.url, Conns: cfg.Conns, Rate: cfg.Rate}
	if cfg.Warmup > 0 {
		w, _, _ := r.phase(ctx, cfg.Warmup, false)
		res.Warmup = w.n
	}
	t, elapsed, stopped := r.phase(ctx, cfg.Requests, true)
	res.Dials = r.dials.Load()
	res.Requests, res.OK, res.Errors = t.n, t.ok, t.n-t.ok
	res.ErrorsBy, res.ErrorSamples = t.errs, t.samples
	if res.ErrorsBy == nil {
		res.ErrorsBy = map[string]int{}
	}
	res.Elapsed, res.StoppedBy = elapsed, stopped
	res.Latency = summarize(t.lat)
	return res, nil
}

// phase runs up to n requests for at most cfg.Duration. Requests in flight
// when the duration runs out are completed and counted; no new one starts.
func (r *runner) phase(ctx context.Context, n int, record bool) (tally, time.Duration, string) {
	var (
		taken   atomic.Int64 // request slots handed out
		timeUp  atomic.Bool
		mu      sync.Mutex
		total   tally
		wg      sync.WaitGroup
		perConn = n/r.cfg.Conns + 1
	)
	if record {
		total.lat = make([]time.Duration, 0, n)
	}
	start := time.Now()
	timer := time.AfterFunc(r.cfg.Duration, func() { timeUp.Store(true) })
	defer timer.Stop()
	for range r.cfg.Conns {
		wg.Go(func() {
			var t tally
			if record {
				t.lat = make([]time.Duration, 0, min(perConn, 1<<16))
			}
			for !timeUp.Load() && ctx.Err() == nil {
				k := taken.Add(1)
				if k > int64(n) {
					break
				}
				var due time.Time // zero: now
				if r.cfg.Rate > 0 {
					due = start.Add(time.Duration(float64(k-1) / r.cfg.Rate * float64(time.Second)))
					if !sleepUntil(ctx, due) || timeUp.Load() {
						break
					}
				}
				o, ok := r.do(ctx, due)
				if !ok {
					break // interrupted: not counted
				}
				t.add(o, record)
			}
			mu.Lock()
			total.merge(&t)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	stopped := "count"
	switch {
	case ctx.Err() != nil:
		stopped = "interrupt"
	case total.n < n:
		stopped = "duration"
	}
	return total, elapsed, stopped
}

// sleepUntil waits until t; it returns false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// body returns the request body for sequence number seq.
func (r *runner) body(seq uint64) []byte {
	if len(r.parts) == 1 {
		return r.parts[0]
	}
	num := r.formatSeq(seq)
	size := len(num) * (len(r.parts) - 1)
	for _, p := range r.parts {
		size += len(p)
	}
	b := make([]byte, 0, size)
	b = append(b, r.parts[0]...)
	for _, p := range r.parts[1:] {
		b = append(b, num...)
		b = append(b, p...)
	}
	return b
}

func (r *runner) formatSeq(seq uint64) []byte {
	if r.cfg.SeqFormat == "%d" {
		return strconv.AppendUint(nil, seq, 10)
	}
	return fmt.Appendf(nil, r.cfg.SeqFormat, seq)
}

// do sends one request; its duration is counted from due (from the send
// if due is zero). ok is false when ctx was cancelled, so that an
// interrupted request is neither a success nor an error.
func (r *runner) do(ctx context.Context, due time.Time) (outcome, bool) {
	var body []byte
	if r.cfg.Unique {
		body = r.body(r.seq.Add(1) - 1)
	} else {
		body = r.parts[0]
	}
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.cfg.Method, r.url, rd)
	if err != nil {
		return outcome{kind: "request", sample: err.Error()}, true
	}
	req.Header = r.cfg.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if len(body) > 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.host != "" {
		req.Host = r.host
	}
	start := due
	if start.IsZero() {
		start = time.Now()
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return outcome{}, false
		}
		return outcome{kind: errKind(err), sample: err.Error(), d: time.Since(start)}, true
	}
	var sample []byte
	if resp.StatusCode != r.cfg.Expect {
		sample, err = io.ReadAll(io.LimitReader(resp.Body, maxSampleBytes))
	}
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return outcome{}, false
		}
		return outcome{kind: "reading body: " + errKind(err), sample: err.Error(), d: d}, true
	}
	if resp.StatusCode != r.cfg.Expect {
		return outcome{
			kind:   "status " + strconv.Itoa(resp.StatusCode),
			sample: fmt.Sprintf("status %d: %s", resp.StatusCode, bytes.TrimSpace(sample)),
			d:      d,
		}, true
	}
	return outcome{d: d}, true
}

// errKind names a transport error by what went wrong, with few distinct
// values, so that ErrorsBy stays small.
func errKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, errNotLoopback):
		return "not loopback"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "no local port"
	default:
		return "transport"
	}
}
