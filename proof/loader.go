package proof

import "github.com/piprate/json-gold/ld"

// ContextLoader serves the JSON-LD context documents a suite needs to
// canonicalize a document, by URL. It is the one method of json-gold's
// ld.DocumentLoader, so a suite does not depend on where the contexts come
// from; *contexts.Loader (package vc/contexts, the offline embedded set)
// implements it, and is what every caller in this module passes.
//
// A loader must answer from memory: an unknown URL is an error, never a
// fetch. The returned document is read, never modified.
type ContextLoader interface {
	LoadDocument(url string) (*ld.RemoteDocument, error)
}
