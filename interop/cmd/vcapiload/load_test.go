package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counting returns a server answering 200 that counts the requests it saw.
func counting(t *testing.T, delay time.Duration) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		hits.Add(1)
		if delay > 0 {
			time.Sleep(delay)
		}
		w.Write([]byte(`{"verified":true}`))
	}))
	t.Cleanup(ts.Close)
	return ts, &hits
}

func TestCountBoundIsExact(t *testing.T) {
	ts, hits := counting(t, 0)
	res, err := Run(context.Background(), Config{
		URL: ts.URL, Body: []byte(`{}`), Conns: 16, Requests: 1000, Warmup: 100, Duration: time.Minute,
	})
	require.NoError(t, err)
	assert.Equal(t, int64(1100), hits.Load(), "the server sees exactly the warmup plus -n requests")
	assert.Equal(t, 100, res.Warmup)
	assert.Equal(t, 1000, res.Requests, "exactly -n measured requests")
	assert.Equal(t, 1000, res.OK)
	assert.Zero(t, res.Errors)
	assert.Equal(t, "count", res.StoppedBy)
	assert.Equal(t, 1000, res.Latency.Count, "one duration per ok response")
	assert.LessOrEqual(t, res.Dials, int64(16), "keep-alive: no more connections than -c")
	assert.Positive(t, res.RequestsPerSec())
}

func TestDurationBoundStops(t *testing.T) {
	ts, hits := counting(t, 10*time.Millisecond)
	start := time.Now()
	res, err := Run(context.Background(), Config{
		URL: ts.URL, Conns: 4, Requests: 1_000_000, Duration: 200 * time.Millisecond,
	})
	require.NoError(t, err)
	took := time.Since(start)
	assert.Equal(t, "duration", res.StoppedBy)
	assert.Positive(t, res.Requests)
	assert.Less(t, res.Requests, 1_000_000, "the duration bound stopped it, not the count")
	assert.Equal(t, int64(res.Requests), hits.Load(), "requests in flight at the deadline complete and are counted")
	assert.GreaterOrEqual(t, res.Elapsed, 200*time.Millisecond)
	assert.Less(t, took, 2*time.Second, "stops soon after -d (in-flight requests take 10 ms)")
}

