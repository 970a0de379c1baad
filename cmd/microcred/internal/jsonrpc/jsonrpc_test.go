package jsonrpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// server runs handle for each JSON-RPC request, on loopback.
func server(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, req request)) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		handle(w, r, req)
	}))
	t.Cleanup(s.Close)
	return s
}

func reply(w http.ResponseWriter, id uint64, result string) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"jsonrpc":"2.0","id":`+jsonNum(id)+`,"result":`+result+`}`)
}

func jsonNum(id uint64) string { b, _ := json.Marshal(id); return string(b) }

func TestCallResultAndAuth(t *testing.T) {
	var gotUser, gotPass, gotVersion, gotMethod string
	var gotParams []any
	s := server(t, func(w http.ResponseWriter, r *http.Request, req request) {
		gotUser, gotPass, _ = r.BasicAuth()
		gotVersion, gotMethod, gotParams = req.Version, req.Method, req.Params
		reply(w, req.ID, `{"height":7}`)
	})
	c, err := New(strings.Replace(s.URL, "http://", "http://alice:s3cret@", 1), Options{Version: "1.0"})
	require.NoError(t, err)
	assert.NotContains(t, c.URL(), "s3cret", "the URL shown has no password")
	var out struct{ Height int }
	require.NoError(t, c.Call(context.Background(), "getblockchaininfo", &out, "x", 2))
	assert.Equal(t, 7, out.Height)
	assert.Equal(t, "alice", gotUser)
	assert.Equal(t, "s3cret", gotPass)
	assert.Equal(t, "1.0", gotVersion)
	assert.Equal(t, "getblockchaininfo", gotMethod)
	assert.Equal(t, []any{"x", float64(2)}, gotParams)
}

func TestCookieFile(t *testing.T) {
	var gotUser, gotPass string
	s := server(t, func(w http.ResponseWriter, r *http.Request, req request) {
		gotUser, gotPass, _ = r.BasicAuth()
		reply(w, req.ID, `1`)
	})
	dir := t.TempDir()
	cookie := filepath.Join(dir, ".cookie")
	require.NoError(t, os.WriteFile(cookie, []byte("__cookie__:abc123\n"), 0o600))
	c, err := New(s.URL, Options{CookieFile: cookie})
	require.NoError(t, err)
	require.NoError(t, c.Call(context.Background(), "getblockcount", nil))
	assert.Equal(t, "__cookie__", gotUser)
	assert.Equal(t, "abc123", gotPass)

	require.NoError(t, os.WriteFile(cookie, []byte("no colon"), 0o600))
	_, err = New(s.URL, Options{CookieFile: cookie})
	assert.ErrorContains(t, err, "not USER:PASSWORD")
	_, err = New(s.URL, Options{CookieFile: cookie, User: "u"})
	assert.Error(t, err, "cookie and user together")
}

func TestNewRejects(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8332", "ftp://h/", "http://", "http://u:hunter2@%zz"} {
		_, err := New(u, Options{})
		require.Error(t, err, u)
		assert.NotContains(t, err.Error(), "hunter2", "never quote a password")
	}
	_, err := New("http://127.0.0.1:1", Options{Version: "3.0"})
	assert.Error(t, err)
}

// Hostile and broken nodes: each answer gives an error that names the
// method and says what was wrong, fast.
func TestHostileResponses(t *testing.T) {
	cases := []struct {
		name   string
		handle func(w http.ResponseWriter, r *http.Request, req request)
		is     error
		text   string
	}{
		{"oversized", func(w http.ResponseWriter, _ *http.Request, req request) {
			reply(w, req.ID, `"`+strings.Repeat("a", 2048)+`"`)
		}, ErrResponse, "larger than 1024 bytes"},
		{"garbage", func(w http.ResponseWriter, _ *http.Request, _ request) {
			io.WriteString(w, "\x00\xffnot json")
		}, ErrResponse, "not one JSON-RPC object"},
		{"two objects", func(w http.ResponseWriter, _ *http.Request, req request) {
			reply(w, req.ID, `1`)
			reply(w, req.ID, `2`)
		}, ErrResponse, "not one JSON-RPC object"},
		{"wrong id", func(w http.ResponseWriter, _ *http.Request, req request) {
			reply(w, req.ID+1, `1`)
		}, ErrResponse, "response id"},
		{"no result", func(w http.ResponseWriter, _ *http.Request, req request) {
			io.WriteString(w, `{"id":`+jsonNum(req.ID)+`}`)
		}, ErrResponse, "neither result nor error"},
		{"result of the wrong type", func(w http.ResponseWriter, _ *http.Request, req request) {
			reply(w, req.ID, `"seven"`)
		}, ErrResponse, "result"},
		{"bad error member", func(w http.ResponseWriter, _ *http.Request, req request) {
			io.WriteString(w, `{"id":`+jsonNum(req.ID)+`,"error":"boom"}`)
		}, ErrResponse, "error member"},
		{"unauthorized", func(w http.ResponseWriter, _ *http.Request, _ request) {
			w.WriteHeader(http.StatusUnauthorized)
		}, ErrTransport, "user and password"},
		{"HTTP 500 without body", func(w http.ResponseWriter, _ *http.Request, _ request) {
			w.WriteHeader(http.StatusInternalServerError)
		}, ErrTransport, "HTTP 500"},
		{"redirect", func(w http.ResponseWriter, r *http.Request, _ request) {
			http.Redirect(w, r, "http://example.invalid/", http.StatusFound)
		}, ErrTransport, "HTTP 302"},
		{"slow", func(w http.ResponseWriter, r *http.Request, req request) {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}, ErrTransport, "no answer"},
		{"slow body", func(w http.ResponseWriter, r *http.Request, req request) {
			io.WriteString(w, `{"id":`)
			w.(http.Flusher).Flush()
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}, ErrTransport, "not complete"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := server(t, tc.handle)
			c, err := New(s.URL, Options{Timeout: 300 * time.Millisecond, MaxResponseBytes: 1024})
			require.NoError(t, err)
			start := time.Now()
			var n int
			err = c.Call(context.Background(), "getblockcount", &n)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.is)
			assert.ErrorContains(t, err, "getblockcount", "the error names the method")
			assert.ErrorContains(t, err, tc.text)
			assert.Less(t, time.Since(start), 3*time.Second, "bounded by the timeout")
		})
	}
}

func TestNodeError(t *testing.T) {
	s := server(t, func(w http.ResponseWriter, _ *http.Request, req request) {
		// bitcoind answers RPC errors with HTTP 500 and a JSON body.
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":`+jsonNum(req.ID)+`}`)
	})
	c, err := New(s.URL, Options{})
	require.NoError(t, err)
	err = c.Call(context.Background(), "scantxoutset", nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "scantxoutset", e.Method)
	assert.Equal(t, MethodNotFound, e.Code)
	assert.True(t, IsMethodNotFound(err))
	assert.False(t, IsMethodNotFound(errors.New("other")))
}

