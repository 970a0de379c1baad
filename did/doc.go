// Package did implements Decentralized Identifiers (DID Core 1.0,
// https://www.w3.org/TR/did-core/): DID and DID URL syntax, DID documents,
// verification methods (Multikey, Ed25519VerificationKey2020, JsonWebKey),
// verification relationships, and the [Resolver] interface with a resolver
// that dispatches by method ([NewMethods]).
//
// One package per method implements resolution: did/didkey (offline).
//
// # Guarantees
//
//   - A [DID] or [URL] from [Parse] or [ParseURL] follows the DID Core
//     ABNF; a [Document] from [ParseDocument] was strictly parsed.
//   - [ResolveVerificationMethod] returns a method only when the resolved
//     document is the DID's own (its id is the DID), the method's
//     controller is that DID, and the method is listed under the
//     relationship asked for.
//   - A public key read from a verification method or a JWK has its exact
//     length, is a point on its curve, and is not a small-order Ed25519
//     point.
//   - Nothing here performs I/O; resolution is the caller's resolvers'.
//
// # Refuses
//
//   - A string that is not a DID or DID URL: [ErrInvalidDID].
//   - A malformed document: [ErrInvalidDocument]; a method not listed
//     under the relationship: [ErrNotAuthorized]; a DID method without a
//     resolver in [NewMethods]: [ErrMethodNotSupported] (and NewMethods
//     refuses an empty map or a nil resolver).
//   - A JWK with a private member, in any letter case:
//     [ErrPrivateKeyMaterial]; duplicate JWK members.
//   - An Ed25519 key of small order ([ErrSmallOrderKey]) or not
//     canonically encoded, wherever a key is read.
//
// # Security considerations
//
// DIDs, DID URLs and DID documents come from untrusted input. Parsing
// follows the DID Core ABNF strictly. [Document.Authorized] answers the
// question a verifier must ask — is this key listed under this
// relationship in this controller's document — and [ResolveVerificationMethod]
// also checks that the resolved document is the DID's own. Public keys are
// decoded strictly (exact lengths, points on their curves, no duplicate
// members in JWKs and no private ones — d, p, q, dp, dq, qi, oth, k — in any
// letter case, [ErrPrivateKeyMaterial], see [CheckPublicJWK]). An Ed25519 key that is one of the eight small-order points
// (the identity among them: a constant signature would verify for every
// message) or not canonically encoded is refused wherever a key is read —
// Multikey, Ed25519VerificationKey2020, JWKs, did:key, did:jwk — with an
// error that says which check failed ("small order", "not canonically
// encoded") and wraps [ErrSmallOrderKey] for a small-order point.
//
// # Offline use
//
// Nothing here performs I/O; resolution is delegated to the resolvers the
// caller passes in.
//
// # Compatibility
//
// Verification methods of type Multikey, Ed25519VerificationKey2020
// (publicKeyMultibase), JsonWebKey and JsonWebKey2020 (publicKeyJwk, curves
// Ed25519, P-256, P-384, secp256k1).
package did
