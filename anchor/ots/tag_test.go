package ots_test

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/onchaincert/microcred/anchor/ots"
)

func tagOf(k ots.AttestationKind) [8]byte {
	t, _ := k.Tag()
	return t
}

func tagBytes(k ots.AttestationKind) []byte {
	t := tagOf(k)
	return t[:]
}

// The tags are python-opentimestamps' (core/notary.py, core/dubious/notary.py);
// Unknown has none. They are values returned by a method, not variables a
// caller could overwrite and so change what every parser accepts.
func TestAttestationTags(t *testing.T) {
	for k, want := range map[ots.AttestationKind]string{
		ots.Bitcoin:  "0588960d73d71901",
		ots.Litecoin: "06869a0d73d71b45",
		ots.Ethereum: "30fe8087b5c7ead7",
		ots.Pending:  "83dfe30d2ef90c8e",
	} {
		got, ok := k.Tag()
		assert.True(t, ok, "%v has a tag", k)
		assert.Equal(t, want, hex.EncodeToString(got[:]), "%v tag", k)
	}
	_, ok := ots.Unknown.Tag()
	assert.False(t, ok, "Unknown has no tag")
	assert.Len(t, ots.Magic, 31)
}
