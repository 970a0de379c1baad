package vcjwt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc"
)

// header is the protected header of a token, read by exact member names.
type header struct {
	Alg, Kid, Typ, Cty     string
	HasKid, HasTyp, HasCty bool
	// Crit is the crit member if present (refused by parseToken).
	Crit json.RawMessage
	JWK  json.RawMessage
}

// headerNames are the JOSE header parameters registered for JWS (RFC 7515
// §4.1, RFC 7797). go-jose reads them case-sensitively; a member whose name
// differs from one only in case is refused, so no reader (encoding/json
// folds case) can see a header parameter that go-jose and microcred do
// not.
var headerNames = []string{"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "b64"}

// maxHeaderBytes caps a decoded protected header.
const maxHeaderBytes = 64 << 10

// segment decodes one part of a compact JWS strictly: unpadded base64url
// whose unused trailing bits are zero, so that one token has exactly one
// spelling (go-jose accepts non-zero trailing bits in the signature).
func segment(s, what string) ([]byte, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not canonical base64url", ErrMalformed, what)
	}
	return b, nil
}

// members decodes a strict JSON object into its members' exact bytes,
// keyed by their exact (unescaped) names.
func members(data []byte, maxBytes int) (map[string]json.RawMessage, error) {
	if err := strictjson.Check(data, strictjson.Limits{MaxBytes: maxBytes}); err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	return m, nil
}

// parseHeader reads a decoded protected header. It does not judge alg or
// crit (parseToken does).
func parseHeader(hb []byte) (header, error) {
	var h header
	m, err := members(hb, maxHeaderBytes)
	if err != nil {
		return h, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	for name := range m {
		for _, r := range headerNames {
			if name != r && strings.EqualFold(name, r) {
				return h, fmt.Errorf("%w: header member %q differs from %q only in case", ErrMalformed, name, r)
			}
		}
	}
	for _, f := range []struct {
		name string
		val  *string
		has  *bool
	}{{"alg", &h.Alg, nil}, {"kid", &h.Kid, &h.HasKid}, {"typ", &h.Typ, &h.HasTyp}, {"cty", &h.Cty, &h.HasCty}} {
		raw, ok := m[f.name]
		if !ok {
			continue
		}
		if raw[0] != '"' || json.Unmarshal(raw, f.val) != nil {
			return h, fmt.Errorf("%w: header %s is not a string", ErrMalformed, f.name)
		}
		if f.has != nil {
			*f.has = true
			if *f.val == "" {
				return h, fmt.Errorf("%w: header %s is empty", ErrMalformed, f.name)
			}
		}
	}
	// RFC 7797's b64 must be listed in crit, which is refused anyway; but
	// go-jose honours "b64": false without crit and then checks the
	// signature over the unencoded payload, which no other reader of the
	// token would. Any b64 member is refused.
	if _, ok := m["b64"]; ok {
		return h, fmt.Errorf("%w: header b64 (RFC 7797 unencoded payload) is not supported", ErrMalformed)
	}
	h.Crit, h.JWK = m["crit"], m["jwk"]
	return h, nil
}

// mediaType normalizes a typ or cty value (RFC 7515 §4.1.9, §4.1.10):
// media types are case-insensitive, and a value without "/" stands for
// "application/" + value.
func mediaType(v string) string {
	v = strings.ToLower(v)
	if rest, ok := strings.CutPrefix(v, "application/"); ok && !strings.Contains(rest, "/") {
		return rest
	}
	return v
}

// kind is what a token secures: a credential or a presentation.
type kind struct {
	name  string   // "credential"
	claim string   // the VCDM 1.1 claim carrying it: "vc"
	typs  []string // VC-JOSE-COSE media types (normalized)
	ctys  []string // content types accepted in cty (normalized)
}

var (
	credentialKind   = kind{"credential", "vc", []string{"vc+jwt", "vc+ld+json+jwt"}, []string{"vc", "vc+ld+json"}}
	presentationKind = kind{"presentation", "vp", []string{"vp+jwt", "vp+ld+json+jwt"}, []string{"vp", "vp+ld+json"}}
)

// secured picks the form of a token from its media type and returns the
// document it secures: VC-JOSE-COSE (typ vc+jwt or vp+jwt; the payload is
// the document and carries no vc/vp claim), the VCDM 1.1 / OB 3.0 form
// (typ JWT or none, with the document in the vc or vp claim), or, for a
// credential, OB 3.0's VCDM 2.0 form (typ JWT or none, no vc claim, and
// the payload is a VCDM 2.0 credential). A cty, if present, must name the
// same kind of document (a nested JWT, cty "JWT", is refused).
func (k kind) secured(h header, pb []byte, c *claims) (Format, []byte, error) {
	if h.HasCty && !slices.Contains(k.ctys, mediaType(h.Cty)) {
		return 0, nil, fmt.Errorf("%w: content type (cty) %q is not a %s", ErrMalformed, h.Cty, k.name)
	}
	typ := mediaType(h.Typ)
	hasOwn := c.hasVC
	if k.claim == "vp" {
		hasOwn = c.hasVP
	}
	switch {
	case slices.Contains(k.typs, typ):
		if c.hasVC || c.hasVP {
			return 0, nil, fmt.Errorf("%w: a %s payload must be the %s, not carry vc/vp claims", ErrMalformed, h.Typ, k.name)
		}
		return FormatJOSE, pb, nil
	case (!h.HasTyp || typ == "jwt") && hasOwn:
		m, err := members(pb, 0)
		if err != nil {
			return 0, nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
		}
		// A reader of OB 3.0's payload form would take a top-level
		// document for the credential, and this one the vc claim.
		if _, ok := m["@context"]; ok {
			return 0, nil, fmt.Errorf("%w: the payload has both a %s claim and an @context of its own: two %ss", ErrMalformed, k.claim, k.name)
		}
		return FormatOB3, m[k.claim], nil
	case (!h.HasTyp || typ == "jwt") && k.claim == "vc" && !c.hasVP && firstContextV2(pb):
		// OB 3.0 §8.2: the payload is the VCDM 2.0 credential, with the
		// JWT claims beside its members. A VCDM 1.1 credential goes in
		// the vc claim (the note in the same section).
		return formatOB3Payload, pb, nil
	}
	return 0, nil, fmt.Errorf("%w: media type %q with no %s claim is not a %s", ErrMalformed, h.Typ, k.claim, k.name)
}

// firstContextV2 reports whether the JSON object pb's @context is, or
// begins with, the VCDM 2.0 context.
func firstContextV2(pb []byte) bool {
	m, err := members(pb, 0)
	if err != nil {
		return false
	}
	var ctx any
	if json.Unmarshal(m["@context"], &ctx) != nil {
		return false
	}
	if l, ok := ctx.([]any); ok && len(l) > 0 {
		ctx = l[0]
	}
	return ctx == vc.ContextV2
}

// IsJSONSerialization reports whether data is a JWS in the JSON
// serialization (RFC 7515 §7.2): a strict JSON object with a "payload"
// member and a "signatures" (general), "signature" or "protected"
// (flattened) member. Only the compact serialization is verified; this
// lets a caller tell the user so rather than parse the object as a
// credential. It verifies nothing.
func IsJSONSerialization(data []byte) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	m, err := members(data, limits.MaxCredentialBytes)
	if err != nil {
		return false
	}
	if _, ok := m["payload"]; !ok {
		return false
	}
	for _, n := range []string{"signatures", "signature", "protected"} {
		if _, ok := m[n]; ok {
			return true
		}
	}
	return false
}
