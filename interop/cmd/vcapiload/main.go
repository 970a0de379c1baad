// Command vcapiload is a bounded HTTP load generator for measuring
// microcred's VC-API service (microcred serve) on this machine.
//
// It sends one request body over -c keep-alive HTTP/1.1 connections until
// -n measured requests are done or -d has passed, whichever comes first,
// after -warmup requests that are not counted, and reports the throughput,
// the errors by status or kind, and exact latency percentiles (nearest rank
// over every recorded duration of a response with the -expect status).
//
// Only loopback URLs are accepted (127.0.0.1, ::1, localhost), and every
// connection is checked to be to a loopback address; for https, any
// certificate is accepted for that reason only (the service's is
// self-signed).
//
//	vcapiload -url http://127.0.0.1:40443/credentials/verify -body verify.json \
//	    -c 64 -n 60000 -d 30s -warmup 2000
//
// With -unique, each occurrence of {{seq}} in the body is replaced by a
// per-request number (formatted with -seq-format), so that issued
// credentials get distinct ids. With -rate, requests are sent at that
// rate in all (open loop) and each latency is counted from when the request
// was due, so a service that falls behind shows in the percentiles (no
// coordinated omission); without it, each connection sends its next
// request as soon as the last is answered (closed loop). Exit status: 0 when every measured request
// got the expected status, 1 when some did not, 2 for a usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, asJSON, err := parseFlags(args, stdin, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	res, err := Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(jsonResult(res)); err != nil {
			fmt.Fprintln(stderr, "vcapiload: writing the result:", err)
			return 2
		}
	} else {
		printResult(stdout, res)
	}
	if res.Errors > 0 || res.OK == 0 {
		return 1
	}
	return 0
}

func parseFlags(args []string, stdin io.Reader, stderr io.Writer) (Config, bool, error) {
	fs := flag.NewFlagSet("vcapiload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg      = Config{Header: http.Header{}}
		bodyFile string
		asJSON   bool
	)
	fs.StringVar(&cfg.URL, "url", "", "target URL: http or https on 127.0.0.1, ::1 or localhost only")
	fs.StringVar(&cfg.Method, "method", http.MethodPost, "HTTP method")
	fs.StringVar(&bodyFile, "body", "", "request body file, or - for standard input (default: no body)")
	fs.Func("header", "request header `K:V` (repeatable), e.g. 'Authorization: Bearer x'", func(s string) error {
		k, v, ok := strings.Cut(s, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return fmt.Errorf("want K:V, got %q", s)
		}
		cfg.Header.Add(k, strings.TrimSpace(v))
		return nil
	})
	fs.IntVar(&cfg.Conns, "c", 64, "concurrent connections")
	fs.IntVar(&cfg.Requests, "n", 10000, "measured requests, at most (bound)")
	fs.DurationVar(&cfg.Duration, "d", 30*time.Second, "measured phase's duration, at most (bound; the warmup has its own, equal bound)")
	fs.IntVar(&cfg.Warmup, "warmup", 0, "requests sent first and not counted")
	fs.IntVar(&cfg.Expect, "expect", http.StatusOK, "status code of a successful response; any other is an error")
	fs.BoolVar(&cfg.Unique, "unique", false, "replace each "+seqPlaceholder+" in the body by a per-request unique number")
	fs.Uint64Var(&cfg.SeqStart, "seq-start", 1, "first "+seqPlaceholder+" number")
	fs.StringVar(&cfg.SeqFormat, "seq-format", "%d", "fmt verb for "+seqPlaceholder+", e.g. %012d for a UUID's last group")
	fs.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.Float64Var(&cfg.Rate, "rate", 0, "pace at this many requests/s in all, latency counted from when each was due (default: as fast as the connections allow)")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return Config{}, false, err
	}
	if fs.NArg() > 0 {
		return Config{}, false, fmt.Errorf("vcapiload: unexpected argument %q", fs.Arg(0))
	}
	if cfg.URL == "" {
		return Config{}, false, errors.New("vcapiload: -url is required")
	}
	switch bodyFile {
	case "":
	case "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			return Config{}, false, fmt.Errorf("vcapiload: reading the body from standard input: %w", err)
		}
		cfg.Body = b
	default:
		b, err := os.ReadFile(bodyFile)
		if err != nil {
			return Config{}, false, fmt.Errorf("vcapiload: reading the body: %w", err)
		}
		cfg.Body = b
	}
	return cfg, asJSON, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// jsonOut is the -json form of a Result; durations are in milliseconds.
