package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

var shells = []string{"bash", "zsh", "fish"}

const completionDetails = `Prints a completion script for the shell, made from the command table and
each command's flags: commands, subcommands and flags complete; a flag's
value, and arguments, complete as file names.

  bash:  source <(microcred completion bash)        (in ~/.bashrc)
  zsh:   source <(microcred completion zsh)         (in ~/.zshrc, after compinit),
         or save it as _microcred in a directory of $fpath
  fish:  microcred completion fish > ~/.config/fish/completions/microcred.fish`

// completionCmd: microcred completion bash|zsh|fish.
func completionCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("completion", stderr)
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return usagef("completion takes one shell: bash, zsh or fish")
	}
	tree := completionTree(ctx)
	var script string
	switch fs.Arg(0) {
	case "bash":
		script = bashCompletion(tree)
	case "zsh":
		script = zshCompletion(tree)
	case "fish":
		script = fishCompletion(tree)
	default:
		return usagef("completion: unknown shell %q (want bash, zsh or fish)", fs.Arg(0))
	}
	_, err := io.WriteString(stdout, script)
	return err
}

// compFlag is one flag of a command, as its FlagSet lists it.
type compFlag struct {
	name   string // "--json"
	valued bool   // takes a value
	desc   string // the first line of its usage
}

// compNode is a command path ("", "verify", "anchor btc", "anchor btc
// build"): the words that may follow it (subcommands), or, for a command
// that runs, its flags and its arguments' completion words.
type compNode struct {
	path  string
	next  []compWord
	flags []compFlag
	args  []string // nil: file names
}

type compWord struct{ word, desc string }

// completionTree reads the command table and each command's flags.
func completionTree(ctx context.Context) []compNode {
	nodes := map[string]*compNode{"": {path: ""}}
	var order []string
	node := func(path string) *compNode {
		if n, ok := nodes[path]; ok {
			return n
		}
		n := &compNode{path: path}
		nodes[path] = n
		order = append(order, path)
		return n
	}
	addNext := func(path, word, desc string) {
		n := node(path)
		for _, w := range n.next {
			if w.word == word {
				return
			}
		}
		n.next = append(n.next, compWord{word, desc})
	}
	var names []string
	for _, c := range commandTable() {
		names = append(names, c.name)
	}
	for _, c := range commandTable() {
		addNext("", c.name, c.summary)
		subs := c.subs
		if len(subs) == 0 {
			subs = []string{""}
		}
		for _, sub := range subs {
			path := c.name
			words := strings.Fields(sub)
			for _, w := range words {
				addNext(path, w, "")
				path += " " + w
			}
			leaf := node(path)
			leaf.args = c.args
			if c.name == "help" {
				leaf.args = names
			}
			if text, ok := flagHelp(ctx, c, sub); ok {
				leaf.flags = parseFlagList(text)
			}
			leaf.flags = append(leaf.flags, compFlag{name: "--help", desc: "print this command's help"})
		}
	}
	out := []compNode{*nodes[""]}
	for _, p := range order {
		out = append(out, *nodes[p])
	}
	return out
}

// parseFlagList reads flag.PrintDefaults output: a line "  -name" or
// "  -name type" per flag (a type word means it takes a value), then its
// usage on lines indented with "    \t" (or after a tab on the same line
// for one-letter names).
func parseFlagList(text string) []compFlag {
	var out []compFlag
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "  -") {
			continue
		}
		head, desc, _ := strings.Cut(line[3:], "\t")
		f := strings.Fields(head)
		if len(f) == 0 {
			continue
		}
		if desc == "" && i+1 < len(lines) {
			desc = strings.TrimSpace(lines[i+1])
		}
		out = append(out, compFlag{name: "--" + f[0], valued: len(f) > 1, desc: shortDesc(desc)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// shortDesc cuts a usage text to its first clause, for fish's listing.
func shortDesc(s string) string {
	if i := strings.IndexAny(s, ";("); i > 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if len(s) > 70 {
		s = s[:67] + "..."
	}
	return s
}

func words(ws []compWord) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.word
	}
	return strings.Join(s, " ")
}

func flagNames(fl []compFlag, valuedOnly bool) string {
	var s []string
	for _, f := range fl {
		if !valuedOnly || f.valued {
			s = append(s, f.name)
		}
	}
	return strings.Join(s, " ")
}

// shCases writes the case statements of the helper functions bash and
// zsh share: _microcred_next PATH (subcommands), _microcred_flags PATH,
// _microcred_valued PATH (flags that take a value), _microcred_args PATH.
func shCases(b *strings.Builder, tree []compNode) {
	fn := func(name string, f func(n compNode) string) {
		fmt.Fprintf(b, "_microcred_%s() {\n\tcase \"$1\" in\n", name)
		for _, n := range tree {
			if v := f(n); v != "" {
				fmt.Fprintf(b, "\t%s) echo %s ;;\n", shQuote(n.path), shQuote(v))
			}
		}
		b.WriteString("\tesac\n}\n\n")
	}
	fn("next", func(n compNode) string { return words(n.next) })
	fn("flags", func(n compNode) string { return flagNames(n.flags, false) })
	fn("valued", func(n compNode) string { return flagNames(n.flags, true) })
	fn("args", func(n compNode) string { return strings.Join(n.args, " ") })
}

