package vcapi_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/vcapi"
)

// BenchmarkOID4VCIDelivery is one learner's whole delivery: an offer
// (Go API), the token, a nonce and the ldp_vc credential (eddsa-rdfc-2022,
// with a status entry), over a SQLite store.
func BenchmarkOID4VCIDelivery(b *testing.B) {
	s := newService(b, serviceOptions{oid4vci: &vcapi.OID4VCI{}})
	seed := make([]byte, 32)
	holder, err := didkey.NewEd25519FromSeed(seed)
	if err != nil {
		b.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: priv},
		(&jose.SignerOptions{}).WithType("openid4vci-proof+jwt").WithHeader("kid", holder.VerificationMethod()))
	if err != nil {
		b.Fatal(err)
	}
	do := func(req *http.Request) []byte {
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", req.URL.Path, w.Code, w.Body)
		}
		return w.Body.Bytes()
	}
	tmpl := []byte(badge(s.key.DID().String()))
	b.ResetTimer()
	for b.Loop() {
		o, err := s.h.CreateOffer(context.Background(), vcapi.OfferRequest{Issuer: "school", Credential: tmpl, Formats: []string{"ldp_vc"}})
		if err != nil {
			b.Fatal(err)
		}
		var off struct {
			Grants map[string]struct {
				Code string `json:"pre-authorized_code"`
			} `json:"grants"`
		}
		json.Unmarshal(o.CredentialOffer, &off)
		form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:pre-authorized_code"}, "pre-authorized_code": {off.Grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"].Code}}
		req := httptest.NewRequest(http.MethodPost, "/oid4vci/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		var tok struct {
			AccessToken string `json:"access_token"`
			Nonce       string `json:"c_nonce"`
		}
		json.Unmarshal(do(req), &tok)
		claims, _ := json.Marshal(map[string]any{"aud": s.URL, "iat": time.Now().Unix(), "nonce": tok.Nonce})
		jws, err := signer.Sign(claims)
		if err != nil {
			b.Fatal(err)
		}
		proofJWT, _ := jws.CompactSerialize()
		req = httptest.NewRequest(http.MethodPost, "/oid4vci/credential", strings.NewReader(credBody("school_ldp_vc", proofJWT)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		do(req)
	}
}
