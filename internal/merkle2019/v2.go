package merkle2019

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/mtree"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Blockcerts v2 (MerkleProof2017) reading. A v2 certificate is an Open
// Badges 2.0 Assertion whose "signature" member is the Merkle receipt:
// targetHash, merkleRoot, proof (the path) and anchors. The targetHash
// covers the whole certificate except "signature", normalized with
// URDNA2015 (cert-verifier-js computeLocalHash, the same function as for
// v3). This package reads such certificates; it never issues them.

// TypeV2 is the receipt type of Blockcerts v2 certificates.
const TypeV2 = "MerkleProof2017"

// Context URLs of Blockcerts v2 certificates that [LoaderV2] serves on top
// of [Loader].
const (
	contextV2           = "https://w3id.org/blockcerts/v2"
	ContextV2Alpha      = "https://w3id.org/blockcerts/schema/2.0-alpha/context.json"
	ContextOpenBadgesV2 = "https://w3id.org/openbadges/v2"
)

var (
	//go:embed contexts/blockcerts-v2.0-alpha.json
	contextV2Alpha []byte
	//go:embed contexts/openbadges-v2.blockcerts.json
	contextOpenBadgesV2 []byte
)

var (
	v2Once   sync.Once
	v2Loader *contexts.Loader
	v2Hasher *Hasher
	v2Err    error
)

// LoaderV2 returns the offline loader for Blockcerts v2 certificates:
// [Loader]'s documents, the v2 context under its aliases, the 2.0-alpha
// context, and the Open Badges 2.0 context as Blockcerts preloads it
// (under https://w3id.org/openbadges/v2 and openbadgespec.org). Blockcerts'
// copy of that context maps targetFramework to schema:targetFramework
// where 1EdTech's maps it to schema:educationalFramework; the hash must
// follow Blockcerts'. See contexts/README.md. It is built once and shared.
func LoaderV2() (*contexts.Loader, error) {
	v2Once.Do(func() {
		v2, err := contexts.Default().Document(contextV2)
		if err != nil {
			v2Err = err
			return
		}
		v2Loader, v2Err = contexts.New(
			contexts.WithDocument(ContextV3Beta, contextV3Beta),
			contexts.WithDocument("https://www.blockcerts.org/schema/3.0-beta/context.json", contextV3Beta),
			contexts.WithDocument("https://w3id.org/blockcerts/schema/3.0-beta/context.json", contextV3Beta),
			contexts.WithDocument(ContextV3Alpha, contextV3Alpha),
			contexts.WithDocument("https://www.blockcerts.org/schema/3.0-alpha/context.json", contextV3Alpha),
			contexts.WithDocument("https://w3id.org/blockcerts/schema/3.0-alpha/context.json", contextV3Alpha),
			contexts.WithDocument("https://w3id.org/blockcerts/schema/2.0/context.json", v2),
			contexts.WithDocument("https://www.blockcerts.org/schema/2.0/context.json", v2),
			contexts.WithDocument(ContextV2Alpha, contextV2Alpha),
			contexts.WithDocument("https://www.blockcerts.org/schema/2.0-alpha/context.json", contextV2Alpha),
			contexts.WithDocument(ContextOpenBadgesV2, contextOpenBadgesV2),
			contexts.WithDocument("https://openbadgespec.org/v2/context.json", contextOpenBadgesV2),
		)
		if v2Err == nil {
			v2Hasher, v2Err = NewHasher(v2Loader)
		}
	})
	return v2Loader, v2Err
}

// V2Anchor is one entry of a v2 receipt's anchors, as written.
type V2Anchor struct {
	// SourceID is the transaction id (Bitcoin display order, Ethereum
	// 0x-prefixed), or a label for mock anchors.
	SourceID string
	// Type is "BTCOpReturn", "ETHData" or "Mock".
	Type string
	// Chain is the Blockcerts chain code ("bitcoinMainnet",
	// "bitcoinTestnet", "bitcoinRegtest", "ethereumMainnet",
	// "ethereumRopsten", "ethereumGoerli", "ethereumSepolia",
	// "mockchain"), or empty in early certificates, which
	// cert-verifier-js reads as Bitcoin testnet.
	Chain string
}

