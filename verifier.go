package microcred

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/internal/vcinternal"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
	"github.com/onchaincert/microcred/vc/status"
)

// Trusted is the trust material a [Verifier] needs. Resolver and Suites
// are required: missing material is a construction error, never an
// accept.
type Trusted struct {
	// Resolver resolves the DIDs of issuers' verification methods.
	Resolver did.Resolver
	// Suites are the proof suites accepted.
	Suites []proof.Suite
	// AcceptJWT accepts credentials secured as JWTs (VC-JOSE-COSE and the
	// OB 3.0 VC-JWT form, see proof/vcjwt), verified with Resolver.
	// False refuses them.
	AcceptJWT bool
	// Contexts are the JSON-LD contexts JWT credentials and OB 2.0
	// badges are checked against (safe mode: every member and type
	// defined), and those a credential's relatedResource digests are
	// checked with; nil means the embedded set (contexts.Default()). Data
	// Integrity suites carry their own loader.
	Contexts *contexts.Loader
}

// Option configures an [Issuer] ([NewIssuer]) or a [Verifier]
// ([NewVerifier]); [WithClock] configures either. Each option's doc says
// which it is for: one given to the other constructor, or with an invalid
// setting, is a construction error naming it. A [Policy] has its own
// options ([PolicyOption]), since it is chosen per verification.
type Option interface {
	apply(ic *issuerConfig, vc *verifierConfig) error
}

// option is every Option: name for errors, and the half (or halves) it
// configures.
type option struct {
	name     string
	issuer   func(*issuerConfig) error
	verifier func(*verifierConfig) error
}

func (o option) apply(ic *issuerConfig, vc *verifierConfig) error {
	switch {
	case ic != nil && o.issuer != nil:
		return o.issuer(ic)
	case vc != nil && o.verifier != nil:
		return o.verifier(vc)
	case ic != nil:
		return fmt.Errorf("microcred: %s is an option of NewVerifier, not NewIssuer", o.name)
	default:
		return fmt.Errorf("microcred: %s is an option of NewIssuer, not NewVerifier", o.name)
	}
}

func verifierOption(name string, f func(*verifierConfig) error) Option {
	return option{name: name, verifier: f}
}

func issuerOption(name string, f func(*issuerConfig) error) Option {
	return option{name: name, issuer: f}
}

type verifierConfig struct {
	clock     func() time.Time
	skew      time.Duration
	schemas   *openbadges.Schemas
	status    status.Fetcher
	checkers  []namedChecker
	refresher func(ctx context.Context, c *vc.Credential, service json.RawMessage) ([]byte, error)
	loader    *contexts.Loader
	jsonld    *canon.RDFC // safe-mode checks of JWT payloads

	receipts    anchor.ReceiptSource
	checkpoints []anchor.Checkpoint
	blockcerts  *blockcertsConfig

	ob2 *ob2State // WithOB2Documents; see ob2check.go
}

// WithStatusFetcher sets where status list credentials come from (for
// example a status.StaticFetcher of local copies, or an HTTP fetcher of
// your own). Without one, a credential with a status entry fails the
// status check unless the policy says IgnoreStatusUnsafe.
func WithStatusFetcher(f status.Fetcher) Option {
	return verifierOption("WithStatusFetcher", func(c *verifierConfig) error {
		if f == nil {
			return errors.New("microcred: nil status fetcher")
		}
		c.status = f
		return nil
	})
}

// WithClock sets the clock of a [Verifier] (validity windows, proof
// times) or of an [Issuer] (proof created, default validFrom); tests fix
// it. The default is time.Now.
func WithClock(now func() time.Time) Option {
	set := func(c *func() time.Time) error {
		if now == nil {
			return errors.New("microcred: WithClock(nil)")
		}
		*c = now
		return nil
	}
	return option{name: "WithClock",
		issuer:   func(c *issuerConfig) error { return set(&c.clock) },
		verifier: func(c *verifierConfig) error { return set(&c.clock) },
	}
}

// WithClockSkew tolerates clocks this far apart when checking validFrom,
// validUntil and proof creation times (default 5 minutes).
func WithClockSkew(d time.Duration) Option {
	return verifierOption("WithClockSkew", func(c *verifierConfig) error {
		if d < 0 {
			return errors.New("microcred: negative clock skew")
		}
		c.skew = d
		return nil
	})
}

// Verifier verifies credentials offline against fixed trust material. It
// is safe for concurrent use.
type Verifier struct {
	trusted Trusted
	cfg     verifierConfig
}

