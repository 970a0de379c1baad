package main

import (
	"slices"
	"time"
)

// Latency is the summary of recorded request durations. The percentiles are
// exact: they are read from the sorted durations by the nearest-rank method
// (the p-th percentile of N values is the ceil(p/100*N)-th smallest), so no
// histogram rounding is involved.
type Latency struct {
	Count int
	Min   time.Duration
	Mean  time.Duration
	P50   time.Duration
	P90   time.Duration
	P99   time.Duration
	Max   time.Duration
}

// summarize sorts d in place and returns its summary; an empty d gives the
// zero Latency.
func summarize(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	var sum time.Duration
	for _, v := range d {
		sum += v
	}
	return Latency{
		Count: len(d),
		Min:   d[0],
		Mean:  sum / time.Duration(len(d)),
		P50:   percentile(d, 50),
		P90:   percentile(d, 90),
		P99:   percentile(d, 99),
		Max:   d[len(d)-1],
	}
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of the
// sorted, non-empty slice d.
func percentile(d []time.Duration, p float64) time.Duration {
	// rank = ceil(p/100 * N), computed in integers for p given to 0.01 so
	// that, e.g., p=90 of 10 values is exactly rank 9 and not 9.000000001.
	n := len(d)
	hundredths := int(p*100 + 0.5)
	rank := (hundredths*n + 10000 - 1) / 10000
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return d[rank-1]
}
