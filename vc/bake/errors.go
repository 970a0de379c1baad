package bake

import (
	"errors"
	"fmt"
)

var (
	// ErrNotBaked: the image carries no OB 3.0 credential.
	ErrNotBaked = errors.New("bake: image carries no Open Badges 3.0 credential")
	// errAlreadyBaked: baking into an image that has one, without Replace.
	errAlreadyBaked = errors.New("bake: image already carries a credential")
	// ErrMultiple: more than one credential in an image, counting every
	// place some reader could take one from (see the package doc).
	ErrMultiple = errors.New("bake: image carries more than one credential")
	// ErrOB2: the image carries an Open Badges 2.0 assertion only.
	ErrOB2 = errors.New("bake: image carries an Open Badges 2.0 assertion, not an OB 3.0 credential")
	// ErrMalformed: the image or the payload is malformed, or carries the
	// credential in a form or place OB 3.0 does not define.
	ErrMalformed = errors.New("bake: malformed image")
	// ErrLimit: the image or the payload exceeds one of the package's
	// budgets (size, SVG depth, tokens, attributes, namespaces). It wraps
	// [ErrMalformed].
	ErrLimit = fmt.Errorf("%w: over a parsing limit", ErrMalformed)
)
