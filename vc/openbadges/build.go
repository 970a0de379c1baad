package openbadges

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
)

var (
	// errIncomplete is wrapped by *MissingFieldsError.
	errIncomplete = errors.New("openbadges: required fields missing")
	// errInvalid is wrapped when a field has the wrong form or a credential
	// is not an OB 3.0 credential.
	errInvalid = errors.New("openbadges: invalid credential")
)

// MissingFieldsError lists every required field that is missing, by JSON
// Pointer (e.g. "/credentialSubject/achievement/criteria"), and every field
// present in the wrong form: the builders return it (errors.As) so that a
// bulk issuer can report each row's fields at once.
type MissingFieldsError struct {
	Paths []string
	// Invalid lists fields present with the wrong form: "pointer: reason".
	Invalid []string
}

func (e *MissingFieldsError) Error() string {
	var parts []string
	if len(e.Paths) > 0 {
		parts = append(parts, "missing "+strings.Join(e.Paths, ", "))
	}
	if len(e.Invalid) > 0 {
		parts = append(parts, "invalid "+strings.Join(e.Invalid, "; "))
	}
	return "openbadges: incomplete credential: " + strings.Join(parts, "; ")
}

// Unwrap returns errIncomplete.
func (e *MissingFieldsError) Unwrap() error { return errIncomplete }

// checker collects missing and invalid fields.
type checker struct {
	missing, invalid []string
}

func (c *checker) need(ok bool, path string) {
	if !ok {
		c.missing = append(c.missing, path)
	}
}

func (c *checker) uri(v, path string, required bool) {
	switch {
	case v == "":
		if required {
			c.missing = append(c.missing, path)
		}
	case !strings.Contains(v, ":") || strings.ContainsAny(v, " \t\n"):
		c.invalid = append(c.invalid, fmt.Sprintf("%s: %q is not an absolute URI", path, v))
	}
}

func (c *checker) dateTime(v, path string, required bool) {
	if v == "" {
		if required {
			c.missing = append(c.missing, path)
		}
		return
	}
	if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
		c.invalid = append(c.invalid, fmt.Sprintf("%s: %q is not a dateTime with a time zone", path, v))
	}
}

func (c *checker) err() error {
	if len(c.missing) == 0 && len(c.invalid) == 0 {
		return nil
	}
	return &MissingFieldsError{Paths: c.missing, Invalid: c.invalid}
}

func idx(path string, i int) string { return path + "/" + strconv.Itoa(i) }

// Validate checks the fields OB 3.0 requires and the form of ids and
// dates, and returns one error listing every problem by JSON Pointer.
func (a *AchievementCredential) Validate() error {
	c := &checker{}
	c.uri(a.ID, "/id", true)
	c.need(a.Type.Has("VerifiableCredential"), "/type (VerifiableCredential)")
	c.need(a.Type.Has("OpenBadgeCredential") || a.Type.Has("AchievementCredential"), "/type (OpenBadgeCredential or AchievementCredential)")
	c.need(a.Name != "", "/name")
	checkProfile(c, &a.Issuer, "/issuer")
	if a.ValidFrom == "" && a.IssuanceDate == "" {
		c.missing = append(c.missing, "/validFrom")
	}
	c.dateTime(a.ValidFrom, "/validFrom", false)
	c.dateTime(a.ValidUntil, "/validUntil", false)
	c.dateTime(a.IssuanceDate, "/issuanceDate", false)
	c.dateTime(a.ExpirationDate, "/expirationDate", false)
	c.dateTime(a.AwardedDate, "/awardedDate", false)
	checkImage(c, a.Image, "/image")

	s := &a.CredentialSubject
	c.need(s.Type.Has("AchievementSubject"), "/credentialSubject/type (AchievementSubject)")
	c.need(s.ID != "" || len(s.Identifier) > 0, "/credentialSubject/id or /credentialSubject/identifier")
	c.uri(s.ID, "/credentialSubject/id", false)
	for i, id := range s.Identifier {
		p := idx("/credentialSubject/identifier", i)
		c.need(id.IdentityHash != "", p+"/identityHash")
		c.need(id.IdentityType != "", p+"/identityType")
		if id.Hashed && id.IdentityHash != "" && !strings.Contains(id.IdentityHash, "$") {
			c.invalid = append(c.invalid, p+"/identityHash: a hashed identity is written as algorithm$hex")
		}
	}
	if s.Achievement == nil {
		c.missing = append(c.missing, "/credentialSubject/achievement")
	} else {
		checkAchievement(c, s.Achievement, "/credentialSubject/achievement")
	}
	for i, r := range s.Result {
		p := idx("/credentialSubject/result", i)
		c.need(r.Type.Has("Result"), p+"/type (Result)")
		checkAlignments(c, r.Alignment, p+"/alignment")
	}
	if s.Source != nil {
		checkProfile(c, s.Source, "/credentialSubject/source")
	}
	for i, e := range a.Evidence {
		c.need(e.Type.Has("Evidence"), idx("/evidence", i)+"/type (Evidence)")
		c.uri(e.ID, idx("/evidence", i)+"/id", false)
	}
	for i, s := range a.CredentialSchema {
		c.uri(s.ID, idx("/credentialSchema", i)+"/id", true)
		c.need(s.Type != "", idx("/credentialSchema", i)+"/type")
	}
	return c.err()
}

