package ob2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/onchaincert/microcred/internal/strictjson"
)

// contextV2 is the JSON-LD context of Open Badges 2.0.
const contextV2 = "https://w3id.org/openbadges/v2"

// Names (or lists of names) and references: OB 2.0 lets most fields be
// one value or an array of them.
type strs []string

func (s *strs) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = strs{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("expected a string or an array of strings")
	}
	*s = many
	return nil
}

func (s strs) has(v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// IdentityObject is an assertion's recipient.
type IdentityObject struct {
	Type     string `json:"type"`
	Hashed   bool   `json:"hashed"`
	Salt     string `json:"salt,omitempty"`
	Identity string `json:"identity"`
}

// Verification is an assertion's verification object, or the
// verification policy of an Issuer profile.
type Verification struct {
	Type           strs   `json:"type,omitempty"`
	Creator        string `json:"creator,omitempty"`
	AllowedOrigins strs   `json:"allowedOrigins,omitempty"`
	StartsWith     strs   `json:"startsWith,omitempty"`
	// VerificationProperty is the property hosted verification checks;
	// OB 2.0 defines only "id", the default.
	VerificationProperty string `json:"verificationProperty,omitempty"`
}

// hosted and signed tell the two verification types apart, in the short
// form of the OB 2.0 context and the class names it maps them to.
func (v Verification) hosted() bool { return v.Type.has("hosted") || v.Type.has("HostedBadge") }
func (v Verification) signed() bool { return v.Type.has("signed") || v.Type.has("SignedBadge") }

// Assertion is an OB 2.0 Assertion, as read from the bytes verified
// (the JWS payload, or the hosted document).
type Assertion struct {
	ID           string          `json:"id"`
	Type         strs            `json:"type"`
	Recipient    IdentityObject  `json:"recipient"`
	Badge        json.RawMessage `json:"badge"`
	Verification Verification    `json:"verification"`
	IssuedOn     string          `json:"issuedOn"`
	Expires      string          `json:"expires,omitempty"`
	Image        json.RawMessage `json:"image,omitempty"`
	Evidence     json.RawMessage `json:"evidence,omitempty"`
	Narrative    string          `json:"narrative,omitempty"`
	// Revoked and RevocationReason: how a hosted assertion says it is
	// revoked.
	Revoked          bool   `json:"revoked,omitempty"`
	RevocationReason string `json:"revocationReason,omitempty"`
}

// BadgeClass is the achievement an assertion awards.
type BadgeClass struct {
	ID          string          `json:"id"`
	Type        strs            `json:"type"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Image       json.RawMessage `json:"image,omitempty"`
	Criteria    json.RawMessage `json:"criteria"`
	Issuer      json.RawMessage `json:"issuer"`
	Tags        []string        `json:"tags,omitempty"`
	Alignment   json.RawMessage `json:"alignment,omitempty"`
}

// Profile is the Issuer profile of a BadgeClass.
type Profile struct {
	ID             string        `json:"id"`
	Type           strs          `json:"type"`
	Name           string        `json:"name"`
	URL            string        `json:"url,omitempty"`
	Email          string        `json:"email,omitempty"`
	PublicKey      strs          `json:"publicKey,omitempty"`
	Verification   *Verification `json:"verification,omitempty"`
	RevocationList string        `json:"revocationList,omitempty"`
}

// CryptographicKey is the document of a signing key.
type CryptographicKey struct {
	ID           string `json:"id"`
	Type         strs   `json:"type"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// revocationList is an issuer's list of revoked signed assertions.
type revocationList struct {
	ID                string            `json:"id"`
	Type              strs              `json:"type"`
	RevokedAssertions []json.RawMessage `json:"revokedAssertions"`
}

// Form is how an assertion reached the verifier.
type Form int

// Forms.
const (
	// FormURL: the id URL of a hosted assertion.
	FormURL Form = iota + 1
	// FormJSON: a JSON assertion (hosted, checked against its id URL).
	FormJSON
	// FormJWS: a compact JWS (signed).
	FormJWS
)

func (f Form) String() string {
	switch f {
	case FormURL:
		return "URL"
	case FormJSON:
		return "JSON"
	case FormJWS:
		return "JWS"
	}
	return "unknown"
}

// Badge is an OB 2.0 assertion with the BadgeClass and Issuer profile it
// refers to, each parsed from the exact bytes it came in (the JWS
// payload, a hosted or supplied document, or the object embedded in
// them).
type Badge struct {
	Form       Form
	Assertion  Assertion
	BadgeClass BadgeClass
	Issuer     Profile
	// AssertionJSON is the assertion as verified: the JWS payload, or the
	// document hosted at the assertion's id.
	AssertionJSON []byte
	// JWS is the compact JWS of a signed assertion.
	JWS string
	// Key is the signing key's document (signed assertions, once the
	// proof step has run).
	Key *CryptographicKey

	source string // hosted: the URL the assertion was fetched from
	given  []byte // FormJSON: the JSON the caller gave, to compare with the hosted copy
}

var hashedIdentity = regexp.MustCompile(`^(?i)(sha256\$[0-9a-f]{64}|md5\$[0-9a-f]{32})$`)

// decode strictly decodes one OB 2.0 document (duplicate keys, size and
// depth limits) into v and returns the generic value for the JSON-LD
// check. what names the document in errors.
func decode(data []byte, v any, what string) (map[string]any, error) {
	val, err := strictjson.Decode(data, strictjson.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", errMalformed, what, err)
	}
	obj, ok := val.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s: not a JSON object", errMalformed, what)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", errMalformed, what, err)
	}
	return obj, nil
}

