package merkle2019

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/mtree"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Proof types and members.
const (
	// Type is the proof type of the Blockcerts v3 form.
	Type = "MerkleProof2019"
	// cryptosuite is the cryptosuite of the VC 2.0 form, whose type is
	// "DataIntegrityProof".
	cryptosuite = "merkle-proof-2019"
	// assertionMethod is the only proof purpose Blockcerts issues.
	assertionMethod = "assertionMethod"
)

// TxData is what Blockcerts reads from a block explorer about the anchor
// transaction (explorer-lookup's TransactionData, lookForTx in the
// verifier's tests), supplied by the caller.
type TxData struct {
	// RemoteHash is the root the transaction carries, in hex: the
	// OP_RETURN payload without 6a20, or an Ethereum input without 0x.
	// Empty when only RawTx is given.
	RemoteHash string
	// IssuingAddress is the transaction's sender: the first input's
	// address (Bitcoin, base58check) or from (Ethereum, 0x hex).
	IssuingAddress string
	// Time is the block time; it is checked against the issuer key's
	// validity window.
	Time time.Time
	// RawTx is the raw Bitcoin transaction, witness or not. With it
	// verification reaches L2: its txid must be the anchor's, an output
	// must be OP_RETURN PUSH32 merkleRoot, and the signature of its first
	// input must verify under an issuer key (btc.VerifyInputSigner).
	RawTx []byte
	// PrevoutAmount is the value in satoshis of the output the first
	// input spends. A segwit input (P2WPKH, P2SH-P2WPKH) signs it (BIP
	// 143), so without it the sender is unproven and verification stops
	// at L1 (with IssuingAddress) or L0; a legacy P2PKH input needs none.
	PrevoutAmount *int64
	// TxIndex, Branch and Headers are the block evidence of an
	// anchor.Anchor: the transaction's index in its block, the merkle
	// branch from its txid to the block's merkle root (internal byte
	// order, leaf to root), and the block's header then its successors,
	// raw. With a RawTx whose sender is proven they take the anchor to L3
	// (L4 from a checkpoint in Options.Anchor), graded by
	// anchor.Anchor.Verify exactly as receipts are: linked headers only,
	// proof of work above the chain's floor. At L3 the anchor block's
	// header time is the transaction time the issuer key's window is
	// checked against; a Time given beside it must agree within two hours
	// (the leeway miners have).
	TxIndex uint32
	Branch  [][]byte
	Headers [][]byte
}

// TxSource looks up the transaction of an anchor. It returns (nil, nil)
// when it has no data for the anchor (verification then stops at L0), and
// an error only when the lookup itself failed.
type TxSource interface {
	Transaction(ctx context.Context, anchor Blink) (*TxData, error)
}

// StaticTx is a TxSource over data the caller already holds, keyed by the
// anchor's blink URI ([Blink.String]).
type StaticTx map[string]*TxData

// Transaction returns s[anchor.String()].
func (s StaticTx) Transaction(_ context.Context, anchor Blink) (*TxData, error) {
	return s[anchor.String()], nil
}

var _ TxSource = StaticTx(nil)

// KeySource resolves the issuer keys a proof's verificationMethod names
// (an issuer profile's key, a DID document's verification method), for
// a verifier that learns the key from the credential rather than in
// advance. It is called only when there is a sender to match, with the
// proof's verificationMethod and the anchor checked; an error fails the
// issuer step.
type KeySource interface {
	IssuerKeys(ctx context.Context, verificationMethod string, anchor Blink) ([]IssuerKey, error)
}

// IssuerKey is one of the issuer's anchoring keys, as the verifier
// resolved it from the issuer profile or DID document the proof's
// verificationMethod names.
type IssuerKey struct {
	// Address is the key's issuing address: Bitcoin base58check (P2PKH,
	// mainnet or testnet) or Ethereum 0x hex, compared case-insensitively
	// as Blockcerts does. Use bitcoinAddress or ethereumAddress to
	// derive it from a public key. Required.
	Address string
	// PublicKey is the SEC1 secp256k1 key (33 or 65 bytes), if known.
	// With a raw transaction, the key that signed its first input must
	// be this one.
	PublicKey []byte
	// Created, Revoked and Expires bound the key's validity: the
	// transaction time must be after Created and before Revoked and
	// Expires (zero means unbounded), as Blockcerts' ensureValidIssuingKey
	// checks.
	Created, Revoked, Expires time.Time
}

