// Command microcred issues and verifies Open Badges 3.0 credentials offline.
//
// Run microcred help for the commands, microcred COMMAND --help for one
// command's flags; the commands are listed in cli.go (commandTable), which
// dispatch, help and shell completion all read.
//
// "-" names standard input or standard output wherever a file is read or
// written. Exit status: 0 success (verify: every file verified), 1 failure
// (verify: not verified), 2 bad usage or unreadable input.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// usageError is a command-line mistake: exit status 2.
type usageError struct {
	msg string
	// err is the error the message was made from, if any (flag.ErrHelp
	// for a help request).
	err error
	// command is the command it belongs to, for the hint after it.
	command string
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usage error; an error among args is kept for
// errors.Is (usagef("%v", err) after flag parsing keeps flag.ErrHelp).
func usagef(format string, args ...any) error {
	e := &usageError{msg: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.err = err
			break
		}
	}
	return e
}

// exitError carries an exit status with an already-printed outcome.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdout, stderr)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintln(stderr, "microcred:", err)
	var ue *usageError
	if errors.As(err, &ue) {
		if c, ok := lookup(ue.command); ok {
			fmt.Fprintf(stderr, "\nUsage:\n%s\nRun 'microcred %s --help' for its flags.\n", synopsis(c), c.name)
		} else {
			fmt.Fprint(stderr, "Run 'microcred help' for the commands.\n")
		}
		return 2
	}
	return 1
}
