// Package vcapi serves the W3C VC API (https://w3c-ccg.github.io/vc-api/)
// over microcred: issuing, verifying, deriving (ecdsa-sd-2023) and
// status updates as one http.Handler that a Go program mounts in its own
// server; `microcred serve` is a thin command over it.
//
// Routes (all JSON):
//
//	GET  /                                   health and what the service offers
//	POST /issuers/{name}/credentials/issue   201 {"verifiableCredential": …}
//	POST /issuers/{name}/credentials/status  200 {"credentialId", "status": [...]} (revoke, suspend, clear)
//	POST /credentials/verify                 200 {"verified": true, …} or 400 with the problems
//	POST /presentations/verify               200 or 400, likewise
//	POST /credentials/derive                 201 {"verifiableCredential": …} (ecdsa-sd-2023 holder)
//	GET  <path of each hosted status list>   the signed list, with ETag and Cache-Control
//	GET  /metrics                            counters in the Prometheus text format
//
// With Config.OID4VCI (OpenID for Verifiable Credential Issuance 1.0,
// pre-authorized code flow):
//
//	POST /issuers/{name}/offers                  201 an offer for a template (authenticated; Handler.CreateOffer)
//	GET  /.well-known/openid-credential-issuer   issuer metadata: {name}_ldp_vc and {name}_jwt_vc_json per issuer
//	GET  /.well-known/oauth-authorization-server the token endpoint, pre-authorized code grant only
//	GET  /oid4vci/offers/{id}                    the offer by reference (credential_offer_uri)
//	POST /oid4vci/token                          form: pre-authorized_code [, tx_code] → access token, c_nonce
//	POST /oid4vci/nonce                          a fresh c_nonce
//	POST /oid4vci/credential                     Bearer token + one jwt key proof → the credential
//
// With Config.Exchanges (VC-API exchanges as the DCC Learner Credential
// Wallet speaks them):
//
//	POST /issuers/{name}/exchanges   201 an exchange for a template: URL, ?iuv=1 interaction URL, LCW deep links
//	GET  /exchanges/{id}             {"protocols": {"vcapi": …}}
//	POST /exchanges/{id}             {} → the DIDAuthentication request; {"verifiablePresentation"} → the credential
//
// A failed verification answers 400, not 200 with verified false: that is
// what the W3C suites and the VC API's verifier tests expect, and a client
// that only looks at the status code cannot mistake a failure for a pass.
// The body is the verification result: the checks run and, for each failed
// one, a problem detail ({"type", "title", "detail"}) whose type is a
// VCDM 2.0 or Data Integrity error URL.
//
// # Issuing
//
// Each configured Issuer signs with one key and one suite. An issuer with
// status lists gives every credential an entry in its first list (or in the
// list of the purpose the request's options.credentialStatus names), its
// index reserved from the Store in blocks (store.Blocks): an index is handed
// out at most once, whatever the number of processes sharing the store, and a
// process that dies leaves a gap, never a duplicate. A credential counts as
// issued once its record (id, list, index) is committed to the Store's log:
// the 201 is sent only after that commit, so every credential a client
// received can be revoked, and no index in a log is used twice (the log's
// unique constraint). Records of concurrent requests are committed together
// (group commit), so a single SQLite file sustains thousands of issues per
// second.
//
// # Verifying
//
// The verifier is a microcred.Verifier built from Config.Trusted and
// Config.VerifierOptions, with the status lists fetched from this service's
// own store when the service hosts them, and otherwise only through
// Config.StatusFetcher (NewHTTPStatusFetcher: https only, the did:web address
// guard, a size cap, a timeout and a cache), or refused. The request's
// options.checks may narrow what is checked to ["proof"], which drops the
// issuer-trust policy for that request (the proof must still verify against
// the issuer's own key, and the validity window and status are still checked:
// a request cannot switch those off). Options may give a challenge and domain
// for presentations.
//
// # Guarantees
//
//   - A 201 from an issue route is sent only after the credential's record
//     is committed to the Store's log, so every credential a client
//     received can be revoked, and no status index is used twice (see
//     Issuing).
//   - A verify route checks the exact bytes of the request's member with
//     a microcred.Verifier; options.checks can drop the issuer-trust
//     policy only, never the proof, validity or status checks.
//   - A panic in a handler answers 500 and is logged; errors never carry
//     key material.
//
// # Refuses
//
// Answered as application/problem+json: a body over Limits.MaxBody
// (default 1 MiB) with 413; a Content-Type other than JSON with 415; a
// body that is not strict JSON (duplicate members, too deep) or lacks the
// route's member with 400; an issue or status request without valid
// credentials for the Authenticator with 401. [New] refuses a Config
// without Auth, and a verifier the Config cannot build. Status lists the
// service does not host are fetched only through Config.StatusFetcher;
// without one they are refused.
//
// # Security considerations
//
// Every body is read through a size limit (Limits.MaxBody, default 1 MiB)
// and parsed strictly (no duplicate members, bounded depth); the credential
// verified is the exact bytes of the request's member, never a re-encoding.
// The issue and status routes need an Authenticator: bearer tokens stored as
// SHA-256 hashes (Tokens), OAuth2 access tokens as JWTs (NewOAuth2), or
// NoAuthUnsafe, which the serve command allows only on a loopback address.
// Verify and derive are open, as verifiers are. Handlers recover from panics
// (answering 500 and logging the stack) so one request cannot take the
// service down, and errors never carry key material.
//
// # Delivering to wallets
//
// An offer may instead hold a credential already signed by the issuer
// ({"verifiableCredential": …}): it is verified when offered and sent byte
// for byte, only to a wallet whose key proof is made by one of its
// credentialSubject ids (read from the verified bytes).
//
// An offer or an exchange holds an unsigned template whose one
// credentialSubject has no id; the credential is signed when the wallet
// has proved control of a key, with that key's DID as credentialSubject.id,
// and its record is committed to the issued-credential log (Ref
// "oid4vci:{name}" or "exchange:{name}", the learner given at creation)
// before it is sent. The state lives in the Store as tickets (store.Store's
// ticket methods): the pre-authorized code, the access token and the
// transaction code are stored as SHA-256 digests; codes, nonces and
// exchanges are single use by one conditional UPDATE, so of concurrent
// redemptions, in any number of processes, one wins.
//
// OpenID4VCI key proofs are checked as Appendix F.1 asks: typ
// openid4vci-proof+jwt, alg EdDSA, ES256 or ES384 (never none), exactly one
// of jwk (the holder is its did:jwk) and kid (a did:key or did:jwk URL,
// resolved offline, under authentication), no other header member, the
// signature by go-jose, aud the credential issuer, iat within ProofSkew,
// nonce one this service issued and nobody used (a replayed proof fails);
// claims are strict JSON with their names matched exactly. An access
// token gets each offered configuration once; a pre-authorized code allows
// TxCodeAttempts guesses of its transaction code and then is spent. The
// wire format follows 1.0 (credential_configuration_id, proofs, answer
// credentials[]) and still reads the draft-13 request (format, proof) that
// deployed wallets send, answering it in the draft's form.
//
// An exchange's presentation is verified with the verifier's presentation
// check for the authentication purpose with the exchange's challenge and
// this service's host as domain; its holder (who must control the signing
// key, a did:key or did:jwk) receives the credential. Every POST counts
// against Exchanges.MaxPosts; a failed presentation leaves the exchange
// open, a completed one answers 409, an expired one 410.
//
// # Offline use
//
// Nothing is fetched unless Config.StatusFetcher does it: did:key and
// did:jwk resolve locally, contexts are the embedded ones.
package vcapi
