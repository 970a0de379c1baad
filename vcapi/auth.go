package vcapi

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Authenticator decides whether a request may use the issue and status
// routes. It returns the client's name (for the logs) or an error, which
// answers 401.
type Authenticator interface {
	Authenticate(r *http.Request) (client string, err error)
}

// errUnauthorized is what Authenticators return for a missing or wrong
// credential.
var errUnauthorized = errors.New("vcapi: unauthorized")

type noAuth struct{}

func (noAuth) Authenticate(*http.Request) (string, error) { return "anonymous", nil }

// NoAuthUnsafe lets every request issue and change status. It is for a
// service that only loopback clients reach (the serve command refuses it on
// any other address).
func NoAuthUnsafe() Authenticator { return noAuth{} }

// Tokens are static bearer tokens, stored as the lowercase hex SHA-256 of
// the token, each mapped to the client's name: the configuration holds no
// token a reader could replay. Tokens should be random and at least 128 bits
// long (HashToken of 32 random bytes, say); a SHA-256 of a guessable token
// is guessable.
type Tokens map[string]string

// HashToken returns the form Tokens stores a token in.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Authenticate implements Authenticator.
func (t Tokens) Authenticate(r *http.Request) (string, error) {
	tok, err := bearer(r)
	if err != nil {
		return "", err
	}
	if name, ok := t[HashToken(tok)]; ok {
		return name, nil
	}
	return "", fmt.Errorf("%w: unknown bearer token", errUnauthorized)
}

func bearer(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", fmt.Errorf("%w: an Authorization: Bearer header is required", errUnauthorized)
	}
	return strings.TrimSpace(tok), nil
}

// oauth2 is the authenticator of NewOAuth2.
type oauth2 struct {
	keys     jose.JSONWebKeySet
	issuer   string
	audience string
	scope    string
	algs     []jose.SignatureAlgorithm
	clock    func() time.Time
}

// OAuth2Options configure NewOAuth2. Keys, Issuer and Audience are
// required.
type OAuth2Options struct {
	Keys     jose.JSONWebKeySet
	Issuer   string
	Audience string
	// Scope, if set, must be one of the token's scopes ("scope" claim,
	// space-separated).
	Scope string
	// Clock is nil for time.Now.
	Clock func() time.Time
}

// NewOAuth2 returns an Authenticator that accepts OAuth2 access tokens
// that are JWTs (RFC 9068), as an authorization server issues them for the
// client-credentials grant: signed by one of o.Keys, from o.Issuer, for
// o.Audience, unexpired, and carrying o.Scope among its scopes when Scope
// is set; the signature alg is EdDSA, ES256, ES384, RS256 or PS256 (never
// none). Any other token is refused (401).
func NewOAuth2(o OAuth2Options) (Authenticator, error) {
	switch {
	case len(o.Keys.Keys) == 0:
		return nil, errors.New("vcapi: OAuth2: no keys")
	case o.Issuer == "":
		return nil, errors.New("vcapi: OAuth2: the token issuer is required")
	case o.Audience == "":
		return nil, errors.New("vcapi: OAuth2: the audience is required")
	}
	for i, k := range o.Keys.Keys {
		if !k.Valid() || !k.IsPublic() {
			return nil, fmt.Errorf("vcapi: OAuth2: key %d: want a valid public key", i)
		}
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return &oauth2{keys: o.Keys, issuer: o.Issuer, audience: o.Audience, scope: o.Scope, clock: o.Clock,
		algs: []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256, jose.ES384, jose.RS256, jose.PS256}}, nil
}

// Authenticate implements Authenticator.
func (o *oauth2) Authenticate(r *http.Request) (string, error) {
	tok, err := bearer(r)
	if err != nil {
		return "", err
	}
	t, err := jwt.ParseSigned(tok, o.algs)
	if err != nil {
		return "", fmt.Errorf("%w: access token: %v", errUnauthorized, err)
	}
	var claims jwt.Claims
	var extra struct {
		Scope    string `json:"scope"`
		ClientID string `json:"client_id"`
	}
	verified := false
	for _, h := range t.Headers {
		keys := o.keys.Keys
		if h.KeyID != "" {
			keys = o.keys.Key(h.KeyID)
		}
		for _, k := range keys {
			if err := t.Claims(k.Key, &claims, &extra); err == nil {
				verified = true
				break
			}
		}
	}
	if !verified {
		return "", fmt.Errorf("%w: access token: no configured key verifies it", errUnauthorized)
	}
	if claims.Expiry == nil {
		return "", fmt.Errorf("%w: access token: no exp claim", errUnauthorized)
	}
	if err := claims.ValidateWithLeeway(jwt.Expected{Issuer: o.issuer, AnyAudience: jwt.Audience{o.audience}, Time: o.clock()}, time.Minute); err != nil {
		return "", fmt.Errorf("%w: access token: %v", errUnauthorized, err)
	}
	if o.scope != "" && !slices.Contains(strings.Fields(extra.Scope), o.scope) {
		return "", fmt.Errorf("%w: access token: scope %q is not granted", errUnauthorized, o.scope)
	}
	client := extra.ClientID
	if client == "" {
		client = claims.Subject
	}
	return client, nil
}

// protected wraps a handler with Config.Auth.
func (h *Handler) protected(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		client, err := h.cfg.Auth.Authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="microcred"`)
			writeProblem(w, http.StatusUnauthorized, problem{Type: typeUnauthorized, Title: "unauthorized", Detail: err.Error()})
			return
		}
		h.log.Debug("authenticated", "client", client, "path", r.URL.Path)
		next(w, r)
	}
}
