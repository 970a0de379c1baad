package microcred

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/internal/proofinternal"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/internal/vcinternal"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

type issuerConfig struct {
	clock      func() time.Time
	suite      proof.Suite
	noAutofill bool
	allocator  status.Allocator
	purpose    string
	jwt        vcjwt.Format // 0: embedded Data Integrity proof
}

// WithJWT makes Issue secure credentials as compact JWTs in format f
// (vcjwt.FormatJOSE or vcjwt.FormatOB3) instead of embedding a proof.
func WithJWT(f vcjwt.Format) Option {
	return issuerOption("WithJWT", func(c *issuerConfig) error {
		if f != vcjwt.FormatJOSE && f != vcjwt.FormatOB3 {
			return errors.New("microcred: WithJWT: unknown JWT format")
		}
		c.jwt = f
		return nil
	})
}

// WithoutAutofill makes Issue refuse a credential that lacks id, issuer or
// validFrom instead of filling them in.
func WithoutAutofill() Option {
	return issuerOption("WithoutAutofill", func(c *issuerConfig) error {
		c.noAutofill = true
		return nil
	})
}

// WithStatus gives every issued credential without a credentialStatus a
// BitstringStatusListEntry with this statusPurpose (status.Revocation or
// status.Suspension; anything else is refused), at an index the allocator
// has never handed out before.
func WithStatus(a status.Allocator, purpose string) Option {
	return issuerOption("WithStatus", func(c *issuerConfig) error {
		if a == nil {
			return errors.New("microcred: WithStatus: nil status allocator")
		}
		if purpose != status.Revocation && purpose != status.Suspension {
			return fmt.Errorf("microcred: WithStatus: purpose %q: want %q or %q", purpose, status.Revocation, status.Suspension)
		}
		c.allocator, c.purpose = a, purpose
		return nil
	})
}

// WithSuite sets the proof suite an Issuer signs with. The default is
// eddsa-rdfc-2022 for Ed25519 signers and ecdsa-rdfc-2019 for P-256 and
// P-384 signers, over the embedded contexts.
func WithSuite(s proof.Suite) Option {
	return issuerOption("WithSuite", func(c *issuerConfig) error {
		if s == nil {
			return errors.New("microcred: nil suite")
		}
		c.suite = s
		return nil
	})
}

// Issuer signs credentials with one key.
type Issuer struct {
	signer proof.Signer
	did    did.DID
	cfg    issuerConfig
}

// NewIssuer returns an Issuer signing with signer. The signer's
// verification method must be a DID URL with a fragment and no path or
// query (did:method:id#key); its DID is the issuer id the credentials
// must carry.
func NewIssuer(signer proof.Signer, opts ...Option) (*Issuer, error) {
	if signer == nil {
		return nil, errors.New("microcred: nil signer")
	}
	vm := signer.VerificationMethod()
	u, err := did.ParseURL(vm)
	if err != nil || u.Fragment == "" || u.Path != "" || strings.ContainsRune(vm, '?') {
		return nil, fmt.Errorf("microcred: signer: verification method %q is not a DID URL with a fragment (did:method:id#key)", vm)
	}
	controller := u.DID
	cfg := issuerConfig{clock: time.Now}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("microcred: nil option")
		}
		if err := o.apply(&cfg, nil); err != nil {
			return nil, err
		}
	}
	if cfg.suite == nil {
		var err error
		switch signer.Public().(type) {
		case ed25519.PublicKey:
			cfg.suite, err = eddsa2022.NewRDFC(contexts.Default())
		case *ecdsa.PublicKey:
			cfg.suite, err = ecdsa2019.NewRDFC(contexts.Default())
		default:
			return nil, fmt.Errorf("microcred: no default suite for %T keys; use WithSuite", signer.Public())
		}
		if err != nil {
			return nil, err
		}
	}
	return &Issuer{signer: signer, did: controller, cfg: cfg}, nil
}

// DID returns the issuer id credentials signed by this Issuer must carry.
func (i *Issuer) DID() did.DID { return i.did }

// Issue signs credential (a JSON VCDM credential) and returns the exact
// signed bytes. Unless WithoutAutofill, a missing id (a random urn:uuid),
// issuer (the signer's DID) or, for VCDM 2.0, validFrom (the clock) is
// filled in; with WithStatus a status entry is added. The
// credential's issuer (or issuer.id) must be the signer's DID; use
// [vc.SetIssuer] to write it. A credential that already has a proof gets a
// second one (a proof set).
func (i *Issuer) Issue(ctx context.Context, credential []byte) ([]byte, error) {
	signed, _, err := i.issue(ctx, credential)
	return signed, err
}

