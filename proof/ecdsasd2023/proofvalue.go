package ecdsasd2023

import (
	"bytes"
	"cmp"
	"crypto/ecdsa"
	"encoding/base64"
	"fmt"
	"github.com/onchaincert/microcred/internal/cbor"
	"slices"
	"strconv"
	"strings"

	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/internal/multikey"
)

// Sizes and limits of proof value components (vc-di-ecdsa 3.5.2-3.5.8).
const (
	// signatureSize is the size of every ECDSA P-256 signature (r||s).
	signatureSize = 64
	// publicKeySize is the size of the proof-scoped public key: the
	// multikey header 0x80 0x24 (p256-pub) and a compressed point.
	publicKeySize = 35
	// hmacKeySize is the size of the HMAC-SHA-256 key.
	hmacKeySize = 32
	// maxSignatures caps the per-statement signatures of a proof value.
	maxSignatures = 1024
	// maxPointers caps the mandatory or selective JSON pointers.
	maxPointers = 1024
	// maxPointerLength caps one JSON pointer, in bytes.
	maxPointerLength = 4096
	// maxLabels caps the entries of a derived proof's label map.
	maxLabels = 1024
	// maxMandatoryIndexes caps the mandatory indexes of a derived proof.
	maxMandatoryIndexes = 4096
)

var (
	baseHeader    = []byte{0xd9, 0x5d, 0x00}
	derivedHeader = []byte{0xd9, 0x5d, 0x01}
	p256Header    = []byte{0x80, 0x24}
)

// BaseProofValue is the content of a base proof's proofValue
// (vc-di-ecdsa 3.5.2 serializeBaseProofValue). It holds the HMAC key, a
// secret the holder must not disclose; it has no String method.
type BaseProofValue struct {
	// BaseSignature is the issuer's signature over proofHash ||
	// PublicKey || mandatoryHash.
	BaseSignature []byte
	// PublicKey is the proof-scoped P-256 public key as multikey bytes
	// (0x80 0x24 and the 33-byte compressed point).
	PublicKey []byte
	// HMACKey is the key that relabels blank nodes.
	HMACKey []byte
	// Signatures sign the non-mandatory N-Quads, in canonical order.
	Signatures [][]byte
	// MandatoryPointers are the JSON pointers of what every derived
	// proof must disclose.
	MandatoryPointers []string
}

// derivedProofValue is the content of a derived proof's proofValue
// (vc-di-ecdsa 3.5.7 serializeDerivedProofValue).
type derivedProofValue struct {
	BaseSignature []byte
	PublicKey     []byte
	// Signatures sign the disclosed non-mandatory N-Quads, in order.
	Signatures [][]byte
	// LabelMap maps the verifier's canonical blank node labels
	// ("c14n0") to the HMAC labels the issuer signed ("u" and the
	// base64url-no-pad HMAC digest), decompressed.
	LabelMap map[string]string
	// MandatoryIndexes are the positions, in the verifier's canonical
	// N-Quads, of the mandatory ones; strictly increasing.
	MandatoryIndexes []int
}

