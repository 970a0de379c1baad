// Package clr is the Comprehensive Learner Record 2.0 model
// (https://www.imsglobal.org/spec/clr/v2p0/): a ClrCredential bundles signed
// Open Badges AchievementCredentials about one learner, the achievements
// they are for, and associations between achievements — how
// micro-credentials stack into a larger one (isChildOf, isPartOf,
// precedes, ...).
//
// [NewClrCredential] fills the @context (VC 2.0, CLR 2.0.1, OB 3.0.3) and
// types, and checks the record: required fields, embedded credentials that
// are signed OB 3.0 credentials about the same learner, associations whose
// ends are achievements of the record. Sign and verify it like any other
// credential; verify each embedded credential too
// ([ClrCredential.EmbeddedCredentials]).
//
// # Guarantees
//
// A record [NewClrCredential] returns has the CLR 2.0 @context and types
// and passed the checks above: required fields present, every embedded
// credential a signed OB 3.0 credential about the record's learner, and
// every association's ends achievements of the record. Pure data
// handling; no I/O, no cryptography.
//
// # Refuses
//
// With an error wrapping [ErrInvalid] that lists every problem: a missing
// required field, an embedded credential that is unsigned, not OB 3.0 or
// about another learner, an association whose end is not an achievement
// of the record (or of a type outside [AssociationTypes]); in
// [ParseClrCredential], a document whose type has no ClrCredential.
//
// # Security considerations
//
// A CLR's proof covers the embedded credentials as data; it does not make
// them true. A verifier must verify each embedded credential on its own,
// against its own issuer.
//
// # Offline use
//
// Pure data handling; no I/O.
//
// # Compatibility
//
// Matches the CLR 2.0 context 2.0.1 and the CLR signing walk-through of the
// 1EdTech specification (see proof/eddsa2022 tests).
package clr

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

// contextCLR is the CLR 2.0 context microcred's builders cite.
const contextCLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

// associationTypes are the association types of CLR 2.0, sorted.
var associationTypes = []string{"exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf", "isRelatedTo", "precedes", "replacedBy"}

// AssociationTypes returns the association types CLR 2.0 defines, sorted
// (a fresh slice each call: changing it changes nothing this package checks).
func AssociationTypes() []string { return slices.Clone(associationTypes) }

var (
	// ErrInvalid is wrapped when a CLR is malformed.
	ErrInvalid = errors.New("clr: invalid ClrCredential")
)

// Association relates two achievements of the record.
type Association struct {
	Type            openbadges.Type `json:"type"` // "Association"
	AssociationType string          `json:"associationType"`
	SourceID        string          `json:"sourceId"`
	TargetID        string          `json:"targetId"`
}

// ClrSubject is the learner and their record.
type ClrSubject struct {
	ID                   string                                     `json:"id,omitempty"`
	Type                 openbadges.Types                           `json:"type"` // ["ClrSubject"]
	Identifier           openbadges.List[openbadges.IdentityObject] `json:"identifier,omitempty"`
	Achievement          openbadges.List[openbadges.Achievement]    `json:"achievement,omitempty"`
	VerifiableCredential []json.RawMessage                          `json:"verifiableCredential"`
	Association          openbadges.List[Association]               `json:"association,omitempty"`
}

// ClrCredential is a CLR 2.0 credential.
type ClrCredential struct {
	Context           []any                                        `json:"@context"`
	ID                string                                       `json:"id"`
	Type              openbadges.Types                             `json:"type"`
	Name              string                                       `json:"name"`
	Description       string                                       `json:"description,omitempty"`
	Image             *openbadges.Image                            `json:"image,omitempty"`
	Partial           bool                                         `json:"partial,omitempty"`
	Issuer            openbadges.Profile                           `json:"issuer"`
	ValidFrom         string                                       `json:"validFrom"`
	ValidUntil        string                                       `json:"validUntil,omitempty"`
	CredentialSubject ClrSubject                                   `json:"credentialSubject"`
	Endorsement       openbadges.List[json.RawMessage]             `json:"endorsement,omitempty"`
	CredentialSchema  openbadges.List[openbadges.CredentialSchema] `json:"credentialSchema,omitempty"`
}

