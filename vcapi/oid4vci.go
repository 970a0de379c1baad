package vcapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/store"
)

// OID4VCI configures OpenID for Verifiable Credential Issuance 1.0 with
// the pre-authorized code flow (Config.OID4VCI). Issuer is required; zero
// durations take their defaults.
type OID4VCI struct {
	// Issuer is the credential issuer identifier: the URL wallets reach
	// this service at (https; http only for a loopback host), with no
	// query or fragment. Key proofs must name it as their audience, and
	// the metadata's endpoints are under it.
	Issuer string
	// OfferTTL is how long an offer (and its pre-authorized code) can be
	// redeemed: default 15 minutes.
	OfferTTL time.Duration
	// TokenTTL is the access tokens' lifetime: default 5 minutes.
	TokenTTL time.Duration
	// NonceTTL is the nonces' lifetime: default 5 minutes.
	NonceTTL time.Duration
	// ProofSkew is how far a key proof's iat may be from now: default 5
	// minutes.
	ProofSkew time.Duration
	// TxCodeAttempts is how many tx_code guesses one pre-authorized code
	// allows: default 3.
	TxCodeAttempts int
}

const (
	grantPreAuth     = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
	proofTyp         = "openid4vci-proof+jwt"
	kindOffer        = "oid4vci-offer"
	kindCode         = "oid4vci-code"
	kindToken        = "oid4vci-token"
	kindNonce        = "oid4vci-nonce"
	kindIssued       = "oid4vci-issued"
	formatLDP        = "ldp_vc"
	formatJWT        = "jwt_vc_json"
	maxTemplateBytes = store.MaxTicketData / 2
)

// proofAlgs are the JWS algorithms a key proof may use.
var proofAlgs = []string{"EdDSA", "ES256", "ES384"}

// oidState is the OpenID4VCI part of a Handler.
type oidState struct {
	cfg OID4VCI
}

func (h *Handler) setupOID4VCI() error {
	c := h.cfg.OID4VCI
	if c == nil {
		return nil
	}
	if h.cfg.Store == nil {
		return errors.New("vcapi: OID4VCI: Config.Store is required (offers, codes and nonces live in it)")
	}
	u, err := url.Parse(c.Issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.HasSuffix(c.Issuer, "/") {
		return fmt.Errorf("vcapi: OID4VCI.Issuer %q: want an absolute URL without query, fragment or trailing slash", c.Issuer)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
		return fmt.Errorf("vcapi: OID4VCI.Issuer %q: want https (http only for a loopback host)", c.Issuer)
	}
	if u.Path != "" && u.Path != "/" {
		return fmt.Errorf("vcapi: OID4VCI.Issuer %q: the service serves its metadata at the root, so the identifier has no path", c.Issuer)
	}
	o := *c
	if o.OfferTTL <= 0 {
		o.OfferTTL = 15 * time.Minute
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = 5 * time.Minute
	}
	if o.NonceTTL <= 0 {
		o.NonceTTL = 5 * time.Minute
	}
	if o.ProofSkew <= 0 {
		o.ProofSkew = 5 * time.Minute
	}
	if o.TxCodeAttempts <= 0 {
		o.TxCodeAttempts = 3
	}
	h.oid = &oidState{cfg: o}
	return nil
}

func isLoopbackHost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

func (h *Handler) oidRoutes(m *http.ServeMux) {
	if h.oid == nil {
		return
	}
	m.HandleFunc("GET /.well-known/openid-credential-issuer", h.issuerMetadata)
	m.HandleFunc("GET /.well-known/oauth-authorization-server", h.authServerMetadata)
	m.HandleFunc("POST /issuers/{name}/offers", h.protected(h.createOfferRoute))
	m.HandleFunc("GET /oid4vci/offers/{id}", h.offerByReference)
	m.HandleFunc("POST /oid4vci/token", h.token)
	m.HandleFunc("POST /oid4vci/nonce", h.nonce)
	m.HandleFunc("POST /oid4vci/credential", h.credential)
}

// configID names an issuer's credential configuration in a format.
func configID(issuer, format string) string { return issuer + "_" + format }

// splitConfigID returns the issuer and format of a configuration id.
func (h *Handler) splitConfigID(id string) (*issuerState, string, bool) {
	for _, f := range []string{formatLDP, formatJWT} {
		if name, ok := strings.CutSuffix(id, "_"+f); ok {
			if is := h.issuers[name]; is != nil {
				return is, f, true
			}
		}
	}
	return nil, "", false
}

// issuerMetadata answers GET /.well-known/openid-credential-issuer
// (OpenID4VCI 1.0 §12.2).
func (h *Handler) issuerMetadata(w http.ResponseWriter, r *http.Request) {
	base := h.oid.cfg.Issuer
	configs := map[string]any{}
	for _, n := range h.names {
		is := h.issuers[n]
		binding := []string{"did:key", "did:jwk"}
		proofs := map[string]any{"jwt": map[string]any{"proof_signing_alg_values_supported": proofAlgs}}
		types := []string{"VerifiableCredential", "OpenBadgeCredential"}
		display := []map[string]any{{"name": n + " Open Badge", "locale": "en"}}
		configs[configID(n, formatLDP)] = map[string]any{
			"format": formatLDP,
			"cryptographic_binding_methods_supported": binding,
			"credential_signing_alg_values_supported": []string{suiteName(is.suite)},
			"proof_types_supported":                   proofs,
			"credential_definition": map[string]any{
				"@context": []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
				"type":     types,
			},
			"display": display,
		}
		if alg, err := vcjwt.AlgorithmFor(is.signer.Public()); err == nil {
			configs[configID(n, formatJWT)] = map[string]any{
				"format": formatJWT,
				"cryptographic_binding_methods_supported": binding,
				"credential_signing_alg_values_supported": []string{alg},
				"proof_types_supported":                   proofs,
				"credential_definition":                   map[string]any{"type": types},
				"display":                                 display,
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"credential_issuer":                   base,
		"credential_endpoint":                 base + "/oid4vci/credential",
		"nonce_endpoint":                      base + "/oid4vci/nonce",
		"display":                             []map[string]any{{"name": "microcred", "locale": "en"}},
		"credential_configurations_supported": configs,
	})
}

// authServerMetadata answers GET /.well-known/oauth-authorization-server
// (RFC 8414): this service is its own authorization server, for the
// pre-authorized code grant only.
func (h *Handler) authServerMetadata(w http.ResponseWriter, r *http.Request) {
	base := h.oid.cfg.Issuer
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                          base,
		"token_endpoint":                                  base + "/oid4vci/token",
		"grant_types_supported":                           []string{grantPreAuth},
		"response_types_supported":                        []string{},
		"token_endpoint_auth_methods_supported":           []string{"none"},
		"pre-authorized_grant_anonymous_access_supported": true,
	})
}

