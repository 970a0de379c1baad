package microcred

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/merkle2019"
	"github.com/onchaincert/microcred/did"
	merkle "github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/status"
)

// WithBlockcerts makes the verifier accept Blockcerts credentials: a
// MerkleProof2019 proof is one more proof mechanism of [Verifier.Verify],
// with the same parse, schema, issuer, status, validity and anchor steps
// as every other credential. Blockcerts v2 certificates (MerkleProof2017
// receipts on Open Badges 2.0 assertions) run the same steps too; see
// [Verifier.Verify].
//
// The proof step recomputes the targetHash and folds the Merkle path to
// merkleRoot (L0), and verifies the proof set's other proofs, if any,
// with Trusted.Suites (at least one must verify; their verification
// methods resolve through the supplied DID documents and issuer profiles,
// then Trusted.Resolver). A MerkleProof2019 after other proofs covers
// them (its targetHash hashes the credential with the proofs before it),
// and its previousProof, if any, must be the proof just before it.
//
// When one of those proofs is by a key of the issuer, that signature
// binds the issuer (the issuer step is that of any signed credential) and
// the MerkleProof2019 is an anchoring proof, by whichever key it names (a
// third party's, as ChainedProof2021 credentials have): the anchor step
// then also requires the transaction's sender to be that key, resolved
// and valid at the transaction time as below, and reports who anchored
// it. Otherwise the anchor binds the issuer: the issuer step requires the
// anchor transaction's sender to be a key of the credential's issuer:
// the proof's verificationMethod must be in the issuer's profile or DID
// document,
// its issuing address must be the sender (for a raw Bitcoin transaction,
// the key whose input signature verifies), and the key must have been
// created before the transaction and not revoked or expired at its time;
// then the policy's trust list applies to the issuer id. The anchor step
// reports the level reached (L1 with transaction data, L2 with the raw
// Bitcoin transaction, L3 and L4 with its block evidence, graded by the
// engine receipts use) and requires [RequireAnchor]'s level, L1 when the
// policy names none. A mocknet anchor (L0) binds no issuer: a credential
// bound only by its anchor never verifies under a policy that does not
// say Trust.UnboundKeyUnsafe (one the issuer signed needs RequireAnchor
// at L0).
//
// The verification method is looked up in the DID document's
// verificationMethod list and must be controlled by the DID; as in
// Blockcerts, the relationship it is listed under is not read (the did:ion
// documents Blockcerts issues list the anchoring key under authentication
// only): what binds it is that its address sent the anchor transaction.
//
// A profile that does not parse, a profile in IssuerProfiles or a DID
// document whose id is not its key, or a URL in both IssuerProfiles and
// IssuerProfilesAt, is a construction error. A DID document that is not
// valid DID Core binds no key: a credential whose key it would hold fails
// the issuer check, with the document's error.
func WithBlockcerts(b merkle2019.Evidence) Option {
	return verifierOption("WithBlockcerts", func(c *verifierConfig) error {
		bc := &blockcertsConfig{profiles: map[string]*issuerProfile{}, dids: map[string]*didEntry{},
			cps: append([]anchor.Checkpoint(nil), b.Checkpoints...)}
		for url, data := range b.IssuerProfiles {
			p, err := parseIssuerProfile(data)
			if err != nil {
				return fmt.Errorf("microcred: WithBlockcerts: issuer profile %s: %w", url, err)
			}
			if p.id != url {
				return fmt.Errorf("microcred: WithBlockcerts: issuer profile %s has id %q", url, p.id)
			}
			p.v2Keys, p.v2Err = merkle.ParseV2IssuerKeys(data)
			bc.profiles[url] = p
		}
		for url, data := range b.IssuerProfilesAt {
			if _, ok := b.IssuerProfiles[url]; ok {
				return fmt.Errorf("microcred: WithBlockcerts: issuer profile %s is in both IssuerProfiles and IssuerProfilesAt", url)
			}
			if url == "" {
				return errors.New("microcred: WithBlockcerts: IssuerProfilesAt: empty URL")
			}
			p, err := parseIssuerProfile(data)
			if err != nil {
				return fmt.Errorf("microcred: WithBlockcerts: issuer profile served at %s: %w", url, err)
			}
			if p.id != url {
				p.id, p.selfID = url, p.id
			}
			p.v2Keys, p.v2Err = merkle.ParseV2IssuerKeys(data)
			bc.profiles[url] = p
		}
		for id, data := range b.DIDDocuments {
			e, err := parseDIDEntry(data)
			if err != nil {
				// A document that is not valid DID Core (say, a verification
				// method without a controller) binds no key: the issuer
				// check of a credential that needs it fails, naming why.
				// Its id must still be its key.
				var head struct {
					ID string `json:"id"`
				}
				if json.Unmarshal(data, &head) != nil || head.ID != id {
					return fmt.Errorf("microcred: WithBlockcerts: DID document %s: %w", id, err)
				}
				bc.dids[id] = &didEntry{err: err}
				continue
			}
			if e.doc.ID != id {
				return fmt.Errorf("microcred: WithBlockcerts: DID document %s has id %q", id, e.doc.ID)
			}
			bc.dids[id] = e
		}
		bc.tx = b.Transactions
		c.blockcerts = bc
		return nil
	})
}

