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
// # Guarantees
//
//   - A nil error from [Check] means every status entry of the credential
//     was read from a list that verified (through CheckOptions.Verify), is
//     the list the entry names, was issued by the credential's issuer (or
//     one the caller trusts), has the entry's type and purpose and, with
//     MaxAge, is recent enough; and no revocation or suspension bit is
//     set.
//   - An [Allocator] never hands out an index twice while it lives;
//     [NewFileAllocator]'s also not after a restart (a memory allocator's
//     indexes start again at 0).
//   - [NewList] and [NewListFromBits] never create a bitstring shorter
//     than [MinBits] (131,072 bits); [Decode] reads shorter ones (see
//     Compatibility).
//
// # Refuses
//
// [Check] returns an error wrapping [ErrRevoked] or [ErrSuspended] for a
// set bit, and otherwise the reason a list could not be used: [ErrNoList]
// (not fetched), [ErrInvalidList] (malformed, unverified, wrong issuer,
// type or purpose), and also [ErrWrongList] or [ErrStaleList]. An
// encodedList that decompresses to more than 16 MiB is refused
// (ErrInvalidList) as soon as it exceeds that. An allocator past its last
// index returns [ErrListFull].
//
// # Security considerations
//
// The encoded list is attacker-controlled: decompression is capped
// (16 MiB) so a GZIP bomb fails fast. The list credential must
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
// issuers publish; see typeRevocationList1EdTech).
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

	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
)

const (
	// MinBits is the smallest bitstring the spec allows (16 KiB).
	MinBits = 131072
	// maxListBytes caps a decompressed bitstring (16 MiB).
	maxListBytes = 16 << 20
)

// Status purposes.
const (
	Revocation = "revocation"
	Suspension = "suspension"
	refresh    = "refresh"
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
	// ErrWrongList: the list obtained for an entry is not the one it names
	// (its id is another URL). Wrapped with ErrInvalidList.
	ErrWrongList = errors.New("status: not the status list the entry names")
	// ErrStaleList: the list is older than the caller accepts, or its age
	// is unknown. Wrapped with ErrInvalidList.
	ErrStaleList = errors.New("status: status list too old")
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
	if entries*statusSize > maxListBytes*8 {
		return nil, fmt.Errorf("%w: list too large", ErrInvalidList)
	}
	return &List{bits: make([]byte, (entries*statusSize+7)/8), statusSize: statusSize}, nil
}

// NewListFromBits returns the list whose bitstring is bits (copied), as
// an issuer's store keeps it; the bitstring must reach MinBits.
func NewListFromBits(bits []byte, statusSize int) (*List, error) {
	if statusSize < 1 || statusSize > 8 {
		return nil, fmt.Errorf("%w: statusSize %d (1 to 8)", ErrInvalidList, statusSize)
	}
	if len(bits)*8 < MinBits || len(bits) > maxListBytes {
		return nil, fmt.Errorf("%w: %d bits (%d to %d)", ErrInvalidList, len(bits)*8, MinBits, maxListBytes*8)
	}
	return &List{bits: bytes.Clone(bits), statusSize: statusSize}, nil
}

// Bits returns a copy of the bitstring.
func (l *List) Bits() []byte { return bytes.Clone(l.bits) }

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
	_, err = out.ReadFrom(io.LimitReader(zr, maxListBytes+1))
	bits := out.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: decompressing encodedList: %v", ErrInvalidList, err)
	}
	if len(bits) > maxListBytes {
		return nil, fmt.Errorf("%w: decompressed list larger than %d bytes", ErrInvalidList, maxListBytes)
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
	// messages maps a status value to its message (statusMessage); it is
	// required when StatusSize > 1 and then covers every value (read it
	// with MessageFor).
	messages []statusMessage
	// Reference lists the statusReference URLs, if any.
	Reference []string
}

// statusMessage is one statusMessage element: a value, written as a
// hexadecimal string ("0x2"), and what it means.
type statusMessage struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// MessageFor returns the entry's statusMessage for value v, if it has one
// (an entry whose StatusSize is over 1 has one for every value).
func (e Entry) MessageFor(v uint) (string, bool) {
	for _, m := range e.messages {
		n, err := strconv.ParseUint(strings.TrimPrefix(m.Status, "0x"), 16, 8)
		if err == nil && uint(n) == v {
			return m.Message, true
		}
	}
	return "", false
}

