package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/vc/bake"
)

// receiptSuffix names the receipt of a batch file: a.json → a.json.receipt.json.
const receiptSuffix = ".receipt.json"

// parseChain reads an anchor chain name.
func parseChain(s string) (anchor.Chain, error) {
	c := anchor.Chain(s)
	switch c {
	case anchor.ChainBitcoinMainnet, anchor.ChainBitcoinTestnet, anchor.ChainBitcoinRegtest,
		anchor.ChainEthereumMainnet, anchor.ChainEthereumSepolia, anchor.ChainEthereumDev, anchor.ChainMock:
		return c, nil
	case "":
		return "", usagef("--chain is required")
	}
	return "", usagef("unknown chain %q (want bitcoin-mainnet|testnet|regtest, ethereum-mainnet|sepolia|dev or mock)", s)
}

func isBitcoin(c anchor.Chain) bool {
	return c == anchor.ChainBitcoinMainnet || c == anchor.ChainBitcoinTestnet || c == anchor.ChainBitcoinRegtest
}

// readHexFile reads a file of hex: one value (readHexFile) or one per
// line (readHexLines); blank lines and surrounding space are ignored, and
// a 0x prefix is accepted.
func readHexFile(flagName, path string) ([]byte, error) {
	lines, err := readHexLines(flagName, path)
	if err != nil {
		return nil, err
	}
	if len(lines) != 1 {
		return nil, usagef("--%s %s: want one hex value, found %d", flagName, path, len(lines))
	}
	return lines[0], nil
}

func readHexLines(flagName, path string) ([][]byte, error) {
	data, err := readEvidenceFile(path, "--"+flagName)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "0x")
		if line == "" {
			continue
		}
		b, err := hex.DecodeString(line)
		if err != nil {
			return nil, usagef("--%s %s line %d: not hex", flagName, path, i+1)
		}
		out = append(out, b)
	}
	return out, nil
}

func receiptCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("receipt", stderr)
	batchDir := fs.String("batch", "", "batch directory written by batch-root")
	chainName := fs.String("chain", "", "bitcoin-mainnet|bitcoin-testnet|bitcoin-regtest|ethereum-mainnet|ethereum-sepolia|ethereum-dev|mock")
	txid := fs.String("txid", "", "the anchor transaction's id (Bitcoin: display hex; Ethereum: 0x hash; mock: a label)")
	rawTxPath := fs.String("raw-tx", "", "FILE: the raw anchor transaction in hex (L2)")
	blockPath := fs.String("block", "", "FILE: the raw block holding the transaction, in hex (Bitcoin; gives tx index, branch and header: L3)")
	txIndex := fs.Int("tx-index", -1, "the transaction's index in its block (with --branch and --headers, instead of --block)")
	branchPath := fs.String("branch", "", "FILE: one hex value per line: the block merkle branch, leaf to root, internal byte order (Bitcoin) or the transactions-trie proof, root node first (Ethereum)")
	headersPath := fs.String("headers", "", "FILE: one raw block header in hex per line: the anchor block (unless --block gives it), then its successors (L4)")
	out := fs.String("out", "", "directory for the receipts (FILE.receipt.json per credential)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *batchDir == "" || *out == "" || *txid == "" {
		return usagef("--batch, --txid and --out are required")
	}
	chain, err := parseChain(*chainName)
	if err != nil {
		return err
	}
	if *blockPath != "" && (*txIndex >= 0 || *branchPath != "") {
		return usagef("--block excludes --tx-index and --branch (it computes them)")
	}
	if *blockPath != "" && !isBitcoin(chain) {
		return usagef("--block is for Bitcoin chains; for Ethereum give --tx-index, --branch and --headers")
	}
	if chain == anchor.ChainMock && (*rawTxPath != "" || *headersPath != "" || *branchPath != "" || *txIndex >= 0) {
		return usagef("a mock anchor carries no evidence: only --txid")
	}
	if *blockPath == "" && (*txIndex >= 0) != (*headersPath != "") {
		return usagef("--tx-index and --headers go together (or use --block)")
	}
	if *txIndex > 0xffffffff {
		return usagef("--tx-index out of range")
	}
	b, err := readBatch(*batchDir)
	if err != nil {
		return err
	}

	an := anchor.Anchor{Chain: chain, TxID: *txid}
	if *rawTxPath != "" {
		if an.RawTx, err = readHexFile("raw-tx", *rawTxPath); err != nil {
			return err
		}
	}
	if *blockPath != "" {
		raw, err := readHexFile("block", *blockPath)
		if err != nil {
			return err
		}
		if err := fillFromBlock(&an, raw); err != nil {
			return err
		}
	}
	if *branchPath != "" {
		if an.Branch, err = readHexLines("branch", *branchPath); err != nil {
			return err
		}
	}
	if *txIndex >= 0 {
		an.TxIndex = uint32(*txIndex)
	}
	if *headersPath != "" {
		more, err := readHexLines("headers", *headersPath)
		if err != nil {
			return err
		}
		an.Headers = append(an.Headers, more...)
	}
	// The evidence given must hold: a receipt that contradicts its own
	// transaction or block is refused here, not at verification time.
	want := anchor.L1
	switch {
	case len(an.Headers) > 0:
		want = anchor.L3
	case len(an.RawTx) > 0:
		want = anchor.L2
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for i, name := range b.files {
		r, err := b.tree.Receipt(uint64(i), an)
		if err != nil {
			return err
		}
		a, err := r.Verify(anchor.VerifyOptions{Leaf: r.Leaf})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if a.Level < want {
			return fmt.Errorf("the evidence does not hold (reached %s, the evidence given should reach %s): %w", a.Level, want, a.Reason)
		}
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		// A file in a subdirectory of the batch (microcred batch writes
		// credentials/row-N.json) gets its receipt at the same place under --out.
		path := filepath.Join(*out, name+receiptSuffix)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s %s\n", path, a.Level)
	}
	return nil
}

