package canon_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gen builds random OB 3.0 credentials for the differential tests: random
// combinations of optional fields, arrays versus single values, nested
// evidence, alignments, results, endorsements, unicode (astral and
// combining characters, controls, quotes), numbers (floats, exponents,
// negative zero, huge and tiny), dates. Now and then it adds something the
// compiled path must leave to json-gold (an undefined member, a relative
// IRI, an inline context, null, a value object).
type gen struct{ r *rand.Rand }

func newGen(seed []byte) *gen {
	var s [32]byte
	copy(s[:], seed)
	return &gen{rand.New(rand.NewChaCha8(s))}
}

var genStrings = []string{
	"", "Intro to Data Integrity", "Zertifikat für Datenschutz", "日本語の資格", "emoji 🎓🏅 badge",
	"e\u0301\u0302 combining", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral 𐍈", "tab\tnew\nline\rcr", "quote \" back \\ slash",
	"ctl \u0000\u0001\u001f\u007f", "\u2028\u2029 separators", "<html>&amp;</html>", "  spaced  ",
	"ﬀ ligature", "\uFEFFbom", "rtl עברית \u200fmark",
}

func (g *gen) str() string {
	if g.r.IntN(4) == 0 {
		return fmt.Sprintf("%s %d", genStrings[g.r.IntN(len(genStrings))], g.r.IntN(1000))
	}
	return genStrings[g.r.IntN(len(genStrings))]
}

func (g *gen) number() float64 {
	switch g.r.IntN(12) {
	case 0:
		return math.Copysign(0, -1)
	case 1:
		return 0
	case 2:
		return 1e21
	case 3:
		return 1.5e-7
	case 4:
		return -123456789012345678
	case 5:
		return 0.1 + 0.2
	case 6:
		return 1e-7
	case 7:
		return 2.5
	case 8:
		return -0.4
	case 9:
		return float64(g.r.IntN(100))
	case 10:
		return math.MaxFloat64
	}
	return g.r.NormFloat64() * math.Pow(10, float64(g.r.IntN(40)-20))
}

func (g *gen) date() string {
	return []string{"2025-01-15T09:00:00Z", "2025-01-15T09:00:00.123+02:00", "2010-01-01T00:00:00Z", "2025-01-15", "not a date"}[g.r.IntN(5)]
}

func (g *gen) iri(kind string) string {
	switch g.r.IntN(6) {
	case 0:
		return fmt.Sprintf("urn:uuid:%08x-0000-4000-8000-%012x", g.r.Uint32(), g.r.Uint64()&0xffffffffffff)
	case 1:
		return "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	case 2:
		return "did:example:" + kind + "#key-1"
	}
	return fmt.Sprintf("https://example.org/%s/%d", kind, g.r.IntN(50))
}

func (g *gen) maybe() bool { return g.r.IntN(2) == 0 }

// one returns v or [v] or a list of several.
func (g *gen) many(f func() any) any {
	switch g.r.IntN(3) {
	case 0:
		return f()
	case 1:
		return []any{f()}
	}
	n := 1 + g.r.IntN(4)
	out := make([]any, n)
	for i := range out {
		out[i] = f()
	}
	return out
}

func (g *gen) typ(name string) any {
	if g.maybe() {
		return name
	}
	return []any{name}
}

func (g *gen) profile(depth int) any {
	if g.r.IntN(4) == 0 {
		return g.iri("issuer")
	}
	p := map[string]any{"id": g.iri("issuer"), "type": g.typ("Profile")}
	if g.maybe() {
		p["name"] = g.str()
	}
	if g.maybe() {
		p["url"] = "https://institute.example/"
	}
	if g.maybe() {
		p["email"] = "registrar@institute.example"
	}
	if g.maybe() {
		p["image"] = g.image()
	}
	if g.r.IntN(4) == 0 && depth < 1 {
		p["endorsement"] = g.credential(depth+1, "EndorsementCredential")
	}
	if g.r.IntN(6) == 0 {
		p["address"] = map[string]any{"type": g.typ("Address"), "addressCountry": g.str(), "geo": map[string]any{"type": "GeoCoordinates", "latitude": g.number(), "longitude": g.number()}}
	}
	return p
}

