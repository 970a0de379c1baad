package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"sort"
	"syscall"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vcapi"
)

// serveConfig is the part of the config file only serve reads.
//
//	{
//	  "listen": "127.0.0.1:40443",
//	  "tls": {"selfSigned": true},             // or {"cert": "cert.pem", "key": "key.pem"}; absent: plain HTTP
//	  "store": "state.db",                      // or postgres://...
//	  "auth": {"none": true},                   // loopback only; or {"tokens": [...]} / {"oauth2": {...}}
//	  "issuers": [{"name": "school", "key": "ed.json", "suite": "eddsa-rdfc-2022",
//	               "statusList": {"purpose": "revocation", "url": "https://127.0.0.1:40443/status/school/1"}}],
//	  "verifier": {"anyIssuer": true},         // or {"trustIssuers": ["did:..."]}
//	  "oid4vci": {"issuer": "https://127.0.0.1:40443", "offerTTL": "15m"},  // optional: OpenID4VCI
//	  "exchanges": {"baseURL": "https://127.0.0.1:40443", "ttl": "15m", "maxPosts": 10}  // optional: VC-API exchanges
//	}
type serveConfig struct {
	Listen   string          `json:"listen,omitempty"`
	TLS      *tlsConfig      `json:"tls,omitempty"`
	Auth     *authConfig     `json:"auth,omitempty"`
	Verifier *verifierConfig `json:"verifier,omitempty"`
	// MaxBody is the largest request body in bytes (default 1 MiB).
	MaxBody int64 `json:"maxBody,omitempty"`
	// Timeouts bound slow clients and slow work (Go durations: "5s").
	Timeouts *timeoutsConfig `json:"timeouts,omitempty"`
	// OID4VCI, if present, serves OpenID4VCI (pre-authorized code flow).
	OID4VCI *oid4vciConfig `json:"oid4vci,omitempty"`
	// Exchanges, if present, serves VC-API exchanges for wallets.
	Exchanges *exchangesConfig `json:"exchanges,omitempty"`
}

// exchangesConfig is vcapi.Exchanges in the config file; baseURL defaults
// as oid4vci.issuer does.
type exchangesConfig struct {
	BaseURL  string `json:"baseURL,omitempty"`
	TTL      string `json:"ttl,omitempty"`
	MaxPosts int    `json:"maxPosts,omitempty"`
}

func (e *exchangesConfig) options(listen string, tls bool) (*vcapi.Exchanges, error) {
	out := &vcapi.Exchanges{BaseURL: e.BaseURL, MaxPosts: e.MaxPosts}
	if out.BaseURL == "" {
		base, err := listenURL(listen, tls)
		if err != nil {
			return nil, errors.New("config: exchanges.baseURL: missing (the listen address names no host and port to derive it from)")
		}
		out.BaseURL = base
	}
	if e.TTL != "" {
		d, err := time.ParseDuration(e.TTL)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("config: exchanges.ttl %q: want a positive Go duration such as 15m", e.TTL)
		}
		out.TTL = d
	}
	if e.MaxPosts < 0 {
		return nil, fmt.Errorf("config: exchanges.maxPosts %d: want a positive number", e.MaxPosts)
	}
	return out, nil
}

// listenURL is the URL of a listen address that names its host and port.
func listenURL(listen string, tls bool) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil || port == "0" || host == "" {
		return "", errors.New("no host and port")
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port), nil
}

// oid4vciConfig is vcapi.OID4VCI in the config file: durations as Go
// durations ("15m"), the issuer identifier by default the listen address
// (when it names a port) under http, or https with tls.
type oid4vciConfig struct {
	Issuer         string `json:"issuer,omitempty"`
	OfferTTL       string `json:"offerTTL,omitempty"`
	TokenTTL       string `json:"tokenTTL,omitempty"`
	NonceTTL       string `json:"nonceTTL,omitempty"`
	ProofSkew      string `json:"proofSkew,omitempty"`
	TxCodeAttempts int    `json:"txCodeAttempts,omitempty"`
}