// blockcertsConfig is WithBlockcerts' evidence, parsed.
type blockcertsConfig struct {
	tx       merkle.TxSource
	cps      []anchor.Checkpoint
	profiles map[string]*issuerProfile
	dids     map[string]*didEntry
	engine   *merkle.Verifier // built in NewVerifier, with the resolver
	engineV2 *merkle.Verifier // Blockcerts v2: keys from the issuer profile
}

// issuerProfile is the part of a Blockcerts issuer profile the issuer
// step reads.
type issuerProfile struct {
	// id is the URL the profile is the issuer's profile of: its own id,
	// or the URL it was served at (IssuerProfilesAt).
	id string
	// selfID is, for a profile served at id, the other id it names
	// itself by; "" when it names itself id.
	selfID string
	// revocationList is the URL of the profile's Blockcerts revocation
	// list (revokedAssertions), for credentials without credentialStatus.
	revocationList string
	methods        []did.VerificationMethod
	windows        map[string]keyWindow // by lowercase issuing address
	// v2Keys are the keys a Blockcerts v2 certificate is checked against
	// (merkle.ParseV2IssuerKeys: publicKey, publicKeys, or a v1
	// profile's issuerKeys); v2Err says why the profile has none.
	v2Keys []merkle.IssuerKey
	v2Err  error
	// doc is the profile read as a controller document, for signatures
	// beside a MerkleProof2019 whose verification method is a key of the
	// profile (blockcertsResolver); docErr says why it is none.
	doc    *did.Document
	docErr error
}

// keyWindow bounds when a key may anchor (Blockcerts'
// ensureValidIssuingKey): zero means unbounded.
type keyWindow struct {
	created, revoked, expires time.Time
}

type didEntry struct {
	err      error // the document does not parse: it binds no key
	doc      *did.Document
	windows  map[string]keyWindow // by absolute verification method id
	profiles []string             // IssuerProfile service endpoints
}

