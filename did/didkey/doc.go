// Package didkey implements the did:key method
// (https://w3c-ccg.github.io/did-method-key/) for Ed25519, P-256, P-384 and
// secp256k1 keys: key generation, deterministic keys from seeds, signing
// ([Key] has the method set of proof.Signer) and offline resolution ([Resolver]).
//
// A did:key DID is the Multikey encoding of its public key; its DID
// document is derived from it and lists one Multikey verification method,
// did:key:z…#z…, under authentication, assertionMethod,
// capabilityInvocation and capabilityDelegation.
//
// # Verification methods without a fragment
//
// The did:key specification gives the verification method id as
// did:key:X#X, and that is what [Key.VerificationMethod] writes. Some
// issuers write the bare DID instead (1EdTech's validator sample
// simple-did-key-method.json has "verificationMethod":
// "did:key:z6Mkj…"). microcred accepts it, for did:key only, because it
// is unambiguous there: the document has exactly one verification method,
// and the bare DID is read as naming it, did:key:X#X.
// did.ResolveVerificationMethod then applies every check it applies to
// did:key:X#X: the document must be the DID's own and hold exactly that
// one method (a resolver for "key" that returns a document with a second
// method, such as a derived X25519 key agreement key, makes the bare DID
// an error), the method must be listed under the proof's purpose (an
// assertionMethod proof needs it under assertionMethod; keyAgreement, for
// which it is not listed, is refused), and its controller is the DID,
// which the verifier then binds to the credential's issuer. A did:key with
// an empty fragment, a query or a path, and a DID URL of any other method
// without a fragment, are still refused (did.ErrInvalidDID): elsewhere a
// DID names a subject that may have many keys, not a key.
//
// # Seeds
//
// [NewFromSeed] turns 32 bytes into a key, the same way the microcred CLI
// does: Ed25519 uses the RFC 8032 seed; P-256 and secp256k1 use the seed as
// the big-endian private scalar; P-384 uses SHA-384(seed) as the scalar. A
// scalar outside [1, n-1] is an error, never reduced silently.
//
// # Guarantees
//
//   - [Resolver] resolves a did:key offline to the document computed from
//     it: one Multikey verification method, did:key:X#X, under
//     authentication, assertionMethod, capabilityInvocation and
//     capabilityDelegation.
//   - [NewFromSeed] is deterministic: the same seed and key type give the
//     same key (see Seeds). ECDSA signatures are IEEE P1363 (r||s) and
//     always low-S.
//   - A [Key] never prints its private key: it has no String method and
//     its errors never contain key bytes.
//
// # Refuses
//
//   - An Ed25519 did:key whose key is of small order (wrapping
//     did.ErrSmallOrderKey) or not canonically encoded, in [Parse] and
//     [Resolver].
//   - A seed whose scalar is outside [1, n-1] (never reduced silently),
//     and a key type other than Ed25519, P-256, P-384 and secp256k1.
//   - A did:key verification method with an empty fragment, a query or a
//     path (did.ErrInvalidDID); the bare DID is accepted only as naming
//     the document's one method (see above).
//
// # Security considerations
//
// [Key] holds a private key. It has no String method and its errors never
// contain key bytes; use [Key.Bytes] deliberately to export it. Seeds give
// reproducible keys for tests and demos; production keys come from
// [Generate], which uses crypto/rand.
//
// [Parse] and [Resolver] refuse an Ed25519 did:key whose key is a point
// of small order (the error wraps did.ErrSmallOrderKey) or not canonically
// encoded (the error says so): with the identity point
// as key, a constant signature verifies for every message.
//
// # Offline use
//
// Resolution needs no network: the document is computed from the DID.
//
// # Compatibility
//
// Passes the did:key test vectors of the w3c-ccg did-method-key repository
// for these key types; ECDSA signatures are IEEE P1363 (r||s) and always
// low-S (s <= n/2), on every curve.
package didkey
