// Package microcred issues and verifies Open Badges 3.0 micro-credentials as
// W3C Verifiable Credentials (VCDM 2.0, reading 1.1) with Data Integrity
// proofs, entirely offline.
//
// The high-level API is two types:
//
//   - [Issuer] signs credentials with one key ([proof.Signer], e.g. a
//     did/didkey key) and returns the exact signed bytes.
//   - [Verifier] checks a credential in one call against fixed trust
//     material ([Trusted]: a DID resolver and the accepted proof suites) and
//     a [Policy] (whom to trust), and reports every check in a [Result].
//
// The layers below are usable on their own: vc (the data model, strict
// parsing), vc/contexts (the embedded JSON-LD contexts and offline loader),
// vc/openbadges (OB 3.0 model, builders, JSON Schemas), vc/clr (CLR 2.0),
// vc/status (Bitstring Status List), vc/bake (PNG and SVG badges), ob2
// (Open Badges 2.0 assertions, which Verify dispatches to), did, did/didkey and did/didjwk (DIDs
// and keys), proof (the Data Integrity core: sign, verify, purposes, proof
// sets and chains), proof/eddsa2022, proof/ecdsa2019, proof/legacy
// (Ed25519Signature2020) and proof/vcjwt (VC-JOSE-COSE and the OB 3.0
// VC-JWT).
// Above them, store keeps an issuer's state (status lists, index allocation,
// the issued-credential log) in SQLite or PostgreSQL, and vcapi serves
// Issuer and Verifier as the W3C VC API (the microcred serve command).
//
// [Verifier.Verify] runs, in order: parse (JSON with embedded proofs, a
// compact JWT, or a PNG/SVG badge carrying either), schema (what
// credentialSchema names, and an OB 3.0 credential's type schema, see
// openbadges.Schemas.For), proof (a configured Data Integrity suite, a
// JWT, or with [WithBlockcerts] a Blockcerts MerkleProof2019 proof or a
// Blockcerts v2 MerkleProof2017 receipt), issuer
// (for Blockcerts: a signature of the proof set by the issuer's key, the
// MerkleProof2019 then anchoring it; else the anchor transaction's sender
// is a key of the issuer, valid at the anchor's time),
// disclosure (only for selectively disclosed credentials), refresh (only
// with [WithRefresher], at most once), status, validity,
// endorsements, anchor (with [WithReceipts] or when the policy says
// [RequireAnchor]: the credential's Merkle receipt graded L0–L4, see
// package anchor; for a Blockcerts credential always, its anchor's level,
// L1 required unless the policy says otherwise), then the recipient and
// custom checks. Each check is a step of a table that names the checks it
// requires (schema and proof need parse; issuer, status, validity,
// endorsements, anchor, recipient and the custom checks need proof;
// refresh needs schema, proof, issuer and disclosure): after a failure,
// every later check that applies is still listed, once and in order, and
// those that need the failed one are Skipped with a reason naming it.
//
// An Open Badges 2.0 badge (a JSON or JWS assertion, a hosted
// assertion's URL, or a PNG/SVG with one baked in) is verified by package
// ob2 with the documents [WithOB2Documents] supplies, and reported with
// the same checks: parse, schema (not applicable), proof, issuer (the key
// or origin binding, then the policy's trust), status, validity and
// recipient; Result.OB2 holds the verified badge. A policy that requires
// an anchor, and custom checkers (which read OB 3.0 credentials), fail
// such a badge rather than pass it unchecked.
//
// A Blockcerts v2 certificate (an Open Badges 2.0 Assertion with a
// MerkleProof2017 "signature") is not a VC: it runs the same checks under
// the same names (schema and endorsements Skipped; status from the
// revocationList it or its issuer profile names; validity from its signed
// expires; the recipient and custom checks, which read a VC, fail), and
// its Result has a nil Credential and the issuer profile URL as Issuer.
//
// # Guarantees
//
// [Verifier.Verify] always returns a non-nil *Result. Its error is nil iff
// every required check passed; otherwise it names each failed check and
// unwraps to each failed check's error, so errors.Is(err,
// proof.ErrInvalidSignature) or errors.Is(err, vc.ErrExpired) tell a caller
// why. Result.Credential is set only when verification succeeded, and is
// parsed from the very bytes that were verified. Result.Checks lists every
// check that applies, once and in order, each Passed, Failed or Skipped
// with its reason. A nil error means, among the checks above, that a
// configured suite's proof verified with a key its issuer's own DID
// document lists for assertionMethod, and that the issuer is one the
// [Policy]'s [Trust] accepts.
//
// [Issuer.Issue] returns the exact signed bytes, signed by the Issuer's
// one key, whose DID is the credential's issuer ([Issuer.DID]). A
// [Verifier] is safe for concurrent use; a Verifier and a Policy are
// fixed once built.
//
// # Refuses
//
//   - [NewVerifier]: a nil Trusted.Resolver, a nil suite, no suite (unless
//     Trusted.AcceptJWT or [WithBlockcerts]), a nil option, or an option of
//     [NewIssuer] (the error names it).
//   - [NewIssuer]: a nil signer; a verification method that is not a DID
//     URL with a non-empty fragment and no path or query (did:method:id#key);
//     a key type with no default suite, unless [WithSuite] names one.
//   - [Issuer.Issue]: a credential that is not strict JSON, or whose issuer
//     is not the signer's DID (the error names both).
//   - [NewPolicy]: the zero [Trust], [TrustIssuers] with no ids or an empty
//     id, a nil option, and [Trust.UnboundKeyUnsafe] on a Trust other than
//     [AnyIssuerUnsafe].
//   - [Verifier.Verify]: input that is not strict JSON (duplicate keys,
//     invalid UTF-8, oversize or over-deep), a document not in the
//     compacted form of its contexts (see Security considerations), and a
//     withheld validUntil or credentialStatus in a selectively disclosed
//     credential unless [AllowWithheldUnsafe]: each fails its check, and
//     the error is never nil.
//
// # Selective disclosure
//
// A credential whose accepted proof is an ecdsa-sd-2023 derived proof
// (proof/ecdsasd2023) holds only what its issuer made mandatory and what
// its holder chose to show. For such credentials the disclosure check runs
// after the issuer check: it reports in Result.Disclosure which of
// validFrom, validUntil, credentialStatus and credentialSchema (for VCDM
// 1.1 issuanceDate, expirationDate, credentialStatus, credentialSchema)
// are mandatory, selectively disclosed or withheld, and fails (the
// failing check is [CheckDisclosure]; Result.Disclosure.Withheld lists the
// members) if a member the policy requires is withheld. A verifier cannot tell a withheld member from one
// the issuer never set, and a withheld validUntil or credentialStatus
// would pass the validity and status checks as "never expires" and
// "cannot be revoked" — a bypass of those checks by the holder. So by
// default the policy requires validUntil (expirationDate for 1.1) and
// credentialStatus to be disclosed: the check fails closed, even for a
// credential that never had them. [AllowWithheldUnsafe] accepts their
// absence; [RequireDisclosure] requires more members. Whether a disclosed
// member was mandatory is reported but not required: its value is
// authentic either way. Issuers signing with microcred's ecdsa-sd-2023
// make these members mandatory by default, so their derived credentials
// pass when the credential has them. Other proofs sign every member, and
// the check does not run.
//
// # Security considerations
//
// Everything a verifier reads is attacker-controlled: the credential, its
// proofs, the DIDs it names. microcred fails closed: a Verifier needs a
// resolver and at least one suite, a Policy cannot be built without a
// [Trust] (issuers named with [TrustIssuers], none with [TrustNoIssuer],
// or, deliberately, any with [AnyIssuerUnsafe]; the zero Trust is an
// error), a proof's key must be listed for
// assertionMethod in the issuer's own DID document, and JSON-LD processing
// refuses members that the signature would not cover (see internal/canon).
// Strict JSON parsing rejects duplicate keys, oversize input and deep
// nesting. See SECURITY.md for the threat model.
//
// What is signed is what is checked. The checks read members by name
// (validFrom, credentialStatus, a proof's expires, ...) while a Data
// Integrity signature covers the document's RDF graph, which other
// spellings of the same members produce too. microcred closes that gap by
// accepting only documents in the compacted form of their contexts, at
// sign and verify time and for every suite: each member is the name its
// contexts define for it (not an IRI, a compact IRI or an alias the
// document defines), no @nest, @included, @reverse or @graph wrappers, no
// keyword aliases, @id values in full, and the nodes the checks read
// described once. Reading by name and reading the graph then agree, which
// FuzzFieldsMatchGraph and the hostile corpus test. This was chosen over
// deriving every field from the quads because the JSON stays the document
// that users, schemas and other implementations see; the price is that
// documents in other spellings are refused even when their signature is
// valid. Status lists are bound to the entry that names them
// ([MaxStatusListAge] bounds their age), and in a proof set the issuer is
// bound through a proof the issuer's own key made.
//
// # Offline use
//
// Nothing in this module touches the network. JSON-LD contexts come from
// the embedded set (vc/contexts); did:key resolves locally. Methods that
// need the network are only reachable through resolvers the caller
// provides.
//
// # Options
//
// The module has one option idiom. A constructor's optional settings are
// functional options: [NewIssuer] and [NewVerifier] take [Option] values
// (an option meant for the other constructor is refused, naming it),
// [NewPolicy] takes [PolicyOption] values after its one required [Trust],
// and so do ecdsasd2023.New, contexts.New, store.NewBlocks,
// didweb.NewHTTPFetcher and ob2.NewVerifier, each with its own With…
// functions. The inputs of one call, required ones included, are a struct
// named …Options ([BatchOptions], [PresentationOptions], proof.Options,
// proof.VerifyOptions, vcjwt.VerifyOptions, anchor.VerifyOptions,
// ots.VerifyOptions, status.CheckOptions, bake.Options). Package vcapi, a
// service configured from a file, takes its configuration as structs
// (vcapi.Config and what it holds), as net/http's Server does. An
// internal/archtest test keeps constructors to this rule.
//
// # Compatibility
//
// Signatures interoperate byte for byte with Digital Bazaar's JavaScript
// implementations (see interop/), and the W3C and 1EdTech test vectors pass
// step by step.
package microcred
