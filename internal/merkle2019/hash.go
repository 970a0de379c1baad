package merkle2019

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"fmt"
	"sync"

	"github.com/piprate/json-gold/ld"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/vc/contexts"
)

// Blockcerts v3 pre-release contexts that vc/contexts does not embed;
// see contexts/README.md.
var (
	//go:embed contexts/blockcerts-v3.0-beta.json
	contextV3Beta []byte
	//go:embed contexts/blockcerts-v3.0-alpha.json
	contextV3Alpha []byte
)

// Context URLs this package adds to the embedded set.
const (
	ContextV3Beta  = "https://w3id.org/blockcerts/v3.0-beta"
	ContextV3Alpha = "https://w3id.org/blockcerts/v3.0-alpha"
)

// fallbackVocab is what Blockcerts appends to @context so that undefined
// terms surface as IRIs under it instead of being dropped.
const fallbackVocab = "http://fallback.org/"

var (
	defaultOnce   sync.Once
	defaultLoader *contexts.Loader
	defaultErr    error
)

// Loader returns the offline context loader this package uses by default:
// the vc/contexts embedded set plus the Blockcerts v3.0-alpha and
// v3.0-beta contexts. It is built once and shared.
func Loader() (*contexts.Loader, error) {
	defaultOnce.Do(func() {
		defaultLoader, defaultErr = contexts.New(
			contexts.WithDocument(ContextV3Beta, contextV3Beta),
			contexts.WithDocument("https://www.blockcerts.org/schema/3.0-beta/context.json", contextV3Beta),
			contexts.WithDocument("https://w3id.org/blockcerts/schema/3.0-beta/context.json", contextV3Beta),
			contexts.WithDocument(ContextV3Alpha, contextV3Alpha),
			contexts.WithDocument("https://www.blockcerts.org/schema/3.0-alpha/context.json", contextV3Alpha),
			contexts.WithDocument("https://w3id.org/blockcerts/schema/3.0-alpha/context.json", contextV3Alpha),
		)
	})
	return defaultLoader, defaultErr
}

// Hasher computes Blockcerts targetHashes. It is safe for concurrent use.
type Hasher struct {
	c *canon.RDFC
}

// NewHasher returns a Hasher that loads contexts only from loader; a nil
// loader means [Loader].
func NewHasher(loader *contexts.Loader) (*Hasher, error) {
	if loader == nil {
		var err error
		if loader, err = Loader(); err != nil {
			return nil, err
		}
	}
	c, err := canon.NewRDFC(canon.Options{Loader: fallbackLoader{loader}})
	if err != nil {
		return nil, err
	}
	return &Hasher{c: c}, nil
}

// TargetHash returns the Blockcerts targetHash of doc for the proof at
// position proofIndex of its proof list (FORMATS.md §1.3;
// jsonld-signatures-merkleproof2019 computeLocalHash), and the N-Quads
// it hashed:
//
//  1. if no @context entry is an object with @vocab, append
//     {"@vocab": "http://fallback.org/"};
//  2. drop the proof; for a proof list keep the proofs before proofIndex
//     (chained proofs cover the earlier ones); proofIndex -1 drops all;
//  3. RDFC-1.0 (= URDNA2015) canonical N-Quads, contexts from the
//     offline loader only, in this module's safe mode (relative IRIs and
//     other values JSON-LD would drop are errors);
//  4. any "<http://fallback.org/" in the N-Quads is an error wrapping
//     errUnmappedField: an undefined field the hash would not cover;
//  5. SHA-256 of the N-Quads.
//
// doc is not modified.
func (h *Hasher) TargetHash(doc map[string]any, proofIndex int) ([]byte, []byte, error) {
	d := make(map[string]any, len(doc)+1)
	for k, v := range doc {
		if k != "proof" {
			d[k] = v
		}
	}
	if proofIndex > 0 {
		list, ok := doc["proof"].([]any)
		if !ok || proofIndex > len(list) {
			return nil, nil, fmt.Errorf("%w: proof %d is not in the proof list", ErrMalformedProof, proofIndex)
		}
		d["proof"] = list[:proofIndex:proofIndex]
	}
	d["@context"] = withFallback(doc["@context"])
	nq, err := h.c.Canonicalize(d)
	if err != nil {
		return nil, nil, err
	}
	if bytes.Contains(nq, []byte("<"+fallbackVocab)) {
		return nil, nq, fmt.Errorf("%w (they canonicalize under %s)", errUnmappedField, fallbackVocab)
	}
	sum := sha256.Sum256(nq)
	return sum[:], nq, nil
}

// fallbackContextURL serves {"@context": {"@vocab": "http://fallback.org/"}}.
// Appending this URL instead of the equivalent inline object keeps the
// document's context a list of URLs, which internal/canon processes once
// and caches; JSON-LD gives a remote context's @vocab the same effect.
const fallbackContextURL = "urn:microcred:merkle2019:fallback-vocab"

var fallbackContext = &ld.RemoteDocument{
	DocumentURL: fallbackContextURL,
	Document:    map[string]any{"@context": map[string]any{"@vocab": fallbackVocab}},
}

// fallbackLoader serves fallbackContextURL and delegates the rest.
type fallbackLoader struct{ next ld.DocumentLoader }

func (l fallbackLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	if u == fallbackContextURL {
		return fallbackContext, nil
	}
	return l.next.LoadDocument(u)
}

// withFallback returns ctx with the fallback @vocab appended unless an
// object entry already has an @vocab. ctx is not modified.
func withFallback(ctx any) any {
	var list []any
	switch c := ctx.(type) {
	case nil:
	case []any:
		list = c
	default:
		list = []any{c}
	}
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			if _, ok := m["@vocab"]; ok {
				return ctx
			}
		}
	}
	out := make([]any, 0, len(list)+1)
	out = append(out, list...)
	return append(out, fallbackContextURL)
}
