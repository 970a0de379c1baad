package microcred

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onchaincert/microcred/vc"
)

// CheckEndorsements is the name of the endorsement check.
const CheckEndorsements = "endorsements"

// maxEndorsementDepth bounds endorsements of endorsements.
const maxEndorsementDepth = 2

// endorsements collects the embedded EndorsementCredentials of an OB 3.0
// credential (on the credential, its issuer profile, and the achievement),
// as JSON objects or, from endorsementJwt, compact JWTs.
func endorsements(c *vc.Credential) [][]byte {
	var out [][]byte
	add := func(raw json.RawMessage) {
		var objs []json.RawMessage
		if json.Unmarshal(raw, &objs) != nil {
			objs = []json.RawMessage{raw}
		}
		for _, o := range objs {
			var s string
			if json.Unmarshal(o, &s) == nil {
				out = append(out, []byte(s))
			} else {
				out = append(out, o)
			}
		}
	}
	var doc struct {
		Endorsement       json.RawMessage `json:"endorsement"`
		EndorsementJwt    json.RawMessage `json:"endorsementJwt"`
		Issuer            json.RawMessage `json:"issuer"`
		CredentialSubject json.RawMessage `json:"credentialSubject"`
	}
	if json.Unmarshal(c.Bytes(), &doc) != nil {
		return nil
	}
	var nested struct {
		Endorsement    json.RawMessage `json:"endorsement"`
		EndorsementJwt json.RawMessage `json:"endorsementJwt"`
		Achievement    json.RawMessage `json:"achievement"`
	}
	for _, raw := range []json.RawMessage{doc.Endorsement, doc.EndorsementJwt} {
		if len(raw) > 0 {
			add(raw)
		}
	}
	for _, holder := range []json.RawMessage{doc.Issuer, doc.CredentialSubject} {
		nested = struct {
			Endorsement    json.RawMessage `json:"endorsement"`
			EndorsementJwt json.RawMessage `json:"endorsementJwt"`
			Achievement    json.RawMessage `json:"achievement"`
		}{}
		if json.Unmarshal(holder, &nested) != nil {
			continue
		}
		for _, raw := range []json.RawMessage{nested.Endorsement, nested.EndorsementJwt} {
			if len(raw) > 0 {
				add(raw)
			}
		}
		var ach struct {
			Endorsement    json.RawMessage `json:"endorsement"`
			EndorsementJwt json.RawMessage `json:"endorsementJwt"`
		}
		if len(nested.Achievement) > 0 && json.Unmarshal(nested.Achievement, &ach) == nil {
			for _, raw := range []json.RawMessage{ach.Endorsement, ach.EndorsementJwt} {
				if len(raw) > 0 {
					add(raw)
				}
			}
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
