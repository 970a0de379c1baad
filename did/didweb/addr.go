package didweb

import (
	"fmt"
	"net/netip"
)

// The address guard: a did:web (or https key) document is fetched only
// from an address that is globally reachable unicast. The tables follow
// the IANA IPv4 and IPv6 Special-Purpose Address Registries
// (https://www.iana.org/assignments/iana-ipv4-special-registry,
// https://www.iana.org/assignments/iana-ipv6-special-registry; RFC 6890,
// RFC 8190): every block whose "Globally Reachable" is False or N/A is
// refused, plus multicast and, for IPv6, everything outside Global Unicast
// 2000::/3 (the IANA IPv6 Address Space registry; RFC 4291 2.4).
//
// Where the registries mark a block inside a refused one as globally
// reachable, the whole block is still refused: 192.0.0.0/24 and
// 2001::/23 (IETF Protocol Assignments) hold anycast services (PCP, TURN,
// DNS-SD SRP, AMT, AS112, ORCHIDv2, DRIP) that never serve a DID document.
// The globally reachable /24s outside them (192.31.196.0/24 and
// 192.175.48.0/24 AS112, 192.52.193.0/24 AMT, 2620:4f:8000::/48 AS112)
// are ordinary addresses here.
//
// IPv6 forms that carry an IPv4 address are judged by that address:
// IPv4-mapped ::ffff:a.b.c.d (how Go represents every IPv4 address, and
// dialed as IPv4) is unmapped first; NAT64 64:ff9b::/96 (RFC 6052) and
// 6to4 2002::/16 (RFC 3056) are refused when the IPv4 address they embed
// is. Forms whose embedded address cannot be trusted or located are
// refused outright: IPv4-compatible ::/96 (deprecated, RFC 4291 2.5.5.1),
// IPv4-translated ::ffff:0:0:0/96 (RFC 2765), Teredo 2001::/32 (RFC 4380;
// it embeds an obfuscated client address and a server address) and the
// local-use translation prefix 64:ff9b:1::/48 (RFC 8215, where the IPv4
// address may sit at several offsets).

// block is a refused address block and its name in the registries.
type block struct {
	prefix netip.Prefix
	name   string
}

func blocks(list ...string) []block {
	out := make([]block, 0, len(list)/2)
	for i := 0; i < len(list); i += 2 {
		out = append(out, block{netip.MustParsePrefix(list[i]), list[i+1]})
	}
	return out
}

// ipv4Blocks: the more specific blocks come first, so the error names
// them.
var ipv4Blocks = blocks(
	"0.0.0.0/32", `"This host on this network" (RFC 1122 3.2.1.3)`,
	"0.0.0.0/8", `"This network" (RFC 791 3.2)`,
	"10.0.0.0/8", "Private-Use (RFC 1918)",
	"100.64.0.0/10", "Shared Address Space, carrier-grade NAT (RFC 6598)",
	"127.0.0.0/8", "Loopback (RFC 1122 3.2.1.3)",
	"169.254.0.0/16", "Link Local (RFC 3927)",
	"172.16.0.0/12", "Private-Use (RFC 1918)",
	"192.0.0.0/29", "IPv4 Service Continuity Prefix (RFC 7335)",
	"192.0.0.8/32", "IPv4 dummy address (RFC 7600)",
	"192.0.0.9/32", "Port Control Protocol Anycast (RFC 7723)",
	"192.0.0.10/32", "Traversal Using Relays around NAT Anycast (RFC 8155)",
	"192.0.0.170/31", "NAT64/DNS64 Discovery (RFC 8880, RFC 7050 2.2)",
	"192.0.0.0/24", "IETF Protocol Assignments (RFC 6890 2.1)",
	"192.0.2.0/24", "Documentation, TEST-NET-1 (RFC 5737)",
	"192.88.99.0/24", "Deprecated 6to4 Relay Anycast (RFC 7526)",
	"192.168.0.0/16", "Private-Use (RFC 1918)",
	"198.18.0.0/15", "Benchmarking (RFC 2544)",
	"198.51.100.0/24", "Documentation, TEST-NET-2 (RFC 5737)",
	"203.0.113.0/24", "Documentation, TEST-NET-3 (RFC 5737)",
	"224.0.0.0/4", "Multicast (RFC 5771, IANA IPv4 Multicast Address Space)",
	"255.255.255.255/32", "Limited Broadcast (RFC 8190, RFC 919 7)",
	"240.0.0.0/4", "Reserved (RFC 1112 4)",
)

