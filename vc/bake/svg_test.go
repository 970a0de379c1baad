package bake_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/bake"
)

const (
	svgNS    = `xmlns="http://www.w3.org/2000/svg"`
	obNS     = `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`
	svgOpen  = `<svg ` + svgNS + ` ` + obNS + `>`
	jsonElem = `<openbadges:credential><![CDATA[` + cred + `]]></openbadges:credential>`
	jwtElem  = `<openbadges:credential verify="` + jwt + `"/>`
	ob2Elem  = `<openbadges:assertion xmlns:openbadges="http://openbadges.org" verify="https://example.org/a"/>`
)

// TestSVGCarriers: every element some reader could take a badge from is
// counted, at any depth, in any form; an image is read only when it has
// one, in the spec's form and place.
func TestSVGCarriers(t *testing.T) {
	for name, tc := range map[string]struct {
		svg  string
		want error
	}{
		// Where the spec puts it, and where it does not.
		"nested at depth 3":              {svgOpen + `<g>` + jsonElem + `</g></svg>`, bake.ErrMalformed},
		"nested at depth 3, JWT":         {svgOpen + `<g><g/>` + jwtElem + `</g></svg>`, bake.ErrMalformed},
		"nested and direct":              {svgOpen + jsonElem + `<g>` + jwtElem + `</g></svg>`, bake.ErrMultiple},
		"nested first, then direct":      {svgOpen + `<g><defs>` + jwtElem + `</defs></g>` + jsonElem + `</svg>`, bake.ErrMultiple},
		"inside the credential element":  {svgOpen + `<openbadges:credential>` + jwtElem + `</openbadges:credential></svg>`, bake.ErrMultiple},
		"last child":                     {svgOpen + `<rect/>` + jsonElem + `</svg>`, nil},
		"at the end, far from the first": {svgOpen + strings.Repeat(`<g><rect/></g>`, 1000) + jsonElem + `<g>` + jsonElem + `</g></svg>`, bake.ErrMultiple},
		// Other forms of the same element.
		"OB 2.0 assertion beside":            {svgOpen + jsonElem + ob2Elem + `</svg>`, bake.ErrMultiple},
		"OB 2.0 assertion alone":             {`<svg ` + svgNS + `>` + ob2Elem + `</svg>`, bake.ErrOB2},
		"OB 2.0 assertion nested":            {`<svg ` + svgNS + `><g>` + ob2Elem + `</g></svg>`, bake.ErrOB2},
		"default namespace":                  {`<svg ` + svgNS + `><credential xmlns="https://purl.imsglobal.org/ob/v3p0"><![CDATA[` + cred + `]]></credential></svg>`, bake.ErrMalformed},
		"another prefix":                     {`<svg ` + svgNS + ` xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="` + jwt + `"/></svg>`, bake.ErrMalformed},
		"another prefix beside":              {`<svg ` + svgNS + ` ` + obNS + ` xmlns:ob="https://purl.imsglobal.org/ob/v3p0">` + jsonElem + `<ob:credential verify="` + jwt + `"/></svg>`, bake.ErrMultiple},
		"other letter case":                  {svgOpen + `<openbadges:Credential verify="` + jwt + `"/></svg>`, bake.ErrMalformed},
		"other letter case beside":           {svgOpen + jsonElem + `<OpenBadges:credential verify="` + jwt + `"/></svg>`, bake.ErrMultiple},
		"namespace look-alike":               {`<svg ` + svgNS + ` xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0/">` + jsonElem + `</svg>`, bake.ErrMalformed},
		"prefix undeclared":                  {`<svg ` + svgNS + `>` + jsonElem + `</svg>`, bake.ErrMalformed},
		"declared on the element only":       {`<svg ` + svgNS + `><openbadges:credential ` + obNS + ` verify="` + jwt + `"/></svg>`, bake.ErrMalformed},
		"prefix rebound below the root":      {svgOpen + `<g xmlns:openbadges="https://evil.example/">` + jsonElem + `</g></svg>`, bake.ErrMalformed},
		"hidden in a comment":                {svgOpen + jsonElem + `<!-- <openbadges:credential verify="` + jwt + `"/> --></svg>`, bake.ErrMalformed},
		"hidden in a style CDATA":            {svgOpen + jsonElem + `<style><![CDATA[ <OPENBADGES:credential> ]]></style></svg>`, bake.ErrMalformed},
		"hidden in a processing instruction": {svgOpen + jsonElem + `<?x <openbadges:assertion?></svg>`, bake.ErrMalformed},
		// The content forms.
		"JSON as text, not CDATA":        {svgOpen + `<openbadges:credential>{"a":1}</openbadges:credential></svg>`, bake.ErrMalformed},
		"JSON as escaped text":           {svgOpen + `<openbadges:credential>{&quot;a&quot;:1}</openbadges:credential></svg>`, bake.ErrMalformed},
		"two CDATA sections":             {svgOpen + `<openbadges:credential><![CDATA[{"a":]]><![CDATA[1}]]></openbadges:credential></svg>`, bake.ErrMalformed},
		"CDATA and text":                 {svgOpen + `<openbadges:credential>x<![CDATA[{"a":1}]]></openbadges:credential></svg>`, bake.ErrMalformed},
		"comment inside":                 {svgOpen + `<openbadges:credential><!-- x --><![CDATA[{"a":1}]]></openbadges:credential></svg>`, bake.ErrMalformed},
		"empty":                          {svgOpen + `<openbadges:credential/></svg>`, bake.ErrMalformed},
		"JWT in CDATA":                   {svgOpen + `<openbadges:credential><![CDATA[` + jwt + `]]></openbadges:credential></svg>`, bake.ErrMalformed},
		"JSON in verify":                 {svgOpen + `<openbadges:credential verify='{"a":1}'/></svg>`, bake.ErrMalformed},
		"verify twice":                   {svgOpen + `<openbadges:credential verify="` + jwt + `" verify="a.b.c"/></svg>`, bake.ErrMalformed},
		"prefixed verify":                {svgOpen + `<openbadges:credential openbadges:verify="` + jwt + `"><![CDATA[{"a":1}]]></openbadges:credential></svg>`, bake.ErrMalformed},
		"verify in another case":         {svgOpen + `<openbadges:credential Verify="` + jwt + `"><![CDATA[{"a":1}]]></openbadges:credential></svg>`, bake.ErrMalformed},
		"white space around CDATA":       {svgOpen + "\n  <openbadges:credential>\n    <![CDATA[\n" + cred + "\n]]>\n  </openbadges:credential>\n</svg>", nil},
		"JWT with character references":  {svgOpen + `<openbadges:credential verify="` + strings.Replace(jwt, ".", "&#x2E;", 1) + `"></openbadges:credential></svg>`, nil},
		"BOM and XML declaration":        {"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + svgOpen + jsonElem + `</svg>`, nil},
		"prefix declared twice":          {`<svg ` + svgNS + ` ` + obNS + ` ` + obNS + `>` + jsonElem + `</svg>`, bake.ErrMalformed},
		"other encoding":                 {`<?xml version="1.0" encoding="ISO-8859-1"?>` + svgOpen + jsonElem + `</svg>`, bake.ErrMalformed},
		"XML 1.1":                        {`<?xml version="1.1"?>` + svgOpen + jsonElem + `</svg>`, bake.ErrMalformed},
		"undefined entity":               {svgOpen + jsonElem + `<text>&nbsp;</text></svg>`, bake.ErrMalformed},
		"character reference to NUL":     {svgOpen + jsonElem + `<text>&#0;</text></svg>`, bake.ErrMalformed},
		"NUL byte":                       {svgOpen + jsonElem + "<text>\x00</text></svg>", bake.ErrMalformed},
		"invalid UTF-8":                  {svgOpen + jsonElem + "<text>\xff</text></svg>", bake.ErrMalformed},
		"second root":                    {svgOpen + jsonElem + `</svg><svg/>`, bake.ErrMalformed},
		"text after the root":            {svgOpen + jsonElem + `</svg>x`, bake.ErrMalformed},
		"CDATA after the root":           {svgOpen + jsonElem + `</svg><![CDATA[x]]>`, bake.ErrMalformed},
		"mismatched end tag":             {svgOpen + jsonElem + `<g></h></svg>`, bake.ErrMalformed},
		"attributes run together":        {`<svg ` + svgNS + obNS + `>` + jsonElem + `</svg>`, bake.ErrMalformed},
		"< in an attribute":              {svgOpen + jsonElem + `<g id="<"/></svg>`, bake.ErrMalformed},
		"-- in a comment":                {svgOpen + jsonElem + `<!-- a -- b --></svg>`, bake.ErrMalformed},
		"]]> in text":                    {svgOpen + jsonElem + `<text>]]></text></svg>`, bake.ErrMalformed},
		"unterminated comment":           {svgOpen + jsonElem + `<!-- </svg>`, bake.ErrMalformed},
		"XML declaration in the middle":  {svgOpen + `<?xml version="1.0"?>` + jsonElem + `</svg>`, bake.ErrMalformed},
		"empty root":                     {`<svg ` + svgNS + `/>`, bake.ErrNotBaked},
		"no root":                        {`<?xml version="1.0"?>`, bake.ErrMalformed},
		"an element named credential":    {svgOpen + `<credential/><g><credential><x/></credential></g>` + jsonElem + `</svg>`, nil},
		"a prefix bound to another name": {svgOpen + `<svg:credential xmlns:svg="http://www.w3.org/2000/svg"/>` + jsonElem + `</svg>`, nil},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := bake.ExtractSVG([]byte(tc.svg))
			if tc.want == nil {
				require.NoError(t, err)
				assert.Contains(t, []string{cred, jwt}, string(p.Data))
				return
			}
			assert.Nil(t, p, "no payload with an error")
			assert.ErrorIs(t, err, tc.want)
			if tc.want != bake.ErrNotBaked {
				assert.NotErrorIs(t, err, bake.ErrNotBaked, "a carrier is never ignored")
			}
			// Baking never adds a second carrier; Replace cuts out the
			// one there is, wherever it is, and refuses to choose
			// between two.
			baked, berr := bake.BakeSVG([]byte(tc.svg), []byte(jwt), bake.Options{Replace: true})
			switch {
			case errors.Is(err, bake.ErrMultiple):
				assert.ErrorIs(t, berr, bake.ErrMultiple)
			case berr != nil:
				assert.ErrorIs(t, berr, bake.ErrMalformed, "an SVG that is not well-formed, or binds the prefix elsewhere, stays refused")
			default:
				p, err := bake.ExtractSVG(baked)
				require.NoError(t, err)
				assert.Equal(t, jwt, string(p.Data))
			}
		})
	}
}