func parseIssuerProfile(data []byte) (*issuerProfile, error) {
	if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
		return nil, err
	}
	var raw struct {
		ID                 string                   `json:"id"`
		RevocationList     string                   `json:"revocationList"`
		PublicKey          []windowJSON             `json:"publicKey"`
		VerificationMethod []did.VerificationMethod `json:"verificationMethod"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw.ID == "" {
		return nil, errors.New("id: missing")
	}
	p := &issuerProfile{id: raw.ID, revocationList: raw.RevocationList, methods: raw.VerificationMethod, windows: map[string]keyWindow{}}
	p.doc, p.docErr = did.ParseControllerDocument(data)
	for i, k := range raw.PublicKey {
		addr, ok := strings.CutPrefix(k.ID, "ecdsa-koblitz-pubkey:")
		if !ok {
			continue // another kind of key: not an anchoring address
		}
		w, err := k.window()
		if err != nil {
			return nil, fmt.Errorf("publicKey[%d]: %w", i, err)
		}
		p.windows[strings.ToLower(addr)] = w
	}
	return p, nil
}

// windowJSON is a key entry with Blockcerts' validity members.
type windowJSON struct {
	ID      string `json:"id"`
	Created string `json:"created"`
	Revoked string `json:"revoked"`
	Expires string `json:"expires"`
}

// narrow returns the window both w and o allow: the later creation, the
// earlier revocation and expiry (zero is unbounded).
func (w keyWindow) narrow(o keyWindow) keyWindow {
	if o.created.After(w.created) {
		w.created = o.created
	}
	for _, p := range []struct{ dst, src *time.Time }{{&w.revoked, &o.revoked}, {&w.expires, &o.expires}} {
		if !p.src.IsZero() && (p.dst.IsZero() || p.src.Before(*p.dst)) {
			*p.dst = *p.src
		}
	}
	return w
}

func (k windowJSON) window() (keyWindow, error) {
	var w keyWindow
	for _, f := range []struct {
		name, s string
		dst     *time.Time
	}{{"created", k.Created, &w.created}, {"revoked", k.Revoked, &w.revoked}, {"expires", k.Expires, &w.expires}} {
		if f.s == "" {
			continue
		}
		t, err := parseProfileTime(f.s)
		if err != nil {
			return keyWindow{}, fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = t
	}
	return w, nil
}

// parseProfileTime reads RFC 3339, and the zone-less ISO 8601 times
// cert-issuer writes (read as UTC).
func parseProfileTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02T15:04:05.999999999", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return t, nil
}

func parseDIDEntry(data []byte) (*didEntry, error) {
	doc, err := did.ParseDocument(data)
	if err != nil {
		return nil, err
	}
	var raw struct {
		VerificationMethod []windowJSON `json:"verificationMethod"`
		Service            []struct {
			Type            string          `json:"type"`
			ServiceEndpoint json.RawMessage `json:"serviceEndpoint"`
		} `json:"service"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	e := &didEntry{doc: doc, windows: map[string]keyWindow{}}
	for i, vm := range raw.VerificationMethod {
		w, err := vm.window()
		if err != nil {
			return nil, fmt.Errorf("verificationMethod[%d]: %w", i, err)
		}
		if m, err := doc.Method(vm.ID); err == nil {
			e.windows[m.ID] = w
		}
	}
	for _, s := range raw.Service {
		var url string
		if s.Type == "IssuerProfile" && json.Unmarshal(s.ServiceEndpoint, &url) == nil {
			e.profiles = append(e.profiles, url)
		}
	}
	return e, nil
}

// blockcertsKeys is the merkle.KeySource of a Verifier: it resolves
// a proof's verificationMethod in the supplied profiles and DID
// documents, then Trusted.Resolver.
type blockcertsKeys struct {
	bc       *blockcertsConfig
	resolver did.Resolver
}

var _ merkle.KeySource = (*blockcertsKeys)(nil)

