// Package status implements Bitstring Status List v1.0
// (https://www.w3.org/TR/vc-bitstring-status-list/): status lists an issuer
// publishes as BitstringStatusListCredentials, entries in credentials that
// point into them, and the check of an entry against a list.
//
// A list is a bitstring of entries of StatusSize bits each (1 by default),
// GZIP-compressed and multibase base64url encoded ("u" prefix) in the list
// credential's encodedList. Entry i occupies bits i*StatusSize ...; bit 0 is
// the most significant bit of the first byte.
//
// # Security considerations
//
// The encoded list is attacker-controlled: decompression is capped
// ([MaxListBytes]) so a GZIP bomb fails fast. The list credential must
// itself be verified (proof, issuer equal to the credential's issuer,
// validity window, purpose); [Check] takes a verification function for
// that, and the root package supplies one.
//
// # Offline use
//
// Lists are obtained only through the [Fetcher] the caller passes in;
// [StaticFetcher] serves local copies.
//
// # Compatibility
//
// Reads lists with fewer than the 131,072 entries the spec requires (other
// implementations publish them) but never creates one; reads the legacy
// StatusList2021 entry and list types, and the 1EdTech Revocation List
// Status Method (an unsigned JSON list of revoked credential ids that OB 3.0
// issuers publish; see [TypeRevocationList1EdTech]).
package status

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
)

const (
	// MinBits is the smallest bitstring the spec allows (16 KiB).
	MinBits = 131072
	// MaxListBytes caps a decompressed bitstring (16 MiB).
	MaxListBytes = 16 << 20
)

// Status purposes.
const (
	Revocation = "revocation"
	Suspension = "suspension"
	Refresh    = "refresh"
	Message    = "message"
)

var (
	// ErrRevoked: the credential's revocation bit is set.
	ErrRevoked = errors.New("status: credential revoked")
	// ErrSuspended: the credential's suspension bit is set.
	ErrSuspended = errors.New("status: credential suspended")
	// ErrInvalidList: the list or the entry is malformed or inconsistent.
	ErrInvalidList = errors.New("status: invalid status list")
	// ErrNoList: the list credential could not be obtained.
	ErrNoList = errors.New("status: status list not available")
)

// List is a status bitstring.
type List struct {
	bits       []byte
	statusSize int
}

// NewList returns an all-zero list of entries entries of statusSize bits;
// the bitstring must reach MinBits.
func NewList(entries, statusSize int) (*List, error) {
	if statusSize < 1 || statusSize > 8 {
		return nil, fmt.Errorf("%w: statusSize %d (1 to 8)", ErrInvalidList, statusSize)
	}
	if entries*statusSize < MinBits {
		return nil, fmt.Errorf("%w: %d bits, the minimum is %d", ErrInvalidList, entries*statusSize, MinBits)
	}
	if entries*statusSize > MaxListBytes*8 {
		return nil, fmt.Errorf("%w: list too large", ErrInvalidList)
	}
	return &List{bits: make([]byte, (entries*statusSize+7)/8), statusSize: statusSize}, nil
}

// Len is the number of entries.
func (l *List) Len() int { return len(l.bits) * 8 / l.statusSize }

// StatusSize is the number of bits per entry.
func (l *List) StatusSize() int { return l.statusSize }

// Get returns entry i's value.
func (l *List) Get(i int) (uint, error) {
	if i < 0 || i >= l.Len() {
		return 0, fmt.Errorf("%w: index %d out of range (list of %d)", ErrInvalidList, i, l.Len())
	}
	var v uint
	for b := 0; b < l.statusSize; b++ {
		bit := i*l.statusSize + b
		v = v<<1 | uint(l.bits[bit/8]>>(7-bit%8)&1)
	}
	return v, nil
}

// Set sets entry i to v (which must fit in StatusSize bits).
func (l *List) Set(i int, v uint) error {
	if i < 0 || i >= l.Len() {
		return fmt.Errorf("%w: index %d out of range (list of %d)", ErrInvalidList, i, l.Len())
	}
	if v >= 1<<l.statusSize {
		return fmt.Errorf("%w: value %d does not fit in %d bits", ErrInvalidList, v, l.statusSize)
	}
	for b := l.statusSize - 1; b >= 0; b-- {
		bit := i*l.statusSize + b
		mask := byte(1) << (7 - bit%8)
		if v&1 == 1 {
			l.bits[bit/8] |= mask
		} else {
			l.bits[bit/8] &^= mask
		}
		v >>= 1
	}
	return nil
}