// Options configure a [Verifier].
type Options struct {
	// Loader serves the JSON-LD contexts; nil means [Loader]. There is no
	// network fallback.
	Loader *contexts.Loader
	// Transactions supplies the anchor transaction. Required unless
	// Require is anchor.L0.
	Transactions TxSource
	// IssuerKeys are the issuer's anchoring keys; the transaction's sender
	// must be one of them. Required when Require is L1 or more, unless
	// IssuerUnsafe is set.
	IssuerKeys []IssuerKey
	// Keys resolves the issuer keys from the proof's verificationMethod
	// instead of a fixed IssuerKeys list. Conflicts with IssuerKeys and
	// IssuerUnsafe.
	Keys KeySource
	// IssuerUnsafe skips the issuing-address check: any sender is
	// accepted. Conflicts with IssuerKeys.
	IssuerUnsafe bool
	// Require is the lowest assurance level accepted: anchor.L0 (proof
	// intact, nothing on chain; what Blockcerts accepts for mocknet),
	// anchor.L1 (Blockcerts parity: the caller's transaction data carries
	// the root; the zero value means L1) or anchor.L2 (a raw Bitcoin
	// transaction carries it), anchor.L3 or anchor.L4 (block evidence in
	// the TxData, graded with Anchor's trust options).
	Require anchor.Level
	// Anchor holds the trust options for block evidence (checkpoints for
	// L4, confirmations, floors): those of anchor.Receipt.Verify, whose
	// grading is used. Leaf is ignored.
	Anchor anchor.VerifyOptions
}

// Verifier verifies MerkleProof2019 proofs. It is safe for concurrent use
// if its TxSource is.
type Verifier struct {
	h    *Hasher
	opts Options
}

// NewVerifier checks opts and returns a Verifier. Missing trust inputs
// are errors: no TxSource when L1 or more is required, no issuer keys
// without IssuerUnsafe (and both at once).
func NewVerifier(opts Options) (*Verifier, error) {
	if opts.Require == anchor.LevelNone {
		opts.Require = anchor.L1
	}
	if opts.Require > anchor.L4 {
		return nil, fmt.Errorf("merkle2019: cannot require %s", opts.Require)
	}
	if _, err := (&anchor.Anchor{}).Verify(make([]byte, mtree.HashSize), opts.Anchor); err != nil {
		return nil, fmt.Errorf("merkle2019: Options.Anchor: %w", err)
	}
	if opts.Require >= anchor.L1 && opts.Transactions == nil {
		return nil, fmt.Errorf("merkle2019: requiring %s needs Options.Transactions", opts.Require)
	}
	if opts.IssuerUnsafe && len(opts.IssuerKeys) > 0 {
		return nil, errors.New("merkle2019: Options.IssuerKeys and IssuerUnsafe conflict")
	}
	if opts.Keys != nil && (opts.IssuerUnsafe || len(opts.IssuerKeys) > 0) {
		return nil, errors.New("merkle2019: Options.Keys conflicts with IssuerKeys and IssuerUnsafe")
	}
	if opts.Require >= anchor.L1 && len(opts.IssuerKeys) == 0 && opts.Keys == nil && !opts.IssuerUnsafe {
		return nil, fmt.Errorf("%w: set Options.IssuerKeys (or IssuerUnsafe)", errNoIssuerKeys)
	}
	for i, k := range opts.IssuerKeys {
		if k.Address == "" {
			return nil, fmt.Errorf("merkle2019: IssuerKeys[%d] has no address", i)
		}
	}
	h, err := NewHasher(opts.Loader)
	if err != nil {
		return nil, err
	}
	opts.IssuerKeys = append([]IssuerKey(nil), opts.IssuerKeys...)
	return &Verifier{h: h, opts: opts}, nil
}

