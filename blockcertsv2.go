package microcred

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/vc"
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
	s := &v2State{run: run, data: data, container: container, policy: policy, now: now}
	runSteps(ctx, run, v.blockcertsV2Steps(policy), s)
	if err := run.verdict(); err != nil {
		return run.res, err
	}
	run.res.Verified = true
	return run.res, nil
}

// v2State is what the steps of a Blockcerts v2 verification share.
type v2State struct {
	run       *runner
	data      []byte
	container string
	policy    Policy
	now       time.Time

	r2  *merkle2019.V2Result
	err error // the engine's error, parse and issuer steps' aside
	out *blockcertsOutcome
}

// blockcertsV2Steps is the pipeline of a Blockcerts v2 certificate, in
// report order: the checks of a VC's, with those that read a VC failing
// (a check the caller asked for is not passed over in silence).
func (v *Verifier) blockcertsV2Steps(policy Policy) []step[*v2State] {
	bc := v.cfg.blockcerts
	steps := []step[*v2State]{
		{check: CheckParse, run: func(ctx context.Context, s *v2State) {
			if bc == nil {
				s.run.pass(CheckParse, "Blockcerts v2 certificate"+s.container)
				return
			}
			r2, err := bc.engineV2.VerifyV2(ctx, s.data)
			s.out = &blockcertsOutcome{res: &r2.Result}
			var se *merkle2019.StepError
			if errors.As(err, &se) {
				switch se.Step {
				case merkle2019.StepParse:
					s.run.fail(CheckParse, err)
					return
				case merkle2019.StepIssuer:
					s.out.issuerErr = err
					err = nil
				}
			}
			s.r2, s.err = r2, err
			s.run.pass(CheckParse, "Blockcerts v2 certificate (Open Badges 2.0 Assertion, "+merkle2019.TypeV2+")"+s.container)
		}},
		{check: CheckSchema, requires: []Check{CheckParse}, run: func(_ context.Context, s *v2State) {
			if bc == nil {
				s.run.skip(CheckSchema, fmt.Errorf("%w: an Open Badges 2.0 assertion", ErrNotApplicable))
				return
			}
			s.run.skip(CheckSchema, fmt.Errorf("%w: an Open Badges 2.0 assertion; the 1EdTech schemas describe OB 3.0 credentials", ErrNotApplicable))
		}},
		{check: CheckProof, requires: []Check{CheckParse}, run: func(_ context.Context, s *v2State) {
			switch {
			case bc == nil:
				s.run.fail(CheckProof, errNoBlockcerts)
				return
			case s.err != nil:
				// targetHash, the transaction's root, or the path: the
				// proof does not hold (the error names the step).
				s.run.fail(CheckProof, s.err)
				return
			}
			p := s.r2.V2
			s.out.note = bc.servedNote(p.IssuerProfile)
			s.run.res.Issuer, s.run.res.VerificationMethod = p.IssuerProfile, p.IssuerProfile
			detail := fmt.Sprintf("%s, anchor %s, targetHash recomputed, Merkle path intact (L0; anchor graded below)", merkle2019.TypeV2, s.r2.Anchor)
			if s.r2.IssuingAddress != "" || !s.r2.TxTime.IsZero() {
				detail = fmt.Sprintf("%s, anchor %s, targetHash recomputed, the transaction's root is merkleRoot, Merkle path intact", merkle2019.TypeV2, s.r2.Anchor)
			}
			s.run.pass(CheckProof, detail)
		}},
		{check: CheckIssuer, requires: []Check{CheckProof}, run: func(_ context.Context, s *v2State) {
			checkBlockcertsIssuer(s.run, s.r2.V2.IssuerProfile, s.out, s.policy)
		}},
		{check: CheckStatus, requires: []Check{CheckProof}, run: func(ctx context.Context, s *v2State) {
			// the signed certificate's revocationList, else the profile's.
			p := s.r2.V2
			url := p.Revocation
			if url == "" {
				if prof, ok := bc.profiles[p.IssuerProfile]; ok {
					url = prof.revocationList
				}
			}
			if url == "" {
				s.run.skip(CheckStatus, fmt.Errorf("%w: neither the certificate nor its issuer profile names a revocationList", ErrNotApplicable))
				return
			}
			v.checkRevocationList(ctx, s.run, url, p.ID, s.policy)
		}},
		{check: CheckValidity, requires: []Check{CheckProof}, run: func(_ context.Context, s *v2State) {
			// expires (cert-verifier-js checkExpiresDate); issuedOn
			// bounds nothing there.
			p := s.r2.V2
			if err := checkV2Expires(p.Expires, s.now, v.cfg.skew); err != nil {
				s.run.fail(CheckValidity, err)
			} else if p.Expires != "" {
				s.run.pass(CheckValidity, "before expires "+p.Expires+" at "+s.now.UTC().Format(time.RFC3339))
			} else {
				s.run.pass(CheckValidity, "no expires; issued on "+p.IssuedOn)
			}
		}},
		{check: CheckEndorsements, requires: []Check{CheckProof}, run: func(_ context.Context, s *v2State) {
			s.run.skip(CheckEndorsements, fmt.Errorf("%w: an Open Badges 2.0 assertion carries no OB 3.0 endorsements", ErrNotApplicable))
		}},
		{check: CheckAnchor, requires: []Check{CheckProof}, run: func(_ context.Context, s *v2State) {
			v.checkBlockcertsAnchor(s.run, s.out, s.policy)
		}},
	}
	return append(steps, checkerSteps(v, policy, nil,
		func(_ context.Context, s *v2State) {
			s.run.fail(CheckRecipient, fmt.Errorf("%w: the recipient check reads a VC's credentialSubject; a Blockcerts v2 certificate is an Open Badges 2.0 assertion", errUnsupportedFormat))
		},
		func(_ context.Context, s *v2State, nc namedChecker) {
			s.run.fail(nc.name, fmt.Errorf("%w: checkers read a VC; a Blockcerts v2 certificate is an Open Badges 2.0 assertion", errUnsupportedFormat))
		})...)
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
		return fmt.Errorf("%w: expires %s", vc.ErrExpired, t.UTC().Format(time.RFC3339))
	}
	return nil
}
