package vc

import "github.com/onchaincert/microcred/internal/limits"

// MaxCredentialBytes is the size cap, in bytes, of one credential,
// presentation or DID document in this module: [ParseCredential] and
// [ParsePresentation] refuse larger input, and so do the module's other
// readers of credentials (vc/bake, the microcred verifier). Callers that read input from a file or the network can read at
// most this much (plus one byte, to tell a too-large input).
const MaxCredentialBytes = limits.MaxCredentialBytes