// checkContext applies the OB 2.0 context rule: a document that stands
// alone names the OB 2.0 context, as its only context or the first.
func checkContext(obj map[string]any, what string) error {
	switch c := obj["@context"].(type) {
	case string:
		if c == contextV2 {
			return nil
		}
	case []any:
		if len(c) > 0 && c[0] == contextV2 {
			return nil
		}
	case nil:
		return fmt.Errorf("%w: %s: @context: missing; OB 2.0 documents name %s", errMalformed, what, contextV2)
	}
	return fmt.Errorf("%w: %s: @context: %v is not the OB 2.0 context %s", errMalformed, what, obj["@context"], contextV2)
}

// validate checks the assertion's required fields (OB 2.0 Assertion).
func (a *Assertion) validate() error {
	switch {
	case a.ID == "":
		return fmt.Errorf("%w: assertion: id: missing", errMalformed)
	case !a.Type.has("Assertion"):
		return fmt.Errorf("%w: assertion: type: %q does not include Assertion", errMalformed, []string(a.Type))
	case len(bytes.TrimSpace(a.Badge)) == 0:
		return fmt.Errorf("%w: assertion: badge: missing", errMalformed)
	case a.IssuedOn == "":
		return fmt.Errorf("%w: assertion: issuedOn: missing", errMalformed)
	case len(a.Verification.Type) == 0:
		return fmt.Errorf("%w: assertion: verification.type: missing", errMalformed)
	case a.Verification.Type.has("MerkleProofVerification2017"):
		return fmt.Errorf("%w: assertion: verification.type: a Blockcerts v2 certificate (MerkleProofVerification2017), not an OB 2.0 hosted or signed badge", errMalformed)
	case !a.Verification.hosted() && !a.Verification.signed():
		return fmt.Errorf("%w: assertion: verification.type: %q is neither hosted nor signed", errMalformed, []string(a.Verification.Type))
	}
	r := a.Recipient
	switch {
	case r.Type == "":
		return fmt.Errorf("%w: assertion: recipient.type: missing", errMalformed)
	case r.Identity == "":
		return fmt.Errorf("%w: assertion: recipient.identity: missing", errMalformed)
	case r.Hashed && !hashedIdentity.MatchString(r.Identity):
		return fmt.Errorf("%w: assertion: recipient.identity: a hashed identity is sha256$<64 hex> or md5$<32 hex>", errMalformed)
	}
	return nil
}

func (b *BadgeClass) validate() error {
	switch {
	case b.ID == "":
		return fmt.Errorf("%w: badge: id: missing", errMalformed)
	case !b.Type.has("BadgeClass"):
		return fmt.Errorf("%w: badge: type: %q does not include BadgeClass", errMalformed, []string(b.Type))
	case b.Name == "":
		return fmt.Errorf("%w: badge: name: missing", errMalformed)
	case len(bytes.TrimSpace(b.Issuer)) == 0:
		return fmt.Errorf("%w: badge: issuer: missing", errMalformed)
	}
	return nil
}

func (p *Profile) validate() error {
	switch {
	case p.ID == "":
		return fmt.Errorf("%w: issuer: id: missing", errMalformed)
	case !p.Type.has("Issuer") && !p.Type.has("Profile"):
		return fmt.Errorf("%w: issuer: type: %q does not include Issuer or Profile", errMalformed, []string(p.Type))
	}
	if p.Verification != nil {
		for _, o := range p.Verification.AllowedOrigins {
			// From spec: allowedOrigins are "host names", a URL's
			// authority, not URLs.
			if o == "" || strings.ContainsAny(o, "/?#@ ") {
				return fmt.Errorf("%w: issuer: verification.allowedOrigins: %q is not a host name", errMalformed, o)
			}
		}
		if p := p.Verification.VerificationProperty; p != "" && p != "id" {
			return fmt.Errorf("%w: issuer: verification.verificationProperty: %q (OB 2.0 defines only id)", errMalformed, p)
		}
	}
	return nil
}
