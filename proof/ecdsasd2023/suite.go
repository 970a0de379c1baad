package ecdsasd2023

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/internal/dicore"
)

// Name is the cryptosuite identifier.
const Name = "ecdsa-sd-2023"

const cryptoSHA256 = crypto.SHA256

// Suite is the ecdsa-sd-2023 cryptosuite. As a [proof.Suite] it creates
// base proofs (CreateProof) and verifies derived proofs (VerifyProof); the
// holder derives with [Suite.Derive]. It is immutable and safe for
// concurrent use.
type Suite struct {
	canon *canon.RDFC
	// mandatory are the pointers added to the defaults; dropped and
	// noDefaults remove defaults (WithoutDefaultMandatoryUnsafe).
	mandatory  []string
	dropped    map[string]bool
	noDefaults bool
	hmacKey    []byte // nil: a fresh random key per proof

	// proofKey, if set, supplies the proof-scoped key pair (tests only).
	proofKey func() (*ecdsa.PrivateKey, error)
}

var _ proof.Suite = (*Suite)(nil)

// Option configures a [Suite].
type Option func(*Suite) error

// withHMACKey fixes the 32-byte HMAC key that relabels blank nodes,
// instead of a fresh random key per base proof. It exists to reproduce
// test vectors: one key across credentials lets verifiers link derived
// proofs of different credentials by their blank node labels. The key is
// copied.
func withHMACKey(key []byte) Option {
	return func(s *Suite) error {
		if len(key) != hmacKeySize {
			return fmt.Errorf("ecdsasd2023: HMAC key must be %d bytes", hmacKeySize)
		}
		s.hmacKey = append([]byte(nil), key...)
		return nil
	}
}

// New returns ecdsa-sd-2023 over contexts from loader.
func New(loader proof.ContextLoader, opts ...Option) (*Suite, error) {
	if loader == nil {
		return nil, errors.New("ecdsasd2023: a context loader is required")
	}
	c, err := canon.NewRDFC(canon.Options{Loader: loader, Hash: crypto.SHA256})
	if err != nil {
		return nil, err
	}
	s := &Suite{canon: c}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if err := s.checkMandatory(); err != nil {
		return nil, err
	}
	return s, nil
}

// Type returns "DataIntegrityProof".
func (s *Suite) Type() string { return proof.TypeDataIntegrity }

// Cryptosuite returns "ecdsa-sd-2023".
func (s *Suite) Cryptosuite() string { return Name }

func p256(key crypto.PublicKey) (*ecdsa.PublicKey, error) {
	if pub, ok := key.(*ecdsa.PublicKey); ok && pub.Curve == elliptic.P256() {
		return pub, nil
	}
	return nil, fmt.Errorf("%w: %s needs a P-256 key, got %T", proof.ErrWrongKeyType, Name, key)
}

// ProofHash returns SHA-256 of the canonical proof configuration: options
// without proofValue, with the document's @context (vc-di-ecdsa 3.6.4
// Base Proof Configuration and 3.6.3 Base Proof Hashing).
func (s *Suite) ProofHash(unsecured, options map[string]any) ([]byte, error) {
	c, err := s.ProofConfigCanon(unsecured, options)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(c)
	return h[:], nil
}

// ProofConfigCanon returns the canonical proof configuration.
func (s *Suite) ProofConfigCanon(unsecured, options map[string]any) ([]byte, error) {
	if t, _ := options["type"].(string); t != proof.TypeDataIntegrity {
		return nil, &proof.FieldError{Field: "type", Err: fmt.Errorf("%q, want %q", t, proof.TypeDataIntegrity)}
	}
	if cs, _ := options["cryptosuite"].(string); cs != Name {
		return nil, &proof.UnexpectedCryptosuiteError{Type: proof.TypeDataIntegrity, Got: cs}
	}
	if v, ok := options["created"]; ok {
		str, _ := v.(string)
		if _, err := proof.ParseDateTime(str); err != nil {
			return nil, &proof.FieldError{Field: "created", Err: err}
		}
	}
	config := dicore.Clone(options)
	delete(config, "proofValue")
	if ctx, ok := unsecured["@context"]; ok {
		config["@context"] = ctx
	}
	out, err := s.canon.Canonicalize(config)
	if err != nil {
		return nil, fmt.Errorf("%s: canonicalizing proof configuration: %w", Name, err)
	}
	return out, nil
}

