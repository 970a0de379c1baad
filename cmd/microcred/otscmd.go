package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/ots"
)

const otsUsage = `microcred ots verify FILE.ots (--digest HEX | --file F) [--headers FILE [--height N]] [--chain bitcoin-mainnet|bitcoin-testnet|bitcoin-regtest]
               [--checkpoint CHAIN:HASH[:NBITS]] [--floor CHAIN:NBITS] [--confirmations N] [--require-level L0..L4]
microcred ots upgrade-from-receipt RECEIPT.json --height N -o FILE.ots [--evidence FILE]`

const otsDetails = `ots verify checks an OpenTimestamps proof offline against the Bitcoin block
headers you give (--headers: one header in hex per line, each "HEIGHT HEX", or
bare hex from --height N on) and grades it as microcred verify grades receipts:
L1 claimed (pending, or no header), L3 the attested message is the merkle root
of a header meeting its proof of work and the chain's difficulty floor, L4 on
bitcoin-mainnet with N linked headers and a --checkpoint you trust. It exits 0
when the level is at least --require-level (default L3), 1 when not.
--file hashes the stamped file with the proof's own hash op; for a receipt
converted with upgrade-from-receipt the digest is the credential's anchor leaf
(SHA-256 of its bytes without surrounding whitespace).

ots upgrade-from-receipt turns a microcred Bitcoin receipt (with its raw
transaction, branch and block header) into a standard .ots file: the ops from
the leaf to the batch root, through the transaction to its txid and up the
block's merkle branch, and a Bitcoin block header attestation at --height (the
receipt does not carry the height). A slim receipt's shared evidence is read
as microcred verify reads it (--evidence, or beside the receipt).`

func otsCmd(args []string, stdout, stderr io.Writer) error {
	const u = "usage: microcred ots verify|upgrade-from-receipt ..."
	if len(args) == 0 {
		return usagef(u)
	}
	switch args[0] {
	case "verify":
		return otsVerify(args[1:], stdout, stderr)
	case "upgrade-from-receipt":
		return otsUpgrade(args[1:], stdout, stderr)
	}
	return usagef(u)
}

// parseWithFile parses fs from args that hold one positional file, before
// or after the flags, and returns it.
func parseWithFile(fs *flag.FlagSet, args []string, what string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", usagef("%v", err)
	}
	if fs.NArg() == 0 {
		return "", usagef("%s is required", what)
	}
	file := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return "", usagef("%v", err)
	}
	if fs.NArg() != 0 {
		return "", usagef("unexpected argument %q (one %s)", fs.Arg(0), what)
	}
	return file, nil
}

func otsVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ots verify", stderr)
	digestHex := fs.String("digest", "", "HEX: the stamped file's digest (for a converted receipt: the credential's anchor leaf)")
	filePath := fs.String("file", "", "FILE: the stamped file, hashed with the proof's file hash op")
	headersPath := fs.String("headers", "", `FILE: Bitcoin block headers in hex, one per line, "HEIGHT HEX" or bare hex from --height on (the attested block, then its successors for confirmations)`)
	height := fs.Int64("height", -1, "N: the height of the first bare-hex line of --headers")
	chainName := fs.String("chain", string(anchor.ChainBitcoinMainnet), "the network of the headers: bitcoin-mainnet (OpenTimestamps calendars), bitcoin-testnet or bitcoin-regtest")
	var ro receiptOptions
	fs.Var(&ro.checkpoints, "checkpoint", "CHAIN:BLOCKHASH[:NBITS] a block you trust (repeatable), as for verify --receipt")
	fs.Var(&ro.floors, "floor", "CHAIN:NBITS raise a Bitcoin chain's difficulty floor, as for verify --receipt")
	fs.BoolVar(&ro.lowerFloors, "lower-floor-unsafe", false, "let --floor go below the built-in floors; headers that easy can be forged on a laptop")
	fs.IntVar(&ro.confirmations, "confirmations", 0, "N for L4 (default 6)")
	fs.StringVar(&ro.requireLevel, "require-level", "", "lowest assurance accepted: L0..L4 (default L3)")
	proofPath, err := parseWithFile(fs, args, "FILE.ots")
	if err != nil {
		return err
	}
	if (*digestHex == "") == (*filePath == "") {
		return usagef("give exactly one of --digest and --file")
	}
	if *height >= 0 && *headersPath == "" {
		return usagef("--height goes with --headers")
	}
	chain, err := parseChain(*chainName)
	if err != nil {
		return err
	}
	if !isBitcoin(chain) {
		return usagef("--chain %s: OpenTimestamps Bitcoin attestations are checked against bitcoin-mainnet, bitcoin-testnet or bitcoin-regtest headers", chain)
	}
	min, err := ro.level(anchor.L3)
	if err != nil {
		return err
	}
	aopts, err := ro.verifyOptions()
	if err != nil {
		return err
	}
	opts := ots.VerifyOptions{Chain: chain, Checkpoints: aopts.Checkpoints, Confirmations: aopts.Confirmations,
		Floors: aopts.Floors, LowerFloorsUnsafe: aopts.LowerFloorsUnsafe}
	if *headersPath != "" {
		h, err := readHeightHeaders(*headersPath, *height)
		if err != nil {
			return err
		}
		opts.Headers = h
	}
	if err := stdinOnce(proofPath, *filePath, *headersPath); err != nil {
		return err
	}
	proof, err := readSmallFile(proofPath, "FILE.ots")
	if err != nil {
		return err
	}
	p, err := ots.Parse(proof)
	if err != nil {
		return fmt.Errorf("%s: %w", proofPath, err)
	}
	var digest []byte
	if *filePath != "" {
		data, err := readInput(*filePath)
		if err != nil {
			return err
		}
		if digest, err = p.FileDigest(data); err != nil {
			return err
		}
	} else {
		if digest, err = hex.DecodeString(strings.TrimPrefix(*digestHex, "0x")); err != nil {
			return usagef("--digest: not hex")
		}
	}
	res, verr := p.Verify(digest, opts)

	rep := &anchorReport{required: true, min: min, err: verr}
	if verr == nil {
		rep.level, rep.chain, rep.noFinality, rep.confirmations, rep.reason = res.Level, res.Chain, res.NoFinality, res.Confirmations, res.Reason
		rep.work, rep.pinned = res.Work, res.Pinned
		rep.ok = res.Require(min) == nil
	}
	st := styleFor(stdout)
	verdict := st.bad("NOT VERIFIED")
	if rep.ok {
		verdict = st.good("VERIFIED")
	}
	fmt.Fprintf(stdout, "%s: %s\n", proofPath, verdict)
	fmt.Fprintf(stdout, "  digest       %s %x\n", p.HashOp(), p.Digest())
	if res != nil {
		for _, a := range res.Attestations {
			fmt.Fprintf(stdout, "  attestation  %s: %s\n", a, a.Level)
		}
		if res.Level >= anchor.L3 {
			fmt.Fprintf(stdout, "    block %d, time %s\n", res.Height, res.BlockTime.UTC().Format("2006-01-02T15:04:05Z"))
		}
	}
	writeAnchor(stdout, rep)
	if !rep.ok {
		return &exitError{code: 1}
	}
	return nil
}

