package didweb

import (
	"errors"
	"net/netip"
)

var (
	// errFetch is wrapped when a document cannot be fetched.
	errFetch = errors.New("didweb: cannot fetch DID document")
	// ErrNonPublicAddress is wrapped (through an *AddressError) when the
	// guarded fetcher refuses to connect to an address that is not
	// globally reachable.
	ErrNonPublicAddress = errors.New("didweb: address is not globally reachable")
)

// addressError reports an address the guard refused and the
// special-purpose block it is in (its prefix, registry name and RFC).
type addressError struct {
	Addr  netip.Addr
	Block string
}

func (e *addressError) Error() string {
	return "didweb: refusing to connect to " + e.Addr.String() + ": " + e.Block
}

// Unwrap returns ErrNonPublicAddress.
func (e *addressError) Unwrap() error { return ErrNonPublicAddress }