// Result is what verification established. [Verifier.Verify] always
// returns one.
type Result struct {
	// Verified is true iff Verify returned a nil error.
	Verified bool
	// Level is the highest assurance level reached (anchor.LevelNone when
	// even the proof is broken).
	Level anchor.Level
	// Reason says why the climb stopped at Level (nil at L4).
	Reason error
	// Block is the grading of the TxData's block evidence (L3 and up):
	// confirmations, work, whether a checkpoint pins it, the block time.
	// Nil below L3.
	Block *anchor.Assurance
	// ProofValue is the decoded proofValue (nil if it did not decode).
	ProofValue *ProofValue
	// TargetHash is the hash computed from the credential.
	TargetHash []byte
	// ProofIndex is the MerkleProof2019 proof's position in the proof
	// list (0 for a single proof object). The targetHash covers the
	// credential with the proofs before it.
	ProofIndex int
	// Anchor is the anchor checked: the first of the proofValue, as
	// Blockcerts does.
	Anchor Blink
	// Chain is the anchor's network; NoFinality is set for testnets,
	// regtest and mocknet, whatever the level.
	Chain      anchor.Chain
	NoFinality bool
	// VerificationMethod and Created are the proof's members: the key the
	// issuer claims, which the caller resolves to IssuerKeys. For a
	// Blockcerts v2 certificate ([Verifier.VerifyV2]), which names no key,
	// VerificationMethod is the issuer profile URL (badge.issuer id, read
	// from the signed graph) whose publicKey list holds the issuer's keys:
	// the string a [KeySource] is asked with; Created is empty.
	VerificationMethod string
	Created            string
	// IssuingAddress and TxTime come from the caller's TxData.
	IssuingAddress string
	TxTime         time.Time
	// SenderPublicKey is the key whose signature on the raw
	// transaction's first input verified (P2PKH, P2WPKH or P2SH-P2WPKH),
	// when a raw transaction was checked and the sender proven.
	SenderPublicKey []byte
	// IssuerKey is the issuer key the sender matched (nil below L1 or
	// with IssuerUnsafe).
	IssuerKey *IssuerKey
}

// Verify is NewVerifier(opts) then [Verifier.Verify].
func Verify(ctx context.Context, doc []byte, opts Options) (*Result, error) {
	v, err := NewVerifier(opts)
	if err != nil {
		return &Result{}, err
	}
	return v.Verify(ctx, doc)
}

