package hostile

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/base58"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

// Issue 13: what the signature covers is what the verifier checks.
//
// Most files here are respellings: a credential the issuer signed,
// rewritten by a holder so that its RDF graph, and so its Data Integrity
// signature, stays the same while a reader of the JSON sees another
// document (no validUntil, no credentialStatus, no proof expiry). The
// root package's TestRespellingsKeepTheGraph checks, with json-gold, that
// each one in [Respellings] really has the original's graph: only the
// canonicalizer's compacted-form rules stand between it and VERIFIED.

// More status list URLs the corpus' fetcher serves.
const (
	// ListReplayed serves the issuer's list for another URL, bit clear.
	ListReplayed = "https://status.hostile.example/replayed"
	// ListRespelled serves an expired list whose validUntil is respelled.
	ListRespelled = "https://status.hostile.example/respelled"
	// ListExpired serves an expired list.
	ListExpired = "https://status.hostile.example/expired"
)

// Respellings maps each respelled file to the file whose graph it keeps.
func Respellings() map[string]string {
	out := make(map[string]string, len(respellings))
	for k, v := range respellings {
		out[k] = v
	}
	return out
}

var respellings = map[string]string{
	"validuntil-expanded-iri.json":        "expired.json",
	"validuntil-compact-iri.json":         "expired.json",
	"validuntil-inline-alias.json":        "expired.json",
	"validuntil-nest.json":                "expired.json",
	"validuntil-nest-alias.json":          "expired.json",
	"validuntil-included.json":            "expired.json",
	"validuntil-graph-wrapper.json":       "expired.json",
	"validuntil-value-object.json":        "expired.json",
	"validuntil-array.json":               "expired.json",
	"validuntil-described-twice.json":     "expired-self-reference.json",
	"validfrom-expanded-iri.json":         "not-yet-valid.json",
	"v1-expirationdate-expanded-iri.json": "v1-expired.json",
	"status-expanded-iri.json":            "status-revoked.json",
	"status-inline-alias.json":            "status-revoked.json",
	"status-nest.json":                    "status-revoked.json",
	"status-included-reverse.json":        "status-revoked.json",
	"schema-expanded-iri.json":            "schema-missing-criteria.json",
	"proof-expires-expanded-iri.json":     "proof-expired.json",
	"proof-created-expanded-iri.json":     "proof-created-in-future.json",
	"type-keyword.json":                   "valid.json",
	"issuer-id-keyword.json":              "valid.json",
	"subject-id-inline-alias.json":        "valid.json",
	"subject-type-inline-alias.json":      "valid.json",
	"subject-id-compact-iri.json":         "valid.json",
	"achievement-id-base.json":            "valid.json",
}

const (
	credNS   = "https://www.w3.org/2018/credentials#"
	xsdDate  = "http://www.w3.org/2001/XMLSchema#dateTime"
	secNS    = "https://w3id.org/security#"
	expiryAt = "2025-12-01T00:00:00Z"
)

func typedDate(s string) map[string]any { return map[string]any{"@value": s, "@type": xsdDate} }

// respell puts a respelling of from (a generated file) under name.
func (g *gen) respell(name, from string, edit func(t map[string]any)) {
	src, ok := g.files[from]
	if !ok {
		g.fail(fmt.Errorf("hostile: %s is not generated before %s", from, name))
		return
	}
	if respellings[name] != from {
		g.fail(fmt.Errorf("hostile: %s is not listed as a respelling of %s", name, from))
	}
	t := decode(src)
	edit(t)
	g.putJSON(name, t)
}

// derive is respell for a file that does not keep the graph.
func (g *gen) derive(name, from string, edit func(t map[string]any)) {
	t := decode(g.files[from])
	edit(t)
	g.putJSON(name, t)
}

// withContext appends an embedded context to t's @context.
func withContext(t map[string]any, local map[string]any) {
	t["@context"] = append(t["@context"].([]any), local)
}

