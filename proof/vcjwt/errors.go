package vcjwt

import (
	"errors"
	"fmt"
	"strconv"
)

var (
	// ErrAlgorithm: the alg is refused or does not fit the key.
	ErrAlgorithm = errors.New("vcjwt: algorithm not accepted")
	// ErrCritical: the token has a crit header we do not understand.
	ErrCritical = errors.New("vcjwt: unsupported critical header")
	// ErrMalformed: the token is not a well-formed compact JWS, or a
	// header member or claim has the wrong JSON type, an out-of-range
	// value or a name that differs from a registered one only in case.
	ErrMalformed = errors.New("vcjwt: malformed token")
	// ErrClaims: a JWT claim is malformed, disagrees with the credential,
	// or says the token is expired or not yet valid. Errors about one
	// claim name it ("vcjwt: exp claim is …").
	ErrClaims = errors.New("vcjwt: claim not accepted")
	// ErrKey: the key is not acceptable (private JWK header, no kid...).
	ErrKey = errors.New("vcjwt: key not acceptable")
	// ErrJSONSerialization: the input is a JWS in the JSON serialization
	// (RFC 7515 §7.2), which microcred does not verify.
	ErrJSONSerialization = errors.New("vcjwt: JWS JSON serialization is not supported: use the compact form")
)

// claimError reports one claim of a token's payload that is malformed or
// fails a check. It wraps [ErrClaims] and, when set, Err: [ErrMalformed]
// for a claim of the wrong JSON type, out of range, or named like a
// registered claim in another case; [vc.ErrExpired] or [vc.ErrNotYetValid] for a
// time check that failed; nil for a claim that disagrees with the
// credential.
type claimError struct {
	// Claim is the member name as it appears in the payload ("exp",
	// "vc", or a case variant such as "EXP").
	Claim string
	// Reason completes "<claim> claim ...", e.g. "is a string, want a
	// NumericDate (a JSON number)".
	Reason string
	// Err is ErrMalformed, vc.ErrExpired, vc.ErrNotYetValid or nil.
	Err error
}

func (e *claimError) Error() string {
	name := e.Claim
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			name = strconv.Quote(name)
			break
		}
	}
	return fmt.Sprintf("vcjwt: %s claim %s", name, e.Reason)
}

// Unwrap returns ErrClaims and Err, so errors.Is(err, ErrClaims) holds for
// every ClaimError and errors.Is(err, vc.ErrExpired) only for an expired
// token.
func (e *claimError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrClaims}
	}
	return []error{ErrClaims, e.Err}
}
