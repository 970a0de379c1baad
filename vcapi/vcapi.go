package vcapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

// Config is what New needs. Issuers, Trusted and Auth are required (an
// empty Issuers list serves a verifier only); Store is required when an
// issuer has status lists.
type Config struct {
	// Issuers are served at /issuers/{Name}/....
	Issuers []Issuer
	// Store holds the issuers' status lists and the issued-credential log.
	// The Handler does not close it.
	Store store.Store
	// Trusted is the verifier's trust material (resolver, suites).
	Trusted microcred.Trusted
	// VerifierOptions are added to the verifier's (the status fetcher is
	// the Handler's own: do not pass microcred.WithStatusFetcher).
	VerifierOptions []microcred.Option
	// Policy is the verification policy of every request (whom to trust);
	// a request's options.checks ["proof"] drops its issuer trust.
	Policy microcred.Policy
	// StatusFetcher, if set, fetches status lists this service does not
	// host (NewHTTPStatusFetcher). Nil: a credential whose list is
	// elsewhere fails its status check.
	StatusFetcher status.Fetcher
	// Auth guards the issue and status routes. Required.
	Auth Authenticator
	// Logger receives one line per request and the errors; nil discards.
	Logger *slog.Logger
	// Limits bound requests; zero fields take their defaults.
	Limits Limits
	// Clock is the time used for issuing and verifying; nil is time.Now.
	Clock func() time.Time
	// OID4VCI, if set, serves OpenID for Verifiable Credential Issuance
	// 1.0 (pre-authorized code flow) for every issuer; it needs Store.
	OID4VCI *OID4VCI
	// Exchanges, if set, serves VC-API exchanges (DID authentication,
	// then the credential) for every issuer; it needs Store.
	Exchanges *Exchanges
}

// Issuer is one issuing identity of the service.
type Issuer struct {
	// Name is the path segment: /issuers/{Name}/credentials/issue.
	Name string
	// Signer is the issuer's key; its DID is the credentials' issuer.
	Signer proof.Signer
	// Suite is the proof suite. For ecdsa-sd-2023 (*ecdsasd2023.Suite) a
	// request's options.mandatoryPointers add to the suite's own pointers.
	Suite proof.Suite
	// StatusLists, if any, give every credential a status entry: in the
	// first list, or in the one whose purpose options.credentialStatus names.
	StatusLists []StatusList
	// Options are further issuer options (for example
	// microcred.WithoutAutofill). Status and suite options are set from the
	// fields above.
	Options []microcred.Option
}

// StatusList is a Bitstring Status List the service keeps in its store,
// signs with its issuer's key and publishes at URL's path.
type StatusList struct {
	// URL is the list credential's id and where verifiers fetch it: the
	// Handler serves GET requests for its path.
	URL string
	// Purpose is status.Revocation (the default) or status.Suspension.
	Purpose string
	// Entries is the number of entries: default 131,072 (the minimum the
	// Bitstring Status List spec asks, for herd privacy).
	Entries int
	// MaxAge is how long clients may cache the list (Cache-Control
	// max-age); default 5 minutes.
	MaxAge time.Duration
}

// Limits bound each request.
type Limits struct {
	// MaxBody is the largest request body read, in bytes (default 1 MiB;
	// larger bodies get 413).
	MaxBody int64
	// Timeout bounds the work on one request (default 30 s).
	Timeout time.Duration
	// BlockSize is how many status indexes are reserved from the store at
	// a time (default 64: a killed process leaves a gap of at most two
	// blocks).
	BlockSize int
}

const (
	defaultMaxBody   = 1 << 20
	defaultTimeout   = 30 * time.Second
	defaultBlockSize = 64
	defaultListAge   = 5 * time.Minute
)

// Handler is the VC API service. It is safe for concurrent use.
type Handler struct {
	cfg      Config
	log      *slog.Logger
	verifier *microcred.Verifier
	issuers  map[string]*issuerState
	names    []string
	lists    map[string]*hostedList // by URL
	paths    map[string]*hostedList // by URL path
	records  *groupLog
	mux      *http.ServeMux
	sd       *ecdsasd2023.Suite // the holder's derivations
	metrics  metrics
	oid      *oidState
	ex       *exState
	closeMu  sync.Mutex
	closed   bool
}