// svg11 is the document type declaration SVG editors write (SVG 1.1
// appendix A.1).
const svg11 = `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">`

// TestSVGDoctype: the W3C SVG document type declarations are read; every
// DOCTYPE that could declare an entity, expand one or send a reader to
// another DTD is refused, wherever and however it is written.
func TestSVGDoctype(t *testing.T) {
	body := svgOpen + jsonElem + `</svg>`
	decl := `<?xml version="1.0" encoding="utf-8"?>` + "\n"
	laughs := `<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">`
	for name, tc := range map[string]struct {
		svg  string
		want error
	}{
		"SVG 1.1":                             {decl + svg11 + "\n" + body, nil},
		"SVG 1.1, no XML declaration":         {svg11 + body, nil},
		"SVG 1.1, single quotes":              {`<!DOCTYPE svg PUBLIC '-//W3C//DTD SVG 1.1//EN' 'http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd'>` + body, nil},
		"SVG 1.1, white space":                {"<!DOCTYPE\tsvg\n  PUBLIC \"-//W3C//DTD SVG 1.1//EN\"\r\n  \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" >" + body, nil},
		"SVG 1.0":                             {`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.0//EN" "http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd">` + body, nil},
		"SVG 1.1 Tiny":                        {`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1 Tiny//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-tiny.dtd">` + body, nil},
		"no external identifier":              {`<!DOCTYPE svg>` + body, nil},
		"after a comment":                     {decl + `<!-- Generator: an editor -->` + svg11 + body, nil},
		"internal subset":                     {`<!DOCTYPE svg [<!ENTITY x "y">]>` + body, bake.ErrMalformed},
		"empty internal subset":               {`<!DOCTYPE svg []>` + body, bake.ErrMalformed},
		"SVG 1.1 and an internal subset":      {`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]>` + body, bake.ErrMalformed},
		"billion laughs":                      {`<!DOCTYPE svg [` + laughs + `]>` + svgOpen + jsonElem + `<text>&lol3;</text></svg>`, bake.ErrMalformed},
		"parameter entity":                    {`<!DOCTYPE svg [<!ENTITY % remote SYSTEM "https://hostile.example/x.dtd"> %remote;]>` + body, bake.ErrMalformed},
		"external entity":                     {`<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + svgOpen + jsonElem + `<text>&xxe;</text></svg>`, bake.ErrMalformed},
		"SYSTEM identifier":                   {`<!DOCTYPE svg SYSTEM "https://hostile.example/svg.dtd">` + body, bake.ErrMalformed},
		"SYSTEM identifier of the SVG DTD":    {`<!DOCTYPE svg SYSTEM "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` + body, bake.ErrMalformed},
		"SVG public id, another system id":    {`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "https://hostile.example/svg11.dtd">` + body, bake.ErrMalformed},
		"another public id":                   {`<!DOCTYPE svg PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">` + body, bake.ErrMalformed},
		"public id without system id":         {`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN">` + body, bake.ErrMalformed},
		"public id in another case":           {`<!DOCTYPE svg PUBLIC "-//w3c//dtd svg 1.1//en" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` + body, bake.ErrMalformed},
		"keyword in lower case":               {`<!DOCTYPE svg public "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` + body, bake.ErrMalformed},
		"doctype in lower case":               {`<!doctype svg>` + body, bake.ErrMalformed},
		"no space before the public id":       {`<!DOCTYPE svg PUBLIC"-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` + body, bake.ErrMalformed},
		"no space between the literals":       {`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN""http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` + body, bake.ErrMalformed},
		"another root name":                   {`<!DOCTYPE html>` + body, bake.ErrMalformed},
		"a root name starting with svg":       {`<!DOCTYPE svgx>` + body, bake.ErrMalformed},
		"two DOCTYPEs":                        {svg11 + svg11 + body, bake.ErrMalformed},
		"inside the root":                     {svgOpen + svg11 + jsonElem + `</svg>`, bake.ErrMalformed},
		"inside the credential element":       {svgOpen + `<openbadges:credential>` + svg11 + `<![CDATA[` + cred + `]]></openbadges:credential></svg>`, bake.ErrMalformed},
		"after the root":                      {body + svg11, bake.ErrMalformed},
		"unterminated":                        {`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"`, bake.ErrMalformed},
		"unterminated literal":                {`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN`, bake.ErrMalformed},
		"garbage after the identifiers":       {`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" x>` + body, bake.ErrMalformed},
		"undefined entity with the SVG DTD":   {svg11 + svgOpen + jsonElem + `<text>&nbsp;</text></svg>`, bake.ErrMalformed},
		"carrier hidden in the public id":     {`<!DOCTYPE svg PUBLIC "<openbadges:credential>" "x">` + body, bake.ErrMalformed},
		"an entity declaration, no DOCTYPE":   {`<!ENTITY x "y">` + body, bake.ErrMalformed},
		"SVG 1.1 and a second carrier beside": {svg11 + svgOpen + jsonElem + jwtElem + `</svg>`, bake.ErrMultiple},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := bake.ExtractSVG([]byte(tc.svg))
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, cred, string(p.Data))
				// Baking keeps the declaration and reads back.
				baked, err := bake.BakeSVG([]byte(tc.svg), []byte(jwt), bake.Options{Replace: true})
				require.NoError(t, err)
				assert.Contains(t, string(baked), "<!DOCTYPE")
				p, err = bake.ExtractSVG(baked)
				require.NoError(t, err)
				assert.Equal(t, jwt, string(p.Data))
				return
			}
			assert.Nil(t, p)
			assert.ErrorIs(t, err, tc.want)
			_, err = bake.BakeSVG([]byte(tc.svg), []byte(jwt), bake.Options{Replace: true})
			assert.Error(t, err, "BakeSVG refuses what ExtractSVG refuses")
		})
	}
}