func bashCompletion(tree []compNode) string {
	var b strings.Builder
	b.WriteString("# bash completion for microcred; load it with: source <(microcred completion bash)\n\n")
	shCases(&b, tree)
	b.WriteString(`_microcred() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmdpath="" i=1 w nxt a
	# The command path: the words that name a command or subcommand.
	while [ "$i" -lt "$COMP_CWORD" ]; do
		w=${COMP_WORDS[i]}
		nxt=" $(_microcred_next "$cmdpath") "
		if [[ $nxt == *" $w "* ]]; then
			cmdpath=${cmdpath:+$cmdpath }$w
			i=$((i + 1))
		else
			break
		fi
	done
	nxt=$(_microcred_next "$cmdpath")
	if [ "$i" -eq "$COMP_CWORD" ] && [ -n "$nxt" ]; then
		COMPREPLY=($(compgen -W "$nxt" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_microcred_flags "$cmdpath")" -- "$cur"))
		return
	fi
	a=$(_microcred_args "$cmdpath")
	if [[ " $(_microcred_valued "$cmdpath") " != *" $prev "* ]] && [ -n "$a" ]; then
		COMPREPLY=($(compgen -W "$a" -- "$cur"))
		return
	fi
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -F _microcred microcred
`)
	return b.String()
}

func zshCompletion(tree []compNode) string {
	var b strings.Builder
	b.WriteString(`#compdef microcred
# zsh completion for microcred; load it with: source <(microcred completion zsh)
# (after compinit), or save it as _microcred in a directory of $fpath.

`)
	shCases(&b, tree)
	b.WriteString(`_microcred() {
	local cmdpath="" i=2 w nxt a
	# The command path: the words that name a command or subcommand.
	while (( i < CURRENT )); do
		w=${words[i]}
		nxt=" $(_microcred_next "$cmdpath") "
		if [[ $nxt == *" $w "* ]]; then
			cmdpath=${cmdpath:+$cmdpath }$w
			(( i++ ))
		else
			break
		fi
	done
	nxt=$(_microcred_next "$cmdpath")
	if (( i == CURRENT )) && [[ -n $nxt ]]; then
		compadd -- ${=nxt}
		return
	fi
	if [[ ${words[CURRENT]} == -* ]]; then
		compadd -- $(_microcred_flags "$cmdpath")
		return
	fi
	a=$(_microcred_args "$cmdpath")
	if [[ " $(_microcred_valued "$cmdpath") " != *" ${words[CURRENT-1]} "* && -n $a ]]; then
		compadd -- ${=a}
		return
	fi
	_files
}

if [[ ${funcstack[1]} == _microcred ]]; then
	_microcred "$@"
else
	compdef _microcred microcred
fi
`)
	return b.String()
}

// shQuote quotes s for bash and zsh: single quotes, ' written as '\”.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// fishQuote quotes s for fish: single quotes, \ and ' escaped.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func fishCompletion(tree []compNode) string {
	var b strings.Builder
	b.WriteString(`# fish completion for microcred; load it with: microcred completion fish | source
# or save it as ~/.config/fish/completions/microcred.fish

function __microcred_next
	switch "$argv[1]"
`)
	for _, n := range tree {
		if len(n.next) > 0 {
			fmt.Fprintf(&b, "\tcase %s\n\t\techo %s\n", fishQuote(n.path), fishQuote(words(n.next)))
		}
	}
	b.WriteString(`	end
end

# __microcred_path prints the command path of the words before the cursor;
# its status is 0 if every word is part of it.
function __microcred_path
	set -l p ''
	for w in (commandline -opc)[2..-1]
		if contains -- $w (string split ' ' -- (__microcred_next "$p"))
			set p (string trim -- "$p $w")
		else
			echo $p
			return 1
		end
	end
	echo $p
end

# __microcred_at PATH: the cursor is where a subcommand of PATH goes.
function __microcred_at
	set -l p (__microcred_path); and test "$p" = "$argv[1]"
end

# __microcred_in PATH: the command line is in command PATH.
function __microcred_in
	set -l p (__microcred_path)
	test "$p" = "$argv[1]"
end

complete -c microcred -f
`)
	for _, n := range tree {
		for _, w := range n.next {
			fmt.Fprintf(&b, "complete -c microcred -n %s -a %s", fishQuote("__microcred_at "+fishQuote(n.path)), fishQuote(w.word))
			if w.desc != "" {
				fmt.Fprintf(&b, " -d %s", fishQuote(w.desc))
			}
			b.WriteString("\n")
		}
		if len(n.next) > 0 {
			continue
		}
		cond := fishQuote("__microcred_in " + fishQuote(n.path))
		for _, f := range n.flags {
			fmt.Fprintf(&b, "complete -c microcred -n %s -l %s", cond, fishQuote(strings.TrimPrefix(f.name, "--")))
			if f.valued {
				b.WriteString(" -r -F")
			}
			if f.desc != "" {
				fmt.Fprintf(&b, " -d %s", fishQuote(f.desc))
			}
			b.WriteString("\n")
		}
		if n.args != nil {
			fmt.Fprintf(&b, "complete -c microcred -n %s -a %s\n", cond, fishQuote(strings.Join(n.args, " ")))
		} else if n.path != "" {
			fmt.Fprintf(&b, "complete -c microcred -n %s -F\n", cond)
		}
	}
	return b.String()
}