func TestErrorStatusCounted(t *testing.T) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if i := n.Add(1); i%4 == 0 {
			http.Error(w, fmt.Sprintf("boom %d", i), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer ts.Close()

	res, err := Run(context.Background(), Config{
		URL: ts.URL, Conns: 1, Requests: 100, Duration: time.Minute, Expect: http.StatusCreated,
	})
	require.NoError(t, err)
	assert.Equal(t, 100, res.Requests)
	assert.Equal(t, 75, res.OK)
	assert.Equal(t, 25, res.Errors, "every fourth response is a 500")
	assert.Equal(t, map[string]int{"status 500": 25}, res.ErrorsBy)
	require.Len(t, res.ErrorSamples, maxSamples, "the first few error bodies are kept")
	assert.Equal(t, "status 500: boom 4", res.ErrorSamples[0])
	assert.Equal(t, 75, res.Latency.Count, "error responses do not enter the percentiles")

	// The default -expect is 200, so the same server's 201s are errors too,
	// and the command exits 1.
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-url", ts.URL, "-c", "2", "-n", "10", "-json"}, nil, &out, &errOut)
	assert.Equal(t, 1, code, "exit 1 when a request got another status; stderr: %s", errOut.String())
	var j jsonOut
	require.NoError(t, json.Unmarshal(out.Bytes(), &j))
	assert.Equal(t, 10, j.Errors)
	assert.Equal(t, 0, j.OK)
	assert.Contains(t, j.ErrorsBy, "status 201")
}

func TestTransportErrorCounted(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close() // nothing listens there now

	res, err := Run(context.Background(), Config{URL: url, Conns: 2, Requests: 10, Duration: 10 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, 10, res.Errors)
	assert.Equal(t, map[string]int{"connection refused": 10}, res.ErrorsBy)
	assert.NotEmpty(t, res.ErrorSamples)
}

func TestUniqueSeq(t *testing.T) {
	var (
		mu  sync.Mutex
		ids []string
		bad []string
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct{ ID, Again string }
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil || "urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-"+b.Again != b.ID {
			mu.Lock()
			bad = append(bad, fmt.Sprint(b, err))
			mu.Unlock()
		}
		mu.Lock()
		ids = append(ids, b.ID)
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	defer ts.Close()

	res, err := Run(context.Background(), Config{
		URL: ts.URL, Body: []byte(`{"id":"urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-{{seq}}","again":"{{seq}}"}`),
		Conns: 8, Requests: 500, Warmup: 50, Duration: time.Minute, Expect: http.StatusCreated,
		Unique: true, SeqStart: 1, SeqFormat: "%012d",
	})
	require.NoError(t, err)
	require.Equal(t, 500, res.OK)
	assert.Empty(t, bad, "every {{seq}} of one body gets the same number")
	seen := map[string]bool{}
	for _, id := range ids {
		assert.False(t, seen[id], "duplicate id %s", id)
		seen[id] = true
		assert.Len(t, id, len("urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-000000000001"), "%%012d fills the UUID's last group")
	}
	assert.Len(t, seen, 550, "warmup and measured requests all get distinct numbers")
	assert.True(t, seen["urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-000000000001"], "numbering starts at -seq-start")
	assert.True(t, seen["urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-000000000550"])

	_, err = Run(context.Background(), Config{
		URL: ts.URL, Body: []byte(`{}`), Conns: 1, Requests: 1, Duration: time.Second, Unique: true,
	})
	assert.Error(t, err, "-unique with no {{seq}} in the body is a usage error")
}

func TestNonLoopbackRefused(t *testing.T) {
	for _, u := range []string{
		"http://example.com/credentials/verify",
		"http://10.0.0.1:8080/",
		"https://192.168.1.1/",
		"http://0.0.0.0:40443/",
		"http://127.0.0.2/",
		"http://127.0.0.1.nip.io/",
		"http://localhost.example/",
		"http://[::ffff:10.0.0.1]/",
		"http://[2001:db8::1]/",
		"http://user@example.com/",
	} {
		t.Run(u, func(t *testing.T) {
			_, err := Run(context.Background(), Config{URL: u, Conns: 1, Requests: 1, Duration: time.Second})
			require.ErrorIs(t, err, errNotLoopback)

			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"-url", u, "-n", "1"}, nil, &out, &errOut)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut.String(), "only loopback hosts are allowed", "the refusal says why")
			assert.Empty(t, out.String())
		})
	}
	_, err := Run(context.Background(), Config{URL: "ftp://127.0.0.1/", Conns: 1, Requests: 1, Duration: time.Second})
	assert.Error(t, err, "only http and https")

	for _, u := range []string{"http://127.0.0.1:1/", "http://[::1]:1/", "https://LOCALHOST:1/x"} {
		_, err := checkLoopback(u)
		assert.NoError(t, err, u)
	}
}

func TestHTTPSSelfSignedHTTP1(t *testing.T) {
	var protos sync.Map
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protos.Store(r.Proto, true)
	}))
	ts.EnableHTTP2 = true // offered by the server; the generator must still speak HTTP/1.1
	ts.StartTLS()
	defer ts.Close()

	res, err := Run(context.Background(), Config{URL: ts.URL, Method: http.MethodGet, Conns: 4, Requests: 50, Duration: 10 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, 50, res.OK, "a self-signed certificate on loopback is accepted: %v", res.ErrorSamples)
	var got []any
	protos.Range(func(k, _ any) bool { got = append(got, k); return true })
	assert.Equal(t, []any{"HTTP/1.1"}, got)
}