// options returns the vcapi options of o.
func (o *oid4vciConfig) options(listen string, tls bool) (*vcapi.OID4VCI, error) {
	out := &vcapi.OID4VCI{Issuer: o.Issuer, TxCodeAttempts: o.TxCodeAttempts}
	if out.Issuer == "" {
		base, err := listenURL(listen, tls)
		if err != nil {
			return nil, errors.New("config: oid4vci.issuer: missing (the listen address names no host and port to derive it from)")
		}
		out.Issuer = base
	}
	for _, f := range []struct {
		name, v string
		d       *time.Duration
	}{{"offerTTL", o.OfferTTL, &out.OfferTTL}, {"tokenTTL", o.TokenTTL, &out.TokenTTL}, {"nonceTTL", o.NonceTTL, &out.NonceTTL}, {"proofSkew", o.ProofSkew, &out.ProofSkew}} {
		if f.v == "" {
			continue
		}
		d, err := time.ParseDuration(f.v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("config: oid4vci.%s %q: want a positive Go duration such as 10m", f.name, f.v)
		}
		*f.d = d
	}
	if o.TxCodeAttempts < 0 {
		return nil, fmt.Errorf("config: oid4vci.txCodeAttempts %d: want a positive number", o.TxCodeAttempts)
	}
	return out, nil
}

type timeoutsConfig struct {
	// ReadHeader: the request line and headers (default 5s).
	ReadHeader string `json:"readHeader,omitempty"`
	// Read: the whole request, body included (default 30s).
	Read string `json:"read,omitempty"`
	// Write: from the end of the headers to the end of the answer (60s).
	Write string `json:"write,omitempty"`
	// Idle: a kept-alive connection between requests (120s).
	Idle string `json:"idle,omitempty"`
	// Request: the work on one request (30s).
	Request string `json:"request,omitempty"`
}

// durations returns the timeouts, defaults filled in.
func (t *timeoutsConfig) durations() (readHeader, read, write, idle, request time.Duration, err error) {
	readHeader, read, write, idle, request = 5*time.Second, 30*time.Second, 60*time.Second, 120*time.Second, 30*time.Second
	if t == nil {
		return
	}
	for _, f := range []struct {
		name string
		v    string
		d    *time.Duration
	}{{"readHeader", t.ReadHeader, &readHeader}, {"read", t.Read, &read}, {"write", t.Write, &write}, {"idle", t.Idle, &idle}, {"request", t.Request, &request}} {
		if f.v == "" {
			continue
		}
		d, perr := time.ParseDuration(f.v)
		if perr != nil || d <= 0 {
			err = fmt.Errorf("config: timeouts.%s %q: want a positive Go duration such as 5s", f.name, f.v)
			return
		}
		*f.d = d
	}
	return
}

type tlsConfig struct {
	SelfSigned bool   `json:"selfSigned,omitempty"`
	Cert       string `json:"cert,omitempty"`
	Key        string `json:"key,omitempty"`
}

type authConfig struct {
	None bool `json:"none,omitempty"`
	// Tokens are bearer tokens by their SHA-256 (lowercase hex); make one
	// with `microcred serve --hash-token`.
	Tokens []struct {
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
	} `json:"tokens,omitempty"`
	OAuth2 *struct {
		Issuer   string `json:"issuer"`
		Audience string `json:"audience"`
		Scope    string `json:"scope,omitempty"`
		// JWKS is a file holding the authorization server's public JWK set.
		JWKS string `json:"jwks"`
	} `json:"oauth2,omitempty"`
}

type verifierConfig struct {
	AnyIssuer    bool     `json:"anyIssuer,omitempty"`
	TrustIssuers []string `json:"trustIssuers,omitempty"`
	// AllowWithheld lists the members a selectively disclosed credential
	// may withhold (credentialStatus, validUntil: withheld by default they
	// fail; see microcred.AllowWithheldUnsafe).
	AllowWithheld []string `json:"allowWithheld,omitempty"`
	// UnboundIssuerKeysUnsafe (with anyIssuer) accepts proofs whose key the
	// credential's issuer does not control: signature checks only, for
	// conformance runs (microcred.Trust.UnboundKeyUnsafe).
	UnboundIssuerKeysUnsafe bool `json:"unboundIssuerKeysUnsafe,omitempty"`
	// RemoteStatusLists lets the verifier fetch status lists this service
	// does not host (https, public addresses only). Default true.
	RemoteStatusLists *bool `json:"remoteStatusLists,omitempty"`
}

