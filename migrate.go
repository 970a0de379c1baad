package microcred

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

// MigrateOB2 turns a verified Open Badges 2.0 badge (res from
// [Verifier.Verify], Verified, with res.OB2 set) into an OB 3.0
// AchievementCredential issued, and signed, by i: the migrating issuer
// vouches that it verified the original. The original is kept as the
// credential's first evidence: its id is a data: URL holding the exact
// bytes verified (the compact JWS of a signed assertion, the hosted JSON
// otherwise), and its description gives their SHA-256, so anyone can
// check the original against the copy. The BadgeClass becomes the
// achievement (name, description, criteria, image, tags, alignments; id
// the BadgeClass URL), the original issuer its creator, issuedOn the
// awardedDate, expires the validUntil, and the recipient an
// IdentityObject with the same hash and salt.
//
// It returns an error wrapping errNotVerified if res did not verify or
// holds no OB 2.0 badge; see [Issuer.MigrateOB2Unsafe].
func (i *Issuer) MigrateOB2(ctx context.Context, res *Result) ([]byte, error) {
	if res == nil || !res.Verified || res.OB2 == nil {
		return nil, fmt.Errorf("%w: MigrateOB2 takes a verified OB 2.0 result (MigrateOB2Unsafe migrates an unverified badge)", errNotVerified)
	}
	return i.migrate(ctx, res.OB2, true)
}

// MigrateOB2Unsafe migrates a badge nobody verified (for example the
// Badge of a failed ob2.Verifier.Verify): the credential says so in its
// evidence, but it is still signed by i, which then vouches for content
// it did not check.
func (i *Issuer) MigrateOB2Unsafe(ctx context.Context, b *ob2.Badge) ([]byte, error) {
	if b == nil {
		return nil, errors.New("microcred: MigrateOB2Unsafe(nil)")
	}
	return i.migrate(ctx, b, false)
}

func (i *Issuer) migrate(ctx context.Context, b *ob2.Badge, verified bool) ([]byte, error) {
	cred, err := ob2Credential(b, i.did.String(), newUUIDURN(), i.cfg.clock(), verified)
	if err != nil {
		return nil, err
	}
	return i.Issue(ctx, cred)
}

// ob2Credential returns the unsigned OB 3.0 AchievementCredential that
// [Issuer.MigrateOB2] signs, issued by issuer with this id, valid from
// now; verified says whether the badge was verified (the evidence records
// it).
func ob2Credential(b *ob2.Badge, issuer, id string, now time.Time, verified bool) ([]byte, error) {
	original, media := b.AssertionJSON, "application/ld+json"
	if b.Form == ob2.FormJWS {
		original, media = []byte(b.JWS), "application/jose"
	}
	sum := sha256.Sum256(original)
	how := "verified by the migrating issuer"
	if !verified {
		how = "NOT verified by the migrating issuer (MigrateOB2Unsafe)"
	}
	bc := &b.BadgeClass
	ach := &openbadges.Achievement{
		ID:          bc.ID,
		Type:        openbadges.Types{"Achievement"},
		Name:        bc.Name,
		Description: bc.Description,
		Creator:     &openbadges.Profile{ID: b.Issuer.ID, Type: openbadges.Types{"Profile"}, Name: b.Issuer.Name, URL: b.Issuer.URL, Email: b.Issuer.Email},
	}
	if ach.Description == "" {
		ach.Description = bc.Name
	}
	var err error
	if ach.Criteria, err = ob2Criteria(bc.Criteria); err != nil {
		return nil, err
	}
	if ach.Image, err = ob2Image(bc.Image); err != nil {
		return nil, err
	}
	ach.Tag = openbadges.List[string](bc.Tags)
	if ach.Alignment, err = ob2Alignments(bc.Alignment); err != nil {
		return nil, err
	}
	r := b.Assertion.Recipient
	idType := "ext:" + r.Type
	if r.Type == "email" {
		idType = "emailAddress"
	}
	awarded, err := time.Parse(time.RFC3339Nano, b.Assertion.IssuedOn)
	if err != nil {
		return nil, fmt.Errorf("microcred: migrating: issuedOn: %w", err)
	}
	c := openbadges.AchievementCredential{
		Context:     []any{contexts.CredentialsV2, contexts.OpenBadgesV3},
		ID:          id,
		ValidFrom:   now.UTC().Format(time.RFC3339),
		Type:        openbadges.Types{"VerifiableCredential", "OpenBadgeCredential"},
		Name:        bc.Name,
		Issuer:      openbadges.Profile{ID: issuer, Type: openbadges.Types{"Profile"}},
		AwardedDate: awarded.UTC().Format(time.RFC3339),
		CredentialSubject: openbadges.AchievementSubject{
			Type:        openbadges.Types{"AchievementSubject"},
			Achievement: ach,
			Identifier: openbadges.List[openbadges.IdentityObject]{{
				Type: "IdentityObject", Hashed: r.Hashed, IdentityHash: r.Identity, IdentityType: idType, Salt: r.Salt,
			}},
			Narrative: b.Assertion.Narrative,
		},
		Evidence: openbadges.List[openbadges.Evidence]{{
			ID:          "data:" + media + ";base64," + base64.StdEncoding.EncodeToString(original),
			Type:        openbadges.Types{"Evidence"},
			Name:        "Open Badges 2.0 assertion " + b.Assertion.ID,
			Genre:       "Open Badges 2.0 assertion",
			Description: fmt.Sprintf("The original %s assertion, %s; SHA-256 of the bytes in this evidence's id: %s", verificationForm(b), how, hex.EncodeToString(sum[:])),
		}},
	}
	if b.Assertion.Expires != "" {
		exp, err := time.Parse(time.RFC3339Nano, b.Assertion.Expires)
		if err != nil {
			return nil, fmt.Errorf("microcred: migrating: expires: %w", err)
		}
		c.ValidUntil = exp.UTC().Format(time.RFC3339)
	}
	for _, u := range ob2URLs(b.Assertion.Evidence) {
		c.Evidence = append(c.Evidence, openbadges.Evidence{ID: u, Type: openbadges.Types{"Evidence"}})
	}
	return openbadges.NewAchievementCredential(c)
}