func TestNullResult(t *testing.T) {
	s := server(t, func(w http.ResponseWriter, _ *http.Request, req request) { reply(w, req.ID, `null`) })
	c, err := New(s.URL, Options{})
	require.NoError(t, err)
	var raw json.RawMessage
	require.NoError(t, c.Call(context.Background(), "eth_getTransactionReceipt", &raw))
	assert.Nil(t, raw, "null leaves the result unchanged")
}

func TestConnectionRefused(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	u := s.URL
	s.Close()
	c, err := New(u, Options{Timeout: time.Second})
	require.NoError(t, err)
	err = c.Call(context.Background(), "eth_chainId", nil)
	assert.ErrorIs(t, err, ErrTransport)
	assert.ErrorContains(t, err, "eth_chainId")
}

// roundTripper answers every request with body, for fuzzing without a
// network.
type roundTripper struct{ body []byte }

func (rt roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(bytes.NewReader(rt.body)), Header: http.Header{}, Request: r}, nil
}

func FuzzCall(f *testing.F) {
	f.Add([]byte(`{"id":1,"result":{"a":1}}`))
	f.Add([]byte(`{"id":1,"error":{"code":-1,"message":"x"}}`))
	f.Add([]byte(`{"id":1,"result":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := New("http://127.0.0.1:1", Options{HTTPClient: &http.Client{Transport: roundTripper{body}}, MaxResponseBytes: 1 << 16})
		require.NoError(t, err)
		var out map[string]any
		err = c.Call(context.Background(), "m", &out)
		if err != nil {
			assert.Contains(t, err.Error(), "m")
		}
	})
}

func TestWithTimeout(t *testing.T) {
	var mu sync.Mutex
	var ids []uint64
	s := server(t, func(w http.ResponseWriter, r *http.Request, req request) {
		mu.Lock()
		ids = append(ids, req.ID)
		mu.Unlock()
		if req.Method == "slow" {
			time.Sleep(300 * time.Millisecond)
		}
		reply(w, req.ID, `1`)
	})
	c, err := New(s.URL, Options{Timeout: 100 * time.Millisecond})
	require.NoError(t, err)
	assert.ErrorIs(t, c.Call(context.Background(), "slow", nil), ErrTransport, "over the client's timeout")
	slow := c.WithTimeout(2 * time.Second)
	assert.NoError(t, slow.Call(context.Background(), "slow", nil), "within the longer one")
	assert.NoError(t, c.Call(context.Background(), "fast", nil))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, ids, 3)
	assert.ElementsMatch(t, []uint64{1, 2, 3}, ids, "the copies share one id sequence")
}
