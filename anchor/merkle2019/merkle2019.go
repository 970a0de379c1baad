package merkle2019

import (
	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Blink is one anchor of a proof, written as a "blink" URI:
// blink:<chain>:<network>:<txid>, e.g. blink:btc:testnet:140ee938…,
// blink:eth:sepolia:0x1f61…, blink:mocknet:mocknet:<label>. Chain is
// "btc", "eth", "mtc" or "mocknet"; Network is the chain's network;
// TxID is 64 lowercase hex digits (btc), "0x" and 64 lowercase hex
// digits (eth, mtc), or any label (mocknet). Build one with [ParseBlink]
// to have its form checked.
type Blink = merkle2019.Blink

// ParseBlink reads a blink URI and checks its txid form for the chain. It
// refuses an unknown chain or network and a txid not in its chain's
// form.
func ParseBlink(s string) (Blink, error) { return merkle2019.ParseBlink(s) }

// IssuingAddress returns the address a secp256k1 key (33-byte compressed
// or 65-byte uncompressed publicKey) anchors from on the blink's chain,
// as Blockcerts derives it to compare with the transaction's sender:
// P2PKH mainnet for btc mainnet, P2PKH testnet for btc testnet and
// regtest, the Ethereum address for eth and mtc. Mocknet has no address:
// it is an error.
func IssuingAddress(publicKey []byte, b Blink) (string, error) {
	return merkle2019.IssuingAddress(publicKey, b)
}

// ProofOptions are the members of an emitted proof: Anchors (the
// transactions that carry the batch's root), VerificationMethod (the
// issuer's key that anchored it: a DID URL or an issuer profile URL with
// a fragment) and Created are required; DataIntegrity emits the VC 2.0
// form (type "DataIntegrityProof", cryptosuite "merkle-proof-2019")
// instead of type "MerkleProof2019".
type ProofOptions = merkle2019.ProofOptions

// TxData is what Blockcerts reads from a block explorer about an anchor
// transaction (the root it carries, its sender, its time, optionally the
// raw Bitcoin transaction, the prevout amount and block evidence),
// supplied by the caller of microcred.WithBlockcerts through a
// [TxSource]. Each field's doc says which assurance level it reaches.
type TxData = merkle2019.TxData

// TxSource looks up the transaction of an anchor for
// merkle2019.Evidence.Transactions. Its Transaction method returns (nil,
// nil) when it has no data for the anchor (verification then stops at
// L0, binding no issuer), and an error only when the lookup itself
// failed.
type TxSource = merkle2019.TxSource

// StaticTx is a [TxSource] from a map keyed by the anchor's blink URI
// ([Blink.String]). An anchor not in the map has no data.
type StaticTx = merkle2019.StaticTx

// Batch collects the credentials anchored together and emits one
// MerkleProof2019 proof per credential once their root is anchored. A
// Batch is not safe for concurrent use.
type Batch struct {
	b *merkle2019.Batch
}

// NewBatch returns an empty batch that hashes credentials with contexts
// from loader; nil means the embedded contexts (vc/contexts plus the
// Blockcerts v3.0-alpha and v3.0-beta contexts). Nothing is fetched.
func NewBatch(loader *contexts.Loader) (*Batch, error) {
	b, err := merkle2019.NewBatch(loader)
	if err != nil {
		return nil, err
	}
	return &Batch{b: b}, nil
}

// Add hashes the credential doc (strict JSON) as the verifier will and
// returns its index in the batch. Proofs doc already carries stay, and
// the targetHash covers them. It refuses a doc that is not strict JSON and
// one whose JSON-LD would drop a value (an unmapped term, a relative
// IRI), which the hash would not cover. Add every credential before
// [Batch.Root]: the root covers those added so far.
func (b *Batch) Add(doc []byte) (int, error) { return b.b.Add(doc) }

// AddTargetHash adds a targetHash computed by the caller (32 bytes: the
// SHA-256 of the credential's canonical N-Quads, what [Batch.Add]
// computes) and returns its index. The batch cannot check it: a wrong
// hash gives a proof no verifier accepts.
func (b *Batch) AddTargetHash(targetHash []byte) (int, error) { return b.b.AddTargetHash(targetHash) }

// Len returns the number of credentials in the batch.
func (b *Batch) Len() int { return b.b.Len() }

// Root returns the Merkle root to anchor: 32 bytes, written as is after
// OP_RETURN PUSH32 (Bitcoin) or as the transaction data (Ethereum). It
// refuses an empty batch.
func (b *Batch) Root() ([]byte, error) { return b.b.Root() }

// Attach returns doc with the proof of credential i added: as "proof" if
// doc has none, otherwise after its proofs. doc must be the credential
// added as i: it is hashed again and compared, and a different one is
// refused. The result is doc's JSON re-serialized (members sorted), which
// hashes the same.
func (b *Batch) Attach(i int, doc []byte, opts ProofOptions) ([]byte, error) {
	return b.b.Attach(i, doc, opts)
}

// Proof returns the proof object of credential i, for a caller that
// places it itself.
func (b *Batch) Proof(i int, opts ProofOptions) (map[string]any, error) { return b.b.Proof(i, opts) }

// ProofValue returns the proofValue of credential i for a root anchored
// by anchors (at least one), in the text form cert-issuer writes
// (multibase base58btc of CBOR).
func (b *Batch) ProofValue(i int, anchors ...Blink) (string, error) {
	pv, err := b.b.ProofValue(i, anchors...)
	if err != nil {
		return "", err
	}
	return pv.String(), nil
}
