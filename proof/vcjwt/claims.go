package vcjwt

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/vc"
)

// registered are the payload members vcjwt reads by name: the JWT
// registered claims (RFC 7519 §4.1), nonce, and the VCDM 1.1 vc and vp
// claims.
var registered = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "nonce", "vc", "vp"}

// maxNumericDate is 9999-12-31T23:59:59Z, the last second an RFC 3339
// date (and so a credential's validUntil) can name.
const maxNumericDate = 253402300799

// claims are the registered claims of a payload, read by their exact
// names from the strictly decoded payload (never through encoding/json
// struct tags, which match member names case-insensitively).
type claims struct {
	iss, sub, jti, nonce             string
	hasIss, hasSub, hasJti, hasNonce bool
	aud                              []string
	hasAud                           bool
	exp, nbf, iat                    time.Time
	hasExp, hasNbf, hasIat           bool
	hasVC, hasVP                     bool
}

// readClaims checks the type of every registered claim present in
// payload and returns their values. A member whose name differs from a
// registered claim only in case (as encoding/json's matching, including
// Unicode folds such as "ſ" for "s", would read it) is refused, so that no
// JWT library can read an exp or iss that microcred does not.
func readClaims(payload map[string]any) (*claims, error) {
	for name := range payload {
		for _, r := range registered {
			if name != r && strings.EqualFold(name, r) {
				return nil, &claimError{Claim: name, Reason: fmt.Sprintf("differs from the registered claim %q only in case", r), Err: ErrMalformed}
			}
		}
	}
	c := &claims{}
	var err error
	for _, s := range []struct {
		name string
		val  *string
		has  *bool
	}{{"iss", &c.iss, &c.hasIss}, {"sub", &c.sub, &c.hasSub}, {"jti", &c.jti, &c.hasJti}, {"nonce", &c.nonce, &c.hasNonce}} {
		if *s.val, *s.has, err = stringClaim(payload, s.name); err != nil {
			return nil, err
		}
	}
	for _, d := range []struct {
		name string
		val  *time.Time
		has  *bool
	}{{"exp", &c.exp, &c.hasExp}, {"nbf", &c.nbf, &c.hasNbf}, {"iat", &c.iat, &c.hasIat}} {
		v, ok := payload[d.name]
		if !ok {
			continue
		}
		if *d.val, err = numericDate(d.name, v); err != nil {
			return nil, err
		}
		*d.has = true
	}
	if v, ok := payload["aud"]; ok {
		c.hasAud = true
		switch a := v.(type) {
		case string:
			c.aud = []string{a}
		case []any:
			for _, e := range a {
				s, ok := e.(string)
				if !ok {
					return nil, &claimError{Claim: "aud", Reason: fmt.Sprintf("has %s element, want a string or an array of strings", jsonType(e)), Err: ErrMalformed}
				}
				c.aud = append(c.aud, s)
			}
		default:
			return nil, &claimError{Claim: "aud", Reason: fmt.Sprintf("is %s, want a string or an array of strings", jsonType(v)), Err: ErrMalformed}
		}
	}
	for _, o := range []struct {
		name string
		has  *bool
	}{{"vc", &c.hasVC}, {"vp", &c.hasVP}} {
		v, ok := payload[o.name]
		if !ok {
			continue
		}
		if _, obj := v.(map[string]any); !obj {
			return nil, &claimError{Claim: o.name, Reason: fmt.Sprintf("is %s, want a JSON object", jsonType(v)), Err: ErrMalformed}
		}
		*o.has = true
	}
	return c, nil
}

// stringClaim returns a claim that must be a JSON string (StringOrURI).
func stringClaim(payload map[string]any, name string) (string, bool, error) {
	v, ok := payload[name]
	if !ok {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, &claimError{Claim: name, Reason: fmt.Sprintf("is %s, want a string", jsonType(v)), Err: ErrMalformed}
	}
	return s, true, nil
}

