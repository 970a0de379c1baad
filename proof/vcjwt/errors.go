package vcjwt

import "errors"

var (
	// ErrAlgorithm: the alg is refused or does not fit the key.
	ErrAlgorithm = errors.New("vcjwt: algorithm not accepted")
	// ErrCritical: the token has a crit header we do not understand.
	ErrCritical = errors.New("vcjwt: unsupported critical header")
	// ErrMalformed: the token is not a well-formed compact JWS.
	ErrMalformed = errors.New("vcjwt: malformed token")
	// ErrClaims: JWT claims disagree with the credential.
	ErrClaims = errors.New("vcjwt: claims do not match the credential")
	// ErrKey: the key is not acceptable (private JWK header, no kid...).
	ErrKey = errors.New("vcjwt: key not acceptable")
)