// Entries reads the credential's BitstringStatusListEntry (and legacy
// StatusList2021Entry) entries; other status types are returned with
// Type set and Index -1, for the caller to decide. Members are read by
// their exact names (a JSON reader that matched names case-insensitively
// could take "StatusListIndex" for "statusListIndex").
func Entries(c *vc.Credential) ([]Entry, error) {
	var out []Entry
	for i, raw := range c.Status() {
		m, err := object(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: credentialStatus[%d]: %v", ErrInvalidList, i, err)
		}
		field := func(name string) string { return fmt.Sprintf("credentialStatus[%d].%s", i, name) }
		var entry Entry
		for _, f := range []struct {
			name string
			dst  *string
		}{{"id", &entry.ID}, {"type", &entry.Type}, {"statusPurpose", &entry.Purpose}, {"statusListCredential", &entry.ListCredential}} {
			if *f.dst, err = optString(m, f.name); err != nil {
				return nil, fmt.Errorf("%w: %s %v", ErrInvalidList, field(f.name), err)
			}
		}
		entry.Index = -1
		if entry.Type == "BitstringStatusListEntry" || entry.Type == "StatusList2021Entry" {
			s, ok := m["statusListIndex"].(string)
			if !ok {
				return nil, fmt.Errorf("%w: %s must be a string", ErrInvalidList, field("statusListIndex"))
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || strconv.Itoa(n) != s {
				return nil, fmt.Errorf("%w: %s %q is not a non-negative integer in canonical form", ErrInvalidList, field("statusListIndex"), s)
			}
			entry.Index = n
			if entry.ListCredential == "" || entry.Purpose == "" {
				return nil, fmt.Errorf("%w: credentialStatus[%d] needs statusListCredential and statusPurpose", ErrInvalidList, i)
			}
			if err := readSizeAndMessages(&entry, m); err != nil {
				return nil, fmt.Errorf("%w: credentialStatus[%d].%v", ErrInvalidList, i, err)
			}
		}
		out = append(out, entry)
	}
	return out, nil
}

// object decodes a JSON object strictly.
func object(raw []byte) (map[string]any, error) {
	v, err := strictjson.Decode(raw, strictjson.Limits{})
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not an object")
	}
	return m, nil
}

// optString returns the member name if it is a string, "" if absent.
func optString(m map[string]any, name string) (string, error) {
	v, ok := m[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", errors.New("must be a string")
	}
	return s, nil
}