// Encode returns the encodedList: multibase base64url (no padding) of the
// GZIP-compressed bitstring.
func (l *List) Encode() (string, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(l.bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// gzipReaders recycles decompressors: each holds a 32 KiB window.
var gzipReaders sync.Pool

// Decode reads an encodedList. The multibase "u" prefix is expected; the
// legacy StatusList2021 form without it is accepted too.
func Decode(encoded string, statusSize int) (*List, error) {
	if statusSize == 0 {
		statusSize = 1
	}
	if statusSize < 1 || statusSize > 8 {
		return nil, fmt.Errorf("%w: statusSize %d", ErrInvalidList, statusSize)
	}
	s := strings.TrimPrefix(encoded, "u")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("%w: encodedList is not base64url", ErrInvalidList)
	}
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	if zr == nil {
		zr = new(gzip.Reader)
	}
	defer gzipReaders.Put(zr)
	if err := zr.Reset(bytes.NewReader(raw)); err != nil {
		return nil, fmt.Errorf("%w: encodedList is not GZIP", ErrInvalidList)
	}
	// Lists are at least MinBits long: start there rather than grow to it.
	var out bytes.Buffer
	out.Grow(MinBits / 8 * statusSize)
	_, err = out.ReadFrom(io.LimitReader(zr, MaxListBytes+1))
	bits := out.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: decompressing encodedList: %v", ErrInvalidList, err)
	}
	if len(bits) > MaxListBytes {
		return nil, fmt.Errorf("%w: decompressed list larger than %d bytes", ErrInvalidList, MaxListBytes)
	}
	if len(bits) == 0 {
		return nil, fmt.Errorf("%w: empty list", ErrInvalidList)
	}
	return &List{bits: bits, statusSize: statusSize}, nil
}

// ListCredential describes a BitstringStatusListCredential to issue.
type ListCredential struct {
	ID         string // the URL the list is published at
	Issuer     string
	Purpose    string // Revocation, Suspension, ...
	ValidFrom  time.Time
	ValidUntil time.Time // optional
	List       *List
}

// NewListCredential returns the (unsigned) BitstringStatusListCredential
// JSON; sign it with the same key as the credentials it covers.
func NewListCredential(c ListCredential) ([]byte, error) {
	if c.ID == "" || c.Issuer == "" || c.Purpose == "" || c.List == nil || c.ValidFrom.IsZero() {
		return nil, fmt.Errorf("%w: id, issuer, purpose, list and validFrom are required", ErrInvalidList)
	}
	enc, err := c.List.Encode()
	if err != nil {
		return nil, err
	}
	// statusSize belongs to the entries (BitstringStatusListEntry), not to
	// the list: the v2 context defines it only there.
	subject := map[string]any{"id": c.ID + "#list", "type": "BitstringStatusList", "statusPurpose": c.Purpose, "encodedList": enc}
	m := map[string]any{
		"@context":          []any{contexts.CredentialsV2},
		"id":                c.ID,
		"type":              []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":            c.Issuer,
		"validFrom":         c.ValidFrom.UTC().Format(time.RFC3339),
		"credentialSubject": subject,
	}
	if !c.ValidUntil.IsZero() {
		m["validUntil"] = c.ValidUntil.UTC().Format(time.RFC3339)
	}
	return json.MarshalIndent(m, "", "  ")
}

// Entry is one credentialStatus entry pointing into a list.
type Entry struct {
	ID             string
	Type           string
	Purpose        string
	Index          int
	ListCredential string
	StatusSize     int
	// Messages maps a status value to its message (statusMessage); it is
	// required when StatusSize > 1 and then covers every value.
	Messages []StatusMessage
	// Reference lists the statusReference URLs, if any.
	Reference []string
}

// StatusMessage is one statusMessage element: a value, written as a
// hexadecimal string ("0x2"), and what it means.
type StatusMessage struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// MessageFor returns the message for value v, if the entry has one.
func (e Entry) MessageFor(v uint) (string, bool) {
	for _, m := range e.Messages {
		n, err := strconv.ParseUint(strings.TrimPrefix(m.Status, "0x"), 16, 8)
		if err == nil && uint(n) == v {
			return m.Message, true
		}
	}
	return "", false
}

