package microcred

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/openbadges"
)

// CheckRecipient is the name of the recipient check.
const CheckRecipient Check = "recipient"

type namedChecker struct {
	name Check
	c    func(ctx context.Context, c *vc.Credential) error
}

// WithChecker adds a verifier's own rule (a checker), reported under
// name: check runs after the built-in checks on a credential whose proof
// verified, and returns nil to pass, an error wrapping ErrNotApplicable
// to skip, any other error to fail. A type with a method of this shape
// passes it as a method value (WithChecker(name, x.Check)). Checkers run
// in the order added; names must be unique and not those of built-in
// checks.
func WithChecker(name Check, check func(ctx context.Context, c *vc.Credential) error) Option {
	c := check
	return verifierOption("WithChecker", func(cfg *verifierConfig) error {
		if c == nil || name == "" {
			return errors.New("microcred: WithChecker needs a name and a checker")
		}
		if builtinCheck(name) {
			return fmt.Errorf("microcred: %q is a built-in check", name)
		}
		for _, nc := range cfg.checkers {
			if nc.name == name {
				return fmt.Errorf("microcred: duplicate checker %q", name)
			}
		}
		cfg.checkers = append(cfg.checkers, namedChecker{name, c})
		return nil
	})
}

// ExpectRecipient requires the credential to be about identity: a subject
// whose id is identity, or whose OB 3.0 identifier (IdentityObject, hashed
// with its salt or plain) matches it, e.g. an email address.
func ExpectRecipient(identity string) PolicyOption {
	return func(p *Policy) error {
		if identity == "" {
			return errors.New("microcred: empty recipient")
		}
		p.recipient = identity
		return nil
	}
}

func checkRecipient(c *vc.Credential, identity string) error {
	for _, raw := range c.Subjects() {
		var s struct {
			ID         string                                     `json:"id"`
			Identifier openbadges.List[openbadges.IdentityObject] `json:"identifier"`
		}
		if json.Unmarshal(raw, &s) != nil {
			continue
		}
		if s.ID == identity {
			return nil
		}
		for _, o := range s.Identifier {
			if o.Matches(identity) {
				return nil
			}
		}
	}
	return fmt.Errorf("%w", errWrongRecipient)
}

// checkRecipient runs the recipient check of the policy.
func (v *Verifier) checkRecipient(run *runner, cred *vc.Credential, policy Policy) {
	if err := checkRecipient(cred, policy.recipient); err != nil {
		run.fail(CheckRecipient, err)
	} else {
		run.pass(CheckRecipient, "credential is about the expected recipient")
	}
}

// runChecker runs one custom checker.
func runChecker(ctx context.Context, run *runner, cred *vc.Credential, nc namedChecker) {
	err := nc.c(ctx, cred)
	switch {
	case err == nil:
		run.pass(nc.name, "")
	case errors.Is(err, ErrNotApplicable):
		run.skip(nc.name, err)
	default:
		run.fail(nc.name, err)
	}
}