// fillFromBlock takes the header, the transaction's index, its merkle
// branch and (unless given) the raw transaction from a raw block.
func fillFromBlock(an *anchor.Anchor, raw []byte) error {
	blk, err := btc.ParseBlock(raw)
	if err != nil {
		return fmt.Errorf("--block: %w", err)
	}
	if err := blk.CheckMerkleRoot(); err != nil {
		return fmt.Errorf("--block: %w", err)
	}
	ids := blk.TxIDs()
	idx := -1
	for i, id := range ids {
		if id.String() == an.TxID {
			idx = i
			break
		}
	}
	if idx < 0 {
		return fmt.Errorf("--block: transaction %s is not in block %s", an.TxID, blk.Header.Hash())
	}
	branch, err := btc.MerkleBranch(ids, idx)
	if err != nil {
		return err
	}
	if an.RawTx == nil {
		an.RawTx = blk.Txs[idx].Bytes()
	}
	an.TxIndex = uint32(idx)
	an.Branch = make([][]byte, len(branch))
	for i := range branch {
		an.Branch[i] = branch[i][:]
	}
	an.Headers = [][]byte{blk.Header.Bytes()}
	return nil
}

// receiptOptions are verify's receipt flags.
type receiptOptions struct {
	path          string
	checkpoints   stringList
	requireLevel  string
	confirmations int
}

func (o *receiptOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.path, "receipt", "", "FILE: an anchor receipt (microcred receipt) of the one credential given; the credential's bytes must be its leaf, and the verdict requires its level")
	fs.Var(&o.checkpoints, "checkpoint", "CHAIN:BLOCKHASH[:NBITS] a block you trust (repeatable); bitcoin-mainnet needs NBITS, the easiest compact target accepted, in hex")
	fs.StringVar(&o.requireLevel, "require-level", "", "lowest anchor assurance accepted: L0..L4 (default L1 with --receipt; MerkleProof2019 proofs: at most L2)")
	fs.IntVar(&o.confirmations, "confirmations", 0, "N for L4 (default 6)")
}

// level returns the required level, def if none was given.
func (o *receiptOptions) level(def anchor.Level) (anchor.Level, error) {
	if o.requireLevel == "" {
		return def, nil
	}
	for l := anchor.L0; l <= anchor.L4; l++ {
		if l.String() == o.requireLevel {
			return l, nil
		}
	}
	return 0, usagef("--require-level wants L0, L1, L2, L3 or L4, got %q", o.requireLevel)
}