func TestInterruptStops(t *testing.T) {
	ts, _ := counting(t, 20*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(150*time.Millisecond, cancel)
	res, err := Run(ctx, Config{URL: ts.URL, Conns: 4, Requests: 1_000_000, Duration: time.Minute})
	require.NoError(t, err)
	assert.Equal(t, "interrupt", res.StoppedBy)
	assert.Zero(t, res.Errors, "requests abandoned by the interrupt are not errors")
	assert.Less(t, res.Elapsed, 5*time.Second)
}

func TestFlags(t *testing.T) {
	var gotAuth, gotType, gotBody, gotMethod string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotAuth, gotType, gotBody, gotMethod = r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b), r.Method
		w.WriteHeader(http.StatusCreated)
	}))
	defer ts.Close()

	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{
		"-url", ts.URL + "/issuers/bsl/credentials/issue", "-body", "-", "-header", "Authorization: Bearer abc",
		"-c", "1", "-n", "3", "-expect", "201", "-json",
	}, strings.NewReader(`{"credential":{}}`), &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Equal(t, "Bearer abc", gotAuth)
	assert.Equal(t, "application/json", gotType, "a body is sent as JSON unless -header says otherwise")
	assert.Equal(t, `{"credential":{}}`, gotBody)
	assert.Equal(t, http.MethodPost, gotMethod, "POST by default")
	var j jsonOut
	require.NoError(t, json.Unmarshal(out.Bytes(), &j))
	assert.Equal(t, 3, j.OK)
	assert.Equal(t, "count", j.StoppedBy)

	out.Reset()
	code = run(context.Background(), []string{"-url", ts.URL, "-method", "GET", "-n", "2", "-expect", "201"}, nil, &out, &errOut)
	assert.Equal(t, 0, code)
	assert.Equal(t, http.MethodGet, gotMethod)
	assert.Contains(t, out.String(), "requests   2 in")

	for _, args := range [][]string{
		{},                                        // no -url
		{"-url", ts.URL, "-n", "0"},               // unbounded count
		{"-url", ts.URL, "-d", "0s"},              // unbounded time
		{"-url", ts.URL, "-c", "0"},               // no connection
		{"-url", ts.URL, "-header", "NoColon"},    // bad header
		{"-url", ts.URL, "-body", "/nonexistent"}, // unreadable body
		{"-url", ts.URL, "-expect", "42"},         // not a status
		{"-url", ts.URL, "extra"},                 // stray argument
	} {
		errOut.Reset()
		assert.Equal(t, 2, run(context.Background(), args, nil, io.Discard, &errOut), "args %q are a usage error", args)
		assert.NotEmpty(t, errOut.String())
	}
}

func TestPercentiles(t *testing.T) {
	// 1..100 ms in random order: nearest rank gives the p-th value itself.
	d := make([]time.Duration, 100)
	for i := range d {
		d[i] = time.Duration(i+1) * time.Millisecond
	}
	rand.Shuffle(len(d), func(i, j int) { d[i], d[j] = d[j], d[i] })
	l := summarize(d)
	assert.Equal(t, Latency{
		Count: 100, Min: time.Millisecond, Mean: 50500 * time.Microsecond,
		P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond,
	}, l)

	// Ten values: p50 is the 5th, p90 the 9th, p99 rounds up to the 10th.
	ten := []time.Duration{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	l = summarize(ten)
	assert.Equal(t, time.Duration(5), l.P50)
	assert.Equal(t, time.Duration(9), l.P90)
	assert.Equal(t, time.Duration(10), l.P99)

	// 1000 values: p99 is the 990th, not the maximum.
	k := make([]time.Duration, 1000)
	for i := range k {
		k[i] = time.Duration(1000 - i)
	}
	l = summarize(k)
	assert.Equal(t, time.Duration(500), l.P50)
	assert.Equal(t, time.Duration(990), l.P99)
	assert.Equal(t, time.Duration(1000), l.Max)

	l = summarize([]time.Duration{7})
	assert.Equal(t, Latency{Count: 1, Min: 7, Mean: 7, P50: 7, P90: 7, P99: 7, Max: 7}, l)
	assert.Equal(t, Latency{}, summarize(nil))
}

func TestRatePaces(t *testing.T) {
	ts, hits := counting(t, 0)
	res, err := Run(context.Background(), Config{URL: ts.URL, Conns: 4, Requests: 100, Duration: 10 * time.Second, Rate: 200})
	require.NoError(t, err)
	assert.Equal(t, int64(100), hits.Load())
	assert.Equal(t, 100, res.OK)
	// The 100th request is due 99/200 s after the start.
	assert.GreaterOrEqual(t, res.Elapsed, 495*time.Millisecond, "paced, not as fast as possible")
	assert.Less(t, res.Elapsed, 2*time.Second)
	assert.InDelta(t, 200, res.RequestsPerSec(), 20)
}

// A service slower than the rate: latency counted from when each request
// was due grows with the backlog, where a closed loop would report the
// service time alone (coordinated omission).
func TestRateLatencyFromDue(t *testing.T) {
	ts, _ := counting(t, 10*time.Millisecond)
	res, err := Run(context.Background(), Config{URL: ts.URL, Conns: 1, Requests: 20, Duration: 10 * time.Second, Rate: 200})
	require.NoError(t, err)
	require.Equal(t, 20, res.OK)
	// Request k (from 0) is due at 5k ms and answered at about 10(k+1) ms.
	assert.GreaterOrEqual(t, res.Latency.Max, 100*time.Millisecond, "the last request waited for the backlog")
	assert.Less(t, res.Latency.Min, 20*time.Millisecond)

	_, err = Run(context.Background(), Config{URL: ts.URL, Conns: 1, Requests: 1, Duration: time.Second, Rate: -1})
	assert.Error(t, err, "a negative rate is a usage error")
}
