package bake_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

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
		assert.Equal(t, bake.JWT, bake.Detect(p.Data))
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

// textChunk builds a tEXt, zTXt or iTXt chunk with keyword kw whose text
// is text (compressed with zlib for zTXt, and for iTXt if compress).
func textChunk(t testing.TB, typ, kw, text string, compress bool) []byte {
	data := []byte(kw + "\x00")
	body := []byte(text)
	if typ == "zTXt" || compress {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		_, err := w.Write(body)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		body = z.Bytes()
	}
	switch typ {
	case "zTXt":
		data = append(data, 0) // compression method
	case "iTXt":
		flag := byte(0)
		if compress {
			flag = 1
		}
		data = append(data, flag, 0, 0, 0) // flag, method, empty language tag, empty translated keyword
	}
	return chunk(typ, append(data, body...))
}

// TestPNGCarriers: every text chunk with the credential keyword (or the
// OB 2.0 one, or a look-alike) counts, so no other reader can show a
// credential this package does not see.
func TestPNGCarriers(t *testing.T) {
	img := pngImage(t)
	baked, err := bake.BakePNG(img, []byte(cred), bake.Options{})
	require.NoError(t, err)
	carriers := map[string][]byte{
		"tEXt openbadgecredential":            textChunk(t, "tEXt", "openbadgecredential", cred, false),
		"zTXt openbadgecredential":            textChunk(t, "zTXt", "openbadgecredential", cred, false),
		"compressed iTXt openbadgecredential": textChunk(t, "iTXt", "openbadgecredential", cred, true),
		"iTXt OpenBadgeCredential":            textChunk(t, "iTXt", "OpenBadgeCredential", cred, false),
		"iTXt with a trailing space":          textChunk(t, "iTXt", "openbadgecredential ", cred, false),
		"iTXt with a leading NBSP":            textChunk(t, "iTXt", "\xa0openbadgecredential", cred, false),
		"iTXT chunk type":                     textChunk(t, "iTXT", "openbadgecredential", cred, false)[:0],
		"tEXt openbadges (OB 2.0)":            textChunk(t, "tEXt", "openbadges", "https://example.org/assertion", false),
		"zTXt openbadges (OB 2.0)":            textChunk(t, "zTXt", "openbadges", "https://example.org/assertion", false),
		"iTXt openbadges (OB 2.0)":            textChunk(t, "iTXt", "openbadges", cred, false),
	}
	// A chunk type with the case bits changed still reads as iTXt to a
	// lenient reader: iTXT (built by hand, textChunk's switch is exact).
	carriers["iTXT chunk type"] = chunk("iTXT", append([]byte("openbadgecredential\x00\x00\x00\x00\x00"), cred...))
	for name, c := range carriers {
		t.Run(name, func(t *testing.T) {
			alone := insertBeforeIEND(img, c)
			p, err := bake.ExtractPNG(alone)
			assert.Nil(t, p)
			if strings.Contains(name, "OB 2.0") {
				assert.ErrorIs(t, err, bake.ErrOB2, "an OB 2.0 chunk alone is reported as such")
			} else {
				assert.ErrorIs(t, err, bake.ErrMalformed, "a credential in a form OB 3.0 does not allow is refused, not ignored")
				assert.NotErrorIs(t, err, bake.ErrNotBaked)
			}
			for _, second := range [][]byte{insertBeforeIEND(baked, c), insertBeforeIEND(alone, textChunk(t, "iTXt", "openbadgecredential", cred, false))} {
				p, err = bake.ExtractPNG(second)
				assert.Nil(t, p)
				assert.ErrorIs(t, err, bake.ErrMultiple, "a second carrier, before or after the real one")
			}
			_, err = bake.BakePNG(alone, []byte(jwt), bake.Options{})
			assert.ErrorIs(t, err, bake.ErrAlreadyBaked, "baking does not add a second carrier")
			re, err := bake.BakePNG(alone, []byte(jwt), bake.Options{Replace: true})
			require.NoError(t, err, "Replace drops the old carrier")
			p, err = bake.ExtractPNG(re)
			require.NoError(t, err)
			assert.Equal(t, jwt, string(p.Data))
			_, err = bake.BakePNG(insertBeforeIEND(baked, c), []byte(jwt), bake.Options{Replace: true})
			assert.ErrorIs(t, err, bake.ErrMultiple, "which of two carriers to replace is not guessed")
		})
	}
	// Text chunks with other keywords are no carriers.
	other := insertBeforeIEND(baked, textChunk(t, "tEXt", "Comment", "openbadgecredential", false))
	other = insertBeforeIEND(other, textChunk(t, "zTXt", "openbadgecredentials", cred, false))
	p, err := bake.ExtractPNG(other)
	require.NoError(t, err)
	assert.Equal(t, cred, string(p.Data))
}

