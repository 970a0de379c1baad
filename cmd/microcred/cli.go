package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// command is one entry of the command table ([commandTable]). Dispatch,
// the overview (microcred help), each command's help (microcred CMD
// --help) and shell completion (microcred completion SHELL) all read it,
// so a new subcommand is one entry.
//
// A command's flags are not listed here: help and completion ask the
// command itself, by running it with --help into a buffer (a command
// parses its flags before it does anything, so that run has no effect)
// and reading what its flag.FlagSet prints. Commands should make their
// FlagSet with [newFlagSet], so that a mistyped flag prints one line and
// not the whole flag list; one made with flag.NewFlagSet(name,
// flag.ContinueOnError) and SetOutput(stderr) works too.
type command struct {
	// name is the first word after microcred.
	name string
	// summary is the command's one line in the overview.
	summary string
	// usage is the synopsis: one or more lines "microcred name ...",
	// without indentation; a leading "usage:" line is dropped.
	usage string
	// details is optional text printed after the synopsis in the
	// command's help.
	details string
	// subs are the subcommands of a group ("create", "btc build"): help
	// and completion list each one's flags. Empty for a plain command.
	subs []string
	// args are the completion words for positional arguments; nil
	// completes file names.
	args []string
	// run runs the command with the arguments after its name (for a
	// group, the subcommand comes first).
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commandTable lists the commands, in the order the overview shows them.
// (A function, not a variable: help and completion read the table, and
// the table names them.)
func commandTable() []command {
	return []command{
		{name: "key", summary: "generate a signing key (did:key or did:jwk) into a key file", subs: []string{"generate"},
			usage: `microcred key generate --type ed25519|p256|p384|secp256k1|rsa|jwk [--did key|jwk] [--seed HEX] --out FILE|-`,
			run:   keyCmd},
		{name: "sign", summary: "sign a credential: an embedded Data Integrity proof, or a JWT",
			usage: `microcred sign --key FILE [--suite eddsa-rdfc-2022|eddsa-jcs-2022|ecdsa-rdfc-2019|ecdsa-jcs-2019|ecdsa-sd-2023|Ed25519Signature2020|EcdsaSecp256k1Signature2019]
               [--mandatory POINTER]... [--format di|jwt|vc+jwt] [--alg ALG] [--created RFC3339] [--set-issuer] IN.json|-`,
			details: "Writes the signed credential to standard output. The credential's issuer must be the key's DID\n(--set-issuer writes it).",
			run:     sign},
		{name: "verify", summary: "verify credentials, presentations and baked badges offline",
			usage: verifyUsage, details: verifyDetails, run: verify},
		{name: "migrate", summary: "verify Open Badges 2.0 badges and reissue them as OB 3.0 credentials",
			usage: migrateUsage, details: migrateDetails, run: migrateCmd},
		{name: "derive", summary: "disclose chosen members of an ecdsa-sd-2023 credential (the holder's step)",
			usage: `microcred derive --reveal POINTER... BASE.json|-`, run: func(_ context.Context, args []string, stdout, stderr io.Writer) error {
				return derive(args, stdout, stderr)
			}},
		{name: "present", summary: "sign a presentation of credentials for a verifier's challenge",
			usage: `microcred present --key FILE --challenge C [--domain D] [--format di|jwt|vp+jwt] CREDENTIAL...`, run: present},
		{name: "bake", summary: "bake a credential into a PNG or SVG badge image",
			usage:   `microcred bake --image IN.png|IN.svg|- --credential FILE|- --out OUT|- [--replace]`,
			details: bakeDetails,
			run: func(_ context.Context, args []string, stdout, stderr io.Writer) error {
				return bakeCmd(args, stdout, stderr)
			}},
		{name: "extract", summary: "print the credential baked into a badge image",
			usage: `microcred extract FILE|-`, run: func(_ context.Context, args []string, stdout, stderr io.Writer) error {
				return extract(args, stdout, stderr)
			}},
		{name: "status", summary: "create, update and check signed Bitstring Status Lists",
			usage: statusUsage, subs: []string{"revoke", "suspend", "clear", "create", "set", "check"}, run: statusCmd},
		{name: "serve", summary: "run the VC API issuer/verifier service (package vcapi)",
			usage: serveUsage, details: serveDetails, run: serveCmd},
		{name: "web", summary: "write the browser verifier page (WebAssembly) for a static web host", subs: []string{"export"},
			usage: webUsage, details: webDetails, run: webCmd},
		{name: "share", summary: "make a credential's verifier link, LinkedIn add-to-profile URL and QR code",
			usage: shareUsage, details: shareDetails, run: shareCmd},
		{name: "batch", summary: "issue one credential per row of a CSV or JSON Lines file",
			usage: strings.TrimPrefix(batchUsage, "usage: "), run: batchCmd},
		{name: "anchor", summary: "build anchor transactions offline, or send them through a node you run", subs: []string{"address", "btc build", "btc send", "eth build", "eth send"},
			usage: `microcred anchor address --key K.json --network mainnet|testnet|regtest [--spend p2wpkh|p2pkh]
microcred anchor btc build --key K.json --network mainnet|testnet|regtest --utxo TXID:VOUT:AMOUNT_SATS [--utxo ...]
               --root HEX --change ADDR [--fee-rate SATS_PER_KVB]
microcred anchor eth build --key K.json --chain-id N --nonce N (--max-fee WEI --max-priority-fee WEI | --legacy --gas-price WEI)
               [--gas-limit N] --root HEX
microcred anchor btc send --rpc URL [--rpc-cookie FILE | --rpc-user U] --key K.json --root HEX [--network N]
               [--spend p2wpkh|p2pkh] [--utxo TXID:VOUT:SATS ...] [--change ADDR] [--fee-rate SATS_PER_KVB]
microcred anchor eth send --rpc URL --key K.json --root HEX [--chain-id N] [--legacy] [--max-fee-cap WEI]`,
			run: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
				return anchorCmd(ctx, args, stdout, stderr)
			}},
		{name: "batch-root", summary: "collect signed files into a batch directory and print its Merkle root",
			usage: `microcred batch-root --out DIR FILE...`,
			run: func(_ context.Context, args []string, stdout, stderr io.Writer) error {
				return batchRoot(args, stdout, stderr)
			}},
		{name: "receipt", summary: "write each credential's anchor receipt for a batch",
			usage: `microcred receipt --batch DIR --chain bitcoin-mainnet|bitcoin-testnet|bitcoin-regtest|ethereum-mainnet|ethereum-sepolia|ethereum-dev|mock
               --txid TXID [--raw-tx FILE] [--block FILE | --tx-index N [--branch FILE] --headers FILE] [--headers FILE]
               [--checkpoint CHAIN:HASH] --out DIR
microcred receipt --batch DIR --chain CHAIN --txid TXID --rpc URL [--wait N] [--timeout D] --out DIR
microcred receipt --refresh --rpc URL [--wait N] RECEIPT.json...`,
			run: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
				return receiptCmd(ctx, args, stdout, stderr)
			}},
		{name: "ots", summary: "verify OpenTimestamps proofs offline; convert a Bitcoin receipt into a .ots file", subs: []string{"verify", "upgrade-from-receipt"},
			usage: otsUsage, details: otsDetails,
			run: func(_ context.Context, args []string, stdout, stderr io.Writer) error {
				return otsCmd(args, stdout, stderr)
			}},
		{name: "blockcerts", summary: "issue Blockcerts v3 certificates with MerkleProof2019 proofs",
			usage: `microcred blockcerts --key K.json --chain mocknet|bitcoin-regtest|bitcoin-testnet|bitcoin-mainnet|ethereum-sepolia|ethereum-mainnet
               [--anchor-tx TXID [--root HEX]] [--created RFC3339] [--issuer-profile URL [--key-created RFC3339]] [--set-issuer] --out DIR IN.json...`,
			run: func(_ context.Context, args []string, stdout, stderr io.Writer) error {
				return blockcertsCmd(args, stdout, stderr)
			}},
		{name: "demo", summary: "issue, bake, verify and tamper with a badge, offline",
			usage: `microcred demo [--out FILE|-]`, run: demo},
		{name: "version", summary: "print microcred's module version and the Go version it was built with",
			usage: `microcred version`, run: versionCmd},
		{name: "completion", summary: "print a shell completion script (bash, zsh or fish)",
			usage: `microcred completion bash|zsh|fish`, details: completionDetails, args: shells, run: completionCmd},
		{name: "help", summary: "print the overview, or a command's help",
			usage: `microcred help [COMMAND [SUBCOMMAND]]`, run: helpCmd},
	}
}

