package openbadges

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Types is a JSON-LD type list. It reads a single string or an array and
// writes an array.
type Types []string

// UnmarshalJSON reads a string or an array of strings.
func (t *Types) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*t = nil
		return nil
	}
	var one string
	if json.Unmarshal(b, &one) == nil {
		*t = Types{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("type must be a string or an array of strings")
	}
	*t = many
	return nil
}

// Type is a single-valued type (Image, IdentityObject, ...). It reads a
// string or a one-element array and writes a string.
type Type string

// UnmarshalJSON reads a string or a one-element array.
func (t *Type) UnmarshalJSON(b []byte) error {
	var many Types
	if err := many.UnmarshalJSON(b); err != nil {
		return err
	}
	switch len(many) {
	case 0:
		*t = ""
	case 1:
		*t = Type(many[0])
	default:
		return errors.New("type must be a single value")
	}
	return nil
}

// List is a JSON-LD multi-valued member: it reads one value or an array
// and writes an array.
type List[T any] []T

// UnmarshalJSON reads one value or an array of values.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*l = nil
		return nil
	}
	if len(b) > 0 && b[0] == '[' {
		var many []T
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		*l = many
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*l = List[T]{one}
	return nil
}

// Has reports whether t contains s.
func (t Types) Has(s string) bool {
	for _, e := range t {
		if e == s {
			return true
		}
	}
	return false
}

// Image is an image with an optional caption.
type Image struct {
	ID      string `json:"id"`
	Type    Type   `json:"type"` // "Image"
	Caption string `json:"caption,omitempty"`
}

// UnmarshalJSON also reads the plain-URI form of an image.
func (i *Image) UnmarshalJSON(b []byte) error {
	var uri string
	if json.Unmarshal(b, &uri) == nil {
		*i = Image{ID: uri, Type: "Image"}
		return nil
	}
	type plain Image
	return json.Unmarshal(b, (*plain)(i))
}