func checkProfile(c *checker, p *Profile, path string) {
	c.uri(p.ID, path+"/id", true)
	if len(p.Type) > 0 {
		c.need(p.Type.Has("Profile"), path+"/type (Profile)")
	}
	checkImage(c, p.Image, path+"/image")
	if p.ParentOrg != nil {
		checkProfile(c, p.ParentOrg, path+"/parentOrg")
	}
	if p.Address != nil && p.Address.Geo != nil {
		g := p.Address.Geo
		if g.Latitude < -90 || g.Latitude > 90 || g.Longitude < -180 || g.Longitude > 180 {
			c.invalid = append(c.invalid, path+"/address/geo: coordinates out of range")
		}
	}
}

func checkImage(c *checker, i *Image, path string) {
	if i != nil {
		c.uri(i.ID, path+"/id", true)
	}
}

func checkAlignments(c *checker, list List[Alignment], path string) {
	for i, al := range list {
		p := idx(path, i)
		c.need(al.TargetName != "", p+"/targetName")
		c.uri(al.TargetURL, p+"/targetUrl", true)
	}
}

func checkAchievement(c *checker, a *Achievement, path string) {
	c.uri(a.ID, path+"/id", true)
	c.need(a.Type.Has("Achievement"), path+"/type (Achievement)")
	c.need(a.Name != "", path+"/name")
	c.need(a.Description != "", path+"/description")
	if a.Criteria == nil || (a.Criteria.ID == "" && a.Criteria.Narrative == "") {
		c.missing = append(c.missing, path+"/criteria")
	}
	checkAlignments(c, a.Alignment, path+"/alignment")
	checkImage(c, a.Image, path+"/image")
	if a.Creator != nil {
		checkProfile(c, a.Creator, path+"/creator")
	}
	for i, rd := range a.ResultDescription {
		p := idx(path+"/resultDescription", i)
		c.uri(rd.ID, p+"/id", true)
		c.need(rd.Name != "", p+"/name")
		c.need(rd.ResultType != "", p+"/resultType")
		for j, l := range rd.RubricCriterionLevel {
			q := idx(p+"/rubricCriterionLevel", j)
			c.uri(l.ID, q+"/id", true)
			c.need(l.Name != "", q+"/name")
		}
	}
	for i, r := range a.Related {
		c.uri(r.ID, idx(path+"/related", i)+"/id", true)
	}
}

// defaults fills the types a builder can infer, so callers write only data.
func (a *AchievementCredential) defaults() {
	if len(a.Context) == 0 {
		a.Context = []any{contexts.CredentialsV2, contexts.OpenBadgesV3}
		// The 1EdTech validator type is defined by the extensions context.
		for _, cs := range a.CredentialSchema {
			if cs.Type == validatorType {
				a.Context = append(a.Context, contexts.OpenBadgesExtensions)
				break
			}
		}
	}
	if len(a.Type) == 0 {
		a.Type = Types{"VerifiableCredential", "OpenBadgeCredential"}
	}
	profileDefaults(&a.Issuer)
	if a.Image != nil && a.Image.Type == "" {
		a.Image.Type = "Image"
	}
	s := &a.CredentialSubject
	if len(s.Type) == 0 {
		s.Type = Types{"AchievementSubject"}
	}
	for i := range s.Identifier {
		if s.Identifier[i].Type == "" {
			s.Identifier[i].Type = "IdentityObject"
		}
	}
	for i := range s.Result {
		if len(s.Result[i].Type) == 0 {
			s.Result[i].Type = Types{"Result"}
		}
		alignmentDefaults(s.Result[i].Alignment)
	}
	if s.Image != nil && s.Image.Type == "" {
		s.Image.Type = "Image"
	}
	if s.Source != nil {
		profileDefaults(s.Source)
	}
	if ach := s.Achievement; ach != nil {
		if len(ach.Type) == 0 {
			ach.Type = Types{"Achievement"}
		}
		alignmentDefaults(ach.Alignment)
		if ach.Image != nil && ach.Image.Type == "" {
			ach.Image.Type = "Image"
		}
		if ach.Creator != nil {
			profileDefaults(ach.Creator)
		}
		for i := range ach.ResultDescription {
			rd := &ach.ResultDescription[i]
			if len(rd.Type) == 0 {
				rd.Type = Types{"ResultDescription"}
			}
			alignmentDefaults(rd.Alignment)
			for j := range rd.RubricCriterionLevel {
				if len(rd.RubricCriterionLevel[j].Type) == 0 {
					rd.RubricCriterionLevel[j].Type = Types{"RubricCriterionLevel"}
				}
			}
		}
		for i := range ach.Related {
			if len(ach.Related[i].Type) == 0 {
				ach.Related[i].Type = Types{"Related"}
			}
		}
		for i := range ach.OtherIdentifier {
			if ach.OtherIdentifier[i].Type == "" {
				ach.OtherIdentifier[i].Type = "IdentifierEntry"
			}
		}
	}
	for i := range a.Evidence {
		if len(a.Evidence[i].Type) == 0 {
			a.Evidence[i].Type = Types{"Evidence"}
		}
	}
}