// readSizeAndMessages applies the Bitstring Status List rules for
// statusSize, statusMessage and statusReference (§2.1 of the REC).
func readSizeAndMessages(e *Entry, m map[string]any) error {
	e.StatusSize = 1
	if v, ok := m["statusSize"]; ok {
		// "If present, statusSize MUST be an integer greater than zero."
		f, isNum := v.(float64)
		if !isNum || f != float64(int(f)) {
			return errors.New("statusSize must be an integer")
		}
		if f < 1 || f > 8 {
			return fmt.Errorf("statusSize %v (1 to 8 supported)", f)
		}
		e.StatusSize = int(f)
	}
	if v, ok := m["statusMessage"]; ok && v != nil {
		list, isList := v.([]any)
		if !isList {
			return errors.New("statusMessage must be an array of {status, message}")
		}
		seen := map[uint64]bool{}
		for j, el := range list {
			mm, ok := el.(map[string]any)
			if !ok {
				return fmt.Errorf("statusMessage[%d] must be an object", j)
			}
			status, _ := mm["status"].(string)
			message, _ := mm["message"].(string)
			// "each element MUST contain the two properties status and message"
			if status == "" || message == "" {
				return fmt.Errorf("statusMessage[%d] needs status and message", j)
			}
			n, err := strconv.ParseUint(strings.TrimPrefix(status, "0x"), 16, 8)
			if !strings.HasPrefix(status, "0x") || err != nil || n >= 1<<e.StatusSize {
				return fmt.Errorf("statusMessage[%d].status %q is not a hexadecimal value that fits in %d bits", j, status, e.StatusSize)
			}
			if seen[n] {
				return fmt.Errorf("statusMessage[%d].status %q repeats", j, status)
			}
			seen[n] = true
			e.messages = append(e.messages, statusMessage{Status: status, Message: message})
		}
	}
	if e.StatusSize > 1 {
		// "MUST be present if statusSize is greater than 1", and its
		// length "MUST equal the number of possible status messages".
		if want := 1 << e.StatusSize; len(e.messages) != want {
			return fmt.Errorf("statusMessage has %d elements, statusSize %d needs %d", len(e.messages), e.StatusSize, want)
		}
	}
	if v, ok := m["statusReference"]; ok && v != nil {
		switch r := v.(type) {
		case string:
			e.Reference = []string{r}
		case []any:
			for _, x := range r {
				s, ok := x.(string)
				if !ok {
					return errors.New("statusReference must be a URL or an array of URLs")
				}
				e.Reference = append(e.Reference, s)
			}
		default:
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

// Result is the outcome for one entry.
type Result struct {
	Entry Entry
	Value uint
	// Message is the entry's statusMessage for Value, if it has one.
	Message string
}

// CheckOptions are the inputs of [Check]. Fetch and Verify are required.
type CheckOptions struct {
	// Fetch obtains list credentials by URL.
	Fetch Fetcher
	// Verify verifies a fetched list credential (proof, validity window)
	// and returns it parsed, with the DID or URL of the key's controller.
	// The root package's Verifier provides one.
	Verify func(ctx context.Context, listCredential []byte) (*vc.Credential, string, error)
	// TrustedListIssuer, if set, accepts lists issued by other DIDs than
	// the credential's issuer (delegated status lists).
	TrustedListIssuer func(string) bool
	// Now is the time lists' freshness is judged at; zero means now.
	Now time.Time
	// MaxAge, if positive, refuses a list whose validFrom is older than
	// this (or that has none): a replayed old list shows an old status.
	MaxAge time.Duration
}

// Check checks every list entry of c: fetch the list, verify it, check
// that it is the list the entry names (its id is the entry's
// statusListCredential URL), that its issuer is c's issuer (or one
// TrustedListIssuer accepts), that its type and purpose match and, with
// MaxAge, that it is recent enough; then read the entry. It returns an
// error wrapping ErrRevoked or ErrSuspended when a bit is set for those
// purposes, or the reason a list could not be used (wrapping ErrNoList,
// ErrInvalidList, and for a list that is not the one named or too old
// also ErrWrongList or ErrStaleList).
func Check(ctx context.Context, c *vc.Credential, opts CheckOptions) ([]Result, error) {
	if opts.Fetch == nil || opts.Verify == nil {
		return nil, errors.New("status: a fetcher and a list verifier are required")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	entries, err := Entries(c)
	if err != nil {
		return nil, err
	}
	var results []Result
	for _, e := range entries {
		if e.Type == typeRevocationList1EdTech {
			r, err := checkRevocationList(ctx, c, e, opts.Fetch)
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
		data, err := opts.Fetch.Fetch(ctx, e.ListCredential)
		if err != nil {
			return results, fmt.Errorf("%w: %s: %w", ErrNoList, e.ListCredential, err)
		}
		list, controller, err := opts.Verify(ctx, data)
		if err != nil {
			return results, fmt.Errorf("%w: list %s does not verify: %w", ErrInvalidList, e.ListCredential, err)
		}
		// The list must be the one the entry names: another list of the
		// same issuer (an older one, or the list of another batch) would
		// verify just as well and show another bit.
		if list.ID() != e.ListCredential {
			return results, fmt.Errorf("%w: %w: the list fetched for %s identifies itself as %q", ErrInvalidList, ErrWrongList, e.ListCredential, list.ID())
		}
		sameIssuer := list.Issuer().ID == c.Issuer().ID && controller == c.Issuer().ID
		delegated := opts.TrustedListIssuer != nil && controller == list.Issuer().ID && opts.TrustedListIssuer(controller)
		if !sameIssuer && !delegated {
			return results, fmt.Errorf("%w: list %s is issued by %q, the credential by %q", ErrInvalidList, e.ListCredential, list.Issuer().ID, c.Issuer().ID)
		}
		if !list.HasType("BitstringStatusListCredential") && !list.HasType("StatusList2021Credential") {
			return results, fmt.Errorf("%w: %s is not a BitstringStatusListCredential", ErrInvalidList, e.ListCredential)
		}
		if opts.MaxAge > 0 {
			from, ok, _ := list.ValidFrom()
			switch {
			case !ok:
				return results, fmt.Errorf("%w: %w: list %s has no validFrom, so its age is unknown", ErrInvalidList, ErrStaleList, e.ListCredential)
			case now.Sub(from) > opts.MaxAge:
				return results, fmt.Errorf("%w: %w: list %s is from %s, older than the %s the policy accepts", ErrInvalidList, ErrStaleList, e.ListCredential, from.UTC().Format(time.RFC3339), opts.MaxAge)
			}
		}
		subs := list.Subjects()
		if len(subs) != 1 {
			return results, fmt.Errorf("%w: list credential has %d subjects", ErrInvalidList, len(subs))
		}
		subj, err := object(subs[0])
		if err != nil {
			return results, fmt.Errorf("%w: list subject: %v", ErrInvalidList, err)
		}
		typ, _ := subj["type"].(string)
		if typ != "BitstringStatusList" && typ != "StatusList2021" {
			return results, fmt.Errorf("%w: list subject type %v", ErrInvalidList, subj["type"])
		}
		if !purposeIncludes(subj["statusPurpose"], e.Purpose) {
			return results, fmt.Errorf("%w: list purpose %v does not include %q", ErrInvalidList, subj["statusPurpose"], e.Purpose)
		}
		// The entry carries statusSize; a list that states one too must agree.
		size := e.StatusSize
		if v, ok := subj["statusSize"]; ok {
			if f, isNum := v.(float64); !isNum || f != float64(size) {
				return results, fmt.Errorf("%w: entry statusSize %d, list %v", ErrInvalidList, e.StatusSize, v)
			}
		}
		encoded, ok := subj["encodedList"].(string)
		if !ok {
			return results, fmt.Errorf("%w: list subject has no encodedList string", ErrInvalidList)
		}
		bits, err := Decode(encoded, size)
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

func purposeIncludes(v any, purpose string) bool {
	switch p := v.(type) {
	case string:
		return p == purpose
	case []any:
		for _, e := range p {
			if e == purpose {
				return true
			}
		}
	}
	return false
}
