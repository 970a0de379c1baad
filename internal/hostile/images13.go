package hostile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"hash/crc32"
	"strconv"
	"strings"

	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc/bake"
)

// images13: baked images that carry a second credential, or one in a form
// or place OB 3.0 does not give, where another reader would show a
// credential bake does not (issue 13); and SVGs over bake's budgets. Each
// credential in them verifies on its own: the image is what is wrong.
func (g *gen) images13() {
	valid, err := json.Marshal(g.signed())
	g.fail(err)
	// Another credential from the same issuer, validly signed, that claims
	// another achievement: what a second reader would show instead.
	o := clone(g.base)
	sub(o, "credentialSubject", "achievement")["name"] = "Advanced Data Integrity"
	other, err := json.Marshal(g.sign(o, g.issuer, proof.Options{}))
	g.fail(err)
	unsigned, err := json.Marshal(o)
	g.fail(err)
	otherJWT, err := vcjwt.Sign(g.ctx, unsigned, g.issuer, vcjwt.FormatOB3)
	g.fail(err)

	// PNG: every text chunk with the keyword counts.
	png := badgePNG()
	baked, err := bake.BakePNG(png, valid, bake.Options{})
	g.fail(err)
	g.put("baked-png-text-second-credential.png", beforeIEND(baked, textChunk(g, "tEXt", "openbadgecredential", other, 0)))
	g.put("baked-png-ztxt-second-credential.png", beforeIEND(baked, textChunk(g, "zTXt", "openbadgecredential", other, 0)))
	g.put("baked-png-ztxt-credential.png", beforeIEND(png, textChunk(g, "zTXt", "openbadgecredential", valid, 0)))
	g.put("baked-png-compressed-itxt.png", beforeIEND(png, textChunk(g, "iTXt", "openbadgecredential", valid, 1)))
	g.put("baked-png-keyword-lookalike.png", beforeIEND(png, textChunk(g, "iTXt", "OpenBadgeCredential", valid, 0)))
	g.put("baked-png-ob2-beside.png", beforeIEND(baked, textChunk(g, "tEXt", "openbadges", []byte("https://hostile.example/assertions/1"), 0)))
	// 16 MiB of zeros in a zTXt chunk of 16 KiB: never inflated.
	g.put("baked-png-ztxt-bomb.png", beforeIEND(png, textChunk(g, "zTXt", "openbadgecredential", make([]byte, 16<<20), 0)))

	// SVG: every credential element counts, at any depth.
	svg, err := bake.BakeSVG([]byte(badgeSVG), valid, bake.Options{})
	g.fail(err)
	beforeEnd := func(insert string) []byte {
		s := string(svg)
		i := strings.LastIndex(s, "</svg>")
		return []byte(s[:i] + insert + s[i:])
	}
	cdata := func(c []byte) string { return "<![CDATA[" + string(c) + "]]>" }
	g.put("baked-svg-second-credential.svg", beforeEnd(`<defs><g><openbadges:credential>`+cdata(other)+`</openbadges:credential></g></defs>`))
	g.put("baked-svg-second-credential-jwt.svg", beforeEnd(`<g><openbadges:credential verify="`+otherJWT+`"></openbadges:credential></g>`))
	g.put("baked-svg-ob2-assertion-beside.svg", beforeEnd(`<openbadges:assertion xmlns:openbadges="http://openbadges.org" verify="https://hostile.example/assertions/1"></openbadges:assertion>`))
	g.put("baked-svg-credential-in-comment.svg", beforeEnd(`<!-- <openbadges:credential>`+cdata(other)+`</openbadges:credential> -->`))
	const open = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" width="8" height="8">`
	const rect = `<rect width="8" height="8" fill="#888"/>`
	g.put("baked-svg-nested-credential.svg", []byte(open+`<g>`+rect+`<openbadges:credential>`+cdata(valid)+`</openbadges:credential></g></svg>`))
	g.put("baked-svg-default-namespace.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><credential xmlns="https://purl.imsglobal.org/ob/v3p0">`+cdata(valid)+`</credential>`+rect+`</svg>`))
	var escaped bytes.Buffer
	g.fail(xml.EscapeText(&escaped, valid))
	g.put("baked-svg-json-as-text.svg", []byte(open+`<openbadges:credential>`+escaped.String()+`</openbadges:credential>`+rect+`</svg>`))
	half := len(valid) / 2
	g.put("baked-svg-split-cdata.svg", []byte(open+`<openbadges:credential>`+cdata(valid[:half])+cdata(valid[half:])+`</openbadges:credential>`+rect+`</svg>`))
	// Budgets: nesting one deeper than vc/bake's SVG depth budget
	// (limits.MaxSVGDepth), an element with one attribute more than its
	// attribute budget (limits.MaxSVGAttrs).
	n := limits.MaxSVGDepth
	g.put("baked-svg-deep-nesting.svg", beforeEnd(strings.Repeat("<g>", n)+strings.Repeat("</g>", n)))
	var attrs strings.Builder
	for i := range limits.MaxSVGAttrs + 1 {
		attrs.WriteString(` data-a` + strconv.Itoa(i) + `=""`)
	}
	g.put("baked-svg-many-attributes.svg", beforeEnd(`<g`+attrs.String()+`/>`))
}

// textChunk is a PNG tEXt, zTXt or iTXt chunk with keyword kw and text;
// zTXt, and iTXt with flag 1, hold it zlib-compressed.
func textChunk(g *gen, typ, kw string, text []byte, flag byte) []byte {
	if typ == "zTXt" || flag == 1 {
		var z bytes.Buffer
		w, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
		g.fail(err)
		_, err = w.Write(text)
		g.fail(err)
		g.fail(w.Close())
		text = z.Bytes()
	}
	data := append([]byte(kw), 0)
	switch typ {
	case "zTXt":
		data = append(data, 0) // compression method: zlib
	case "iTXt":
		data = append(data, flag, 0, 0, 0) // flag, method, empty language tag, empty translated keyword
	}
	data = append(data, text...)
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(append(out, typ...), data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

// beforeIEND returns a copy of the PNG img with chunk c before IEND.
func beforeIEND(img, c []byte) []byte {
	out := append([]byte(nil), img[:len(img)-12]...)
	return append(append(out, c...), img[len(img)-12:]...)
}
