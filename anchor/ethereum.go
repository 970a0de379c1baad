package anchor

import (
	"fmt"
	"strings"
	"time"

	"github.com/onchaincert/microcred/anchor/eth"
)

// Ethereum anchors.
//
// Evidence in an [Anchor] on an Ethereum chain:
//
//   - RawTx: the raw signed transaction (legacy, EIP-2930 or EIP-1559), as
//     eth_sendRawTransaction took it (L2).
//   - TxIndex: its index in the block (L3).
//   - Branch: the transactions-trie proof, root node first, as
//     [eth.TxProof] builds it (L3); the last node holds RawTx.
//   - Headers: RLP block headers: Headers[0] is the block holding the
//     transaction, each later one the child of the one before (L3, L4).
//
// L3 needs a trusted block hash: a [Checkpoint] on the anchor's chain
// whose BlockHash ("0x" and 64 hex digits, MaxBits unused) is the hash of
// one of the headers. A trusted hash vouches for that header and, through
// parentHash links, for every header before it, down to the anchor block.
// Since the Merge there is no proof of work that could make an unknown
// header credible, so the trusted block must be the anchor block or a
// descendant of it, never an ancestor. L4 (ethereum-mainnet only)
// additionally needs the trusted block at least N−1 blocks after the
// anchor block (N = VerifyOptions.Confirmations): choose a finalized
// block from a node you run, or several independent sources.

// ChainEthereumDev is an Ethereum development chain (ganache, hardhat,
// anvil, a private network): any chain id but those of mainnet and
// Sepolia. It never has finality.
const ChainEthereumDev Chain = "ethereum-dev"

// Chain ids (EIP-155).
const (
	ethereumMainnetID = 1
	ethereumSepoliaID = 11155111
)

func (c Chain) ethereum() bool {
	return c == ChainEthereumMainnet || c == ChainEthereumSepolia || c == ChainEthereumDev
}

// ethereumChainID reports whether a transaction's chain id fits chain c.
// A pre-EIP-155 transaction (id 0) commits to no chain; it is accepted and
// only the trusted header of L3 binds it to a chain.
func (c Chain) ethereumChainID(id uint64) bool {
	switch {
	case id == 0:
		return true
	case c == ChainEthereumMainnet:
		return id == ethereumMainnetID
	case c == ChainEthereumSepolia:
		return id == ethereumSepoliaID
	case c == ChainEthereumDev:
		return id != ethereumMainnetID && id != ethereumSepoliaID
	}
	return false
}

// evidenceLimits returns the allowed sizes of branch entries and headers
// in a receipt: fixed 32 and 80 bytes for Bitcoin, bounded variable sizes
// (size 0) for Ethereum trie nodes and RLP headers.
func (c Chain) evidenceLimits() (branchSize, branchMax, headerSize, headerMax int) {
	if c.ethereum() {
		return 0, MaxRawTxBytes + 64, 0, eth.MaxHeaderBytes
	}
	return HashSize, HashSize, 80, 80
}

// verifyEthereum climbs from L1 for an anchor on an Ethereum chain.
func (r *Receipt) verifyEthereum(an *Anchor, opts VerifyOptions, a *Assurance) *Assurance {
	stop := func(err error) *Assurance {
		a.Reason = err
		return a
	}
	// L2: the raw transaction parses strictly, hashes to the claimed
	// txid, is signed for this chain, carries exactly the root as its
	// data, and its sender is recovered from the signature.
	if len(an.RawTx) == 0 {
		return stop(fmt.Errorf("%w: no raw transaction", ErrNoEvidence))
	}
	tx, err := eth.ParseTx(an.RawTx)
	if err != nil {
		return stop(err)
	}
	txHash, err := tx.Hash()
	if err != nil {
		return stop(err)
	}
	if got := txHash.String(); got != strings.ToLower(an.TxID) {
		return stop(fmt.Errorf("%w: raw transaction has hash %s, receipt claims %s", ErrEvidenceMismatch, got, an.TxID))
	}
	if !an.Chain.ethereumChainID(tx.ChainID) {
		return stop(fmt.Errorf("%w: %w: transaction for chain id %d on %s", ErrEvidenceMismatch, eth.ErrChainID, tx.ChainID, an.Chain))
	}
	if !tx.FindRoot(r.Root) {
		return stop(fmt.Errorf("%w: transaction data is not the root", ErrEvidenceMismatch))
	}
	sender, err := tx.Sender()
	if err != nil {
		return stop(err)
	}
	a.Sender = sender.String()
	a.Level = L2

	// L3: the trie proof leads from Headers[0].transactionsRoot to RawTx
	// at TxIndex, the headers link by parentHash, and one of them has a
	// hash the caller trusts.
	if len(an.Headers) == 0 {
		return stop(fmt.Errorf("%w: no block header", ErrNoEvidence))
	}
	headers := make([]*eth.Header, len(an.Headers))
	for i, raw := range an.Headers {
		if headers[i], err = eth.ParseHeader(raw); err != nil {
			return stop(fmt.Errorf("parsing header %d: %w", i, err))
		}
	}
	if err := eth.VerifyTxProof(headers[0].TxRoot, uint64(an.TxIndex), an.RawTx, an.Branch); err != nil {
		return stop(err)
	}
	if err := eth.VerifyChain(headers); err != nil {
		return stop(err)
	}
	trusted := -1 // the deepest header whose hash the caller trusts
	for _, cp := range opts.Checkpoints {
		if cp.Chain != an.Chain {
			continue
		}
		want, err := eth.ParseHash(cp.BlockHash)
		if err != nil {
			return stop(fmt.Errorf("%w: checkpoint: %w", ErrNoEvidence, err))
		}
		for i, h := range headers {
			if got, _ := h.Hash(); got == want && i > trusted {
				trusted = i
			}
		}
	}
	if trusted < 0 {
		return stop(fmt.Errorf("%w: no header has a block hash trusted for %s", ErrNoEvidence, an.Chain))
	}
	a.Level = L3
	a.Confirmations = trusted + 1
	if headers[0].Time <= 1<<62 {
		a.BlockTime = time.Unix(int64(headers[0].Time), 0).UTC()
	}

	// L4: mainnet only, the trusted block N−1 or more blocks on.
	if an.Chain != ChainEthereumMainnet {
		return stop(fmt.Errorf("%w: %s", ErrNoFinality, an.Chain))
	}
	n := opts.Confirmations
	if n < 1 {
		n = DefaultConfirmations
	}
	if a.Confirmations < n {
		return stop(fmt.Errorf("%w: %d confirmations up to the trusted block, need %d", ErrNoEvidence, a.Confirmations, n))
	}
	a.Level = L4
	a.Reason = nil
	return a
}