// GeoCoordinates is a geographic position.
type GeoCoordinates struct {
	Type      Type    `json:"type"` // "GeoCoordinates"
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Address is a postal address.
type Address struct {
	Type                Types           `json:"type"` // ["Address"]
	AddressCountry      string          `json:"addressCountry,omitempty"`
	AddressCountryCode  string          `json:"addressCountryCode,omitempty"`
	AddressRegion       string          `json:"addressRegion,omitempty"`
	AddressLocality     string          `json:"addressLocality,omitempty"`
	StreetAddress       string          `json:"streetAddress,omitempty"`
	PostOfficeBoxNumber string          `json:"postOfficeBoxNumber,omitempty"`
	PostalCode          string          `json:"postalCode,omitempty"`
	Geo                 *GeoCoordinates `json:"geo,omitempty"`
}

// IdentifierEntry is an identifier of a given type.
type IdentifierEntry struct {
	Type           Type   `json:"type"` // "IdentifierEntry"
	Identifier     string `json:"identifier"`
	IdentifierType string `json:"identifierType"`
}

// Profile describes an issuer, creator or other party.
type Profile struct {
	ID               string                `json:"id"`
	Type             Types                 `json:"type"` // ["Profile"]
	Name             string                `json:"name,omitempty"`
	URL              string                `json:"url,omitempty"`
	Phone            string                `json:"phone,omitempty"`
	Description      string                `json:"description,omitempty"`
	Endorsement      List[json.RawMessage] `json:"endorsement,omitempty"`
	Image            *Image                `json:"image,omitempty"`
	Email            string                `json:"email,omitempty"`
	Address          *Address              `json:"address,omitempty"`
	OtherIdentifier  List[IdentifierEntry] `json:"otherIdentifier,omitempty"`
	Official         string                `json:"official,omitempty"`
	ParentOrg        *Profile              `json:"parentOrg,omitempty"`
	FamilyName       string                `json:"familyName,omitempty"`
	GivenName        string                `json:"givenName,omitempty"`
	AdditionalName   string                `json:"additionalName,omitempty"`
	PatronymicName   string                `json:"patronymicName,omitempty"`
	HonorificPrefix  string                `json:"honorificPrefix,omitempty"`
	HonorificSuffix  string                `json:"honorificSuffix,omitempty"`
	FamilyNamePrefix string                `json:"familyNamePrefix,omitempty"`
	DateOfBirth      string                `json:"dateOfBirth,omitempty"`
}

// UnmarshalJSON also reads the plain-URI form (an issuer given as its id).
func (p *Profile) UnmarshalJSON(b []byte) error {
	var uri string
	if json.Unmarshal(b, &uri) == nil {
		*p = Profile{ID: uri}
		return nil
	}
	type plain Profile
	return json.Unmarshal(b, (*plain)(p))
}

// Alignment aligns an achievement or result with a framework item.
type Alignment struct {
	Type              Types  `json:"type"` // ["Alignment"]
	TargetCode        string `json:"targetCode,omitempty"`
	TargetDescription string `json:"targetDescription,omitempty"`
	TargetName        string `json:"targetName"`
	TargetFramework   string `json:"targetFramework,omitempty"`
	TargetType        string `json:"targetType,omitempty"`
	TargetURL         string `json:"targetUrl"`
}

// Criteria says how the achievement is earned.
type Criteria struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

// RubricCriterionLevel is one level of a rubric.
type RubricCriterionLevel struct {
	ID          string          `json:"id"`
	Type        Types           `json:"type"` // ["RubricCriterionLevel"]
	Alignment   List[Alignment] `json:"alignment,omitempty"`
	Description string          `json:"description,omitempty"`
	Level       string          `json:"level,omitempty"`
	Name        string          `json:"name"`
	Points      string          `json:"points,omitempty"`
}

// ResultDescription describes a possible result of the achievement.
type ResultDescription struct {
	ID                   string                     `json:"id"`
	Type                 Types                      `json:"type"` // ["ResultDescription"]
	Alignment            List[Alignment]            `json:"alignment,omitempty"`
	AllowedValue         List[string]               `json:"allowedValue,omitempty"`
	Name                 string                     `json:"name"`
	RequiredLevel        string                     `json:"requiredLevel,omitempty"`
	RequiredValue        string                     `json:"requiredValue,omitempty"`
	ResultType           string                     `json:"resultType"`
	RubricCriterionLevel List[RubricCriterionLevel] `json:"rubricCriterionLevel,omitempty"`
	ValueMax             string                     `json:"valueMax,omitempty"`
	ValueMin             string                     `json:"valueMin,omitempty"`
}

// Related links an achievement to a related one (e.g. another language).
type Related struct {
	ID         string `json:"id"`
	Type       Types  `json:"type"` // ["Related"]
	InLanguage string `json:"inLanguage,omitempty"`
	Version    string `json:"version,omitempty"`
}

// Achievement is what the credential recognizes.
type Achievement struct {
	ID                string                  `json:"id"`
	Type              Types                   `json:"type"` // ["Achievement"]
	Alignment         List[Alignment]         `json:"alignment,omitempty"`
	AchievementType   string                  `json:"achievementType,omitempty"`
	Creator           *Profile                `json:"creator,omitempty"`
	CreditsAvailable  float64                 `json:"creditsAvailable,omitempty"`
	Criteria          *Criteria               `json:"criteria,omitempty"`
	Description       string                  `json:"description"`
	Endorsement       List[json.RawMessage]   `json:"endorsement,omitempty"`
	FieldOfStudy      string                  `json:"fieldOfStudy,omitempty"`
	HumanCode         string                  `json:"humanCode,omitempty"`
	Image             *Image                  `json:"image,omitempty"`
	InLanguage        string                  `json:"inLanguage,omitempty"`
	Name              string                  `json:"name"`
	OtherIdentifier   List[IdentifierEntry]   `json:"otherIdentifier,omitempty"`
	Related           List[Related]           `json:"related,omitempty"`
	ResultDescription List[ResultDescription] `json:"resultDescription,omitempty"`
	Specialization    string                  `json:"specialization,omitempty"`
	Tag               List[string]            `json:"tag,omitempty"`
	Version           string                  `json:"version,omitempty"`
}

// IdentityObject identifies the recipient without an id, possibly hashed
// (see [HashIdentity]).
type IdentityObject struct {
	Type         Type   `json:"type"` // "IdentityObject"
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Salt         string `json:"salt,omitempty"`
}

// Result is the recipient's result.
type Result struct {
	Type              Types           `json:"type"` // ["Result"]
	AchievedLevel     string          `json:"achievedLevel,omitempty"`
	Alignment         List[Alignment] `json:"alignment,omitempty"`
	ResultDescription string          `json:"resultDescription,omitempty"`
	Status            string          `json:"status,omitempty"`
	Value             string          `json:"value,omitempty"`
}

// AchievementSubject is the recipient and what they achieved.
type AchievementSubject struct {
	ID                string               `json:"id,omitempty"`
	Type              Types                `json:"type"` // ["AchievementSubject"]
	ActivityEndDate   string               `json:"activityEndDate,omitempty"`
	ActivityStartDate string               `json:"activityStartDate,omitempty"`
	CreditsEarned     float64              `json:"creditsEarned,omitempty"`
	Achievement       *Achievement         `json:"achievement,omitempty"`
	Identifier        List[IdentityObject] `json:"identifier,omitempty"`
	Image             *Image               `json:"image,omitempty"`
	LicenseNumber     string               `json:"licenseNumber,omitempty"`
	Narrative         string               `json:"narrative,omitempty"`
	Result            List[Result]         `json:"result,omitempty"`
	Role              string               `json:"role,omitempty"`
	Source            *Profile             `json:"source,omitempty"`
	Term              string               `json:"term,omitempty"`
}

// Evidence supports the achievement.
type Evidence struct {
	ID          string `json:"id,omitempty"`
	Type        Types  `json:"type"` // ["Evidence"]
	Narrative   string `json:"narrative,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Genre       string `json:"genre,omitempty"`
	Audience    string `json:"audience,omitempty"`
}

// CredentialSchema names a schema the credential conforms to.
type CredentialSchema struct {
	ID   string `json:"id"`
	Type Type   `json:"type"`
}

// AchievementCredential is an OB 3.0 AchievementCredential (also typed
// OpenBadgeCredential).
type AchievementCredential struct {
	Context           []any                  `json:"@context"`
	ID                string                 `json:"id"`
	Type              Types                  `json:"type"`
	Name              string                 `json:"name"`
	Description       string                 `json:"description,omitempty"`
	Image             *Image                 `json:"image,omitempty"`
	AwardedDate       string                 `json:"awardedDate,omitempty"`
	CredentialSubject AchievementSubject     `json:"credentialSubject"`
	Endorsement       List[json.RawMessage]  `json:"endorsement,omitempty"`
	Evidence          List[Evidence]         `json:"evidence,omitempty"`
	Issuer            Profile                `json:"issuer"`
	ValidFrom         string                 `json:"validFrom,omitempty"`
	ValidUntil        string                 `json:"validUntil,omitempty"`
	IssuanceDate      string                 `json:"issuanceDate,omitempty"`   // VCDM 1.1
	ExpirationDate    string                 `json:"expirationDate,omitempty"` // VCDM 1.1
	CredentialSchema  List[CredentialSchema] `json:"credentialSchema,omitempty"`
	CredentialStatus  json.RawMessage        `json:"credentialStatus,omitempty"`
	TermsOfUse        List[json.RawMessage]  `json:"termsOfUse,omitempty"`
	RefreshService    json.RawMessage        `json:"refreshService,omitempty"`
}

// EndorsementSubject is what an endorsement says about its subject.
type EndorsementSubject struct {
	ID                 string `json:"id"`
	Type               Types  `json:"type"` // ["EndorsementSubject"]
	EndorsementComment string `json:"endorsementComment,omitempty"`
}

// EndorsementCredential is a third party's endorsement of a profile,
// achievement or credential.
type EndorsementCredential struct {
	Context           []any                  `json:"@context"`
	ID                string                 `json:"id"`
	Type              Types                  `json:"type"`
	Name              string                 `json:"name"`
	Description       string                 `json:"description,omitempty"`
	CredentialSubject EndorsementSubject     `json:"credentialSubject"`
	Issuer            Profile                `json:"issuer"`
	ValidFrom         string                 `json:"validFrom,omitempty"`
	ValidUntil        string                 `json:"validUntil,omitempty"`
	IssuanceDate      string                 `json:"issuanceDate,omitempty"`
	ExpirationDate    string                 `json:"expirationDate,omitempty"`
	CredentialSchema  List[CredentialSchema] `json:"credentialSchema,omitempty"`
	CredentialStatus  json.RawMessage        `json:"credentialStatus,omitempty"`
}
