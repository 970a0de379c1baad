package openbadges

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc"
)

// Schema URLs. Credentials cite the "_schema.json" names in
// credentialSchema; the schema documents carry the "-jsonschema1.json" ids.
// Both resolve to the embedded 1EdTech schemas.
const (
	schemaAchievementCredential = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	schemaEndorsementCredential = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
	schemaProfile               = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json"
	// The CLR 2.0 schemas, embedded under the ids they carry.
	schemaClrCredential            = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
	schemaClrAchievementCredential = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_achievementcredential_schema.json"
	schemaClrEndorsementCredential = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_endorsementcredential_schema.json"
	schemaIDPrefix                 = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_"
	// validatorType is OB 3.0's credentialSchema type.
	validatorType = "1EdTechJsonSchemaValidator2019"
	// jsonSchemaType is VC JSON Schema's credentialSchema type.
	jsonSchemaType = "JsonSchema"

	maxReportedSchemaViolations = 20
)

var (
	// ErrSchema is wrapped by *SchemaError.
	ErrSchema = errors.New("openbadges: JSON Schema validation failed")
	// ErrUnknownSchema: a credentialSchema names a schema microcred does
	// not embed (it never fetches one).
	ErrUnknownSchema = errors.New("openbadges: unknown JSON Schema")
)

// SchemaError reports the violations of one schema, each as
// "instance-pointer: message".
type SchemaError struct {
	Schema     string
	Violations []string
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("openbadges: %s: %s", e.Schema, strings.Join(e.Violations, "; "))
}

// Unwrap returns ErrSchema.
func (e *SchemaError) Unwrap() error { return ErrSchema }

//go:embed schemas/*.json schemas/extensions/*.json schemas/clr/*.json
var schemaFiles embed.FS

// anySchemas are the "any" schemas 1EdTech publishes for verifiers (OB 3.0
// B.9, "Verification Support Data Models"; the OB 3.0 implementation
// guide lists these four URLs): each is the choice of exactly one of a
// VCDM 1.1 class (AchievementCredentialv1p1, ...) and the VCDM 2.0 class.
// Their bytes are in no repository microcred could find, so they are not
// embedded; for a VCDM 2.0 credential the choice is the VCDM 2.0 class,
// whose schema is embedded, and that is what an any id validates against.
// A VCDM 1.1 credential citing one fails with ErrUnknownSchema: its
// branch, the v1p1 class, is not embedded.
var anySchemas = map[string]string{
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_anyachievementcredential_schema.json":   schemaAchievementCredential,
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_anyendorsementcredential_schema.json":   schemaEndorsementCredential,
	"https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_anyclrcredential_schema.json":         schemaClrCredential,
	"https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_anyendorsementcredential_schema.json": schemaClrEndorsementCredential,
}

// vcdm2Context is the first @context of a VCDM 2.0 credential.
const vcdm2Context = "https://www.w3.org/ns/credentials/v2"

// Schemas validates documents against the embedded 1EdTech schemas. It is
// immutable and safe for concurrent use.
type Schemas struct {
	byURL map[string]*jsonschema.Schema
}

var (
	defaultSchemasOnce sync.Once
	defaultSchemas     *Schemas
	defaultSchemasErr  error
)

// DefaultSchemas returns the validator over the embedded OB 3.0 schemas.
func DefaultSchemas() (*Schemas, error) {
	defaultSchemasOnce.Do(func() { defaultSchemas, defaultSchemasErr = newSchemas() })
	return defaultSchemas, defaultSchemasErr
}

// refuseLoader keeps schema compilation offline.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%w: %q (schemas are never fetched)", ErrUnknownSchema, url)
}

func newSchemas() (*Schemas, error) {
	var files []string
	for _, dir := range []string{"schemas", "schemas/extensions", "schemas/clr"} {
		entries, err := schemaFiles.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".json") {
				files = append(files, dir+"/"+e.Name())
			}
		}
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(refuseLoader{})
	c.AssertFormat()
	var ids []string
	for _, f := range files {
		data, err := schemaFiles.ReadFile(f)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("openbadges: schema %s: %w", f, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if id == "" {
			return nil, fmt.Errorf("openbadges: schema %s has no $id", f)
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("openbadges: schema %s: %w", f, err)
		}
		ids = append(ids, id)
	}
	s := &Schemas{byURL: map[string]*jsonschema.Schema{}}
	for _, id := range ids {
		sch, err := c.Compile(id)
		if err != nil {
			return nil, fmt.Errorf("openbadges: compiling %s: %w", id, err)
		}
		s.byURL[id] = sch
		// The name credentials cite: "..._<class>_schema.json".
		if strings.HasPrefix(id, schemaIDPrefix) {
			class := strings.TrimSuffix(strings.TrimPrefix(id, schemaIDPrefix), "-jsonschema1.json")
			s.byURL[schemaIDPrefix+class+"_schema.json"] = sch
		}
	}
	return s, nil
}

