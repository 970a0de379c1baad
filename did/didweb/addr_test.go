package didweb

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refused: one or more addresses in each block the guard refuses, the
// block's prefix and the source the error must name (the RFC cited by the
// IANA IPv4/IPv6 Special-Purpose Address Registries, or the one defining
// the form).
var refused = []struct{ addr, block, source string }{
	// IANA IPv4 Special-Purpose Address Registry.
	{"0.0.0.0", "0.0.0.0/32", "RFC 1122"},
	{"0.1.2.3", "0.0.0.0/8", "RFC 791"},
	{"10.1.2.3", "10.0.0.0/8", "RFC 1918"},
	{"100.64.0.1", "100.64.0.0/10", "RFC 6598"},
	{"100.127.255.254", "100.64.0.0/10", "RFC 6598"},
	{"127.0.0.1", "127.0.0.0/8", "RFC 1122"},
	{"127.255.255.254", "127.0.0.0/8", "RFC 1122"},
	{"169.254.169.254", "169.254.0.0/16", "RFC 3927"},
	{"172.16.0.1", "172.16.0.0/12", "RFC 1918"},
	{"172.31.255.255", "172.16.0.0/12", "RFC 1918"},
	{"192.0.0.1", "192.0.0.0/29", "RFC 7335"},
	{"192.0.0.8", "192.0.0.8/32", "RFC 7600"},
	{"192.0.0.9", "192.0.0.9/32", "RFC 7723"},
	{"192.0.0.10", "192.0.0.10/32", "RFC 8155"},
	{"192.0.0.170", "192.0.0.170/31", "RFC 8880"},
	{"192.0.0.171", "192.0.0.170/31", "RFC 8880"},
	{"192.0.0.200", "192.0.0.0/24", "RFC 6890"},
	{"192.0.2.1", "192.0.2.0/24", "RFC 5737"},
	{"192.88.99.1", "192.88.99.0/24", "RFC 7526"},
	{"192.168.1.1", "192.168.0.0/16", "RFC 1918"},
	{"198.18.0.1", "198.18.0.0/15", "RFC 2544"},
	{"198.19.255.255", "198.18.0.0/15", "RFC 2544"},
	{"198.51.100.1", "198.51.100.0/24", "RFC 5737"},
	{"203.0.113.1", "203.0.113.0/24", "RFC 5737"},
	{"224.0.0.1", "224.0.0.0/4", "RFC 5771"},
	{"239.255.255.250", "224.0.0.0/4", "RFC 5771"},
	{"240.0.0.1", "240.0.0.0/4", "RFC 1112"},
	{"255.255.255.255", "255.255.255.255/32", "RFC 8190"},
	// IANA IPv6 Special-Purpose Address Registry.
	{"::", "::/128", "RFC 4291"},
	{"::1", "::1/128", "RFC 4291"},
	{"::ffff:0:10.0.0.1", "::ffff:0:0:0/96", "RFC 2765"},
	{"::ffff:0:8.8.8.8", "::ffff:0:0:0/96", "RFC 2765"},
	{"64:ff9b:1::a00:1", "64:ff9b:1::/48", "RFC 8215"},
	{"64:ff9b:1:ffff::808:808", "64:ff9b:1::/48", "RFC 8215"},
	{"100::1", "100::/64", "RFC 6666"},
	{"2001::1", "2001::/32", "RFC 4380"},
	{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::/32", "RFC 4380"},
	{"2001:1::1", "2001::/23", "RFC 2928"},
	{"2001:2::1", "2001:2::/48", "RFC 5180"},
	{"2001:10::1", "2001:10::/28", "RFC 4843"},
	{"2001:20::1", "2001::/23", "RFC 2928"},
	{"2001:db8::1", "2001:db8::/32", "RFC 3849"},
	{"3fff::1", "3fff::/20", "RFC 9637"},
	{"5f00::1", "5f00::/16", "RFC 9602"},
	{"fc00::1", "fc00::/7", "RFC 4193"},
	{"fd12:3456::1", "fc00::/7", "RFC 4193"},
	{"fe80::1", "fe80::/10", "RFC 4291"},
	{"fec0::1", "fec0::/10", "RFC 3879"},
	{"ff02::1", "ff00::/8", "RFC 4291"},
	// IPv4-compatible (deprecated, RFC 4291 2.5.5.1), even of a public address.
	{"::10.0.0.1", "::/96", "RFC 4291 2.5.5.1"},
	{"::8.8.8.8", "::/96", "RFC 4291 2.5.5.1"},
	// Outside Global Unicast (IANA IPv6 Address Space registry).
	{"4000::1", "outside Global Unicast 2000::/3", "RFC 4291 2.4"},
	{"1::1", "outside Global Unicast 2000::/3", "RFC 4291 2.4"},
	// Forms embedding an IPv4 address, judged by it.
	{"::ffff:127.0.0.1", "::ffff:0:0/96", "RFC 1122"},
	{"::ffff:10.0.0.1", "::ffff:0:0/96", "RFC 1918"},
	{"::ffff:100.64.0.1", "::ffff:0:0/96", "RFC 6598"},
	{"64:ff9b::a00:1", "64:ff9b::/96", "RFC 1918"},
	{"64:ff9b::7f00:1", "64:ff9b::/96", "RFC 1122"},
	{"64:ff9b::6440:1", "64:ff9b::/96", "RFC 6598"},
	{"64:ff9b::c612:1", "64:ff9b::/96", "RFC 2544"},
	{"2002:a00:1::1", "2002::/16", "RFC 1918"},
	{"2002:c000:201::1", "2002::/16", "RFC 5737"},
	{"2002:a9fe:a9fe::1", "2002::/16", "RFC 3927"},
	// Scoped.
	{"fe80::1%eth0", "scoped address", "zone eth0"},
}

// public: ordinary addresses, and the edges of the refused blocks.
var public = []string{
	"8.8.8.8", "1.1.1.1", "93.184.215.14",
	"100.63.255.255", "100.128.0.0", // around 100.64.0.0/10
	"198.17.255.255", "198.20.0.0", // around 198.18.0.0/15
	"172.15.255.255", "172.32.0.0", // around 172.16.0.0/12
	"192.0.1.0", "192.88.98.255", "192.88.100.0", "223.255.255.255",
	"192.31.196.1", "192.52.193.1", "192.175.48.1", // AS112, AMT: globally reachable per the registry
	"2001:4860:4860::8888", "2606:4700:4700::1111",
	"2001:200::1",                         // just past 2001::/23
	"2620:4f:8000::1",                     // AS112-v6, globally reachable per the registry
	"::ffff:8.8.8.8",                      // IPv4-mapped public address: dialed as 8.8.8.8
	"64:ff9b::808:808", "2002:808:808::1", // NAT64, 6to4 of 8.8.8.8
}

func TestCheckAddressRefusesSpecialPurposeBlocks(t *testing.T) {
	for _, tc := range refused {
		t.Run(tc.addr, func(t *testing.T) {
			ip, err := netip.ParseAddr(tc.addr)
			require.NoError(t, err)
			err = checkAddress(ip)
			require.ErrorIs(t, err, ErrNonPublicAddress)
			var ae *addressError
			require.True(t, errors.As(err, &ae))
			assert.Equal(t, ip, ae.Addr)
			assert.True(t, strings.HasPrefix(ae.Block, tc.block), "%s: block %q, want %s", tc.addr, ae.Block, tc.block)
			assert.Contains(t, ae.Block, tc.source, "the error names the registry source")
		})
	}
}

func TestCheckAddressAllowsPublic(t *testing.T) {
	for _, s := range public {
		ip, err := netip.ParseAddr(s)
		require.NoError(t, err)
		assert.NoError(t, checkAddress(ip), s)
	}
	assert.ErrorIs(t, checkAddress(netip.Addr{}), ErrNonPublicAddress, "the zero Addr")
}

// The default guarded dialer checks the socket's address again.
func TestControlGuard(t *testing.T) {
	assert.ErrorIs(t, controlGuard("tcp", "127.0.0.1:443", nil), ErrNonPublicAddress)
	assert.ErrorIs(t, controlGuard("tcp6", "[::ffff:10.0.0.1]:443", nil), ErrNonPublicAddress)
	assert.NoError(t, controlGuard("tcp", "8.8.8.8:443", nil))
	assert.Error(t, controlGuard("tcp", "not an address", nil))
}

func FuzzCheckAddress(f *testing.F) {
	for _, tc := range refused {
		f.Add(netip.MustParseAddr(tc.addr).AsSlice())
	}
	for _, s := range public {
		f.Add(netip.MustParseAddr(s).AsSlice())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ip, ok := netip.AddrFromSlice(b)
		if !ok {
			return
		}
		err := checkAddress(ip)
		// The mapped and unmapped forms of an IPv4 address agree.
		if ip.Is4() {
			if (err == nil) != (checkAddress(netip.AddrFrom16(ip.As16())) == nil) {
				t.Fatalf("%s and its IPv4-mapped form disagree", ip)
			}
		}
		// The Go standard library's own non-public classes are all refused.
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
			ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
			if err == nil {
				t.Fatalf("%s passed", ip)
			}
		}
	})
}
