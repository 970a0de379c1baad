// Package share makes the links an issuer hands out with a credential: a
// link to the browser verifier that carries the credential in its URL
// fragment (which a browser never sends to a server), and a LinkedIn
// "add to profile" link for the badge.
//
// The fragment is "vc=" followed by the credential's bytes, DEFLATE
// compressed (RFC 1951) and base64url encoded without padding. The
// verifier page decodes it with [DecodeFragment], compiled to WebAssembly.
//
// # Guarantees
//
// [DecodeFragment] returns exactly the bytes [EncodeFragment] (and
// [Link]) encoded; the fragment is never sent to a server by a browser.
//
// # Refuses
//
// [DecodeFragment] refuses a fragment that is not "vc=" followed by
// unpadded base64url of a DEFLATE stream, and one that decodes to more
// than 1 MiB (the credential budget), reading no more than that.
//
// # Security considerations
//
// A fragment is the holder's credential: anyone with the link can read
// it. Nothing in a fragment is trusted; the page verifies the bytes it
// decodes like any dropped file. [DecodeFragment] bounds the decoded size,
// so a small link cannot expand into a large allocation.
package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/onchaincert/microcred/internal/limits"
)

// errFragment: a URL fragment that is not a credential link.
var errFragment = errors.New("share: malformed credential fragment")

// fragmentKey is the fragment member that carries the credential.
const fragmentKey = "vc"

// EncodeFragment returns the fragment (without "#") that carries cred:
// "vc=" and the compressed, base64url-encoded bytes.
func EncodeFragment(cred []byte) (string, error) {
	if len(cred) == 0 {
		return "", errors.New("share: credential: empty")
	}
	if len(cred) > limits.MaxCredentialBytes {
		return "", fmt.Errorf("share: credential: %d bytes, over the %d-byte limit", len(cred), limits.MaxCredentialBytes)
	}
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(cred); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return fragmentKey + "=" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// DecodeFragment returns the credential bytes a fragment carries. frag
// may start with "#". Errors wrap errFragment; the decoded bytes are at
// most limits.MaxCredentialBytes.
func DecodeFragment(frag string) ([]byte, error) {
	frag = strings.TrimPrefix(frag, "#")
	val, ok := strings.CutPrefix(frag, fragmentKey+"=")
	if !ok {
		return nil, fmt.Errorf("%w: want %s=…", errFragment, fragmentKey)
	}
	if i := strings.IndexByte(val, '&'); i >= 0 {
		val = val[:i]
	}
	comp, err := base64.RawURLEncoding.DecodeString(val)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url: %v", errFragment, err)
	}
	r := flate.NewReader(bytes.NewReader(comp))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, limits.MaxCredentialBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: not DEFLATE data: %v", errFragment, err)
	}
	if len(out) > limits.MaxCredentialBytes {
		return nil, fmt.Errorf("%w: more than %d bytes once decompressed", errFragment, limits.MaxCredentialBytes)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty", errFragment)
	}
	return out, nil
}

// Link returns base (the verifier page's URL, e.g.
// https://example.edu/verify/) with cred in its fragment. base must be an
// absolute http or https URL without a fragment.
func Link(base string, cred []byte) (string, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("share: base %q: want an absolute http(s) URL", base)
	}
	if u.Fragment != "" || strings.Contains(base, "#") {
		return "", fmt.Errorf("share: base %q: already has a fragment", base)
	}
	frag, err := EncodeFragment(cred)
	if err != nil {
		return "", err
	}
	return base + "#" + frag, nil
}

// LinkedIn is what LinkedIn's "add a license or certification" link
// prefills.
type LinkedIn struct {
	// Name is the certification's name (the achievement's).
	Name string
	// Organization is the issuing organization's name.
	Organization string
	// Issued is when it was issued; zero leaves the date out.
	Issued time.Time
	// Expires is when it expires; zero: it does not.
	Expires time.Time
	// CertURL is where it can be verified (the fragment link).
	CertURL string
	// CertID is the credential's id.
	CertID string
}

// LinkedInURL returns the "add to profile" URL for l. Name is required.
func LinkedInURL(l LinkedIn) (string, error) {
	if strings.TrimSpace(l.Name) == "" {
		return "", errors.New("share: linkedin: name: empty")
	}
	q := url.Values{}
	q.Set("startTask", "CERTIFICATION_NAME")
	q.Set("name", l.Name)
	if l.Organization != "" {
		q.Set("organizationName", l.Organization)
	}
	if !l.Issued.IsZero() {
		q.Set("issueYear", fmt.Sprint(l.Issued.UTC().Year()))
		q.Set("issueMonth", fmt.Sprint(int(l.Issued.UTC().Month())))
	}
	if !l.Expires.IsZero() {
		q.Set("expirationYear", fmt.Sprint(l.Expires.UTC().Year()))
		q.Set("expirationMonth", fmt.Sprint(int(l.Expires.UTC().Month())))
	}
	if l.CertURL != "" {
		q.Set("certUrl", l.CertURL)
	}
	if l.CertID != "" {
		q.Set("certId", l.CertID)
	}
	return "https://www.linkedin.com/profile/add?" + q.Encode(), nil
}