// TestPNGBudget: nothing is decompressed, so a zTXt or compressed iTXt
// zip bomb costs nothing; chunks are not collected, so memory does not
// grow with their number; results stay within MaxImageBytes.
func TestPNGBudget(t *testing.T) {
	img := pngImage(t)
	// 64 MiB of zeros deflate to about 64 KiB.
	var z bytes.Buffer
	w, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	require.NoError(t, err)
	zeros := make([]byte, 1<<20)
	for range 64 {
		_, err = w.Write(zeros)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	bombs := map[string][]byte{
		"zTXt":            insertBeforeIEND(img, chunk("zTXt", append([]byte("openbadgecredential\x00\x00"), z.Bytes()...))),
		"compressed iTXt": insertBeforeIEND(img, chunk("iTXt", append([]byte("openbadgecredential\x00\x01\x00\x00\x00"), z.Bytes()...))),
	}
	for name, bomb := range bombs {
		t.Run(name, func(t *testing.T) {
			p, err := bake.ExtractPNG(bomb)
			assert.Nil(t, p)
			assert.ErrorIs(t, err, bake.ErrMalformed)
			allocated := allocatedBytes(func() { _, _ = bake.ExtractPNG(bomb) })
			assert.Less(t, allocated, uint64(16<<10), "a refused 64 MiB bomb allocates only its error (%d bytes)", allocated)
		})
	}

	// 16 MiB of empty ancillary chunks: 1.4 million of them.
	many := append([]byte(nil), img[:len(img)-12]...)
	empty := chunk("prVt", nil)
	for len(many)+len(empty)+12 <= bake.MaxImageBytes {
		many = append(many, empty...)
	}
	many = append(many, img[len(img)-12:]...)
	_, err = bake.ExtractPNG(many)
	assert.ErrorIs(t, err, bake.ErrNotBaked)
	elapsed, allocated := measure(func() { _, _ = bake.ExtractPNG(many) })
	assert.Less(t, elapsed, timeFactor*500*time.Millisecond, "16 MiB of chunks is walked fast")
	assert.Less(t, allocated, uint64(1<<10), "walking chunks allocates nothing per chunk (%d bytes)", allocated)
	t.Logf("16 MiB PNG of %d empty chunks: %v, %d bytes allocated", (len(many)-len(img))/12, elapsed, allocated)

	_, err = bake.BakePNG(many, []byte(cred), bake.Options{})
	assert.ErrorIs(t, err, bake.ErrLimit, "a baked image larger than MaxImageBytes is refused, since it could not be read back")
	assert.ErrorIs(t, err, bake.ErrMalformed, "ErrLimit wraps ErrMalformed")
	_, err = bake.ExtractPNG(make([]byte, bake.MaxImageBytes+1))
	assert.ErrorIs(t, err, bake.ErrLimit)
}

// allocatedBytes measures the heap bytes f allocates (see measure).
func allocatedBytes(f func()) uint64 {
	_, allocated := measure(f)
	return allocated
}

// measure runs f three times (once under the race detector) and returns
// the least time and heap bytes allocated, so that a busy machine or a
// background allocation does not count.
func measure(f func()) (time.Duration, uint64) {
	best, least := time.Duration(1<<63-1), ^uint64(0)
	for range measureRuns {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		f()
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		best, least = min(best, elapsed), min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return best, least
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
		"wrong namespace": {`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://evil.example/"><openbadges:credential><![CDATA[{"a":1}]]></openbadges:credential></svg>`, bake.ErrMalformed},
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
	fmt.Println(bake.Detect(baked), bake.Detect(p.Data), string(p.Data[:9]))
	_, err = bake.Extract(buf.Bytes())
	fmt.Println(errors.Is(err, bake.ErrNotBaked))
	// Output:
	// PNG JSON {"type":[
	// true
}