func profileDefaults(p *Profile) {
	if len(p.Type) == 0 {
		p.Type = Types{"Profile"}
	}
	if p.Image != nil && p.Image.Type == "" {
		p.Image.Type = "Image"
	}
	if p.Address != nil {
		if len(p.Address.Type) == 0 {
			p.Address.Type = Types{"Address"}
		}
		if p.Address.Geo != nil && p.Address.Geo.Type == "" {
			p.Address.Geo.Type = "GeoCoordinates"
		}
	}
	for i := range p.OtherIdentifier {
		if p.OtherIdentifier[i].Type == "" {
			p.OtherIdentifier[i].Type = "IdentifierEntry"
		}
	}
	if p.ParentOrg != nil {
		profileDefaults(p.ParentOrg)
	}
}

func alignmentDefaults(list List[Alignment]) {
	for i := range list {
		if len(list[i].Type) == 0 {
			list[i].Type = Types{"Alignment"}
		}
	}
}

// NewAchievementCredential completes a (the @context, VC 2.0 then the OB
// context 3.0.3, and every type the spec fixes), checks it, and returns
// its JSON. Missing required fields give one error listing all of them,
// by JSON Pointer. a itself is not modified.
func NewAchievementCredential(a AchievementCredential) ([]byte, error) {
	cp, err := clone(a)
	if err != nil {
		return nil, err
	}
	cp.defaults()
	if first, _ := cp.Context[0].(string); first != contexts.CredentialsV2 {
		return nil, fmt.Errorf("%w: the first @context must be %s", errInvalid, contexts.CredentialsV2)
	}
	if cp.IssuanceDate != "" || cp.ExpirationDate != "" {
		return nil, fmt.Errorf("%w: issuanceDate/expirationDate are VCDM 1.1; use validFrom/validUntil", errInvalid)
	}
	if err := cp.Validate(); err != nil {
		return nil, err
	}
	return marshal(cp)
}

func clone(a AchievementCredential) (*AchievementCredential, error) {
	data, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("openbadges: %w", err)
	}
	var cp AchievementCredential
	if err := json.Unmarshal(data, &cp); err != nil {
		return nil, fmt.Errorf("openbadges: %w", err)
	}
	return &cp, nil
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("openbadges: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// ParseAchievementCredential reads an OB 3.0 credential (VCDM 2.0 or 1.1)
// strictly. It does not verify it and does not require every field; call
// Validate for that.
func ParseAchievementCredential(data []byte) (*AchievementCredential, error) {
	c, err := vc.ParseCredential(data)
	if err != nil {
		return nil, err
	}
	if !c.HasType("OpenBadgeCredential") && !c.HasType("AchievementCredential") {
		return nil, fmt.Errorf("%w: type has neither OpenBadgeCredential nor AchievementCredential", errInvalid)
	}
	var a AchievementCredential
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("%w: %v", errInvalid, err)
	}
	return &a, nil
}

// NewEndorsementCredential completes and checks an EndorsementCredential.
func NewEndorsementCredential(e EndorsementCredential) ([]byte, error) {
	if len(e.Context) == 0 {
		e.Context = []any{contexts.CredentialsV2, contexts.OpenBadgesV3}
	}
	if len(e.Type) == 0 {
		e.Type = Types{"VerifiableCredential", "EndorsementCredential"}
	}
	profileDefaults(&e.Issuer)
	if len(e.CredentialSubject.Type) == 0 {
		e.CredentialSubject.Type = Types{"EndorsementSubject"}
	}
	c := &checker{}
	c.uri(e.ID, "/id", true)
	c.need(e.Type.Has("EndorsementCredential"), "/type (EndorsementCredential)")
	c.need(e.Name != "", "/name")
	checkProfile(c, &e.Issuer, "/issuer")
	c.dateTime(e.ValidFrom, "/validFrom", true)
	c.dateTime(e.ValidUntil, "/validUntil", false)
	c.uri(e.CredentialSubject.ID, "/credentialSubject/id", true)
	if err := c.err(); err != nil {
		return nil, err
	}
	return marshal(e)
}

// HashIdentity returns the OB 3.0 salted identity hash of identity (an
// email address, a student id, ...): "sha256$" + hex(SHA-256(identity ||
// salt)).
func HashIdentity(identity, salt string) string {
	sum := sha256.Sum256([]byte(identity + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// Matches reports whether the identity object identifies identity: equal
// plaintext, or, if hashed, an equal sha256$ hash with its salt.
func (o IdentityObject) Matches(identity string) bool {
	if !o.Hashed {
		return subtle.ConstantTimeCompare([]byte(o.IdentityHash), []byte(identity)) == 1
	}
	algo, _, ok := strings.Cut(o.IdentityHash, "$")
	if !ok || !strings.EqualFold(algo, "sha256") {
		return false
	}
	want := HashIdentity(identity, o.Salt)
	got := "sha256$" + strings.ToLower(o.IdentityHash[len(algo)+1:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