// Verify checks the MerkleProof2019 proof of the credential doc, exactly
// as received. It returns a nil error iff every step passed and the level
// reached is at least Options.Require. Otherwise the error is a
// *StepError naming the step, wrapping the cause:
//
//   - StepParse: not a strict JSON object, no or several MerkleProof2019
//     proofs, a proof member missing ([ErrMalformedProof]), a previousProof
//     that is not the proof before it (errPreviousProof);
//   - StepProofValue: errMalformedProofValue;
//   - StepTargetHash: the credential cannot be hashed safely (canon
//     errors, errUnmappedField) or its hash is not targetHash
//     ([ErrTargetHashMismatch], as *HashMismatchError);
//   - StepMerkleRoot: the path does not reach merkleRoot
//     ([ErrMerkleRootMismatch] and the anchor package's error);
//   - StepAnchor: the lookup failed, the remote hash or the raw
//     transaction's OP_RETURN is not merkleRoot ([ErrOnChainRootMismatch]),
//     the raw transaction is malformed or has another txid
//     (errTxIDMismatch);
//   - StepIssuer: the sender is not one of the issuer's keys, or the key
//     was not valid at the transaction time ([ErrIssuerMismatch]);
//   - StepLevel: no contradiction, but not enough evidence for
//     Options.Require (anchor.ErrInsufficientAssurance).
func (v *Verifier) Verify(ctx context.Context, doc []byte) (*Result, error) {
	res := &Result{Level: anchor.LevelNone}
	fail := func(step Step, err error) (*Result, error) {
		if res.Reason == nil {
			res.Reason = err
		}
		return res, &StepError{Step: step, Err: err}
	}
	val, err := strictjson.Decode(doc, strictjson.Limits{})
	if err != nil {
		return fail(StepParse, fmt.Errorf("reading document: %w", err))
	}
	m, ok := val.(map[string]any)
	if !ok {
		return fail(StepParse, fmt.Errorf("%w: document is not a JSON object", ErrMalformedProof))
	}
	p, index, err := findProof(m)
	if err != nil {
		return fail(StepParse, err)
	}
	res.VerificationMethod, res.Created = p.verificationMethod, p.created
	res.ProofIndex = index

	// From the spec (LD Merkle Proof 2019; cvj LDMerkleProof2019): decode
	// the proofValue.
	pv, err := ParseProofValue(p.proofValue)
	if err != nil {
		return fail(StepProofValue, err)
	}
	res.ProofValue = pv
	res.Anchor = pv.Anchors[0]
	if res.Chain, err = res.Anchor.AnchorChain(); err != nil {
		return fail(StepProofValue, err)
	}
	res.NoFinality = !res.Chain.Final()

	// computeLocalHash, compareHashes: the credential without this proof
	// hashes to targetHash.
	local, _, err := v.h.TargetHash(m, index)
	if err != nil {
		return fail(StepTargetHash, err)
	}
	res.TargetHash = local
	if !bytes.Equal(local, pv.TargetHash) {
		return fail(StepTargetHash, &hashMismatchError{Kind: ErrTargetHashMismatch,
			Expected: hex.EncodeToString(pv.TargetHash), Computed: hex.EncodeToString(local)})
	}
	// checkReceipt: the path folds from targetHash to merkleRoot.
	if err := mtree.VerifyBlockcertsPath(local, pv.Path, pv.MerkleRoot); err != nil {
		return fail(StepMerkleRoot, fmt.Errorf("%w: %w", ErrMerkleRootMismatch, err))
	}
	res.Level = anchor.L0

	if step, err := v.checkAnchor(ctx, res); err != nil {
		return fail(step, err)
	}
	if res.Level < v.opts.Require {
		return fail(StepLevel, fmt.Errorf("%w: reached %s, need %s: %w",
			anchor.ErrInsufficientAssurance, res.Level, v.opts.Require, res.Reason))
	}
	res.Verified = true
	return res, nil
}

