package vcapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/store"
)

// Exchanges configures VC-API exchanges as the DCC Learner Credential
// Wallet speaks them (Config.Exchanges): an issuer creates an exchange
// for a credential template, the wallet authenticates its DID with a
// presentation bound to the exchange's challenge and domain, and receives
// the credential issued to that DID. BaseURL is required; zero fields take
// their defaults.
type Exchanges struct {
	// BaseURL is the URL wallets reach this service at (https; http only
	// for a loopback host), without a path; its host is the presentations'
	// domain.
	BaseURL string
	// TTL is how long an exchange can be completed: default 15 minutes.
	TTL time.Duration
	// MaxPosts is how many POSTs one exchange answers, good or bad:
	// default 10 (the wallet needs two).
	MaxPosts int
}

const kindExchange = "vcapi-exchange"

// exchangeState is an exchange as the store keeps it.
type exchangeState struct {
	Issuer     string          `json:"issuer"`
	Credential json.RawMessage `json:"credential"`
	Learner    string          `json:"learner,omitempty"`
	Challenge  string          `json:"challenge"`
}

type exState struct {
	cfg    Exchanges
	domain string
}

func (h *Handler) setupExchanges() error {
	c := h.cfg.Exchanges
	if c == nil {
		return nil
	}
	if h.cfg.Store == nil {
		return errors.New("vcapi: Exchanges: Config.Store is required (exchanges live in it)")
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || (u.Path != "" && u.Path != "/") || strings.HasSuffix(c.BaseURL, "/") {
		return fmt.Errorf("vcapi: Exchanges.BaseURL %q: want an absolute URL without path, query or fragment", c.BaseURL)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
		return fmt.Errorf("vcapi: Exchanges.BaseURL %q: want https (http only for a loopback host)", c.BaseURL)
	}
	o := *c
	if o.TTL <= 0 {
		o.TTL = 15 * time.Minute
	}
	if o.MaxPosts <= 0 {
		o.MaxPosts = 10
	}
	h.ex = &exState{cfg: o, domain: u.Host}
	return nil
}

func (h *Handler) exchangeRoutes(m *http.ServeMux) {
	if h.ex == nil {
		return
	}
	m.HandleFunc("POST /issuers/{name}/exchanges", h.protected(h.createExchangeRoute))
	m.HandleFunc("GET /exchanges/{id}", h.exchangeProtocols)
	m.HandleFunc("POST /exchanges/{id}", h.exchangePost)
}

// ExchangeRequest is what CreateExchange needs.
type ExchangeRequest struct {
	// Issuer names the configured issuer that signs.
	Issuer string
	// Credential is the unsigned template, as for OfferRequest.
	Credential []byte
	// Learner is the learner's identifier, for the issued-credential log.
	Learner string
}

// Exchange is a created exchange: where the wallet goes.
type Exchange struct {
	ID string `json:"exchangeId"`
	// URL is the exchange itself (protocols.vcapi): the wallet POSTs to it.
	URL string `json:"exchangeURL"`
	// InteractionURL (…?iuv=1) answers GET with the protocols it offers.
	InteractionURL string `json:"interactionURL"`
	// DeepLink opens the Learner Credential Wallet on the exchange
	// (https://lcw.app/request?request=…, a Wallet API message naming
	// protocols.vcapi); CustomDeepLink is the same under dccrequest://.
	DeepLink       string    `json:"deepLink"`
	CustomDeepLink string    `json:"customDeepLink"`
	Expires        time.Time `json:"expires"`
}

// errExchangesDisabled is returned by CreateExchange when
// Config.Exchanges is nil.
var errExchangesDisabled = errors.New("vcapi: exchanges are not configured")

// CreateExchange creates an exchange that issues the template, checked by
// signing it once, to the DID the wallet authenticates.
func (h *Handler) CreateExchange(ctx context.Context, req ExchangeRequest) (*Exchange, error) {
	if h.ex == nil {
		return nil, errExchangesDisabled
	}
	is := h.issuers[req.Issuer]
	if is == nil {
		return nil, fmt.Errorf("vcapi: exchange: issuer: no issuer %q", req.Issuer)
	}
	if len(req.Credential) > maxTemplateBytes {
		return nil, fmt.Errorf("vcapi: exchange: credential: %d bytes (at most %d)", len(req.Credential), maxTemplateBytes)
	}
	probe, err := bindSubject(req.Credential, "did:example:holder")
	if err != nil {
		return nil, fmt.Errorf("vcapi: exchange: credential: %w", err)
	}
	if _, err := is.plain.Issue(ctx, probe); err != nil {
		return nil, fmt.Errorf("vcapi: exchange: credential: cannot be issued: %w", err)
	}
	now := h.cfg.Clock()
	st := exchangeState{Issuer: is.name, Credential: req.Credential, Learner: req.Learner, Challenge: randomToken(24)}
	data, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	id := randomToken(18)
	if _, err := h.cfg.Store.PurgeTickets(ctx, now); err != nil {
		h.log.Warn("vcapi: purging expired tickets", "err", err)
	}
	expires := now.Add(h.ex.cfg.TTL)
	if err := h.cfg.Store.PutTicket(ctx, store.Ticket{Kind: kindExchange, ID: id, Data: data, Expires: expires}); err != nil {
		return nil, fmt.Errorf("vcapi: exchange: storing it: %w", err)
	}
	ex := h.ex.cfg.BaseURL + "/exchanges/" + id
	msg, _ := json.Marshal(map[string]any{"credentialRequestOrigin": h.ex.cfg.BaseURL, "protocols": map[string]string{"vcapi": ex}})
	q := "request=" + url.QueryEscape(string(msg))
	return &Exchange{ID: id, URL: ex, InteractionURL: ex + "?iuv=1", Expires: expires,
		DeepLink: "https://lcw.app/request?" + q, CustomDeepLink: "dccrequest://request?" + q}, nil
}

// createExchangeRoute answers POST /issuers/{name}/exchanges.
func (h *Handler) createExchangeRoute(w http.ResponseWriter, r *http.Request) {
	is, ok := h.issuerFor(w, r)
	if !ok {
		return
	}
	var opts struct {
		Learner string `json:"learner"`
	}
	cred, ok := readObjectRequest(w, r, h.cfg.Limits.MaxBody, "credential", &opts)
	if !ok {
		return
	}
	ex, err := h.CreateExchange(r.Context(), ExchangeRequest{Issuer: is.name, Credential: cred, Learner: opts.Learner})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || strings.Contains(err.Error(), ": storing it") {
			h.log.Error("vcapi: creating an exchange", "err", err)
			writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "issuer state unavailable", Detail: "the exchange could not be stored"})
			return
		}
		writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "invalid exchange", Detail: err.Error()})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, ex)
}

