package anchor

import (
	"fmt"
	"strings"

	"github.com/onchaincert/microcred/anchor/eth"
	"github.com/onchaincert/microcred/internal/ethwire"
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
// L2 needs an EIP-155 or typed transaction whose chain id is the
// anchor's: chain id 0 (pre-EIP-155) names no chain and is refused.
//
// L3 needs a trusted block hash: a [Checkpoint] on the anchor's chain
// whose BlockHash ("0x" and 64 hex digits, MaxBits 0) is the hash of
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
// A pre-EIP-155 transaction (id 0) commits to no chain and fits none.
func (c Chain) ethereumChainID(id uint64) bool {
	switch {
	case id == 0:
		return false
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
		return 0, maxRawTxBytes + 64, 0, ethwire.MaxHeaderBytes
	}
	return hashSize, hashSize, 80, 80
}

// verifyEthereum climbs from L1 for an anchor on an Ethereum chain.
func (an *Anchor) verifyEthereum(root []byte, opts VerifyOptions, fl floors, a *Assurance) *Assurance {
	stop := func(err error) *Assurance {
		a.Reason = err
		return a
	}
	// L2: the raw transaction parses strictly, hashes to the claimed
	// txid, is signed for this chain (EIP-155 or a typed transaction),
	// carries exactly the root as its data, and its sender is recovered
	// from the signature.
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
	if tx.ChainID == 0 {
		return stop(fmt.Errorf("%w: %w: a pre-EIP-155 transaction names no chain id and can be replayed on any chain", ErrEvidenceMismatch, eth.ErrChainID))
	}
	if !an.Chain.ethereumChainID(tx.ChainID) {
		return stop(fmt.Errorf("%w: %w: transaction for chain id %d on %s", ErrEvidenceMismatch, eth.ErrChainID, tx.ChainID, an.Chain))
	}
	if !tx.FindRoot(root) {
		return stop(fmt.Errorf("%w: transaction data is not the root", ErrEvidenceMismatch))
	}
	sender, err := tx.Sender()
	if err != nil {
		return stop(fmt.Errorf("%w: sender: %w", ErrEvidenceMismatch, err))
	}
	a.Sender = sender.String()
	a.Level = L2

	// L3: the trie proof leads from Headers[0].transactionsRoot to RawTx
	// at TxIndex, and GradeHeaders finds the headers linked by parentHash
	// to one whose hash the caller trusts.
	if len(an.Headers) == 0 {
		return stop(fmt.Errorf("%w: no block header", ErrNoEvidence))
	}
	first, err := eth.ParseHeader(an.Headers[0])
	if err != nil {
		return stop(fmt.Errorf("parsing header 0: %w", err))
	}
	if err := ethwire.VerifyTxProof(first.TxRoot, uint64(an.TxIndex), an.RawTx, an.Branch); err != nil {
		return stop(err)
	}
	g := gradeHeaders(an.Chain, an.Headers, opts, fl)
	if g.Level < L3 {
		return stop(g.Reason)
	}
	a.adopt(g)
	return a
}
