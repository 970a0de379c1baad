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
// # Security considerations
//
// Every body is read through a size limit (Limits.MaxBody, default 1 MiB)
// and parsed strictly (no duplicate members, bounded depth); the credential
// verified is the exact bytes of the request's member, never a re-encoding.
// The issue and status routes need an Authenticator: bearer tokens stored as
// SHA-256 hashes (Tokens), OAuth2 access tokens as JWTs (OAuth2), or
// NoAuthUnsafe, which the serve command allows only on a loopback address.
// Verify and derive are open, as verifiers are. Handlers recover from panics
// (answering 500 and logging the stack) so one request cannot take the
// service down, and errors never carry key material.
//
// # Offline use
//
// Nothing is fetched unless Config.StatusFetcher does it: did:key and
// did:jwk resolve locally, contexts are the embedded ones.
package vcapi
