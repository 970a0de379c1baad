package bake_test

import (
	"os"
	"testing"

	"github.com/onchaincert/microcred/vc/bake"
)

// badges returns a PNG and an SVG badge baked with the unsigned OB 3.0
// credential of the root testdata (2.8 KB): the images a verifier reads.
func badges(b *testing.B) (png, svg []byte) {
	b.Helper()
	c, err := os.ReadFile("../../testdata/ob3/achievement-credential.json")
	if err != nil {
		b.Fatal(err)
	}
	if png, err = bake.BakePNG(pngImage(b), c, bake.Options{}); err != nil {
		b.Fatal(err)
	}
	if svg, err = bake.BakeSVG(svgImage(b), c, bake.Options{}); err != nil {
		b.Fatal(err)
	}
	return png, svg
}

func BenchmarkExtract(b *testing.B) {
	png, svg := badges(b)
	for name, img := range map[string][]byte{"PNG": png, "SVG": svg} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(img)))
			for b.Loop() {
				if _, err := bake.Extract(img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBake(b *testing.B) {
	png, svg := badges(b)
	for name, tc := range map[string]struct {
		img  []byte
		bake func([]byte, []byte, bake.Options) ([]byte, error)
	}{"PNG": {png, bake.BakePNG}, "SVG": {svg, bake.BakeSVG}} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tc.bake(tc.img, []byte(cred), bake.Options{Replace: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExtractHostileSVG runs the 16 MiB hostile SVGs of TestSVGBudget.
func BenchmarkExtractHostileSVG(b *testing.B) {
	for name, svg := range hostileSVGs() {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(svg)))
			for b.Loop() {
				_, _ = bake.ExtractSVG(svg)
			}
		})
	}
}