// readHeightHeaders reads --headers: each line "HEIGHT HEX", or bare hex
// lines at consecutive heights from first (-1: not given).
func readHeightHeaders(path string, first int64) (ots.Headers, error) {
	data, err := readEvidenceFile(path, "--headers")
	if err != nil {
		return nil, err
	}
	h := ots.Headers{}
	bare, paired := 0, 0
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var at uint64
		hexPart := line
		if hs, rest, ok := strings.Cut(line, " "); ok {
			n, err := strconv.ParseUint(hs, 10, 63)
			if err != nil {
				return nil, usagef("--headers %s line %d: want \"HEIGHT HEX\" or hex", path, i+1)
			}
			at, hexPart = n, strings.TrimSpace(rest)
			paired++
		} else {
			if first < 0 {
				return nil, usagef("--headers %s line %d: a bare header needs --height N (the first one's height), or write \"HEIGHT HEX\"", path, i+1)
			}
			at = uint64(first) + uint64(bare)
			bare++
		}
		raw, err := hex.DecodeString(strings.TrimPrefix(hexPart, "0x"))
		if err != nil || len(raw) != 80 {
			return nil, usagef("--headers %s line %d: not an 80-byte header in hex", path, i+1)
		}
		if _, dup := h[at]; dup {
			return nil, usagef("--headers %s line %d: a second header at height %d", path, i+1, at)
		}
		h[at] = raw
	}
	if bare > 0 && paired > 0 {
		return nil, usagef("--headers %s: lines are either all \"HEIGHT HEX\" or all bare hex", path)
	}
	if len(h) == 0 {
		return nil, usagef("--headers %s: no header", path)
	}
	return h, nil
}

func otsUpgrade(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ots upgrade-from-receipt", stderr)
	out := fs.String("o", "", "FILE.ots to write (- for standard output)")
	height := fs.Int64("height", -1, "N: the height of the receipt's anchor block (a header does not carry it; bitcoin-cli getblockheader HASH shows it)")
	var ro receiptOptions
	fs.StringVar(&ro.evidence, "evidence", "", "FILE: the batch's shared evidence, for a slim receipt (default: the file it names, beside it)")
	receiptPath, err := parseWithFile(fs, args, "RECEIPT.json")
	if err != nil {
		return err
	}
	if *out == "" || *height < 0 {
		return usagef("-o FILE.ots and --height N are required")
	}
	ro.path = receiptPath
	data, err := readSmallFile(receiptPath, "RECEIPT")
	if err != nil {
		return err
	}
	r, err := anchor.ParseReceipt(data)
	if err != nil {
		return fmt.Errorf("%s: %w", receiptPath, err)
	}
	if r.Evidence != nil {
		ev, found, err := readSharedEvidence(ro.evidence, receiptPath, r.Evidence)
		if !found {
			return err
		}
		if r, err = r.WithEvidence(ev); err != nil {
			return fmt.Errorf("%s: %w", receiptPath, err)
		}
	} else if ro.evidence != "" {
		return usagef("--evidence: %s carries its own evidence", receiptPath)
	}
	p, err := ots.FromReceipt(r, uint64(*height))
	if err != nil {
		return fmt.Errorf("%s: %w", receiptPath, err)
	}
	// The proof must verify against the receipt's own headers, at any
	// floor down to the chain's proof-of-work limit (as receipt checks
	// what it writes): L3 for the anchor block.
	var an *anchor.Anchor
	for i := range r.Anchors {
		if isBitcoin(r.Anchors[i].Chain) && len(r.Anchors[i].Headers) > 0 && len(r.Anchors[i].RawTx) > 0 {
			an = &r.Anchors[i]
			break
		}
	}
	hs := ots.Headers{}
	for i, h := range an.Headers {
		hs[uint64(*height)+uint64(i)] = h
	}
	res, err := p.Verify(r.Leaf, ots.VerifyOptions{Headers: hs, Chain: an.Chain,
		Floors: []anchor.Floor{{Chain: an.Chain, MaxBits: powLimitBits(an.Chain)}}, LowerFloorsUnsafe: true})
	if err != nil {
		return err
	}
	if res.Level < anchor.L3 {
		return fmt.Errorf("the converted proof does not verify against the receipt's header (reached %s): %w", res.Level, res.Reason)
	}
	if err := writeOutput(*out, p.Bytes(), stdout); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(stdout, "%s: BitcoinBlockHeaderAttestation(%d) on %s, digest %x (the credential's anchor leaf)\n", *out, *height, an.Chain, r.Leaf)
		if an.Chain != anchor.ChainBitcoinMainnet {
			fmt.Fprintf(stdout, "  verify it with --chain %s: OpenTimestamps proofs do not name their network\n", an.Chain)
		}
	}
	return nil
}