func (g *gen) image() any {
	if g.maybe() {
		return map[string]any{"id": g.iri("image"), "type": "Image", "caption": g.str()}
	}
	return map[string]any{"id": "data:image/png;base64,iVBORw0KGgo=", "type": "Image"}
}

func (g *gen) alignment() any {
	a := map[string]any{"type": g.typ("Alignment"), "targetName": g.str(), "targetUrl": g.iri("skill")}
	if g.maybe() {
		a["targetType"] = []string{"ceasn:Competency", "CFItem", "ext:Custom", "ceterms:Credential"}[g.r.IntN(4)]
	}
	if g.maybe() {
		a["targetFramework"] = g.str()
	}
	if g.maybe() {
		a["targetCode"] = g.str()
	}
	return a
}

func (g *gen) resultDescription() any {
	rd := map[string]any{"id": g.iri("rd"), "type": g.typ("ResultDescription"), "name": g.str(), "resultType": []string{"GradePointAverage", "LetterGrade", "Status", "ext:Score"}[g.r.IntN(4)]}
	if g.maybe() {
		rd["allowedValue"] = g.many(func() any { return g.str() })
	}
	if g.maybe() {
		rd["alignment"] = g.many(g.alignment)
	}
	if g.maybe() {
		rd["rubricCriterionLevel"] = g.many(func() any {
			return map[string]any{"id": g.iri("level"), "type": g.typ("RubricCriterionLevel"), "name": g.str(), "points": g.str()}
		})
	}
	return rd
}

func (g *gen) result() any {
	r := map[string]any{"type": g.typ("Result")}
	if g.maybe() {
		r["resultDescription"] = g.iri("rd")
	}
	if g.maybe() {
		r["value"] = g.str()
	}
	if g.maybe() {
		r["status"] = []string{"Completed", "Enrolled", "Failed"}[g.r.IntN(3)]
	}
	if g.maybe() {
		r["alignment"] = g.many(g.alignment)
	}
	return r
}

func (g *gen) achievement(depth int) any {
	a := map[string]any{"id": g.iri("achievement"), "type": g.typ("Achievement"), "name": g.str(), "description": g.str(),
		"criteria": map[string]any{"narrative": g.str()}}
	if g.maybe() {
		a["criteria"].(map[string]any)["id"] = g.iri("criteria")
	}
	if g.maybe() {
		a["achievementType"] = []string{"Course", "Badge", "Certificate", "ext:Other"}[g.r.IntN(4)]
	}
	if g.maybe() {
		a["alignment"] = g.many(g.alignment)
	}
	if g.maybe() {
		a["resultDescription"] = g.many(g.resultDescription)
	}
	if g.maybe() {
		a["tag"] = g.many(func() any { return g.str() })
	}
	if g.maybe() {
		a["image"] = g.image()
	}
	if g.maybe() {
		a["creator"] = g.profile(depth + 1)
	}
	if g.r.IntN(6) == 0 { // not defined for Achievement: exercises the error path
		a["inLanguage"] = []string{"en", "de-CH", "zh-Hant"}[g.r.IntN(3)]
	}
	if g.maybe() {
		a["creditsAvailable"] = g.number()
	}
	if g.maybe() {
		a["humanCode"] = g.str()
	}
	if g.r.IntN(5) == 0 {
		a["related"] = g.many(func() any {
			return map[string]any{"id": g.iri("related"), "type": g.typ("Related"), "inLanguage": "en", "version": g.str()}
		})
	}
	if g.r.IntN(5) == 0 {
		a["otherIdentifier"] = g.many(func() any {
			return map[string]any{"type": g.typ("IdentifierEntry"), "identifier": g.str(), "identifierType": "identifier"}
		})
	}
	return a
}