// checkAnchor climbs from L0 with the caller's transaction data. A
// contradiction is returned as an error; missing evidence only sets
// res.Reason.
func (v *Verifier) checkAnchor(ctx context.Context, res *Result) (Step, error) {
	pv, b := res.ProofValue, res.Anchor
	if res.Chain == anchor.ChainMock {
		// Blockcerts skips every chain step for mocknet: nothing is on a
		// chain, so nothing beyond the proof can be checked.
		res.Reason = fmt.Errorf("%w: mocknet anchor, nothing on chain", anchor.ErrNoFinality)
		return "", nil
	}
	if v.opts.Transactions == nil {
		res.Reason = fmt.Errorf("%w: no transaction source", anchor.ErrNoEvidence)
		return "", nil
	}
	tx, err := v.opts.Transactions.Transaction(ctx, b)
	if err != nil {
		return StepAnchor, fmt.Errorf("looking up %s: %w", b, err)
	}
	if tx == nil || (tx.RemoteHash == "" && len(tx.RawTx) == 0) {
		res.Reason = fmt.Errorf("%w: no transaction data for %s", anchor.ErrNoEvidence, b)
		return "", nil
	}
	res.IssuingAddress, res.TxTime = tx.IssuingAddress, tx.Time

	// L1 (checkMerkleRoot): the root the transaction carries, as the
	// caller read it, is merkleRoot.
	if tx.RemoteHash != "" {
		remote, err := hex.DecodeString(strings.TrimPrefix(tx.RemoteHash, "0x"))
		if err != nil || !bytes.Equal(remote, pv.MerkleRoot) {
			return StepAnchor, &hashMismatchError{Kind: ErrOnChainRootMismatch,
				Expected: hex.EncodeToString(pv.MerkleRoot), Computed: strings.ToLower(tx.RemoteHash)}
		}
	}

	// L2: the raw transaction itself commits the root, and the signature
	// of its first input proves who sent it. Only Bitcoin transactions
	// are parsed here.
	var sender []byte
	rawChecked, rawRoot := false, false
	if len(tx.RawTx) > 0 {
		if b.Chain != "btc" {
			res.Reason = fmt.Errorf("%w: raw %s transactions", mtree.ErrUnsupportedChain, b.Chain)
		} else {
			rc, err := checkRawTx(tx.RawTx, b.TxID, pv.MerkleRoot, tx.PrevoutAmount)
			if err != nil {
				return StepAnchor, err
			}
			rawRoot = true
			if rc.unproven != nil {
				// The root is on chain, but nothing proves who sent it:
				// at most L1, from the caller's issuing address.
				res.Reason = rc.unproven
			} else {
				sender, rawChecked = rc.signer.PubKey, true
				res.SenderPublicKey = sender
			}
		}
	}
	if tx.RemoteHash == "" && !rawRoot {
		// Nothing checked the root against the transaction.
		return "", nil
	}
	if sender == nil && tx.IssuingAddress == "" {
		if res.Reason == nil {
			res.Reason = fmt.Errorf("%w: the transaction data names no issuing address", anchor.ErrNoEvidence)
		}
		return "", nil
	}

	// L3/L4: the block evidence, graded as a receipt's anchor is
	// (anchor.Anchor.Verify: the same transaction checks, then the branch
	// into the header and the linked, floored header chain). Its block
	// time, which proof of work backs, replaces the caller's word.
	var block *anchor.Assurance
	if rawChecked && len(tx.Headers) > 0 {
		a, err := v.gradeBlock(b, tx, pv.MerkleRoot, sender)
		if err != nil {
			return StepAnchor, err
		}
		if a.Level >= anchor.L3 {
			block = a
			t := *tx
			t.Time = a.BlockTime
			tx = &t
			res.TxTime = a.BlockTime
		} else {
			res.Reason = a.Reason
		}
	}

	// compareIssuingAddress / ensureValidIssuingKey: the sender is one of
	// the issuer's keys, valid at the transaction time.
	if !v.opts.IssuerUnsafe {
		keys := v.opts.IssuerKeys
		if v.opts.Keys != nil {
			var err error
			if keys, err = v.opts.Keys.IssuerKeys(ctx, res.VerificationMethod, b); err != nil {
				return StepIssuer, err
			}
		}
		key, err := checkIssuer(keys, tx, sender)
		if err != nil {
			return StepIssuer, err
		}
		res.IssuerKey = key
	}
	res.Level = anchor.L1
	if block != nil {
		res.Level, res.Reason, res.Block = block.Level, block.Reason, block
		return "", nil
	}
	if rawChecked {
		res.Level = anchor.L2
		if res.Reason == nil {
			res.Reason = fmt.Errorf("%w: no block header", anchor.ErrNoEvidence)
		}
		return "", nil
	}
	if res.Reason == nil {
		res.Reason = fmt.Errorf("%w: no raw transaction", anchor.ErrNoEvidence)
	}
	return "", nil
}

// maxBlockTimeSkew is how far a caller's transaction time may be from the
// anchor block's header time: miners set it within about two hours.
const maxBlockTimeSkew = 2 * time.Hour

