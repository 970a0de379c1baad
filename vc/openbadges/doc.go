// Package openbadges is the Open Badges 3.0 data model
// (https://www.imsglobal.org/spec/ob/v3p0/): typed structs for every class an
// AchievementCredential carries, builders that emit the right @context and
// types and refuse an incomplete badge, a reader for OB 3.0 credentials in
// both VCDM 2.0 and VCDM 1.1 form, and the salted identity hash helper.
//
// Builders return the credential's JSON, ready for the root package's
// Issuer.Issue.
// A missing required field is reported together with every other missing
// or malformed field, each by JSON Pointer (such as
// "/credentialSubject/achievement/criteria"), in one error.
//
// The embedded 1EdTech JSON Schemas ([DefaultSchemas]) validate offline.
// [Schemas.For] says which apply to a credential: those its
// credentialSchema names and, for an OB 3.0 VCDM 2.0 credential, the
// AchievementCredential or EndorsementCredential schema its type calls for,
// which is how microcred's verifier checks every OB 3.0 credential. Those
// two are cited as
// https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json
// and
// https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json
// (the schema documents carry the "-jsonschema1.json" ids; both resolve to
// the embedded schemas).
// [ValidateAchievementCredential] accepts what microcred signs: a single
// embedded proof object is read as the one-element list the schemas admit.
//
// # Guarantees
//
//   - A builder ([NewAchievementCredential], [NewEndorsementCredential])
//     returns JSON with the VC 2.0 and OB 3.0.3 contexts and the right
//     types, and only when every required field is present and well
//     formed.
//   - Validation uses only the embedded schemas; nothing is ever fetched.
//     [HashIdentity] is deterministic (the OB salted sha256 form).
//
// # Refuses
//
//   - A builder's input with missing or malformed fields: one error that
//     lists every one by JSON Pointer.
//   - A credential that fails a schema (a [*SchemaError] wrapping
//     [ErrSchema]) or names a schema not embedded ([ErrUnknownSchema]).
//   - In the reader, whatever package vc's strict parser refuses, and a
//     credential that is not an OpenBadgeCredential or
//     AchievementCredential.
//
// # Security considerations
//
// Reading goes through package vc's strict parser (duplicate keys, size,
// depth). A parsed credential is not a verified one: verify first, then
// read the verified bytes.
//
// # Offline use
//
// Pure data handling; no I/O.
//
// # Compatibility
//
// Builders cite https://www.w3.org/ns/credentials/v2 then the OB context
// 3.0.3 (contexts.OpenBadgesV3). The reader accepts OpenBadgeCredential and
// AchievementCredential, issuanceDate/expirationDate (VCDM 1.1) as well as
// validFrom/validUntil, and single values where the spec allows arrays.
//
// [Schemas] embeds 1EdTech's OB 3.0 JSON Schemas, those of four registered
// extensions and the CLR 2.0 ClrCredential, AchievementCredential and
// EndorsementCredential schemas (sources and hashes in schemas/README.md
// and schemas/SHA256SUMS). 1EdTech's "any" schema ids for verifiers
// (ob_v3p0_anyachievementcredential_schema.json and three more) validate a
// VCDM 2.0 credential with the VCDM 2.0 schema they stand for; their VCDM
// 1.1 branch is not embedded, so a VCDM 1.1 credential citing one fails
// with [ErrUnknownSchema]. Nothing is ever fetched.
package openbadges
