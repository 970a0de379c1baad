package vcapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

// issuerState is a configured issuer, ready to sign.
type issuerState struct {
	name   string
	did    string
	signer proof.Signer
	suite  proof.Suite
	opts   []microcred.Option
	plain  *microcred.Issuer // no status entry
	lists  []*hostedList
}

// hostedList is a status list the service allocates from and publishes.
type hostedList struct {
	spec   store.ListSpec
	maxAge time.Duration
	issuer *issuerState
	blocks *store.Blocks
	// signed issues with an entry in this list.
	signed *microcred.Issuer
}

// slot receives, through the request's context, the status index the
// issuer's allocator handed out while signing.
type slot struct {
	url   string
	index int
}

type slotKey struct{}

// recordingAllocator hands out indexes from a list's blocks and notes the
// one it gave in the request's slot.
type recordingAllocator struct{ l *hostedList }

func (a recordingAllocator) Allocate(ctx context.Context) (string, int, error) {
	u, i, err := a.l.blocks.Allocate(ctx)
	if err != nil {
		return "", 0, &allocError{err}
	}
	if s, ok := ctx.Value(slotKey{}).(*slot); ok {
		s.url, s.index = u, i
	}
	return u, i, nil
}

// allocError marks an error of the status allocation (the store's, not
// the request's).
type allocError struct{ err error }

func (e *allocError) Error() string { return "status allocation: " + e.err.Error() }
func (e *allocError) Unwrap() error { return e.err }

func (h *Handler) addIssuer(ctx context.Context, ic *Issuer) error {
	switch {
	case ic.Name == "" || strings.ContainsAny(ic.Name, "/?#%{} "):
		return fmt.Errorf("vcapi: issuer name %q: want a non-empty path segment", ic.Name)
	case h.issuers[ic.Name] != nil:
		return fmt.Errorf("vcapi: issuer %q is configured twice", ic.Name)
	case ic.Signer == nil:
		return fmt.Errorf("vcapi: issuer %q: no signer", ic.Name)
	case ic.Suite == nil:
		return fmt.Errorf("vcapi: issuer %q: no suite", ic.Name)
	case len(ic.StatusLists) > 0 && h.cfg.Store == nil:
		return fmt.Errorf("vcapi: issuer %q has status lists: Config.Store is required", ic.Name)
	}
	is := &issuerState{name: ic.Name, signer: ic.Signer, suite: ic.Suite, opts: append([]microcred.Option{microcred.WithSuite(ic.Suite), microcred.WithClock(h.cfg.Clock)}, ic.Options...)}
	plain, err := microcred.NewIssuer(ic.Signer, is.opts...)
	if err != nil {
		return fmt.Errorf("vcapi: issuer %q: %w", ic.Name, err)
	}
	is.plain, is.did = plain, plain.DID().String()
	for i, sl := range ic.StatusLists {
		l, err := h.addList(ctx, is, sl)
		if err != nil {
			return fmt.Errorf("vcapi: issuer %q: status list %d: %w", ic.Name, i, err)
		}
		is.lists = append(is.lists, l)
	}
	h.issuers[ic.Name] = is
	h.names = append(h.names, ic.Name)
	return nil
}

func (h *Handler) addList(ctx context.Context, is *issuerState, sl StatusList) (*hostedList, error) {
	u, err := url.Parse(sl.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("url %q: want an absolute http(s) URL with a path, no query or fragment", sl.URL)
	}
	if strings.ContainsAny(u.Path, "{}") || strings.HasPrefix(u.Path, "/issuers/") || strings.HasPrefix(u.Path, "/credentials/") || strings.HasPrefix(u.Path, "/presentations/") || u.Path == "/" || u.Path == "/metrics" {
		return nil, fmt.Errorf("url %q: its path would shadow a VC API route", sl.URL)
	}
	if h.lists[sl.URL] != nil || h.paths[u.Path] != nil {
		return nil, fmt.Errorf("url %q: configured twice (or another list has the path %s)", sl.URL, u.Path)
	}
	if sl.Purpose == "" {
		sl.Purpose = status.Revocation
	}
	if sl.Purpose != status.Revocation && sl.Purpose != status.Suspension {
		return nil, fmt.Errorf("purpose %q: want revocation or suspension", sl.Purpose)
	}
	if sl.Entries == 0 {
		sl.Entries = status.MinBits
	}
	if sl.MaxAge <= 0 {
		sl.MaxAge = defaultListAge
	}
	spec := store.ListSpec{URL: sl.URL, Issuer: is.did, Purpose: sl.Purpose, Entries: sl.Entries, StatusSize: 1}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if sl.Entries < status.MinBits {
		return nil, fmt.Errorf("entries %d: at least %d (the Bitstring Status List minimum, for herd privacy)", sl.Entries, status.MinBits)
	}
	l := &hostedList{spec: spec, maxAge: sl.MaxAge, issuer: is}
	if _, _, err := h.cfg.Store.CreateList(ctx, spec, func(sl *store.List) ([]byte, error) {
		return h.signList(ctx, l, sl.Bits)
	}); err != nil {
		return nil, err
	}
	if l.blocks, err = store.NewBlocks(h.cfg.Store, sl.URL, store.WithBlockSize(h.cfg.Limits.BlockSize)); err != nil {
		return nil, err
	}
	opts := append(append([]microcred.Option(nil), is.opts...), microcred.WithStatus(recordingAllocator{l}, sl.Purpose))
	if l.signed, err = microcred.NewIssuer(is.signer, opts...); err != nil {
		return nil, err
	}
	h.lists[sl.URL] = l
	h.paths[u.Path] = l
	return l, nil
}

