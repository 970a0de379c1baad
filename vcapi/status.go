package vcapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/vc/status"
)

// groupLog commits the records of concurrent issue requests together: one
// store transaction for all the requests waiting when the previous one
// ended (at most maxGroup), so that a request waits for at most two commits
// and the store sees far fewer transactions than requests.
type groupLog struct {
	log  store.Log
	lg   *slog.Logger
	reqs chan *logReq
	quit chan struct{}
	done chan struct{}
}

type logReq struct {
	rec store.Record
	err chan error
}

const (
	maxGroup      = 512
	commitTimeout = 10 * time.Second
)

var errClosing = errors.New("vcapi: the service is closing")

func newGroupLog(l store.Log, lg *slog.Logger) *groupLog {
	g := &groupLog{log: l, lg: lg, reqs: make(chan *logReq, maxGroup), quit: make(chan struct{}), done: make(chan struct{})}
	go g.loop()
	return g
}

// record returns once rec is committed, or failed to be. It waits for
// the commit even when ctx ends first: the caller must know whether the
// credential was issued.
func (g *groupLog) record(ctx context.Context, rec store.Record) error {
	req := &logReq{rec: rec, err: make(chan error, 1)}
	select {
	case g.reqs <- req:
	case <-g.quit:
		return errClosing
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-req.err
}

func (g *groupLog) loop() {
	defer close(g.done)
	for {
		var first *logReq
		select {
		case first = <-g.reqs:
		case <-g.quit:
			// Commit what was queued before the quit.
			for {
				select {
				case r := <-g.reqs:
					g.commit([]*logReq{r})
				default:
					return
				}
			}
		}
		group := []*logReq{first}
	drain:
		for len(group) < maxGroup {
			select {
			case r := <-g.reqs:
				group = append(group, r)
			default:
				break drain
			}
		}
		g.commit(group)
	}
}

func (g *groupLog) commit(group []*logReq) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	recs := make([]store.Record, len(group))
	for i, r := range group {
		recs[i] = r.rec
	}
	err := g.log.Record(ctx, recs)
	if err != nil && len(group) > 1 && (errors.Is(err, store.ErrDuplicateCredential) || errors.Is(err, store.ErrIndexReused)) {
		// One record conflicts: commit each alone, so that only its own
		// request fails.
		for _, r := range group {
			r.err <- g.log.Record(ctx, []store.Record{r.rec})
		}
		return
	}
	for _, r := range group {
		r.err <- err
	}
}

func (g *groupLog) close() error {
	close(g.quit)
	<-g.done
	return nil
}

// serveList answers GET of a hosted status list: the signed list as the
// store has it, with an ETag (its SHA-256) and Cache-Control.
func (h *Handler) serveList(w http.ResponseWriter, r *http.Request) {
	l := h.paths[r.URL.Path]
	if l == nil {
		h.notFound(w, r)
		return
	}
	sl, err := h.cfg.Store.List(r.Context(), l.spec.URL)
	if err != nil || len(sl.Signed) == 0 {
		h.log.Error("vcapi: reading a status list", "url", l.spec.URL, "err", err)
		writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "status list unavailable", Detail: "the list could not be read from the issuer's store"})
		return
	}
	sum := sha256.Sum256(sl.Signed)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(l.maxAge/time.Second)))
	w.Header().Set("Last-Modified", sl.Updated.UTC().Format(http.TimeFormat))
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	ct := "application/json"
	if a := r.Header.Get("Accept"); strings.Contains(a, "application/vc+ld+json") {
		ct = "application/vc+ld+json"
	} else if strings.Contains(a, "application/vc") {
		ct = "application/vc"
	}
	writeRaw(w, http.StatusOK, ct, sl.Signed)
}

// statusFetcher gives the verifier the lists this service hosts straight
// from the store, and others through Config.StatusFetcher.
type statusFetcher struct{ h *Handler }

func (f statusFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	if l := f.h.lists[url]; l != nil {
		sl, err := f.h.cfg.Store.List(ctx, url)
		if err != nil {
			return nil, fmt.Errorf("vcapi: reading hosted status list %s: %w", url, err)
		}
		return sl.Signed, nil
	}
	if f.h.cfg.StatusFetcher == nil {
		return nil, fmt.Errorf("vcapi: status list %s is not hosted here, and this service fetches no remote lists", url)
	}
	return f.h.cfg.StatusFetcher.Fetch(ctx, url)
}

// statusUpdate is the VC API's update-status request.
type statusUpdate struct {
	CredentialID     string `json:"credentialId"`
	CredentialStatus []struct {
		Type          string `json:"type"`
		StatusPurpose string `json:"statusPurpose"`
		// Status is "revoked", "suspended" or "active" (also true/false
		// for the list's purpose).
		Status any `json:"status"`
	} `json:"credentialStatus"`
}