// NewVerifier returns a Verifier, or an error if trust material is missing
// or an option is invalid.
func NewVerifier(t Trusted, opts ...Option) (*Verifier, error) {
	if t.Resolver == nil {
		return nil, errors.New("microcred: Trusted.Resolver is required")
	}
	for i, s := range t.Suites {
		if s == nil {
			return nil, fmt.Errorf("microcred: Trusted.Suites[%d] is nil", i)
		}
	}
	schemas, err := openbadges.DefaultSchemas()
	if err != nil {
		return nil, err
	}
	cfg := verifierConfig{clock: time.Now, skew: proof.DefaultClockSkew, schemas: schemas, loader: t.Contexts}
	if cfg.loader == nil {
		cfg.loader = contexts.Default()
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("microcred: nil option")
		}
		if err := o.apply(nil, &cfg); err != nil {
			return nil, err
		}
	}
	if len(t.Suites) == 0 && !t.AcceptJWT && cfg.blockcerts == nil {
		return nil, errors.New("microcred: Trusted.Suites must name at least one proof suite (or AcceptJWT, or WithBlockcerts)")
	}
	if bc := cfg.blockcerts; bc != nil {
		// The MerkleProof2019 engine: it climbs as far as the evidence
		// goes (Require L0); the anchor step applies the policy's level.
		if bc.engine, err = merkle2019.NewVerifier(merkle2019.Options{
			Transactions: bc.tx,
			Keys:         &blockcertsKeys{bc: bc, resolver: t.Resolver},
			Require:      anchor.L0,
			Anchor:       anchor.VerifyOptions{Checkpoints: append(append([]anchor.Checkpoint(nil), bc.cps...), cfg.checkpoints...)},
		}); err != nil {
			return nil, err
		}
		if bc.engineV2, err = merkle2019.NewVerifier(merkle2019.Options{
			Transactions: bc.tx,
			Keys:         v2ProfileKeys{bc: bc},
			Require:      anchor.L0,
		}); err != nil {
			return nil, err
		}
	}
	if cfg.jsonld, err = canon.NewRDFC(canon.Options{Loader: cfg.loader}); err != nil {
		return nil, err
	}
	t.Suites = append([]proof.Suite(nil), t.Suites...)
	return &Verifier{trusted: t, cfg: cfg}, nil
}

// Policy says what a verification requires beyond intact proofs. Build it
// with [NewPolicy]; the zero Policy fails every verification.
type Policy struct {
	issuers      map[string]bool
	anyIssuer    bool
	unboundKey   bool // Trust.UnboundKeyUnsafe
	noIssuer     bool // TrustNoIssuer
	ignoreStatus bool
	// ignoreTypeSchema: an OB 3.0 credential is not checked against its
	// type's schema (IgnoreTypeSchemaUnsafe).
	ignoreTypeSchema bool
	statusIssuers    map[string]bool
	statusMaxAge     time.Duration // 0: no limit
	recipient        string
	anchorLevel      anchor.Level // LevelNone: not required
	disclosure       disclosurePolicy
	valid            bool
}

// PolicyOption configures a [Policy] beyond whom it trusts.
type PolicyOption func(*Policy) error

// Trust says whose credentials a [Policy] accepts; it is the one argument
// [NewPolicy] cannot do without. Only [TrustIssuers], [TrustNoIssuer] and
// [AnyIssuerUnsafe] make one, so a policy has exactly one trust decision.
// The zero Trust is refused by NewPolicy and [Policy.WithTrust]: forgetting
// to say whom to trust is an error, never "trust nobody" or "trust anybody"
// by default.
type Trust struct {
	kind          trustKind
	issuers       []string
	statusIssuers []string // AndStatusListIssuers
	unboundKey    bool     // UnboundKeyUnsafe
	err           error    // a bad argument, reported by NewPolicy
}

type trustKind uint8

const (
	trustUnset trustKind = iota // the zero Trust: refused
	trustListed
	trustNone
	trustAny
)

// TrustIssuers accepts credentials from these issuer ids (DIDs or URLs),
// compared as strings with the issuer the credential names. It needs at
// least one id: an empty list is refused rather than read as "trust no
// issuer", which is spelled [TrustNoIssuer].
func TrustIssuers(ids ...string) Trust {
	if len(ids) == 0 {
		return Trust{err: errors.New("microcred: TrustIssuers: no issuer ids (use TrustNoIssuer to trust none)")}
	}
	for i, id := range ids {
		if id == "" {
			return Trust{err: fmt.Errorf("microcred: TrustIssuers: issuer id %d is empty", i)}
		}
	}
	return Trust{kind: trustListed, issuers: slices.Clone(ids)}
}

// TrustNoIssuer trusts no issuer: every credential fails the issuer check
// with an error wrapping ErrUntrustedIssuer, and every other check still
// runs, so the report shows whether the signature holds and whose key
// made it. It is the policy of a verifier that has not been told whom to
// trust (the CLI without --trust or --any-issuer) and must still say what
// it found.
func TrustNoIssuer() Trust { return Trust{kind: trustNone} }

// AnyIssuerUnsafe accepts a credential from any issuer whose key signed
// it. The proof must still be made by a key the issuer controls; what is
// lost is the check that the issuer is one you trust.
func AnyIssuerUnsafe() Trust { return Trust{kind: trustAny} }

