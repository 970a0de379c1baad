package bake_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/bake"
)

const cred = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"],"name":"Teamwork <&> \u00e9"}`
const jwt = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTp4In0.c2lnbmF0dXJl"

func pngImage(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := 0; x < 16; x++ {
		for y := 0; y < 16; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 16), 128, 255})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func svgImage(t testing.TB) []byte {
	data, err := os.ReadFile("testdata/badge.svg")
	require.NoError(t, err)
	return data
}

func TestPNGRoundTrip(t *testing.T) {
	img := pngImage(t)
	for _, payload := range []string{cred, jwt} {
		baked, err := bake.BakePNG(img, []byte(payload), bake.Options{})
		require.NoError(t, err)
		_, err = png.Decode(bytes.NewReader(baked))
		require.NoError(t, err, "a baked PNG still decodes")
		p, err := bake.ExtractPNG(baked)
		require.NoError(t, err)
		assert.Equal(t, payload, string(p.Data))
		assert.Equal(t, bake.PNG, bake.Detect(baked))
		_, err = bake.BakePNG(baked, []byte(cred), bake.Options{})
		assert.ErrorIs(t, err, bake.ErrAlreadyBaked)
		rebaked, err := bake.BakePNG(baked, []byte(jwt), bake.Options{Replace: true})
		require.NoError(t, err)
		p, err = bake.ExtractPNG(rebaked)
		require.NoError(t, err)
		assert.Equal(t, jwt, string(p.Data))
		assert.Equal(t, bake.FormatJWT, p.Format)
	}
	_, err := bake.ExtractPNG(img)
	assert.ErrorIs(t, err, bake.ErrNotBaked)
}