// updateStatus answers POST /issuers/{name}/credentials/status: revokes,
// suspends or reinstates a credential this service issued, re-signing its
// list in one store transaction.
func (h *Handler) updateStatus(w http.ResponseWriter, r *http.Request) {
	is, ok := h.issuerFor(w, r)
	if !ok {
		return
	}
	body, eb := readBody(r, h.cfg.Limits.MaxBody, "credentialId", "credentialStatus")
	if wrote(w, eb) {
		return
	}
	var req statusUpdate
	if v, ok := body["credentialId"]; ok {
		if err := json.Unmarshal(v, &req.CredentialID); err != nil {
			writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "malformed request", Detail: "credentialId: want a string"})
			return
		}
	}
	if v, ok := body["credentialStatus"]; ok {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req.CredentialStatus); err != nil {
			writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "malformed request", Detail: fmt.Sprintf("credentialStatus: %v", err)})
			return
		}
	}
	if req.CredentialID == "" {
		writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "malformed request", Detail: "credentialId: missing"})
		return
	}
	if len(req.CredentialStatus) != 1 {
		writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "malformed request", Detail: fmt.Sprintf("credentialStatus: %d entries, want one", len(req.CredentialStatus))})
		return
	}
	want := req.CredentialStatus[0]
	if want.Type != "" && want.Type != "BitstringStatusListEntry" && want.Type != "BitstringStatusListCredential" {
		writeProblem(w, http.StatusBadRequest, problem{Type: typeMalformed, Title: "malformed request", Detail: fmt.Sprintf("credentialStatus[0].type %q: this service keeps Bitstring Status Lists", want.Type)})
		return
	}
	recs, err := h.cfg.Store.Find(r.Context(), store.Query{CredentialID: req.CredentialID, Limit: 2})
	if err != nil {
		h.log.Error("vcapi: finding a credential", "err", err)
		writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "issuer state unavailable", Detail: "the credential log could not be read"})
		return
	}
	var rec *store.Record
	for i := range recs {
		if l := h.lists[recs[i].ListURL]; l != nil && l.issuer == is {
			rec = &recs[i]
		}
	}
	if rec == nil {
		writeProblem(w, http.StatusNotFound, problem{Type: typeMalformed, Title: "unknown credential", Detail: fmt.Sprintf("issuer %s issued no credential %s with a status entry here", is.name, req.CredentialID)})
		return
	}
	l := h.lists[rec.ListURL]
	value, eb := statusValue(want.StatusPurpose, want.Status, l.spec.Purpose)
	if wrote(w, eb) {
		return
	}
	var old uint
	_, err = h.cfg.Store.UpdateList(r.Context(), l.spec.URL, func(sl *store.List) error {
		bits, err := status.NewListFromBits(sl.Bits, sl.StatusSize)
		if err != nil {
			return err
		}
		if old, err = bits.Get(rec.Index); err != nil {
			return err
		}
		if old == value {
			return errUnchanged
		}
		if old == 1 && sl.Purpose == status.Revocation {
			return errRevoked
		}
		if err := bits.Set(rec.Index, value); err != nil {
			return err
		}
		sl.Bits = bits.Bits()
		sl.Signed, err = h.signList(r.Context(), l, sl.Bits)
		return err
	})
	switch {
	case errors.Is(err, errRevoked):
		writeProblem(w, http.StatusConflict, problem{Type: typeConflict, Title: "revoked", Detail: fmt.Sprintf("credential %s is revoked; a revocation is final (only suspensions are lifted)", req.CredentialID)})
		return
	case err != nil && !errors.Is(err, errUnchanged):
		h.log.Error("vcapi: updating a status list", "url", l.spec.URL, "err", err)
		writeProblem(w, http.StatusServiceUnavailable, problem{Type: typeInternal, Title: "issuer state unavailable", Detail: "the status list could not be updated"})
		return
	}
	words := map[string][2]string{status.Revocation: {"active", "revoked"}, status.Suspension: {"active", "suspended"}}[l.spec.Purpose]
	writeJSON(w, http.StatusOK, map[string]any{
		"credentialId": req.CredentialID,
		"credentialStatus": []map[string]any{{
			"type": "BitstringStatusListEntry", "statusPurpose": l.spec.Purpose, "status": words[value],
			"statusListCredential": l.spec.URL, "statusListIndex": strconv.Itoa(rec.Index), "changed": !errors.Is(err, errUnchanged),
		}},
	})
}

var (
	errUnchanged = errors.New("vcapi: status unchanged")
	errRevoked   = errors.New("vcapi: revoked")
)

// statusValue reads the requested status for a list of purpose.
func statusValue(purpose string, s any, listPurpose string) (uint, *errBody) {
	if purpose != "" && purpose != listPurpose {
		return 0, bad("credentialStatus[0].statusPurpose %q: the credential's entry is on a %s list", purpose, listPurpose)
	}
	switch v := s.(type) {
	case bool:
		if v {
			return 1, nil
		}
		return 0, nil
	case string:
		switch {
		case v == "revoked" && listPurpose == status.Revocation, v == "suspended" && listPurpose == status.Suspension:
			return 1, nil
		case v == "active" || v == "unsuspended" || v == "reinstated" || v == "cleared":
			return 0, nil
		case v == "revoked" || v == "suspended":
			return 0, bad("credentialStatus[0].status %q: the credential's entry is on a %s list", v, listPurpose)
		}
		return 0, bad("credentialStatus[0].status %q: want revoked, suspended or active", v)
	case nil:
		return 0, bad("credentialStatus[0].status: missing")
	}
	return 0, bad("credentialStatus[0].status: want a string or a boolean")
}
