package microcred

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
)

// IssuerOption configures an [Issuer].
type IssuerOption interface {
	applyIssuer(*issuerConfig) error
}

type issuerConfig struct {
	clock func() time.Time
	suite proof.Suite
}

type issuerOptionFunc func(*issuerConfig) error

func (f issuerOptionFunc) applyIssuer(c *issuerConfig) error { return f(c) }

// WithSuite sets the proof suite an Issuer signs with. The default is
// eddsa-rdfc-2022 for Ed25519 signers and ecdsa-rdfc-2019 for P-256 and
// P-384 signers, over the embedded contexts.
func WithSuite(s proof.Suite) IssuerOption {
	return issuerOptionFunc(func(c *issuerConfig) error {
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
	did    string
	cfg    issuerConfig
}

// NewIssuer returns an Issuer signing with signer. The signer's
// verification method must be a DID URL; its DID is the issuer id the
// credentials must carry.
func NewIssuer(signer proof.Signer, opts ...IssuerOption) (*Issuer, error) {
	if signer == nil {
		return nil, errors.New("microcred: nil signer")
	}
	vm := signer.VerificationMethod()
	controller, _, ok := strings.Cut(vm, "#")
	if !ok || !strings.HasPrefix(controller, "did:") {
		return nil, fmt.Errorf("microcred: signer's verification method %q is not a DID URL with a fragment", vm)
	}
	cfg := issuerConfig{clock: time.Now}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("microcred: nil option")
		}
		if err := o.applyIssuer(&cfg); err != nil {
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
func (i *Issuer) DID() string { return i.did }

// Issue signs credential (a JSON VCDM credential) and returns the exact
// signed bytes. The credential's issuer (or issuer.id) must be the signer's
// DID; use [SetIssuer] to write it. A credential that already has a proof
// gets a second one (a proof set).
func (i *Issuer) Issue(ctx context.Context, credential []byte) ([]byte, error) {
	c, err := vc.ParseCredential(credential)
	if err != nil {
		return nil, err
	}
	if got := c.Issuer().ID; got != i.did {
		return nil, fmt.Errorf("%w: credential issuer is %q, the signing key belongs to %q", ErrIssuerMismatch, got, i.did)
	}
	return proof.Sign(ctx, credential, i.cfg.suite, i.signer, proof.Options{Created: i.cfg.clock()})
}

// SetIssuer returns credential with its issuer set to id: the issuer
// string is replaced, or, for an issuer object, its id member. Other
// members keep their bytes.
func SetIssuer(credential []byte, id string) ([]byte, error) {
	c, err := vc.ParseCredential(credential)
	if err != nil {
		return nil, err
	}
	iss := c.Issuer()
	if len(iss.Raw) > 0 && iss.Raw[0] == '{' {
		obj, err := vc.SetMember(iss.Raw, "id", id)
		if err != nil {
			return nil, err
		}
		return vc.SetMember(credential, "issuer", json.RawMessage(obj))
	}
	return vc.SetMember(credential, "issuer", id)
}
