package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaf is a command (and subcommand) that runs.
type leaf struct {
	c   command
	sub string
}

func (l leaf) args() []string { return append([]string{l.c.name}, strings.Fields(l.sub)...) }
func (l leaf) String() string { return strings.Join(l.args(), " ") }

func leaves() []leaf {
	var out []leaf
	for _, c := range commandTable() {
		if len(c.subs) == 0 {
			out = append(out, leaf{c, ""})
		}
		for _, s := range c.subs {
			out = append(out, leaf{c, s})
		}
	}
	return out
}

// --help and -h on every command and subcommand (and microcred help CMD)
// exit 0 and print that command's help, only, on standard output: its
// synopsis and its flags. (Before: exit 2, the flag list on stderr, then
// the whole usage of every command.)
func TestHelpEveryCommand(t *testing.T) {
	for _, l := range leaves() {
		t.Run(l.String(), func(t *testing.T) {
			var want string
			for _, h := range []string{"--help", "-h", "-help"} {
				r := runCLI(t, append(l.args(), h)...)
				require.Equal(t, 0, r.code, "%s %s: %s", l, h, r.stderr)
				assert.Empty(t, r.stderr, "%s %s: nothing on stderr", l, h)
				assert.True(t, strings.HasPrefix(r.stdout, "Usage:\n  microcred "+l.c.name), "%s %s starts with its synopsis:\n%s", l, h, r.stdout)
				assert.NotContains(t, r.stdout, "Commands:", "not the overview")
				for _, other := range commandTable() {
					if other.name != l.c.name {
						assert.NotContains(t, r.stdout, "\n  microcred "+other.name+" ", "%s's help has no other command's synopsis", l)
					}
				}
				if want == "" {
					want = r.stdout
				}
				assert.Equal(t, want, r.stdout, "%s: every help flag prints the same", l)
			}
			// microcred help CMD [SUB] prints the same.
			r := runCLI(t, append([]string{"help"}, l.args()...)...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Equal(t, want, r.stdout)

			// The command answers --help from its flags, before doing
			// anything: that is where help and completion get them.
			flags, ok := flagHelp(context.Background(), l.c, l.sub)
			require.True(t, ok, "%s must parse its flags (newFlagSet) before anything else and return their error", l)
			if flags != "" {
				assert.Contains(t, want, "Flags", "%s lists its flags", l)
			}
		})
	}
	// A group asked before its subcommand lists every subcommand's flags.
	r := runCLI(t, "anchor", "--help")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Flags of anchor btc build:")
	assert.Contains(t, r.stdout, "--utxo")
}

// The overview: microcred -h, --help and help on stdout (exit 0); microcred
// alone on stderr (exit 2). Every command is in it.
func TestOverview(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		r := runCLI(t, args...)
		require.Equal(t, 0, r.code, "%v", args)
		assert.Empty(t, r.stderr)
		for _, c := range commandTable() {
			assert.Contains(t, r.stdout, "\n  "+c.name+" ", "%v lists %s", args, c.name)
		}
	}
	r := runCLI(t)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "Commands:")
	assert.Empty(t, r.stdout)

	r = runCLI(t, "help", "nonsense")
	assert.Equal(t, 2, r.code)
	r = runCLI(t, "help", "anchor", "nonsense")
	assert.Equal(t, 2, r.code)
}

// A usage error prints the error, that command's synopsis and where its
// flags are: not every command's usage.
func TestUsageErrorHint(t *testing.T) {
	r := runCLI(t, "verify", "--no-such-flag", "x.json")
	require.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "flag provided but not defined: -no-such-flag")
	assert.Contains(t, r.stderr, "Run 'microcred verify --help' for its flags.")
	assert.NotContains(t, r.stderr, "microcred sign ", "only verify's synopsis")
	assert.Equal(t, 1, strings.Count(r.stderr, "-no-such-flag"), "the flag list is not dumped:\n%s", r.stderr)
}

// A help flag that is another flag's value is that value: the command
// runs (here --created -h is not a time).
func TestHelpFlagAsValue(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "k.json")
	require.Equal(t, 0, runCLI(t, "key", "generate", "--seed", seedHex, "--out", keyPath).code)
	r := runCLI(t, "sign", "--key", keyPath, "--created", "-h", writeFile(t, dir, "c.json", obCredential(t)))
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--created")
	assert.NotContains(t, r.stdout, "Usage:")

	// After "--", -h is an argument.
	r = runCLI(t, "extract", "--", "-h")
	assert.Equal(t, 2, r.code, "no file named -h")
	assert.NotContains(t, r.stdout, "Usage:")
}