// OfferRequest is what CreateOffer needs.
type OfferRequest struct {
	// Issuer names the configured issuer that signs.
	Issuer string
	// Credential is the unsigned credential template (a JSON object whose
	// credentialSubject is one object without an id: the holder's DID is
	// written there when the wallet redeems the offer).
	Credential []byte
	// Signed, instead of Credential, is a credential already signed by
	// Issuer's key (an embedded proof; offered as ldp_vc). It is verified
	// here, and delivered as is, only to a wallet whose key proof is made
	// by one of its credentialSubject ids.
	Signed []byte
	// Formats are the formats offered, ldp_vc and/or jwt_vc_json; none
	// means both (jwt_vc_json only where the issuer's key has a JWS alg).
	Formats []string
	// TxCode asks for a numeric transaction code of that many digits
	// (4 to 8) that the learner must type in; 0 for none.
	TxCode int
	// Learner is the learner's identifier, for the issued-credential log.
	Learner string
}

// Offer is a credential offer as CreateOffer made it.
type Offer struct {
	// ID names the offer; ByReference is its credential_offer_uri.
	ID string `json:"id"`
	// CredentialOffer is the offer object (by value).
	CredentialOffer json.RawMessage `json:"credential_offer"`
	// ByReference is the URL the offer is fetched from.
	ByReference string `json:"credential_offer_uri"`
	// DeepLink and DeepLinkByReference are the openid-credential-offer://
	// links to put in a QR code, by value and by reference.
	DeepLink            string `json:"deepLink"`
	DeepLinkByReference string `json:"deepLinkByReference"`
	// TxCode is the transaction code to tell the learner out of band
	// ("" when none was asked for).
	TxCode string `json:"tx_code,omitempty"`
	// Expires is when the offer stops being redeemable.
	Expires time.Time `json:"expires"`
}

// grant is what a pre-authorized code (and then its access token)
// stands for.
type grant struct {
	Issuer     string          `json:"issuer"`
	Configs    []string        `json:"configs"`
	Credential json.RawMessage `json:"credential"`
	Signed     []byte          `json:"signed,omitempty"`   // base64: kept byte for byte
	Subjects   []string        `json:"subjects,omitempty"` // of Signed, from its verified bytes
	TxCode     string          `json:"txCode,omitempty"`   // SHA-256 hex
	Learner    string          `json:"learner,omitempty"`
	Offer      string          `json:"offer"`
}

// errOID4VCIDisabled is returned by CreateOffer when Config.OID4VCI is nil.
var errOID4VCIDisabled = errors.New("vcapi: OpenID4VCI is not configured")

