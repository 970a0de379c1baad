package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
)

// bakeDetails is bake's help text.
var bakeDetails = fmt.Sprintf(`Images are read and written up to %d bytes (%d MiB), the limit verify reads
too; a credential up to %d bytes.`, bake.MaxImageBytes, bake.MaxImageBytes>>20, vc.MaxCredentialBytes)

// bakeCmd: microcred bake --image IN.png|IN.svg --credential FILE --out OUT [--replace]
func bakeCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bake", stderr)
	in := fs.String("image", "", "the badge image, PNG or SVG")
	credPath := fs.String("credential", "", "the signed credential (JSON or JWT)")
	out := fs.String("out", "", "where to write the baked image")
	replace := fs.Bool("replace", false, "replace a credential already baked into the image")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *in == "" || *credPath == "" || *out == "" || fs.NArg() != 0 {
		return usagef("usage: microcred bake --image IN.png|IN.svg --credential FILE --out OUT [--replace]")
	}
	if err := stdinOnce(*in, *credPath); err != nil {
		return err
	}
	img, err := readImage(*in)
	if err != nil {
		return err
	}
	cred, err := readInput(*credPath)
	if err != nil {
		return err
	}
	var baked []byte
	switch bake.Detect(img) {
	case bake.PNG:
		baked, err = bake.BakePNG(img, cred, bake.Options{Replace: *replace})
	case bake.SVG:
		baked, err = bake.BakeSVG(img, cred, bake.Options{Replace: *replace})
	default:
		return &usageError{msg: fmt.Sprintf("%s is neither a PNG nor an SVG image", *in)}
	}
	if err != nil {
		return err
	}
	if err := writeOutput(*out, baked, stdout); err != nil {
		return err
	}
	report := stdout
	if *out == "-" {
		report = stderr // standard output carries the image
	}
	fmt.Fprintf(report, "baked %d-byte credential into %s\n", len(bytes.TrimSpace(cred)), *out)
	return nil
}

// extract: microcred extract FILE — prints the baked credential.
func extract(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("extract", stderr)
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return usagef("usage: microcred extract FILE")
	}
	img, err := readImage(fs.Arg(0))
	if err != nil {
		return err
	}
	p, err := bake.Extract(img)
	if err != nil {
		return err
	}
	_, err = stdout.Write(append(p.Data, '\n'))
	return err
}

// drawBadge draws a round badge PNG for the demo.
func drawBadge(size int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	c := float64(size) / 2
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			d := math.Hypot(float64(x)-c+0.5, float64(y)-c+0.5)
			switch {
			case d < c*0.78:
				shade := uint8(150 + 80*float64(y)/float64(size))
				img.Set(x, y, color.RGBA{30, 90, shade, 255})
			case d < c*0.95:
				img.Set(x, y, color.RGBA{230, 180, 40, 255})
			default:
				img.Set(x, y, color.RGBA{0, 0, 0, 0})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
