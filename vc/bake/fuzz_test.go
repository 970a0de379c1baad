package bake_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/onchaincert/microcred/vc/bake"
)

// FuzzExtract: Extract never panics; on error it returns no payload;
// what it extracts is a JSON credential or a JWT, and baking it back
// (Replace) and extracting again gives the same bytes. An image it finds
// no credential in takes one, and gives it back. Seeded with the package's
// images, the hostile corpus' baked images and the carrier test cases.
func FuzzExtract(f *testing.F) {
	img, svg := pngImage(f), svgImage(f)
	f.Add(img)
	f.Add(svg)
	for _, payload := range []string{cred, jwt} {
		p, err := bake.BakePNG(img, []byte(payload), bake.Options{})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p)
		s, err := bake.BakeSVG(svg, []byte(payload), bake.Options{})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	for _, pattern := range []string{"*.png", "*.svg"} {
		files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "hostile", pattern))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{
		svgOpen + jsonElem + `</svg>`,
		svg11 + svgOpen + jsonElem + `</svg>`,
		`<!DOCTYPE svg [<!ENTITY x "y">]>` + svgOpen + jsonElem + `</svg>`,
		svgOpen + `<g>` + jwtElem + `</g></svg>`,
		svgOpen + jsonElem + ob2Elem + `</svg>`,
		"\xef\xbb\xbf<?xml version=\"1.0\"?>\n" + svgOpen + "<!-- c --><?pi x?><g a='&amp;&#x41;'>t</g>" + jwtElem + "</svg>",
	} {
		f.Add([]byte(s))
	}
	f.Add(insertBeforeIEND(img, textChunk(f, "zTXt", "openbadgecredential", cred, false)))
	f.Fuzz(func(t *testing.T, data []byte) {
		kind := bake.Detect(data)
		p, err := bake.Extract(data)
		if err != nil {
			if p != nil {
				t.Fatalf("payload with error %v", err)
			}
			if errors.Is(err, bake.ErrNotBaked) {
				checkBakes(t, kind, data)
			}
			return
		}
		if kind != bake.PNG && kind != bake.SVG {
			t.Fatalf("extracted a payload from a %v", kind)
		}
		if k := bake.Detect(p.Data); len(p.Data) == 0 || k != bake.JSON && k != bake.JWT {
			t.Fatalf("bad payload %q (%v)", p.Data, k)
		}
		if _, err := bakeAs(kind, data, p.Data, bake.Options{}); !errors.Is(err, bake.ErrAlreadyBaked) {
			t.Fatalf("baking into a baked image without Replace: %v", err)
		}
		again, err := bakeAs(kind, data, p.Data, bake.Options{Replace: true})
		if err != nil {
			t.Fatalf("re-baking an extracted payload: %v", err)
		}
		q, err := bake.Extract(again)
		if err != nil || !bytes.Equal(q.Data, p.Data) || bake.Detect(q.Data) != bake.Detect(p.Data) {
			t.Fatalf("round trip changed the payload: %v", err)
		}
	})
}

// checkBakes: an image without a credential either takes one and gives
// it back, or is refused as malformed (an empty <svg/>, a result over
// MaxImageBytes).
func checkBakes(t *testing.T, kind bake.Kind, data []byte) {
	for _, payload := range []string{cred, jwt} {
		baked, err := bakeAs(kind, data, []byte(payload), bake.Options{})
		if err != nil {
			if !errors.Is(err, bake.ErrMalformed) {
				t.Fatalf("baking into an image without a credential: %v", err)
			}
			continue
		}
		if got := bake.Detect(baked); got != kind {
			t.Fatalf("a baked %v is detected as %v", kind, got)
		}
		p, err := bake.Extract(baked)
		if err != nil || string(p.Data) != payload {
			t.Fatalf("baked image does not give its credential back: %v", err)
		}
	}
}

func bakeAs(kind bake.Kind, img, credential []byte, opts bake.Options) ([]byte, error) {
	if kind == bake.PNG {
		return bake.BakePNG(img, credential, opts)
	}
	return bake.BakeSVG(img, credential, opts)
}
