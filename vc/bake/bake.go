package bake

import (
	"bytes"
	"fmt"

	"github.com/onchaincert/microcred/internal/limits"
)

// MaxImageBytes caps a badge image.
const MaxImageBytes = 16 << 20

// keyword is the PNG iTXt keyword of an OB 3.0 credential.
const keyword = "openbadgecredential"

// namespace is the OB 3.0 SVG namespace.
const namespace = "https://purl.imsglobal.org/ob/v3p0"

// Kind is what a file is, by content.
type Kind int

// Kinds.
const (
	Unknown Kind = iota
	PNG
	SVG
	JSON
	JWT
)

func (k Kind) String() string {
	return [...]string{"unknown", "PNG", "SVG", "JSON", "JWT"}[k]
}

// format is the form of a baked payload.
type format int

// Formats.
const (
	formatJSON format = iota + 1
	formatJWT
)

// Payload is a credential taken out of an image.
type Payload struct {
	// Data is the credential, white space around it removed: a JSON
	// object or a compact JWT, which [Detect] tells apart ([JSON] or
	// [JWT]).
	Data   []byte
	format format
}

// Options control baking.
type Options struct {
	// Replace replaces a credential already in the image; without it,
	// baking such an image fails with ErrAlreadyBaked.
	Replace bool
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Detect tells what data is by its content.
func Detect(data []byte) Kind {
	if bytes.HasPrefix(data, pngSignature) {
		return PNG
	}
	t := bytes.TrimSpace(data)
	if bytes.HasPrefix(t, []byte("\xef\xbb\xbf")) {
		t = t[3:]
	}
	switch {
	case len(t) == 0:
		return Unknown
	case t[0] == '{':
		return JSON
	case t[0] == '<':
		if looksLikeSVG(t) {
			return SVG
		}
		return Unknown
	case isJWT(t):
		return JWT
	}
	return Unknown
}

func looksLikeSVG(t []byte) bool {
	head := t
	if len(head) > 4096 {
		head = head[:4096]
	}
	return bytes.Contains(head, []byte("<svg"))
}

func isJWT(t []byte) bool {
	parts := bytes.Split(t, []byte("."))
	if len(parts) != 3 || len(parts[0]) == 0 || len(parts[1]) == 0 {
		return false
	}
	for _, p := range parts {
		for _, c := range p {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// payload checks a credential to bake or one extracted.
func payload(data []byte) (*Payload, error) {
	t := bytes.TrimSpace(data)
	if len(t) == 0 {
		return nil, fmt.Errorf("%w: empty credential", ErrMalformed)
	}
	if len(t) > limits.MaxCredentialBytes {
		return nil, fmt.Errorf("%w: credential larger than %d bytes", ErrLimit, limits.MaxCredentialBytes)
	}
	switch {
	case t[0] == '{':
		return &Payload{Data: append([]byte(nil), t...), format: formatJSON}, nil
	case isJWT(t):
		return &Payload{Data: append([]byte(nil), t...), format: formatJWT}, nil
	}
	return nil, fmt.Errorf("%w: the credential is neither a JSON object nor a compact JWT", ErrMalformed)
}

// Extract takes the credential out of a PNG or SVG badge, as
// extractPNG or extractSVG does (with the same errors); other data is
// an error wrapping [ErrMalformed].
func Extract(data []byte) (*Payload, error) {
	switch Detect(data) {
	case PNG:
		return extractPNG(data)
	case SVG:
		return extractSVG(data)
	}
	return nil, fmt.Errorf("%w: not a PNG or SVG image", ErrMalformed)
}
