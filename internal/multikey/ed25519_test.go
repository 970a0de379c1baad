package multikey

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallOrder lists the encodings of the eight small-order points of
// edwards25519 and the six non-canonical encodings of some of them, as
// listed by Chalkias, Garillot and Nikolaenko, "Taming the many EdDSAs"
// (SSR 2020, https://eprint.iacr.org/2020/1244), and by the C2SP/CCTV
// ed25519 vectors (https://github.com/C2SP/CCTV/tree/main/ed25519, "eight
// plus six alternative encodings"). TestSmallOrderListIsRight re-derives
// the order of each with independent point arithmetic.
var smallOrder = []struct {
	name, hex    string
	order        int
	nonCanonical bool
}{
	{"identity", "0100000000000000000000000000000000000000000000000000000000000000", 1, false},
	{"order 2 (0, -1)", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 2, false},
	{"order 4 (sqrt(-1), 0), x even", "0000000000000000000000000000000000000000000000000000000000000000", 4, false},
	{"order 4 (-sqrt(-1), 0), x odd", "0000000000000000000000000000000000000000000000000000000000000080", 4, false},
	{"order 8, y8, x even", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", 8, false},
	{"order 8, y8, x odd", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", 8, false},
	{"order 8, -y8, x even", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", 8, false},
	{"order 8, -y8, x odd", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", 8, false},
	{"identity, sign bit set (x = -0)", "0100000000000000000000000000000000000000000000000000000000000080", 1, true},
	{"order 2, sign bit set (x = -0)", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 2, true},
	{"order 4, y = p (= 0), x even", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 4, true},
	{"order 4, y = p (= 0), x odd", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 4, true},
	{"identity, y = p+1 (= 1)", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 1, true},
	{"identity, y = p+1 (= 1), sign bit set", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 1, true},
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestEd25519SmallOrderRefused(t *testing.T) {
	for _, tc := range smallOrder {
		t.Run(tc.name, func(t *testing.T) {
			b := mustHex(t, tc.hex)
			err := CheckEd25519(b)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.ErrorIs(t, err, ErrSmallOrder, "a point of order %d", tc.order)
			if tc.nonCanonical {
				assert.ErrorIs(t, err, ErrNonCanonical)
			} else {
				assert.NotErrorIs(t, err, ErrNonCanonical, "the canonical encoding is not flagged non-canonical")
			}
			// Every decoding path goes through the check.
			pub, err := DecodePublic(encode(Ed25519Pub, b))
			assert.ErrorIs(t, err, ErrSmallOrder)
			assert.Nil(t, pub)
		})
	}
}

// Without the check, Go's crypto/ed25519 lets the identity key "sign"
// every message with one constant signature: R = identity, S = 0.
func TestIdentityKeyForgesWithoutTheCheck(t *testing.T) {
	identity := mustHex(t, smallOrder[0].hex)
	sig := append(append([]byte(nil), identity...), make([]byte, 32)...)
	for _, msg := range []string{"", "any message", "another one"} {
		assert.True(t, ed25519.Verify(identity, []byte(msg), sig), "the attack this check stops")
	}
	assert.ErrorIs(t, CheckEd25519(identity), ErrSmallOrder)
}

func TestEd25519NonCanonical(t *testing.T) {
	// y = p + 3: the point with y = 3 is on the curve and of large order,
	// but this encoding of it is not canonical (RFC 8032 5.1.3: "if y >= p,
	// decoding fails").
	yp3 := mustHex(t, "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
	err := CheckEd25519(yp3)
	assert.ErrorIs(t, err, ErrNonCanonical)
	assert.NotErrorIs(t, err, ErrSmallOrder)
	y3 := mustHex(t, "0300000000000000000000000000000000000000000000000000000000000000")
	assert.NoError(t, CheckEd25519(y3), "the canonical encoding of the same point")

	assert.ErrorIs(t, CheckEd25519(make([]byte, 31)), ErrInvalid)
}

func TestEd25519RealKeysPass(t *testing.T) {
	pub, err := DecodePublic(knownPublic[0])
	require.NoError(t, err, "the vc-di-eddsa vector key")
	assert.Len(t, pub, 32)
	for range 200 {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		require.NoError(t, err)
		assert.NoError(t, CheckEd25519(pub))
	}
}

// TestSmallOrderListIsRight checks the table above with independent
// arithmetic (affine twisted Edwards formulas over math/big): each entry
// decodes to a point P with [order]P = identity and, for order > 1,
// [order/2]P != identity.
func TestSmallOrderListIsRight(t *testing.T) {
	for _, tc := range smallOrder {
		b := mustHex(t, tc.hex)
		x, y := edDecode(t, b)
		px, py := x, y
		got := 1
		for px.Sign() != 0 || py.Cmp(big.NewInt(1)) != 0 {
			px, py = edAdd(px, py, x, y)
			got++
			require.LessOrEqual(t, got, 8, "%s is not of small order", tc.name)
		}
		assert.Equal(t, tc.order, got, tc.name)
	}
}

func edDecode(t *testing.T, b []byte) (x, y *big.Int) {
	be := make([]byte, 32)
	for i := range be {
		be[i] = b[31-i]
	}
	sign := be[0] >> 7
	be[0] &= 0x7f
	y = new(big.Int).Mod(new(big.Int).SetBytes(be), edP)
	y2 := new(big.Int).Mul(y, y)
	u := new(big.Int).Sub(y2, big.NewInt(1))
	v := new(big.Int).Add(new(big.Int).Mul(edD, y2), big.NewInt(1))
	x2 := new(big.Int).Mul(u, new(big.Int).ModInverse(v.Mod(v, edP), edP))
	x2.Mod(x2, edP)
	x = new(big.Int).ModSqrt(x2, edP)
	require.NotNil(t, x, "on the curve")
	if x.Bit(0) != uint(sign) {
		x.Sub(edP, x).Mod(x, edP)
	}
	return x, y
}

// edAdd adds two points: x3 = (x1 y2 + y1 x2) / (1 + d x1 x2 y1 y2),
// y3 = (y1 y2 + x1 x2) / (1 - d x1 x2 y1 y2) (a = -1).
func edAdd(x1, y1, x2, y2 *big.Int) (*big.Int, *big.Int) {
	m := func(a, b *big.Int) *big.Int { return new(big.Int).Mod(new(big.Int).Mul(a, b), edP) }
	t := m(edD, m(m(x1, x2), m(y1, y2)))
	xn := new(big.Int).Add(m(x1, y2), m(y1, x2))
	yn := new(big.Int).Add(m(y1, y2), m(x1, x2))
	xd := new(big.Int).Add(big.NewInt(1), t)
	yd := new(big.Int).Sub(big.NewInt(1), t)
	x3 := m(xn, new(big.Int).ModInverse(xd.Mod(xd, edP), edP))
	y3 := m(yn, new(big.Int).ModInverse(yd.Mod(yd, edP), edP))
	return x3, y3
}

func BenchmarkCheckEd25519(b *testing.B) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckEd25519(pub); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	// edP is the field prime 2^255 - 19.
	edP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	// edD is the curve constant d = -121665/121666 mod p.
	edD = func() *big.Int {
		d := new(big.Int).Mul(big.NewInt(-121665), new(big.Int).ModInverse(big.NewInt(121666), edP))
		return d.Mod(d, edP)
	}()
)
