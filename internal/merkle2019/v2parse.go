package merkle2019

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/onchaincert/microcred/internal/mtree"
	"github.com/onchaincert/microcred/internal/rdfc"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// parseV2Signature reads the receipt of a v2 certificate. Every hash is
// 64 lowercase hex digits (Blockcerts compares them as strings), the path
// has at most mtree.MaxPath steps of exactly one side each, and the
// first anchor must convert to a Blink.
func parseV2Signature(m map[string]any) (*V2Proof, error) {
	if _, ok := m["proof"]; ok {
		return nil, fmt.Errorf("%w: certificate has both signature and proof", ErrMalformedV2Signature)
	}
	sig, ok := m["signature"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: signature missing or not an object", ErrMalformedV2Signature)
	}
	if !isV2Type(sig["type"]) {
		return nil, fmt.Errorf("%w: signature.type is not %s", ErrMalformedV2Signature, TypeV2)
	}
	p := &V2Proof{}
	var err error
	if p.TargetHash, err = v2Hash(sig["targetHash"], "signature.targetHash"); err != nil {
		return nil, err
	}
	if p.MerkleRoot, err = v2Hash(sig["merkleRoot"], "signature.merkleRoot"); err != nil {
		return nil, err
	}
	if _, ok := sig["path"]; ok {
		// cert-verifier-js falls back to "path" when "proof" is absent; no
		// issuer writes it, and one spelling per value is read here.
		return nil, fmt.Errorf("%w: signature.path is not read (use signature.proof)", ErrMalformedV2Signature)
	}
	switch steps := sig["proof"].(type) {
	case nil:
		if _, present := sig["proof"]; present {
			return nil, fmt.Errorf("%w: signature.proof is null", ErrMalformedV2Signature)
		}
		// One-leaf tree: no path, targetHash is the root.
	case []any:
		if len(steps) > mtree.MaxPath {
			return nil, fmt.Errorf("%w: signature.proof has %d steps, more than %d", ErrMalformedV2Signature, len(steps), mtree.MaxPath)
		}
		p.Path = make([]mtree.Step, 0, len(steps))
		for i, e := range steps {
			s, ok := e.(map[string]any)
			if !ok || len(s) != 1 {
				return nil, fmt.Errorf("%w: signature.proof[%d] is not an object with one member", ErrMalformedV2Signature, i)
			}
			for side, h := range s {
				if side != "left" && side != "right" {
					return nil, fmt.Errorf("%w: signature.proof[%d] has member %q, want left or right", ErrMalformedV2Signature, i, side)
				}
				b, err := v2Hash(h, fmt.Sprintf("signature.proof[%d].%s", i, side))
				if err != nil {
					return nil, err
				}
				p.Path = append(p.Path, mtree.Step{Left: side == "left", Hash: b})
			}
		}
	default:
		return nil, fmt.Errorf("%w: signature.proof is not a list", ErrMalformedV2Signature)
	}
	list, ok := sig["anchors"].([]any)
	if !ok || len(list) == 0 || len(list) > mtree.MaxAnchors {
		return nil, fmt.Errorf("%w: signature.anchors must be a list of 1 to %d anchors", ErrMalformedV2Signature, mtree.MaxAnchors)
	}
	for i, e := range list {
		a, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: signature.anchors[%d] is not an object", ErrMalformedV2Signature, i)
		}
		var an V2Anchor
		for k, val := range a {
			s, ok := val.(string)
			if !ok {
				return nil, fmt.Errorf("%w: signature.anchors[%d].%s is not a string", ErrMalformedV2Signature, i, k)
			}
			switch k {
			case "sourceId":
				an.SourceID = s
			case "type":
				an.Type = s
			case "chain":
				an.Chain = s
			default:
				return nil, fmt.Errorf("%w: signature.anchors[%d] has unknown member %q", ErrMalformedV2Signature, i, k)
			}
		}
		if an.SourceID == "" || an.Type == "" {
			return nil, fmt.Errorf("%w: signature.anchors[%d] needs sourceId and type", ErrMalformedV2Signature, i)
		}
		p.Anchors = append(p.Anchors, an)
	}
	// getChain, getTransactionId: Blockcerts checks the first anchor.
	if p.Anchor, err = p.Anchors[0].Blink(); err != nil {
		return nil, fmt.Errorf("signature.anchors[0]: %w", err)
	}
	if p.Chain, err = p.Anchor.AnchorChain(); err != nil {
		return nil, fmt.Errorf("signature.anchors[0]: %w", err)
	}
	p.NoFinality = !p.Chain.Final()
	return p, nil
}

