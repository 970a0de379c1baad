package did

import (
	"fmt"
	"strings"
)

// DID is a parsed decentralized identifier, did:<method>:<method-specific-id>.
// The zero value is not a valid DID.
type DID struct {
	method string
	id     string
}

// Parse parses s as a DID (no path, query or fragment) per the DID Core
// ABNF: "did:" method-name ":" method-specific-id, where method-name is
// 1*( %x61-7A / DIGIT ) and method-specific-id is *( *idchar ":" ) 1*idchar
// with idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded.
func Parse(s string) (DID, error) {
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok {
		return DID{}, fmt.Errorf("%w: %q does not start with \"did:\"", ErrInvalidDID, s)
	}
	method, id, ok := strings.Cut(rest, ":")
	if !ok || method == "" {
		return DID{}, fmt.Errorf("%w: %q has no method", ErrInvalidDID, s)
	}
	for i := 0; i < len(method); i++ {
		c := method[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return DID{}, fmt.Errorf("%w: method name %q must be lowercase letters and digits", ErrInvalidDID, method)
		}
	}
	if err := checkMethodSpecificID(id); err != nil {
		return DID{}, fmt.Errorf("%w: %q: %v", ErrInvalidDID, s, err)
	}
	return DID{method: method, id: id}, nil
}

func checkMethodSpecificID(id string) error {
	if id == "" {
		return fmt.Errorf("empty method-specific id")
	}
	if strings.HasSuffix(id, ":") {
		return fmt.Errorf("method-specific id ends with ':'")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '_', c == ':':
		case c == '%':
			if i+2 >= len(id) || !isHex(id[i+1]) || !isHex(id[i+2]) {
				return fmt.Errorf("bad percent-encoding")
			}
			i += 2
		default:
			return fmt.Errorf("character %q not allowed in a method-specific id", c)
		}
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Method returns the method name, e.g. "key".
func (d DID) Method() string { return d.method }

// ID returns the method-specific identifier.
func (d DID) ID() string { return d.id }

// IsZero reports whether d is the zero DID.
func (d DID) IsZero() bool { return d.method == "" }

// String returns "did:<method>:<id>", or "" for the zero DID.
func (d DID) String() string {
	if d.IsZero() {
		return ""
	}
	return "did:" + d.method + ":" + d.id
}

// URL is a parsed DID URL: a DID with optional path, query and fragment.
type URL struct {
	DID      DID
	Path     string // including the leading "/", or ""
	Query    string // without "?", or ""
	Fragment string // without "#", or ""

	hasQuery, hasFragment bool
}

// ParseURL parses a DID URL: did [path-abempty] ["?" query] ["#" fragment].
func ParseURL(s string) (URL, error) {
	var u URL
	rest := s
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		u.Fragment, u.hasFragment = rest[i+1:], true
		rest = rest[:i]
		if err := checkURLPart(u.Fragment, "/?"); err != nil {
			return URL{}, fmt.Errorf("%w: fragment of %q: %v", ErrInvalidDID, s, err)
		}
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		u.Query, u.hasQuery = rest[i+1:], true
		rest = rest[:i]
		if err := checkURLPart(u.Query, "/?"); err != nil {
			return URL{}, fmt.Errorf("%w: query of %q: %v", ErrInvalidDID, s, err)
		}
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		u.Path = rest[i:]
		rest = rest[:i]
		if err := checkURLPart(u.Path, "/"); err != nil {
			return URL{}, fmt.Errorf("%w: path of %q: %v", ErrInvalidDID, s, err)
		}
	}
	d, err := Parse(rest)
	if err != nil {
		return URL{}, err
	}
	u.DID = d
	return u, nil
}

// checkURLPart allows RFC 3986 pchar plus extra.
func checkURLPart(s, extra string) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0, strings.IndexByte(extra, c) >= 0:
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return fmt.Errorf("bad percent-encoding")
			}
			i += 2
		default:
			return fmt.Errorf("character %q not allowed", c)
		}
	}
	return nil
}

// String returns the DID URL; ParseURL(u.String()) returns u.
func (u URL) String() string {
	var b strings.Builder
	b.WriteString(u.DID.String())
	b.WriteString(u.Path)
	if u.hasQuery || u.Query != "" {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	if u.hasFragment || u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(u.Fragment)
	}
	return b.String()
}
