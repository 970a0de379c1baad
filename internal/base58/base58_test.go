package base58

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand"
	"testing"

	mrtron "github.com/mr-tron/base58"
)

// Examples from the IETF base58 draft (draft-msporny-base58-03, section 5)
// and Bitcoin Core's src/test/data/base58_encode_decode.json.
var vectors = []struct{ hex, enc string }{
	{"", ""},
	{"48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U"},
	{"54686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a7920646f672e", "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
	{"0000287fb4cd", "11233QC4"},
	{"61", "2g"},
	{"626262", "a3gV"},
	{"636363", "aPEr"},
	{"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
	{"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
	{"516b6fcd0f", "ABnLTmg"},
	{"bf4f89001e670274dd", "3SEo3LWLoPntC"},
	{"572e4794", "3EFU7m"},
	{"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
	{"10c8511e", "Rt5zm"},
	{"00000000000000000000", "1111111111"},
	{"000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", "1cWB5HCBdLjAuqGGReWE3R3CguuwSjw6RHn39s2yuDRTS5NsBgNiFpWgAnEx6VQi8csexkgYw3mdYrMHr8x9i7aEwP8kZ7vccXWqKDvGv3u1GxFKPuAkn8JCPPGDMf3vMMnbzm6Nh9zh1gcNsMvH3ZNLmP5fSG6DGbbi2tuwMWPthr4boWwCxf7ewSgNQeacyozhKDDQQ1qL5fQFUW52QKUZDZ5fw3KXNQJMcNTcaB723LchjeKun7MuGW5qyCBZYzA1KjofN1gYBV3NqyhQJ3Ns746GNuf9N2pQPmHz4xpnSrrfCvy6TVVz5d4PdrjeshsWQwpZsZGzvbdAdN8MKV5QsBDY"},
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		raw, err := hex.DecodeString(v.hex)
		if err != nil {
			t.Fatal(err)
		}
		if got := Encode(raw); got != v.enc {
			t.Errorf("Encode(%s) = %q, want %q", v.hex, got, v.enc)
		}
		got, err := Decode(v.enc)
		if err != nil {
			t.Errorf("Decode(%q): %v", v.enc, err)
		} else if !bytes.Equal(got, raw) {
			t.Errorf("Decode(%q) = %x, want %s", v.enc, got, v.hex)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, s := range []string{"0", "O", "I", "l", "2NEpo7TZRRrLZSi2U+", "111 1", "é", "z\x00"} {
		_, err := Decode(s)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Decode(%q) = %v, want ErrInvalid", s, err)
		}
	}
}

// The encoder and decoder must agree with mr-tron/base58 (the library
// microcred used before) on random inputs of every length up to 200 bytes,
// with and without leading zeros.
func TestAgreesWithReference(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for n := 0; n <= 200; n++ {
		for range 20 {
			b := make([]byte, n)
			rng.Read(b)
			for i := 0; i < n && rng.Intn(4) == 0; i++ {
				b[i] = 0
			}
			checkAgainstReference(t, b)
		}
	}
}

func checkAgainstReference(t *testing.T, b []byte) {
	t.Helper()
	want := mrtron.Encode(b)
	got := Encode(b)
	if got != want {
		t.Fatalf("Encode(%x) = %q, want %q", b, got, want)
	}
	dec, err := Decode(got)
	if err != nil || !bytes.Equal(dec, b) {
		t.Fatalf("Decode(Encode(%x)) = %x, %v", b, dec, err)
	}
}

func FuzzRoundTrip(f *testing.F) {
	for _, v := range vectors {
		raw, _ := hex.DecodeString(v.hex)
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkAgainstReference(t, b)
	})
}

func FuzzDecode(f *testing.F) {
	for _, v := range vectors {
		f.Add(v.enc)
	}
	f.Add("0OIl")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Decode(s)
		want, werr := mrtron.Decode(s)
		if (err == nil) != (werr == nil || s == "") {
			t.Fatalf("Decode(%q): error %v, reference %v", s, err, werr)
		}
		if err == nil && s != "" && !bytes.Equal(got, want) {
			t.Fatalf("Decode(%q) = %x, reference %x", s, got, want)
		}
		if err == nil && Encode(got) != s {
			// Not every string is canonical only if... base58 has one
			// spelling per byte string, so a decoded value re-encodes to s.
			t.Fatalf("Encode(Decode(%q)) = %q", s, Encode(got))
		}
	})
}

var sig64 = bytes.Repeat([]byte{0x9b, 0x31, 0x07, 0xfe}, 16)

func BenchmarkEncode64(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Encode(sig64)
	}
}

func BenchmarkDecode64(b *testing.B) {
	s := Encode(sig64)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(s); err != nil {
			b.Fatal(err)
		}
	}
}