func (o *receiptOptions) parseCheckpoints() ([]anchor.Checkpoint, error) {
	var cps []anchor.Checkpoint
	for _, s := range o.checkpoints {
		parts := strings.Split(s, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, usagef("--checkpoint wants CHAIN:BLOCKHASH[:NBITS], got %q", s)
		}
		chain, err := parseChain(parts[0])
		if err != nil {
			return nil, err
		}
		cp := anchor.Checkpoint{Chain: chain, BlockHash: parts[1]}
		if len(parts) == 3 {
			bits, err := strconv.ParseUint(parts[2], 16, 32)
			if err != nil {
				return nil, usagef("--checkpoint %q: NBITS is a compact target in hex, e.g. 17034219", s)
			}
			cp.MaxBits = uint32(bits)
		} else if isBitcoin(chain) {
			return nil, usagef("--checkpoint %q: a Bitcoin checkpoint needs :NBITS, the easiest target (compact, hex) accepted for the headers around it", s)
		}
		cps = append(cps, cp)
	}
	return cps, nil
}

// anchorReport is what an anchor receipt (or a MerkleProof2019 proof's
// anchor) established for a credential, and whether that is enough.
type anchorReport struct {
	err           error // the receipt is unusable or does not hold for the credential
	level         anchor.Level
	chain         anchor.Chain
	noFinality    bool
	confirmations int
	sender        string
	reason        error // why it stopped where it did
	required      bool
	min           anchor.Level
	ok            bool
}

// evalReceipt verifies that the receipt at o.path holds the credential
// bytes cred and grades it against the required level (default L1). It
// returns an error only for a receipt file that cannot be read (exit 2);
// everything else is in the report.
func evalReceipt(cred []byte, o *receiptOptions) (*anchorReport, error) {
	min, err := o.level(anchor.L1)
	if err != nil {
		return nil, err
	}
	cps, err := o.parseCheckpoints()
	if err != nil {
		return nil, err
	}
	data, err := readSmallFile(o.path, "--receipt")
	if err != nil {
		return nil, err
	}
	rep := &anchorReport{required: true, min: min}
	r, err := anchor.ParseReceipt(data)
	if err != nil {
		rep.err = err
		return rep, nil
	}
	// A baked badge: the leaf is that of the credential inside.
	if k := bake.Detect(cred); k == bake.PNG || k == bake.SVG {
		if p, err := bake.Extract(cred); err == nil {
			cred = p.Data
		}
	}
	a, err := r.Verify(anchor.VerifyOptions{Leaf: batchLeaf(cred), Checkpoints: cps, Confirmations: o.confirmations})
	if err != nil {
		if errors.Is(err, anchor.ErrLeafMismatch) {
			err = fmt.Errorf("%w: the receipt is for other credential bytes", err)
		}
		rep.err = err
		return rep, nil
	}
	rep.level, rep.chain, rep.noFinality, rep.confirmations, rep.sender, rep.reason = a.Level, a.Chain, a.NoFinality, a.Confirmations, a.Sender, a.Reason
	rep.ok = a.Require(min) == nil
	return rep, nil
}

// writeAnchor writes an anchor report's lines.
func writeAnchor(w io.Writer, a *anchorReport) {
	if a.err != nil {
		fmt.Fprintf(w, "  anchor       failed  %s\n", strings.ReplaceAll(a.err.Error(), "\n", "; "))
		return
	}
	writeAssurance(w, a.level, a.chain, a.noFinality, a.confirmations, a.sender, a.reason)
	if a.required && !a.ok {
		fmt.Fprintf(w, "  anchor: NOT ENOUGH: reached %s, --require-level %s\n", a.level, a.min)
	}
}

func writeAssurance(w io.Writer, level anchor.Level, chain anchor.Chain, noFinality bool, confirmations int, sender string, reason error) {
	fmt.Fprintf(w, "  anchor       level %s\n", level)
	if chain != "" {
		fmt.Fprintf(w, "    chain: %s\n", chain)
	}
	fmt.Fprintf(w, "    no finality: %t\n", noFinality)
	fmt.Fprintf(w, "    confirmations: %d\n", confirmations)
	if sender != "" {
		fmt.Fprintf(w, "    sender: %s\n", sender)
	}
	if reason != nil {
		fmt.Fprintf(w, "    stopped: %s\n", strings.ReplaceAll(reason.Error(), "\n", "; "))
	}
}
