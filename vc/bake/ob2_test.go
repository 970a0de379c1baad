package bake_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/bake"
)

const (
	ob2URL  = "https://example.org/beths-robotics-badge.json"
	ob2JSON = `{"@context":"https://w3id.org/openbadges/v2","id":"` + ob2URL + `"}`
	ob2NS   = `xmlns:openbadges="http://openbadges.org"`
)

// TestExtractOB2: the OB 2.0 carriers are read in their spec form only,
// counted with the OB 3.0 ones.
func TestExtractOB2(t *testing.T) {
	img := pngImage(t)
	ob3, err := bake.BakePNG(img, []byte(cred), bake.Options{})
	require.NoError(t, err)
	svg := func(body string) []byte {
		return []byte(`<svg ` + svgNS + ` ` + ob2NS + `>` + body + `</svg>`)
	}
	for name, tc := range map[string]struct {
		data []byte
		want string
		err  error
	}{
		"PNG URL":             {insertBeforeIEND(img, textChunk(t, "iTXt", "openbadges", ob2URL, false)), ob2URL, nil},
		"PNG JSON":            {insertBeforeIEND(img, textChunk(t, "iTXt", "openbadges", ob2JSON, false)), ob2JSON, nil},
		"PNG JWS":             {insertBeforeIEND(img, textChunk(t, "iTXt", "openbadges", jwt, false)), jwt, nil},
		"PNG tEXt":            {insertBeforeIEND(img, textChunk(t, "tEXt", "openbadges", ob2URL, false)), "", bake.ErrMalformed},
		"PNG compressed iTXt": {insertBeforeIEND(img, textChunk(t, "iTXt", "openbadges", ob2URL, true)), "", bake.ErrMalformed},
		"PNG zTXt":            {insertBeforeIEND(img, textChunk(t, "zTXt", "openbadges", ob2URL, false)), "", bake.ErrMalformed},
		"PNG keyword case":    {insertBeforeIEND(img, textChunk(t, "iTXt", "OpenBadges", ob2URL, false)), "", bake.ErrMalformed},
		"PNG empty":           {insertBeforeIEND(img, textChunk(t, "iTXt", "openbadges", "  ", false)), "", bake.ErrMalformed},
		"PNG OB 3.0 only":     {ob3, "", bake.ErrNotBaked},
		"PNG none":            {img, "", bake.ErrNotBaked},
		"PNG OB 3.0 and 2.0":  {insertBeforeIEND(ob3, textChunk(t, "iTXt", "openbadges", ob2URL, false)), "", bake.ErrMultiple},
		"SVG verify URL":      {svg(`<openbadges:assertion verify="` + ob2URL + `"/>`), ob2URL, nil},
		"SVG verify JWS":      {svg(`<g/><openbadges:assertion verify="` + jwt + `"></openbadges:assertion>`), jwt, nil},
		"SVG CDATA JSON":      {svg(`<openbadges:assertion><![CDATA[` + ob2JSON + `]]></openbadges:assertion>`), ob2JSON, nil},
		"SVG escaped verify":  {svg(`<openbadges:assertion verify="https://example.org/a?x=1&amp;y=2"/>`), "https://example.org/a?x=1&y=2", nil},
		"SVG other namespace": {[]byte(`<svg ` + svgNS + ` xmlns:openbadges="http://openbadges.org/x"><openbadges:assertion verify="` + ob2URL + `"/></svg>`), "", bake.ErrMalformed},
		"SVG text":            {svg(`<openbadges:assertion>` + ob2URL + `</openbadges:assertion>`), "", bake.ErrMalformed},
		"SVG child":           {svg(`<openbadges:assertion verify="` + ob2URL + `"><g/></openbadges:assertion>`), "", bake.ErrMalformed},
		"SVG two CDATA":       {svg(`<openbadges:assertion><![CDATA[{}]]><![CDATA[{}]]></openbadges:assertion>`), "", bake.ErrMalformed},
		"SVG empty":           {svg(`<openbadges:assertion/>`), "", bake.ErrMalformed},
		"SVG two":             {svg(`<openbadges:assertion verify="a"/><openbadges:assertion verify="b"/>`), "", bake.ErrMultiple},
		"SVG none":            {svg(`<g/>`), "", bake.ErrNotBaked},
		"not an image":        {[]byte(ob2JSON), "", bake.ErrMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := bake.ExtractOB2(tc.data)
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
		})
	}
}

// FuzzExtractOB2: ExtractOB2 never panics; on error it returns nothing;
// what it returns is non-empty, trimmed, and only from an image that
// Extract reports as OB 2.0.
func FuzzExtractOB2(f *testing.F) {
	img := pngImage(f)
	f.Add(insertBeforeIEND(img, textChunk(f, "iTXt", "openbadges", ob2URL, false)))
	f.Add(insertBeforeIEND(img, textChunk(f, "iTXt", "openbadges", ob2JSON, false)))
	f.Add([]byte(`<svg ` + svgNS + ` ` + ob2NS + `><openbadges:assertion verify="` + jwt + `"/></svg>`))
	f.Add([]byte(`<svg ` + svgNS + ` ` + ob2NS + `><openbadges:assertion><![CDATA[` + ob2JSON + `]]></openbadges:assertion></svg>`))
	f.Add(svgImage(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := bake.ExtractOB2(data)
		if err != nil {
			if got != nil {
				t.Fatalf("error %v with output", err)
			}
			return
		}
		if len(got) == 0 || !bytes.Equal(got, bytes.TrimSpace(got)) {
			t.Fatalf("empty or untrimmed output %q", got)
		}
		if _, err := bake.Extract(data); !errors.Is(err, bake.ErrOB2) {
			t.Fatalf("ExtractOB2 read an image that Extract reports as %v", err)
		}
	})
}