func v2Hash(v any, field string) ([]byte, error) {
	s, ok := v.(string)
	if !ok || !isLowerHex(s, 64) {
		return nil, fmt.Errorf("%w: %s is not 64 lowercase hex digits", ErrMalformedV2Signature, field)
	}
	b, _ := hex.DecodeString(s)
	return b, nil
}

// IRIs of the terms read from a v2 certificate's graph, as the Open
// Badges 2.0 context maps them (expires is sec:expiration there).
const (
	obi           = "https://w3id.org/openbadges#"
	rdfType       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	xsdBool       = "http://www.w3.org/2001/XMLSchema#boolean"
	secExpiration = "https://w3id.org/security#expiration"
)

// v2Graph indexes the default-graph quads by subject and predicate.
type v2Graph map[rdfc.Term]map[string][]rdfc.Term

// values returns the objects of (s, pred), pred a full IRI; more than
// max, or fewer than min, is an error naming the term.
func (g v2Graph) values(s rdfc.Term, pred, name string, min, max int) ([]rdfc.Term, error) {
	vs := g[s][pred]
	if len(vs) < min || len(vs) > max {
		return nil, fmt.Errorf("%w: the signed graph has %d values of %s, want %d to %d", ErrMalformedV2Signature, len(vs), name, min, max)
	}
	return vs, nil
}

// one returns the single value of (s, pred) of kind k, or the zero Term
// when it is absent and optional.
func (g v2Graph) one(s rdfc.Term, pred, name string, required bool, k rdfc.Kind) (rdfc.Term, error) {
	min := 0
	if required {
		min = 1
	}
	vs, err := g.values(s, pred, name, min, 1)
	if err != nil || len(vs) == 0 {
		return rdfc.Term{}, err
	}
	if vs[0].Kind != k && !(k == rdfc.BlankNode && vs[0].Kind == rdfc.IRI) {
		return rdfc.Term{}, fmt.Errorf("%w: %s in the signed graph is not a %s", ErrMalformedV2Signature, name, kindName(k))
	}
	return vs[0], nil
}

func kindName(k rdfc.Kind) string {
	switch k {
	case rdfc.IRI:
		return "IRI"
	case rdfc.Literal:
		return "literal"
	}
	return "node"
}

func termString(t rdfc.Term) string {
	if t.Kind == rdfc.BlankNode {
		return "_:" + t.Value
	}
	return t.Value
}

// readGraph fills the certificate fields of p from the canonical N-Quads
// the targetHash covers: the one Assertion node, its issuedOn, expires,
// badge.issuer and recipient. Reading the graph, not JSON members, means
// an alias or a full IRI spelling of a term cannot show one value to the
// checks while the hash covers another.
func (p *V2Proof) readGraph(nq []byte) error {
	quads, err := rdfc.ParseNQuads(nq)
	if err != nil {
		return fmt.Errorf("reading the canonical N-Quads: %w", err)
	}
	g := v2Graph{}
	var assertions []rdfc.Term
	for _, q := range quads {
		if q.Graph.Kind != rdfc.DefaultGraph {
			return fmt.Errorf("%w: the certificate has a named graph", ErrMalformedV2Signature)
		}
		if g[q.Subject] == nil {
			g[q.Subject] = map[string][]rdfc.Term{}
		}
		g[q.Subject][q.Predicate.Value] = append(g[q.Subject][q.Predicate.Value], q.Object)
		if q.Predicate.Value == rdfType && q.Object.Kind == rdfc.IRI && q.Object.Value == obi+"Assertion" {
			assertions = append(assertions, q.Subject)
		}
	}
	if len(assertions) != 1 {
		return fmt.Errorf("%w: the signed graph has %d Assertion nodes, want 1", ErrMalformedV2Signature, len(assertions))
	}
	a := assertions[0]
	p.ID = termString(a)
	t, err := g.one(a, obi+"issueDate", "issuedOn", true, rdfc.Literal)
	if err != nil {
		return err
	}
	p.IssuedOn = t.Value
	if t, err = g.one(a, secExpiration, "expires", false, rdfc.Literal); err != nil {
		return err
	}
	p.Expires = t.Value
	badge, err := g.one(a, obi+"badge", "badge", true, rdfc.BlankNode)
	if err != nil {
		return err
	}
	issuer, err := g.one(badge, obi+"issuer", "badge.issuer", true, rdfc.BlankNode)
	if err != nil {
		return err
	}
	if issuer.Kind != rdfc.IRI {
		return fmt.Errorf("%w: badge.issuer has no id (the issuer profile URL)", ErrMalformedV2Signature)
	}
	p.IssuerProfile = issuer.Value
	if t, err = g.one(issuer, obi+"revocationList", "badge.issuer.revocationList", false, rdfc.IRI); err != nil {
		return err
	}
	p.Revocation = t.Value
	r, err := g.one(a, obi+"recipient", "recipient", true, rdfc.BlankNode)
	if err != nil {
		return err
	}
	if t, err = g.one(r, obi+"identityHash", "recipient.identity", true, rdfc.Literal); err != nil {
		return err
	}
	p.Recipient.Identity = t.Value
	if t, err = g.one(r, rdfType, "recipient.type", false, rdfc.IRI); err != nil {
		return err
	}
	p.Recipient.Type = t.Value
	if t, err = g.one(r, obi+"salt", "recipient.salt", false, rdfc.Literal); err != nil {
		return err
	}
	p.Recipient.Salt = t.Value
	if t, err = g.one(r, obi+"hashed", "recipient.hashed", false, rdfc.Literal); err != nil {
		return err
	}
	switch {
	case t.Value == "":
	case t.Datatype == xsdBool && (t.Value == "true" || t.Value == "false"):
		p.Recipient.Hashed = t.Value == "true"
	default:
		return fmt.Errorf("%w: recipient.hashed is not a boolean", ErrMalformedV2Signature)
	}
	return nil
}

