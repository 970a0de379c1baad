package merkle2019

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

const ContextV2 = contextV2
const MaxProofValueLen = maxProofValueLen

type HashMismatchError = hashMismatchError

var BitcoinAddress = bitcoinAddress
var ErrEmptyBatch = errEmptyBatch
var ErrMalformedProofValue = errMalformedProofValue
var ErrNoIssuerKeys = errNoIssuerKeys
var ErrPreviousProof = errPreviousProof
var ErrSenderSignature = errSenderSignature
var ErrTxIDMismatch = errTxIDMismatch
var ErrUnmappedField = errUnmappedField
var ErrUnsupportedAnchor = errUnsupportedAnchor
var EthereumAddress = ethereumAddress
var VerifyV2Path = verifyV2Path