// A DOCTYPE costs what its bytes cost: 16 MiB of white space inside one
// ends with an error as fast as any other scan (no entity is kept, none is
// expanded).
func TestSVGDoctypeBudget(t *testing.T) {
	big := `<!DOCTYPE svg` + strings.Repeat(" ", bake.MaxImageBytes-1024) + `[` + `]>` + svgOpen + jsonElem + `</svg>`
	start := time.Now()
	_, err := bake.ExtractSVG([]byte(big))
	assert.ErrorIs(t, err, bake.ErrMalformed)
	assert.NotErrorIs(t, err, bake.ErrLimit, "refused for its internal subset, not its size")
	assert.Less(t, time.Since(start), time.Second)
}

// TestSVGLineEndings: CR LF in the CDATA section reads as LF, as an XML
// parser reads it, and baking such a credential reads back the same.
func TestSVGLineEndings(t *testing.T) {
	p, err := bake.ExtractSVG([]byte(svgOpen + "<openbadges:credential><![CDATA[{\r\n\"a\": 1\r}]]></openbadges:credential></svg>"))
	require.NoError(t, err)
	assert.Equal(t, "{\n\"a\": 1\n}", string(p.Data))
	baked, err := bake.BakeSVG(svgImage(t), []byte("{\r\n\"a\": 1\r\n}"), bake.Options{})
	require.NoError(t, err)
	p, err = bake.ExtractSVG(baked)
	require.NoError(t, err)
	assert.Equal(t, "{\n\"a\": 1\n}", string(p.Data))
}