// ParseV2IssuerKeys reads the issuing keys of a Blockcerts v2 issuer
// profile, as cert-verifier-js parseIssuerKeys does: with an @context,
// the "publicKey" list (or "publicKeys", the 2.0-alpha spelling), each
// entry's "id" (or "publicKey") without the "ecdsa-koblitz-pubkey:"
// prefix as the address and its created, revoked and expires dates;
// without an @context (a Blockcerts v1 profile), the first "issuerKeys"
// entry's "key", with no dates. Dates are RFC 3339, or ISO 8601 with a
// "+0000" offset; a date without an offset is read as UTC. The profile is
// not signed; where it came from is the caller's check.
func ParseV2IssuerKeys(profile []byte) ([]IssuerKey, error) {
	val, err := strictjson.Decode(profile, strictjson.Limits{})
	if err != nil {
		return nil, fmt.Errorf("merkle2019: issuer profile: %w", err)
	}
	m, ok := val.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("merkle2019: issuer profile is not a JSON object")
	}
	if _, ok := m["@context"]; !ok {
		list, _ := m["issuerKeys"].([]any)
		if len(list) == 0 {
			return nil, fmt.Errorf("merkle2019: issuer profile: issuerKeys missing or empty")
		}
		e, _ := list[0].(map[string]any)
		k, _ := e["key"].(string)
		if k == "" {
			return nil, fmt.Errorf("merkle2019: issuer profile: issuerKeys[0].key missing or not a string")
		}
		return []IssuerKey{{Address: k}}, nil
	}
	field := "publicKey"
	list, ok := m[field].([]any)
	if _, present := m[field]; !present {
		field = "publicKeys"
		list, ok = m[field].([]any)
	}
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("merkle2019: issuer profile: %s missing, empty or not a list", field)
	}
	if len(list) > maxProfileKeys {
		return nil, fmt.Errorf("merkle2019: issuer profile: %s has %d keys, more than %d", field, len(list), maxProfileKeys)
	}
	keys := make([]IssuerKey, 0, len(list))
	for i, e := range list {
		name := fmt.Sprintf("%s[%d]", field, i)
		o, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("merkle2019: issuer profile: %s is not an object", name)
		}
		id, _ := o["id"].(string)
		if id == "" {
			id, _ = o["publicKey"].(string)
		}
		addr := strings.TrimPrefix(id, "ecdsa-koblitz-pubkey:")
		if addr == "" {
			return nil, fmt.Errorf("merkle2019: issuer profile: %s has no id", name)
		}
		k := IssuerKey{Address: addr}
		for _, d := range []struct {
			member string
			t      *time.Time
		}{{"created", &k.Created}, {"revoked", &k.Revoked}, {"expires", &k.Expires}} {
			v, present := o[d.member]
			if !present {
				continue
			}
			s, _ := v.(string)
			if *d.t, err = parseProfileTime(s); err != nil {
				return nil, fmt.Errorf("merkle2019: issuer profile: %s.%s: %w", name, d.member, err)
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// maxProfileKeys caps the keys read from one issuer profile.
const maxProfileKeys = 256

func parseProfileTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}