// ipv6Blocks: refused outright. NAT64 64:ff9b::/96 and 6to4 2002::/16
// are judged by their embedded IPv4 address; IPv4-mapped addresses are
// unmapped before any table is consulted.
var ipv6Blocks = blocks(
	"::/128", "Unspecified Address (RFC 4291 2.5.2)",
	"::1/128", "Loopback Address (RFC 4291 2.5.3)",
	"::ffff:0:0:0/96", "IPv4-translated Address (RFC 2765 2.1)",
	"::/96", "IPv4-compatible Address, deprecated (RFC 4291 2.5.5.1)",
	"64:ff9b:1::/48", "IPv4-IPv6 Translation, local use (RFC 8215)",
	"100::/64", "Discard-Only Address Block (RFC 6666)",
	"2001::/32", "TEREDO (RFC 4380, RFC 8190)",
	"2001:2::/48", "Benchmarking (RFC 5180)",
	"2001:10::/28", "Deprecated, previously ORCHID (RFC 4843)",
	"2001::/23", "IETF Protocol Assignments (RFC 2928)",
	"2001:db8::/32", "Documentation (RFC 3849)",
	"3fff::/20", "Documentation (RFC 9637)",
	"5f00::/16", "Segment Routing (SRv6) SIDs (RFC 9602)",
	"fc00::/7", "Unique-Local (RFC 4193, RFC 8190)",
	"fe80::/10", "Link-Local Unicast (RFC 4291 2.5.6)",
	"fec0::/10", "Site-Local, deprecated (RFC 3879)",
	"ff00::/8", "Multicast (RFC 4291 2.7)",
)

var (
	globalUnicast = netip.MustParsePrefix("2000::/3")
	nat64         = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour     = netip.MustParsePrefix("2002::/16")
)

// checkAddress returns nil if ip is a globally reachable unicast address,
// one the guarded fetcher may connect to. Otherwise it returns an
// *addressError (wrapping [ErrNonPublicAddress]) that names the
// registry block the address is in.
func checkAddress(ip netip.Addr) error {
	if b := refusedBlock(ip); b != "" {
		return &addressError{Addr: ip, Block: b}
	}
	return nil
}

// refusedBlock names the block that makes ip non-public, or returns "".
func refusedBlock(ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return "invalid address"
	case ip.Zone() != "":
		return "scoped address (zone " + ip.Zone() + ")"
	case ip.Is4In6():
		// An IPv4-mapped address is dialed as the IPv4 address it maps.
		if b := refusedBlock(ip.Unmap()); b != "" {
			return "::ffff:0:0/96 IPv4-mapped Address (RFC 4291 2.5.5.2) of " + b
		}
		return ""
	case ip.Is4():
		for _, b := range ipv4Blocks {
			if b.prefix.Contains(ip) {
				return b.prefix.String() + " " + b.name
			}
		}
		return ""
	}
	for _, b := range ipv6Blocks {
		if b.prefix.Contains(ip) {
			return b.prefix.String() + " " + b.name
		}
	}
	// NAT64 and 6to4 addresses are judged by the IPv4 address they carry:
	// bits 96-127 for the NAT64 Well-Known Prefix (RFC 6052 2.2), bits
	// 16-47 for 6to4 (RFC 3056 2).
	a := ip.As16()
	switch {
	case nat64.Contains(ip):
		v4 := netip.AddrFrom4([4]byte(a[12:16]))
		if b := refusedBlock(v4); b != "" {
			return fmt.Sprintf("64:ff9b::/96 NAT64 (RFC 6052) embedding %s, %s", v4, b)
		}
		return ""
	case sixToFour.Contains(ip):
		v4 := netip.AddrFrom4([4]byte(a[2:6]))
		if b := refusedBlock(v4); b != "" {
			return fmt.Sprintf("2002::/16 6to4 (RFC 3056) embedding %s, %s", v4, b)
		}
		return ""
	case !globalUnicast.Contains(ip):
		return "outside Global Unicast 2000::/3 (RFC 4291 2.4, IANA IPv6 Address Space)"
	}
	return ""
}