// Each group's synopsis lines and its subcommand list agree, so a
// subcommand added to the usage text and not to subs (or the reverse)
// fails here: help and completion would miss it.
func TestCommandTableConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commandTable() {
		require.False(t, seen[c.name], "%s listed twice", c.name)
		seen[c.name] = true
		require.NotNil(t, c.run, c.name)
		require.NotEmpty(t, c.summary, c.name)
		var named []string
		for _, line := range strings.Split(synopsis(c), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 || f[0] != "microcred" {
				continue
			}
			require.Equal(t, c.name, f[1], "%s's synopsis line %q", c.name, line)
			var words []string
			for _, w := range f[2:] {
				if w == "" || !('a' <= w[0] && w[0] <= 'z') {
					break
				}
				words = append(words, w)
			}
			if len(c.subs) > 0 {
				named = append(named, strings.Join(words, " "))
			}
		}
		for _, n := range named {
			assert.Contains(t, c.subs, n, "%s's synopsis names subcommand %q: add it to subs", c.name, n)
		}
		for _, s := range c.subs {
			assert.Contains(t, named, s, "%s's subcommand %q has no synopsis line", c.name, s)
		}
	}
}

// microcred version (and --version) print the module version from the
// build information and the Go version.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := runCLI(t, args...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.True(t, strings.HasPrefix(r.stdout, "microcred "), r.stdout)
		assert.Contains(t, r.stdout, runtime.Version())
		bi, ok := debug.ReadBuildInfo()
		require.True(t, ok)
		assert.Contains(t, r.stdout, bi.Main.Version)
	}
	r := runCLI(t, "version", "extra")
	assert.Equal(t, 2, r.code)

	bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/onchaincert/microcred", Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	assert.Equal(t, "microcred v1.2.3 "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+"\nrevision 0123abcd 2026-01-02T03:04:05Z (modified)\n", versionText(bi, true))
	assert.Equal(t, "microcred (unknown) "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+"\n", versionText(nil, false))
}

// microcred completion SHELL prints a script naming every command,
// subcommand and flag; an unknown shell is a usage error.
func TestCompletionScripts(t *testing.T) {
	for _, sh := range shells {
		r := runCLI(t, "completion", sh)
		require.Equal(t, 0, r.code, r.stderr)
		for _, c := range commandTable() {
			assert.Contains(t, r.stdout, c.name, "%s script: %s", sh, c.name)
		}
		for _, w := range []string{"--trust", "--any-issuer", "--utxo", "build", "generate", "--url"} {
			assert.Contains(t, r.stdout, strings.TrimPrefix(w, "--"), "%s script: %s", sh, w)
		}
	}
	assert.Equal(t, 2, runCLI(t, "completion", "tcsh").code)
	assert.Equal(t, 2, runCLI(t, "completion").code)
}

// completionCase is a command line to complete and what must (and must
// not) be offered.
type completionCase struct {
	line     []string // the words, the last one being completed
	want     []string
	notWant  []string
	wantFile bool // file names are completed
}

var completionCases = []completionCase{
	{line: []string{"microcred", "ver"}, want: []string{"verify", "version"}, notWant: []string{"sign"}},
	{line: []string{"microcred", "verify", "--tr"}, want: []string{"--trust", "--trust-status-issuer"}, notWant: []string{"--json"}},
	{line: []string{"microcred", "anchor", ""}, want: []string{"address", "btc", "eth"}},
	{line: []string{"microcred", "anchor", "btc", ""}, want: []string{"build"}},
	{line: []string{"microcred", "anchor", "btc", "build", "--ro"}, want: []string{"--root"}},
	{line: []string{"microcred", "status", "c"}, want: []string{"create", "check"}, notWant: []string{"set"}},
	{line: []string{"microcred", "completion", ""}, want: []string{"bash", "zsh", "fish"}},
	{line: []string{"microcred", "verify", "--trust-file", ""}, wantFile: true},
	{line: []string{"microcred", "verify", "a.json", ""}, wantFile: true},
}