// Transformed is the result of the base proof transformation
// (vc-di-ecdsa 3.6.2): the HMAC-relabelled canonical N-Quads of the
// document, split by the mandatory pointers. Map keys are positions in
// the full sorted list.
type Transformed struct {
	MandatoryPointers []string
	Mandatory         map[int]string
	NonMandatory      map[int]string
	// NQuads is the full sorted list.
	NQuads []string
}

// MandatoryList returns the mandatory N-Quads in order.
func (t *Transformed) MandatoryList() []string { return inOrder(t.Mandatory) }

// NonMandatoryList returns the non-mandatory N-Quads in order.
func (t *Transformed) NonMandatoryList() []string { return inOrder(t.NonMandatory) }

func inOrder(m map[int]string) []string {
	idx := make([]int, 0, len(m))
	for i := range m {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]string, len(idx))
	for j, i := range idx {
		out[j] = m[i]
	}
	return out
}

// Transform is vc-di-ecdsa 3.6.2 Base Proof Transformation with the given
// HMAC key and mandatory pointers, for step-by-step checks.
func (s *Suite) Transform(unsecured map[string]any, hmacKey []byte, mandatory []string) (*Transformed, error) {
	if len(hmacKey) != hmacKeySize {
		return nil, fmt.Errorf("ecdsasd2023: HMAC key must be %d bytes", hmacKeySize)
	}
	if err := checkPointers(mandatory); err != nil {
		return nil, err
	}
	g, err := s.canonicalizeAndGroup(unsecured, hmacKey, map[string][]string{"mandatory": mandatory})
	if err != nil {
		return nil, err
	}
	t := &Transformed{MandatoryPointers: mandatory, Mandatory: map[int]string{}, NonMandatory: map[int]string{}, NQuads: g.nquads}
	m := g.groups["mandatory"]
	for i, q := range g.nquads {
		if m.isMatch[i] {
			t.Mandatory[i] = q
		} else {
			t.NonMandatory[i] = q
		}
	}
	return t, nil
}

// hashJoined is vc-di-ecdsa 3.4.18 hashMandatoryNQuads.
func hashJoined(nquads []string) []byte {
	h := sha256.New()
	for _, q := range nquads {
		h.Write([]byte(q))
	}
	return h.Sum(nil)
}

// signData is vc-di-ecdsa 3.5.1 serializeSignData.
func signData(proofHash, publicKey, mandatoryHash []byte) []byte {
	out := make([]byte, 0, len(proofHash)+len(publicKey)+len(mandatoryHash))
	out = append(out, proofHash...)
	out = append(out, publicKey...)
	return append(out, mandatoryHash...)
}

func publicKeyBytes(pub *ecdsa.PublicKey) []byte {
	return append(append([]byte(nil), p256Header...), elliptic.MarshalCompressed(pub.Curve, pub.X, pub.Y)...)
}

func signP1363(priv *ecdsa.PrivateKey, msg []byte) ([]byte, error) {
	h := sha256.Sum256(msg)
	r, sv, err := ecdsa.Sign(rand.Reader, priv, h[:])
	if err != nil {
		return nil, fmt.Errorf("ecdsasd2023: signing: %w", err)
	}
	out := make([]byte, signatureSize)
	r.FillBytes(out[:32])
	sv.FillBytes(out[32:])
	return out, nil
}

