package did

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/onchaincert/microcred/internal/multikey"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// Relationship is a verification relationship (DID Core 5.3).
type Relationship string

// The verification relationships of DID Core.
const (
	Authentication       Relationship = "authentication"
	AssertionMethod      Relationship = "assertionMethod"
	KeyAgreement         Relationship = "keyAgreement"
	CapabilityInvocation Relationship = "capabilityInvocation"
	CapabilityDelegation Relationship = "capabilityDelegation"
)

var relationships = []Relationship{Authentication, AssertionMethod, KeyAgreement, CapabilityInvocation, CapabilityDelegation}

// VerificationMethod is one verification method of a DID document.
type VerificationMethod struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	Controller         string          `json:"controller"`
	PublicKeyMultibase string          `json:"publicKeyMultibase,omitempty"`
	PublicKeyJwk       json.RawMessage `json:"publicKeyJwk,omitempty"`
}

// PublicKey decodes the method's key: ed25519.PublicKey, *ecdsa.PublicKey
// or *secp256k1.PublicKey. Errors wrap ErrInvalidKey.
func (vm *VerificationMethod) PublicKey() (crypto.PublicKey, error) {
	switch vm.Type {
	case "Multikey", "Ed25519VerificationKey2020":
		if vm.PublicKeyMultibase == "" {
			return nil, fmt.Errorf("%w: %s has no publicKeyMultibase", errInvalidKey, vm.ID)
		}
		pub, err := multikey.DecodePublic(vm.PublicKeyMultibase)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", errInvalidKey, vm.ID, err)
		}
		if _, ok := pub.(ed25519.PublicKey); vm.Type == "Ed25519VerificationKey2020" && !ok {
			return nil, fmt.Errorf("%w: %s: Ed25519VerificationKey2020 holds a %T", errInvalidKey, vm.ID, pub)
		}
		return pub, nil
	case "JsonWebKey", "JsonWebKey2020":
		if len(vm.PublicKeyJwk) == 0 {
			return nil, fmt.Errorf("%w: %s has no publicKeyJwk", errInvalidKey, vm.ID)
		}
		pub, err := ParseJWK(vm.PublicKeyJwk)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", errInvalidKey, vm.ID, err)
		}
		return pub, nil
	case "EcdsaSecp256k1VerificationKey2019":
		// The secp256k1 type of the DID spec registries (Blockcerts
		// issuer profiles, EcdsaSecp256k1Signature2019 keys): a JWK or a
		// multibase key, which must be a secp256k1 key.
		var (
			pub crypto.PublicKey
			err error
		)
		switch {
		case len(vm.PublicKeyJwk) > 0 && vm.PublicKeyMultibase != "":
			return nil, fmt.Errorf("%w: %s has both publicKeyJwk and publicKeyMultibase", errInvalidKey, vm.ID)
		case len(vm.PublicKeyJwk) > 0:
			pub, err = ParseJWK(vm.PublicKeyJwk)
		case vm.PublicKeyMultibase != "":
			pub, err = multikey.DecodePublic(vm.PublicKeyMultibase)
		default:
			return nil, fmt.Errorf("%w: %s has no publicKeyJwk or publicKeyMultibase", errInvalidKey, vm.ID)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", errInvalidKey, vm.ID, err)
		}
		if _, ok := pub.(*secp256k1.PublicKey); !ok {
			return nil, fmt.Errorf("%w: %s: EcdsaSecp256k1VerificationKey2019 holds a %T", errInvalidKey, vm.ID, pub)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("%w: %s: unsupported verification method type %q", errInvalidKey, vm.ID, vm.Type)
}

