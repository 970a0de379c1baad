package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// versionCmd: microcred version — the module version (from the build
// information Go embeds: a tag or pseudo-version with go install
// module@version, "(devel)" in a source tree), the Go version and
// platform, and the VCS revision when the build recorded one.
func versionCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 0 {
		return usagef("version takes no arguments")
	}
	_, err := io.WriteString(stdout, versionText(debug.ReadBuildInfo()))
	return err
}

func versionText(bi *debug.BuildInfo, ok bool) string {
	version := "(unknown)"
	if ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	s := fmt.Sprintf("microcred %s %s %s/%s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if !ok {
		return s
	}
	var rev, at, modified string
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.time":
			at = kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				modified = " (modified)"
			}
		}
	}
	if rev != "" {
		s += fmt.Sprintf("revision %s %s%s\n", rev, at, modified)
	}
	return s
}
