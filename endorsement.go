package microcred

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/vc"
)

// CheckEndorsements is the name of the endorsement check.
const CheckEndorsements Check = "endorsements"

// maxEndorsementDepth bounds endorsements of endorsements.
const maxEndorsementDepth = 2

// endorsements collects the embedded EndorsementCredentials of an OB 3.0
// credential (on the credential, its issuer profile, its subjects, and
// their achievements), as JSON objects or, from endorsementJwt, compact
// JWTs. Member names must match exactly. The credential has passed strict
// parsing, so its members are located in its bytes, not decoded again.
func endorsements(c *vc.Credential) [][]byte {
	// A member name spells "endorsement" in its bytes or escapes a
	// character with \u: without either there is nothing to look for.
	if raw := c.Bytes(); !bytes.Contains(raw, []byte("endorsement")) && !bytes.Contains(raw, []byte(`\u`)) {
		return nil
	}
	var out [][]byte
	add := func(raw []byte) {
		for _, o := range jsonedit.Elements(raw) {
			if len(o) > 0 && o[0] == '"' {
				var s string
				if json.Unmarshal(o, &s) == nil {
					out = append(out, []byte(s))
				}
				continue
			}
			out = append(out, bytes.Clone(o))
		}
	}
	// addFrom adds the endorsements of a JSON object and returns its
	// achievement member, if any.
	addFrom := func(obj []byte) (achievement []byte) {
		ms, err := jsonedit.Members(obj)
		if err != nil {
			return nil // not an object: an issuer given by its id alone
		}
		for _, m := range ms {
			switch m.Name {
			case "endorsement", "endorsementJwt":
				add(obj[m.Start:m.End])
			case "achievement":
				achievement = obj[m.Start:m.End]
			}
		}
		return achievement
	}
	for _, name := range []string{"endorsement", "endorsementJwt"} {
		if raw, ok := c.Member(name); ok {
			add(raw)
		}
	}
	if raw, ok := c.Member("issuer"); ok {
		addFrom(raw)
	}
	for _, subject := range c.Subjects() {
		if ach := addFrom(subject); ach != nil {
			addFrom(ach)
		}
	}
	return out
}

// checkEndorsements verifies every embedded endorsement: each must be a
// signed EndorsementCredential whose proof is made by its own issuer (any
// issuer: endorsers are third parties, and the report says who they are).
func (v *Verifier) checkEndorsements(ctx context.Context, run *runner, c *vc.Credential, depth int) {
	list := endorsements(c)
	if len(list) == 0 {
		run.skip(CheckEndorsements, fmt.Errorf("%w: no endorsements", ErrNotApplicable))
		return
	}
	if depth >= maxEndorsementDepth {
		run.skip(CheckEndorsements, fmt.Errorf("%w: endorsements nested deeper than %d are not checked", ErrNotApplicable, maxEndorsementDepth))
		return
	}
	any := Policy{anyIssuer: true, valid: true}
	var errs []error
	var endorsers []string
	for i, e := range list {
		res, err := v.verify(ctx, e, any, depth+1, false)
		if err == nil && !res.Credential.HasType("EndorsementCredential") {
			err = errors.New("microcred: not an EndorsementCredential")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("endorsement %d: %w", i, err))
			continue
		}
		endorsers = append(endorsers, res.Issuer)
	}
	if len(errs) > 0 {
		run.fail(CheckEndorsements, errors.Join(errs...))
		return
	}
	run.pass(CheckEndorsements, fmt.Sprintf("%d endorsement(s) verified, by %v", len(endorsers), endorsers))
}