var _ http.Handler = (*Handler)(nil)

// New checks cfg, creates the configured status lists in the store (a
// list that exists must match: same issuer, purpose and size) and returns
// the Handler. Close it to commit pending records and give unused status
// indexes back.
func New(ctx context.Context, cfg Config) (*Handler, error) {
	if cfg.Auth == nil {
		return nil, errors.New("vcapi: Config.Auth is required (Tokens, OAuth2 or NoAuthUnsafe)")
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Limits.MaxBody <= 0 {
		cfg.Limits.MaxBody = defaultMaxBody
	}
	if cfg.Limits.Timeout <= 0 {
		cfg.Limits.Timeout = defaultTimeout
	}
	if cfg.Limits.BlockSize <= 0 {
		cfg.Limits.BlockSize = defaultBlockSize
	}
	h := &Handler{
		cfg:     cfg,
		log:     cfg.Logger,
		issuers: map[string]*issuerState{},
		lists:   map[string]*hostedList{},
		paths:   map[string]*hostedList{},
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	opts := append([]microcred.Option{
		microcred.WithStatusFetcher(statusFetcher{h}),
		microcred.WithClock(cfg.Clock),
	}, cfg.VerifierOptions...)
	v, err := microcred.NewVerifier(cfg.Trusted, opts...)
	if err != nil {
		return nil, fmt.Errorf("vcapi: verifier: %w", err)
	}
	h.verifier = v
	if h.sd, err = ecdsasd2023.New(contexts.Default()); err != nil {
		return nil, fmt.Errorf("vcapi: ecdsa-sd-2023: %w", err)
	}
	if cfg.Store != nil {
		h.records = newGroupLog(cfg.Store, h.log)
	}
	for i := range cfg.Issuers {
		if err := h.addIssuer(ctx, &cfg.Issuers[i]); err != nil {
			h.Close(ctx)
			return nil, err
		}
	}
	sort.Strings(h.names)
	if err := h.setupOID4VCI(); err != nil {
		h.Close(ctx)
		return nil, err
	}
	if err := h.setupExchanges(); err != nil {
		h.Close(ctx)
		return nil, err
	}
	h.routes()
	return h, nil
}

// Close commits the records still pending and gives the unused part of
// every reserved index block back to the store. Requests arriving after
// Close answer 503.
func (h *Handler) Close(ctx context.Context) error {
	h.closeMu.Lock()
	if h.closed {
		h.closeMu.Unlock()
		return nil
	}
	h.closed = true
	h.closeMu.Unlock()
	var errs []error
	if h.records != nil {
		errs = append(errs, h.records.close())
	}
	for _, is := range h.issuers {
		for _, l := range is.lists {
			if l.blocks != nil {
				errs = append(errs, l.blocks.Close(ctx))
			}
		}
	}
	return errors.Join(errs...)
}

func (h *Handler) isClosed() bool {
	h.closeMu.Lock()
	defer h.closeMu.Unlock()
	return h.closed
}

func (h *Handler) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", h.info)
	m.HandleFunc("GET /metrics", h.serveMetrics)
	m.HandleFunc("POST /issuers/{name}/credentials/issue", h.protected(h.issue))
	m.HandleFunc("POST /issuers/{name}/credentials/status", h.protected(h.updateStatus))
	m.HandleFunc("POST /credentials/verify", h.verifyCredential)
	m.HandleFunc("POST /presentations/verify", h.verifyPresentation)
	m.HandleFunc("POST /credentials/derive", h.derive)
	for path := range h.paths {
		m.HandleFunc("GET "+path, h.serveList)
	}
	h.oidRoutes(m)
	h.exchangeRoutes(m)
	h.mux = m
}

// ServeHTTP implements http.Handler: the routes above, with the body
// limit, the timeout, panic recovery, metrics and a log line per request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := &recorder{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.log.Error("vcapi: panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !rw.wrote {
				writeProblem(rw, http.StatusInternalServerError, problem{Type: typeInternal, Title: "internal error", Detail: "the request could not be handled"})
			}
		}
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		h.metrics.observe(route, rw.status(), time.Since(start))
		h.log.Info("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", rw.status(), "bytes", rw.n, "duration", time.Since(start), "remote", r.RemoteAddr)
	}()
	if h.isClosed() {
		writeProblem(rw, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "shutting down", Detail: "the service is closing"})
		return
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(rw, r.Body, h.cfg.Limits.MaxBody)
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.cfg.Limits.Timeout)
	defer cancel()
	r = r.WithContext(ctx)
	// Unknown routes and wrong methods answer JSON problems, not the
	// mux's text.
	if _, pattern := h.mux.Handler(r); pattern == "" {
		h.notFound(rw, r)
		return
	}
	h.mux.ServeHTTP(rw, r)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	// A path that exists with another method is a 405.
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" {
			w.Header().Set("Allow", m)
			writeProblem(w, http.StatusMethodNotAllowed, problem{Type: typeMalformed, Title: "method not allowed", Detail: fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, m)})
			return
		}
	}
	writeProblem(w, http.StatusNotFound, problem{Type: typeMalformed, Title: "not found", Detail: fmt.Sprintf("no route %s %s", r.Method, r.URL.Path)})
}