// exchangeFailed answers an exchange that cannot go on.
func (h *Handler) exchangeFailed(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, http.StatusNotFound, problem{Type: typeMalformed, Title: "no such exchange", Detail: "exchange: unknown"})
	case errors.Is(err, store.ErrTicketExpired):
		writeProblem(w, http.StatusGone, problem{Type: typeMalformed, Title: "exchange expired", Detail: "exchange: expired; ask the issuer for a new one"})
	case errors.Is(err, store.ErrTicketUsed):
		writeProblem(w, http.StatusConflict, problem{Type: typeConflict, Title: "exchange complete", Detail: "exchange: already completed (single use)"})
	case errors.Is(err, store.ErrTooManyAttempts):
		w.Header().Set("Retry-After", "60")
		writeProblem(w, http.StatusTooManyRequests, problem{Type: typeMalformed, Title: "too many requests", Detail: fmt.Sprintf("exchange: more than %d requests", h.ex.cfg.MaxPosts)})
	default:
		h.log.Error("vcapi: reading an exchange", "err", err)
		writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "issuer state unavailable", Detail: "the exchange could not be read"})
	}
}

// exchangeProtocols answers GET /exchanges/{id} (the interaction URL,
// ?iuv=1): the protocols the exchange offers.
func (h *Handler) exchangeProtocols(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := h.cfg.Store.Ticket(r.Context(), kindExchange, id, h.cfg.Clock()); err != nil {
		h.exchangeFailed(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"protocols": map[string]string{"vcapi": h.ex.cfg.BaseURL + "/exchanges/" + id}})
}