func verifyP1363(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	if len(sig) != signatureSize {
		return false
	}
	h := sha256.Sum256(msg)
	return ecdsa.Verify(pub, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
}

// CreateProof implements [proof.Suite]: it creates a base proof
// (vc-di-ecdsa 3.6.1 Create Base Proof) with the mandatory pointers
// [Suite.MandatoryPointersFor] gives for unsecured, signing with a P-256
// signer. The base proof is for the
// holder only; verifiers accept only proofs made by [Suite.Derive].
func (s *Suite) CreateProof(ctx context.Context, unsecured, options map[string]any, signer proof.Signer) (map[string]any, error) {
	if signer == nil {
		return nil, errors.New("ecdsasd2023: no signer")
	}
	if _, err := p256(signer.Public()); err != nil {
		return nil, err
	}
	p := dicore.Clone(options)
	delete(p, "proofValue")
	proofHash, err := s.ProofHash(unsecured, p)
	if err != nil {
		return nil, err
	}
	hmacKey := s.hmacKey
	if hmacKey == nil {
		hmacKey = make([]byte, hmacKeySize)
		if _, err := rand.Read(hmacKey); err != nil {
			return nil, err
		}
	}
	t, err := s.Transform(unsecured, hmacKey, s.MandatoryPointersFor(unsecured))
	if err != nil {
		return nil, err
	}
	nonMandatory := t.NonMandatoryList()
	if len(nonMandatory) > maxSignatures {
		return nil, fmt.Errorf("ecdsasd2023: %d non-mandatory statements, more than the limit of %d", len(nonMandatory), maxSignatures)
	}
	mandatoryHash := hashJoined(t.MandatoryList())

	// From spec (3.6.5): a proof-scoped P-256 key pair signs each
	// non-mandatory N-Quad; the issuer key signs proofHash, its public
	// key and mandatoryHash.
	newKey := s.proofKey
	if newKey == nil {
		newKey = func() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }
	}
	priv, err := newKey()
	if err != nil {
		return nil, fmt.Errorf("ecdsasd2023: generating proof-scoped key: %w", err)
	}
	sigs := make([][]byte, len(nonMandatory))
	for i, q := range nonMandatory {
		if sigs[i], err = signP1363(priv, []byte(q)); err != nil {
			return nil, err
		}
	}
	pub := publicKeyBytes(&priv.PublicKey)
	baseSig, err := signer.Sign(ctx, signData(proofHash, pub, mandatoryHash))
	if err != nil {
		return nil, fmt.Errorf("ecdsasd2023: signing: %w", err)
	}
	if len(baseSig) != signatureSize {
		return nil, fmt.Errorf("ecdsasd2023: signer returned %d bytes, want %d", len(baseSig), signatureSize)
	}
	v := &BaseProofValue{BaseSignature: baseSig, PublicKey: pub, HMACKey: hmacKey, Signatures: sigs, MandatoryPointers: t.MandatoryPointers}
	if p["proofValue"], err = v.Encode(); err != nil {
		return nil, err
	}
	return p, nil
}

// verifyData is vc-di-ecdsa 3.5.9 createVerifyData: what a verifier
// checks the signatures of a derived proof against.
type verifyData struct {
	BaseSignature []byte
	ProofHash     []byte
	PublicKey     []byte
	Signatures    [][]byte
	// NQuads are the document's canonical N-Quads with the label map
	// applied, sorted.
	NQuads []string
	// Mandatory and NonMandatory split NQuads by the proof's mandatory
	// indexes.
	Mandatory     []string
	NonMandatory  []string
	MandatoryHash []byte
}

// createVerifyData parses a derived proof and computes the data to verify
// (vc-di-ecdsa 3.5.9); it also returns the parsed proof value. VerifyProof
// uses it.
func (s *Suite) createVerifyData(unsecured, p map[string]any) (*verifyData, *derivedProofValue, error) {
	value, _ := p["proofValue"].(string)
	if IsBaseProofValue(value) {
		return nil, nil, &proof.FieldError{Field: "proofValue", Err: ErrBaseProof}
	}
	dv, err := parseDerivedProofValue(value)
	if err != nil {
		return nil, nil, &proof.FieldError{Field: "proofValue", Err: err}
	}
	proofHash, err := s.ProofHash(unsecured, p)
	if err != nil {
		return nil, nil, err
	}
	// The label map must be one-to-one: two blank nodes of the document
	// must not stand for one signed node.
	seen := make(map[string]bool, len(dv.LabelMap))
	for _, l := range dv.LabelMap {
		if seen[l] {
			return nil, nil, fmt.Errorf("%w: two blank nodes map to one label", errLabelMap)
		}
		seen[l] = true
	}
	quads, err := s.canon.Quads(unsecured)
	if err != nil {
		return nil, nil, err
	}
	canonical, _, err := s.canonicalize(quads)
	if err != nil {
		return nil, nil, err
	}
	nq, err := relabel(canonical, dv.LabelMap)
	if err != nil {
		return nil, nil, err
	}
	nq = sortedSet(nq)
	var mandatory, nonMandatory []string
	next := 0
	for i, q := range nq {
		if next < len(dv.MandatoryIndexes) && dv.MandatoryIndexes[next] == i {
			mandatory = append(mandatory, q)
			next++
		} else {
			nonMandatory = append(nonMandatory, q)
		}
	}
	if next != len(dv.MandatoryIndexes) {
		return nil, nil, fmt.Errorf("%w: mandatory index %d is out of range (%d statements)", proof.ErrInvalidSignature, dv.MandatoryIndexes[next], len(nq))
	}
	return &verifyData{
		BaseSignature: dv.BaseSignature,
		ProofHash:     proofHash,
		PublicKey:     dv.PublicKey,
		Signatures:    dv.Signatures,
		NQuads:        nq,
		Mandatory:     mandatory,
		NonMandatory:  nonMandatory,
		MandatoryHash: hashJoined(mandatory),
	}, dv, nil
}