// v2Chains maps Blockcerts chain codes to blink chain and network, and the
// anchor type each must carry.
var v2Chains = map[string]struct{ chain, network, typ string }{
	"bitcoinMainnet":  {"btc", "mainnet", "BTCOpReturn"},
	"bitcoinTestnet":  {"btc", "testnet", "BTCOpReturn"},
	"bitcoinRegtest":  {"btc", "regtest", "BTCOpReturn"},
	"ethereumMainnet": {"eth", "mainnet", "ETHData"},
	"ethereumRopsten": {"eth", "ropsten", "ETHData"},
	"ethereumGoerli":  {"eth", "goerli", "ETHData"},
	"ethereumSepolia": {"eth", "sepolia", "ETHData"},
	"mockchain":       {"mocknet", "mocknet", "Mock"},
}

// Blink returns the anchor as a blink (the form [TxSource] and [StaticTx]
// are keyed by). An anchor without a chain is Bitcoin testnet, as
// cert-verifier-js assumes; its type must then be BTCOpReturn. The type
// must match the chain, and the txid must have the chain's form.
func (a V2Anchor) Blink() (Blink, error) {
	code := a.Chain
	if code == "" {
		code = "bitcoinTestnet"
	}
	c, ok := v2Chains[code]
	if !ok {
		return Blink{}, fmt.Errorf("%w: anchor chain %q", errUnsupportedAnchor, a.Chain)
	}
	if a.Type != c.typ {
		return Blink{}, fmt.Errorf("%w: anchor type %q on chain %q, want %q", errUnsupportedAnchor, a.Type, code, c.typ)
	}
	b := Blink{Chain: c.chain, Network: c.network, TxID: a.SourceID}
	if err := b.check(); err != nil {
		return Blink{}, err
	}
	return b, nil
}

// V2Recipient is the certificate's recipient (Open Badges IdentityObject).
type V2Recipient struct {
	// Identity is the identity or its hash ("sha256$…" when Hashed).
	Identity string
	// Type is the identity's type as an IRI, e.g. http://schema.org/email.
	Type string
	// Hashed reports whether Identity is a hash; Salt is its salt.
	Hashed bool
	Salt   string
}

// V2Proof is what verifyV2Path established for a Blockcerts v2
// certificate. The receipt fields come from its "signature" member; the
// certificate fields come from the canonical N-Quads the targetHash
// covers, never from JSON members read by name.
type V2Proof struct {
	// TargetHash is the hash computed from the certificate; it equals the
	// receipt's targetHash.
	TargetHash []byte
	// MerkleRoot is the receipt's root; Path folds TargetHash to it.
	MerkleRoot []byte
	Path       []mtree.Step
	// Anchors are the receipt's anchors; Anchor is the first as a blink
	// (the one Blockcerts checks) and Chain its network. NoFinality is set
	// for testnets, regtest and mock anchors.
	Anchors    []V2Anchor
	Anchor     Blink
	Chain      anchor.Chain
	NoFinality bool

	// ID is the Assertion's node: its IRI, or "_:" and a canonical blank
	// node label when it has no id.
	ID string
	// IssuerProfile is the IRI of badge.issuer: the issuer profile URL whose
	// publicKey list must hold the transaction's sender.
	IssuerProfile string
	// IssuedOn and Expires are the xsd:dateTime lexical values of
	// issuedOn and expires (Expires empty when absent), unparsed.
	IssuedOn, Expires string
	// Recipient is the recipient identity.
	Recipient V2Recipient
	// Revocation is the IRI of badge.issuer.revocationList when the
	// certificate embeds it (empty otherwise; the profile names it).
	Revocation string
}