// lookup returns the command named name.
func lookup(name string) (command, bool) {
	for _, c := range commandTable() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// newFlagSet returns the flag set of a command: errors are returned, not
// printed (run prints them once, with the command's synopsis); --help / -h make
// Parse return flag.ErrHelp, which [run] turns into the command's help on
// standard output (exit 0).
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// Parse errors are returned, and run prints them once.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		// Only a help probe wants the flag list (see flagHelp).
		if p, ok := stderr.(*helpProbe); ok {
			fs.SetOutput(p)
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses a command's flags and refuses positional arguments:
// both errors are usage errors, the second naming the first argument.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// timeFlag is the RFC 3339 time the flag --name gave as s, or def when
// s is empty; a time that does not parse is a usage error naming the flag.
func timeFlag(name, s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("--%s: %v", name, err)
	}
	return t, nil
}

// helpProbe is the stderr of a command run for its help: it collects the
// flag list the command's FlagSet prints.
type helpProbe struct{ bytes.Buffer }

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

// helpRequested reports whether args hold a help flag before any "--".
// (A help flag may also be the value of another flag; the command's own
// parsing decides, see run.)
func helpRequested(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpFlag(a) {
			return true
		}
	}
	return false
}

// subOf returns the subcommand of c that args start with ("" if none).
func subOf(c command, args []string) string {
	best := ""
	for _, s := range c.subs {
		words := strings.Fields(s)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) && len(s) > len(best) {
			best = s
		}
	}
	return best
}

