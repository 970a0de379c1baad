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

// ReadHead reads back every head AppendHead writes and refuses what the
// strict decoders refuse.
func TestReadHead(t *testing.T) {
	for _, n := range []uint64{0, 23, 24, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 0x100000000, 1<<64 - 1} {
		b := AppendHead(nil, MajorMap, n)
		major, arg, size, err := ReadHead(append(b, 0xff))
		if err != nil || major != MajorMap || arg != n || size != len(b) {
			t.Errorf("%x: got %d %d %d %v", b, major, arg, size, err)
		}
	}
	for _, c := range []struct {
		in    string
		major byte
		err   error
	}{
		{"", 0, ErrShort},
		{"19", 0, ErrShort},
		{"5a0000", 2, ErrShort},
		{"9f", 4, ErrIndefinite},
		{"7c", 3, ErrIndefinite},
		{"1817", 0, ErrNotShortest},
		{"3900ff", 1, ErrNotShortest},
		{"1b00000000ffffffff", 0, ErrNotShortest},
	} {
		b, _ := hex.DecodeString(c.in)
		major, _, _, err := ReadHead(b)
		if err != c.err || major != c.major {
			t.Errorf("%s: got major %d, %v; want %d, %v", c.in, major, err, c.major, c.err)
		}
	}
}
