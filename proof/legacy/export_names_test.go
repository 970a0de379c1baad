package legacy

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

const ContextEd25519Signature2020 = contextEd25519Signature2020

var AddContext = addContext

type Ed25519Signature2020 = ed25519Signature2020
