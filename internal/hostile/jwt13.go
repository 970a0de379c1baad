package hostile

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// jwtClaims (issue 13): OB 3.0 VC-JWTs, validly signed by the issuer,
// whose registered claims or header members have the wrong JSON type, an
// out-of-range NumericDate or a case-variant name; time checks on tokens
// whose credential has no validFrom/validUntil (so exp, nbf and iat are
// the only window); a vp claim that is a string; and the JWS JSON
// serialization.
func (g *gen) jwtClaims() {
	good, parts, header, payload := g.goodJWT()

	// undated is the good payload over a credential without validFrom and
	// validUntil, and without nbf and exp.
	undated := clone(payload)
	delete(sub(undated, "vc"), "validFrom")
	delete(sub(undated, "vc"), "validUntil")
	delete(undated, "nbf")
	delete(undated, "exp")

	edit := func(name string, base map[string]any, h func(map[string]any), p func(map[string]any)) {
		hh, pp := clone(header), clone(base)
		if h != nil {
			h(hh)
		}
		if p != nil {
			p(pp)
		}
		g.put(name, rawJWT(hh, pp, g.edSign(g.issuer)))
	}
	unix := func(t time.Time) float64 { return float64(t.Unix()) }
	past := Now.AddDate(-1, 0, 0)  // 2025-01-01
	future := Now.AddDate(4, 0, 0) // 2030-01-01

	// Claims of the wrong type or out of range: refused at parse, naming
	// the claim, never read as "no claim" or as "expired".
	edit("jwt-exp-string.jwt", undated, nil, func(p map[string]any) { p["exp"] = "1735689600" })
	edit("jwt-nbf-string.jwt", undated, nil, func(p map[string]any) { p["nbf"] = "1893456000" })
	edit("jwt-iat-string.jwt", undated, nil, func(p map[string]any) { p["iat"] = "2025-06-01T00:00:00Z" })
	edit("jwt-exp-1e300.jwt", undated, nil, func(p map[string]any) { p["exp"] = 1e300 })
	edit("jwt-exp-negative.jwt", undated, nil, func(p map[string]any) { p["exp"] = -1 })
	edit("jwt-exp-uppercase.jwt", undated, nil, func(p map[string]any) { p["EXP"] = unix(past) })
	edit("jwt-sub-number.jwt", payload, nil, func(p map[string]any) { p["sub"] = 4711 })
	edit("jwt-vc-string.jwt", payload, nil, func(p map[string]any) {
		vc, err := json.Marshal(p["vc"])
		g.fail(err)
		p["vc"] = string(vc)
	})

	// Numeric times outside the window: refused by the proof check.
	edit("jwt-exp-past.jwt", undated, nil, func(p map[string]any) { p["exp"] = unix(past) })
	edit("jwt-nbf-future.jwt", undated, nil, func(p map[string]any) { p["nbf"] = unix(future) })
	edit("jwt-iat-future.jwt", undated, nil, func(p map[string]any) { p["iat"] = unix(future) })

	// Header members: a case-variant kid, a lower-case alg, a nested JWT.
	edit("jwt-header-kid-uppercase.jwt", payload, func(h map[string]any) {
		h["KID"] = h["kid"]
		delete(h, "kid")
	}, nil)
	edit("jwt-alg-lowercase.jwt", payload, func(h map[string]any) { h["alg"] = "eddsa" }, nil)
	edit("jwt-cty-nested.jwt", payload, func(h map[string]any) { h["cty"] = "JWT" }, nil)

	// b64 false without crit: go-jose would check the signature over the
	// unencoded payload, and this one is made that way.
	b64 := clone(header)
	b64["b64"] = false
	bh, err := json.Marshal(b64)
	g.fail(err)
	bp, err := json.Marshal(payload)
	g.fail(err)
	input := base64.RawURLEncoding.EncodeToString(bh)
	sig := g.edSign(g.issuer)([]byte(input + "." + string(bp)))
	g.put("jwt-b64-false-no-crit.jwt", []byte(input+"."+base64.RawURLEncoding.EncodeToString(bp)+"."+base64.RawURLEncoding.EncodeToString(sig)))

	// The same signature, its unused low bits set: a second spelling of
	// the control token.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, good[len(good)-1])
	g.put("jwt-signature-noncanonical.jwt", []byte(good[:len(good)-1]+string(alphabet[last^1])))

	// A presentation JWT (setup vp) whose vp claim is a string.
	vp, err := json.Marshal(map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"},
		"type":     []any{"VerifiablePresentation"},
		"holder":   g.other.DID().String(),
	})
	g.fail(err)
	vpHeader := map[string]any{"alg": "EdDSA", "kid": g.other.VerificationMethod(), "typ": "JWT"}
	g.put("jwt-vp-string.jwt", rawJWT(vpHeader, map[string]any{"iss": g.other.DID().String(), "nonce": Challenge, "vp": string(vp)}, g.edSign(g.other)))

	// The control token in the JWS JSON serializations (RFC 7515 §7.2).
	g.putJSON("jws-json-flattened.json", map[string]any{"payload": parts[1], "protected": parts[0], "signature": parts[2]})
	g.putJSON("jws-json-general.json", map[string]any{"payload": parts[1], "signatures": []any{map[string]any{"protected": parts[0], "signature": parts[2]}}})
}