// exchangePost answers POST /exchanges/{id}: {} starts the exchange (the
// answer is the DID authentication request), {"verifiablePresentation"}
// completes it.
func (h *Handler) exchangePost(w http.ResponseWriter, r *http.Request) {
	ctx, now, id := r.Context(), h.cfg.Clock(), r.PathValue("id")
	// Every POST counts against the exchange's budget, before any work.
	t, err := h.cfg.Store.AttemptTicket(ctx, kindExchange, id, now, h.ex.cfg.MaxPosts)
	if err != nil {
		h.exchangeFailed(w, err)
		return
	}
	var st exchangeState
	if err := json.Unmarshal(t.Data, &st); err != nil {
		writeProblem(w, http.StatusInternalServerError, problem{Type: typeInternal, Title: "internal error", Detail: "the exchange could not be read"})
		return
	}
	body, eb := readBody(r, h.cfg.Limits.MaxBody, "verifiablePresentation")
	if wrote(w, eb) {
		return
	}
	vp, ok := body["verifiablePresentation"]
	if !ok {
		// Step 1: the request for DID authentication.
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]any{"verifiablePresentationRequest": map[string]any{
			"query":     []map[string]any{{"type": "DIDAuthentication", "acceptedMethods": []map[string]string{{"method": "key"}, {"method": "jwk"}}}},
			"challenge": st.Challenge,
			"domain":    h.ex.domain,
			"interact":  map[string]any{"service": []map[string]string{{"type": "UnmediatedHttpPresentationService2021", "serviceEndpoint": h.ex.cfg.BaseURL + "/exchanges/" + id}}},
		}})
		return
	}
	if vp[0] != '{' {
		writeProblem(w, http.StatusBadRequest, problem{Type: typeParsing, Title: "malformed request", Detail: fmt.Sprintf("verifiablePresentation: a JSON %s, want an object", jsonKind(vp))})
		return
	}
	// Step 2: the presentation, for authentication, with this exchange's
	// challenge and this service's domain, signed by its holder.
	res, err := h.verifier.VerifyPresentation(ctx, vp, h.cfg.Policy, microcred.PresentationOptions{Challenge: st.Challenge, Domain: h.ex.domain})
	if err != nil {
		writeProblem(w, http.StatusBadRequest, problem{Type: typeProofVerify, Title: "DID authentication failed", Detail: "verifiablePresentation: " + err.Error()})
		return
	}
	holder := res.Holder
	if !strings.HasPrefix(holder, "did:key:") && !strings.HasPrefix(holder, "did:jwk:") {
		writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "DID authentication failed", Detail: fmt.Sprintf("verifiablePresentation.holder %q: want a did:key or did:jwk", holder)})
		return
	}
	// Single use: of concurrent completions one wins.
	if _, err := h.cfg.Store.UseTicket(ctx, kindExchange, id, now); err != nil {
		h.exchangeFailed(w, err)
		return
	}
	is := h.issuers[st.Issuer]
	if is == nil {
		writeProblem(w, http.StatusInternalServerError, problem{Type: typeInternal, Title: "internal error", Detail: "the exchange's issuer is no longer configured"})
		return
	}
	unsigned, err := bindSubject(st.Credential, holder)
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, problem{Type: typeInternal, Title: "internal error", Detail: "the template could not be bound"})
		return
	}
	signed, err := h.deliver(ctx, is, formatLDP, unsigned, st.Learner, "exchange:"+is.name)
	if err != nil {
		h.log.Error("vcapi: issuing in an exchange", "err", err, "issuer", is.name)
		writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "cannot issue", Detail: "the credential could not be issued"})
		return
	}
	out := make([]byte, 0, len(signed)+160)
	out = append(out, `{"verifiablePresentation":{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"verifiableCredential":[`...)
	out = append(out, signed...)
	out = append(out, "]}}\n"...)
	w.Header().Set("Cache-Control", "no-store")
	writeRaw(w, http.StatusOK, "application/json", out)
}
