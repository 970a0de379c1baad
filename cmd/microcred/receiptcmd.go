package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/anchor/eth"
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

func receiptCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("receipt", stderr)
	batchDir := fs.String("batch", "", "batch directory written by batch-root")
	chainName := fs.String("chain", "", "bitcoin-mainnet|bitcoin-testnet|bitcoin-regtest|ethereum-mainnet|ethereum-sepolia|ethereum-dev|mock")
	txid := fs.String("txid", "", "the anchor transaction's id (Bitcoin: display hex; Ethereum: 0x hash; mock: a label)")
	rawTxPath := fs.String("raw-tx", "", "FILE: the raw anchor transaction in hex (L2)")
	prevoutAmount := fs.Int64("prevout-amount", -1, "SATS: the value of the output the anchor transaction's input 0 spends (Bitcoin; required when that input is segwit: its signature, the proof of the sender, commits to the amount)")
	blockPath := fs.String("block", "", "FILE: the raw block holding the transaction, in hex (Bitcoin; gives tx index, branch and header: L3)")
	txIndex := fs.Int("tx-index", -1, "the transaction's index in its block (with --branch and --headers, instead of --block)")
	branchPath := fs.String("branch", "", "FILE: one hex value per line: the block merkle branch, leaf to root, internal byte order (Bitcoin) or the transactions-trie proof, root node first (Ethereum)")
	headersPath := fs.String("headers", "", "FILE: one raw block header in hex per line: the anchor block (unless --block gives it), then its successors (L4)")
	out := fs.String("out", "", "directory for the receipts (FILE.receipt.json per credential)")
	var wf waitFlags // --rpc, --wait, --refresh, --checkpoint (rpccmd.go)
	wf.register(fs)
	shared := fs.Bool("shared-evidence", true, "write the transaction, branch and headers once, to DIR/"+evidenceFileName+", and per credential only its path and that file's SHA-256 (false: every receipt carries all the evidence)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if wf.refresh {
		return receiptRefresh(ctx, &wf, fs.Args(), stdout, stderr)
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
	if chain == anchor.ChainMock && (*rawTxPath != "" || *headersPath != "" || *branchPath != "" || *txIndex >= 0 || *prevoutAmount >= 0) {
		return usagef("a mock anchor carries no evidence: only --txid")
	}
	amountSet := false
	fs.Visit(func(f *flag.Flag) { amountSet = amountSet || f.Name == "prevout-amount" })
	if amountSet && (!isBitcoin(chain) || *prevoutAmount < 0 || *prevoutAmount > btc.MaxMoney) {
		return usagef("--prevout-amount is a number of satoshis in [0, %d], for Bitcoin chains", int64(btc.MaxMoney))
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
	selfCheck, err := wf.selfCheckpoints()
	if err != nil {
		return err
	}
	if wf.used() {
		if *rawTxPath != "" || *blockPath != "" || *branchPath != "" || *headersPath != "" || *txIndex >= 0 || amountSet {
			return usagef("--rpc fetches the evidence: it excludes --raw-tx, --block, --tx-index, --branch, --headers and --prevout-amount")
		}
		var cps []anchor.Checkpoint
		if an, cps, err = wf.rpcEvidence(ctx, chain, *txid, stderr); err != nil {
			return err
		}
		selfCheck = append(selfCheck, cps...)
	}
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
	if amountSet {
		if an.RawTx == nil {
			return usagef("--prevout-amount goes with --raw-tx or --block")
		}
		amount := *prevoutAmount
		an.PrevoutAmount = &amount
	} else if isBitcoin(chain) && an.RawTx != nil && an.PrevoutAmount == nil {
		// Without the amount a segwit sender cannot be proven, and the
		// receipt would stop at L1 whatever else it carries.
		if tx, err := btc.ParseTx(an.RawTx); err == nil && len(tx.Inputs[0].Witness) > 0 {
			return usagef("--prevout-amount is required: input 0 of %s is a segwit spend, and its signature, which proves the sender, commits to the amount of the output it spends", an.TxID)
		}
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
	case chain == anchor.ChainMock:
		want = anchor.L0 // on no chain: never more
	case len(an.Headers) > 0:
		want = anchor.L3
	case len(an.RawTx) > 0:
		want = anchor.L2
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if *shared {
		opts := anchor.VerifyOptions{Checkpoints: selfCheck}
		if isBitcoin(chain) {
			opts.Floors, opts.LowerFloorsUnsafe = []anchor.Floor{{Chain: chain, MaxBits: powLimitBits(chain)}}, true
		}
		return writeSharedReceipts(b, an, *out, want, opts, stdout)
	}
	for i, name := range b.files {
		r, err := b.tree.Receipt(uint64(i), an)
		if err != nil {
			return err
		}
		// The writer checks the evidence, not its worth: any floor down
		// to the chain's proof-of-work limit, as the verifier will decide.
		opts := anchor.VerifyOptions{Leaf: r.Leaf, Checkpoints: selfCheck}
		if isBitcoin(chain) {
			opts.Floors, opts.LowerFloorsUnsafe = []anchor.Floor{{Chain: chain, MaxBits: powLimitBits(chain)}}, true
		}
		a, err := r.Verify(opts)
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

// powLimitBits is a Bitcoin chain's proof-of-work limit in compact form
// (0 for other chains).
func powLimitBits(c anchor.Chain) uint32 {
	switch c {
	case anchor.ChainBitcoinMainnet, anchor.ChainBitcoinTestnet:
		return 0x1d00ffff
	case anchor.ChainBitcoinRegtest:
		return 0x207fffff
	}
	return 0
}

// receiptOptions are verify's receipt flags.
type receiptOptions struct {
	path          string
	evidence      string
	checkpoints   stringList
	floors        stringList
	lowerFloors   bool
	requireLevel  string
	confirmations int
}

func (o *receiptOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.path, "receipt", "", "FILE: an anchor receipt (microcred receipt) of the one credential given; the credential's bytes must be its leaf, and the verdict requires its level")
	fs.StringVar(&o.evidence, "evidence", "", "FILE: the batch's shared evidence that a slim --receipt references (default: the file it names, beside the receipt); its SHA-256 must be the one referenced")
	fs.Var(&o.checkpoints, "checkpoint", "CHAIN:BLOCKHASH[:NBITS] a block you trust (repeatable); NBITS (Bitcoin, compact hex) optionally raises the difficulty floor for the headers checked against it")
	fs.Var(&o.floors, "floor", "CHAIN:NBITS raise a Bitcoin chain's difficulty floor, the easiest compact target (hex) any header may have (built in: bitcoin-mainnet 1900ffff, testnet 1d00ffff, regtest 207fffff)")
	fs.BoolVar(&o.lowerFloors, "lower-floor-unsafe", false, "let --floor go below the built-in floors (blocks before 2014); headers that easy can be forged on a laptop")
	fs.StringVar(&o.requireLevel, "require-level", "", "lowest anchor assurance accepted: L0..L4 (default L1 with --receipt or a Blockcerts credential; L3/L4 need block evidence)")
	fs.IntVar(&o.confirmations, "confirmations", 0, "N for L4 (default 6)")
}

// used reports whether any flag beyond --receipt and --require-level was given.
func (o *receiptOptions) used() bool {
	return len(o.checkpoints) > 0 || len(o.floors) > 0 || o.lowerFloors || o.confirmations != 0 || o.evidence != ""
}

// verifyOptions returns the trust options of the flags, checked as
// anchor.Receipt.Verify checks them: a bad one is a usage error.
func (o *receiptOptions) verifyOptions() (anchor.VerifyOptions, error) {
	cps, err := o.parseCheckpoints()
	if err != nil {
		return anchor.VerifyOptions{}, err
	}
	opts := anchor.VerifyOptions{Checkpoints: cps, Confirmations: o.confirmations, LowerFloorsUnsafe: o.lowerFloors}
	for _, s := range o.floors {
		name, bitsHex, ok := strings.Cut(s, ":")
		chain, err := parseChain(name)
		if err != nil {
			return anchor.VerifyOptions{}, err
		}
		bits, berr := strconv.ParseUint(bitsHex, 16, 32)
		if !ok || berr != nil || !isBitcoin(chain) {
			return anchor.VerifyOptions{}, usagef("--floor wants BITCOIN-CHAIN:NBITS (compact target in hex, e.g. 17034219), got %q", s)
		}
		opts.Floors = append(opts.Floors, anchor.Floor{Chain: chain, MaxBits: uint32(bits)})
	}
	if _, err := anchor.GradeHeaders(anchor.ChainBitcoinMainnet, nil, opts); err != nil {
		if errors.Is(err, anchor.ErrInvalidOptions) {
			return anchor.VerifyOptions{}, usagef("%v (--lower-floor-unsafe lowers a floor with --floor)", err)
		}
		return anchor.VerifyOptions{}, err
	}
	return opts, nil
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
		switch {
		case isBitcoin(chain):
			if _, err := btc.ParseHash(parts[1]); err != nil {
				return nil, usagef("--checkpoint %q: %v", s, err)
			}
		case chain == anchor.ChainMock:
			return nil, usagef("--checkpoint %q: a mock anchor is on no chain", s)
		default:
			if _, err := eth.ParseHash(parts[1]); err != nil {
				return nil, usagef("--checkpoint %q: %v", s, err)
			}
		}
		if len(parts) == 3 {
			bits, err := strconv.ParseUint(parts[2], 16, 32)
			if err != nil || !isBitcoin(chain) {
				return nil, usagef("--checkpoint %q: NBITS is a compact target in hex, e.g. 17034219, for Bitcoin chains", s)
			}
			cp.MaxBits = uint32(bits)
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
	work          *big.Int
	pinned        bool
	required      bool
	min           anchor.Level
	ok            bool
	blockcerts    bool // a MerkleProof2019 anchor, graded from --blockcerts-tx data
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
	opts, err := o.verifyOptions()
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
	opts.Leaf = batchLeaf(cred)
	a, err := verifyReceipt(r, o, opts)
	if ue := (*usageError)(nil); errors.As(err, &ue) {
		return nil, err
	}
	if err != nil {
		if errors.Is(err, anchor.ErrLeafMismatch) {
			err = fmt.Errorf("%w: the receipt is for other credential bytes", err)
		}
		rep.err = err
		return rep, nil
	}
	rep.level, rep.chain, rep.noFinality, rep.confirmations, rep.sender, rep.reason = a.Level, a.Chain, a.NoFinality, a.Confirmations, a.Sender, a.Reason
	rep.work, rep.pinned = a.Work, a.Pinned
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
	if a.work != nil {
		fmt.Fprintf(w, "    work: about 2^%.1f hashes\n", log2(a.work))
	}
	for _, n := range a.warnings() {
		fmt.Fprintf(w, "  %s\n", n)
	}
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

// cheapWorkBits is where block evidence stops being cheap to forge:
// 2^80 hashes, about twenty minutes of the whole Bitcoin network in 2025
// (some 2^69.6 hashes a second), a few blocks' worth. One header at the
// built-in mainnet floor is 2^64; six at 2025 difficulty about 2^81.5.
const cheapWorkBits = 80

// warnings are the anchor report's cautions: evidence that would be
// cheap to forge, a sender that could not be proven for want of the
// amount.
func (a *anchorReport) warnings() []string {
	var out []string
	if a.err == nil && a.work != nil && !a.pinned && log2(a.work) < cheapWorkBits {
		out = append(out, fmt.Sprintf("warning: cheap to forge: the block headers carry about 2^%.1f hashes of work (%.1e), and no checkpoint you trust is at or after the anchor block; "+
			"give --checkpoint %s:HASH of a later block you trust (from a node you run)", log2(a.work), workFloat(a.work), a.chain))
	}
	if errors.Is(a.reason, anchor.ErrSenderUnproven) && errors.Is(a.reason, btc.ErrAmountRequired) {
		if a.blockcerts {
			out = append(out, "hint: the --blockcerts-tx data has no prevoutAmount, so its segwit sender cannot be proven; add \"prevoutAmount\": SATS (the value of the output input 0 spends)")
		} else {
			out = append(out, "hint: the receipt has no prevoutAmount, so its segwit sender cannot be proven; write it again with microcred receipt --prevout-amount SATS")
		}
	}
	return out
}

func workFloat(w *big.Int) float64 {
	f, _ := new(big.Float).SetInt(w).Float64()
	return f
}

// log2 returns log2(w) for w ≥ 1, 0 below.
func log2(w *big.Int) float64 {
	if w == nil || w.Sign() <= 0 {
		return 0
	}
	mant := new(big.Float)
	exp := new(big.Float).SetInt(w).MantExp(mant) // w = mant · 2^exp, mant in [0.5, 1)
	m, _ := mant.Float64()
	return float64(exp) + math.Log2(m)
}