// AndStatusListIssuers returns t that also accepts status lists issued
// (and signed) by these ids for credentials of other issuers, for issuers
// that delegate their status lists. Without it only the credential's own
// issuer's lists count. It needs at least one id, none of them empty.
func (t Trust) AndStatusListIssuers(ids ...string) Trust {
	switch {
	case t.err != nil:
		return t
	case len(ids) == 0:
		t.err = errors.New("microcred: AndStatusListIssuers: no issuer ids")
		return t
	case slices.Contains(ids, ""):
		t.err = fmt.Errorf("microcred: AndStatusListIssuers: issuer id %d is empty", slices.Index(ids, ""))
		return t
	}
	t.statusIssuers = append(slices.Clone(t.statusIssuers), ids...)
	return t
}

// UnboundKeyUnsafe returns t, which must be [AnyIssuerUnsafe] (NewPolicy
// refuses it on any other Trust: an issuer not bound to the key cannot be
// trusted by name), that also accepts a proof whose key is not controlled
// by the credential's issuer: the signature is checked, the key is listed
// in its own controller's DID document, but the issuer the credential
// names is not bound to it, so anyone can sign in any issuer's name. The
// issuer check passes with a detail saying so. It exists for test suites
// and tools that check signatures only (the W3C vc-di-ecdsa suite verifies
// the specification's own vectors, whose issuer is an https URL with no
// key); never use it to decide what a credential is worth.
func (t Trust) UnboundKeyUnsafe() Trust {
	t.unboundKey = true
	return t
}

// apply sets p's issuer trust from t, replacing any earlier one, and adds
// t's status list issuers and unbound-key setting to p's.
func (t Trust) apply(p *Policy) error {
	if t.err != nil {
		return t.err
	}
	p.issuers, p.anyIssuer, p.noIssuer = map[string]bool{}, false, false
	p.unboundKey = p.unboundKey || t.unboundKey
	for _, id := range t.statusIssuers {
		if p.statusIssuers == nil {
			p.statusIssuers = map[string]bool{}
		}
		p.statusIssuers[id] = true
	}
	switch t.kind {
	case trustListed:
		for _, id := range t.issuers {
			p.issuers[id] = true
		}
	case trustNone:
		p.noIssuer = true
	case trustAny:
		p.anyIssuer = true
	default:
		return errors.New("microcred: trust: the zero Trust says nothing; use TrustIssuers, TrustNoIssuer or AnyIssuerUnsafe")
	}
	return nil
}

// IgnoreStatusUnsafe skips the credential status check (revocation,
// suspension) even when the credential has a status entry.
func IgnoreStatusUnsafe() PolicyOption {
	return func(p *Policy) error {
		p.ignoreStatus = true
		return nil
	}
}

// IgnoreTypeSchemaUnsafe does not check an OB 3.0 credential against the
// 1EdTech schema of its type (AchievementCredential or
// EndorsementCredential) when it does not name that schema itself; the
// schemas its credentialSchema names are still checked. It is for
// verifiers that must accept issuers whose credentials do not conform to
// the OB 3.0 data model (an achievementType outside the vocabulary, a
// single identifier object where the model has a list).
func IgnoreTypeSchemaUnsafe() PolicyOption {
	return func(p *Policy) error {
		p.ignoreTypeSchema = true
		return nil
	}
}

// MaxStatusListAge refuses a status list whose validFrom is more than d
// before the verifier's clock, or that has no validFrom: a list is a
// snapshot, and an old copy (replayed from a cache, or by whoever serves
// it) can show a credential as not revoked long after it was. Without it,
// a list is accepted for as long as its own validity window lasts.
func MaxStatusListAge(d time.Duration) PolicyOption {
	return func(p *Policy) error {
		if d <= 0 {
			return errors.New("microcred: MaxStatusListAge needs a positive duration")
		}
		p.statusMaxAge = d
		return nil
	}
}

// NewPolicy returns a Policy that trusts what trust says, configured by
// opts. The zero Trust, or a Trust made from bad arguments, is an error.
func NewPolicy(trust Trust, opts ...PolicyOption) (Policy, error) {
	var p Policy
	if err := trust.apply(&p); err != nil {
		return Policy{}, err
	}
	for _, o := range opts {
		if o == nil {
			return Policy{}, errors.New("microcred: policy option: nil")
		}
		if err := o(&p); err != nil {
			return Policy{}, err
		}
	}
	if err := p.validate(); err != nil {
		return Policy{}, err
	}
	p.valid = true
	return p, nil
}