// IssuerKeys implements merkle.KeySource.
func (k *blockcertsKeys) IssuerKeys(ctx context.Context, vm string, b merkle.Blink) ([]merkle.IssuerKey, error) {
	owner, _, _ := strings.Cut(vm, "#")
	var (
		pub     *secp256k1.PublicKey
		windows []map[string]keyWindow // profile windows, by address
		vmWin   *keyWindow
		err     error
	)
	if p, ok := k.bc.profiles[owner]; ok {
		if pub, err = profileKey(p, vm); err != nil {
			return nil, err
		}
		windows = append(windows, p.windows)
	} else if strings.HasPrefix(owner, "did:") {
		var doc *did.Document
		if e, ok := k.bc.dids[owner]; ok {
			if e.err != nil {
				return nil, fmt.Errorf("%w: the supplied DID document of %s is not valid: %w", merkle.ErrIssuerMismatch, owner, e.err)
			}
			doc = e.doc
			if w, ok := e.windows[vm]; ok {
				vmWin = &w
			}
			for _, url := range e.profiles {
				p, ok := k.bc.profiles[url]
				if !ok {
					return nil, fmt.Errorf("the DID document of %s names the issuer profile %s (service IssuerProfile), which was not supplied (nothing is fetched)", owner, url)
				}
				windows = append(windows, p.windows)
			}
		} else {
			d, err := did.Parse(owner)
			if err != nil {
				return nil, fmt.Errorf("verificationMethod %q: %w", vm, err)
			}
			if doc, err = k.resolver.Resolve(ctx, d); err != nil {
				return nil, fmt.Errorf("resolving %s: %w", owner, err)
			}
			if doc.ID != owner {
				return nil, fmt.Errorf("resolving %s returned the document of %s", owner, doc.ID)
			}
		}
		m, err := doc.Method(vm)
		if err != nil {
			return nil, err
		}
		if m.Controller != owner {
			return nil, fmt.Errorf("verification method %s is controlled by %q, not %s", vm, m.Controller, owner)
		}
		if pub, err = secp256k1Key(m); err != nil {
			return nil, err
		}
	} else {
		return nil, fmt.Errorf("verificationMethod %q: no issuer profile or DID document of %s was supplied (WithBlockcerts; nothing is fetched)", vm, owner)
	}
	if b.Chain == "mocknet" {
		return nil, nil
	}
	addr, err := merkle.IssuingAddress(pub.SerializeCompressed(), b)
	if err != nil {
		return nil, err
	}
	key := merkle.IssuerKey{Address: addr, PublicKey: pub.SerializeCompressed()}
	// Every window that applies bounds the key: the verification
	// method's own, and the profile's entry for its address.
	var w keyWindow
	if vmWin != nil {
		w = *vmWin
	}
	for _, ws := range windows {
		pw, ok := ws[strings.ToLower(addr)]
		if !ok {
			// ensureValidIssuingKey: the profile lists the address it
			// anchors from, with the key's validity window.
			return nil, fmt.Errorf("%w: the issuer profile does not list the issuing address %s of %s in publicKey", merkle.ErrIssuerMismatch, addr, vm)
		}
		w = w.narrow(pw)
	}
	key.Created, key.Revoked, key.Expires = w.created, w.revoked, w.expires
	return []merkle.IssuerKey{key}, nil
}

// blockcertsResolver resolves the verification methods of the
// signatures in a Blockcerts credential's proof set: DIDs from the
// supplied DID documents, https keys from the supplied issuer profiles
// (as controller documents, under the URL they are the profile of), then
// Trusted.Resolver. The evidence the MerkleProof2019's key is looked up
// in serves its proof set's signatures too; nothing is fetched.
type blockcertsResolver struct {
	bc   *blockcertsConfig
	base did.Resolver
}

var (
	_ did.Resolver           = blockcertsResolver{}
	_ did.ControllerResolver = blockcertsResolver{}
)

// Resolve implements did.Resolver.
func (r blockcertsResolver) Resolve(ctx context.Context, d did.DID) (*did.Document, error) {
	if e, ok := r.bc.dids[d.String()]; ok {
		if e.err != nil {
			return nil, &did.ResolutionError{DID: d.String(), Code: did.CodeInvalidDIDDocument, Err: e.err}
		}
		return e.doc, nil
	}
	return r.base.Resolve(ctx, d)
}

// ResolveController implements did.ControllerResolver.
func (r blockcertsResolver) ResolveController(ctx context.Context, url string) (*did.Document, error) {
	if p, ok := r.bc.profiles[url]; ok {
		if p.docErr != nil {
			return nil, &did.ResolutionError{DID: url, Code: did.CodeInvalidDIDDocument, Err: fmt.Errorf("the issuer profile as a controller document: %w", p.docErr)}
		}
		return p.doc, nil
	}
	if cr, ok := r.base.(did.ControllerResolver); ok {
		return cr.ResolveController(ctx, url)
	}
	return nil, &did.ResolutionError{DID: url, Code: did.CodeNotFound, Err: fmt.Errorf("%w: no issuer profile %s was supplied (WithBlockcerts; nothing is fetched)", did.ErrNotFound, url)}
}

// profileKey returns the secp256k1 key of the profile's verification
// method vm (absolute, or a fragment relative to the profile).
func profileKey(p *issuerProfile, vm string) (*secp256k1.PublicKey, error) {
	for i := range p.methods {
		m := &p.methods[i]
		// A profile served at id whose methods are named under its own
		// id selfID: selfID#frag is id#frag.
		served := p.selfID != "" && strings.HasPrefix(m.ID, p.selfID+"#") && p.id+strings.TrimPrefix(m.ID, p.selfID) == vm
		if m.ID != vm && p.id+m.ID != vm && !served {
			continue
		}
		if m.Controller != "" && m.Controller != p.id && (p.selfID == "" || m.Controller != p.selfID) {
			return nil, fmt.Errorf("verification method %s is controlled by %q, not the profile %s", vm, m.Controller, p.id)
		}
		return secp256k1Key(m)
	}
	return nil, fmt.Errorf("the issuer profile %s has no verificationMethod %q", p.id, vm)
}

