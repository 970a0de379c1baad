package ots

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

const MaxDepth = maxDepth
const MaxHexlifyInput = maxHexlifyInput
const MaxProofSize = maxProofSize

type ParseError = parseError
type RootMismatchError = rootMismatchError

var ErrDigestMismatch = errDigestMismatch
var ErrInvalidOptions = errInvalidOptions
var ErrLimit = errLimit
var ErrMalformed = errMalformed
var ErrMerkleRootMismatch = errMerkleRootMismatch
var ErrNoHeader = errNoHeader
var ErrPending = errPending
var ErrUnknownAttestation = errUnknownAttestation
var ErrUnsupportedChain = errUnsupportedChain
var ErrUnsupportedVersion = errUnsupportedVersion

// The proof model (issue 20: Proof is opaque; the op tree is internal).

type Node = node
type Edge = edge
type Op = op
type OpKind = opKind
type Attestation = attestation
type AttestationKind = attestationKind
type Commitment = commitment

const (
	OpSHA1      = opSHA1
	OpRIPEMD160 = opRIPEMD160
	OpSHA256    = opSHA256
	OpKeccak256 = opKeccak256
	OpAppend    = opAppend
	OpPrepend   = opPrepend
	OpReverse   = opReverse
	OpHexlify   = opHexlify
)

const (
	Unknown  = kindUnknown
	Bitcoin  = kindBitcoin
	Litecoin = kindLitecoin
	Ethereum = kindEthereum
	Pending  = kindPending
)

var FileDigest = fileDigest
var Verify = verify

// NewProof builds a proof from its parts, as the tests construct trees by
// hand; Parse and FromReceipt are the only constructors of the package.
func NewProof(hashOp OpKind, digest []byte, root *Node) *Proof {
	return &Proof{hashOp: hashOp, digest: digest, root: root}
}

// Root returns the proof's tree itself (not a copy: tests tamper with it).
func (p *Proof) Root() *Node { return p.root }

// HashOpKind returns the file hash op.
func (p *Proof) HashOpKind() OpKind { return p.hashOp }

// Commitments is commitments.
func (p *Proof) Commitments() ([]Commitment, error) { return p.commitments() }
