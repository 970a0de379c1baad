// Package vcjwt secures credentials and presentations as JSON Web Tokens,
// on go-jose v4:
//
//   - VC-JOSE-COSE (https://www.w3.org/TR/vc-jose-cose/): the JWS payload is
//     the credential (typ "vc+jwt") or presentation (typ "vp+jwt") itself.
//   - The Open Badges 3.0 VC-JWT form (VCDM 1.1 JWT encoding): registered
//     claims iss, jti, sub, nbf, exp and the credential in the "vc" claim
//     (or the presentation in "vp", with nonce and aud).
//   - The Open Badges 3.0 JSON Web Token Proof Format for a VCDM 2.0
//     credential (OB 3.0 §8.2; [Result.Format] prints "jwt"): typ "JWT" or none, no
//     vc claim, and the payload is the credential with iss, jti, sub, nbf
//     and exp beside its members. Verified only; [Sign] writes the other
//     two forms.
//
// Which claims a JSON-LD reader would take for credential terms depends on
// the form ([JSONLDDocument]): in the vc claim form none (they are outside
// the credential), in the OB 3.0 payload form none either (they are JWT
// claims beside the credential's members, read and checked as such), in
// VC-JOSE-COSE all of them, since the payload is the credential: the VC
// 2.0 context defines iss, sub, aud, exp, nbf, iat and cnf (as IANA JOSE
// and JWT claim IRIs), not jti, so a vc+jwt credential with a jti member
// fails JSON-LD safe mode unless one of its own contexts defines it.
//
// Algorithms: EdDSA (Ed25519), ES256 (P-256), ES384 (P-384), ES256K
// (secp256k1, through decred as a go-jose opaque signer and verifier) and
// RS256 (RSA, 2048 bits or more).
//
// # Guarantees
//
//   - A nil error from [Verify] means the compact JWS verified with a key
//     its kid resolves to, listed for assertionMethod in its controller's
//     DID document (or given by the caller's [KeyResolver]), under an
//     algorithm listed above that fits the key; the claims have their
//     registered types and the time checks passed. It returns the
//     credential's bytes exactly as they were signed.
//   - [VerifyPresentation] also checks the presentation was signed for
//     authentication and bound to the [Exchange]'s challenge (nonce) and
//     domain (aud), unless Exchange.WithoutChallengeUnsafe.
//   - One token has one reading (see Security considerations); [Sign] and
//     [SignPresentation] refuse a payload whose claims [Verify] would
//     refuse.
//
// # Refuses
//
// [Verify] refuses "none", HMAC and every algorithm not listed above (names
// match exactly: "eddsa" is refused), any "crit" header, an algorithm that
// does not match the key type, a header "jwk" with private members or one
// that is not the resolved key, and a "kid" that does not resolve to a key
// listed for assertionMethod in its controller's DID document. In the OB
// 3.0 forms, iss, jti, sub, nbf and exp must agree with the credential. It
// returns the credential's bytes exactly as they were signed; use
// [UnsafeClaimsWithoutVerification] only to look inside a token you do not
// trust. Errors wrap [ErrAlgorithm], [ErrCritical], [ErrMalformed],
// [ErrClaims] (a claim that is malformed, disagrees with the credential,
// or fails a time check), [ErrKey] or [ErrJSONSerialization].
//
// # Security considerations
//
// One token has one reading. Header and payload are strict JSON (no
// duplicate names), and every header parameter and claim is read by its
// exact name: a member whose name differs from a registered one only in
// case ("EXP", "Kid", or "ſub", which encoding/json folds to "sub") is
// refused, since a JWT library decoding through struct tags would read it
// as the registered one. Each segment must be canonical base64url (go-jose
// alone accepts a second spelling of the signature). Claims must have their
// registered types, or the token is refused with an error naming the claim
// ("vcjwt: exp claim is …") and wrapping [ErrClaims] and [ErrMalformed]:
//
//   - exp, nbf and iat are NumericDates: JSON numbers (fractions allowed)
//     from 0 to 253402300799 (9999-12-31T23:59:59Z). "exp": "1700000000",
//     null or 1e300 is malformed, never "no exp" or "expired";
//   - iss, sub, jti and nonce are strings, aud a string or an array of them;
//   - vc and vp are JSON objects ("vc claim is a string, want a JSON
//     object").
//
// Time checks use [VerifyOptions.Now] and ClockSkew: a token is refused
// with [vc.ErrExpired] once now reaches exp plus the skew, and with
// [vc.ErrNotYetValid] while now is before nbf minus the skew, or before iat
// minus the skew (a token cannot have been issued in the future: RFC 7519
// leaves iat informational, refusing it is microcred's choice).
//
// typ and cty are media types: compared case-insensitively, with
// "application/" optional (RFC 7515 §4.1.9). A cty, if present, must name
// the kind of document the token carries ("vc" or "vc+ld+json" for a
// credential, "vp" or "vp+ld+json" for a presentation); a nested JWT (cty
// "JWT") is refused. A kid is a DID URL (one fragment; a bare did:key
// names its one key, see did/didkey), an https URL, or,
// with a [KeyResolver], another string; its scheme must be in lower case,
// and a relative kid ("#key-1") is resolved against iss only if iss has no
// fragment. A b64 header (RFC 7797) is refused: go-jose would honour "b64":
// false even outside crit and check the signature over the unencoded
// payload. Other header parameters (jku, x5u, x5c) are never fetched or used.
//
// Presentations ([SignPresentation], [VerifyPresentation]) are signed for
// authentication and bound to the verifier's challenge (nonce) and domain
// (aud). [Sign] refuses a credential that is not safe JSON-LD over its
// contexts (a member or type they do not define), and both refuse a payload
// whose claims [Verify] would refuse (in the VC-JOSE-COSE form the
// document's top-level members are the claims).
//
// # Offline use
//
// Keys are resolved through the caller's did.Resolver only (DID URLs, and
// https verification methods when it implements did.ControllerResolver),
// or a [KeyResolver] for other kids such as JWK thumbprints.
//
// # Compatibility
//
// Compact JWS only: the JSON serialization is recognised
// ([IsJSONSerialization]) and refused with [ErrJSONSerialization]. Runs the
// W3C VC-JOSE-COSE test suite: every JOSE case passes except those using
// P-521 (ES512 is not accepted) and those whose credentials carry iat as an
// RFC 3339 string (refused as malformed; re-signed with a numeric iat they
// verify); SD-JWT and COSE are not implemented (their inputs are refused).
package vcjwt