// secp256k1Key decodes a secp256k1 verification method: a JWK, or a
// multibase key (Multikey or the secp256k1 2019 type).
func secp256k1Key(m *did.VerificationMethod) (*secp256k1.PublicKey, error) {
	var (
		pub any
		err error
	)
	switch {
	case len(m.PublicKeyJwk) > 0:
		pub, err = did.ParseJWK(m.PublicKeyJwk)
	case m.PublicKeyMultibase != "":
		mm := *m
		mm.Type = "Multikey"
		pub, err = mm.PublicKey()
	default:
		err = errors.New("no publicKeyJwk or publicKeyMultibase")
	}
	if err != nil {
		return nil, fmt.Errorf("verification method %s: %w", m.ID, err)
	}
	k, ok := pub.(*secp256k1.PublicKey)
	if !ok {
		return nil, fmt.Errorf("verification method %s is a %T key, not secp256k1", m.ID, pub)
	}
	return k, nil
}

// blockcertsOutcome is what the proof step of a Blockcerts credential
// established, for the issuer and anchor steps.
type blockcertsOutcome struct {
	res *merkle.Result
	// anchorErr is a contradiction in the anchor evidence (StepAnchor);
	// issuerErr a sender that is not a valid key of the issuer.
	anchorErr, issuerErr error
	// note is added to the issuer check's detail (servedNote).
	note string
	// others is the verification of the proof set's other proofs (nil
	// when the MerkleProof2019 is the only proof); signed is the one of
	// them made by a key of the issuer, if any. With signed, that
	// signature binds the issuer (the regular issuer check) and the
	// MerkleProof2019 only anchors: its sender must be proven to be the
	// key its own verificationMethod names, or the anchor check fails.
	others *proof.Result
	signed *proof.ProofResult
}

// isBlockcerts reports whether the decoded credential carries a
// Blockcerts MerkleProof2019 proof. Blockcerts v2 certificates
// (MerkleProof2017, a "signature" member on an Open Badges 2.0
// Assertion) are not VCs and take their own path, verifyBlockcertsV2.
func isBlockcerts(decoded map[string]any) bool {
	return merkle.HasProof(decoded)
}