// Encode returns the multibase proofValue ('u' + base64url-no-pad).
func (v *BaseProofValue) Encode() (string, error) {
	if err := checkCommon(v.BaseSignature, v.PublicKey, v.Signatures); err != nil {
		return "", err
	}
	if len(v.HMACKey) != hmacKeySize {
		return "", malformed("HMAC key is %d bytes, want %d", len(v.HMACKey), hmacKeySize)
	}
	if err := checkPointers(v.MandatoryPointers); err != nil {
		return "", err
	}
	b := append([]byte(nil), baseHeader...)
	b = cbor.AppendHead(b, cbor.MajorArray, 5)
	b = cbor.AppendBytes(b, v.BaseSignature)
	b = cbor.AppendBytes(b, v.PublicKey)
	b = cbor.AppendBytes(b, v.HMACKey)
	b = cbor.AppendHead(b, cbor.MajorArray, uint64(len(v.Signatures)))
	for _, s := range v.Signatures {
		b = cbor.AppendBytes(b, s)
	}
	b = cbor.AppendHead(b, cbor.MajorArray, uint64(len(v.MandatoryPointers)))
	for _, p := range v.MandatoryPointers {
		b = cbor.AppendText(b, p)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(b), nil
}

// Encode returns the multibase proofValue ('u' + base64url-no-pad).
func (v *derivedProofValue) Encode() (string, error) {
	if err := checkCommon(v.BaseSignature, v.PublicKey, v.Signatures); err != nil {
		return "", err
	}
	labels, err := compressLabelMap(v.LabelMap)
	if err != nil {
		return "", err
	}
	if len(v.MandatoryIndexes) > maxMandatoryIndexes {
		return "", malformed("%d mandatory indexes, more than %d", len(v.MandatoryIndexes), maxMandatoryIndexes)
	}
	for i, n := range v.MandatoryIndexes {
		if n < 0 || (i > 0 && n <= v.MandatoryIndexes[i-1]) {
			return "", malformed("mandatory indexes are not strictly increasing")
		}
	}
	b := append([]byte(nil), derivedHeader...)
	b = cbor.AppendHead(b, cbor.MajorArray, 5)
	b = cbor.AppendBytes(b, v.BaseSignature)
	b = cbor.AppendBytes(b, v.PublicKey)
	b = cbor.AppendHead(b, cbor.MajorArray, uint64(len(v.Signatures)))
	for _, s := range v.Signatures {
		b = cbor.AppendBytes(b, s)
	}
	b = cbor.AppendHead(b, cbor.MajorMap, uint64(len(labels)))
	for _, l := range labels {
		b = cbor.AppendHead(b, cbor.MajorUint, l.n)
		b = cbor.AppendBytes(b, l.digest)
	}
	b = cbor.AppendHead(b, cbor.MajorArray, uint64(len(v.MandatoryIndexes)))
	for _, n := range v.MandatoryIndexes {
		b = cbor.AppendHead(b, cbor.MajorUint, uint64(n))
	}
	return "u" + base64.RawURLEncoding.EncodeToString(b), nil
}

func checkCommon(baseSig, pub []byte, sigs [][]byte) error {
	if len(baseSig) != signatureSize {
		return malformed("base signature is %d bytes, want %d", len(baseSig), signatureSize)
	}
	if _, err := parsePublicKey(pub); err != nil {
		return err
	}
	if len(sigs) > maxSignatures {
		return malformed("%d signatures, more than the limit of %d", len(sigs), maxSignatures)
	}
	for i, s := range sigs {
		if len(s) != signatureSize {
			return malformed("signature %d is %d bytes, want %d", i, len(s), signatureSize)
		}
	}
	return nil
}

func checkPointers(ps []string) error {
	if len(ps) > maxPointers {
		return fmt.Errorf("%w: %d pointers, more than the limit of %d", errPointer, len(ps), maxPointers)
	}
	for _, p := range ps {
		if _, err := parsePointer(p); err != nil {
			return err
		}
	}
	return nil
}

// parsePublicKey reads proof-scoped multikey bytes as a P-256 key.
func parsePublicKey(b []byte) (*ecdsa.PublicKey, error) {
	if len(b) != publicKeySize || !bytes.HasPrefix(b, p256Header) {
		return nil, malformed("proof-scoped public key is not a %d-byte P-256 multikey", publicKeySize)
	}
	k, err := multikey.PublicFromBytes(multikey.P256Pub, b[2:])
	if err != nil {
		return nil, malformed("proof-scoped public key: %v", err)
	}
	return k.(*ecdsa.PublicKey), nil
}

// decodeMultibase reads 'u' + canonical base64url-no-pad and checks the
// three header bytes. It returns the CBOR body and whether the header was
// the base proof header.
func decodeMultibase(s string) (body []byte, base bool, err error) {
	if len(s) > 2*limits.MaxCredentialBytes {
		return nil, false, malformed("proofValue is too long")
	}
	if len(s) < 2 || s[0] != 'u' {
		return nil, false, malformed("not multibase base64url-no-pad (must start with 'u')")
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s[1:])
	// The decoder skips '\r' and '\n'; a canonical value re-encodes to itself.
	if err != nil || base64.RawURLEncoding.EncodeToString(b) != s[1:] {
		return nil, false, malformed("invalid base64url-no-pad")
	}
	switch {
	case bytes.HasPrefix(b, baseHeader):
		return b[3:], true, nil
	case bytes.HasPrefix(b, derivedHeader):
		return b[3:], false, nil
	}
	return nil, false, malformed("unknown header (want 0xd95d00 base or 0xd95d01 derived)")
}

// IsBaseProofValue reports whether proofValue carries the base proof
// header, without parsing the rest.
func IsBaseProofValue(proofValue string) bool {
	_, base, err := decodeMultibase(proofValue)
	return err == nil && base
}

// ParseBaseProofValue parses a base proofValue strictly (vc-di-ecdsa 3.5.3
// parseBaseProofValue). It returns an error wrapping ErrDerivedProof for a
// derived proof value and ErrMalformedProofValue for anything else that is
// not exactly a well-formed base proof value.
func ParseBaseProofValue(proofValue string) (*BaseProofValue, error) {
	body, base, err := decodeMultibase(proofValue)
	if err != nil {
		return nil, err
	}
	if !base {
		return nil, errDerivedProof
	}
	r := &cborReader{b: body}
	if n, err := r.head(cbor.MajorArray, "components"); err != nil {
		return nil, err
	} else if n != 5 {
		return nil, malformed("components: %d elements, want 5", n)
	}
	v := &BaseProofValue{}
	if v.BaseSignature, v.PublicKey, err = readSigAndKey(r); err != nil {
		return nil, err
	}
	if v.HMACKey, err = r.bytes(hmacKeySize, "HMAC key"); err != nil {
		return nil, err
	}
	if v.Signatures, err = readSignatures(r); err != nil {
		return nil, err
	}
	n, err := r.count(cbor.MajorArray, maxPointers, 1, "mandatory pointers")
	if err != nil {
		return nil, err
	}
	v.MandatoryPointers = make([]string, 0, n)
	for range n {
		p, err := r.text(maxPointerLength, "mandatory pointer")
		if err != nil {
			return nil, err
		}
		if _, err := parsePointer(p); err != nil {
			return nil, malformed("mandatory pointer %q is not a JSON pointer", p)
		}
		v.MandatoryPointers = append(v.MandatoryPointers, p)
	}
	if r.left() != 0 {
		return nil, malformed("%d trailing bytes", r.left())
	}
	return v, nil
}

// parseDerivedProofValue parses a derived proofValue strictly
// (vc-di-ecdsa 3.5.8 parseDerivedProofValue). It returns an error wrapping
// ErrBaseProof for a base proof value and ErrMalformedProofValue for
// anything else that is not exactly a well-formed derived proof value.
func parseDerivedProofValue(proofValue string) (*derivedProofValue, error) {
	body, base, err := decodeMultibase(proofValue)
	if err != nil {
		return nil, err
	}
	if base {
		return nil, ErrBaseProof
	}
	r := &cborReader{b: body}
	if n, err := r.head(cbor.MajorArray, "components"); err != nil {
		return nil, err
	} else if n != 5 {
		return nil, malformed("components: %d elements, want 5", n)
	}
	v := &derivedProofValue{}
	if v.BaseSignature, v.PublicKey, err = readSigAndKey(r); err != nil {
		return nil, err
	}
	if v.Signatures, err = readSignatures(r); err != nil {
		return nil, err
	}
	n, err := r.count(cbor.MajorMap, maxLabels, 1+2+hmacKeySize, "label map")
	if err != nil {
		return nil, err
	}
	v.LabelMap = make(map[string]string, n)
	var last uint64
	for i := range n {
		k, err := r.uint(maxCanonLabel, "label map key")
		if err != nil {
			return nil, err
		}
		if i > 0 && k <= last {
			return nil, malformed("label map keys are not strictly increasing")
		}
		last = k
		d, err := r.bytes(hmacKeySize, "label map value")
		if err != nil {
			return nil, err
		}
		v.LabelMap["c14n"+strconv.FormatUint(k, 10)] = "u" + base64.RawURLEncoding.EncodeToString(d)
	}
	if n, err = r.count(cbor.MajorArray, maxMandatoryIndexes, 1, "mandatory indexes"); err != nil {
		return nil, err
	}
	v.MandatoryIndexes = make([]int, 0, n)
	for i := range n {
		k, err := r.uint(limits.MaxQuads, "mandatory index")
		if err != nil {
			return nil, err
		}
		if i > 0 && int(k) <= v.MandatoryIndexes[i-1] {
			return nil, malformed("mandatory indexes are not strictly increasing")
		}
		v.MandatoryIndexes = append(v.MandatoryIndexes, int(k))
	}
	if r.left() != 0 {
		return nil, malformed("%d trailing bytes", r.left())
	}
	return v, nil
}

// maxCanonLabel is the largest N of a canonical label "c14nN" accepted in
// a label map.
const maxCanonLabel = limits.MaxQuads

func readSigAndKey(r *cborReader) (sig, pub []byte, err error) {
	if sig, err = r.bytes(signatureSize, "base signature"); err != nil {
		return nil, nil, err
	}
	if pub, err = r.bytes(publicKeySize, "public key"); err != nil {
		return nil, nil, err
	}
	if _, err = parsePublicKey(pub); err != nil {
		return nil, nil, err
	}
	return sig, pub, nil
}

func readSignatures(r *cborReader) ([][]byte, error) {
	n, err := r.count(cbor.MajorArray, maxSignatures, 2+signatureSize, "signatures")
	if err != nil {
		return nil, err
	}
	sigs := make([][]byte, 0, n)
	for range n {
		s, err := r.bytes(signatureSize, "signature")
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, s)
	}
	return sigs, nil
}