// gradeBlock grades the block evidence of tx for the anchor b with the
// receipts' engine. A grading below L3 is returned with its reason (the
// anchor stays at L2); evidence that contradicts the transaction already
// checked, or a caller's time the block contradicts, is an error.
func (v *Verifier) gradeBlock(b Blink, tx *TxData, root, sender []byte) (*anchor.Assurance, error) {
	chain, err := b.AnchorChain()
	if err != nil {
		return nil, err
	}
	an := anchor.Anchor{Chain: chain, TxID: b.TxID, RawTx: tx.RawTx, PrevoutAmount: tx.PrevoutAmount,
		TxIndex: tx.TxIndex, Branch: tx.Branch, Headers: tx.Headers}
	a, err := an.Verify(root, v.opts.Anchor)
	if err != nil {
		return nil, err
	}
	if a.Level < anchor.L2 || !bytes.Equal(a.SenderPublicKey, sender) {
		// The same transaction was checked above: this cannot differ.
		return nil, fmt.Errorf("%w: the block evidence's transaction check disagrees (%s): %v", anchor.ErrEvidenceMismatch, a.Level, a.Reason)
	}
	if a.Level >= anchor.L3 && !tx.Time.IsZero() {
		if d := tx.Time.Sub(a.BlockTime); d > maxBlockTimeSkew || d < -maxBlockTimeSkew {
			return nil, fmt.Errorf("%w: the transaction time given, %s, is %s from the anchor block's header time %s",
				anchor.ErrEvidenceMismatch, tx.Time.UTC().Format(time.RFC3339), d.Round(time.Second), a.BlockTime.UTC().Format(time.RFC3339))
		}
	}
	return a, nil
}

// checkRawTx parses a raw Bitcoin transaction, checks its txid (display
// order) and that an output is OP_RETURN PUSH32 root, and checks the
// signature of its first input (btc.VerifyInputSigner). A public key
// read from a scriptSig or witness proves nothing by itself: a witness
// can be swapped without changing the txid. An input whose signature
// cannot be checked (an unsupported script, or a segwit input without
// the prevout amount) returns a nil signer and the reason, wrapping
// anchor.ErrSenderUnproven; a signature that fails is an error.
func checkRawTx(raw []byte, txid string, root []byte, prevoutAmount *int64) (rawCheck, error) {
	if len(raw) > mtree.MaxRawTxBytes {
		return rawCheck{}, fmt.Errorf("raw transaction of %d bytes exceeds %d", len(raw), mtree.MaxRawTxBytes)
	}
	tx, err := btc.ParseTx(raw)
	if err != nil {
		return rawCheck{}, fmt.Errorf("parsing raw transaction: %w", err)
	}
	if got := tx.TxID().String(); got != txid {
		return rawCheck{}, fmt.Errorf("%w: raw transaction has txid %s, anchor claims %s", errTxIDMismatch, got, txid)
	}
	if _, ok := tx.FindRoot(root); !ok {
		return rawCheck{}, &hashMismatchError{Kind: ErrOnChainRootMismatch, Expected: hex.EncodeToString(root),
			Computed: "no OP_RETURN output carrying it"}
	}
	amount := btc.UnknownAmount
	if prevoutAmount != nil {
		if *prevoutAmount < 0 || *prevoutAmount > btc.MaxMoney {
			return rawCheck{}, fmt.Errorf("prevoutAmount %d outside [0, MaxMoney]", *prevoutAmount)
		}
		amount = *prevoutAmount
	}
	signer, err := btc.VerifyInputSigner(tx, 0, amount)
	switch {
	case errors.Is(err, btc.ErrAmountRequired):
		return rawCheck{unproven: fmt.Errorf("%w: %w (the transaction data has no prevoutAmount)", anchor.ErrSenderUnproven, err)}, nil
	case errors.Is(err, btc.ErrUnsupportedInput):
		return rawCheck{unproven: fmt.Errorf("%w: %w", anchor.ErrSenderUnproven, err)}, nil
	case err != nil:
		return rawCheck{}, fmt.Errorf("%w: sender: %w", errSenderSignature, err)
	}
	return rawCheck{signer: signer}, nil
}

// rawCheck is what checkRawTx established beyond the root: the proven
// signer, or why the sender is unproven.
type rawCheck struct {
	signer   *btc.InputSigner
	unproven error
}