// privateJWKMembers are the JWK members that carry private key material:
// "d" (EC, RFC 7518 6.2.2; OKP, RFC 8037 2), "p", "q", "dp", "dq", "qi",
// "oth" (RSA, RFC 7518 6.3.2) and "k" (symmetric keys, RFC 7518 6.4.1).
var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// CheckPublicJWK checks that data is a JSON object without duplicate
// members that holds only public key material:
//
//   - no member whose name case-folds to a private member name (d, p, q,
//     dp, dq, qi, oth, k): go-jose and encoding/json match "d" exactly and
//     would read {"D": …} as a public key, but other JWK readers match
//     member names case-insensitively, so what one reader takes for a
//     public key another takes for a private one; the error wraps
//     [ErrPrivateKeyMaterial];
//   - an OKP Ed25519 key's "x" is 32 bytes of base64url that encode a
//     point of large order canonically; the error names the check that
//     failed and, for a small-order point, wraps [ErrSmallOrderKey].
//
// It does not decode the key otherwise; [ParseJWK] does, and calls it.
func CheckPublicJWK(data []byte) error {
	_, err := checkPublicJWK(data)
	return err
}

func checkPublicJWK(data []byte) (map[string]any, error) {
	v, err := strictjson.Decode(data, strictjson.Limits{MaxBytes: 64 << 10, MaxDepth: 4})
	if err != nil {
		return nil, fmt.Errorf("JWK: %w", err)
	}
	fields, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("JWK is not a JSON object")
	}
	for name := range fields {
		for _, private := range privateJWKMembers {
			if strings.EqualFold(name, private) {
				return nil, fmt.Errorf("%w: member %q", ErrPrivateKeyMaterial, name)
			}
		}
	}
	if fields["kty"] == "OKP" && fields["crv"] == "Ed25519" {
		s, _ := fields["x"].(string)
		x, err := base64.RawURLEncoding.Strict().DecodeString(s)
		if err != nil {
			return nil, errors.New("Ed25519 JWK x is not base64url")
		}
		if err := multikey.CheckEd25519(x); err != nil {
			return nil, fmt.Errorf("Ed25519 JWK x: %w", err)
		}
	}
	return fields, nil
}

// ParseJWK decodes a public JWK (OKP Ed25519, EC P-256/P-384/secp256k1,
// RSA of at least 2048 bits) after [CheckPublicJWK]: a JWK with private
// members, in any letter case, or with a small-order or non-canonical
// Ed25519 key, is refused.
func ParseJWK(data []byte) (crypto.PublicKey, error) {
	fields, err := checkPublicJWK(data)
	if err != nil {
		return nil, err
	}
	if fields["kty"] == "EC" && fields["crv"] == "secp256k1" {
		x, errX := b64Coord(fields["x"])
		y, errY := b64Coord(fields["y"])
		if errX != nil || errY != nil {
			return nil, errors.New("bad secp256k1 JWK coordinates")
		}
		pk, err := secp256k1.ParsePubKey(append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, errors.New("secp256k1 JWK is not a curve point")
		}
		return pk, nil
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("bad JWK: %w", err)
	}
	if !jwk.IsPublic() {
		return nil, errors.New("JWK is not a public key")
	}
	switch k := jwk.Key.(type) {
	case ed25519.PublicKey:
		return k, nil
	case *ecdsa.PublicKey:
		if n := k.Curve.Params().Name; n != "P-256" && n != "P-384" {
			return nil, fmt.Errorf("unsupported curve %s", n)
		}
		return k, nil
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("RSA key of %d bits (at least 2048 required)", k.N.BitLen())
		}
		return k, nil
	}
	return nil, fmt.Errorf("unsupported JWK key type %T", jwk.Key)
}

func b64Coord(v any) ([]byte, error) {
	s, _ := v.(string)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, errors.New("bad coordinate")
	}
	return b, nil
}

// reference is one entry of a verification relationship: a DID URL
// (absolute or relative to the document) or an embedded method.
type reference struct {
	ref      string
	embedded *VerificationMethod
}

// Document is a DID document.
type Document struct {
	ID                 string
	AlsoKnownAs        []string
	Controller         []string
	VerificationMethod []VerificationMethod
	Service            []json.RawMessage

	rel  map[Relationship][]reference
	self *VerificationMethod // the document is itself a verification method
}

