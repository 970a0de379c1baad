// Package vcjwt secures credentials and presentations as JSON Web Tokens,
// on go-jose v4:
//
//   - VC-JOSE-COSE (https://www.w3.org/TR/vc-jose-cose/): the JWS payload is
//     the credential (typ "vc+jwt") or presentation (typ "vp+jwt") itself.
//   - The Open Badges 3.0 VC-JWT form (VCDM 1.1 JWT encoding): registered
//     claims iss, jti, sub, nbf, exp and the credential in the "vc" claim
//     (or the presentation in "vp", with nonce and aud).
//
// Algorithms: EdDSA (Ed25519), ES256 (P-256), ES384 (P-384), ES256K
// (secp256k1, through decred as a go-jose opaque signer and verifier) and
// RS256 (RSA, 2048 bits or more).
//
// # Security considerations
//
// [Verify] refuses "none", HMAC and every algorithm not listed above, any
// "crit" header, an algorithm that does not match the key type, a header
// "jwk" with private members or one that is not the resolved key, and a
// "kid" that does not resolve to a key listed for assertionMethod in its
// controller's DID document. In the OB 3.0 form, iss, jti, sub, nbf and exp
// must agree with the credential. It returns the credential's bytes exactly
// as they were signed; use [UnsafeClaimsWithoutVerification] only to look
// inside a token you do not trust.
//
// Presentations ([SignPresentation], [VerifyPresentation]) are signed for
// authentication and bound to the verifier's challenge (nonce) and domain
// (aud). [Sign] refuses a credential that is not safe JSON-LD over its
// contexts (a member or type they do not define).
//
// # Offline use
//
// Keys are resolved through the caller's did.Resolver only (DID URLs, and
// https verification methods when it implements did.ControllerResolver),
// or a [KeyResolver] for other kids such as JWK thumbprints.
//
// # Compatibility
//
// Compact JWS only. Runs the W3C VC-JOSE-COSE test suite: every JOSE case
// passes except those using P-521 (ES512 is not accepted); SD-JWT and COSE
// are not implemented (their inputs are refused).
package vcjwt