type compressedLabel struct {
	n      uint64
	digest []byte
}

// compressLabelMap is vc-di-ecdsa 3.5.5: "c14nN" -> N, "u"+b64 -> bytes,
// sorted by N.
func compressLabelMap(m map[string]string) ([]compressedLabel, error) {
	if len(m) > maxLabels {
		return nil, malformed("%d labels, more than the limit of %d", len(m), maxLabels)
	}
	out := make([]compressedLabel, 0, len(m))
	for k, v := range m {
		n, ok := canonLabelNumber(k)
		if !ok {
			return nil, malformed("label map key %q is not a canonical label", k)
		}
		d, ok := hmacLabelBytes(v)
		if !ok {
			return nil, malformed("label map value %q is not an HMAC label", v)
		}
		out = append(out, compressedLabel{n, d})
	}
	slices.SortFunc(out, func(a, b compressedLabel) int { return cmp.Compare(a.n, b.n) })
	return out, nil
}

// canonLabelNumber parses "c14nN" with N in shortest decimal form.
func canonLabelNumber(s string) (uint64, bool) {
	d, ok := strings.CutPrefix(s, "c14n")
	if !ok || d == "" || (len(d) > 1 && d[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(d, 10, 64)
	if err != nil || n > maxCanonLabel {
		return 0, false
	}
	return n, true
}

func hmacLabelBytes(s string) ([]byte, bool) {
	if len(s) != 44 || s[0] != 'u' {
		return nil, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s[1:])
	if err != nil || len(b) != hmacKeySize {
		return nil, false
	}
	return b, true
}