type jsonOut struct {
	Method         string         `json:"method"`
	URL            string         `json:"url"`
	Conns          int            `json:"connections"`
	Dials          int64          `json:"connections_opened"`
	Warmup         int            `json:"warmup"`
	Requests       int            `json:"requests"`
	OK             int            `json:"ok"`
	Errors         int            `json:"errors"`
	Rate           float64        `json:"rate,omitempty"`
	ErrorsBy       map[string]int `json:"errors_by"`
	ErrorSamples   []string       `json:"error_samples,omitempty"`
	ElapsedSec     float64        `json:"elapsed_s"`
	StoppedBy      string         `json:"stopped_by"`
	RequestsPerSec float64        `json:"requests_per_s"`
	OKPerSec       float64        `json:"ok_per_s"`
	Latency        jsonLatency    `json:"latency_ms"`
}

type jsonLatency struct {
	Count  int     `json:"count"`
	Method string  `json:"method"`
	Min    float64 `json:"min"`
	Mean   float64 `json:"mean"`
	P50    float64 `json:"p50"`
	P90    float64 `json:"p90"`
	P99    float64 `json:"p99"`
	Max    float64 `json:"max"`
}

func jsonResult(r *Result) jsonOut {
	method := "exact, nearest rank, over ok responses"
	if r.Rate > 0 {
		method += ", from when each request was due"
	}
	return jsonOut{
		Method: r.Method, URL: r.URL, Conns: r.Conns, Dials: r.Dials, Warmup: r.Warmup,
		Requests: r.Requests, OK: r.OK, Errors: r.Errors, Rate: r.Rate, ErrorsBy: r.ErrorsBy, ErrorSamples: r.ErrorSamples,
		ElapsedSec: r.Elapsed.Seconds(), StoppedBy: r.StoppedBy,
		RequestsPerSec: r.RequestsPerSec(), OKPerSec: r.OKPerSec(),
		Latency: jsonLatency{
			Count: r.Latency.Count, Method: method,
			Min: ms(r.Latency.Min), Mean: ms(r.Latency.Mean),
			P50: ms(r.Latency.P50), P90: ms(r.Latency.P90), P99: ms(r.Latency.P99), Max: ms(r.Latency.Max),
		},
	}
}

func printResult(w io.Writer, r *Result) {
	pace := "as fast as possible"
	if r.Rate > 0 {
		pace = fmt.Sprintf("paced at %g/s, latency from when due", r.Rate)
	}
	fmt.Fprintf(w, "%s %s  c=%d  warmup %d  %s\n", r.Method, r.URL, r.Conns, r.Warmup, pace)
	fmt.Fprintf(w, "requests   %d in %.2fs (stopped by %s): %.1f/s; ok %d (%.1f/s)\n",
		r.Requests, r.Elapsed.Seconds(), r.StoppedBy, r.RequestsPerSec(), r.OK, r.OKPerSec())
	fmt.Fprintf(w, "errors     %d", r.Errors)
	keys := make([]string, 0, len(r.ErrorsBy))
	for k := range r.ErrorsBy {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(w, "%s%s %d", sep, k, r.ErrorsBy[k])
	}
	fmt.Fprintln(w)
	for _, s := range r.ErrorSamples {
		fmt.Fprintf(w, "           %s\n", strconv.Quote(s))
	}
	l := r.Latency
	fmt.Fprintf(w, "latency    p50 %.2fms  p90 %.2fms  p99 %.2fms  max %.2fms  (min %.2fms, mean %.2fms; exact, nearest rank, %d ok responses)\n",
		ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max), ms(l.Min), ms(l.Mean), l.Count)
	fmt.Fprintf(w, "connections %d opened\n", r.Dials)
}