// TestSVGBakeRefusals: BakeSVG does not make what ExtractSVG refuses.
func TestSVGBakeRefusals(t *testing.T) {
	svg := svgImage(t)
	_, err := bake.BakeSVG(svg, []byte(`{"a":"<openbadges:credential>"}`), bake.Options{})
	assert.ErrorIs(t, err, bake.ErrMalformed, "a credential that looks like a second carrier to a text search")
	_, err = bake.BakeSVG([]byte(`<svg `+svgNS+` xmlns:openbadges="http://openbadges.org">`+ob2Elem+`</svg>`), []byte(jwt), bake.Options{Replace: true})
	assert.ErrorIs(t, err, bake.ErrMalformed, "the root binds openbadges to the OB 2.0 namespace")
	big := []byte(`<svg ` + svgNS + `><!--` + strings.Repeat("x", bake.MaxImageBytes-100) + `--></svg>`)
	_, err = bake.BakeSVG(big, []byte(cred), bake.Options{})
	assert.ErrorIs(t, err, bake.ErrLimit, "the result would be over MaxImageBytes")
	deep := []byte(`<svg ` + svgNS + `>` + strings.Repeat("<g>", bake.MaxSVGDepth) + strings.Repeat("</g>", bake.MaxSVGDepth) + `</svg>`)
	_, err = bake.BakeSVG(deep, []byte(cred), bake.Options{})
	assert.ErrorIs(t, err, bake.ErrLimit, "an SVG over a budget is not baked either")
}