// flagHelp runs c (its subcommand sub) with --help and returns the flag
// list its FlagSet prints ("" if it has no flags), or false if the
// command did not answer --help with flag.ErrHelp.
func flagHelp(ctx context.Context, c command, sub string) (string, bool) {
	var out bytes.Buffer
	probe := &helpProbe{}
	args := append(strings.Fields(sub), "--help")
	err := c.run(ctx, args, &out, probe)
	if !errors.Is(err, flag.ErrHelp) {
		return "", false
	}
	text := probe.String()
	// flag's default Usage starts with "Usage of NAME:".
	if strings.HasPrefix(text, "Usage of ") {
		if _, rest, ok := strings.Cut(text, "\n"); ok {
			text = rest
		} else {
			text = ""
		}
	}
	return text, true
}

// writeHelp prints c's help: synopsis, details, and the flags of sub (of
// each subcommand, for a group asked without one).
func writeHelp(ctx context.Context, w io.Writer, c command, sub string) {
	fmt.Fprintf(w, "Usage:\n%s", synopsis(c))
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(c.details, "\n"))
	}
	subs := []string{sub}
	if sub == "" && len(c.subs) > 0 {
		subs = c.subs
	}
	for _, s := range subs {
		flags, ok := flagHelp(ctx, c, s)
		if !ok || flags == "" {
			continue
		}
		// Written as the README and the synopses write them: --name.
		flags = strings.ReplaceAll("\n"+flags, "\n  -", "\n  --")[1:]
		if s == "" {
			fmt.Fprintf(w, "\nFlags:\n%s", flags)
		} else {
			fmt.Fprintf(w, "\nFlags of %s %s:\n%s", c.name, s, flags)
		}
	}
}