// Known reports whether url names an embedded schema, or an "any" schema
// whose VCDM 2.0 branch is embedded.
func (s *Schemas) Known(url string) bool {
	if v2, ok := anySchemas[url]; ok {
		url = v2
	}
	_, ok := s.byURL[url]
	return ok
}

// Validate validates the JSON document data against the schema at url.
// It returns a *SchemaError listing the violations (up to 20), or an error
// wrapping ErrUnknownSchema. One of 1EdTech's "any" schema ids
// (ob_v3p0_anyachievementcredential_schema.json and the like) validates a
// VCDM 2.0 document against the VCDM 2.0 schema it stands for; for any
// other document it is an unknown schema. A "proof" that is a single
// object (the credential's, or an embedded endorsement's) is validated as
// a one-element list, as JSON-LD reads it.
func (s *Schemas) Validate(url string, data []byte) error {
	if !s.Known(url) {
		return fmt.Errorf("%w: %q", ErrUnknownSchema, url)
	}
	if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("openbadges: %w", err)
	}
	return s.ValidateDecoded(url, inst)
}

// ValidateDecoded is [Schemas.Validate] for a document already decoded
// strictly (maps, slices, strings, float64 or json.Number, bools and nil,
// as internal/strictjson or encoding/json with UseNumber decode), which
// it does not modify: a verifier that has decoded a credential once
// validates it without decoding it again.
func (s *Schemas) ValidateDecoded(url string, doc any) error {
	target, isAny := anySchemas[url]
	if !isAny {
		target = url
	}
	sch, ok := s.byURL[target]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownSchema, url)
	}
	if isAny && !firstContextIs(doc, vcdm2Context) {
		return fmt.Errorf("%w: %q for a document that is not VCDM 2.0 (its VCDM 1.1 branch is not embedded)", ErrUnknownSchema, url)
	}
	inst, _ := proofsAsLists(doc)
	err := sch.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("openbadges: validating against %s: %w", url, err)
	}
	return &SchemaError{Schema: url, Violations: violations(ve)}
}

// firstContextIs reports whether the document's @context is ctx or a list
// whose first entry is ctx.
func firstContextIs(inst any, ctx string) bool {
	m, _ := inst.(map[string]any)
	switch c := m["@context"].(type) {
	case string:
		return c == ctx
	case []any:
		return len(c) > 0 && c[0] == ctx
	}
	return false
}

// proofsAsLists returns v with every "proof" member that is a single
// object, at any depth (embedded endorsements carry their own), replaced
// by a one-element list: JSON-LD reads both the same, issuers (microcred
// among them) write both, and the 1EdTech schemas admit only the list.
// v is not modified: the maps and slices on the way to a replaced member
// are copied, the rest shared (changed reports whether any was). The
// depth is bounded by the strict decoding that made v.
func proofsAsLists(v any) (out any, changed bool) {
	switch x := v.(type) {
	case map[string]any:
		var c map[string]any
		for k, e := range x {
			ne, ch := proofsAsLists(e)
			if _, ok := e.(map[string]any); ok && k == "proof" {
				ne, ch = []any{ne}, true
			}
			if ch {
				if c == nil {
					c = maps.Clone(x)
				}
				c[k] = ne
			}
		}
		if c != nil {
			return c, true
		}
	case []any:
		var c []any
		for i, e := range x {
			if ne, ch := proofsAsLists(e); ch {
				if c == nil {
					c = slices.Clone(x)
				}
				c[i] = ne
			}
		}
		if c != nil {
			return c, true
		}
	}
	return v, false
}

// violations lists the leaf errors of a validation error.
func violations(ve *jsonschema.ValidationError) []string {
	var out []string
	seen := map[string]bool{}
	for _, u := range ve.BasicOutput().Errors {
		if u.Error == nil {
			continue
		}
		msg := u.InstanceLocation + ": " + u.Error.String()
		if u.InstanceLocation == "" {
			msg = "/: " + u.Error.String()
		}
		if !seen[msg] {
			seen[msg] = true
			out = append(out, msg)
		}
	}
	sort.Strings(out)
	if len(out) > maxReportedSchemaViolations {
		out = append(out[:maxReportedSchemaViolations], fmt.Sprintf("... and %d more", len(out)-maxReportedSchemaViolations))
	}
	return out
}