// hostileSVGs are 16 MiB SVGs (MaxImageBytes) that each push one budget.
func hostileSVGs() map[string][]byte {
	head := `<svg ` + svgNS + ` ` + obNS + `>`
	// fill repeats unit between prefix and suffix up to MaxImageBytes.
	fill := func(prefix, unit, suffix string) []byte {
		n := (bake.MaxImageBytes - len(prefix) - len(suffix)) / len(unit)
		return []byte(prefix + strings.Repeat(unit, n) + suffix)
	}
	var decls strings.Builder
	for i := 0; i < bake.MaxSVGNamespaces-2; i++ {
		fmt.Fprintf(&decls, ` xmlns:p%02d="urn:p"`, i)
	}
	manyAttrs := `<g` + attrs(bake.MaxSVGAttrs) + `/>`
	var nsAttrs strings.Builder
	nsAttrs.WriteString(`<g`)
	for i := range bake.MaxSVGNamespaces {
		fmt.Fprintf(&nsAttrs, ` xmlns:a%d="u"`, i)
	}
	nsAttrs.WriteString(`/>`)
	n := (bake.MaxImageBytes - len(head) - 6) / len("<g></g>")
	return map[string][]byte{
		// Nesting 2.4 million deep: refused at MaxSVGDepth.
		"deep nesting":           []byte(head + strings.Repeat("<g>", n) + strings.Repeat("</g>", n) + `</svg>`),
		"deep nesting, unclosed": fill(head, "<g>", ""),
		// 4 million siblings: refused at MaxSVGTokens.
		"siblings": fill(head, "<g/>", "</svg>"),
		// One element with 2.8 million attributes: refused at MaxSVGAttrs.
		"attributes": fill(`<svg `+svgNS, ` a=""`, `></svg>`),
		// Elements at the attribute limit: refused at the first.
		"elements with many attributes": fill(head, manyAttrs, `</svg>`),
		// Elements just under it, all read, up to the token limit.
		"elements with MaxSVGAttrs-1 attributes": fill(head, `<g`+attrs(bake.MaxSVGAttrs-1)+`/>`, `</svg>`),
		// One 16 MiB attribute value: read, nothing copied.
		"huge attribute value": fill(head+`<g id="`, "x", `"/></svg>`),
		// One huge text run, comment, CDATA section.
		"huge text":    fill(head, "x", `</svg>`),
		"huge comment": fill(head+`<!--`, "x", `--></svg>`),
		"huge CDATA":   fill(head+`<![CDATA[`, "x", `]]></svg>`),
		// Entity references: all checked, none expanded.
		"references": fill(head+`<text>`, "&amp;", `</text></svg>`),
		// Namespace declarations: 1 million on one element, elements at
		// the limit of them, and nested ones.
		"namespace declarations":           fill(`<svg `+svgNS, ` xmlns:a="u"`, `></svg>`),
		"namespace declarations, siblings": fill(head, nsAttrs.String(), `</svg>`),
		"namespace declarations, nested":   fill(head, `<g xmlns:x="u">`, ""),
		// Elements named like a carrier, each looked up among the most
		// declarations allowed in scope.
		"carrier look-alikes": fill(`<svg `+svgNS+decls.String()+` xmlns:p="urn:q">`, `<p:credential/>`, `</svg>`),
		// Many small comments.
		"comments": fill(head, `<!---->`, `</svg>`),
	}
}

