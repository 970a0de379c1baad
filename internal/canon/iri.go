package canon

import (
	"strings"
	"unicode/utf8"
)

// validIRI reports whether s is an absolute IRI (RFC 3987, section 2.2:
// scheme ":" ihier-part [ "?" iquery ] [ "#" ifragment ]) that canonical
// N-Quads can carry as written: an IRIREF may not contain the characters
// U+0000-U+0020, <, >, ", {, }, |, ^, ` or \ (RDF 1.1 N-Quads, production
// [10]), and none of those is allowed by RFC 3987 either. An IRI that fails
// here could, once written between < and >, end its term early and add
// statements of its own to the canonical form, so that two different
// documents would share canonical bytes and a signature.
//
// The check is structural, not a normalizer: percent-encodings must be
// well formed, an authority must be [userinfo "@"] host [":" port] with
// an IP literal only in brackets, and every other character must be one
// RFC 3987 allows where it appears.
func validIRI(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || !validScheme(s[:colon]) {
		return false
	}
	rest := s[colon+1:]
	// Split off the fragment, then the query.
	frag, hasFrag := "", false
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, frag, hasFrag = rest[:i], rest[i+1:], true
	}
	query, hasQuery := "", false
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query, hasQuery = rest[:i], rest[i+1:], true
	}
	path := rest
	if strings.HasPrefix(rest, "//") {
		auth := rest[2:]
		path = ""
		if i := strings.IndexByte(auth, '/'); i >= 0 {
			auth, path = auth[:i], auth[i:]
		}
		if !validAuthority(auth) {
			return false
		}
	}
	if !validChars(path, "/:@", false) {
		return false
	}
	if hasQuery && !validChars(query, "/:@?", true) {
		return false
	}
	if hasFrag && !validChars(frag, "/:@?", false) {
		return false
	}
	return true
}

// validScheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// validAuthority: [ iuserinfo "@" ] ihost [ ":" port ].
func validAuthority(a string) bool {
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		if !validChars(a[:i], ":", false) {
			return false
		}
		a = a[i+1:]
	}
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 || !validIPLiteral(a[1:end]) {
			return false
		}
		a = a[end+1:]
		if a == "" {
			return true
		}
		if a[0] != ':' {
			return false
		}
		return allDigits(a[1:])
	}
	if i := strings.LastIndexByte(a, ':'); i >= 0 {
		if !allDigits(a[i+1:]) {
			return false
		}
		a = a[:i]
	}
	// ireg-name (an IPv4address is a reg-name too): no ":" left.
	return validChars(a, "", false)
}

// validIPLiteral accepts the characters of IPv6address and IPvFuture
// ("v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )); it does not
// check the IPv6 grammar beyond that, which is harmless here: none of
// these characters can end an N-Quads IRI.
func validIPLiteral(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isUnreserved(c) || isSubDelim(c) || c == ':') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validChars reports whether s is made of iunreserved, pct-encoded and
// sub-delims characters and those in extra; private allows iprivate
// (RFC 3987 allows it in the query only).
func validChars(s, extra string, private bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case isUnreserved(c), isSubDelim(c), strings.IndexByte(extra, c) >= 0:
				i++
			case c == '%':
				if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
					return false
				}
				i += 3
			default:
				return false
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !(isUCSChar(r) || private && isIPrivate(r)) {
			return false
		}
		i += n
	}
	return true
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func isSubDelim(c byte) bool { return strings.IndexByte("!$&'()*+,;=", c) >= 0 }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isUCSChar is RFC 3987's ucschar.
func isUCSChar(r rune) bool {
	switch {
	case 0xA0 <= r && r <= 0xD7FF, 0xF900 <= r && r <= 0xFDCF, 0xFDF0 <= r && r <= 0xFFEF:
		return true
	case 0x10000 <= r && r <= 0xEFFFD:
		// %x10000-1FFFD / %x20000-2FFFD / ... / %xE1000-EFFFD: every plane
		// but its last two code points (and plane 14 from E1000).
		if r&0xFFFF >= 0xFFFE {
			return false
		}
		return r < 0xE0000 || r >= 0xE1000
	}
	return false
}

// isIPrivate is RFC 3987's iprivate.
func isIPrivate(r rune) bool {
	return 0xE000 <= r && r <= 0xF8FF || 0xF0000 <= r && r <= 0xFFFFD || 0x100000 <= r && r <= 0x10FFFD
}
