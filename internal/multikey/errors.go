package multikey

import "errors"

var (
	// ErrInvalid is wrapped by every decoding error.
	ErrInvalid = errors.New("multikey: invalid key encoding")
	// ErrSmallOrder is wrapped (with ErrInvalid) when an Ed25519 public key
	// is one of the eight points of small order: with such a key one
	// constant signature verifies for every message (or for one message in
	// eight), so it proves nothing about who signed.
	ErrSmallOrder = errors.New("multikey: Ed25519 public key is a small-order point")
	// ErrNonCanonical is wrapped (with ErrInvalid) when an Ed25519 public
	// key is not the canonical encoding of its point (y >= p, or x = 0
	// with the sign bit set).
	ErrNonCanonical = errors.New("multikey: Ed25519 public key is not canonically encoded")
)
