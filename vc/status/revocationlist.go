package status

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc"
)

// typeRevocationList1EdTech is the credentialStatus type of the 1EdTech
// Revocation List Status Method (https://www.imsglobal.org/spec/vcrl/v1p0/),
// which OB 3.0 and CLR 2.0 issuers use: the entry's id is the URL of a JSON
// document listing the ids of revoked credentials.
const typeRevocationList1EdTech = "1EdTechRevocationList"

// maxRevoked bounds the entries read from a 1EdTech revocation list.
const maxRevoked = 1 << 20

// checkRevocationList checks an entry of the 1EdTech Revocation List Status
// Method: fetch the list at the entry's id; its id must be that URL and its
// issuer the credential's issuer; the credential is revoked iff its id is
// listed. The list carries no proof of its own (the method relies on the
// transport), so the Result says so in Message: the caller's fetcher is
// what vouches for it.
func checkRevocationList(ctx context.Context, c *vc.Credential, e Entry, fetch Fetcher) (*Result, error) {
	if e.ID == "" {
		return nil, fmt.Errorf("%w: a %s entry needs an id (the list's URL)", ErrInvalidList, typeRevocationList1EdTech)
	}
	data, err := fetch.Fetch(ctx, e.ID)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrNoList, e.ID, err)
	}
	if _, err := strictjson.Decode(data, strictjson.Limits{}); err != nil {
		return nil, fmt.Errorf("%w: revocation list %s: %w", ErrInvalidList, e.ID, err)
	}
	var list struct {
		ID                 string          `json:"id"`
		Issuer             json.RawMessage `json:"issuer"`
		RevokedCredentials []struct {
			ID               string `json:"id"`
			RevocationReason string `json:"revocationReason"`
		} `json:"revokedCredentials"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("%w: revocation list %s: %v", ErrInvalidList, e.ID, err)
	}
	if list.ID != e.ID {
		return nil, fmt.Errorf("%w: revocation list id %q, the entry points at %q", ErrInvalidList, list.ID, e.ID)
	}
	var issuer string
	if json.Unmarshal(list.Issuer, &issuer) != nil {
		var obj struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(list.Issuer, &obj) == nil {
			issuer = obj.ID
		}
	}
	if issuer == "" || issuer != c.Issuer().ID {
		return nil, fmt.Errorf("%w: revocation list %s is issued by %q, the credential by %q", ErrInvalidList, e.ID, issuer, c.Issuer().ID)
	}
	if len(list.RevokedCredentials) > maxRevoked {
		return nil, fmt.Errorf("%w: revocation list %s lists more than %d credentials", ErrInvalidList, e.ID, maxRevoked)
	}
	id := c.ID()
	if id == "" {
		return nil, fmt.Errorf("%w: a credential checked against a %s needs an id", ErrInvalidList, typeRevocationList1EdTech)
	}
	e.Purpose = Revocation
	for _, r := range list.RevokedCredentials {
		if r.ID == id {
			res := &Result{Entry: e, Value: 1, Message: r.RevocationReason}
			reason := ""
			if r.RevocationReason != "" {
				reason = fmt.Sprintf(" (%q)", r.RevocationReason)
			}
			return res, fmt.Errorf("%w: listed in %s%s", ErrRevoked, e.ID, reason)
		}
	}
	return &Result{Entry: e, Value: 0, Message: "not listed (unsigned 1EdTech revocation list)"}, nil
}