// IsV2 reports whether doc is a JSON object with a "signature" member
// whose type names MerkleProof2017 and no "proof" member: the shape
// verifyV2Path reads. It does not verify anything.
func IsV2(doc []byte) bool {
	val, err := strictjson.Decode(doc, strictjson.Limits{})
	if err != nil {
		return false
	}
	m, ok := val.(map[string]any)
	if !ok {
		return false
	}
	_, hasProof := m["proof"]
	sig, ok := m["signature"].(map[string]any)
	return ok && !hasProof && isV2Type(sig["type"])
}

// isV2Type accepts "MerkleProof2017" and ["MerkleProof2017", "Extension"]
// (in either order), the forms cert-issuer writes.
func isV2Type(t any) bool {
	switch t := t.(type) {
	case string:
		return t == TypeV2
	case []any:
		found := false
		for _, e := range t {
			switch e {
			case TypeV2:
				found = true
			case "Extension":
			default:
				return false
			}
		}
		return found && len(t) <= 2
	}
	return false
}

// verifyV2Path checks the Merkle receipt of the Blockcerts v2 certificate
// doc, exactly as received, offline: the certificate without "signature"
// hashes to targetHash (cert-verifier-js computeLocalHash and
// compareHashes) and the path folds targetHash to merkleRoot
// (checkReceipt). It does not look at the chain or the issuer: the
// caller checks the anchor transaction (or uses [Verifier.VerifyV2]), the
// issuer profile's keys, revocation and expiry. Errors are *StepError:
// StepParse (JSON, receipt shape: [ErrMalformedV2Signature]),
// StepTargetHash (errUnmappedField, canon errors, *HashMismatchError
// with [ErrTargetHashMismatch], certificate fields missing from the graph)
// and StepMerkleRoot ([ErrMerkleRootMismatch]).
func verifyV2Path(doc []byte) (*V2Proof, error) {
	if _, err := LoaderV2(); err != nil {
		return nil, err
	}
	p, _, err := verifyV2(context.Background(), v2Hasher, doc, nil)
	return p, err
}

// V2Result is the outcome of [Verifier.VerifyV2]: the Result (Level,
// Reason, Anchor, IssuingAddress, TxTime, ...; its ProofValue holds the
// receipt's hashes, path and first anchor) and the certificate's V2Proof,
// which is nil unless the targetHash, on-chain root and path checks
// passed (a later issuer or level failure keeps it).
type V2Result struct {
	Result
	V2 *V2Proof
}

// VerifyV2 verifies the Blockcerts v2 certificate doc with v's options,
// in cert-verifier-js's MerkleProof2017 order: targetHash
// (computeLocalHash, compareHashes; StepTargetHash), the transaction's
// root against merkleRoot (checkMerkleRoot; StepAnchor), the path
// (checkReceipt; StepMerkleRoot), then the sender against
// Options.IssuerKeys at the transaction time (checkAuthenticity;
// StepIssuer; an Options.Keys source is asked with the issuer profile
// URL, V2Proof.IssuerProfile) and the level against Options.Require
// (StepLevel). Mock
// anchors stop at L0 as for v3; a regtest anchor reaches L1 only with
// transaction data (cert-verifier-js skips every chain step for it).
// With a nil Options.Loader the hash uses [LoaderV2]; a caller's loader
// must serve the v2 contexts itself. Revocation, expiry and the issuer
// profile are the caller's checks (V2Result.V2 carries their inputs).
func (v *Verifier) VerifyV2(ctx context.Context, doc []byte) (*V2Result, error) {
	h := v.h
	if v.opts.Loader == nil {
		if _, err := LoaderV2(); err != nil {
			return &V2Result{Result: Result{Level: anchor.LevelNone}}, err
		}
		h = v2Hasher
	}
	p, res, err := verifyV2(ctx, h, doc, v)
	return &V2Result{Result: *res, V2: p}, err
}