// verifyBlockcertsProof runs the proof step of a Blockcerts credential.
// It returns nil (having recorded the failure) when the proof itself
// does not hold.
func (v *Verifier) verifyBlockcertsProof(ctx context.Context, run *runner, credBytes []byte, decoded map[string]any, cred *vc.Credential) (*blockcertsOutcome, *proof.ProofResult) {
	if v.cfg.blockcerts == nil {
		run.fail(CheckProof, errNoBlockcerts)
		return nil, nil
	}
	mres, err := v.cfg.blockcerts.engine.Verify(ctx, credBytes)
	out := &blockcertsOutcome{res: mres}
	var se *merkle.StepError
	if err != nil {
		if !errors.As(err, &se) {
			run.fail(CheckProof, err)
			return nil, nil
		}
		switch se.Step {
		case merkle.StepAnchor:
			out.anchorErr = err
		case merkle.StepIssuer:
			out.issuerErr = err
		default:
			run.fail(CheckProof, err)
			return nil, nil
		}
	}
	// validateDateFormat: in a VCDM 2.0 credential the proof's created is
	// a dateTimeStamp (RFC 3339 with a time zone), as VCDM 2.0 and
	// cert-verifier-js require; VCDM 1.1 Blockcerts certificates carry
	// cert-issuer's zone-less form, which Blockcerts accepts.
	if cred.Version() == vc.V2 {
		if _, err := time.Parse(time.RFC3339Nano, mres.Created); err != nil {
			run.fail(CheckProof, fmt.Errorf("%w: created: %q is not an RFC 3339 date-time with a time zone (VCDM 2.0 dateTimeStamp)", merkle.ErrMalformedProof, mres.Created))
			return nil, nil
		}
	}
	// From here the Merkle proof holds: targetHash recomputed (over the
	// credential and the proofs before it), path folds to merkleRoot
	// (L0). What the anchor adds is for the issuer and anchor steps.
	owner, _, _ := strings.Cut(mres.VerificationMethod, "#")
	out.note = v.cfg.blockcerts.servedNote(owner)
	merkleDetail := fmt.Sprintf("%s by %s, anchor %s, Merkle path intact (L0; anchor graded below)", merkle.Type, mres.VerificationMethod, mres.Anchor)
	pr := &proof.ProofResult{Proof: &proof.Proof{Type: merkle.Type, VerificationMethod: mres.VerificationMethod}}

	// The proof set's other proofs (a signature the MerkleProof2019
	// chains to, say) verify through the regular suites, as a proof set
	// of any credential: at least one must, or the proof check fails.
	others, ok := otherProofs(decoded, mres.ProofIndex)
	if !ok {
		run.pass(CheckProof, merkleDetail)
		return out, pr
	}
	pres, err := proof.VerifyDocument(ctx, others, proof.VerifyOptions{
		Suites:    v.trusted.Suites,
		Resolver:  blockcertsResolver{bc: v.cfg.blockcerts, base: v.trusted.Resolver},
		Purpose:   proof.AssertionMethod,
		Now:       v.cfg.clock(),
		ClockSkew: v.cfg.skew,
	})
	if err != nil {
		run.fail(CheckProof, fmt.Errorf("microcred: the proofs beside the %s: %w", merkle.Type, err))
		return nil, nil
	}
	out.others = pres
	sig := issuerProof(pres, cred.Issuer().ID)
	if sig.Controller == cred.Issuer().ID && sig.Method != nil && sig.Method.Controller == cred.Issuer().ID {
		out.signed = sig
		pr = sig
	}
	chained := ""
	if mres.ProofIndex > 0 {
		chained = fmt.Sprintf(" chained to proof %d", mres.ProofIndex-1)
	}
	run.pass(CheckProof, fmt.Sprintf("%s by %s; %s%s", suiteName(sig), sig.Proof.VerificationMethod, merkleDetail, chained))
	return out, pr
}

// otherProofs returns decoded with the proof at index taken out of its
// proof list, and false when no other proof remains.
func otherProofs(decoded map[string]any, index int) (map[string]any, bool) {
	list, ok := decoded["proof"].([]any)
	if !ok || len(list) < 2 || index < 0 || index >= len(list) {
		return nil, false
	}
	rest := make([]any, 0, len(list)-1)
	rest = append(append(rest, list[:index]...), list[index+1:]...)
	d := make(map[string]any, len(decoded))
	for k, val := range decoded {
		d[k] = val
	}
	d["proof"] = rest
	return d, true
}