func verificationForm(b *ob2.Badge) string {
	if b.Form == ob2.FormJWS {
		return "signed (JWS)"
	}
	return "hosted"
}

// ob2Criteria reads a BadgeClass's criteria: a URL, or a Criteria object
// with an id and/or a narrative.
func ob2Criteria(raw json.RawMessage) (*openbadges.Criteria, error) {
	if len(raw) == 0 {
		return nil, errors.New("microcred: migrating: badge: criteria: missing")
	}
	var u string
	if json.Unmarshal(raw, &u) == nil {
		return &openbadges.Criteria{ID: u}, nil
	}
	var c openbadges.Criteria
	if err := json.Unmarshal(raw, &c); err != nil || c.ID == "" && c.Narrative == "" {
		return nil, errors.New("microcred: migrating: badge: criteria: neither a URL nor an object with id or narrative")
	}
	return &c, nil
}

// ob2Image reads a BadgeClass's image: a URL (or data: URL) or an Image
// object with an id.
func ob2Image(raw json.RawMessage) (*openbadges.Image, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var img openbadges.Image
	if err := json.Unmarshal(raw, &img); err != nil || img.ID == "" {
		return nil, errors.New("microcred: migrating: badge: image: neither a URL nor an object with an id")
	}
	return &openbadges.Image{ID: img.ID, Type: "Image", Caption: img.Caption}, nil
}

// ob2Alignments reads a BadgeClass's alignment list (one object or an
// array); OB 2.0 and 3.0 share the member names.
func ob2Alignments(raw json.RawMessage) (openbadges.List[openbadges.Alignment], error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var list openbadges.List[openbadges.Alignment]
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("microcred: migrating: badge: alignment: %w", err)
	}
	for i := range list {
		list[i].Type = openbadges.Types{"Alignment"}
	}
	return list, nil
}

// ob2URLs reads an assertion's evidence when it is a URL or a list of
// URLs; Evidence objects are kept in the original only.
func ob2URLs(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		raw, _ = json.Marshal([]string{one})
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil {
		return nil
	}
	out := many[:0]
	for _, u := range many {
		if p, err := url.Parse(u); err == nil && (p.Scheme == "https" || p.Scheme == "http") && !strings.ContainsAny(u, " <>\"") {
			out = append(out, u)
		}
	}
	return out
}