// CreateOffer creates a pre-authorized credential offer: the template is
// checked by signing it once (so a template that cannot be issued fails
// here, not in the learner's wallet) and stored with a new
// pre-authorized code.
func (h *Handler) CreateOffer(ctx context.Context, req OfferRequest) (*Offer, error) {
	if h.oid == nil {
		return nil, errOID4VCIDisabled
	}
	is := h.issuers[req.Issuer]
	if is == nil {
		return nil, fmt.Errorf("vcapi: offer: issuer: no issuer %q", req.Issuer)
	}
	var subjects []string
	switch {
	case (req.Credential == nil) == (req.Signed == nil):
		return nil, errors.New("vcapi: offer: give one of credential (a template) and verifiableCredential (signed)")
	case len(req.Credential) > maxTemplateBytes || len(req.Signed) > maxTemplateBytes:
		return nil, fmt.Errorf("vcapi: offer: credential: %d bytes (at most %d)", max(len(req.Credential), len(req.Signed)), maxTemplateBytes)
	case req.Signed != nil:
		if t := bytes.TrimSpace(req.Signed); len(t) == 0 || t[0] != '{' {
			return nil, errors.New("vcapi: offer: verifiableCredential: want a JSON object with an embedded proof (offered as ldp_vc)")
		}
		// What the wallet gets must verify now, be this issuer's, and name
		// the subjects that may receive it (read from the verified bytes).
		res, err := h.verifier.Verify(ctx, req.Signed, h.cfg.Policy)
		if err != nil {
			return nil, fmt.Errorf("vcapi: offer: verifiableCredential: %w", err)
		}
		if iss := res.Credential.Issuer().ID; iss != is.did {
			return nil, fmt.Errorf("vcapi: offer: verifiableCredential: issuer %q is not issuer %s's DID %s", iss, is.name, is.did)
		}
		if subjects = res.Credential.SubjectIDs(); len(subjects) == 0 {
			return nil, errors.New("vcapi: offer: verifiableCredential: credentialSubject has no id, so no wallet key can be bound to it (offer a template instead)")
		}
		if len(req.Formats) > 0 && (len(req.Formats) != 1 || req.Formats[0] != formatLDP) {
			return nil, fmt.Errorf("vcapi: offer: formats: %v: a signed credential is offered as it is, ldp_vc", req.Formats)
		}
		req.Formats = []string{formatLDP}
	default:
		probe, err := bindSubject(req.Credential, "did:example:holder")
		if err != nil {
			return nil, fmt.Errorf("vcapi: offer: credential: %w", err)
		}
		if _, err := is.plain.Issue(ctx, probe); err != nil {
			return nil, fmt.Errorf("vcapi: offer: credential: cannot be issued: %w", err)
		}
	}
	formats := req.Formats
	if len(formats) == 0 {
		formats = []string{formatLDP, formatJWT}
		if _, err := vcjwt.AlgorithmFor(is.signer.Public()); err != nil {
			formats = formats[:1]
		}
	}
	var configs []string
	for _, f := range formats {
		if f != formatLDP && f != formatJWT {
			return nil, fmt.Errorf("vcapi: offer: formats: %q (want %s or %s)", f, formatLDP, formatJWT)
		}
		id := configID(is.name, f)
		for _, c := range configs {
			if c == id {
				return nil, fmt.Errorf("vcapi: offer: formats: %q twice", f)
			}
		}
		configs = append(configs, id)
	}
	if req.TxCode != 0 && (req.TxCode < 4 || req.TxCode > 8) {
		return nil, fmt.Errorf("vcapi: offer: txCode: %d digits (4 to 8)", req.TxCode)
	}
	now := h.cfg.Clock()
	expires := now.Add(h.oid.cfg.OfferTTL)
	g := grant{Issuer: is.name, Configs: configs, Credential: req.Credential, Signed: req.Signed, Subjects: subjects, Learner: req.Learner, Offer: randomToken(16)}
	var txCode string
	if req.TxCode > 0 {
		txCode = randomDigits(req.TxCode)
		g.TxCode = digest(txCode)
	}
	code := randomToken(32)
	gdata, err := json.Marshal(g)
	if err != nil {
		return nil, err
	}
	preAuth := map[string]any{"pre-authorized_code": code}
	if req.TxCode > 0 {
		preAuth["tx_code"] = map[string]any{"input_mode": "numeric", "length": req.TxCode, "description": "the code you were given with this offer"}
	}
	offer, err := json.Marshal(map[string]any{
		"credential_issuer":            h.oid.cfg.Issuer,
		"credential_configuration_ids": configs,
		"grants":                       map[string]any{grantPreAuth: preAuth},
	})
	if err != nil {
		return nil, err
	}
	if _, err := h.cfg.Store.PurgeTickets(ctx, now); err != nil {
		h.log.Warn("vcapi: purging expired tickets", "err", err)
	}
	if err := h.cfg.Store.PutTicket(ctx, store.Ticket{Kind: kindCode, ID: digest(code), Data: gdata, Expires: expires}); err != nil {
		return nil, fmt.Errorf("vcapi: offer: storing the code: %w", err)
	}
	if err := h.cfg.Store.PutTicket(ctx, store.Ticket{Kind: kindOffer, ID: g.Offer, Data: offer, Expires: expires}); err != nil {
		return nil, fmt.Errorf("vcapi: offer: storing the offer: %w", err)
	}
	ref := h.oid.cfg.Issuer + "/oid4vci/offers/" + g.Offer
	return &Offer{
		ID: g.Offer, CredentialOffer: offer, ByReference: ref, TxCode: txCode, Expires: expires,
		DeepLink:            "openid-credential-offer://?credential_offer=" + url.QueryEscape(string(offer)),
		DeepLinkByReference: "openid-credential-offer://?credential_offer_uri=" + url.QueryEscape(ref),
	}, nil
}