// checkIssuer matches the sender (the caller's IssuingAddress, and the raw
// transaction's key if any) against the issuer's keys.
func checkIssuer(keys []IssuerKey, tx *TxData, sender []byte) (*IssuerKey, error) {
	if tx.IssuingAddress == "" && sender == nil {
		return nil, fmt.Errorf("%w: the transaction data names no issuing address", ErrIssuerMismatch)
	}
	var key *IssuerKey
	for i := range keys {
		k := &keys[i]
		if k.Address == "" {
			continue
		}
		if tx.IssuingAddress != "" && !strings.EqualFold(k.Address, tx.IssuingAddress) {
			continue
		}
		if sender != nil && !senderMatches(k, sender) {
			continue
		}
		key = k
		break
	}
	if key == nil {
		return nil, fmt.Errorf("%w: sender %s is not an issuer key", ErrIssuerMismatch, senderString(tx, sender))
	}
	if !key.Created.IsZero() || !key.Revoked.IsZero() || !key.Expires.IsZero() {
		t := tx.Time
		switch {
		case t.IsZero():
			return nil, fmt.Errorf("%w: key %s has a validity window but the transaction time is unknown", ErrIssuerMismatch, key.Address)
		case !key.Created.IsZero() && !t.After(key.Created):
			return nil, fmt.Errorf("%w: transaction at %s is not after the creation of key %s (%s)", ErrIssuerMismatch, t.Format(time.RFC3339), key.Address, key.Created.Format(time.RFC3339))
		case !key.Revoked.IsZero() && !t.Before(key.Revoked):
			return nil, fmt.Errorf("%w: key %s was revoked at %s", ErrIssuerMismatch, key.Address, key.Revoked.Format(time.RFC3339))
		case !key.Expires.IsZero() && !t.Before(key.Expires):
			return nil, fmt.Errorf("%w: key %s expired at %s", ErrIssuerMismatch, key.Address, key.Expires.Format(time.RFC3339))
		}
	}
	k := *key
	return &k, nil
}

// senderMatches reports whether the raw transaction's signing key belongs
// to k: equal to k.PublicKey, or hashing to k.Address.
func senderMatches(k *IssuerKey, sender []byte) bool {
	if len(k.PublicKey) > 0 {
		// Compare the points: one side may be compressed, the other not.
		a, err1 := secp256k1.ParsePubKey(k.PublicKey)
		b, err2 := secp256k1.ParsePubKey(sender)
		return err1 == nil && err2 == nil && a.IsEqual(b)
	}
	for _, testnet := range []bool{false, true} {
		if a, err := bitcoinAddress(sender, testnet); err == nil && a == k.Address {
			return true
		}
	}
	return false
}

func senderString(tx *TxData, sender []byte) string {
	if tx.IssuingAddress != "" {
		return tx.IssuingAddress
	}
	return "key " + hex.EncodeToString(sender)
}

// proofRef is the MerkleProof2019 proof found in a document.
type proofRef struct {
	proofValue, verificationMethod, created string
}