// checkBlockcertsIssuer is the issuer step of a Blockcerts credential.
// The binding is the anchor's: a sender matched to a key of the issuer
// (L1 or more), the key named by the proof, in the issuer's own profile
// or DID document.
func checkBlockcertsIssuer(run *runner, issuer string, out *blockcertsOutcome, policy Policy) {
	mres := out.res
	owner, _, _ := strings.Cut(mres.VerificationMethod, "#")
	var err error
	switch {
	case issuer == "":
		err = errors.New("microcred: credential has no issuer id")
	case owner != issuer && out.others != nil:
		err = fmt.Errorf("%w: no proof of the set is by a key of the issuer %q: the signature verified is by %s, and the %s is by %s", errIssuerMismatch, issuer, issuerProof(out.others, issuer).Proof.VerificationMethod, merkle.Type, mres.VerificationMethod)
	case owner != issuer:
		err = fmt.Errorf("%w: key %s is not in the issuer %q's profile or DID document", errIssuerMismatch, mres.VerificationMethod, issuer)
	case out.issuerErr != nil:
		err = fmt.Errorf("%w: %w", errIssuerMismatch, out.issuerErr)
	case out.anchorErr != nil:
		err = fmt.Errorf("%w: the anchor evidence does not hold (see the anchor check), so no sender binds the credential to the issuer", errIssuerMismatch)
	case mres.Level < anchor.L1:
		err = fmt.Errorf("%w: the anchor reached %s (%v): no transaction sender binds the credential to a key of the issuer", errIssuerMismatch, mres.Level, mres.Reason)
	}
	if err != nil {
		if policy.unboundKey && errors.Is(err, errIssuerMismatch) {
			run.pass(CheckIssuer, fmt.Sprintf("NOT bound to the issuer (Trust.UnboundKeyUnsafe): %v", err))
			return
		}
		run.fail(CheckIssuer, err)
		return
	}
	switch {
	case policy.noIssuer:
		run.fail(CheckIssuer, fmt.Errorf("%w: %q (the policy trusts no issuer)", ErrUntrustedIssuer, issuer))
	case !policy.anyIssuer && !policy.issuers[issuer]:
		run.fail(CheckIssuer, fmt.Errorf("%w: %q", ErrUntrustedIssuer, issuer))
	default:
		what := "a trusted issuer"
		if policy.anyIssuer {
			what = "the issuer; issuer not checked against a trust list (AnyIssuerUnsafe)"
		}
		detail := fmt.Sprintf("anchor sender %s is key %s of %s", senderOf(mres), mres.VerificationMethod, what)
		if k := mres.IssuerKey; k != nil && !k.Created.IsZero() {
			detail += fmt.Sprintf(", created %s before the transaction at %s", k.Created.UTC().Format(time.RFC3339), mres.TxTime.UTC().Format(time.RFC3339))
		}
		run.pass(CheckIssuer, detail+out.note)
	}
}

// servedNote is the issuer check's note for the profile at url when it
// was served there under another id (IssuerProfilesAt); "" otherwise.
func (bc *blockcertsConfig) servedNote(url string) string {
	if p, ok := bc.profiles[url]; ok && p.selfID != "" {
		return fmt.Sprintf("; profile served at %s names itself %s (IssuerProfilesAt: its authority is where it came from)", url, p.selfID)
	}
	return ""
}

func senderOf(r *merkle.Result) string {
	if r.IssuerKey != nil {
		return r.IssuerKey.Address
	}
	return r.IssuingAddress
}

// checkBlockcertsAnchor is the anchor step of a Blockcerts credential:
// the level the MerkleProof2019 anchor reached, against RequireAnchor's
// level or L1.
func (v *Verifier) checkBlockcertsAnchor(run *runner, out *blockcertsOutcome, policy Policy) {
	mres := out.res
	a := &anchor.Assurance{Level: mres.Level, Chain: mres.Chain, NoFinality: mres.NoFinality, Reason: mres.Reason,
		SenderPublicKey: mres.SenderPublicKey}
	if b := mres.Block; b != nil {
		// Graded by the receipts' engine: its confirmations, work, pin
		// and block time.
		a.Confirmations, a.Work, a.Pinned, a.BlockTime = b.Confirmations, b.Work, b.Pinned, b.BlockTime
	}
	if mres.Level >= anchor.L1 {
		a.Sender = senderOf(mres)
	}
	run.res.Anchor = a
	if out.anchorErr != nil {
		run.fail(CheckAnchor, out.anchorErr)
		return
	}
	by := ""
	if out.signed != nil {
		// An anchoring proof: the issuer is bound by its signature; the
		// anchor holds only if its sender is the key the Merkle proof
		// names (resolved, valid at the transaction time).
		if out.issuerErr != nil {
			run.fail(CheckAnchor, fmt.Errorf("%w: the %s is by %s, and its anchor's sender is not proven to be that key: %w", anchor.ErrInsufficientAssurance, merkle.Type, mres.VerificationMethod, out.issuerErr))
			return
		}
		by = fmt.Sprintf("anchored by %s", mres.VerificationMethod)
		if mres.Level >= anchor.L1 {
			by += " (sender " + senderOf(mres) + ")"
		}
		by += fmt.Sprintf(" at %s: ", mres.Level)
	}
	min := policy.anchorLevel
	if min == anchor.LevelNone {
		min = anchor.L1
	}
	if err := a.Require(min); err != nil {
		run.fail(CheckAnchor, err)
		return
	}
	run.pass(CheckAnchor, fmt.Sprintf("%s%s (Blockcerts %s)", by, describeAssurance(a), mres.Anchor))
}

