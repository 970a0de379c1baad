// Package httpkey resolves verification methods that are HTTPS URLs
// rather than DID URLs, as Open Badges 3.0 allows ("the verificationMethod
// MAY be an HTTP URL") and W3C Controlled Identifiers 1.0 defines:
//
//   - https://school.example/issuer#key-1: the controller document at
//     https://school.example/issuer lists the method under the proof's
//     relationship (assertionMethod for credentials);
//   - https://school.example/keys/1: the key document at that URL names its
//     controller, whose controller document must list it.
//
// The key is then bound to the controller's URL exactly as a DID key is
// bound to its DID, so a credential whose issuer is
// https://school.example/issuer verifies only with a key that document
// lists.
//
// Use a resolver through [did.Methods.WithControllers]:
//
//	methods, _ := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
//	keys, _ := httpkey.NewResolver(fetcher) // or httpkey.Static{...} offline
//	resolver := methods.WithControllers(keys)
//
// # Guarantees
//
// A document the resolver returns was fetched (or looked up, for
// [Static]) at exactly the URL asked for, parsed strictly, and carries
// that URL as its id. Through did.ResolveVerificationMethod, a key is then
// accepted only when its controller's document lists it under the
// proof's relationship: the key is bound to the controller's URL as a DID
// key to its DID.
//
// # Refuses
//
// With a *did.ResolutionError: a document that is not strict JSON
// (duplicate keys, size and depth limits) or over
// didweb.MaxDocumentBytes, a document whose id is not exactly the URL it
// was fetched from (wrapping did.ErrInvalidDocument), and a URL the
// fetcher cannot serve (did.ErrNotFound for [Static]). [NewResolver]
// refuses a nil fetcher.
//
// # Offline use
//
// Nothing is fetched except through the Fetcher the caller passes in;
// didweb.HTTPFetcher is one (https only, no cross-host redirects,
// size-capped, and unless allowed it connects only to globally reachable
// addresses, checked on the address dialed: see package didweb).
// [Static] serves local copies.
//
// # Security considerations
//
// Documents are parsed strictly (duplicate keys, size and depth limits),
// must carry exactly the URL they were fetched from as their id, and are
// capped at didweb.MaxDocumentBytes.
package httpkey

import (
	"context"
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didweb"
)

// resolver fetches controller and key documents through a Fetcher.
type resolver struct {
	f didweb.Fetcher
}

var (
	_ did.ControllerResolver = (*resolver)(nil)
	_ did.ControllerResolver = Static(nil)
)

// NewResolver returns a controller resolver that fetches with f (required).
func NewResolver(f didweb.Fetcher) (did.ControllerResolver, error) {
	if f == nil {
		return nil, errors.New("httpkey: a fetcher is required")
	}
	return &resolver{f: f}, nil
}

// ResolveController implements did.ControllerResolver.
func (r *resolver) ResolveController(ctx context.Context, url string) (*did.Document, error) {
	data, err := r.f.Fetch(ctx, url)
	if err != nil {
		return nil, &did.ResolutionError{DID: url, Code: did.CodeNotFound, Err: err}
	}
	return parse(url, data)
}

// Static serves controller and key documents from memory, keyed by URL.
// It fetches nothing.
type Static map[string][]byte

// ResolveController implements did.ControllerResolver.
func (s Static) ResolveController(_ context.Context, url string) (*did.Document, error) {
	data, ok := s[url]
	if !ok {
		return nil, &did.ResolutionError{DID: url, Code: did.CodeNotFound, Err: fmt.Errorf("%w: no local copy of %s", did.ErrNotFound, url)}
	}
	return parse(url, data)
}

func parse(url string, data []byte) (*did.Document, error) {
	if len(data) > didweb.MaxDocumentBytes {
		return nil, &did.ResolutionError{DID: url, Code: did.CodeInvalidDIDDocument, Err: errors.New("httpkey: document too large")}
	}
	doc, err := did.ParseControllerDocument(data)
	if err != nil {
		return nil, &did.ResolutionError{DID: url, Code: did.CodeInvalidDIDDocument, Err: err}
	}
	if doc.ID != url {
		return nil, &did.ResolutionError{DID: url, Code: did.CodeInvalidDIDDocument, Err: fmt.Errorf("%w: document id %q is not the URL it came from", did.ErrInvalidDocument, doc.ID)}
	}
	return doc, nil
}