// ValidateAchievementCredential validates data, an OB 3.0
// AchievementCredential (OpenBadgeCredential) with or without its proof,
// against the OB 3.0 AchievementCredential schema. Every credential
// microcred signs from a valid unsigned one passes it: a single embedded
// proof object is read as the one-element list the schema admits.
func ValidateAchievementCredential(data []byte) error {
	s, err := DefaultSchemas()
	if err != nil {
		return err
	}
	return s.Validate(schemaAchievementCredential, data)
}

// SchemaUse is a JSON Schema a credential is to be checked against, and
// why.
type SchemaUse struct {
	// URL names an embedded schema, or one microcred does not embed (then
	// validation fails with ErrUnknownSchema).
	URL string
	// Reason is "credentialSchema" (the credential names it) or "type T"
	// (an OB 3.0 credential of type T; see [Schemas.For]).
	Reason string
}

// For lists the schemas an OB 3.0 verifier checks c against, without
// validating: every credentialSchema entry of type
// 1EdTechJsonSchemaValidator2019 (or JsonSchema), then, for an OB 3.0
// credential, the 1EdTech schema of its type unless an entry already
// names it.
//
// Decision: OB 3.0 (§ Verification, "check that the OpenBadgeCredential
// conforms to the specification") makes the JSON Schema check depend on
// credentialSchema, and defines the data model with the JSON Schemas of
// its Appendix; a credential that names no schema still has to conform.
// An OB 3.0 credential is one whose @context holds an OB 3.0 context
// (https://purl.imsglobal.org/spec/ob/v3p0/context….json), so that its
// type terms are the OB 3.0 ones; its type picks the schema:
// OpenBadgeCredential or AchievementCredential the AchievementCredential
// schema, EndorsementCredential the EndorsementCredential schema. Only
// VCDM 2.0 credentials get one: the embedded schemas describe the VCDM
// 2.0 form (validFrom), and a VCDM 1.1 OB 3.0 credential (issuanceDate)
// is checked only against the schemas it names.
func (s *Schemas) For(c *vc.Credential) []SchemaUse {
	var out []SchemaUse
	named := map[*jsonschema.Schema]bool{}
	for _, cs := range c.Schemas() {
		if cs.Type == validatorType || cs.Type == jsonSchemaType {
			out = append(out, SchemaUse{URL: cs.ID, Reason: "credentialSchema"})
			if sch, ok := s.byURL[cs.ID]; ok {
				named[sch] = true
			}
		}
	}
	if url, typ := typeSchema(c); url != "" && !named[s.byURL[url]] {
		out = append(out, SchemaUse{URL: url, Reason: "type " + typ})
	}
	return out
}

// obContextPrefix starts every OB 3.0 context URL (context.json and the
// versioned context-3.0.N.json).
const obContextPrefix = "https://purl.imsglobal.org/spec/ob/v3p0/context"

// typeSchema returns the schema an OB 3.0 VCDM 2.0 credential's type
// calls for, and that type; "" if there is none.
func typeSchema(c *vc.Credential) (url, typ string) {
	if c.Version() != vc.V2 {
		return "", ""
	}
	ob := false
	for _, ctx := range c.Context() {
		if u, ok := ctx.(string); ok && strings.HasPrefix(u, obContextPrefix) {
			ob = true
		}
	}
	if !ob {
		return "", ""
	}
	for _, t := range []string{"OpenBadgeCredential", "AchievementCredential"} {
		if c.HasType(t) {
			return schemaAchievementCredential, t
		}
	}
	if c.HasType("EndorsementCredential") {
		return schemaEndorsementCredential, "EndorsementCredential"
	}
	return "", ""
}

// CheckCredentialSchemas validates data against every credentialSchema
// entry of type 1EdTechJsonSchemaValidator2019 (or VC JSON Schema's
// JsonSchema), as an OB 3.0 verifier does. It returns how many schemas were checked; a schema URL that is not
// embedded is an error wrapping ErrUnknownSchema (nothing is fetched).
// Entries of other types are not checked here.
//
// A single "proof" object is validated as a one-element list (see
// [Schemas.Validate]).
func (s *Schemas) CheckCredentialSchemas(data []byte) (int, error) {
	c, err := vc.ParseCredential(data)
	if err != nil {
		return 0, err
	}
	return s.CheckSchemas(c)
}

// CheckSchemas is [Schemas.CheckCredentialSchemas] for a credential
// already parsed. A credential naming no schema costs nothing.
func (s *Schemas) CheckSchemas(c *vc.Credential) (int, error) {
	var ids []string
	for _, cs := range c.Schemas() {
		if cs.Type == validatorType || cs.Type == jsonSchemaType {
			ids = append(ids, cs.ID)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	data := c.Bytes()
	var errs []error
	for _, id := range ids {
		if err := s.Validate(id, data); err != nil {
			errs = append(errs, err)
		}
	}
	return len(ids), errors.Join(errs...)
}