func chunk(typ string, data []byte) []byte {
	out := make([]byte, 8)
	binary.BigEndian.PutUint32(out, uint32(len(data)))
	copy(out[4:], typ)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

// insertBeforeIEND adds a raw chunk to a PNG.
func insertBeforeIEND(img, c []byte) []byte {
	out := append([]byte(nil), img[:len(img)-12]...)
	out = append(out, c...)
	return append(out, img[len(img)-12:]...)
}

func TestPNGHostile(t *testing.T) {
	img := pngImage(t)
	baked, err := bake.BakePNG(img, []byte(cred), bake.Options{})
	require.NoError(t, err)
	badCRC := append([]byte(nil), baked...)
	badCRC[len(badCRC)-13] ^= 1 // last byte of the iTXt chunk's CRC
	twice := insertBeforeIEND(baked, chunk("iTXt", append([]byte("openbadgecredential\x00\x00\x00\x00\x00"), cred...)))
	compressed := insertBeforeIEND(img, chunk("iTXt", append([]byte("openbadgecredential\x00\x01\x00\x00\x00"), "x\x9c..."...)))
	ob2 := insertBeforeIEND(img, chunk("tEXt", []byte("openbadges\x00https://example.org/assertion")))
	hugeLen := append([]byte(nil), img...)
	binary.BigEndian.PutUint32(hugeLen[8:], 0x7ffffff0)
	for name, tc := range map[string]struct {
		data []byte
		want error
	}{
		"truncated":      {baked[:len(baked)-20], bake.ErrMalformed},
		"bad CRC":        {badCRC, bake.ErrMalformed},
		"after IEND":     {append(append([]byte(nil), baked...), 'x'), bake.ErrMalformed},
		"two payloads":   {twice, bake.ErrMultiple},
		"compressed":     {compressed, bake.ErrMalformed},
		"OB 2.0 only":    {ob2, bake.ErrOB2},
		"huge length":    {hugeLen, bake.ErrMalformed},
		"not a PNG":      {[]byte("GIF89a"), bake.ErrMalformed},
		"signature only": {[]byte("\x89PNG\r\n\x1a\n"), bake.ErrMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := bake.ExtractPNG(tc.data)
			assert.Nil(t, p)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	_, err = bake.BakePNG(img, []byte("not a credential"), bake.Options{})
	assert.ErrorIs(t, err, bake.ErrMalformed)
}

func TestSVGRoundTrip(t *testing.T) {
	svg := svgImage(t)
	for _, payload := range []string{cred, jwt} {
		baked, err := bake.BakeSVG(svg, []byte(payload), bake.Options{})
		require.NoError(t, err)
		assert.Contains(t, string(baked), `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`)
		assert.Equal(t, bake.SVG, bake.Detect(baked))
		p, err := bake.ExtractSVG(baked)
		require.NoError(t, err)
		assert.Equal(t, payload, string(p.Data))
		_, err = bake.BakeSVG(baked, []byte(cred), bake.Options{})
		assert.ErrorIs(t, err, bake.ErrAlreadyBaked)
		re, err := bake.BakeSVG(baked, []byte(jwt), bake.Options{Replace: true})
		require.NoError(t, err)
		p, err = bake.ExtractSVG(re)
		require.NoError(t, err)
		assert.Equal(t, jwt, string(p.Data))
	}
	// Everything but the namespace declaration and the element is kept.
	baked, err := bake.BakeSVG(svg, []byte(cred), bake.Options{})
	require.NoError(t, err)
	stripped := bytes.Replace(baked, []byte(` xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`), nil, 1)
	stripped = bytes.Replace(stripped, []byte("<openbadges:credential><![CDATA["+cred+"]]></openbadges:credential>"), nil, 1)
	assert.Equal(t, string(svg), string(stripped))
	_, err = bake.ExtractSVG(svg)
	assert.ErrorIs(t, err, bake.ErrNotBaked)
}

func TestSVGHostile(t *testing.T) {
	ns := `xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`
	for name, tc := range map[string]struct {
		svg  string
		want error
	}{
		"doctype entity":  {`<!DOCTYPE svg [<!ENTITY x "y">]><svg ` + ns + `><openbadges:credential><![CDATA[{}]]></openbadges:credential></svg>`, bake.ErrMalformed},
		"two credentials": {`<svg ` + ns + `><openbadges:credential><![CDATA[{"a":1}]]></openbadges:credential><openbadges:credential><![CDATA[{"b":1}]]></openbadges:credential></svg>`, bake.ErrMultiple},
		"wrong namespace": {`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://evil.example/"><openbadges:credential><![CDATA[{"a":1}]]></openbadges:credential></svg>`, bake.ErrNotBaked},
		"OB 2.0":          {`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a"/></svg>`, bake.ErrOB2},
		"nested element":  {`<svg ` + ns + `><openbadges:credential><b/></openbadges:credential></svg>`, bake.ErrMalformed},
		"both forms":      {`<svg ` + ns + `><openbadges:credential verify="` + jwt + `"><![CDATA[{"a":1}]]></openbadges:credential></svg>`, bake.ErrMalformed},
		"not xml":         {`<svg ` + ns + `><openbadges:credential>`, bake.ErrMalformed},
		"root not svg":    {`<html><svg ` + ns + `/></html>`, bake.ErrMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := bake.ExtractSVG([]byte(tc.svg))
			assert.Nil(t, p)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	_, err := bake.BakeSVG(svgImage(t), []byte(`{"a":"]]>"}`), bake.Options{})
	assert.ErrorIs(t, err, bake.ErrMalformed, "]]> cannot go into CDATA")
}

func TestDetect(t *testing.T) {
	for data, want := range map[string]bake.Kind{
		cred: bake.JSON, " \n" + jwt + "\n": bake.JWT, "<svg xmlns='http://www.w3.org/2000/svg'/>": bake.SVG,
		"\x89PNG\r\n\x1a\n": bake.PNG, "hello": bake.Unknown, "": bake.Unknown, "<html/>": bake.Unknown,
	} {
		assert.Equal(t, want, bake.Detect([]byte(data)), "%q", data)
	}
}

func FuzzExtractPNG(f *testing.F) {
	img := pngImage(f)
	baked, err := bake.BakePNG(img, []byte(cred), bake.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(img)
	f.Add(baked)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := bake.ExtractPNG(data)
		if err != nil {
			if p != nil {
				t.Fatal("payload with error")
			}
			return
		}
		again, err := bake.BakePNG(data, p.Data, bake.Options{Replace: true})
		if err != nil {
			t.Fatalf("re-baking an extracted payload failed: %v", err)
		}
		q, err := bake.ExtractPNG(again)
		if err != nil || !bytes.Equal(q.Data, p.Data) {
			t.Fatalf("round trip changed the payload: %v", err)
		}
	})
}

func FuzzExtractSVG(f *testing.F) {
	svg := svgImage(f)
	baked, err := bake.BakeSVG(svg, []byte(cred), bake.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(svg)
	f.Add(baked)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := bake.ExtractSVG(data)
		if err != nil {
			if p != nil {
				t.Fatal("payload with error")
			}
			return
		}
		if p.Format != bake.FormatJSON && p.Format != bake.FormatJWT {
			t.Fatal("unknown format")
		}
	})
}

func ExampleBakePNG() {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		log.Fatal(err)
	}
	baked, err := bake.BakePNG(buf.Bytes(), []byte(`{"type":["VerifiableCredential","OpenBadgeCredential"]}`), bake.Options{})
	if err != nil {
		log.Fatal(err)
	}
	p, err := bake.Extract(baked)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bake.Detect(baked), p.Format, string(p.Data[:9]))
	_, err = bake.Extract(buf.Bytes())
	fmt.Println(errors.Is(err, bake.ErrNotBaked))
	// Output:
	// PNG JSON {"type":[
	// true
}
