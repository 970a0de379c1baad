package ob2

import "errors"

// Sentinel errors. Every error the package returns names the field and
// the check, and wraps one of these where one applies.
var (
	// errMalformed: the input or a document is not an OB 2.0 object of
	// the kind expected (strict JSON, shape, JSON-LD context rules).
	errMalformed = errors.New("ob2: malformed")
	// errNotFound: a document the badge refers to was not supplied.
	errNotFound = errors.New("ob2: document not supplied")
	// errInvalidSignature: the JWS does not verify with the issuer's key.
	errInvalidSignature = errors.New("ob2: invalid signature")
	// errVerificationType: the assertion's verification.type does not fit
	// how it arrived (a hosted assertion in a JWS, a signed one as JSON).
	errVerificationType = errors.New("ob2: verification type mismatch")
	// ErrHostedMismatch: a hosted assertion is not the document at its id
	// URL, or its id is outside the issuer's verification policy.
	ErrHostedMismatch = errors.New("ob2: hosted assertion not where it claims to be")
	// ErrKeyOwner: the signing key is not owned by, or not declared in,
	// the issuer's profile.
	ErrKeyOwner = errors.New("ob2: signing key not owned by the issuer")
	// ErrWrongRecipient: the recipient identity does not match.
	ErrWrongRecipient = errors.New("ob2: recipient does not match")
)