func (g *gen) graph13() {
	credID := g.base["id"].(string)

	// validUntil (the credential expired on 2025-12-01) out of sight.
	g.respell("validuntil-expanded-iri.json", "expired.json", func(t map[string]any) {
		delete(t, "validUntil")
		t[credNS+"validUntil"] = typedDate(expiryAt)
	})
	g.respell("validuntil-compact-iri.json", "expired.json", func(t map[string]any) {
		withContext(t, map[string]any{"cred": credNS})
		delete(t, "validUntil")
		t["cred:validUntil"] = typedDate(expiryAt)
	})
	g.respell("validuntil-inline-alias.json", "expired.json", func(t map[string]any) {
		withContext(t, map[string]any{"expiresOn": map[string]any{"@id": credNS + "validUntil", "@type": xsdDate}})
		delete(t, "validUntil")
		t["expiresOn"] = expiryAt
	})
	g.respell("validuntil-nest.json", "expired.json", func(t map[string]any) {
		delete(t, "validUntil")
		t["@nest"] = map[string]any{"validUntil": expiryAt}
	})
	g.respell("validuntil-nest-alias.json", "expired.json", func(t map[string]any) {
		withContext(t, map[string]any{"meta": "@nest"})
		delete(t, "validUntil")
		t["meta"] = map[string]any{"validUntil": expiryAt}
	})
	g.respell("validuntil-included.json", "expired.json", func(t map[string]any) {
		delete(t, "validUntil")
		// (validUntil is defined in the VerifiableCredential type's scope;
		// the type statement repeats one the graph has.)
		t["@included"] = []any{map[string]any{"id": credID, "type": "VerifiableCredential", "validUntil": expiryAt}}
	})
	g.respell("validuntil-graph-wrapper.json", "expired.json", func(t map[string]any) {
		inner := map[string]any{}
		for k, v := range t {
			if k != "@context" && k != "proof" {
				inner[k] = v
				delete(t, k)
			}
		}
		t["@graph"] = []any{inner}
	})
	g.respell("validuntil-value-object.json", "expired.json", func(t map[string]any) { t["validUntil"] = typedDate(expiryAt) })
	g.respell("validuntil-array.json", "expired.json", func(t map[string]any) { t["validUntil"] = []any{expiryAt} })

	// A node the verifier reads, described a second time: the issuer's
	// credential refers to itself as its subject's source, and the holder
	// moves validUntil into that reference.
	t := clone(g.base)
	t["validUntil"] = expiryAt
	sub(t, "credentialSubject")["source"] = map[string]any{"id": credID}
	g.putJSON("expired-self-reference.json", g.sign(t, g.issuer, proof.Options{}))
	g.respell("validuntil-described-twice.json", "expired-self-reference.json", func(t map[string]any) {
		delete(t, "validUntil")
		sub(t, "credentialSubject")["source"] = map[string]any{"id": credID, "type": "VerifiableCredential", "validUntil": expiryAt}
	})

	// validFrom (not yet valid) and VCDM 1.1's expirationDate.
	g.respell("validfrom-expanded-iri.json", "not-yet-valid.json", func(t map[string]any) {
		v := t["validFrom"].(string)
		delete(t, "validFrom")
		t[credNS+"validFrom"] = typedDate(v)
	})
	v1 := map[string]any{
		"@context":          []any{"https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"},
		"id":                "urn:uuid:00000000-0000-4000-8000-0000000011aa",
		"type":              []any{"VerifiableCredential"},
		"issuer":            g.issuer.DID().String(),
		"issuanceDate":      "2024-01-01T00:00:00Z",
		"expirationDate":    expiryAt,
		"credentialSubject": map[string]any{"id": "did:example:learner-4711"},
	}
	g.putJSON("v1-expired.json", g.sign(v1, g.issuer, proof.Options{}))
	g.respell("v1-expirationdate-expanded-iri.json", "v1-expired.json", func(t map[string]any) {
		delete(t, "expirationDate")
		t[credNS+"expirationDate"] = typedDate(expiryAt)
	})

	// credentialStatus (revoked) out of sight.
	entryOf := func(t map[string]any) map[string]any { return t["credentialStatus"].(map[string]any) }
	g.respell("status-expanded-iri.json", "status-revoked.json", func(t map[string]any) {
		t[credNS+"credentialStatus"] = entryOf(t)
		delete(t, "credentialStatus")
	})
	g.respell("status-inline-alias.json", "status-revoked.json", func(t map[string]any) {
		withContext(t, map[string]any{"revocation": map[string]any{"@id": credNS + "credentialStatus", "@type": "@id"}})
		t["revocation"] = entryOf(t)
		delete(t, "credentialStatus")
	})
	g.respell("status-nest.json", "status-revoked.json", func(t map[string]any) {
		t["@nest"] = map[string]any{"credentialStatus": entryOf(t)}
		delete(t, "credentialStatus")
	})
	g.respell("status-included-reverse.json", "status-revoked.json", func(t map[string]any) {
		e := clone(entryOf(t))
		e["@reverse"] = map[string]any{credNS + "credentialStatus": map[string]any{"id": credID}}
		t["@included"] = []any{e}
		delete(t, "credentialStatus")
	})

	// credentialSchema (the schema fails) out of sight.
	g.respell("schema-expanded-iri.json", "schema-missing-criteria.json", func(t map[string]any) {
		t[credNS+"credentialSchema"] = t["credentialSchema"]
		delete(t, "credentialSchema")
	})

	// Proof options: expires (past) and created (future) out of sight.
	g.respell("proof-expires-expanded-iri.json", "proof-expired.json", func(t map[string]any) {
		p := firstProof(t)
		p[secNS+"expiration"] = typedDate(p["expires"].(string))
		delete(p, "expires")
	})
	g.respell("proof-created-expanded-iri.json", "proof-created-in-future.json", func(t map[string]any) {
		p := firstProof(t)
		p["http://purl.org/dc/terms/created"] = typedDate(p["created"].(string))
		delete(p, "created")
	})

	// Keywords and aliases of them; types and ids in other spellings.
	g.respell("type-keyword.json", "valid.json", func(t map[string]any) {
		t["@type"] = t["type"]
		delete(t, "type")
	})
	// (Without its type the credential's type-scoped terms are undefined:
	// not a respelling, refused anyway.)
	g.derive("type-rdf-property.json", "valid.json", func(t map[string]any) {
		var refs []any
		for _, ty := range t["type"].([]any) {
			iri := credNS + "VerifiableCredential"
			if ty != "VerifiableCredential" {
				iri = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#" + ty.(string)
			}
			refs = append(refs, map[string]any{"id": iri})
		}
		t["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"] = refs
		delete(t, "type")
	})
	g.respell("issuer-id-keyword.json", "valid.json", func(t map[string]any) {
		iss := sub(t, "issuer")
		iss["@id"] = iss["id"]
		delete(iss, "id")
	})
	g.respell("subject-id-inline-alias.json", "valid.json", func(t map[string]any) {
		withContext(t, map[string]any{"ident": "@id"})
		s := sub(t, "credentialSubject")
		s["ident"] = s["id"]
		delete(s, "id")
	})
	g.respell("subject-type-inline-alias.json", "valid.json", func(t map[string]any) {
		withContext(t, map[string]any{"kind": "@type"})
		s := sub(t, "credentialSubject")
		s["kind"] = s["type"]
		delete(s, "type")
	})
	g.respell("subject-id-compact-iri.json", "valid.json", func(t map[string]any) {
		withContext(t, map[string]any{"learner": map[string]any{"@id": "did:example:", "@prefix": true}})
		sub(t, "credentialSubject")["id"] = "learner:learner-4711"
	})
	g.respell("achievement-id-base.json", "valid.json", func(t map[string]any) {
		withContext(t, map[string]any{"@base": "https://institute.example/achievements/"})
		sub(t, "credentialSubject", "achievement")["id"] = "intro-data-integrity"
	})
	// (JSON-LD ignores a keyword-like member; json-gold's safe mode, the
	// reference, refuses it: not checked as a respelling.)
	g.derive("keyword-like-member.json", "valid.json", func(t map[string]any) {
		t["@validUntil"] = "2099-01-01T00:00:00Z"
	})

	// A presentation that hides a tampered credential from the reader.
	cred := g.signed()
	bad := clone(cred)
	sub(bad, "credentialSubject", "achievement")["name"] = "Advanced Data Integrity"
	vp := func(member string, creds ...any) map[string]any {
		return map[string]any{
			"@context": []any{"https://www.w3.org/ns/credentials/v2"},
			"type":     []any{"VerifiablePresentation"},
			"holder":   g.other.DID().String(),
			member:     creds,
		}
	}
	auth := proof.Options{Purpose: proof.Authentication, Challenge: Challenge}
	g.putJSON("vp-valid.json", g.sign(vp("verifiableCredential", cred), g.other, auth))
	// The holder signs what it made, as another implementation would.
	g.putJSON("vp-credential-expanded-iri.json", g.signReference(vp(credNS+"verifiableCredential", bad), g.other, auth))
	nested := vp("verifiableCredential")
	delete(nested, "verifiableCredential")
	nested["@nest"] = map[string]any{"verifiableCredential": []any{bad}}
	g.putJSON("vp-credential-nest.json", g.signReference(nested, g.other, auth))

	// IRIs that N-Quads cannot carry, signed over the canonical form that
	// writes them unescaped: the statement "folded" into the image's IRI
	// and the space would make two documents share a signature.
	t = clone(g.base)
	sub(t, "credentialSubject", "achievement", "image")["id"] = "https://institute.example/badge.png> .\n<" + credID + "> <" + credNS + "validUntil> \"2099-01-01T00:00:00Z\"^^<" + xsdDate + "> .\n<urn:x:y"
	g.putJSON("nquads-injected-iri.json", g.signReference(t, g.issuer, proof.Options{}))
	t = clone(g.base)
	sub(t, "credentialSubject", "achievement")["id"] = "https://institute.example/achievements/intro data integrity"
	sub(t, "credentialSubject", "achievement", "image")["id"] = "https://institute.example/badges/{name}.png"
	g.putJSON("iri-with-space.json", g.signReference(t, g.issuer, proof.Options{}))

	// Status lists: one for another URL served in place of the one named
	// (bit clear), an expired one, and an expired one respelled fresh.
	g.putJSON("lists/replayed.json", g.list(ListRevocation+"/2", status.Revocation, g.issuer))
	g.putJSON("status-list-replayed.json", g.sign(g.withStatus(ListReplayed, status.Revocation, revokedIndex), g.issuer, proof.Options{}))
	g.putJSON("lists/expired.json", g.listUntil(ListExpired, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)))
	g.putJSON("status-list-expired.json", g.sign(g.withStatus(ListExpired, status.Revocation, 1), g.issuer, proof.Options{}))
	respelled := decode(g.files["lists/expired.json"])
	respelled["id"] = ListRespelled
	// (id changes the graph; sign this list, then respell its validUntil)
	delete(respelled, "proof")
	respelled = g.sign(respelled, g.issuer, proof.Options{})
	respelled[credNS+"validUntil"] = typedDate(respelled["validUntil"].(string))
	delete(respelled, "validUntil")
	g.putJSON("lists/respelled.json", respelled)
	g.putJSON("status-list-validuntil-respelled.json", g.sign(g.withStatus(ListRespelled, status.Revocation, 1), g.issuer, proof.Options{}))

	// A proof set whose first proof is a stranger's (valid, but not the
	// issuer's): the issuer's own proof binds the issuer. A control.
	first := g.sign(clone(g.base), g.other, proof.Options{})
	g.putJSON("proof-set-stranger-first.json", g.sign(first, g.issuer, proof.Options{}))
}

