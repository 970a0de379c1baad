package anchor

import (
	"context"
	"encoding/hex"
)

// ReceiptSource finds the anchor receipt of a credential by its leaf
// ([Leaf] of the credential's bytes). It returns nil, nil when it has
// none. A verifier consults one (microcred.WithReceipts); a database of
// receipts is one by implementing this method.
type ReceiptSource interface {
	Receipt(ctx context.Context, leaf []byte) (*Receipt, error)
}

// Receipts is a ReceiptSource in memory, keyed by the hex leaf.
type Receipts map[string]*Receipt

// Receipt implements ReceiptSource.
func (r Receipts) Receipt(_ context.Context, leaf []byte) (*Receipt, error) {
	return r[hex.EncodeToString(leaf)], nil
}

// Add files a receipt under its own leaf.
func (r Receipts) Add(rc *Receipt) { r[hex.EncodeToString(rc.Leaf)] = rc }