// issuedMeta is what Issue knows of a credential it signed: its id, and
// the status entry it added (listURL "" and index -1 for none).
type issuedMeta struct {
	id      string
	listURL string
	index   int
}

func (i *Issuer) issue(ctx context.Context, credential []byte) ([]byte, issuedMeta, error) {
	// The credential is decoded once: complete keeps the decoded object in
	// step with its edits, and parsing and signing reuse it.
	credential, m, meta, err := i.complete(ctx, credential)
	if err != nil {
		return nil, meta, err
	}
	parsed, err := vcinternal.ParseDecodedCredential(credential, m)
	if err != nil {
		return nil, meta, err
	}
	c := parsed.(*vc.Credential)
	if got := c.Issuer().ID; got != i.did.String() {
		return nil, meta, fmt.Errorf("%w: credential issuer is %q, the signing key belongs to %q", errIssuerMismatch, got, i.did)
	}
	// A digest given for one of its contexts must be that of the context
	// the signature is computed with (the embedded one).
	if err := checkRelatedContexts(contexts.Default(), c); err != nil {
		return nil, meta, err
	}
	meta.id = c.ID()
	if i.cfg.jwt != 0 {
		tok, err := vcjwt.Sign(ctx, credential, i.signer, i.cfg.jwt)
		if err != nil {
			return nil, meta, err
		}
		return []byte(tok), meta, nil
	}
	signed, err := proofinternal.SignDecoded(ctx, credential, m, i.cfg.suite, i.signer, proof.Options{Created: i.cfg.clock()})
	return signed, meta, err
}

// complete fills what Issue fills, keeping every other byte. It returns
// the completed credential and its strictly decoded object.
func (i *Issuer) complete(ctx context.Context, credential []byte) ([]byte, map[string]any, issuedMeta, error) {
	meta := issuedMeta{index: -1}
	v, err := strictjson.Decode(credential, strictjson.Limits{})
	if err != nil {
		return nil, nil, meta, fmt.Errorf("%w: %w", vc.ErrInvalidCredential, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil, meta, fmt.Errorf("%w: not a JSON object", vc.ErrInvalidCredential)
	}
	// credential passed strictjson.Decode above, and each splice keeps it
	// valid: no need to parse it again per member. Every member set here
	// is one m shows absent, so it is appended, and m gets the value
	// decoding the new bytes would give: the same string or object of
	// strings, as long as every string is valid UTF-8 (JSON encoding
	// replaces invalid bytes); otherwise the result is decoded again.
	redecode := false
	set := func(name string, value any) error {
		var err error
		if credential, err = jsonedit.Add(credential, name, value); err != nil {
			return err
		}
		m[name] = value
		switch x := value.(type) {
		case string:
			redecode = redecode || !utf8.ValidString(x)
		case map[string]any:
			for _, e := range x {
				s, ok := e.(string)
				redecode = redecode || !ok || !utf8.ValidString(s)
			}
		default:
			redecode = true
		}
		return nil
	}
	if !i.cfg.noAutofill {
		if _, ok := m["issuer"]; !ok {
			if err := set("issuer", i.did.String()); err != nil {
				return nil, nil, meta, err
			}
		}
		if _, ok := m["id"]; !ok {
			if err := set("id", newUUIDURN()); err != nil {
				return nil, nil, meta, err
			}
		}
		_, hasFrom := m["validFrom"]
		_, hasIssuance := m["issuanceDate"]
		if ctxs, _ := m["@context"].([]any); !hasFrom && !hasIssuance && len(ctxs) > 0 && ctxs[0] == vc.ContextV2 {
			if err := set("validFrom", proof.FormatDateTime(i.cfg.clock())); err != nil {
				return nil, nil, meta, err
			}
		}
	}
	if _, has := m["credentialStatus"]; i.cfg.allocator != nil && !has {
		url, index, err := i.cfg.allocator.Allocate(ctx)
		if err != nil {
			return nil, nil, meta, err
		}
		entry := map[string]any{
			"id":                   url + "#" + strconv.Itoa(index),
			"type":                 "BitstringStatusListEntry",
			"statusPurpose":        i.cfg.purpose,
			"statusListIndex":      strconv.Itoa(index),
			"statusListCredential": url,
		}
		if err := set("credentialStatus", entry); err != nil {
			return nil, nil, meta, err
		}
		meta.listURL, meta.index = url, index
	}
	if redecode {
		v, err := strictjson.Decode(credential, strictjson.Limits{})
		if err != nil {
			return nil, nil, meta, fmt.Errorf("%w: %w", vc.ErrInvalidCredential, err)
		}
		m, _ = v.(map[string]any)
	}
	return credential, m, meta, nil
}

// newUUIDURN returns a random (version 4) UUID URN.
func newUUIDURN() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
