package ob2

import (
	"context"
	"fmt"

	"github.com/onchaincert/microcred/did/didweb"
)

// Fetcher returns the document at a URL. didweb.HTTPFetcher is one that
// goes online (https only, size-capped, connecting only to globally
// reachable addresses); [Documents] serves local copies.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// Documents serves OB 2.0 documents (assertions, BadgeClasses, Issuer
// profiles, CryptographicKeys, RevocationLists) from memory, keyed by the
// URL they are published at. It fetches nothing.
type Documents map[string][]byte

var (
	_ Fetcher = Documents(nil)
	_ Fetcher = (*didweb.HTTPFetcher)(nil)
)

// Fetch implements [Fetcher]; a URL with no document is an error wrapping
// errNotFound.
func (d Documents) Fetch(_ context.Context, url string) ([]byte, error) {
	data, ok := d[url]
	if !ok {
		return nil, fmt.Errorf("%w: %s", errNotFound, url)
	}
	return data, nil
}