// VerifyProof implements [proof.Suite]: it verifies a derived proof
// (vc-di-ecdsa 3.6.7 Verify Derived Proof) with the issuer's P-256 key.
// A base proof is refused with an error wrapping [ErrBaseProof]; a
// signature that does not verify gives an error wrapping
// [proof.ErrInvalidSignature].
func (s *Suite) VerifyProof(unsecured, p map[string]any, key crypto.PublicKey) error {
	_, _, err := s.verifyDerived(unsecured, p, key)
	return err
}

// verifyDerived is VerifyProof; it also returns what it verified.
func (s *Suite) verifyDerived(unsecured, p map[string]any, key crypto.PublicKey) (*verifyData, *derivedProofValue, error) {
	issuerKey, err := p256(key)
	if err != nil {
		return nil, nil, err
	}
	vd, dv, err := s.createVerifyData(unsecured, p)
	if err != nil {
		return nil, nil, err
	}
	// From spec (3.6.7 step 3): one signature per non-mandatory statement.
	if len(vd.Signatures) != len(vd.NonMandatory) {
		return nil, nil, fmt.Errorf("%w (%s): %d signatures for %d non-mandatory statements", proof.ErrInvalidSignature, Name, len(vd.Signatures), len(vd.NonMandatory))
	}
	proofKey, err := parsePublicKey(vd.PublicKey)
	if err != nil {
		return nil, nil, &proof.FieldError{Field: "proofValue", Err: err}
	}
	// From spec (3.6.7 steps 5-6): the base signature covers proofHash,
	// the proof-scoped key and mandatoryHash.
	if !verifyP1363(issuerKey, signData(vd.ProofHash, vd.PublicKey, vd.MandatoryHash), vd.BaseSignature) {
		return nil, nil, fmt.Errorf("%w (%s): base signature", proof.ErrInvalidSignature, Name)
	}
	// From spec (3.6.7 step 7): each disclosed non-mandatory statement is
	// signed by the proof-scoped key.
	for i, q := range vd.NonMandatory {
		if !verifyP1363(proofKey, []byte(q), vd.Signatures[i]) {
			return nil, nil, fmt.Errorf("%w (%s): signature %d", proof.ErrInvalidSignature, Name, i)
		}
	}
	return vd, dv, nil
}