// maxRevokedAssertions bounds the entries read from a Blockcerts
// revocation list.
const maxRevokedAssertions = 1 << 20

// issuerRevocationList returns the revocation list URL of the issuer's
// profile: the profile itself, or the IssuerProfile a supplied DID
// document names. "" when there is none.
func (bc *blockcertsConfig) issuerRevocationList(issuer string) string {
	if p, ok := bc.profiles[issuer]; ok {
		return p.revocationList
	}
	if e, ok := bc.dids[issuer]; ok && e.err == nil {
		for _, url := range e.profiles {
			if p, ok := bc.profiles[url]; ok && p.revocationList != "" {
				return p.revocationList
			}
		}
	}
	return ""
}

// checkBlockcertsRevocation is the status step of a Blockcerts credential
// without credentialStatus whose issuer profile names a revocationList
// (Blockcerts' checkRevokedStatus): the list, from the status fetcher
// under that URL, must not list the credential's id among its
// revokedAssertions. The list carries no proof (Blockcerts serves it
// over HTTPS), so the fetcher the caller configured vouches for it. It
// reports whether it ran.
func (v *Verifier) checkBlockcertsRevocation(ctx context.Context, run *runner, cred *vc.Credential, policy Policy, depth int) bool {
	bc := v.cfg.blockcerts
	if bc == nil || len(cred.Status()) > 0 || depth > 0 {
		return false
	}
	url := bc.issuerRevocationList(cred.Issuer().ID)
	if url == "" {
		return false
	}
	v.checkRevocationList(ctx, run, url, cred.ID(), policy)
	return true
}

// checkRevocationList is Blockcerts' checkRevokedStatus against the
// unsigned revocation list at url, from the status fetcher: the
// credential's id must not be among its revokedAssertions.
func (v *Verifier) checkRevocationList(ctx context.Context, run *runner, url, id string, policy Policy) {
	switch {
	case policy.ignoreStatus:
		run.skip(CheckStatus, errors.New("microcred: status not checked (IgnoreStatusUnsafe)"))
		return
	case v.cfg.status == nil:
		run.fail(CheckStatus, fmt.Errorf("microcred: the revocation list %s applies and no status fetcher is configured (WithStatusFetcher)", url))
		return
	}
	data, err := v.cfg.status.Fetch(ctx, url)
	if err != nil {
		run.fail(CheckStatus, fmt.Errorf("%w: %s: %w", status.ErrNoList, url, err))
		return
	}
	if err := strictjson.Check(data, strictjson.Limits{}); err != nil {
		run.fail(CheckStatus, fmt.Errorf("%w: revocation list %s: %w", status.ErrInvalidList, url, err))
		return
	}
	var list struct {
		Type              json.RawMessage `json:"type"`
		RevokedAssertions []struct {
			ID               string `json:"id"`
			RevocationReason string `json:"revocationReason"`
		} `json:"revokedAssertions"`
	}
	if err := json.Unmarshal(data, &list); err != nil || list.RevokedAssertions == nil {
		run.fail(CheckStatus, fmt.Errorf("%w: revocation list %s: revokedAssertions: missing or not a list", status.ErrInvalidList, url))
		return
	}
	if len(list.RevokedAssertions) > maxRevokedAssertions {
		run.fail(CheckStatus, fmt.Errorf("%w: revocation list %s: more than %d revokedAssertions", status.ErrInvalidList, url, maxRevokedAssertions))
		return
	}
	if id == "" || strings.HasPrefix(id, "_:") {
		run.fail(CheckStatus, fmt.Errorf("%w: the credential has no id to look up in the revocation list %s", status.ErrInvalidList, url))
		return
	}
	for _, r := range list.RevokedAssertions {
		if r.ID == id {
			reason := ""
			if r.RevocationReason != "" {
				reason = fmt.Sprintf(" (%q)", r.RevocationReason)
			}
			run.fail(CheckStatus, fmt.Errorf("%w: listed in the Blockcerts revocation list %s%s", status.ErrRevoked, url, reason))
			return
		}
	}
	run.pass(CheckStatus, fmt.Sprintf("not in the Blockcerts revocation list %s (%d entries; an unsigned list, as the fetcher supplied it)", url, len(list.RevokedAssertions)))
}
