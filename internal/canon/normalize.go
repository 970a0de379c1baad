package canon

import (
	"crypto"
	"fmt"

	"github.com/piprate/json-gold/ld"
)

// normalize runs RDFC-1.0 over the dataset.
func normalize(ds *ld.RDFDataset, opts Options) ([]byte, error) {
	if opts.Hash != crypto.SHA256 {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedHash, opts.Hash)
	}
	lo := ld.NewJsonLdOptions("")
	lo.Algorithm = ld.AlgorithmURDNA2015
	lo.Format = "application/n-quads"
	out, err := ld.NewJsonLdApi().Normalize(ds, lo)
	if err != nil {
		return nil, fmt.Errorf("canon: RDFC-1.0: %w", err)
	}
	s, _ := out.(string)
	return []byte(s), nil
}