// Derive creates a derived proof (vc-di-ecdsa 3.6.6 Add Derived Proof):
// from signedBase, a JSON document carrying one ecdsa-sd-2023 base proof,
// it returns the JSON reveal document — the mandatory statements and
// those selectivePointers select, with @context and the id and type of
// every object on the way — carrying the derived proof. Other proofs of
// signedBase are dropped.
//
// It returns an error wrapping errNoBaseProof if signedBase has no
// ecdsa-sd-2023 proof, an error naming the pointer for a pointer that
// selects nothing, and a "malformed proofValue" error for a damaged base
// proof value. Derive does not check the issuer's signature; a derived
// proof from a tampered base proof fails verification.
func (s *Suite) Derive(signedBase []byte, selectivePointers []string) ([]byte, error) {
	if err := checkPointers(selectivePointers); err != nil {
		return nil, err
	}
	v, err := strictjson.Decode(signedBase, strictjson.Limits{})
	if err != nil {
		return nil, fmt.Errorf("ecdsasd2023: reading document: %w", err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("ecdsasd2023: document is not a JSON object")
	}
	proofs, err := proof.ParseProofs(doc)
	if err != nil {
		if errors.Is(err, proof.ErrNoProof) {
			return nil, errNoBaseProof
		}
		return nil, err
	}
	var base *proof.Proof
	for _, p := range proofs {
		if p.Type == proof.TypeDataIntegrity && p.Cryptosuite == Name {
			if base != nil {
				return nil, errors.New("ecdsasd2023: document has more than one ecdsa-sd-2023 proof")
			}
			base = p
		}
	}
	if base == nil {
		return nil, errNoBaseProof
	}
	unsecured := dicore.Clone(doc)
	delete(unsecured, "proof")
	reveal, dv, err := s.disclose(unsecured, base.ProofValue, selectivePointers)
	if err != nil {
		return nil, err
	}
	newProof := dicore.Clone(base.Raw())
	if newProof["proofValue"], err = dv.Encode(); err != nil {
		return nil, err
	}
	reveal["proof"] = newProof
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(reveal); err != nil {
		return nil, fmt.Errorf("ecdsasd2023: writing reveal document: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// disclosureData is vc-di-ecdsa 3.5.4 createDisclosureData's result, for
// step-by-step checks.
type disclosureData struct {
	Proof          *derivedProofValue
	RevealDocument map[string]any
	// The intermediate index lists (positions in the base N-Quads).
	MandatoryIndexes, SelectiveIndexes, CombinedIndexes, NonMandatoryIndexes []int
}

func (s *Suite) disclose(unsecured map[string]any, baseProofValue string, selective []string) (map[string]any, *derivedProofValue, error) {
	d, err := s.disclosure(unsecured, baseProofValue, selective)
	if err != nil {
		return nil, nil, err
	}
	return d.RevealDocument, d.Proof, nil
}

// disclosure is vc-di-ecdsa 3.5.4 createDisclosureData.
func (s *Suite) disclosure(unsecured map[string]any, baseProofValue string, selective []string) (*disclosureData, error) {
	bv, err := ParseBaseProofValue(baseProofValue)
	if err != nil {
		return nil, &proof.FieldError{Field: "proofValue", Err: err}
	}
	combined := append(append([]string(nil), bv.MandatoryPointers...), selective...)
	if len(combined) == 0 {
		return nil, errors.New("ecdsasd2023: nothing to disclose: no mandatory and no selective pointers")
	}
	g, err := s.canonicalizeAndGroup(unsecured, bv.HMACKey, map[string][]string{
		"mandatory": bv.MandatoryPointers,
		"selective": selective,
		"combined":  combined,
	})
	if err != nil {
		return nil, err
	}
	mand, sel, comb := g.groups["mandatory"], g.groups["selective"], g.groups["combined"]
	d := &disclosureData{MandatoryIndexes: mand.matching, SelectiveIndexes: sel.matching, CombinedIndexes: comb.matching}
	for i := range g.nquads {
		if !mand.isMatch[i] {
			d.NonMandatoryIndexes = append(d.NonMandatoryIndexes, i)
		}
	}
	if len(bv.Signatures) != len(d.NonMandatoryIndexes) {
		return nil, fmt.Errorf("ecdsasd2023: base proof has %d signatures for %d non-mandatory statements: it does not belong to this document", len(bv.Signatures), len(d.NonMandatoryIndexes))
	}
	// Mandatory indexes relative to the combined (revealed) statements.
	dv := &derivedProofValue{BaseSignature: bv.BaseSignature, PublicKey: bv.PublicKey, LabelMap: map[string]string{}}
	for rel, abs := range comb.matching {
		if mand.isMatch[abs] {
			dv.MandatoryIndexes = append(dv.MandatoryIndexes, rel)
		}
	}
	// The signatures of the selected non-mandatory statements.
	index := 0
	for _, sig := range bv.Signatures {
		for mand.isMatch[index] {
			index++
		}
		if sel.isMatch[index] {
			dv.Signatures = append(dv.Signatures, sig)
		}
		index++
	}
	if d.RevealDocument, err = selectJSONLD(combined, unsecured); err != nil {
		return nil, err
	}
	// The labels the verifier's canonicalization of the reveal document
	// will produce, mapped to the HMAC labels that were signed.
	_, issued, err := s.canonicalize(comb.quads)
	if err != nil {
		return nil, err
	}
	for in, c14n := range issued {
		l, ok := g.labelMap[in]
		if !ok {
			return nil, fmt.Errorf("%w: no HMAC label for _:%s", errLabelMap, in)
		}
		dv.LabelMap[c14n] = l
	}
	d.Proof = dv
	return d, nil
}