// Entries reads the credential's BitstringStatusListEntry (and legacy
// StatusList2021Entry) entries; other status types are returned with
// Type set and Index -1, for the caller to decide.
func Entries(c *vc.Credential) ([]Entry, error) {
	var out []Entry
	for i, raw := range c.Status() {
		var e struct {
			ID             string          `json:"id"`
			Type           string          `json:"type"`
			Purpose        string          `json:"statusPurpose"`
			Index          json.RawMessage `json:"statusListIndex"`
			ListCredential string          `json:"statusListCredential"`
			StatusSize     *int            `json:"statusSize"`
			Messages       json.RawMessage `json:"statusMessage"`
			Reference      json.RawMessage `json:"statusReference"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("%w: credentialStatus[%d]: %v", ErrInvalidList, i, err)
		}
		entry := Entry{ID: e.ID, Type: e.Type, Purpose: e.Purpose, ListCredential: e.ListCredential, Index: -1}
		if e.Type == "BitstringStatusListEntry" || e.Type == "StatusList2021Entry" {
			var s string
			if json.Unmarshal(e.Index, &s) != nil {
				return nil, fmt.Errorf("%w: credentialStatus[%d].statusListIndex must be a string", ErrInvalidList, i)
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%w: credentialStatus[%d].statusListIndex %q", ErrInvalidList, i, s)
			}
			entry.Index = n
			if e.ListCredential == "" || e.Purpose == "" {
				return nil, fmt.Errorf("%w: credentialStatus[%d] needs statusListCredential and statusPurpose", ErrInvalidList, i)
			}
			if err := readSizeAndMessages(&entry, e.StatusSize, e.Messages, e.Reference); err != nil {
				return nil, fmt.Errorf("%w: credentialStatus[%d].%v", ErrInvalidList, i, err)
			}
		}
		out = append(out, entry)
	}
	return out, nil
}

// readSizeAndMessages applies the Bitstring Status List rules for
// statusSize, statusMessage and statusReference (§2.1 of the REC).
func readSizeAndMessages(e *Entry, size *int, messages, reference json.RawMessage) error {
	e.StatusSize = 1
	if size != nil {
		// "If present, statusSize MUST be an integer greater than zero."
		if *size < 1 || *size > 8 {
			return fmt.Errorf("statusSize %d (1 to 8 supported)", *size)
		}
		e.StatusSize = *size
	}
	if len(messages) > 0 && string(messages) != "null" {
		if err := json.Unmarshal(messages, &e.Messages); err != nil {
			return errors.New("statusMessage must be an array of {status, message}")
		}
		seen := map[uint64]bool{}
		for j, m := range e.Messages {
			// "each element MUST contain the two properties status and message"
			if m.Status == "" || m.Message == "" {
				return fmt.Errorf("statusMessage[%d] needs status and message", j)
			}
			n, err := strconv.ParseUint(strings.TrimPrefix(m.Status, "0x"), 16, 8)
			if !strings.HasPrefix(m.Status, "0x") || err != nil || n >= 1<<e.StatusSize {
				return fmt.Errorf("statusMessage[%d].status %q is not a hexadecimal value that fits in %d bits", j, m.Status, e.StatusSize)
			}
			if seen[n] {
				return fmt.Errorf("statusMessage[%d].status %q repeats", j, m.Status)
			}
			seen[n] = true
		}
	}
	if e.StatusSize > 1 {
		// "MUST be present if statusSize is greater than 1", and its
		// length "MUST equal the number of possible status messages".
		if want := 1 << e.StatusSize; len(e.Messages) != want {
			return fmt.Errorf("statusMessage has %d elements, statusSize %d needs %d", len(e.Messages), e.StatusSize, want)
		}
	}
	if len(reference) > 0 && string(reference) != "null" {
		var one string
		if json.Unmarshal(reference, &one) == nil {
			e.Reference = []string{one}
		} else if json.Unmarshal(reference, &e.Reference) != nil {
			return errors.New("statusReference must be a URL or an array of URLs")
		}
	}
	return nil
}

// Fetcher obtains a status list credential by URL.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// StaticFetcher serves local copies of list credentials by URL.
type StaticFetcher map[string][]byte

// Fetch implements Fetcher.
func (s StaticFetcher) Fetch(_ context.Context, url string) ([]byte, error) {
	b, ok := s[url]
	if !ok {
		return nil, fmt.Errorf("%w: no local copy of %q", ErrNoList, url)
	}
	return b, nil
}

// VerifyList verifies a fetched list credential (proof, validity) and
// returns it parsed, with the DID or URL of the key's controller. The root
// package's Verifier provides one.
type VerifyList func(ctx context.Context, listCredential []byte) (*vc.Credential, string, error)

// Result is the outcome for one entry.
type Result struct {
	Entry Entry
	Value uint
	// Message is the entry's statusMessage for Value, if it has one.
	Message string
}

// Check checks every list entry of c: fetch the list, verify it, check
// that its issuer is c's issuer (or one trustedListIssuer accepts), that its
// type and purpose match, and read the entry. It returns an error wrapping
// ErrRevoked or ErrSuspended when a bit is set for those purposes, or the
// reason a list could not be used. trustedListIssuer may be nil.
func Check(ctx context.Context, c *vc.Credential, fetch Fetcher, verify VerifyList, trustedListIssuer func(string) bool) ([]Result, error) {
	if fetch == nil || verify == nil {
		return nil, errors.New("status: a fetcher and a list verifier are required")
	}
	entries, err := Entries(c)
	if err != nil {
		return nil, err
	}
	var results []Result
	for _, e := range entries {
		if e.Type == TypeRevocationList1EdTech {
			r, err := checkRevocationList(ctx, c, e, fetch)
			if r != nil {
				results = append(results, *r)
			}
			if err != nil {
				return results, err
			}
			continue
		}
		if e.Index < 0 {
			return results, fmt.Errorf("%w: status type %q is not supported", ErrInvalidList, e.Type)
		}
		data, err := fetch.Fetch(ctx, e.ListCredential)
		if err != nil {
			return results, fmt.Errorf("%w: %s: %w", ErrNoList, e.ListCredential, err)
		}
		list, controller, err := verify(ctx, data)
		if err != nil {
			return results, fmt.Errorf("%w: list %s does not verify: %w", ErrInvalidList, e.ListCredential, err)
		}
		sameIssuer := list.Issuer().ID == c.Issuer().ID && controller == c.Issuer().ID
		delegated := trustedListIssuer != nil && controller == list.Issuer().ID && trustedListIssuer(controller)
		if !sameIssuer && !delegated {
			return results, fmt.Errorf("%w: list %s is issued by %q, the credential by %q", ErrInvalidList, e.ListCredential, list.Issuer().ID, c.Issuer().ID)
		}
		if !list.HasType("BitstringStatusListCredential") && !list.HasType("StatusList2021Credential") {
			return results, fmt.Errorf("%w: %s is not a BitstringStatusListCredential", ErrInvalidList, e.ListCredential)
		}
		subs := list.Subjects()
		if len(subs) != 1 {
			return results, fmt.Errorf("%w: list credential has %d subjects", ErrInvalidList, len(subs))
		}
		var subj struct {
			Type        string          `json:"type"`
			Purpose     json.RawMessage `json:"statusPurpose"`
			EncodedList string          `json:"encodedList"`
			StatusSize  int             `json:"statusSize"`
		}
		if err := json.Unmarshal(subs[0], &subj); err != nil {
			return results, fmt.Errorf("%w: list subject: %v", ErrInvalidList, err)
		}
		if subj.Type != "BitstringStatusList" && subj.Type != "StatusList2021" {
			return results, fmt.Errorf("%w: list subject type %q", ErrInvalidList, subj.Type)
		}
		if !purposeIncludes(subj.Purpose, e.Purpose) {
			return results, fmt.Errorf("%w: list purpose %s does not include %q", ErrInvalidList, subj.Purpose, e.Purpose)
		}
		// The entry carries statusSize; a list that states one too must agree.
		size := e.StatusSize
		if subj.StatusSize != 0 && subj.StatusSize != size {
			return results, fmt.Errorf("%w: entry statusSize %d, list %d", ErrInvalidList, e.StatusSize, subj.StatusSize)
		}
		bits, err := Decode(subj.EncodedList, size)
		if err != nil {
			return results, err
		}
		v, err := bits.Get(e.Index)
		if err != nil {
			return results, err
		}
		msg, _ := e.MessageFor(v)
		results = append(results, Result{Entry: e, Value: v, Message: msg})
		if v != 0 {
			switch e.Purpose {
			case Revocation:
				return results, fmt.Errorf("%w: %s index %d", ErrRevoked, e.ListCredential, e.Index)
			case Suspension:
				return results, fmt.Errorf("%w: %s index %d", ErrSuspended, e.ListCredential, e.Index)
			}
		}
	}
	return results, nil
}

func purposeIncludes(raw json.RawMessage, purpose string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == purpose
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		for _, p := range many {
			if p == purpose {
				return true
			}
		}
	}
	return false
}
