package didweb

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

type AddressError = addressError

var ErrFetch = errFetch

var URL = documentURL
