package microcred

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onchaincert/microcred/anchor/merkle2019"
)

// Blockcerts v2 certificates (MerkleProof2017) in Verifier.Verify.
//
// A v2 certificate is an Open Badges 2.0 Assertion whose "signature"
// member is the Merkle receipt; merkle2019.Verifier.VerifyV2 recomputes
// its targetHash, checks the transaction's root and folds the path, and
// reads the fields the later checks need (issuer profile URL, assertion
// id, revocationList, expires) from the canonical N-Quads the targetHash
// covers, never from JSON members. The checks are those of every other
// credential, in the same order and under the same names:
//
//	parse     strict JSON, a well-formed MerkleProof2017 receipt
//	schema    Skipped: the 1EdTech schemas describe OB 3.0 credentials
//	proof     computeLocalHash/compareHashes, checkMerkleRoot (the
//	          transaction's root, when transaction data is supplied; before
//	          the path, as cert-verifier-js orders them), checkReceipt
//	issuer    checkAuthenticity: the transaction's sender is a key of the
//	          issuer profile the certificate names (WithBlockcerts'
//	          IssuerProfiles under that URL, or IssuerProfilesAt served
//	          at it), valid at the transaction time; then the policy's
//	          trust list, over the profile URL
//	status    checkRevokedStatus: the revocationList the signed
//	          certificate names, else the profile's, from the status
//	          fetcher; the assertion id must not be among revokedAssertions
//	validity  checkExpiresDate: the signed expires against the clock
//	anchor    the level reached, as for MerkleProof2019
//
// The transaction data's revoked addresses (explorer-lookup's
// revokedAddresses) are not read: cert-verifier-js does not use them for
// v2 either (its valid mainnet certificate is anchored from an address
// the lookup lists as revoked); key revocation is the profile's revoked
// date.

// isBlockcertsV2 reports whether data is a Blockcerts v2 certificate
// (merkle2019.IsV2). The cheap test first: most inputs have no
// "signature" member at all.
func isBlockcertsV2(data []byte) bool {
	return bytes.Contains(data, []byte(`"signature"`)) && merkle2019.IsV2(data)
}

// v2ProfileKeys is the merkle2019.KeySource of Blockcerts v2 certificates:
// the keys of the supplied issuer profile at the URL the certificate
// names (merkle2019 asks with that URL).
type v2ProfileKeys struct{ bc *blockcertsConfig }

var _ merkle2019.KeySource = v2ProfileKeys{}

// IssuerKeys implements merkle2019.KeySource.
func (k v2ProfileKeys) IssuerKeys(_ context.Context, profileURL string, _ merkle2019.Blink) ([]merkle2019.IssuerKey, error) {
	p, ok := k.bc.profiles[profileURL]
	if !ok {
		return nil, fmt.Errorf("%w: no issuer profile %s was supplied (WithBlockcerts; nothing is fetched)", merkle2019.ErrIssuerMismatch, profileURL)
	}
	if p.v2Err != nil {
		return nil, fmt.Errorf("%w: issuer profile %s: %w", merkle2019.ErrIssuerMismatch, profileURL, p.v2Err)
	}
	return append([]merkle2019.IssuerKey(nil), p.v2Keys...), nil
}