// NewClrCredential completes c (contexts and types) and checks it; see
// Validate. c is not modified.
func NewClrCredential(c ClrCredential) ([]byte, error) {
	if len(c.Context) == 0 {
		c.Context = []any{contexts.CredentialsV2, contextCLR, contexts.OpenBadgesV3}
	}
	if len(c.Type) == 0 {
		c.Type = openbadges.Types{"VerifiableCredential", "ClrCredential"}
	}
	if len(c.Issuer.Type) == 0 {
		c.Issuer.Type = openbadges.Types{"Profile"}
	}
	if len(c.CredentialSubject.Type) == 0 {
		c.CredentialSubject.Type = openbadges.Types{"ClrSubject"}
	}
	assoc := make(openbadges.List[Association], len(c.CredentialSubject.Association))
	copy(assoc, c.CredentialSubject.Association)
	for i := range assoc {
		if assoc[i].Type == "" {
			assoc[i].Type = "Association"
		}
	}
	c.CredentialSubject.Association = assoc
	ach := make(openbadges.List[openbadges.Achievement], len(c.CredentialSubject.Achievement))
	copy(ach, c.CredentialSubject.Achievement)
	for i := range ach {
		if len(ach[i].Type) == 0 {
			ach[i].Type = openbadges.Types{"Achievement"}
		}
	}
	c.CredentialSubject.Achievement = ach
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return json.MarshalIndent(c, "", "  ")
}

// ParseClrCredential reads a CLR 2.0 credential strictly (not verifying it).
func ParseClrCredential(data []byte) (*ClrCredential, error) {
	cred, err := vc.ParseCredential(data)
	if err != nil {
		return nil, err
	}
	if !cred.HasType("ClrCredential") {
		return nil, fmt.Errorf("%w: type has no ClrCredential", ErrInvalid)
	}
	var c ClrCredential
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return &c, nil
}

// EmbeddedCredentials returns the embedded credentials exactly as they
// appear, for verification one by one.
func (c *ClrCredential) EmbeddedCredentials() []json.RawMessage {
	return append([]json.RawMessage(nil), c.CredentialSubject.VerifiableCredential...)
}

// Validate checks required fields, that every embedded credential is a
// signed OB 3.0 AchievementCredential about the record's learner, that
// achievements have ids, names, descriptions and criteria, and that every
// association has a known type and joins two distinct achievements of the
// record (listed in achievement or in an embedded credential). It returns
// an error listing every problem.
func (c *ClrCredential) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if c.ID == "" {
		add("missing /id")
	}
	if !c.Type.Has("VerifiableCredential") || !c.Type.Has("ClrCredential") {
		add("/type must include VerifiableCredential and ClrCredential")
	}
	if c.Name == "" {
		add("missing /name")
	}
	if c.Issuer.ID == "" {
		add("missing /issuer/id")
	}
	if c.ValidFrom == "" {
		add("missing /validFrom")
	}
	s := &c.CredentialSubject
	if !s.Type.Has("ClrSubject") {
		add("/credentialSubject/type must include ClrSubject")
	}
	if s.ID == "" && len(s.Identifier) == 0 {
		add("missing /credentialSubject/id or /credentialSubject/identifier")
	}
	if len(s.VerifiableCredential) == 0 {
		add("missing /credentialSubject/verifiableCredential (a CLR bundles at least one credential)")
	}
	known := map[string]bool{}
	for i, a := range s.Achievement {
		p := "/credentialSubject/achievement/" + strconv.Itoa(i)
		for _, f := range []struct{ v, name string }{{a.ID, "id"}, {a.Name, "name"}, {a.Description, "description"}} {
			if f.v == "" {
				add("missing %s/%s", p, f.name)
			}
		}
		if a.Criteria == nil || (a.Criteria.ID == "" && a.Criteria.Narrative == "") {
			add("missing %s/criteria", p)
		}
		known[a.ID] = true
	}
	for i, raw := range s.VerifiableCredential {
		p := "/credentialSubject/verifiableCredential/" + strconv.Itoa(i)
		ac, err := openbadges.ParseAchievementCredential(raw)
		if err != nil {
			add("%s: %v", p, err)
			continue
		}
		var withProof struct {
			Proof json.RawMessage `json:"proof"`
		}
		if json.Unmarshal(raw, &withProof) != nil || len(withProof.Proof) == 0 {
			add("%s: not signed (no proof)", p)
		}
		if s.ID != "" && ac.CredentialSubject.ID != "" && ac.CredentialSubject.ID != s.ID {
			add("%s: about %q, not the record's learner %q", p, ac.CredentialSubject.ID, s.ID)
		}
		if ac.CredentialSubject.Achievement != nil {
			known[ac.CredentialSubject.Achievement.ID] = true
		}
	}
	for i, a := range s.Association {
		p := "/credentialSubject/association/" + strconv.Itoa(i)
		if !slices.Contains(associationTypes, a.AssociationType) {
			add("%s/associationType: %q is not one of %s", p, a.AssociationType, strings.Join(associationTypes, ", "))
		}
		if !known[a.SourceID] {
			add("%s/sourceId: %q is not an achievement of this record", p, a.SourceID)
		}
		if !known[a.TargetID] {
			add("%s/targetId: %q is not an achievement of this record", p, a.TargetID)
		}
		if a.SourceID == a.TargetID {
			add("%s: an achievement cannot be associated with itself", p)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(problems, "; "))
	}
	return nil
}