// standaloneMethod returns the verification method a key document (one
// fetched from a fragmentless https verification method URL) consists of.
func (d *Document) standaloneMethod() (*VerificationMethod, error) {
	if d.self == nil {
		return nil, fmt.Errorf("%w: %s is not a verification method document (type, controller and a public key)", ErrInvalidDocument, d.ID)
	}
	vm := *d.self
	return &vm, nil
}

// ParseDocument parses a DID document (JSON). Errors wrap
// ErrInvalidDocument.
func ParseDocument(data []byte) (*Document, error) {
	return parseDocument(data, func(id string) error {
		_, err := Parse(id)
		return err
	})
}

// ParseControllerDocument parses a controller document identified by an
// HTTPS URL (W3C Controlled Identifiers 1.0): a DID document's shape with
// an https id, which OB 3.0 issuers publish for verification methods that
// are plain URLs. The id must be an absolute https URL without fragment.
func ParseControllerDocument(data []byte) (*Document, error) {
	return parseDocument(data, checkHTTPSID)
}

// checkHTTPSID accepts an absolute https URL with a host and no fragment.
func checkHTTPSID(id string) error {
	u, err := url.Parse(id)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Fragment != "" || u.User != nil || u.String() != id {
		return fmt.Errorf("%q is not an absolute https URL without fragment", id)
	}
	return nil
}