// serveMemoryLimit is the soft memory limit serve runs under unless
// GOMEMLIMIT is set.
const serveMemoryLimit = 512 << 20

const serveUsage = `microcred serve --config FILE [--listen ADDR] [--log text|json] [--log-level debug|info|warn|error]
microcred serve --hash-token TOKEN`

const serveDetails = `Runs the VC API service (package vcapi) the config file describes: issuing for each issuer
(POST /issuers/NAME/credentials/issue, .../credentials/status), verifying
(POST /credentials/verify, /presentations/verify), deriving (POST /credentials/derive), the
status lists it hosts (GET of each list URL's path) and GET / and /metrics. The browser
verifier page (microcred web export) is at /verify/. A config without issuers runs a
verifier-only service (no store needed), with the page also at / for browsers.

The issue and status routes need auth: bearer tokens stored as SHA-256 hashes
(--hash-token prints the hash of a token), OAuth2 access tokens (JWTs checked against
a JWK set), or {"none": true}, which is refused unless the listen address is loopback.
SIGINT or SIGTERM stops it gracefully: requests in flight finish (up to 15 s), pending
records are committed, unused status indexes go back to the store.`

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	configPath := fs.String("config", "", "the service's configuration file (JSON)")
	listen := fs.String("listen", "", "address to listen on (overrides the config's listen)")
	logFormat := fs.String("log", "text", "log format: text or json (to standard error)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	hashToken := fs.String("hash-token", "", "print the SHA-256 form of a bearer token for the config, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *hashToken != "" {
		fmt.Fprintln(stdout, vcapi.HashToken(*hashToken))
		return nil
	}
	if *configPath == "" || fs.NArg() != 0 {
		return usagef("%s", serveUsage)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usagef("--log-level %q: want debug, info, warn or error", *logLevel)
	}
	var lh slog.Handler
	switch *logFormat {
	case "text":
		lh = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	case "json":
		lh = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	default:
		return usagef("--log %q: want text or json", *logFormat)
	}
	logger := slog.New(lh)
	// Verifying and signing allocate quickly and retain little, so the
	// collector's default pace costs a good share of two cores; unless the
	// user set GOGC, collect less often within a soft memory limit (past it
	// the collector runs as often as it must).
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		if os.Getenv("GOMEMLIMIT") == "" {
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(serveMemoryLimit))
		}
	}
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()

	c, err := readConfig(*configPath, false)
	if err != nil {
		return err
	}
	if *listen != "" {
		c.Listen = *listen
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:40443"
	}
	loopback, err := isLoopback(c.Listen)
	if err != nil {
		return err
	}
	auth, err := c.authenticator(loopback)
	if err != nil {
		return err
	}
	storeSpec := c.path(c.Store)
	if storeSpec == "" && len(c.Issuers) > 0 {
		return fmt.Errorf("config %s: store: missing (a SQLite file or a postgres:// URL; the service keeps its status lists and issued-credential log there)", *configPath)
	}
	var st store.Store
	if storeSpec != "" {
		if st, err = openStore(ctx, storeSpec); err != nil {
			return err
		}
		defer st.Close()
	}

	readHeader, read, write, idle, request, err := c.Timeouts.durations()
	if err != nil {
		return err
	}
	vcfg, err := c.vcapiConfig(auth, logger)
	if err != nil {
		return err
	}
	vcfg.Limits.Timeout = request
	if st != nil {
		vcfg.Store = st
	}
	h, err := vcapi.New(ctx, vcfg)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		h.Close(ctx)
		return fmt.Errorf("listening on %s: %w", c.Listen, err)
	}
	routes, err := webRoutes(h, len(vcfg.Issuers) == 0)
	if err != nil {
		ln.Close()
		h.Close(ctx)
		return err
	}
	srv := &http.Server{
		Handler:           routes,
		ReadHeaderTimeout: readHeader,
		ReadTimeout:       read,
		WriteTimeout:      write,
		IdleTimeout:       idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(lh, slog.LevelWarn),
	}
	scheme := "http"
	if c.TLS != nil {
		cfg, err := c.tlsConfig()
		if err != nil {
			ln.Close()
			h.Close(ctx)
			return err
		}
		srv.TLSConfig = cfg
		ln = tls.NewListener(ln, cfg)
		scheme = "https"
	}
	logger.Info("serving", "url", scheme+"://"+ln.Addr().String(), "issuers", len(vcfg.Issuers), "store", storeName(storeSpec))
	fmt.Fprintf(stdout, "microcred serve: listening on %s://%s\n", scheme, ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		h.Close(context.Background())
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	serr := srv.Shutdown(sctx)
	herr := h.Close(sctx)
	if err := errors.Join(serr, herr); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "microcred serve: stopped")
	return nil
}