// findProof returns the document's one MerkleProof2019 proof (any of the
// three forms FORMATS.md §1.1 lists) and its index in the proof list.
func findProof(doc map[string]any) (*proofRef, int, error) {
	var list []any
	switch t := doc["proof"].(type) {
	case map[string]any:
		list = []any{t}
	case []any:
		list = t
	case nil:
		return nil, 0, fmt.Errorf("%w: document has no proof", ErrMalformedProof)
	default:
		return nil, 0, fmt.Errorf("%w: proof is not an object or a list", ErrMalformedProof)
	}
	if len(list) > limits.MaxProofs {
		return nil, 0, fmt.Errorf("%w: %d proofs exceed %d", ErrMalformedProof, len(list), limits.MaxProofs)
	}
	var found map[string]any
	index := -1
	for i, e := range list {
		pm, ok := e.(map[string]any)
		if !ok {
			return nil, 0, fmt.Errorf("%w: proof %d is not an object", ErrMalformedProof, i)
		}
		if !isMerkleProof(pm) {
			continue
		}
		if found != nil {
			return nil, 0, fmt.Errorf("%w: more than one MerkleProof2019 proof", ErrMalformedProof)
		}
		found, index = pm, i
	}
	if found == nil {
		return nil, 0, fmt.Errorf("%w: no MerkleProof2019 proof", ErrMalformedProof)
	}
	str := func(k string) (string, error) {
		s, ok := found[k].(string)
		if !ok || s == "" {
			return "", fmt.Errorf("%w: proof member %q missing or not a string", ErrMalformedProof, k)
		}
		return s, nil
	}
	ref := &proofRef{}
	var err error
	if ref.proofValue, err = str("proofValue"); err != nil {
		return nil, 0, err
	}
	// assertProofValidity: the purpose is assertionMethod, created present.
	purpose, err := str("proofPurpose")
	if err != nil {
		return nil, 0, err
	}
	if purpose != assertionMethod {
		return nil, 0, fmt.Errorf("%w: proofPurpose %q, want %q", ErrMalformedProof, purpose, assertionMethod)
	}
	if ref.created, err = str("created"); err != nil {
		return nil, 0, err
	}
	if ref.verificationMethod, err = str("verificationMethod"); err != nil {
		return nil, 0, err
	}
	if _, isList := doc["proof"].([]any); !isList {
		index = 0
	}
	if err := checkPreviousProof(found, list, index, doc["proof"]); err != nil {
		return nil, 0, err
	}
	return ref, index, nil
}

// checkPreviousProof checks the chain a MerkleProof2019 proof claims
// (ChainedProof2021, or a Data Integrity previousProof): its
// previousProof must be the proof just before it in the list — the
// whole proof object (ChainedProof2021's form) or that proof's id (Data
// Integrity's). The targetHash covers the proofs before it
// ([Hasher.TargetHash]), so a chained proof anchors the credential with
// the proof it names; a previousProof that names another proof, or none
// in the list, would claim a chain the hash does not cover. A
// ChainedProof2021 must name one.
func checkPreviousProof(p map[string]any, list []any, index int, proof any) error {
	prevRef, has := p["previousProof"]
	if !has {
		if p["type"] == "ChainedProof2021" {
			return fmt.Errorf("%w: a ChainedProof2021 has no previousProof", errPreviousProof)
		}
		return nil
	}
	if _, isList := proof.([]any); !isList || index < 1 {
		return fmt.Errorf("%w: previousProof is set and no proof precedes this one in the proof list", errPreviousProof)
	}
	prev, _ := list[index-1].(map[string]any)
	switch ref := prevRef.(type) {
	case map[string]any:
		if !reflect.DeepEqual(ref, prev) {
			return fmt.Errorf("%w: previousProof is not proof %d, the one before it", errPreviousProof, index-1)
		}
	case string:
		if id, _ := prev["id"].(string); ref == "" || id != ref {
			return fmt.Errorf("%w: previousProof %q is not the id of proof %d, the one before it", errPreviousProof, ref, index-1)
		}
	default:
		return fmt.Errorf("%w: previousProof is not an object or a string", errPreviousProof)
	}
	return nil
}

// HasProof reports whether the decoded document doc has a
// MerkleProof2019 proof in any of its three forms (it does not check the
// proof). Callers use it to route a credential to [Verifier.Verify].
func HasProof(doc map[string]any) bool {
	switch t := doc["proof"].(type) {
	case map[string]any:
		return isMerkleProof(t)
	case []any:
		for _, e := range t {
			if pm, ok := e.(map[string]any); ok && isMerkleProof(pm) {
				return true
			}
		}
	}
	return false
}

func isMerkleProof(p map[string]any) bool {
	switch p["type"] {
	case Type:
		return true
	case "DataIntegrityProof":
		return p["cryptosuite"] == cryptosuite
	case "ChainedProof2021":
		return p["chainedProofType"] == Type
	}
	return false
}