// TestSVGBudget: each 16 MiB hostile SVG ends, with an error or a result,
// in well under a second, and what it allocates does not grow with the
// input: the scanner keeps slices of the input, a stack bounded by
// MaxSVGDepth and MaxSVGNamespaces and one tag's attributes. (Measured on
// one core of a 2-core VM: 5 to 90 ms of CPU and at most 28 KB each; before the
// scanner, encoding/xml took 1.9 s and 614 MB on the deep nesting.)
func TestSVGBudget(t *testing.T) {
	for name, svg := range hostileSVGs() {
		t.Run(name, func(t *testing.T) {
			require.LessOrEqual(t, len(svg), bake.MaxImageBytes)
			var p *bake.Payload
			var err error
			elapsed, allocated := measure(func() { p, err = bake.Extract(svg) })
			assert.Nil(t, p)
			assert.Error(t, err)
			t.Logf("%d bytes: %v, %d bytes allocated: %v", len(svg), elapsed.Round(time.Millisecond), allocated, err)
			assert.Less(t, elapsed, timeFactor*500*time.Millisecond, "well under a second")
			assert.Less(t, allocated, uint64(64<<10), "allocation does not grow with the input")
		})
	}
	for name, tc := range map[string]struct {
		svg  string
		want error
	}{
		"at MaxSVGDepth":        {`<svg ` + svgNS + `>` + strings.Repeat("<g>", bake.MaxSVGDepth-1) + strings.Repeat("</g>", bake.MaxSVGDepth-1) + `</svg>`, bake.ErrNotBaked},
		"over MaxSVGDepth":      {`<svg ` + svgNS + `>` + strings.Repeat("<g>", bake.MaxSVGDepth) + strings.Repeat("</g>", bake.MaxSVGDepth) + `</svg>`, bake.ErrLimit},
		"at MaxSVGTokens":       {`<svg ` + svgNS + `>` + strings.Repeat("<g/>", bake.MaxSVGTokens/2-1) + `</svg>`, bake.ErrNotBaked},
		"over MaxSVGTokens":     {`<svg ` + svgNS + `>` + strings.Repeat("<g/>", bake.MaxSVGTokens/2) + `</svg>`, bake.ErrLimit},
		"at MaxSVGAttrs":        {`<svg ` + svgNS + attrs(bake.MaxSVGAttrs-1) + `/>`, bake.ErrNotBaked},
		"over MaxSVGAttrs":      {`<svg ` + svgNS + attrs(bake.MaxSVGAttrs) + `/>`, bake.ErrLimit},
		"at MaxSVGNamespaces":   {`<svg ` + svgNS + `>` + strings.Repeat(`<g xmlns:x="u">`, bake.MaxSVGNamespaces-1) + strings.Repeat("</g>", bake.MaxSVGNamespaces-1) + `</svg>`, bake.ErrNotBaked},
		"over MaxSVGNamespaces": {`<svg ` + svgNS + `>` + strings.Repeat(`<g xmlns:x="u">`, bake.MaxSVGNamespaces) + strings.Repeat("</g>", bake.MaxSVGNamespaces) + `</svg>`, bake.ErrLimit},
		"over MaxImageBytes":    {`<svg ` + svgNS + `>` + strings.Repeat(" ", bake.MaxImageBytes) + `</svg>`, bake.ErrLimit},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := bake.ExtractSVG([]byte(tc.svg))
			assert.Nil(t, p)
			assert.ErrorIs(t, err, tc.want)
			if tc.want == bake.ErrLimit {
				assert.ErrorIs(t, err, bake.ErrMalformed, "ErrLimit wraps ErrMalformed")
			}
		})
	}
}

func attrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` a%d=""`, i)
	}
	return b.String()
}

// TestExtractAllocations guards the allocations of a normal extraction:
// the scanner, the payload copy, and nothing per token.
func TestExtractAllocations(t *testing.T) {
	svg, err := bake.BakeSVG(svgImage(t), []byte(cred), bake.Options{})
	require.NoError(t, err)
	png, err := bake.BakePNG(pngImage(t), []byte(cred), bake.Options{})
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		img []byte
		max float64
	}{
		"SVG": {svg, 8}, // scanner, its four stacks, the carrier, the payload and its copy
		"PNG": {png, 3},
	} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := bake.Extract(tc.img); err != nil {
				t.Fatal(err)
			}
		})
		assert.LessOrEqual(t, allocs, tc.max, "%s: %v allocations per Extract", name, allocs)
	}
}