func (g *gen) credential(depth int, kind string) map[string]any {
	ctx := []any{"https://www.w3.org/ns/credentials/v2",
		[]string{"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"}[g.r.IntN(2)]}
	if g.r.IntN(4) == 0 {
		ctx = append(ctx, "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
	}
	c := map[string]any{"@context": ctx, "type": []any{"VerifiableCredential", kind}, "issuer": g.profile(depth)}
	if depth > 0 || g.maybe() {
		delete(c, "@context") // an embedded credential
		if depth == 0 {
			c["@context"] = ctx
		}
	}
	if g.maybe() {
		c["id"] = g.iri("credential")
	}
	if g.maybe() {
		c["name"] = g.str()
	}
	if g.maybe() {
		c["description"] = g.str()
	}
	c["validFrom"] = g.date()
	if g.maybe() {
		c["validUntil"] = g.date()
	}
	subject := map[string]any{"type": g.typ("AchievementSubject")}
	if kind == "EndorsementCredential" {
		subject = map[string]any{"id": g.iri("endorsed"), "type": g.typ("EndorsementSubject"), "endorsementComment": g.str()}
	} else {
		subject["achievement"] = g.achievement(depth)
		if g.maybe() {
			subject["id"] = g.iri("learner")
		}
		if g.maybe() {
			subject["result"] = g.many(g.result)
		}
		if g.maybe() {
			subject["identifier"] = g.many(func() any {
				return map[string]any{"type": g.typ("IdentityObject"), "identityHash": g.str(), "identityType": "emailAddress", "hashed": g.maybe(), "salt": g.str()}
			})
		}
		if g.maybe() {
			subject["activityEndDate"] = g.date()
		}
		if g.maybe() {
			subject["creditsEarned"] = g.number()
		}
		if g.maybe() {
			subject["term"] = g.str()
		}
	}
	c["credentialSubject"] = subject
	if g.maybe() {
		c["evidence"] = g.many(func() any {
			e := map[string]any{"type": g.typ("Evidence")}
			if g.maybe() {
				e["id"] = g.iri("evidence")
			}
			if g.maybe() {
				e["narrative"] = g.str()
			}
			if g.maybe() {
				e["name"] = g.str()
			}
			if g.maybe() {
				e["genre"] = g.str()
			}
			return e
		})
	}
	if g.maybe() && depth < 1 {
		c["endorsement"] = g.many(func() any { return g.credential(depth+1, "EndorsementCredential") })
	}
	if ctx, ok := c["@context"].([]any); ok && len(ctx) == 3 {
		c["credentialSchema"] = g.many(func() any {
			return map[string]any{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json", "type": "1EdTechJsonSchemaValidator2019"}
		})
	}
	if g.r.IntN(4) == 0 {
		c["credentialStatus"] = map[string]any{"id": g.iri("status") + "#94567", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "94567", "statusListCredential": g.iri("status")}
	}
	if g.r.IntN(10) == 0 {
		c["awardedDate"] = g.date()
	}
	if depth == 0 && g.r.IntN(4) == 0 {
		c["proof"] = map[string]any{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": g.date(),
			"verificationMethod": g.iri("vm"), "proofPurpose": "assertionMethod", "proofValue": "z3FXQ"}
	}
	if g.r.IntN(8) == 0 {
		g.poison(c)
	}
	return c
}

// poison adds one thing the compiled path must not accept on its own.
func (g *gen) poison(c map[string]any) {
	subject := c["credentialSubject"].(map[string]any)
	switch g.r.IntN(15) {
	case 0:
		subject["undefinedTerm"] = g.str()
	case 1:
		subject["id"] = "relative/path"
	case 2:
		subject["@context"] = map[string]any{"x": "https://example.org/x"}
		subject["x"] = g.str()
	case 3:
		c["name"] = nil
	case 4:
		c["description"] = map[string]any{"@value": g.str(), "@language": "en"}
	case 5:
		subject["type"] = []any{"AchievementSubject", "UndefinedType"}
	case 6:
		c["validFrom"] = g.number()
	case 7:
		c["https://example.org/absolute#prop"] = g.str()
	case 8:
		if ctx, ok := c["@context"].([]any); ok {
			c["@context"] = append(ctx, "https://www.w3.org/ns/credentials/undefined-terms/v2")
		}
	case 9:
		c["issuer"] = []any{[]any{g.iri("nested")}}
	case 10:
		dirs := []any{"rtl", "ltr", "up", "RTL", 5.0, nil}
		v := map[string]any{"@value": g.str(), "@direction": dirs[g.r.IntN(len(dirs))]}
		if g.maybe() {
			v["@language"] = "ar"
		}
		c["description"] = v
	case 11:
		c["description"] = map[string]any{"@value": g.number(), "@direction": "rtl"}
	case 12:
		s := g.str()
		other := map[string]any{"@value": s, "@language": "ar"}
		if g.maybe() {
			other["@direction"] = "ltr"
		}
		c["description"] = []any{other, map[string]any{"@value": s, "@language": "ar", "@direction": "rtl"}}
	case 13:
		subject["@context"] = map[string]any{"@direction": []any{"rtl", "ltr"}[g.r.IntN(2)]}
	case 14:
		subject["@context"] = map[string]any{"label": map[string]any{"@id": "https://example.org/label", "@direction": []any{"rtl", "ltr", nil, "up"}[g.r.IntN(4)]}}
		subject["label"] = g.str()
	}
}

// TestFastMatchesReferenceGenerated runs the differential comparison on
// generated credentials, including their proof configurations.
func TestFastMatchesReferenceGenerated(t *testing.T) {
	p := newPair(t)
	n := 200
	if testing.Short() {
		n = 50
	}
	fast := 0
	for i := range n {
		var seed [8]byte
		binary.LittleEndian.PutUint64(seed[:], uint64(i))
		doc := newGen(seed[:]).credential(0, "OpenBadgeCredential")
		// Round-trip through JSON so that values have the types a parser gives.
		data, err := json.Marshal(doc)
		require.NoError(t, err)
		var parsed map[string]any
		require.NoError(t, json.Unmarshal(data, &parsed))
		for j, v := range variants(parsed) {
			took, err := p.compare(v)
			if !assert.NoError(t, err, "seed %d variant %d:\n%s", i, j, data) {
				return
			}
			if took {
				fast++
			}
		}
	}
	t.Logf("%d generated credentials, %d documents on the compiled path", n, fast)
	assert.Greater(t, fast, n/2)
}

// FuzzFastVsReference compares the compiled-context path with json-gold
// expansion: on the fuzzer's bytes as a JSON document, and on a credential
// generated from them. Any difference in bytes or error class fails.
func FuzzFastVsReference(f *testing.F) {
	for _, file := range corpusFiles(f) {
		data, err := os.ReadFile(file)
		if err == nil && len(data) < 8<<10 && !strings.Contains(file, "poison") {
			f.Add(data)
		}
	}
	for i := range 16 {
		f.Add([]byte(fmt.Sprintf("seed-%d", i)))
	}
	p := newPair(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc map[string]any
		if json.Unmarshal(data, &doc) == nil {
			for _, v := range variants(doc) {
				if _, err := p.compare(v); err != nil {
					t.Fatal(err)
				}
			}
		}
		gdoc := newGen(data).credential(0, "OpenBadgeCredential")
		enc, err := json.Marshal(gdoc)
		if err != nil {
			return // NaN or Inf cannot reach a parsed document
		}
		var parsed map[string]any
		if err := json.Unmarshal(enc, &parsed); err != nil {
			t.Fatal(err)
		}
		for _, v := range variants(parsed) {
			if _, err := p.compare(v); err != nil {
				t.Fatalf("%v\n%s", err, enc)
			}
		}
	})
}
