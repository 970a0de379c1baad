// Package proofinternal lets microcred's own packages reach what package
// proof does not export, so that issuing a credential decodes it once.
package proofinternal

import "context"

// SignDecoded is proof.Sign for a document the caller has already decoded
// strictly into decoded (strictjson.Decode(doc), or that object updated
// exactly as doc was edited since); decoded is not modified. suite, signer
// and opts are a proof.Suite, a proof.Signer and a proof.Options. Set by
// package proof.
var SignDecoded func(ctx context.Context, doc []byte, decoded map[string]any, suite, signer, opts any) ([]byte, error)
