package vcjwt

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

const FormatOB3Payload = formatOB3Payload

type ClaimError = claimError

const RS256 = algRS256
