package cbor

import (
	"encoding/hex"
	"testing"
)

// RFC 8949 Appendix A examples for the items written here.
func TestAppendRFC8949(t *testing.T) {
	for _, c := range []struct {
		got  []byte
		want string
	}{
		{AppendInt(nil, 0), "00"},
		{AppendInt(nil, 23), "17"},
		{AppendInt(nil, 24), "1818"},
		{AppendInt(nil, 1000), "1903e8"},
		{AppendInt(nil, 1000000), "1a000f4240"},
		{AppendInt(nil, 1000000000000), "1b000000e8d4a51000"},
		{AppendInt(nil, -1), "20"},
		{AppendInt(nil, -1000), "3903e7"},
		{AppendBytes(nil, []byte{1, 2, 3, 4}), "4401020304"},
		{AppendText(nil, "IETF"), "6449455446"},
		{AppendText(nil, "\u00fc"), "62c3bc"},
		{AppendHead(nil, MajorArray, 3), "83"},
		{AppendHead(nil, MajorMap, 25), "b819"},
	} {
		if got := hex.EncodeToString(c.got); got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
}