// signList signs the list credential of bits, valid from now.
func (h *Handler) signList(ctx context.Context, l *hostedList, bits []byte) ([]byte, error) {
	sl, err := status.NewListFromBits(bits, l.spec.StatusSize)
	if err != nil {
		return nil, err
	}
	now := h.cfg.Clock().UTC().Truncate(time.Second)
	unsigned, err := status.NewListCredential(status.ListCredential{ID: l.spec.URL, Issuer: l.issuer.did, Purpose: l.spec.Purpose, ValidFrom: now, List: sl})
	if err != nil {
		return nil, err
	}
	// Lists are signed with the issuer's key; a plain Issuer adds no status
	// entry to the list itself.
	return l.issuer.plain.Issue(ctx, unsigned)
}

// issueOptions are the VC API issue options this service reads.
type issueOptions struct {
	// CredentialID is the id to give a credential that has none.
	CredentialID string `json:"credentialId"`
	// MandatoryPointers (ecdsa-sd-2023) add to the suite's mandatory pointers.
	MandatoryPointers []string `json:"mandatoryPointers"`
	// CredentialStatus asks for a status entry of a purpose.
	CredentialStatus *struct {
		Type          string `json:"type"`
		StatusPurpose string `json:"statusPurpose"`
	} `json:"credentialStatus"`
	// Created, if set, is the proof's creation time (RFC 3339).
	Created string `json:"created"`
}

// issue answers POST /issuers/{name}/credentials/issue.
func (h *Handler) issue(w http.ResponseWriter, r *http.Request) {
	is, ok := h.issuerFor(w, r)
	if !ok {
		return
	}
	var opts issueOptions
	cred, ok := readObjectRequest(w, r, h.cfg.Limits.MaxBody, "credential", &opts)
	if !ok {
		return
	}
	issuer, _, eb := h.issuerForRequest(is, &opts)
	if wrote(w, eb) {
		return
	}
	if opts.CredentialID != "" {
		var err error
		if cred, err = setIDIfMissing(cred, opts.CredentialID); err != nil {
			writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "invalid credential", Detail: err.Error()})
			return
		}
	}
	s := &slot{index: -1}
	ctx := context.WithValue(r.Context(), slotKey{}, s)
	signed, err := issuer.Issue(ctx, cred)
	if err != nil {
		h.issueFailed(w, err)
		return
	}
	if s.url != "" {
		// The credential counts as issued once its record is committed:
		// only then is it sent.
		id, err := topLevelID(signed)
		if err != nil {
			h.log.Error("vcapi: reading the signed credential", "err", err)
			writeProblem(w, http.StatusInternalServerError, problem{Type: typeInternal, Title: "internal error", Detail: "the signed credential could not be read back"})
			return
		}
		rec := store.Record{CredentialID: id, ListURL: s.url, Index: s.index, Ref: "vcapi:" + is.name, LeafHash: anchor.Leaf(signed), IssuedAt: h.cfg.Clock().UTC()}
		if err := h.records.record(ctx, rec); err != nil {
			if errors.Is(err, store.ErrDuplicateCredential) {
				writeProblem(w, http.StatusConflict, problem{Type: typeConflict, Title: "credential id already issued", Detail: fmt.Sprintf("credential %s was issued before with a status entry: a credential id names one credential (give a new id, or none)", id)})
				return
			}
			h.log.Error("vcapi: logging an issued credential", "err", err, "credential", id)
			writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "issuer state unavailable", Detail: "the credential could not be logged; it was not issued"})
			return
		}
	}
	writeVerifiable(w, http.StatusCreated, signed)
}

// writeVerifiable answers {"verifiableCredential": signed}, signed as is.
func writeVerifiable(w http.ResponseWriter, code int, signed []byte) {
	out := make([]byte, 0, len(signed)+32)
	out = append(out, `{"verifiableCredential":`...)
	out = append(out, signed...)
	out = append(out, "}\n"...)
	writeRaw(w, code, "application/json", out)
}

