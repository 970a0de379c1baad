// Package ob2 verifies Open Badges 2.0 assertions
// (https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html),
// the badges most people hold, offline.
//
// A [Verifier] takes an assertion as a hosted assertion's URL, a JSON
// assertion or a compact JWS (a baked PNG or SVG is read with
// bake.ExtractOB2 first) and runs the steps of OB 2.0 verification, each
// reported in [Result.Steps]:
//
//   - parse: strict JSON (duplicate keys, size and depth limits); each
//     document names the OB 2.0 context (https://w3id.org/openbadges/v2,
//     embedded in vc/contexts) first, and passes the same JSON-LD safe
//     mode as OB 3.0 (every member and type defined); the assertion's
//     required fields; the BadgeClass and Issuer, embedded or supplied by
//     URL, whose document must carry that URL as its id. The Issuer
//     profile, which says which keys and origins are the issuer's, is
//     always the document supplied for the issuer's id, even when the
//     BadgeClass embeds a copy.
//   - proof: a signed assertion (verification.type signed) must come as a
//     JWS, verified with go-jose against the CryptographicKey document
//     verification.creator names (RS256, the algorithm OB 2.0 requires,
//     and RS384/512, PS256/384/512, ES256/384/512; RSA keys of at least
//     2048 bits); a hosted assertion must be the document served at its
//     id URL (a JSON copy given must equal it).
//   - issuer: the key's owner is the issuer and the issuer's publicKey
//     lists the key (signed); the assertion's id starts with one of the
//     issuer's verification.startsWith and its host is one of
//     verification.allowedOrigins, by default the issuer id's host
//     (hosted).
//   - status: not in the issuer's revocationList, and a hosted assertion
//     not marked revoked.
//   - validity: issuedOn not in the future, expires not past, nor before
//     issuedOn.
//   - recipient (when [Checks].Recipient is set): the identity matches
//     recipient.identity, plain or hashed (sha256$ or md5$, with the salt).
//
// A baked SVG whose <openbadges:assertion> has both a verify attribute and
// a CDATA copy is read from the verify attribute, where OB 2.0 says the
// badge is checked; the copy is ignored.
//
// # Guarantees
//
// [Verifier.Verify] always returns a [Result]; its error is nil iff every
// step above passed, and otherwise joins the failed steps' errors, each
// naming the field and the check. With a nil error, every field was read
// from what the proof covers (the verified JWS payload, or the document
// served at the hosted assertion's id), the key or origin is the issuer's
// by its profile, and the assertion is neither revoked nor outside its
// dates. A [Verifier] is safe for concurrent use.
//
// # Refuses
//
//   - A document that is not strict JSON, lacks the OB 2.0 context, or
//     has a member or type its contexts do not define; a document
//     supplied by URL whose id is not that URL.
//   - A signed assertion not given as a JWS, a JWS algorithm outside the
//     list above, an RSA key under 2048 bits, a missing
//     verification.creator, and a key not owned by or declared in the
//     issuer's profile (ErrKeyOwner).
//   - A hosted assertion that is not the document at its id or is outside
//     the issuer's verification policy (ErrHostedMismatch).
//   - A revoked assertion (wrapping status.ErrRevoked), an expired or not
//     yet valid one (vc.ErrExpired, vc.ErrNotYetValid), dates without a
//     time zone, and a recipient that does not match (ErrWrongRecipient).
//   - At construction, a context loader without the OB 2.0 context.
//
// # Security considerations
//
// What is signed is what is checked: for a signed assertion every field
// is read from the JWS payload the signature covers (the payload is read
// before the signature check only to find the key, and the verified
// payload must be the same bytes); the BadgeClass and Issuer come from
// the payload when embedded. OB 2.0 leaves documents referenced by URL
// unsigned; they are bound by their id to the URL supplied for them, the
// key by its owner and the issuer's publicKey list. A hosted assertion is
// as trustworthy as the origin serving it, which is why its host must be
// one the issuer allows.
//
// # Offline use
//
// Nothing is fetched except through the [Fetcher] the caller gives:
// [Documents] serves local copies keyed by URL; didweb.HTTPFetcher goes
// online (https only, no cross-host redirects, size-capped, connecting
// only to globally reachable addresses, see package didweb).
//
// # Compatibility
//
// The cases of 1EdTech's openbadges-validator-core are carried over in
// testdata/ob2 and give its verdicts. Where microcred is stricter: the
// key document's owner must be the issuer (the validator checks only the
// issuer's publicKey list); verification.creator is required (OB 2.0 lets
// a verifier fall back to the issuer's keys; so does the validator not);
// a hosted issuer whose id is not an http(s) URL fails the issuer step
// (the validator passes it with a warning); dates must carry a time zone;
// extension contexts beyond the OB 2.0 one must be in the loader.
package ob2