// info answers GET /: what the service offers.
func (h *Handler) info(w http.ResponseWriter, r *http.Request) {
	type issuerInfo struct {
		Name        string   `json:"name"`
		ID          string   `json:"id"`
		Suite       string   `json:"suite"`
		Endpoint    string   `json:"endpoint"`
		StatusLists []string `json:"statusLists,omitempty"`
	}
	out := struct {
		Service string       `json:"service"`
		Version string       `json:"version"`
		Issuers []issuerInfo `json:"issuers"`
		Routes  []string     `json:"routes"`
	}{Service: "microcred VC API", Version: moduleVersion(), Issuers: []issuerInfo{}}
	for _, n := range h.names {
		is := h.issuers[n]
		ii := issuerInfo{Name: n, ID: is.did, Suite: suiteName(is.suite), Endpoint: "/issuers/" + n + "/credentials/issue"}
		for _, l := range is.lists {
			ii.StatusLists = append(ii.StatusLists, l.spec.URL)
		}
		out.Issuers = append(out.Issuers, ii)
	}
	out.Routes = []string{"POST /issuers/{name}/credentials/issue", "POST /issuers/{name}/credentials/status", "POST /credentials/verify", "POST /presentations/verify", "POST /credentials/derive", "GET /metrics"}
	if h.oid != nil {
		out.Routes = append(out.Routes, "POST /issuers/{name}/offers", "GET /.well-known/openid-credential-issuer", "GET /.well-known/oauth-authorization-server", "GET /oid4vci/offers/{id}", "POST /oid4vci/token", "POST /oid4vci/nonce", "POST /oid4vci/credential")
	}
	if h.ex != nil {
		out.Routes = append(out.Routes, "POST /issuers/{name}/exchanges", "GET /exchanges/{id}", "POST /exchanges/{id}")
	}
	writeJSON(w, http.StatusOK, out)
}

func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/onchaincert/microcred" {
			return d.Version
		}
	}
	if bi.Main.Path == "github.com/onchaincert/microcred" && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	code  int
	n     int64
	wrote bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.code, r.wrote = http.StatusOK, true
	}
	n, err := r.ResponseWriter.Write(b)
	r.n += int64(n)
	return n, err
}

func (r *recorder) status() int {
	if !r.wrote {
		return http.StatusOK
	}
	return r.code
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// issuerName is the {name} of a request, checked.
func (h *Handler) issuerFor(w http.ResponseWriter, r *http.Request) (*issuerState, bool) {
	name := r.PathValue("name")
	is, ok := h.issuers[name]
	if !ok {
		writeProblem(w, http.StatusNotFound, problem{Type: typeMalformed, Title: "unknown issuer", Detail: fmt.Sprintf("no issuer %q here (issuers: %s)", name, strings.Join(h.names, ", "))})
		return nil, false
	}
	return is, true
}