func parseDocument(data []byte, checkID func(string) error) (*Document, error) {
	if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	var raw struct {
		ID                 string               `json:"id"`
		AlsoKnownAs        []string             `json:"alsoKnownAs"`
		Controller         json.RawMessage      `json:"controller"`
		VerificationMethod []VerificationMethod `json:"verificationMethod"`
		Service            []json.RawMessage    `json:"service"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	if err := checkID(raw.ID); err != nil {
		return nil, fmt.Errorf("%w: id: %w", ErrInvalidDocument, err)
	}
	d := &Document{ID: raw.ID, AlsoKnownAs: raw.AlsoKnownAs, VerificationMethod: raw.VerificationMethod, Service: raw.Service, rel: map[Relationship][]reference{}}
	if len(raw.Controller) > 0 {
		var one string
		if json.Unmarshal(raw.Controller, &one) == nil {
			d.Controller = []string{one}
		} else if err := json.Unmarshal(raw.Controller, &d.Controller); err != nil {
			return nil, fmt.Errorf("%w: controller must be a DID or a list of DIDs", ErrInvalidDocument)
		}
	}
	for i, vm := range d.VerificationMethod {
		if vm.ID == "" || vm.Type == "" || vm.Controller == "" {
			return nil, fmt.Errorf("%w: verificationMethod[%d] needs id, type and controller", ErrInvalidDocument, i)
		}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	// A document that is itself a verification method (Controlled
	// Identifiers: a key dereferenced by its own URL).
	_, hasJwk := members["publicKeyJwk"]
	_, hasMultibase := members["publicKeyMultibase"]
	if hasJwk || hasMultibase {
		var vm VerificationMethod
		if err := json.Unmarshal(data, &vm); err != nil || vm.Type == "" || vm.Controller == "" || len(d.VerificationMethod) > 0 {
			return nil, fmt.Errorf("%w: a key document needs type and controller and no verificationMethod", ErrInvalidDocument)
		}
		d.self = &vm
	}
	for _, r := range relationships {
		m, ok := members[string(r)]
		if !ok {
			continue
		}
		var entries []json.RawMessage
		if err := json.Unmarshal(m, &entries); err != nil {
			return nil, fmt.Errorf("%w: %s must be a list", ErrInvalidDocument, r)
		}
		for i, e := range entries {
			e = bytes.TrimSpace(e)
			if len(e) > 0 && e[0] == '"' {
				var s string
				_ = json.Unmarshal(e, &s)
				d.rel[r] = append(d.rel[r], reference{ref: s})
				continue
			}
			var vm VerificationMethod
			if err := json.Unmarshal(e, &vm); err != nil || vm.ID == "" || vm.Type == "" || vm.Controller == "" {
				return nil, fmt.Errorf("%w: %s[%d] is neither a reference nor a verification method", ErrInvalidDocument, r, i)
			}
			d.rel[r] = append(d.rel[r], reference{embedded: &vm})
		}
	}
	return d, nil
}

// AddRelationship lists a verification method (by id) under r. Method
// packages use it to build documents.
func (d *Document) AddRelationship(r Relationship, vmID string) {
	if d.rel == nil {
		d.rel = map[Relationship][]reference{}
	}
	d.rel[r] = append(d.rel[r], reference{ref: vmID})
}

// Relationship returns the ids of the methods listed under r.
func (d *Document) Relationship(r Relationship) []string {
	var ids []string
	for _, ref := range d.rel[r] {
		if ref.embedded != nil {
			ids = append(ids, d.absolute(ref.embedded.ID))
		} else {
			ids = append(ids, d.absolute(ref.ref))
		}
	}
	return ids
}

// absolute resolves a relative DID URL ("#key-1") against the document id.
func (d *Document) absolute(ref string) string {
	if strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "?") || strings.HasPrefix(ref, "/") {
		return d.ID + ref
	}
	return ref
}

// Method returns the verification method with the given (absolute or
// relative) id, whether listed in verificationMethod or embedded in a
// relationship. The error wraps ErrNotFound.
func (d *Document) Method(id string) (*VerificationMethod, error) {
	id = d.absolute(id)
	for i := range d.VerificationMethod {
		if d.absolute(d.VerificationMethod[i].ID) == id {
			vm := d.VerificationMethod[i]
			vm.ID = id
			return &vm, nil
		}
	}
	for _, refs := range d.rel {
		for _, ref := range refs {
			if ref.embedded != nil && d.absolute(ref.embedded.ID) == id {
				vm := *ref.embedded
				vm.ID = id
				return &vm, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: verification method %s in %s", ErrNotFound, id, d.ID)
}

// Authorized returns the verification method vmID if it is listed under
// relationship r (by reference or embedded). Errors wrap ErrNotAuthorized
// or ErrNotFound.
func (d *Document) Authorized(r Relationship, vmID string) (*VerificationMethod, error) {
	abs := d.absolute(vmID)
	listed := false
	for _, id := range d.Relationship(r) {
		if id == abs {
			listed = true
			break
		}
	}
	vm, err := d.Method(abs)
	if err != nil {
		return nil, err
	}
	if !listed {
		return nil, fmt.Errorf("%w: %s is not listed under %s in %s", ErrNotAuthorized, abs, r, d.ID)
	}
	if vm.Controller == "" {
		return nil, fmt.Errorf("%w: %s has no controller", ErrInvalidDocument, abs)
	}
	return vm, nil
}

// Resolver resolves a DID to its DID document.
type Resolver interface {
	Resolve(ctx context.Context, d DID) (*Document, error)
}

// ResolverFunc adapts a function to a Resolver.
type ResolverFunc func(ctx context.Context, d DID) (*Document, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, d DID) (*Document, error) { return f(ctx, d) }

// ControllerResolver obtains controller documents identified by HTTPS
// URLs, for verification methods that are URLs rather than DID URLs
// (did/httpkey implements it through a caller-supplied fetcher). It is
// optional: a Resolver that also implements it lets
// ResolveVerificationMethod follow https verification methods.
type ControllerResolver interface {
	ResolveController(ctx context.Context, url string) (*Document, error)
}

// Methods dispatches resolution by DID method.
type Methods struct {
	m           map[string]Resolver
	controllers ControllerResolver
}

var _ ControllerResolver = (*Methods)(nil)

// WithControllers returns a copy of ms that also resolves https
// verification methods through c.
func (ms *Methods) WithControllers(c ControllerResolver) *Methods {
	return &Methods{m: ms.m, controllers: c}
}

// ResolveController implements ControllerResolver with the resolver given
// to WithControllers; without one, https verification methods are not
// supported.
func (ms *Methods) ResolveController(ctx context.Context, url string) (*Document, error) {
	if ms.controllers == nil {
		return nil, &ResolutionError{DID: url, Code: codeMethodNotSupported, Err: fmt.Errorf("%w: https verification methods need a controller resolver (Methods.WithControllers)", ErrMethodNotSupported)}
	}
	return ms.controllers.ResolveController(ctx, url)
}

var _ Resolver = (*Methods)(nil)

// NewMethods returns a resolver for the given methods ("key" ->
// didkey.Resolver{}, ...). An empty map or a nil resolver is an error.
func NewMethods(methods map[string]Resolver) (*Methods, error) {
	if len(methods) == 0 {
		return nil, errors.New("did: no DID methods configured")
	}
	m := make(map[string]Resolver, len(methods))
	for name, r := range methods {
		if r == nil {
			return nil, fmt.Errorf("did: nil resolver for method %q", name)
		}
		m[name] = r
	}
	return &Methods{m: m}, nil
}

// Resolve resolves d with the resolver of its method; an unknown method
// fails with a *ResolutionError wrapping ErrMethodNotSupported.
func (ms *Methods) Resolve(ctx context.Context, d DID) (*Document, error) {
	r, ok := ms.m[d.Method()]
	if !ok {
		return nil, &ResolutionError{DID: d.String(), Code: codeMethodNotSupported, Err: fmt.Errorf("%w: %q", ErrMethodNotSupported, d.Method())}
	}
	return r.Resolve(ctx, d)
}

// ResolveVerificationMethod resolves the DID of vmURL with r and returns
// the verification method if the resolved document is the DID's own
// (document id equals the DID), the method's controller is that DID, and
// the method is listed under relationship rel.
//
// A DID URL must have a fragment, with one exception: a did:key DID alone
// (did:key:X) names the one verification method its document holds,
// did:key:X#X, which must then pass the same checks (see did/didkey). The
// returned method has the id did:key:X#X.
func ResolveVerificationMethod(ctx context.Context, r Resolver, vmURL string, rel Relationship) (*VerificationMethod, *Document, error) {
	if strings.HasPrefix(vmURL, "https://") {
		cr, ok := r.(ControllerResolver)
		if !ok {
			return nil, nil, &ResolutionError{DID: vmURL, Code: codeMethodNotSupported, Err: fmt.Errorf("%w: the resolver does not resolve https verification methods", ErrMethodNotSupported)}
		}
		return resolveHTTPSMethod(ctx, cr, vmURL, rel)
	}
	u, err := ParseURL(vmURL)
	if err != nil {
		return nil, nil, err
	}
	bareKey := isBareDIDKey(u)
	if u.Fragment == "" && !bareKey {
		return nil, nil, fmt.Errorf("%w: verification method %q has no fragment", ErrInvalidDID, vmURL)
	}
	doc, err := r.Resolve(ctx, u.DID)
	if err != nil {
		return nil, nil, err
	}
	if doc == nil {
		return nil, nil, &ResolutionError{DID: u.DID.String(), Code: CodeNotFound, Err: ErrNotFound}
	}
	if doc.ID != u.DID.String() {
		return nil, nil, &ResolutionError{DID: u.DID.String(), Code: CodeInvalidDIDDocument, Err: fmt.Errorf("%w: document id %q differs from the DID", ErrInvalidDocument, doc.ID)}
	}
	if bareKey {
		// A did:key document has one verification method, did:key:X#X
		// (did:key 1.0, "Document Creation"); the bare DID names it, and
		// only if that is what the document holds.
		vmURL = u.DID.String() + "#" + u.DID.ID()
		if len(doc.VerificationMethod) != 1 || doc.absolute(doc.VerificationMethod[0].ID) != vmURL {
			return nil, nil, fmt.Errorf("%w: verification method %q is a did:key without a fragment, and its document does not hold exactly one method %s", ErrInvalidDID, u.DID, vmURL)
		}
	}
	vm, err := doc.Authorized(rel, vmURL)
	if err != nil {
		return nil, nil, err
	}
	if vm.Controller != doc.ID {
		return nil, nil, fmt.Errorf("%w: %s is controlled by %q, not %q", ErrNotAuthorized, vm.ID, vm.Controller, doc.ID)
	}
	return vm, doc, nil
}

// isBareDIDKey reports whether u is a did:key DID alone: no path, query or
// fragment, not even an empty one.
func isBareDIDKey(u URL) bool {
	return u.DID.Method() == "key" && u.Path == "" && !u.hasQuery && !u.hasFragment
}

// resolveHTTPSMethod resolves a verification method that is an https URL
// (Controlled Identifiers 1.0, verification method dereferencing):
//
//   - with a fragment (https://school.example/issuer#key-1), the document
//     at the URL without fragment is the controller document, which must
//     have that id, contain the method, list it under rel, and be the
//     method's controller;
//   - without one (https://school.example/keys/1), the document at the URL
//     is the method itself (its id must be the URL); its controller's
//     document must then list it under rel.
//
// Either way the returned document is the controller's, so callers bind
// the key to the controller's id exactly as for DIDs.
func resolveHTTPSMethod(ctx context.Context, cr ControllerResolver, vmURL string, rel Relationship) (*VerificationMethod, *Document, error) {
	base, frag, hasFrag := strings.Cut(vmURL, "#")
	if err := checkHTTPSID(base); err != nil {
		return nil, nil, fmt.Errorf("%w: verification method: %w", ErrInvalidDID, err)
	}
	controllerURL := base
	var keyVM *VerificationMethod
	if !hasFrag || frag == "" {
		if hasFrag {
			return nil, nil, fmt.Errorf("%w: verification method %q has an empty fragment", ErrInvalidDID, vmURL)
		}
		keyDoc, err := cr.ResolveController(ctx, base)
		if err != nil {
			return nil, nil, err
		}
		vm, err := keyDoc.standaloneMethod()
		if err != nil {
			return nil, nil, err
		}
		if vm.ID != vmURL {
			return nil, nil, &ResolutionError{DID: vmURL, Code: CodeInvalidDIDDocument, Err: fmt.Errorf("%w: key document id %q differs from the URL", ErrInvalidDocument, vm.ID)}
		}
		if err := checkHTTPSID(vm.Controller); err != nil {
			return nil, nil, fmt.Errorf("%w: %s: controller: %w", ErrInvalidDocument, vmURL, err)
		}
		controllerURL = vm.Controller
		keyVM = vm
	}
	doc, err := cr.ResolveController(ctx, controllerURL)
	if err != nil {
		return nil, nil, err
	}
	if doc == nil {
		return nil, nil, &ResolutionError{DID: controllerURL, Code: CodeNotFound, Err: ErrNotFound}
	}
	if doc.ID != controllerURL {
		return nil, nil, &ResolutionError{DID: controllerURL, Code: CodeInvalidDIDDocument, Err: fmt.Errorf("%w: document id %q differs from the URL", ErrInvalidDocument, doc.ID)}
	}
	if keyVM != nil {
		// The key lives in its own document; the controller's must list
		// it under rel (by reference or embedded with the same id).
		for _, id := range doc.Relationship(rel) {
			if id == vmURL {
				return keyVM, doc, nil
			}
		}
		return nil, nil, fmt.Errorf("%w: %s is not listed under %s in %s", ErrNotAuthorized, vmURL, rel, doc.ID)
	}
	vm, err := doc.Authorized(rel, vmURL)
	if err != nil {
		return nil, nil, err
	}
	if vm.Controller != doc.ID {
		return nil, nil, fmt.Errorf("%w: %s is controlled by %q, not %q", ErrNotAuthorized, vm.ID, vm.Controller, doc.ID)
	}
	return vm, doc, nil
}
