package ecdsasd2023

import (
	"crypto"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Disclosure is what a verified derived document discloses, member by
// member at its top level, and whether the issuer made each member
// mandatory. [Suite.VerifyDisclosure] makes it.
//
// A member is disclosed if the document has it and it yields at least
// one signed statement: a member whose value expands to nothing (null,
// an empty array) is not disclosed, since it carries nothing the issuer
// signed. A disclosed member is mandatory if every one of its statements
// is among the proof's mandatory statements (those the issuer's mandatory
// pointers selected), and selective otherwise: the holder chose to
// disclose at least part of it. "type" counts the root's type statements;
// "@context" and "id" are not members here (every selection keeps them).
type Disclosure struct {
	members map[string]bool // disclosed member -> mandatory
}

// Disclosed reports whether the document discloses the top-level member
// (a JSON name, e.g. "validUntil").
func (d *Disclosure) Disclosed(member string) bool {
	_, ok := d.members[member]
	return ok
}

// Mandatory reports whether the member is disclosed and every statement
// of it is mandatory.
func (d *Disclosure) Mandatory(member string) bool { return d.members[member] }

// Members returns the disclosed top-level members, sorted.
func (d *Disclosure) Members() []string {
	out := make([]string, 0, len(d.members))
	for m := range d.members {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

// VerifyDisclosure verifies a derived proof exactly as [Suite.VerifyProof]
// does, with the same errors, and if it verifies reports what unsecured
// (the document without its proof) discloses: for each top-level member,
// whether the issuer made it mandatory or the holder chose to disclose it.
// A member the document does not have is not in the result; whether it
// was withheld or never there, the proof does not say.
func (s *Suite) VerifyDisclosure(unsecured, p map[string]any, key crypto.PublicKey) (*Disclosure, error) {
	vd, dv, err := s.verifyDerived(unsecured, p, key)
	if err != nil {
		return nil, err
	}
	return s.disclosureOf(unsecured, vd, dv.LabelMap)
}

// disclosureOf sorts the members of a verified document into mandatory
// and selective ones. Each member's statements are found the way the
// issuer found the mandatory ones (selectJsonLd of "/member" over the
// skolemized document), relabelled with the proof's label map, and looked
// up among the mandatory statements.
func (s *Suite) disclosureOf(unsecured map[string]any, vd *verifyData, labelMap map[string]string) (*Disclosure, error) {
	sk, err := s.skolemize(unsecured)
	if err != nil {
		return nil, err
	}
	all, err := s.quads(sk, sk.doc)
	if err != nil {
		return nil, err
	}
	_, issued, err := s.canonicalize(all)
	if err != nil {
		return nil, err
	}
	// The signed label of each node skolemization named. Other blank
	// nodes (RDF lists) get fresh labels in every selection, so they
	// cannot be traced; a member that reaches one is not counted as
	// mandatory.
	labels := make(map[string]string, sk.count)
	for i := range sk.count {
		in := "g" + strconv.Itoa(i)
		c14n, ok := issued[in]
		if !ok {
			continue // a node without statements
		}
		l, ok := labelMap[c14n]
		if !ok {
			return nil, fmt.Errorf("%w: no label for _:%s", errLabelMap, c14n)
		}
		labels[in] = l
	}
	signed := make(map[string]bool, len(vd.NQuads))
	for _, q := range vd.NQuads {
		signed[q] = false
	}
	for _, q := range vd.Mandatory {
		signed[q] = true
	}
	// statements returns the signed N-Quads of a selection, or false if
	// a blank node in it cannot be traced.
	statements := func(sel map[string]any) ([]string, bool, error) {
		qs, err := s.quads(sk, sel)
		if err != nil {
			return nil, false, err
		}
		nq, err := relabel(qs, labels)
		if err != nil {
			return nil, false, nil
		}
		return sortedSet(nq), true, nil
	}
	// The root's own statements (its types), which every selection has.
	root := initialSelection(sk.doc)
	if c, ok := sk.doc["@context"]; ok {
		root["@context"] = c
	}
	rootQuads, ok, err := statements(root)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: the document's types reach an untraceable blank node", errUnsupportedDocument)
	}
	inRoot := make(map[string]bool, len(rootQuads))
	for _, q := range rootQuads {
		inRoot[q] = true
	}

	d := &Disclosure{members: map[string]bool{}}
	for member := range unsecured {
		switch member {
		case "@context", "id", "@id", "proof":
			continue
		}
		own := rootQuads
		if member != "type" && member != "@type" {
			sel, err := selectJSONLD([]string{"/" + escapeToken(member)}, sk.doc)
			if err != nil {
				return nil, err
			}
			nq, traced, err := statements(sel)
			if err != nil {
				return nil, err
			}
			if !traced {
				// It has statements (about the untraceable node), but
				// whether they are mandatory cannot be told.
				d.members[member] = false
				continue
			}
			own = nil
			for _, q := range nq {
				if !inRoot[q] {
					own = append(own, q)
				}
			}
		}
		if len(own) == 0 {
			continue // nothing signed: not disclosed
		}
		mandatory := true
		for _, q := range own {
			m, ok := signed[q]
			if !ok {
				return nil, fmt.Errorf("%w: a statement of %q is not in the verified document", errLabelMap, member)
			}
			mandatory = mandatory && m
		}
		d.members[member] = mandatory
	}
	return d, nil
}

// escapeToken escapes a JSON object member name as an RFC 6901 reference
// token.
func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