// WithTrust returns a copy of p that trusts the issuers trust says
// instead, with every other setting of p kept (the status list issuers
// and the unbound-key setting of trust are added to p's, never dropped): a
// service with one configured policy uses it to drop or narrow issuer
// trust for one request. It fails like [NewPolicy] on the zero Trust, on
// a policy not made by NewPolicy, and when p accepts unbound keys and
// trust is not AnyIssuerUnsafe.
func (p Policy) WithTrust(trust Trust) (Policy, error) {
	if !p.valid {
		return Policy{}, errors.New("microcred: policy: not made by NewPolicy")
	}
	if err := trust.apply(&p); err != nil {
		return Policy{}, err
	}
	if err := p.validate(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// validate checks the options that depend on one another.
func (p *Policy) validate() error {
	if p.unboundKey && !p.anyIssuer {
		return errors.New("microcred: UnboundKeyUnsafe needs AnyIssuerUnsafe (an issuer not bound to the key cannot be trusted by name)")
	}
	return nil
}

// Verify verifies one credential, given as the exact bytes received: a JSON
// credential with embedded proofs, a compact JWT (with Trusted.AcceptJWT),
// or a PNG or SVG badge with either baked in. It always returns a non-nil Result
// listing every check; the error is nil iff every required check passed,
// and otherwise names each failed check and unwraps to their errors, so
// errors.Is works on it.
//
// Checks, in order: parse (strict JSON, VCDM shape), schema (each
// credentialSchema of type 1EdTechJsonSchemaValidator2019 or JsonSchema,
// against the embedded OB 3.0 schemas, and for an OB 3.0 VCDM 2.0
// credential the 1EdTech schema of its type, see openbadges.Schemas.For;
// Skipped if there is none), proof (a configured
// suite's proof verifies, made with a key listed for assertionMethod in its
// controller's DID document; canonicalization in safe mode), issuer (that
// controller is the credential's issuer, and the issuer is trusted by
// policy; for a Blockcerts MerkleProof2019 proof, see [WithBlockcerts]:
// the Merkle path in the proof step, the anchor sender as a key of the
// issuer in the issuer step, the level in the anchor step), validity (validFrom/validUntil, or issuanceDate/expirationDate
// for VCDM 1.1, against the clock with the configured skew).
func (v *Verifier) Verify(ctx context.Context, input []byte, policy Policy) (*Result, error) {
	return v.verify(ctx, input, policy, 0, false)
}

// verify is Verify; depth > 0 verifies a status list credential, whose own
// status is not checked.
func (v *Verifier) verify(ctx context.Context, input []byte, policy Policy, depth int, refreshed bool) (*Result, error) {
	now := v.cfg.clock()
	res := &Result{At: now}
	run := newRunner(res)
	s := &vcState{v: v, run: run, res: res, policy: policy, depth: depth, refreshed: refreshed, now: now}

	if !policy.valid {
		s.frameErr = errors.New("microcred: zero Policy: build one with NewPolicy")
	} else {
		// An Open Badges 2.0 badge is verified by package ob2 (ob2check.go).
		if depth == 0 && isOB2(input) {
			return v.verifyOB2(ctx, run, input, policy)
		}
		s.frameErr = v.frame(s, input)
		if s.frameErr == nil && !s.isJWT && depth == 0 && isBlockcertsV2(s.credBytes) {
			// A Blockcerts v2 certificate: an Open Badges 2.0 Assertion
			// with a MerkleProof2017 receipt, not a VC.
			return v.verifyBlockcertsV2(ctx, run, s.credBytes, s.container, policy, now)
		}
	}
	runSteps(ctx, run, v.vcSteps(policy), s)
	if s.fresh != nil {
		return s.fresh, s.fresh.err()
	}
	if err := run.verdict(); err != nil {
		return res, err
	}
	res.Verified = true
	res.Credential = s.cred
	return res, nil
}

// vcState is what the steps of a VC's verification share.
type vcState struct {
	v         *Verifier
	run       *runner
	res       *Result
	policy    Policy
	depth     int  // > 0: a status list or endorsement being verified
	refreshed bool // this is a refreshed credential: do not refresh again
	now       time.Time

	// The input's frame (see frame); frameErr fails the parse check.
	frameErr  error
	container string // " baked in a PNG", …
	trimmed   []byte // the credential JSON or compact JWT
	credBytes []byte // the credential JSON (a JWT's payload)
	isJWT     bool
	jwtFormat vcjwt.Format

	cred    *vc.Credential // parsed from credBytes
	decoded map[string]any // credBytes strictly decoded

	signer *proof.ProofResult // the accepted proof
	bc     *blockcertsOutcome // a Blockcerts MerkleProof2019's outcome
	fresh  *Result            // the refreshed credential's result, replacing this one
}

// frame reads what carries the credential: a PNG or SVG it is baked in
// (detected by content), a compact JWT, or JSON. Its error fails the
// parse check.
func (v *Verifier) frame(s *vcState, input []byte) error {
	switch bake.Detect(input) {
	case bake.PNG, bake.SVG:
		p, err := bake.Extract(input)
		if err != nil {
			return err
		}
		s.container = " baked in a " + bake.Detect(input).String()
		input = p.Data
	}
	s.trimmed = bytes.TrimSpace(input)
	s.isJWT = vcjwt.IsCompactJWS(s.trimmed)
	s.credBytes = input
	if s.isJWT {
		if !v.trusted.AcceptJWT {
			return fmt.Errorf("%w: JWT credentials are not accepted by this verifier (Trusted.AcceptJWT)", errUnsupportedFormat)
		}
		c, f, err := vcjwt.UnsafeCredentialWithoutVerification(string(s.trimmed))
		if err != nil {
			return err
		}
		s.credBytes, s.jwtFormat = c, f
	} else if len(s.trimmed) == 0 || s.trimmed[0] != '{' {
		return fmt.Errorf("%w: expected a JSON credential, a compact JWT, or a baked PNG or SVG", errUnsupportedFormat)
	}
	return nil
}

// vcSteps is the pipeline of a VC (JSON, JWT or baked), in report order.
func (v *Verifier) vcSteps(policy Policy) []step[*vcState] {
	topLevel := func(s *vcState) bool { return s.depth == 0 }
	steps := []step[*vcState]{
		{check: CheckParse, run: func(ctx context.Context, s *vcState) { s.parse(ctx) }},
		{check: CheckSchema, requires: []Check{CheckParse}, run: func(_ context.Context, s *vcState) {
			v.checkSchema(s.run, s.cred, s.decoded, s.policy)
		}},
		{check: CheckProof, requires: []Check{CheckParse}, run: func(ctx context.Context, s *vcState) { s.proof(ctx) }},
		{check: CheckIssuer, requires: []Check{CheckProof}, run: func(ctx context.Context, s *vcState) { s.issuer(ctx) }},
		{check: CheckDisclosure, requires: []Check{CheckProof}, applies: func(s *vcState) bool { return s.disclosed() }, run: func(_ context.Context, s *vcState) {
			v.checkDisclosure(s.run, s.decoded, s.signer, s.cred, s.policy)
		}},
		{
			// refresh (optional, at most once): a fresher credential from
			// the issuer's refreshService replaces this one and is
			// verified in full.
			check:    CheckRefresh,
			requires: []Check{CheckSchema, CheckProof, CheckIssuer, CheckDisclosure},
			applies:  func(s *vcState) bool { return s.depth == 0 && !s.refreshed && v.cfg.refresher != nil },
			run: func(ctx context.Context, s *vcState) {
				if fresh, done := v.refresh(ctx, s.run, s.cred, s.policy); done {
					s.fresh = fresh
					s.run.stopped = true
				}
			},
		},
		{check: CheckStatus, requires: []Check{CheckProof}, run: func(ctx context.Context, s *vcState) {
			// revocation and suspension, from lists the issuer signed (a
			// Blockcerts credential without credentialStatus: its issuer
			// profile's revocation list).
			if s.bc == nil || !v.checkBlockcertsRevocation(ctx, s.run, s.cred, s.policy, s.depth) {
				v.checkStatus(ctx, s.run, s.cred, s.policy, s.depth)
			}
		}},
		{check: CheckValidity, requires: []Check{CheckProof}, run: func(_ context.Context, s *vcState) {
			if err := checkValidity(s.cred, s.now, v.cfg.skew); err != nil {
				s.run.fail(CheckValidity, err)
			} else {
				s.run.pass(CheckValidity, "within validity window at "+s.now.UTC().Format(time.RFC3339))
			}
		}},
		{check: CheckEndorsements, requires: []Check{CheckProof}, run: func(ctx context.Context, s *vcState) {
			v.checkEndorsements(ctx, s.run, s.cred, s.depth)
		}},
		{
			// anchor: a Blockcerts credential's own (graded from the
			// MerkleProof2019), else a receipt's, when the verifier has
			// receipts or the policy requires an anchor.
			check:    CheckAnchor,
			requires: []Check{CheckProof},
			applies: func(s *vcState) bool {
				return s.bc != nil || (s.decoded != nil && !s.isJWT && isBlockcerts(s.decoded)) ||
					s.depth == 0 && (v.cfg.receipts != nil || s.policy.anchorLevel != anchor.LevelNone)
			},
			run: func(ctx context.Context, s *vcState) {
				if s.bc != nil {
					v.checkBlockcertsAnchor(s.run, s.bc, s.policy)
				} else {
					v.checkAnchor(ctx, s.run, s.trimmed, s.policy)
				}
			},
		},
	}
	return append(steps, checkerSteps(v, policy, topLevel,
		func(_ context.Context, s *vcState) { v.checkRecipient(s.run, s.cred, s.policy) },
		func(ctx context.Context, s *vcState, nc namedChecker) { runChecker(ctx, s.run, s.cred, nc) })...)
}

// parse: the credential JSON is strict JSON of the VCDM shape; typed
// values are read from the bytes that are verified.
func (s *vcState) parse(_ context.Context) {
	if s.frameErr != nil {
		s.run.fail(CheckParse, s.frameErr)
		return
	}
	parsed, decoded, err := vcinternal.ParseCredential(s.credBytes)
	if err != nil {
		if !s.isJWT && vcjwt.IsJSONSerialization(s.credBytes) {
			err = fmt.Errorf("%w: %w", errUnsupportedFormat, vcjwt.ErrJSONSerialization)
		}
		s.run.fail(CheckParse, err)
		return
	}
	s.cred, s.decoded = parsed.(*vc.Credential), decoded
	s.res.Issuer = s.cred.Issuer().ID
	if err := checkRelatedContexts(s.v.cfg.loader, s.cred); err != nil {
		s.run.fail(CheckParse, err)
		return
	}
	if !s.isJWT {
		s.run.pass(CheckParse, fmt.Sprintf("VCDM %s credential%s", s.cred.Version(), s.container))
		return
	}
	// JSON-LD safe mode, as the Data Integrity suites apply it: every
	// member and type of the credential is defined by its contexts, so a
	// JSON-LD reader and a JSON reader see the same claims (JWT claims
	// beside the credential are not credential terms).
	if err := s.v.cfg.jsonld.Check(vcjwt.JSONLDDocument(s.jwtFormat, decoded)); err != nil {
		s.run.fail(CheckParse, err)
		return
	}
	s.run.pass(CheckParse, fmt.Sprintf("VCDM %s credential in a JWT%s", s.cred.Version(), s.container))
}

// proof: a Data Integrity suite's, a JWT's, or a Blockcerts
// MerkleProof2019 (the Merkle path from the credential's hash to the
// anchored root; the anchor is graded in the issuer and anchor steps).
func (s *vcState) proof(ctx context.Context) {
	v, run := s.v, s.run
	switch {
	case !s.isJWT && isBlockcerts(s.decoded):
		if s.bc, s.signer = v.verifyBlockcertsProof(ctx, run, s.credBytes, s.decoded, s.cred); s.bc == nil {
			s.signer = nil
			return
		}
	case s.isJWT:
		jres, err := vcjwt.Verify(ctx, string(s.trimmed), vcjwt.VerifyOptions{Resolver: v.trusted.Resolver, Now: s.now, ClockSkew: v.cfg.skew})
		if err != nil {
			run.fail(CheckProof, err)
			return
		}
		if !bytes.Equal(jres.Credential, s.credBytes) {
			run.fail(CheckProof, errors.New("microcred: the verified JWT payload differs from the parsed one"))
			return
		}
		kid := jres.Method.ID
		s.signer = &proof.ProofResult{Proof: &proof.Proof{VerificationMethod: kid}, Method: jres.Method, Controller: jres.Controller}
		run.pass(CheckProof, fmt.Sprintf("%s JWT (%s) by %s", jres.Algorithm, jres.Format, kid))
	default:
		// credBytes is input here: its decoded object serves the proof.
		pres, err := proof.VerifyDocument(ctx, s.decoded, proof.VerifyOptions{
			Suites:    v.trusted.Suites,
			Resolver:  v.trusted.Resolver,
			Purpose:   proof.AssertionMethod,
			Now:       s.now,
			ClockSkew: v.cfg.skew,
		})
		if err != nil {
			run.fail(CheckProof, err)
			return
		}
		s.signer = issuerProof(pres, s.cred.Issuer().ID)
		run.pass(CheckProof, fmt.Sprintf("%s by %s", suiteName(s.signer), s.signer.Proof.VerificationMethod))
	}
	s.res.VerificationMethod = s.signer.Proof.VerificationMethod
}

// issuer: the key's controller is the issuer, and the issuer is trusted.
func (s *vcState) issuer(context.Context) {
	run, policy := s.run, s.policy
	if s.bc != nil && s.bc.signed == nil {
		checkBlockcertsIssuer(run, s.cred.Issuer().ID, s.bc, policy)
	} else if err := checkIssuer(s.cred.Issuer().ID, s.signer, policy); err != nil {
		if policy.unboundKey && errors.Is(err, errIssuerMismatch) {
			run.pass(CheckIssuer, fmt.Sprintf("NOT the issuer's key (Trust.UnboundKeyUnsafe): %v; the signature holds, but nothing says the issuer made it", err))
		} else {
			run.fail(CheckIssuer, err)
		}
	} else if policy.anyIssuer {
		run.pass(CheckIssuer, "key controlled by the issuer; issuer not checked against a trust list (AnyIssuerUnsafe)")
	} else {
		run.pass(CheckIssuer, "key controlled by a trusted issuer")
	}
}

// disclosed reports whether the disclosure check is part of the
// verification: the accepted proof is an ecdsa-sd-2023 derived proof or,
// before a proof is accepted, every proof of the credential is one.
func (s *vcState) disclosed() bool {
	if s.signer != nil {
		p := s.signer.Proof
		return p != nil && p.Type == proof.TypeDataIntegrity && p.Cryptosuite == ecdsasd2023.Name
	}
	return s.cred != nil && selectivelyDisclosed(s.cred)
}

// checkSchema runs the schema check: the schemas openbadges.Schemas.For
// lists (those credentialSchema names, and an OB 3.0 credential's type
// schema), each of which must be embedded and pass. The detail names
// each schema and why it applied.
//
// The type schema does not apply to a selectively disclosed credential
// (every proof an ecdsa-sd-2023 derived proof): it describes a whole
// credential, and the holder may withhold members it requires. Reading
// that from the proofs before the proof check is safe: the credential
// verifies only if one of them does, so it is then a derived credential.
func (v *Verifier) checkSchema(run *runner, cred *vc.Credential, decoded map[string]any, policy Policy) {
	all := v.cfg.schemas.For(cred)
	uses := all[:0:0]
	var why string
	for _, u := range all {
		switch {
		case !strings.HasPrefix(u.Reason, "type "):
			uses = append(uses, u)
		case policy.ignoreTypeSchema:
			why = "the OB 3.0 type schema is not checked (IgnoreTypeSchemaUnsafe)"
		case selectivelyDisclosed(cred):
			why = "a selectively disclosed credential is not checked against the OB 3.0 type schema, which describes the whole credential"
		default:
			uses = append(uses, u)
		}
	}
	if len(uses) == 0 {
		if why == "" {
			why = "the credential names no JSON Schema and is not an OB 3.0 credential"
			if cred.Version() != vc.V2 && (cred.HasType("OpenBadgeCredential") || cred.HasType("AchievementCredential") || cred.HasType("EndorsementCredential")) {
				why = "the credential names no JSON Schema, and the 1EdTech schemas describe VCDM 2.0 credentials, not this VCDM " + cred.Version().String() + " one"
			}
		}
		run.skip(CheckSchema, fmt.Errorf("%w: %s", ErrNotApplicable, why))
		return
	}
	var errs []error
	names := make([]string, 0, len(uses))
	for _, u := range uses {
		// decoded is the strictly decoded credential (for a JWT, its
		// payload's): validated as is, not decoded again.
		if err := v.cfg.schemas.ValidateDecoded(u.URL, decoded); err != nil {
			errs = append(errs, err)
		}
		names = append(names, fmt.Sprintf("%s (%s)", u.URL, u.Reason))
	}
	if err := errors.Join(errs...); err != nil {
		run.fail(CheckSchema, err)
		return
	}
	detail := strings.Join(names, ", ")
	if why != "" {
		detail += "; " + why
	}
	run.pass(CheckSchema, detail)
}

// selectivelyDisclosed reports whether every proof of cred is an
// ecdsa-sd-2023 derived proof (a proof value without the base header).
func selectivelyDisclosed(cred *vc.Credential) bool {
	proofs := cred.Proofs()
	for _, raw := range proofs {
		var p struct {
			Type        string `json:"type"`
			Cryptosuite string `json:"cryptosuite"`
			ProofValue  string `json:"proofValue"`
		}
		if json.Unmarshal(raw, &p) != nil || p.Type != proof.TypeDataIntegrity || p.Cryptosuite != ecdsasd2023.Name || ecdsasd2023.IsBaseProofValue(p.ProofValue) {
			return false
		}
	}
	return len(proofs) > 0
}

// issuerProof returns the verified proof the issuer binding rests on: in
// a proof set, the first verified proof made with a key the issuer
// controls (a stranger's valid proof placed first must not make a genuine
// credential fail, nor count for the issuer), else the first verified one,
// which the issuer check then refuses.
func issuerProof(pres *proof.Result, issuer string) *proof.ProofResult {
	for i := range pres.Proofs {
		pr := &pres.Proofs[i]
		if pr.Err == nil && pr.Controller == issuer && pr.Method != nil && pr.Method.Controller == issuer {
			return pr
		}
	}
	return pres.Verified()
}

// checkRelatedContexts checks the digests relatedResource gives for the
// credential's own @context URLs against the bytes microcred processes
// them from (VCDM 2.0 §5.3: a verifier that uses a related resource must
// compute its digest). Other related resources are not fetched, so not
// checked.
func checkRelatedContexts(loader *contexts.Loader, cred *vc.Credential) error {
	related := cred.RelatedResources()
	if len(related) == 0 {
		return nil
	}
	used := map[string]bool{}
	for _, c := range cred.Context() {
		if s, ok := c.(string); ok {
			used[s] = true
		}
	}
	for _, r := range related {
		if !used[r.ID] || !loader.Has(r.ID) {
			continue
		}
		data, err := loader.Document(r.ID)
		if err != nil {
			return err
		}
		if err := r.Check(data); err != nil {
			return err
		}
	}
	return nil
}

func suiteName(pr *proof.ProofResult) string {
	p := pr.Proof
	if p.Cryptosuite == "" {
		return p.Type
	}
	if pr.Suite != nil && pr.Suite.Cryptosuite() != p.Cryptosuite {
		return fmt.Sprintf("%s (legacy name of %s)", p.Cryptosuite, pr.Suite.Cryptosuite())
	}
	return p.Cryptosuite
}

func checkIssuer(issuer string, pr *proof.ProofResult, policy Policy) error {
	if issuer == "" {
		return errors.New("microcred: credential has no issuer id")
	}
	if pr.Controller != issuer || pr.Method == nil || pr.Method.Controller != issuer {
		return fmt.Errorf("%w: key %s is controlled by %q, issuer is %q", errIssuerMismatch, pr.Proof.VerificationMethod, pr.Controller, issuer)
	}
	if policy.noIssuer {
		return fmt.Errorf("%w: %q (the policy trusts no issuer)", ErrUntrustedIssuer, issuer)
	}
	if !policy.anyIssuer && !policy.issuers[issuer] {
		return fmt.Errorf("%w: %q", ErrUntrustedIssuer, issuer)
	}
	return nil
}

func checkValidity(c *vc.Credential, now time.Time, skew time.Duration) error {
	from, hasFrom, err := c.ValidFrom()
	if err != nil {
		return err
	}
	until, hasUntil, err := c.ValidUntil()
	if err != nil {
		return err
	}
	if hasFrom && now.Add(skew).Before(from) {
		return fmt.Errorf("%w: valid from %s", vc.ErrNotYetValid, from.UTC().Format(time.RFC3339))
	}
	if hasUntil && now.Add(-skew).After(until) {
		return fmt.Errorf("%w: valid until %s", vc.ErrExpired, until.UTC().Format(time.RFC3339))
	}
	return nil
}

// runner records checks in order.
type runner struct {
	res *Result
	// blocked maps each check skipped after a failure to the failed
	// check it required (see runSteps).
	blocked map[Check]Check
	// stopped: a step replaced the result (refresh); no step runs after.
	stopped bool
}

func newRunner(res *Result) *runner { return &runner{res: res, blocked: map[Check]Check{}} }

func (r *runner) pass(check Check, detail string) {
	r.res.Checks = append(r.res.Checks, CheckResult{Check: check, Outcome: Passed, Detail: detail})
}

func (r *runner) skip(check Check, err error) {
	r.res.Checks = append(r.res.Checks, CheckResult{Check: check, Outcome: Skipped, Err: err})
}

func (r *runner) fail(check Check, err error) {
	r.res.Checks = append(r.res.Checks, CheckResult{Check: check, Outcome: Failed, Err: err})
}

// failed reports whether a check has failed so far.
func (r *runner) failed() bool {
	for _, c := range r.res.Checks {
		if c.Outcome == Failed {
			return true
		}
	}
	return false
}

func (v *Verifier) checkStatus(ctx context.Context, run *runner, cred *vc.Credential, policy Policy, depth int) {
	switch {
	case len(cred.Status()) == 0:
		run.skip(CheckStatus, fmt.Errorf("%w: the credential has no status entry", ErrNotApplicable))
		return
	case depth > 0:
		run.skip(CheckStatus, fmt.Errorf("%w: the status of a status list is not checked", ErrNotApplicable))
		return
	case policy.ignoreStatus:
		run.skip(CheckStatus, errors.New("microcred: status not checked (IgnoreStatusUnsafe)"))
		return
	case v.cfg.status == nil:
		run.fail(CheckStatus, errors.New("microcred: the credential has a status entry and no status fetcher is configured (WithStatusFetcher)"))
		return
	}
	listPolicy := Policy{anyIssuer: true, valid: true}
	verifyList := func(ctx context.Context, data []byte) (*vc.Credential, string, error) {
		res, err := v.verify(ctx, data, listPolicy, depth+1, false)
		if err != nil {
			return nil, "", err
		}
		return res.Credential, res.Issuer, nil
	}
	trusted := func(id string) bool { return policy.statusIssuers[id] }
	results, err := status.Check(ctx, cred, status.CheckOptions{
		Fetch:             v.cfg.status,
		Verify:            verifyList,
		TrustedListIssuer: trusted,
		Now:               v.cfg.clock(),
		MaxAge:            policy.statusMaxAge,
	})
	if err != nil {
		run.fail(CheckStatus, err)
		return
	}
	parts := make([]string, 0, len(results))
	for _, r := range results {
		switch {
		case r.Message != "":
			parts = append(parts, fmt.Sprintf("%s 0x%x %q", r.Entry.Purpose, r.Value, r.Message))
		case r.Value == 0:
			parts = append(parts, r.Entry.Purpose+" clear")
		default:
			parts = append(parts, fmt.Sprintf("%s 0x%x", r.Entry.Purpose, r.Value))
		}
	}
	run.pass(CheckStatus, strings.Join(parts, ", "))
}
