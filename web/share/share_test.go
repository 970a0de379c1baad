package share_test

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/limits"
	"github.com/onchaincert/microcred/web/share"
)

func credential(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", "valid.json"))
	require.NoError(t, err)
	return b
}

// TestFragmentRoundTrip: the link carries the exact bytes, compressed,
// in the fragment; the page's decoder gets them back.
func TestFragmentRoundTrip(t *testing.T) {
	cred := credential(t)
	link, err := share.Link("https://badges.example.edu/verify/", cred)
	require.NoError(t, err)
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.Equal(t, "/verify/", u.Path)
	assert.True(t, strings.HasPrefix(u.Fragment, "vc="))
	assert.Less(t, len(u.Fragment), len(cred), "compressed")
	got, err := share.DecodeFragment("#" + u.Fragment)
	require.NoError(t, err)
	assert.Equal(t, cred, got)
	got, err = share.DecodeFragment(u.Fragment + "&other=1")
	require.NoError(t, err)
	assert.Equal(t, cred, got)
}

// TestDecodeFragmentRefuses: not our member, not base64url, not DEFLATE,
// empty, and a small bomb that expands past the credential limit.
func TestDecodeFragmentRefuses(t *testing.T) {
	var bomb bytes.Buffer
	w, err := flate.NewWriter(&bomb, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(bytes.Repeat([]byte{' '}, limits.MaxCredentialBytes+10))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.Less(t, bomb.Len(), 8<<10, "the bomb is small")
	var empty bytes.Buffer
	w, _ = flate.NewWriter(&empty, 1)
	require.NoError(t, w.Close())
	for name, frag := range map[string]string{
		"other member": "x=abc",
		"not base64":   "vc=!!!",
		"padded":       "vc=" + base64.URLEncoding.EncodeToString([]byte("ab")),
		"not deflate":  "vc=" + base64.RawURLEncoding.EncodeToString([]byte("\xff\xff\xff\xff")),
		"empty":        "vc=" + base64.RawURLEncoding.EncodeToString(empty.Bytes()),
		"bomb":         "vc=" + base64.RawURLEncoding.EncodeToString(bomb.Bytes()),
	} {
		got, err := share.DecodeFragment(frag)
		assert.ErrorIs(t, err, share.ErrFragment, name)
		assert.Nil(t, got, name)
	}
}

func TestLinkRefuses(t *testing.T) {
	cred := credential(t)
	for _, base := range []string{"", "verify/", "ftp://x.example/", "https:///x", "https://x.example/#a", "javascript:alert(1)"} {
		_, err := share.Link(base, cred)
		assert.Error(t, err, base)
	}
	_, err := share.Link("https://x.example/", nil)
	assert.Error(t, err)
	_, err = share.EncodeFragment(make([]byte, limits.MaxCredentialBytes+1))
	assert.Error(t, err)
}

func TestLinkedInURL(t *testing.T) {
	u, err := share.LinkedInURL(share.LinkedIn{Name: "Intro & Data", Organization: "Example Institute",
		Issued: time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC), Expires: time.Date(2028, 1, 15, 0, 0, 0, 0, time.UTC),
		CertURL: "https://x.example/verify/#vc=abc", CertID: "urn:uuid:1"})
	require.NoError(t, err)
	p, err := url.Parse(u)
	require.NoError(t, err)
	assert.Equal(t, "www.linkedin.com", p.Host)
	assert.Equal(t, "/profile/add", p.Path)
	q := p.Query()
	assert.Equal(t, "CERTIFICATION_NAME", q.Get("startTask"))
	assert.Equal(t, "Intro & Data", q.Get("name"))
	assert.Equal(t, "Example Institute", q.Get("organizationName"))
	assert.Equal(t, "2025", q.Get("issueYear"))
	assert.Equal(t, "1", q.Get("issueMonth"))
	assert.Equal(t, "2028", q.Get("expirationYear"))
	assert.Equal(t, "https://x.example/verify/#vc=abc", q.Get("certUrl"))
	assert.Equal(t, "urn:uuid:1", q.Get("certId"))
	_, err = share.LinkedInURL(share.LinkedIn{})
	assert.Error(t, err)
}

func FuzzDecodeFragment(f *testing.F) {
	frag, err := share.EncodeFragment(credential(f))
	require.NoError(f, err)
	f.Add(frag)
	f.Add("vc=")
	f.Add("#vc=AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := share.DecodeFragment(s)
		if err != nil {
			if b != nil {
				t.Fatal("bytes with an error")
			}
			return
		}
		if len(b) == 0 || len(b) > limits.MaxCredentialBytes {
			t.Fatalf("decoded %d bytes", len(b))
		}
		again, err := share.EncodeFragment(b)
		if err != nil {
			t.Fatal(err)
		}
		back, err := share.DecodeFragment(again)
		if err != nil || !bytes.Equal(back, b) {
			t.Fatal("round trip")
		}
	})
}