// verifyBlockcertsV2 is Verify for a Blockcerts v2 certificate. The
// Result's Credential stays nil (the certificate is not a VC); Issuer and
// VerificationMethod are the issuer profile URL.
func (v *Verifier) verifyBlockcertsV2(ctx context.Context, run *runner, data []byte, container string, policy Policy, now time.Time) (*Result, error) {
	res := run.res
	later := []Check{CheckIssuer, CheckStatus, CheckValidity, CheckEndorsements}
	bc := v.cfg.blockcerts
	if bc == nil {
		run.pass(CheckParse, "Blockcerts v2 certificate"+container)
		run.skip(CheckSchema, fmt.Errorf("%w: an Open Badges 2.0 assertion", ErrNotApplicable))
		run.fail(CheckProof, ErrNoBlockcerts)
		return res, run.finish(later...)
	}
	r2, err := bc.engineV2.VerifyV2(ctx, data)
	out := &blockcertsOutcome{res: &r2.Result}
	if err != nil {
		var se *merkle2019.StepError
		switch {
		case !errors.As(err, &se):
		case se.Step == merkle2019.StepParse:
			run.fail(CheckParse, err)
			return res, run.finish(append([]Check{CheckSchema, CheckProof}, later...)...)
		case se.Step == merkle2019.StepIssuer:
			out.issuerErr = err
			err = nil
		}
	}
	run.pass(CheckParse, "Blockcerts v2 certificate (Open Badges 2.0 Assertion, "+merkle2019.TypeV2+")"+container)
	run.skip(CheckSchema, fmt.Errorf("%w: an Open Badges 2.0 assertion; the 1EdTech schemas describe OB 3.0 credentials", ErrNotApplicable))
	if err != nil {
		// targetHash, the transaction's root, or the path: the proof
		// does not hold (the error names the step).
		run.fail(CheckProof, err)
		return res, run.finish(later...)
	}
	p := r2.V2
	out.note = bc.servedNote(p.IssuerProfile)
	res.Issuer, res.VerificationMethod = p.IssuerProfile, p.IssuerProfile
	detail := fmt.Sprintf("%s, anchor %s, targetHash recomputed, Merkle path intact (L0; anchor graded below)", merkle2019.TypeV2, r2.Anchor)
	if r2.IssuingAddress != "" || !r2.TxTime.IsZero() {
		detail = fmt.Sprintf("%s, anchor %s, targetHash recomputed, the transaction's root is merkleRoot, Merkle path intact", merkle2019.TypeV2, r2.Anchor)
	}
	run.pass(CheckProof, detail)

	checkBlockcertsIssuer(run, p.IssuerProfile, out, policy)

	// status: the signed certificate's revocationList, else the profile's.
	url := p.Revocation
	if url == "" {
		if prof, ok := bc.profiles[p.IssuerProfile]; ok {
			url = prof.revocationList
		}
	}
	if url == "" {
		run.skip(CheckStatus, fmt.Errorf("%w: neither the certificate nor its issuer profile names a revocationList", ErrNotApplicable))
	} else {
		v.checkRevocationList(ctx, run, url, p.ID, policy)
	}

	// validity: expires (cert-verifier-js checkExpiresDate); issuedOn
	// bounds nothing there.
	if err := checkV2Expires(p.Expires, now, v.cfg.skew); err != nil {
		run.fail(CheckValidity, err)
	} else if p.Expires != "" {
		run.pass(CheckValidity, "before expires "+p.Expires+" at "+now.UTC().Format(time.RFC3339))
	} else {
		run.pass(CheckValidity, "no expires; issued on "+p.IssuedOn)
	}
	run.skip(CheckEndorsements, fmt.Errorf("%w: an Open Badges 2.0 assertion carries no OB 3.0 endorsements", ErrNotApplicable))
	v.checkBlockcertsAnchor(run, out, policy)

	// The recipient and custom checks read a VC; a check the caller asked
	// for is not passed over in silence.
	if policy.recipient != "" {
		run.fail(CheckRecipient, fmt.Errorf("%w: the recipient check reads a VC's credentialSubject; a Blockcerts v2 certificate is an Open Badges 2.0 assertion", ErrUnsupportedFormat))
	}
	for _, nc := range v.cfg.checkers {
		run.fail(nc.name, fmt.Errorf("%w: checkers read a VC; a Blockcerts v2 certificate is an Open Badges 2.0 assertion", ErrUnsupportedFormat))
	}
	if err := run.finish(); err != nil {
		return res, err
	}
	res.Verified = true
	return res, nil
}

// checkV2Expires checks the signed expires (an xsd:dateTime lexical
// value; empty when absent) against now.
func checkV2Expires(expires string, now time.Time, skew time.Duration) error {
	if expires == "" {
		return nil
	}
	t, err := parseProfileTime(expires)
	if err != nil {
		return fmt.Errorf("microcred: expires: %w", err)
	}
	if now.Add(-skew).After(t) {
		return fmt.Errorf("%w: expires %s", ErrExpired, t.UTC().Format(time.RFC3339))
	}
	return nil
}