// shellRun runs script under a shell found on PATH, skipping the test if
// there is none.
func shellRun(t *testing.T, shell string, script string) string {
	t.Helper()
	path, err := exec.LookPath(shell)
	if err != nil {
		t.Skipf("%s is not installed", shell)
	}
	cmd := exec.Command(path, "-c", script)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

func writeScript(t *testing.T, shell string) string {
	t.Helper()
	r := runCLI(t, "completion", shell)
	require.Equal(t, 0, r.code)
	return writeFile(t, t.TempDir(), "microcred."+shell, []byte(r.stdout))
}

func checkCompletion(t *testing.T, c completionCase, got []string) {
	t.Helper()
	for _, w := range c.want {
		assert.Contains(t, got, w, "%v", c.line)
	}
	for _, w := range c.notWant {
		assert.NotContains(t, got, w, "%v", c.line)
	}
	if c.wantFile {
		assert.Contains(t, got, "<files>", "%v completes file names", c.line)
	}
}

// splitCases splits the output of a script that printed "=== N" before
// the words offered for case N.
func splitCases(t *testing.T, out string) [][]string {
	t.Helper()
	got := make([][]string, len(completionCases))
	cur := -1
	for _, l := range strings.Split(out, "\n") {
		if n, ok := strings.CutPrefix(l, "=== "); ok {
			i, err := strconv.Atoi(n)
			require.NoError(t, err)
			cur = i
			continue
		}
		w, _, _ := strings.Cut(l, "\t") // fish: word<TAB>description
		if w = strings.TrimSpace(w); w != "" && cur >= 0 {
			got[cur] = append(got[cur], w)
		}
	}
	return got
}

func quoteWords(line []string, quote func(string) string) string {
	q := make([]string, len(line))
	for i, w := range line {
		q[i] = quote(w)
	}
	return strings.Join(q, " ")
}

// The scripts work in the shells they are for (each test is skipped where
// its shell is not installed); one shell process runs every case.
func TestCompletionInBash(t *testing.T) {
	var b strings.Builder
	b.WriteString("source " + shQuote(writeScript(t, "bash")) + `
compgen() { if [ "$1" = -f ]; then echo '<files>'; else builtin compgen "$@"; fi; }
`)
	for i, c := range completionCases {
		fmt.Fprintf(&b, "echo '=== %d'; COMP_WORDS=(%s); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _microcred; printf '%%s\\n' \"${COMPREPLY[@]}\"\n", i, quoteWords(c.line, shQuote))
	}
	got := splitCases(t, shellRun(t, "bash", b.String()))
	for i, c := range completionCases {
		checkCompletion(t, c, got[i])
	}
}

func TestCompletionInZsh(t *testing.T) {
	var b strings.Builder
	// compadd and _files only work inside a completion widget: stand-ins
	// print what would be offered (zsh itself filters by prefix).
	b.WriteString(`autoload -Uz compinit && compinit -u -D
source ` + shQuote(writeScript(t, "zsh")) + `
compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }
_files() { print -- '<files>'; }
`)
	for i, c := range completionCases {
		fmt.Fprintf(&b, "print -- '=== %d'; words=(%s); CURRENT=${#words}; _microcred\n", i, quoteWords(c.line, shQuote))
	}
	got := splitCases(t, shellRun(t, "zsh", b.String()))
	for i, c := range completionCases {
		prefix := c.line[len(c.line)-1]
		var offered []string
		for _, w := range got[i] {
			if strings.HasPrefix(w, prefix) || w == "<files>" {
				offered = append(offered, w)
			}
		}
		checkCompletion(t, c, offered)
	}
}

func TestCompletionInFish(t *testing.T) {
	var b strings.Builder
	b.WriteString("source " + fishQuote(writeScript(t, "fish")) + "\n")
	for i, c := range completionCases {
		fmt.Fprintf(&b, "echo '=== %d'; complete -C %s\n", i, fishQuote(strings.Join(c.line, " ")))
	}
	got := splitCases(t, shellRun(t, "fish", b.String()))
	for i, c := range completionCases {
		if c.wantFile {
			// fish offers the working directory's files itself.
			assert.NotContains(t, got[i], "bash", "%v: no command words where a file goes", c.line)
			continue
		}
		checkCompletion(t, c, got[i])
	}
}
