package vcapi

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"
)

// metrics counts requests by route and status, and their time.
type metrics struct {
	mu     sync.Mutex
	counts map[metricKey]*metricValue
}

type metricKey struct {
	route  string
	status int
}

type metricValue struct {
	n       uint64
	seconds float64
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = map[metricKey]*metricValue{}
	}
	k := metricKey{route, status}
	v := m.counts[k]
	if v == nil {
		v = &metricValue{}
		m.counts[k] = v
	}
	v.n++
	v.seconds += d.Seconds()
}

// serveMetrics answers GET /metrics in the Prometheus text format.
func (h *Handler) serveMetrics(w http.ResponseWriter, r *http.Request) {
	h.metrics.mu.Lock()
	keys := make([]metricKey, 0, len(h.metrics.counts))
	for k := range h.metrics.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].status < keys[j].status
	})
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintln(w, "# HELP microcred_requests_total Requests answered, by route and status.")
	fmt.Fprintln(w, "# TYPE microcred_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "microcred_requests_total{route=%q,status=\"%d\"} %d\n", k.route, k.status, h.metrics.counts[k].n)
	}
	fmt.Fprintln(w, "# HELP microcred_request_seconds_total Time spent answering, by route and status.")
	fmt.Fprintln(w, "# TYPE microcred_request_seconds_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "microcred_request_seconds_total{route=%q,status=\"%d\"} %g\n", k.route, k.status, h.metrics.counts[k].seconds)
	}
	h.metrics.mu.Unlock()
}
