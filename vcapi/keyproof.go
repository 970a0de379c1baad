package vcapi

import (
	"context"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// maxProofJWT bounds a key proof's compact serialization.
const maxProofJWT = 16 << 10

// verifyProofJWS checks the JOSE side of an openid4vci-proof+jwt: its
// header (typ, an allowed alg, exactly one of jwk and kid, no x5c), the
// signature under the key the header names, and returns the holder's DID
// (did:jwk of an embedded jwk, or the DID of a did:key / did:jwk kid) and
// the verified payload, strict JSON.
func verifyProofJWS(ctx context.Context, token string) (string, []byte, error) {
	if len(token) > maxProofJWT {
		return "", nil, fmt.Errorf("proof jwt: %d bytes (at most %d)", len(token), maxProofJWT)
	}
	// The protected header, strictly: no duplicate names, and only the
	// members this check reads (x5c, trust_chain, crit... are refused,
	// not ignored).
	hb, _, _ := strings.Cut(token, ".")
	hjson, err := base64.RawURLEncoding.DecodeString(hb)
	if err != nil {
		return "", nil, errors.New("proof jwt: header: not base64url")
	}
	if err := strictjson.Check(hjson, strictjson.Limits{MaxBytes: maxProofJWT}); err != nil {
		return "", nil, fmt.Errorf("proof jwt: header: %v", err)
	}
	ms, err := jsonedit.Members(hjson)
	if err != nil {
		return "", nil, fmt.Errorf("proof jwt: header: %v", err)
	}
	for _, m := range ms {
		switch m.Name {
		case "alg", "typ", "kid", "jwk":
		default:
			return "", nil, fmt.Errorf("proof jwt: header member %q: not supported (alg, typ, and one of jwk and kid)", m.Name)
		}
	}
	algs := make([]jose.SignatureAlgorithm, len(proofAlgs))
	for i, a := range proofAlgs {
		algs[i] = jose.SignatureAlgorithm(a)
	}
	jws, err := jose.ParseSignedCompact(token, algs)
	if err != nil {
		return "", nil, fmt.Errorf("proof jwt: %v", err)
	}
	if len(jws.Signatures) != 1 {
		return "", nil, errors.New("proof jwt: want one signature")
	}
	h := jws.Signatures[0].Protected
	// From spec F.1: typ MUST be openid4vci-proof+jwt.
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != proofTyp {
		return "", nil, fmt.Errorf("proof jwt: typ %q: want %s", typ, proofTyp)
	}
	var pub crypto.PublicKey
	var holder string
	switch {
	case h.JSONWebKey != nil && h.KeyID != "":
		return "", nil, errors.New("proof jwt: header has both jwk and kid: send one")
	case h.JSONWebKey != nil:
		if !h.JSONWebKey.Valid() || !h.JSONWebKey.IsPublic() {
			return "", nil, errors.New("proof jwt: jwk: want a valid public key")
		}
		d, err := didjwk.FromPublicKey(h.JSONWebKey.Key)
		if err != nil {
			return "", nil, fmt.Errorf("proof jwt: jwk: %v", err)
		}
		pub, holder = h.JSONWebKey.Key, d.String()
	case h.KeyID != "":
		u, err := did.ParseURL(h.KeyID)
		if err != nil || u.Fragment == "" || u.Path != "" || u.Query != "" {
			return "", nil, fmt.Errorf("proof jwt: kid %q: want a DID URL with a fragment (did:key or did:jwk)", h.KeyID)
		}
		var doc *did.Document
		switch u.DID.Method() {
		case "key":
			doc, err = didkey.Resolver{}.Resolve(ctx, u.DID)
		case "jwk":
			doc, err = didjwk.Resolver{}.Resolve(ctx, u.DID)
		default:
			return "", nil, fmt.Errorf("proof jwt: kid %q: DID method %s is not supported (did:key, did:jwk)", h.KeyID, u.DID.Method())
		}
		if err != nil {
			return "", nil, fmt.Errorf("proof jwt: kid: %v", err)
		}
		vm, err := doc.Authorized(did.Authentication, h.KeyID)
		if err != nil {
			return "", nil, fmt.Errorf("proof jwt: kid: %v", err)
		}
		if pub, err = vm.PublicKey(); err != nil {
			return "", nil, fmt.Errorf("proof jwt: kid: %v", err)
		}
		holder = u.DID.String()
	default:
		return "", nil, errors.New("proof jwt: header names no key (jwk or kid)")
	}
	payload, err := jws.Verify(pub)
	if err != nil {
		return "", nil, fmt.Errorf("proof jwt: signature: %v", err)
	}
	if err := strictjson.Check(payload, strictjson.Limits{MaxBytes: maxProofJWT}); err != nil {
		return "", nil, fmt.Errorf("proof jwt: claims: %v", err)
	}
	return holder, payload, nil
}