// listUntil is a revocation list (bit clear) valid until until.
func (g *gen) listUntil(url string, until time.Time) map[string]any {
	l, err := status.NewList(status.MinBits, 1)
	g.fail(err)
	data, err := status.NewListCredential(status.ListCredential{ID: url, Issuer: g.issuer.DID().String(), Purpose: status.Revocation, ValidFrom: Created, ValidUntil: until, List: l})
	g.fail(err)
	return g.sign(decode(data), g.issuer, proof.Options{})
}

// signReference signs doc with eddsa-rdfc-2022 as an implementation
// without microcred's checks would: over json-gold's canonicalization,
// which takes members spelled by IRI and IRIs holding '>' or spaces (and
// writes them unescaped). opts: Purpose and Challenge.
func (g *gen) signReference(doc map[string]any, key *didkey.Key, opts proof.Options) map[string]any {
	c, err := canon.NewRDFC(canon.Options{Loader: contexts.Default(), ReferenceOnly: true})
	g.fail(err)
	purpose := opts.Purpose
	if purpose == "" {
		purpose = proof.AssertionMethod
	}
	options := map[string]any{
		"type": proof.TypeDataIntegrity, "cryptosuite": "eddsa-rdfc-2022", "created": proof.FormatDateTime(Created),
		"verificationMethod": key.VerificationMethod(), "proofPurpose": purpose,
	}
	if opts.Challenge != "" {
		options["challenge"] = opts.Challenge
	}
	config := clone(options)
	config["@context"] = doc["@context"]
	pc, err := c.Canonicalize(config)
	g.fail(err)
	dc, err := c.Canonicalize(doc)
	g.fail(err)
	h1, h2 := sha256.Sum256(pc), sha256.Sum256(dc)
	sig, err := key.Sign(g.ctx, append(h1[:], h2[:]...))
	g.fail(err)
	options["proofValue"] = "z" + base58.Encode(sig)
	out := clone(doc)
	out["proof"] = options
	return out
}