// bindSubject writes holder as the id of the template's one
// credentialSubject, which must be an object without an id.
func bindSubject(template []byte, holder string) ([]byte, error) {
	if err := strictjson.Check(template, strictjson.Limits{MaxBytes: maxTemplateBytes}); err != nil {
		return nil, fmt.Errorf("not strict JSON: %w", err)
	}
	template = bytes.TrimSpace(template)
	if len(template) == 0 || template[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	ms, err := jsonedit.Members(template)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Name == "proof" {
			return nil, errors.New("proof: a template is unsigned (the credential is signed for the holder)")
		}
		if m.Name != "credentialSubject" {
			continue
		}
		subj := template[m.Start:m.End]
		if subj[0] != '{' {
			return nil, fmt.Errorf("credentialSubject: a JSON %s, want one object (the holder's)", jsonKind(subj))
		}
		sms, err := jsonedit.Members(subj)
		if err != nil {
			return nil, err
		}
		for _, sm := range sms {
			if sm.Name == "id" {
				return nil, errors.New("credentialSubject.id: set by the template; the holder's DID goes there")
			}
		}
		subj, err = jsonedit.Set(subj, "id", holder)
		if err != nil {
			return nil, err
		}
		return jsonedit.Set(template, "credentialSubject", json.RawMessage(subj))
	}
	return nil, errors.New("credentialSubject: missing")
}

// offerRequest is the body of POST /issuers/{name}/offers.
type offerRequest struct {
	Formats []string `json:"formats"`
	TxCode  int      `json:"txCode"`
	Learner string   `json:"learner"`
}

// createOfferRoute answers POST /issuers/{name}/offers.
func (h *Handler) createOfferRoute(w http.ResponseWriter, r *http.Request) {
	is, ok := h.issuerFor(w, r)
	if !ok {
		return
	}
	body, eb := readBody(r, h.cfg.Limits.MaxBody, "credential", "verifiableCredential", "options")
	if wrote(w, eb) {
		return
	}
	_, hasSigned := body["verifiableCredential"]
	cred, eb := body.object("credential", !hasSigned)
	if wrote(w, eb) {
		return
	}
	signed, eb := body.object("verifiableCredential", false)
	if wrote(w, eb) {
		return
	}
	var opts offerRequest
	if wrote(w, body.decode("options", &opts)) {
		return
	}
	o, err := h.CreateOffer(r.Context(), OfferRequest{Issuer: is.name, Credential: cred, Signed: signed, Formats: opts.Formats, TxCode: opts.TxCode, Learner: opts.Learner})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || strings.Contains(err.Error(), ": storing ") {
			h.log.Error("vcapi: creating an offer", "err", err)
			writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "issuer state unavailable", Detail: "the offer could not be stored"})
			return
		}
		writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "invalid offer", Detail: err.Error()})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, o)
}

// offerByReference answers GET /oid4vci/offers/{id}.
func (h *Handler) offerByReference(w http.ResponseWriter, r *http.Request) {
	t, err := h.cfg.Store.Ticket(r.Context(), kindOffer, r.PathValue("id"), h.cfg.Clock())
	if err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrTicketExpired) {
			writeProblem(w, http.StatusNotFound, problem{Type: typeMalformed, Title: "no such offer", Detail: "the credential offer does not exist or has expired"})
			return
		}
		h.log.Error("vcapi: reading an offer", "err", err)
		writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "issuer state unavailable", Detail: "the offer could not be read"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeRaw(w, http.StatusOK, "application/json", t.Data)
}