// isLoopback reports whether addr (host:port) listens on loopback only.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, usagef("listen %q: want host:port (%v)", addr, err)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (c *config) authenticator(loopback bool) (vcapi.Authenticator, error) {
	a := c.Auth
	if a == nil {
		return nil, errors.New("config: auth: missing (tokens, oauth2, or none on a loopback address)")
	}
	n := 0
	for _, set := range []bool{a.None, len(a.Tokens) > 0, a.OAuth2 != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, errors.New("config: auth: give exactly one of none, tokens and oauth2")
	}
	switch {
	case a.None:
		if !loopback {
			return nil, fmt.Errorf("config: auth: none is refused on %s: anyone who reaches it could issue in your name (listen on 127.0.0.1, or configure tokens or oauth2)", c.Listen)
		}
		return vcapi.NoAuthUnsafe(), nil
	case len(a.Tokens) > 0:
		t := vcapi.Tokens{}
		for i, tok := range a.Tokens {
			if tok.Name == "" || !hexSHA256.MatchString(tok.SHA256) {
				return nil, fmt.Errorf("config: auth.tokens[%d]: want a name and sha256, the token's SHA-256 in lowercase hex (microcred serve --hash-token)", i)
			}
			t[tok.SHA256] = tok.Name
		}
		return t, nil
	}
	o := a.OAuth2
	data, err := readSmallFile(c.path(o.JWKS), "reading auth.oauth2.jwks")
	if err != nil {
		return nil, err
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("config: auth.oauth2.jwks %s: %v", o.JWKS, err)
	}
	return vcapi.NewOAuth2(vcapi.OAuth2Options{Keys: set, Issuer: o.Issuer, Audience: o.Audience, Scope: o.Scope})
}