func (h *Handler) issuerForRequest(is *issuerState, opts *issueOptions) (*microcred.Issuer, *hostedList, *errBody) {
	var list *hostedList
	if len(is.lists) > 0 {
		list = is.lists[0]
	}
	if cs := opts.CredentialStatus; cs != nil {
		if cs.Type != "" && cs.Type != "BitstringStatusListEntry" {
			return nil, nil, bad("options.credentialStatus.type %q: this issuer gives BitstringStatusListEntry entries", cs.Type)
		}
		if cs.StatusPurpose != "" {
			list = nil
			for _, l := range is.lists {
				if l.spec.Purpose == cs.StatusPurpose {
					list = l
					break
				}
			}
			if list == nil {
				return nil, nil, bad("options.credentialStatus.statusPurpose %q: issuer %s has no such status list", cs.StatusPurpose, is.name)
			}
		}
		if list == nil {
			return nil, nil, bad("options.credentialStatus: issuer %s has no status list", is.name)
		}
	}
	if len(opts.MandatoryPointers) == 0 && opts.Created == "" {
		if list != nil {
			return list.signed, list, nil
		}
		return is.plain, nil, nil
	}
	o := append([]microcred.Option(nil), is.opts...)
	if len(opts.MandatoryPointers) > 0 {
		if _, ok := is.suite.(*ecdsasd2023.Suite); !ok {
			return nil, nil, bad("options.mandatoryPointers: issuer %s signs with %s; mandatory pointers are for ecdsa-sd-2023", is.name, suiteName(is.suite))
		}
		for _, p := range opts.MandatoryPointers {
			if p == "" || p[0] != '/' {
				return nil, nil, bad("options.mandatoryPointers: %q is not a JSON pointer", p)
			}
		}
		sd, err := ecdsasd2023.New(contexts.Default(), ecdsasd2023.WithMandatoryPointers(opts.MandatoryPointers...))
		if err != nil {
			return nil, nil, bad("options.mandatoryPointers: %v", err)
		}
		o = append(o, microcred.WithSuite(sd))
	}
	if opts.Created != "" {
		t, err := time.Parse(time.RFC3339, opts.Created)
		if err != nil {
			return nil, nil, bad("options.created %q: not an RFC 3339 date-time", opts.Created)
		}
		o = append(o, microcred.WithClock(func() time.Time { return t }))
	}
	if list != nil {
		o = append(o, microcred.WithStatus(recordingAllocator{list}, list.spec.Purpose))
	}
	iss, err := microcred.NewIssuer(is.signer, o...)
	if err != nil {
		return nil, nil, bad("options: %v", err)
	}
	return iss, list, nil
}

// setIDIfMissing gives the credential options.credentialId when it has no
// id; one that has another id is refused.
func setIDIfMissing(cred []byte, id string) ([]byte, error) {
	c, err := vc.ParseCredential(cred)
	if err == nil && c.ID() != "" {
		if c.ID() != id {
			return nil, fmt.Errorf("options.credentialId %q: the credential's id is %q", id, c.ID())
		}
		return cred, nil
	}
	return vc.SetMember(cred, "id", id)
}

// issueFailed maps a signing error to its answer: the request's fault
// (400) unless the store or the key failed.
func (h *Handler) issueFailed(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "timed out", Detail: "issuing took longer than the request's time limit"})
	case errors.Is(err, status.ErrListFull):
		writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "status list full", Detail: err.Error()})
	case errors.As(err, new(*allocError)):
		h.log.Error("vcapi: status allocation", "err", err)
		writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "issuer state unavailable", Detail: "no status index could be reserved"})
	default:
		writeProblem(w, http.StatusBadRequest, problem{Type: typeProofGen, Title: "cannot issue", Detail: err.Error()})
	}
}

// suiteName names a suite: its cryptosuite, or its proof type.
func suiteName(s proof.Suite) string {
	if c := s.Cryptosuite(); c != "" {
		return c
	}
	return s.Type()
}

// topLevelID reads the id member of a credential the Issuer has just
// signed (and so parsed strictly and in compacted form: "id" is the one
// spelling of its id), without decoding the whole document again.
func topLevelID(signed []byte) (string, error) {
	ms, err := jsonedit.Members(signed)
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if m.Name == "id" {
			var id string
			if err := json.Unmarshal(signed[m.Start:m.End], &id); err != nil || id == "" {
				return "", fmt.Errorf("vcapi: the signed credential's id is not a string")
			}
			return id, nil
		}
	}
	return "", fmt.Errorf("vcapi: the signed credential has no id")
}
