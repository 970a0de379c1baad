package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress reports a batch: on a terminal a bar redrawn in place (count,
// rate, ETA, failures), otherwise a plain line every 5 s or every tenth of
// the batch (but not more often than every 10,000 rows). It is written here rather than taken from a library:
// it is forty lines and needs nothing a library would add.
type progress struct {
	w        io.Writer
	tty      bool
	quiet    bool
	total    int        // rows in the input
	failed   func() int // rows that failed before or after signing
	last     time.Time
	lastLine int
	drawn    bool
	start    time.Time // of the batch, for the rate
}

// Redraw and line intervals of the progress report.
const (
	barInterval  = 100 * time.Millisecond
	lineInterval = 5 * time.Second
	barWidth     = 30
	lineRows     = 10_000 // plain lines: at least this many rows apart, or lineInterval
)

func newProgress(w io.Writer, quiet bool, total int, failed func() int) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, tty: tty, quiet: quiet, total: total, failed: failed, start: time.Now()}
}

// update is BatchOptions.Progress: done credentials issued so far (the
// batch's own failures are counted by p.failed).
func (p *progress) update(done, _ int) {
	if p.quiet {
		return
	}
	failed := p.failed()
	n := done + failed
	now := time.Now()
	if p.tty {
		if now.Sub(p.last) < barInterval && n < p.total {
			return
		}
	} else if now.Sub(p.last) < lineInterval && n-p.lastLine < max(lineRows, p.total/10) {
		return
	}
	p.last, p.lastLine = now, n
	rate := float64(done) / max(now.Sub(p.start).Seconds(), 1e-9)
	eta := "?"
	if rate > 0 && p.total >= n {
		eta = (time.Duration(float64(p.total-n)/rate) * time.Second).Round(time.Second).String()
	}
	pct := 100
	if p.total > 0 {
		pct = min(100, n*100/p.total)
	}
	if p.tty {
		fill := pct * barWidth / 100
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d %3d%%  %.0f/s  ETA %-8s %d failed ", strings.Repeat("=", fill), strings.Repeat(" ", barWidth-fill), n, p.total, pct, rate, eta, failed)
		p.drawn = true
		return
	}
	fmt.Fprintf(p.w, "batch: %d/%d rows (%d%%), %d issued, %d failed, %.0f/s, ETA %s\n", n, p.total, pct, done, failed, rate, eta)
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