// synopsis returns c's usage lines indented by two spaces (continuation
// lines, written aligned under the first, keep that alignment), without
// a leading "usage:" line.
func synopsis(c command) string {
	u := strings.TrimRight(c.usage, "\n")
	if first, rest, ok := strings.Cut(u, "\n"); ok && strings.EqualFold(strings.TrimSpace(first), "usage:") {
		u = rest
	}
	var b strings.Builder
	for _, line := range strings.Split(u, "\n") {
		if t := strings.TrimLeft(line, " "); strings.HasPrefix(t, "microcred ") {
			line = t // a synopsis line, however the usage text indents it
		}
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

// writeOverview prints what microcred does, its commands, and the
// conventions they share.
func writeOverview(w io.Writer) {
	fmt.Fprint(w, "microcred issues and verifies Open Badges 3.0 credentials offline.\n\nCommands:\n")
	width := 0
	for _, c := range commandTable() {
		width = max(width, len(c.name))
	}
	for _, c := range commandTable() {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprint(w, overviewTrailer)
}

const overviewTrailer = `
Usage: microcred COMMAND [flags] [arguments]
Run 'microcred COMMAND --help' (or 'microcred help COMMAND') for a
command's synopsis and flags.

"-" names standard input or standard output wherever a file is read or
written (standard input at most once per command). Output is colored only
on a terminal, and never when NO_COLOR is set.

Exit status: 0 success (verify: every file verified), 1 failure (verify:
not verified), 2 bad usage or unreadable input.
`

// helpCmd: microcred help [COMMAND [SUBCOMMAND]].
func helpCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("help", stderr)
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() == 0 {
		writeOverview(stdout)
		return nil
	}
	c, ok := lookup(fs.Arg(0))
	if !ok {
		return usagef("unknown command %q", fs.Arg(0))
	}
	rest := fs.Args()[1:]
	sub := subOf(c, rest)
	if len(rest) > 0 && sub == "" {
		return usagef("%s has no subcommand %q", c.name, strings.Join(rest, " "))
	}
	writeHelp(ctx, stdout, c, sub)
	return nil
}

// dispatch runs the command args name, answering a help request with the
// command's help on stdout.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		writeOverview(stderr)
		return &exitError{code: 2}
	}
	switch {
	case isHelpFlag(args[0]):
		writeOverview(stdout)
		return nil
	case args[0] == "--version":
		return versionCmd(ctx, args[1:], stdout, stderr)
	}
	c, ok := lookup(args[0])
	if !ok {
		return usagef("unknown command %q (microcred help lists them)", args[0])
	}
	rest := args[1:]
	if !helpRequested(rest) {
		return withCommand(c, c.run(ctx, rest, stdout, stderr))
	}
	sub := subOf(c, rest)
	if len(c.subs) > 0 && sub == "" && isHelpFlag(rest[0]) {
		// A group asked for help before naming a subcommand: its help
		// lists every subcommand's flags.
		writeHelp(ctx, stdout, c, "")
		return nil
	}
	// Run it with its output held back: if its flags say help, print the
	// help instead; if the help flag was another flag's value, the command
	// ran as usual, and its output follows.
	var out bytes.Buffer
	probe := &helpProbe{}
	err := c.run(ctx, rest, &out, probe)
	if errors.Is(err, flag.ErrHelp) {
		writeHelp(ctx, stdout, c, sub)
		return nil
	}
	_, _ = stdout.Write(out.Bytes())
	_, _ = stderr.Write(probe.Bytes())
	return withCommand(c, err)
}

// withCommand notes which command a usage error belongs to, for the hint
// run prints.
func withCommand(c command, err error) error {
	var ue *usageError
	if errors.As(err, &ue) && ue.command == "" {
		ue.command = c.name
	}
	return err
}