func (c *config) vcapiConfig(auth vcapi.Authenticator, logger *slog.Logger) (vcapi.Config, error) {
	cfg := vcapi.Config{Auth: auth, Logger: logger, Limits: vcapi.Limits{MaxBody: c.MaxBody}}
	var dids []string // the issuers' DIDs, trusted by default
	names := make([]string, 0, len(c.Issuers))
	for n := range c.Issuers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		ic := c.Issuers[name]
		key, err := loadKey(c.path(ic.Key))
		if err != nil {
			return cfg, err
		}
		sn := ic.Suite
		if sn == "" {
			sn = defaultSuite(key)
		}
		suite, err := suiteByName(sn, nil, false)
		if err != nil {
			return cfg, fmt.Errorf("config: issuers.%s.suite: %w", name, err)
		}
		is := vcapi.Issuer{Name: name, Signer: key, Suite: suite}
		dids = append(dids, key.DIDString())
		for _, l := range ic.StatusLists {
			is.StatusLists = append(is.StatusLists, vcapi.StatusList{URL: l.URL, Purpose: l.Purpose, Entries: l.Entries})
		}
		cfg.Issuers = append(cfg.Issuers, is)
	}
	v := c.Verifier
	if v == nil {
		return cfg, errors.New("config: verifier: missing ({\"trustIssuers\": [...]} or {\"anyIssuer\": true})")
	}
	var popts []microcred.PolicyOption
	var trust microcred.Trust
	switch {
	case v.AnyIssuer && len(v.TrustIssuers) > 0:
		return cfg, errors.New("config: verifier: anyIssuer and trustIssuers both given")
	case v.AnyIssuer:
		trust = microcred.AnyIssuerUnsafe()
	case len(v.TrustIssuers) > 0:
		trust = microcred.TrustIssuers(v.TrustIssuers...)
	default:
		// Trust the service's own issuers.
		if len(dids) == 0 {
			return cfg, errors.New("config: verifier: trustIssuers or anyIssuer is required (there are no issuers to trust by default)")
		}
		trust = microcred.TrustIssuers(dids...)
	}
	if v.UnboundIssuerKeysUnsafe {
		if !v.AnyIssuer {
			return cfg, errors.New("config: verifier.unboundIssuerKeysUnsafe needs anyIssuer")
		}
		trust = trust.UnboundKeyUnsafe()
	}
	if len(v.AllowWithheld) > 0 {
		popts = append(popts, microcred.AllowWithheldUnsafe(v.AllowWithheld...))
	}
	policy, err := microcred.NewPolicy(trust, popts...)
	if err != nil {
		return cfg, fmt.Errorf("config: verifier: %w", err)
	}
	cfg.Policy = policy
	trusted, err := serviceTrust()
	if err != nil {
		return cfg, err
	}
	cfg.Trusted = trusted
	if v.RemoteStatusLists == nil || *v.RemoteStatusLists {
		f, err := vcapi.NewHTTPStatusFetcher(nil, vcapi.HTTPStatusOptions{})
		if err != nil {
			return cfg, err
		}
		cfg.StatusFetcher = f
	}
	if c.OID4VCI != nil {
		if cfg.OID4VCI, err = c.OID4VCI.options(c.Listen, c.TLS != nil); err != nil {
			return cfg, err
		}
	}
	if c.Exchanges != nil {
		if cfg.Exchanges, err = c.Exchanges.options(c.Listen, c.TLS != nil); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// serviceTrust is the verifier's trust material: did:key and did:jwk
// (resolved locally), every suite microcred verifies, and JWTs.
func serviceTrust() (microcred.Trusted, error) {
	suites, err := microcred.DefaultSuites(contexts.Default())
	if err != nil {
		return microcred.Trusted{}, err
	}
	methods, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}, "jwk": didjwk.Resolver{}})
	if err != nil {
		return microcred.Trusted{}, err
	}
	return microcred.Trusted{Resolver: methods, Suites: suites, AcceptJWT: true}, nil
}

func (c *config) tlsConfig() (*tls.Config, error) {
	t := c.TLS
	switch {
	case t.SelfSigned && (t.Cert != "" || t.Key != ""):
		return nil, errors.New("config: tls: selfSigned and cert/key both given")
	case t.SelfSigned:
		cert, err := selfSigned()
		if err != nil {
			return nil, err
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
	case t.Cert == "" || t.Key == "":
		return nil, errors.New("config: tls: give cert and key files, or selfSigned")
	}
	cert, err := tls.LoadX509KeyPair(c.path(t.Cert), c.path(t.Key))
	if err != nil {
		return nil, fmt.Errorf("config: tls: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// selfSigned makes a throwaway P-256 certificate for loopback names,
// valid for a day, its key only in memory.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "microcred serve (self-signed)"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// defaultSuite is the suite of a key type when the config names none.
func defaultSuite(key signingKey) string {
	switch key.TypeName() {
	case "ed25519":
		return suiteEdDSARDFC
	case "secp256k1":
		return legacy.TypeEcdsaSecp256k1Signature2019
	}
	return suiteECDSARDFC
}