// oauthError is an OAuth 2.0 (RFC 6749 §5.2) / OpenID4VCI error answer.
func oauthError(w http.ResponseWriter, code int, e, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="`+e+`"`)
	}
	writeJSON(w, code, map[string]string{"error": e, "error_description": desc})
}

// token answers POST /oid4vci/token: the pre-authorized code grant
// (OpenID4VCI 1.0 §6).
func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/x-www-form-urlencoded") {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Content-Type: send application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			oauthError(w, http.StatusRequestEntityTooLarge, "invalid_request", fmt.Sprintf("the body is larger than %d bytes", mbe.Limit))
			return
		}
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not a form: "+err.Error())
		return
	}
	f := r.PostForm
	for k, v := range f {
		switch k {
		case "grant_type", "pre-authorized_code", "tx_code", "user_pin", "client_id":
		default:
			oauthError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("unknown parameter %q", k))
			return
		}
		if len(v) != 1 {
			oauthError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("parameter %q given %d times", k, len(v)))
			return
		}
	}
	if gt := f.Get("grant_type"); gt != grantPreAuth {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q: this server supports %s only", gt, grantPreAuth))
		return
	}
	code := f.Get("pre-authorized_code")
	if code == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "pre-authorized_code: missing")
		return
	}
	tx := f.Get("tx_code")
	if tx == "" {
		tx = f.Get("user_pin") // the drafts' name
	}
	ctx, now, st := r.Context(), h.cfg.Clock(), h.cfg.Store
	// Every attempt counts, so that a short tx_code cannot be guessed.
	t, err := st.AttemptTicket(ctx, kindCode, digest(code), now, h.oid.cfg.TxCodeAttempts)
	if err != nil {
		h.grantFailed(w, "pre-authorized_code", err)
		return
	}
	var g grant
	if err := json.Unmarshal(t.Data, &g); err != nil {
		h.log.Error("vcapi: a stored grant does not decode", "err", err)
		oauthError(w, http.StatusInternalServerError, "server_error", "the grant could not be read")
		return
	}
	switch {
	case g.TxCode != "" && tx == "":
		oauthError(w, http.StatusBadRequest, "invalid_request", "tx_code: this offer needs the transaction code")
		return
	case g.TxCode == "" && tx != "":
		oauthError(w, http.StatusBadRequest, "invalid_request", "tx_code: this offer has no transaction code")
		return
	case g.TxCode != "" && subtle.ConstantTimeCompare([]byte(digest(tx)), []byte(g.TxCode)) != 1:
		oauthError(w, http.StatusBadRequest, "invalid_grant", fmt.Sprintf("tx_code: wrong (%d of %d attempts used)", t.Attempts, h.oid.cfg.TxCodeAttempts))
		return
	}
	// The code is single use: of concurrent redemptions one wins.
	if _, err := st.UseTicket(ctx, kindCode, digest(code), now); err != nil {
		h.grantFailed(w, "pre-authorized_code", err)
		return
	}
	access := randomToken(32)
	if err := st.PutTicket(ctx, store.Ticket{Kind: kindToken, ID: digest(access), Data: t.Data, Expires: now.Add(h.oid.cfg.TokenTTL)}); err != nil {
		h.log.Error("vcapi: storing an access token", "err", err)
		oauthError(w, http.StatusServiceUnavailable, "server_error", "the access token could not be stored")
		return
	}
	nonce, err := h.newNonce(ctx)
	if err != nil {
		h.log.Error("vcapi: storing a nonce", "err", err)
		oauthError(w, http.StatusServiceUnavailable, "server_error", "the nonce could not be stored")
		return
	}
	details := []map[string]any{}
	for _, c := range g.Configs {
		details = append(details, map[string]any{"type": "openid_credential", "credential_configuration_id": c, "credential_identifiers": []string{c}})
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": int(h.oid.cfg.TokenTTL / time.Second),
		// c_nonce in the token response is the drafts'; 1.0 clients use the nonce endpoint.
		"c_nonce": nonce, "c_nonce_expires_in": int(h.oid.cfg.NonceTTL / time.Second),
		"authorization_details": details,
	})
}

// grantFailed answers a code that cannot be redeemed.
func (h *Handler) grantFailed(w http.ResponseWriter, what string, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		oauthError(w, http.StatusBadRequest, "invalid_grant", what+": unknown")
	case errors.Is(err, store.ErrTicketUsed):
		oauthError(w, http.StatusBadRequest, "invalid_grant", what+": already redeemed (single use)")
	case errors.Is(err, store.ErrTicketExpired):
		oauthError(w, http.StatusBadRequest, "invalid_grant", what+": expired")
	case errors.Is(err, store.ErrTooManyAttempts):
		oauthError(w, http.StatusBadRequest, "invalid_grant", what+": too many attempts (the offer is spent)")
	default:
		h.log.Error("vcapi: redeeming a code", "err", err)
		oauthError(w, http.StatusServiceUnavailable, "server_error", "the grant could not be read")
	}
}

func (h *Handler) newNonce(ctx context.Context) (string, error) {
	n := randomToken(24)
	return n, h.cfg.Store.PutTicket(ctx, store.Ticket{Kind: kindNonce, ID: n, Expires: h.cfg.Clock().Add(h.oid.cfg.NonceTTL)})
}

// nonce answers POST /oid4vci/nonce (OpenID4VCI 1.0 §7).
func (h *Handler) nonce(w http.ResponseWriter, r *http.Request) {
	n, err := h.newNonce(r.Context())
	if err != nil {
		h.log.Error("vcapi: storing a nonce", "err", err)
		oauthError(w, http.StatusServiceUnavailable, "server_error", "the nonce could not be stored")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"c_nonce": n})
}

// credentialRequest is the body of POST /oid4vci/credential: 1.0's
// credential_configuration_id (or credential_identifier) and proofs, or
// the drafts' format and proof.
type credentialRequest struct {
	ConfigurationID string `json:"credential_configuration_id"`
	Identifier      string `json:"credential_identifier"`
	Format          string `json:"format"`
	Proof           *struct {
		ProofType string `json:"proof_type"`
		JWT       string `json:"jwt"`
	} `json:"proof"`
	Proofs *struct {
		JWT []string `json:"jwt"`
	} `json:"proofs"`
}

// credential answers POST /oid4vci/credential (OpenID4VCI 1.0 §8).
func (h *Handler) credential(w http.ResponseWriter, r *http.Request) {
	ctx, now, st := r.Context(), h.cfg.Clock(), h.cfg.Store
	// From spec §8.2: the access token, as a Bearer token.
	tok, err := bearer(r)
	if err != nil {
		oauthError(w, http.StatusUnauthorized, "invalid_token", "an Authorization: Bearer access token is required")
		return
	}
	tt, err := st.Ticket(ctx, kindToken, digest(tok), now)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrTicketExpired) || errors.Is(err, store.ErrTicketUsed) {
			oauthError(w, http.StatusUnauthorized, "invalid_token", "the access token is unknown or expired")
			return
		}
		h.log.Error("vcapi: reading an access token", "err", err)
		oauthError(w, http.StatusServiceUnavailable, "server_error", "the access token could not be read")
		return
	}
	var g grant
	if err := json.Unmarshal(tt.Data, &g); err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "the grant could not be read")
		return
	}
	body, eb := readBody(r, h.cfg.Limits.MaxBody, "credential_configuration_id", "credential_identifier", "format", "credential_definition", "proof", "proofs")
	if eb != nil {
		oauthError(w, eb.code, "invalid_credential_request", eb.p.Detail)
		return
	}
	var req credentialRequest
	names := map[string][]string{"proof": {"proof_type", "jwt"}, "proofs": {"jwt"}}
	dec := func(name string, v any) error {
		b, ok := body[name]
		if !ok {
			return nil
		}
		if b[0] == '{' {
			if err := exactMembers(b, names[name]...); err != nil {
				return fmt.Errorf("%s: %v", name, err)
			}
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields()
		if err := d.Decode(v); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		return nil
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"credential_configuration_id", &req.ConfigurationID}, {"credential_identifier", &req.Identifier}, {"format", &req.Format}, {"proof", &req.Proof}, {"proofs", &req.Proofs}} {
		if err := dec(f.name, f.v); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_credential_request", err.Error())
			return
		}
	}
	// Which configuration: one of the grant's.
	config := req.ConfigurationID
	if config == "" {
		config = req.Identifier
	}
	if config == "" && req.Format != "" {
		for _, c := range g.Configs {
			if strings.HasSuffix(c, "_"+req.Format) {
				config = c
			}
		}
		if config == "" {
			oauthError(w, http.StatusBadRequest, "unsupported_credential_format", fmt.Sprintf("format %q was not offered", req.Format))
			return
		}
	}
	offered := false
	for _, c := range g.Configs {
		offered = offered || c == config
	}
	if !offered {
		oauthError(w, http.StatusBadRequest, "unknown_credential_configuration", fmt.Sprintf("credential_configuration_id %q: not in the offer (%v)", config, g.Configs))
		return
	}
	is, format, ok := h.splitConfigID(config)
	if !ok || is.name != g.Issuer {
		oauthError(w, http.StatusBadRequest, "unknown_credential_configuration", fmt.Sprintf("credential_configuration_id %q: unknown", config))
		return
	}
	var proofJWT string
	switch {
	case req.Proof != nil && req.Proofs != nil:
		oauthError(w, http.StatusBadRequest, "invalid_credential_request", "proof and proofs: send one")
		return
	case req.Proof != nil:
		if req.Proof.ProofType != "jwt" {
			oauthError(w, http.StatusBadRequest, "invalid_proof", fmt.Sprintf("proof.proof_type %q: want jwt", req.Proof.ProofType))
			return
		}
		proofJWT = req.Proof.JWT
	case req.Proofs != nil:
		if len(req.Proofs.JWT) != 1 {
			oauthError(w, http.StatusBadRequest, "invalid_proof", fmt.Sprintf("proofs.jwt: %d proofs, want one (one credential per request)", len(req.Proofs.JWT)))
			return
		}
		proofJWT = req.Proofs.JWT[0]
	default:
		oauthError(w, http.StatusBadRequest, "invalid_proof", "proof: missing (a jwt key proof binds the credential to the holder's key)")
		return
	}
	holder, nonce, err := verifyKeyProof(ctx, proofJWT, h.oid.cfg.Issuer, now, h.oid.cfg.ProofSkew)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_proof", err.Error())
		return
	}
	// A signed credential goes only to one of its subjects.
	if g.Signed != nil && !slices.Contains(g.Subjects, holder) {
		oauthError(w, http.StatusBadRequest, "invalid_proof", fmt.Sprintf("proof jwt: the key's DID %s is not a credentialSubject id of the offered credential", holder))
		return
	}
	// The nonce is single use; a replayed proof fails here.
	if _, err := st.UseTicket(ctx, kindNonce, nonce, now); err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrTicketUsed) || errors.Is(err, store.ErrTicketExpired) {
			desc := "proof nonce: unknown"
			if errors.Is(err, store.ErrTicketUsed) {
				desc = "proof nonce: used already (a proof is good for one request)"
			} else if errors.Is(err, store.ErrTicketExpired) {
				desc = "proof nonce: expired"
			}
			oauthError(w, http.StatusBadRequest, "invalid_nonce", desc+"; get a fresh one from the nonce endpoint")
			return
		}
		h.log.Error("vcapi: using a nonce", "err", err)
		oauthError(w, http.StatusServiceUnavailable, "server_error", "the nonce could not be checked")
		return
	}
	// One credential per configuration per access token.
	if err := st.PutTicket(ctx, store.Ticket{Kind: kindIssued, ID: digest(tok) + ":" + config, Expires: tt.Expires}); err != nil {
		if errors.Is(err, store.ErrTicketExists) {
			oauthError(w, http.StatusBadRequest, "invalid_credential_request", fmt.Sprintf("credential_configuration_id %q: already issued for this access token", config))
			return
		}
		h.log.Error("vcapi: logging a delivery", "err", err)
		oauthError(w, http.StatusServiceUnavailable, "server_error", "the delivery could not be logged")
		return
	}
	var signed []byte
	if g.Signed != nil {
		signed = g.Signed
	} else {
		unsigned, err := bindSubject(g.Credential, holder)
		if err != nil {
			oauthError(w, http.StatusInternalServerError, "server_error", "the offered credential could not be bound")
			return
		}
		if signed, err = h.deliver(ctx, is, format, unsigned, g.Learner, "oid4vci:"+is.name); err != nil {
			h.log.Error("vcapi: issuing an offered credential", "err", err, "issuer", is.name)
			oauthError(w, http.StatusServiceUnavailable, "server_error", "the credential could not be issued")
			return
		}
	}
	// The credential goes out as the exact bytes signed (and logged),
	// never re-encoded.
	cred := signed
	if format == formatJWT {
		cred, _ = json.Marshal(string(signed))
	}
	out := make([]byte, 0, len(cred)+64)
	if req.Format != "" {
		// The drafts' answer: one credential, its format.
		out = append(append(append(out, `{"credential":`...), cred...), `,"format":"`+format+`"}`...)
	} else {
		out = append(append(append(out, `{"credentials":[{"credential":`...), cred...), `}]}`...)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeRaw(w, http.StatusOK, "application/json", append(out, '\n'))
}

// deliver signs unsigned for a wallet in format (an embedded proof, or a
// VC-JWT for jwt_vc_json) and commits its record to the issued-credential
// log before returning it.
func (h *Handler) deliver(ctx context.Context, is *issuerState, format string, unsigned []byte, learner, ref string) ([]byte, error) {
	issuer, list, eb := h.issuerForRequest(is, &issueOptions{})
	if eb != nil {
		return nil, eb
	}
	if format == formatJWT {
		opts := append(append([]microcred.Option(nil), is.opts...), microcred.WithJWT(vcjwt.FormatOB3))
		if list != nil {
			opts = append(opts, microcred.WithStatus(recordingAllocator{list}, list.spec.Purpose))
		}
		var err error
		if issuer, err = microcred.NewIssuer(is.signer, opts...); err != nil {
			return nil, err
		}
	}
	s := &slot{index: -1}
	ctx = context.WithValue(ctx, slotKey{}, s)
	id := "urn:uuid:" + uuid4()
	unsigned, err := setIDIfMissing(unsigned, id)
	if err != nil {
		return nil, err
	}
	if c, perr := parseID(unsigned); perr == nil {
		id = c
	}
	signed, err := issuer.Issue(ctx, unsigned)
	if err != nil {
		return nil, err
	}
	rec := store.Record{CredentialID: id, Learner: learner, ListURL: s.url, Index: s.index, Ref: ref, LeafHash: anchor.Leaf(signed), IssuedAt: h.cfg.Clock().UTC()}
	if err := h.records.record(ctx, rec); err != nil {
		return nil, err
	}
	return signed, nil
}

// parseID is the top-level id of an unsigned credential.
func parseID(cred []byte) (string, error) { return topLevelID(cred) }

// verifyKeyProof checks a jwt key proof (OpenID4VCI 1.0 Appendix F.1) and
// returns the holder's DID and the proof's nonce (which the caller must
// consume).
func verifyKeyProof(ctx context.Context, token, aud string, now time.Time, skew time.Duration) (holder, nonce string, err error) {
	hk, payload, err := verifyProofJWS(ctx, token)
	if err != nil {
		return "", "", err
	}
	var c struct {
		Iss   *string         `json:"iss"`
		Aud   json.RawMessage `json:"aud"`
		Iat   *json.Number    `json:"iat"`
		Exp   *json.Number    `json:"exp"`
		Nbf   *json.Number    `json:"nbf"`
		Nonce *string         `json:"nonce"`
		Jti   *string         `json:"jti"`
	}
	if err := exactMembers(payload, jsonNames(&c)...); err != nil {
		return "", "", fmt.Errorf("proof jwt: claims: %v", err)
	}
	d := json.NewDecoder(bytes.NewReader(payload))
	d.DisallowUnknownFields()
	d.UseNumber()
	if err := d.Decode(&c); err != nil {
		return "", "", fmt.Errorf("proof jwt: claims: %v", err)
	}
	// aud: the credential issuer identifier (a string, or an array of it alone).
	var audS string
	var audA []string
	switch {
	case json.Unmarshal(c.Aud, &audS) == nil:
	case json.Unmarshal(c.Aud, &audA) == nil && len(audA) == 1:
		audS = audA[0]
	default:
		return "", "", errors.New("proof jwt: aud: missing, or not the credential issuer alone")
	}
	if audS != aud {
		return "", "", fmt.Errorf("proof jwt: aud %q: want the credential issuer %q", audS, aud)
	}
	// iat: required, and fresh.
	if c.Iat == nil {
		return "", "", errors.New("proof jwt: iat: missing")
	}
	iat, err := numericDate(*c.Iat)
	if err != nil {
		return "", "", fmt.Errorf("proof jwt: iat: %v", err)
	}
	if iat.Before(now.Add(-skew)) || iat.After(now.Add(skew)) {
		return "", "", fmt.Errorf("proof jwt: iat %s: more than %s from now", iat.UTC().Format(time.RFC3339), skew)
	}
	if c.Exp != nil {
		exp, err := numericDate(*c.Exp)
		if err != nil {
			return "", "", fmt.Errorf("proof jwt: exp: %v", err)
		}
		if !now.Before(exp) {
			return "", "", fmt.Errorf("proof jwt: exp %s: expired", exp.UTC().Format(time.RFC3339))
		}
	}
	if c.Nbf != nil {
		nbf, err := numericDate(*c.Nbf)
		if err != nil {
			return "", "", fmt.Errorf("proof jwt: nbf: %v", err)
		}
		if now.Add(skew).Before(nbf) {
			return "", "", fmt.Errorf("proof jwt: nbf %s: not yet valid", nbf.UTC().Format(time.RFC3339))
		}
	}
	if c.Nonce == nil || *c.Nonce == "" {
		return "", "", errors.New("proof jwt: nonce: missing (get one from the nonce endpoint)")
	}
	return hk, *c.Nonce, nil
}

func numericDate(n json.Number) (time.Time, error) {
	f, err := n.Float64()
	if err != nil || f < 0 || f > 1e11 {
		return time.Time{}, fmt.Errorf("%q is not a NumericDate", n.String())
	}
	sec := new(big.Float).SetFloat64(f)
	s, _ := sec.Int64()
	return time.Unix(s, 0), nil
}

// randomToken is n random bytes, base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomDigits is n uniformly random decimal digits.
func randomDigits(n int) string {
	var sb strings.Builder
	for range n {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			panic(err)
		}
		sb.WriteByte(byte('0' + d.Int64()))
	}
	return sb.String()
}

// uuid4 is a random UUID.
func uuid4() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// digest is the SHA-256 hex of a secret, the form it is stored in.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
