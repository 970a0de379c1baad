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
