package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// style colors the words of a report that carry the verdict, only when
// the output is a terminal and the user has not said NO_COLOR
// (https://no-color.org/: set and not empty) or TERM=dumb.
type style struct{ color bool }

// styleFor returns the style for output written to w.
func styleFor(w io.Writer) style {
	f, ok := w.(*os.File)
	return style{color: wantColor(ok && term.IsTerminal(int(f.Fd())), os.Getenv)}
}

// wantColor decides from whether the output is a terminal and the
// environment.
func wantColor(terminal bool, getenv func(string) string) bool {
	return terminal && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

const (
	sgrReset  = "\x1b[0m"
	sgrGreen  = "\x1b[1;32m"
	sgrRed    = "\x1b[1;31m"
	sgrYellow = "\x1b[33m"
)

func (s style) paint(sgr, text string) string {
	if !s.color {
		return text
	}
	return sgr + text + sgrReset
}

// good, bad and warn paint a passing verdict, a failing one, and a
// warning.
func (s style) good(text string) string { return s.paint(sgrGreen, text) }
func (s style) bad(text string) string  { return s.paint(sgrRed, text) }
func (s style) warn(text string) string { return s.paint(sgrYellow, text) }