// numericDate converts an RFC 7519 NumericDate: a JSON number of seconds
// since the epoch, fractions allowed. Anything else (a string such as
// "1700000000", a boolean, null, an object, an array) is malformed, and so
// is a number outside 0 to year 9999: converting those to int64 seconds
// would overflow (1e300 became a date in the past) or name an instant no
// credential date can.
func numericDate(name string, v any) (time.Time, error) {
	f, ok := v.(float64)
	if !ok {
		return time.Time{}, &claimError{Claim: name, Reason: fmt.Sprintf("is %s, want a NumericDate (a JSON number)", jsonType(v)), Err: ErrMalformed}
	}
	// !(in range) also catches NaN, which JSON cannot carry anyway.
	if !(f >= 0 && f <= maxNumericDate) {
		return time.Time{}, &claimError{Claim: name, Reason: fmt.Sprintf("is %s, outside the NumericDate range 0 to %d (year 9999)", strconv.FormatFloat(f, 'g', -1, 64), maxNumericDate), Err: ErrMalformed}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
}

// jsonType names the JSON type of a decoded value, with its article.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}

// checkTimes enforces exp, nbf and iat, when present (RFC 7519 §4.1.4,
// §4.1.5; iat after now is refused too, as a token cannot have been issued
// in the future).
func checkTimes(c *claims, opts VerifyOptions) error {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	skew := opts.ClockSkew
	if skew == 0 {
		skew = proof.DefaultClockSkew
	}
	// From RFC 7519 §4.1.4: the current time MUST be before exp.
	if c.hasExp && !now.Add(-skew).Before(c.exp) {
		return &claimError{Claim: "exp", Reason: "is " + c.exp.Format(time.RFC3339) + ": the token has expired", Err: vc.ErrExpired}
	}
	// From RFC 7519 §4.1.5: the current time MUST be at or after nbf.
	if c.hasNbf && now.Add(skew).Before(c.nbf) {
		return &claimError{Claim: "nbf", Reason: "is " + c.nbf.Format(time.RFC3339) + ": the token is not valid yet", Err: vc.ErrNotYetValid}
	}
	if c.hasIat && now.Add(skew).Before(c.iat) {
		return &claimError{Claim: "iat", Reason: "is " + c.iat.Format(time.RFC3339) + ": the token says it was issued in the future", Err: vc.ErrNotYetValid}
	}
	return nil
}

// checkClaims: in the OB 3.0 form, iss must be the credential's issuer,
// and jti, sub, nbf and exp, when present, must agree with its id,
// subjects, validFrom and validUntil (to the second).
func checkClaims(c *claims, cred *vc.Credential) error {
	if !c.hasIss {
		return &claimError{Claim: "iss", Reason: "is missing (the OB 3.0 form requires it)"}
	}
	if c.iss != cred.Issuer().ID {
		return &claimError{Claim: "iss", Reason: fmt.Sprintf("is %q, the credential's issuer is %q", c.iss, cred.Issuer().ID)}
	}
	if c.hasJti && c.jti != cred.ID() {
		return &claimError{Claim: "jti", Reason: fmt.Sprintf("is %q, the credential's id is %q", c.jti, cred.ID())}
	}
	if c.hasSub {
		found := false
		for _, id := range cred.SubjectIDs() {
			if id == c.sub {
				found = true
			}
		}
		if !found {
			return &claimError{Claim: "sub", Reason: fmt.Sprintf("is %q, not a subject of the credential", c.sub)}
		}
	}
	if c.hasNbf {
		if from, has, _ := cred.ValidFrom(); has && from.Unix() != c.nbf.Unix() {
			return &claimError{Claim: "nbf", Reason: fmt.Sprintf("is %s, the credential is valid from %s", c.nbf.Format(time.RFC3339), from.UTC().Format(time.RFC3339))}
		}
	}
	if c.hasExp {
		if until, has, _ := cred.ValidUntil(); has && until.Unix() != c.exp.Unix() {
			return &claimError{Claim: "exp", Reason: fmt.Sprintf("is %s, the credential is valid until %s", c.exp.Format(time.RFC3339), until.UTC().Format(time.RFC3339))}
		}
	}
	return nil
}

// audIncludes reports whether the aud claim names domain.
func (c *claims) audIncludes(domain string) bool {
	for _, a := range c.aud {
		if a == domain {
			return true
		}
	}
	return false
}
