package microcred

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

type VerificationError = verificationError

var ErrHolderMismatch = errHolderMismatch
var ErrNoBlockcerts = errNoBlockcerts
var ErrNoReceipt = errNoReceipt
var ErrNotVerified = errNotVerified
var ErrRefreshIssuer = errRefreshIssuer
var ErrUnsupportedFormat = errUnsupportedFormat
var ErrWithheld = errWithheld
var ErrWrongRecipient = errWrongRecipient

var ErrIssuerMismatch = errIssuerMismatch

type WithheldError = withheldError
