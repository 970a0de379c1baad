package microcred

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/onchaincert/microcred/anchor"
)

// CheckAnchor is the name of the anchor check.
const CheckAnchor Check = "anchor"

// WithReceipts makes the verifier check the anchor receipts src holds,
// graded against the trusted checkpoints (needed for L4; for Ethereum L3
// too). A credential without a receipt skips the anchor check unless the
// policy requires one ([RequireAnchor]). A checkpoint that is not valid
// (see [anchor.ErrInvalidOptions]) is a construction error.
func WithReceipts(src anchor.ReceiptSource, checkpoints ...anchor.Checkpoint) Option {
	return verifierOption("WithReceipts", func(c *verifierConfig) error {
		if src == nil {
			return errors.New("microcred: WithReceipts(nil)")
		}
		if _, err := anchor.GradeHeaders(anchor.ChainBitcoinMainnet, nil, anchor.VerifyOptions{Checkpoints: checkpoints}); err != nil {
			return fmt.Errorf("microcred: WithReceipts: %w", err)
		}
		c.receipts = src
		c.checkpoints = append([]anchor.Checkpoint(nil), checkpoints...)
		return nil
	})
}

// RequireAnchor requires the credential to be anchored with at least
// assurance level min (anchor.L0 … anchor.L4), from a receipt the
// verifier's receipt source ([WithReceipts]) holds.
func RequireAnchor(min anchor.Level) PolicyOption {
	return func(p *Policy) error {
		if min < anchor.L0 || min > anchor.L4 {
			return fmt.Errorf("microcred: RequireAnchor(%v): want L0..L4", min)
		}
		p.anchorLevel = min
		return nil
	}
}

// checkAnchor grades the credential's receipt, if any (DESIGN rule 6). It
// runs when the verifier has receipts or the policy requires an anchor.
func (v *Verifier) checkAnchor(ctx context.Context, run *runner, credential []byte, policy Policy) {
	required := policy.anchorLevel != anchor.LevelNone
	if v.cfg.receipts == nil {
		// Not configured and not required: the step does not run.
		if required {
			run.fail(CheckAnchor, fmt.Errorf("%w: the policy requires %v and the verifier has no receipts (WithReceipts)", errNoReceipt, policy.anchorLevel))
		}
		return
	}
	leaf := anchor.Leaf(credential)
	rc, err := v.cfg.receipts.Receipt(ctx, leaf)
	if err != nil {
		run.fail(CheckAnchor, fmt.Errorf("microcred: looking up the receipt: %w", err))
		return
	}
	if rc == nil {
		if required {
			run.fail(CheckAnchor, fmt.Errorf("%w: leaf %x", errNoReceipt, leaf))
		} else {
			run.skip(CheckAnchor, fmt.Errorf("%w: no receipt for this credential", ErrNotApplicable))
		}
		return
	}
	a, err := rc.Verify(anchor.VerifyOptions{Leaf: leaf, Checkpoints: v.cfg.checkpoints})
	run.res.Anchor = a
	if err != nil {
		run.fail(CheckAnchor, err)
		return
	}
	if required {
		if err := a.Require(policy.anchorLevel); err != nil {
			run.fail(CheckAnchor, err)
			return
		}
	}
	run.pass(CheckAnchor, describeAssurance(a))
}

func describeAssurance(a *anchor.Assurance) string {
	parts := []string{a.Level.String()}
	if a.Level >= anchor.L1 {
		parts = append(parts, "on "+string(a.Chain))
	}
	if a.NoFinality {
		parts = append(parts, "(no finality)")
	}
	if a.Confirmations > 0 {
		parts = append(parts, fmt.Sprintf("%d confirmation(s)", a.Confirmations))
	}
	if a.Reason != nil && a.Level < anchor.L4 {
		parts = append(parts, "stopped: "+a.Reason.Error())
	}
	return strings.Join(parts, " ")
}