// verifyV2 runs the v2 steps; with v == nil only those VerifyV2Path
// documents.
func verifyV2(ctx context.Context, h *Hasher, doc []byte, v *Verifier) (*V2Proof, *Result, error) {
	res := &Result{Level: anchor.LevelNone}
	fail := func(step Step, err error) (*V2Proof, *Result, error) {
		if res.Reason == nil {
			res.Reason = err
		}
		return nil, res, &StepError{Step: step, Err: err}
	}
	val, err := strictjson.Decode(doc, strictjson.Limits{})
	if err != nil {
		return fail(StepParse, fmt.Errorf("reading document: %w", err))
	}
	m, ok := val.(map[string]any)
	if !ok {
		return fail(StepParse, fmt.Errorf("%w: document is not a JSON object", ErrMalformedV2Signature))
	}
	p, err := parseV2Signature(m)
	if err != nil {
		return fail(StepParse, err)
	}
	res.ProofValue = &ProofValue{TargetHash: p.TargetHash, MerkleRoot: p.MerkleRoot, Path: p.Path, Anchors: []Blink{p.Anchor}}
	res.Anchor, res.Chain, res.NoFinality = p.Anchor, p.Chain, p.NoFinality

	// computeLocalHash: the certificate without "signature", fallback
	// @vocab appended, URDNA2015, SHA-256. A "proof" member would make
	// Blockcerts hash a different document (it drops "proof", not
	// "signature"), so parseV2Signature refused it.
	unsigned := make(map[string]any, len(m))
	for k, val := range m {
		if k != "signature" {
			unsigned[k] = val
		}
	}
	local, nq, err := h.TargetHash(unsigned, -1)
	if err != nil {
		return fail(StepTargetHash, err)
	}
	res.TargetHash = local
	// compareHashes.
	if !bytes.Equal(local, p.TargetHash) {
		return fail(StepTargetHash, &hashMismatchError{Kind: ErrTargetHashMismatch,
			Expected: hex.EncodeToString(p.TargetHash), Computed: hex.EncodeToString(local)})
	}
	if err := p.readGraph(nq); err != nil {
		return fail(StepTargetHash, err)
	}
	p.TargetHash = local
	// The keys of a v2 issuer are those of its profile: a KeySource is
	// asked with the profile URL the signed graph names.
	res.VerificationMethod = p.IssuerProfile

	// checkMerkleRoot comes before checkReceipt in Blockcerts' v2 order:
	// the caller's remote hash against merkleRoot.
	if v != nil && res.Chain != anchor.ChainMock && v.opts.Transactions != nil {
		tx, err := v.opts.Transactions.Transaction(ctx, p.Anchor)
		if err != nil {
			return fail(StepAnchor, fmt.Errorf("looking up %s: %w", p.Anchor, err))
		}
		if tx != nil && tx.RemoteHash != "" {
			remote, err := hex.DecodeString(strings.TrimPrefix(tx.RemoteHash, "0x"))
			if err != nil || !bytes.Equal(remote, p.MerkleRoot) {
				return fail(StepAnchor, &hashMismatchError{Kind: ErrOnChainRootMismatch,
					Expected: hex.EncodeToString(p.MerkleRoot), Computed: strings.ToLower(tx.RemoteHash)})
			}
		}
	}
	// checkReceipt: the path folds targetHash to merkleRoot.
	if err := mtree.VerifyBlockcertsPath(p.TargetHash, p.Path, p.MerkleRoot); err != nil {
		return fail(StepMerkleRoot, fmt.Errorf("%w: %w", ErrMerkleRootMismatch, err))
	}
	res.Level = anchor.L0
	if v == nil {
		res.Verified = true
		return p, res, nil
	}
	// checkAuthenticity and the raw transaction, as for v3 (the source is
	// asked again; it answers from what it holds).
	if step, err := v.checkAnchor(ctx, res); err != nil {
		_, r, e := fail(step, err)
		return p, r, e
	}
	if res.Level < v.opts.Require {
		_, r, e := fail(StepLevel, fmt.Errorf("%w: reached %s, need %s: %w",
			anchor.ErrInsufficientAssurance, res.Level, v.opts.Require, res.Reason))
		return p, r, e
	}
	res.Verified = true
	return p, res, nil
}
