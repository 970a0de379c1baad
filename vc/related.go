package vc

import (
	"bytes"
	"crypto"
	_ "crypto/sha256" // the digests relatedResource may use
	_ "crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/onchaincert/microcred/internal/base58"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// RelatedResource is one relatedResource entry (VCDM 2.0 §5.3 Integrity
// of Related Resources): the URL of a resource the credential depends on
// and its digest.
type RelatedResource struct {
	ID              string
	DigestSRI       string // e.g. "sha384-..." (W3C Subresource Integrity)
	DigestMultibase string // a multibase-encoded multihash
	MediaType       string
}

// checkRelatedResources applies VCDM 2.0 §5.3: relatedResource is one or
// more objects, each with an id (a URL, unique among them) and at least a
// digestSRI or a digestMultibase (strings).
func checkRelatedResources(obj map[string]any) error {
	v, present := obj["relatedResource"]
	if !present {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	if len(list) == 0 {
		return fieldError(ErrInvalidCredential, "relatedResource", "an empty list")
	}
	seen := map[string]bool{}
	for i, e := range list {
		field := "relatedResource"
		if isList {
			field = fmt.Sprintf("relatedResource[%d]", i)
		}
		r, err := relatedResource(e)
		if err != nil {
			return fieldError(ErrInvalidCredential, field, "%v", err)
		}
		if seen[r.ID] {
			return fieldError(ErrInvalidCredential, field+".id", "%q appears twice", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

func relatedResource(e any) (RelatedResource, error) {
	m, ok := e.(map[string]any)
	if !ok {
		return RelatedResource{}, fmt.Errorf("must be an object with an id and a digest, not %T", e)
	}
	var r RelatedResource
	id, ok := m["id"].(string)
	if !ok || !isURL(id) {
		return r, fmt.Errorf("needs an id that is a URL")
	}
	r.ID = id
	for name, dst := range map[string]*string{"digestSRI": &r.DigestSRI, "digestMultibase": &r.DigestMultibase, "mediaType": &r.MediaType} {
		if v, present := m[name]; present {
			s, ok := v.(string)
			if !ok || s == "" {
				return r, fmt.Errorf("%s must be a non-empty string", name)
			}
			*dst = s
		}
	}
	if r.DigestSRI == "" && r.DigestMultibase == "" {
		return r, fmt.Errorf("needs a digestSRI or a digestMultibase")
	}
	return r, nil
}

// RelatedResources returns the relatedResource entries (checked by
// ParseCredential).
func (c *Credential) RelatedResources() []RelatedResource {
	var out []RelatedResource
	for _, raw := range c.list("relatedResource") {
		m, err := decodeObject(raw)
		if err != nil {
			continue
		}
		if r, err := relatedResource(m); err == nil {
			out = append(out, r)
		}
	}
	return out
}

// decodeObject decodes a member's raw JSON.
func decodeObject(raw []byte) (map[string]any, error) {
	v, err := strictjson.Decode(raw, strictjson.Limits{})
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an object")
	}
	return m, nil
}

// ErrDigestMismatch is wrapped when a related resource's bytes do not
// have the digest the credential gives for them.
var ErrDigestMismatch = errors.New("vc: related resource digest mismatch")

// Check verifies data against r's digests: every digest r gives must
// match (digestSRI: sha256, sha384 or sha512 as W3C Subresource Integrity
// writes it, "sha384-" and standard base64; digestMultibase: a multibase
// base58btc ("z") or base64url ("u") multihash of sha2-256, sha2-384 or
// sha2-512). It returns an error wrapping ErrDigestMismatch on a mismatch,
// and another error for a digest it cannot read.
func (r RelatedResource) Check(data []byte) error {
	if r.DigestSRI != "" {
		alg, b64, ok := strings.Cut(r.DigestSRI, "-")
		if !ok {
			return fmt.Errorf("vc: relatedResource %s: digestSRI %q is not alg-base64", r.ID, r.DigestSRI)
		}
		h, ok := sriHashes[alg]
		if !ok {
			return fmt.Errorf("vc: relatedResource %s: digestSRI algorithm %q (want sha256, sha384 or sha512)", r.ID, alg)
		}
		want, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return fmt.Errorf("vc: relatedResource %s: digestSRI is not base64: %w", r.ID, err)
		}
		if got := digest(h, data); !bytes.Equal(got, want) {
			return fmt.Errorf("%w: %s: digestSRI %s, the resource's is %s-%s", ErrDigestMismatch, r.ID, r.DigestSRI, alg, base64.StdEncoding.EncodeToString(got))
		}
	}
	if r.DigestMultibase != "" {
		if len(r.DigestMultibase) > 128 {
			return fmt.Errorf("vc: relatedResource %s: digestMultibase is longer than any supported digest", r.ID)
		}
		mh, err := decodeMultibase(r.DigestMultibase)
		if err != nil {
			return fmt.Errorf("vc: relatedResource %s: digestMultibase: %w", r.ID, err)
		}
		if len(mh) < 2 {
			return fmt.Errorf("vc: relatedResource %s: digestMultibase is too short", r.ID)
		}
		h, ok := multihashes[mh[0]]
		if !ok || int(mh[1]) != h.Size() || len(mh) != 2+h.Size() {
			return fmt.Errorf("vc: relatedResource %s: digestMultibase is not a sha2-256, sha2-384 or sha2-512 multihash", r.ID)
		}
		if got := digest(h, data); !bytes.Equal(got, mh[2:]) {
			return fmt.Errorf("%w: %s: digestMultibase %s", ErrDigestMismatch, r.ID, r.DigestMultibase)
		}
	}
	return nil
}

var sriHashes = map[string]crypto.Hash{"sha256": crypto.SHA256, "sha384": crypto.SHA384, "sha512": crypto.SHA512}

// multihash codes (multicodec table): sha2-256 0x12, sha2-512 0x13,
// sha2-384 0x20.
var multihashes = map[byte]crypto.Hash{0x12: crypto.SHA256, 0x13: crypto.SHA512, 0x20: crypto.SHA384}

func digest(h crypto.Hash, data []byte) []byte {
	w := h.New()
	w.Write(data)
	return w.Sum(nil)
}

func decodeMultibase(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	switch s[0] {
	case 'z':
		return base58.Decode(s[1:])
	case 'u':
		return base64.RawURLEncoding.DecodeString(s[1:])
	}
	return nil, fmt.Errorf("multibase prefix %q (want z or u)", s[0])
}
