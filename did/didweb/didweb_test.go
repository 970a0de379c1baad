package didweb_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/vc/contexts"
)

func TestURL(t *testing.T) {
	// Examples from the did:web method specification.
	for d, want := range map[string]string{
		"did:web:w3c-ccg.github.io":                                       "https://w3c-ccg.github.io/.well-known/did.json",
		"did:web:w3c-ccg.github.io:user:alice":                            "https://w3c-ccg.github.io/user/alice/did.json",
		"did:web:example.com%3A3000:user:alice":                           "https://example.com:3000/user/alice/did.json",
		"did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf": "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json",
	} {
		parsed, err := did.Parse(d)
		require.NoError(t, err)
		got, err := didweb.URL(parsed)
		require.NoError(t, err)
		assert.Equal(t, want, got, d)
	}
	for _, d := range []string{"did:web:example.com%2Fevil", "did:web:example.com:..", "did:web:user%40example.com", "did:key:z6Mk"} {
		parsed, err := did.Parse(d)
		require.NoError(t, err)
		_, err = didweb.URL(parsed)
		assert.ErrorIs(t, err, did.ErrInvalidDID, d)
	}
}

func static(t *testing.T) didweb.Static {
	s := didweb.Static{}
	for _, n := range []string{"oidf", "legacy"} {
		data, err := os.ReadFile(filepath.Join("testdata", n, "did.json"))
		require.NoError(t, err)
		s["did:web:digitalcredentials.github.io:vc-test-fixtures:dids:"+n] = data
	}
	return s
}

// The DCC's did:web credentials verify offline from local DID documents;
// the one naming an unknown did:web does not.
func TestDCCCredentialsWithStaticDocuments(t *testing.T) {
	rdfc, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	ed2020, err := legacy.NewEd25519Signature2020(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"web": static(t)})
	require.NoError(t, err)
	opts := proof.VerifyOptions{Suites: []proof.Suite{rdfc, ed2020}, Resolver: r, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	files, err := filepath.Glob("testdata/credentials/*.json")
	require.NoError(t, err)
	require.Len(t, files, 4)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		_, err = proof.Verify(context.Background(), data, opts)
		if strings.Contains(f, "badDidWeb") {
			assert.ErrorIs(t, err, did.ErrNotFound, f)
			continue
		}
		assert.NoError(t, err, f)
	}
}

func serve(t *testing.T, handler http.HandlerFunc) (*httptest.Server, *http.Client) {
	srv := httptest.NewTLSServer(handler)
	t.Cleanup(srv.Close)
	return srv, srv.Client()
}

func TestHTTPFetcherGuards(t *testing.T) {
	doc, err := os.ReadFile("testdata/oidf/did.json")
	require.NoError(t, err)
	srv, client := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok/did.json":
			_, _ = w.Write(doc)
		case "/big/did.json":
			_, _ = w.Write(make([]byte, didweb.MaxDocumentBytes+1))
		case "/redirect/did.json":
			http.Redirect(w, r, "https://other.invalid/did.json", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	ctx := context.Background()

	// Loopback is refused unless allowed.
	f, err := didweb.NewHTTPFetcher(client)
	require.NoError(t, err)
	_, err = f.Fetch(ctx, srv.URL+"/ok/did.json")
	assert.ErrorIs(t, err, didweb.ErrFetch)
	assert.ErrorIs(t, err, didweb.ErrNonPublicAddress)

	f, err = didweb.NewHTTPFetcher(client, didweb.WithPrivateAddressesUnsafe())
	require.NoError(t, err)
	got, err := f.Fetch(ctx, srv.URL+"/ok/did.json")
	require.NoError(t, err)
	assert.Equal(t, doc, got)
	_, err = f.Fetch(ctx, srv.URL+"/big/did.json")
	assert.ErrorIs(t, err, didweb.ErrFetch, "oversize")
	_, err = f.Fetch(ctx, srv.URL+"/redirect/did.json")
	assert.ErrorIs(t, err, didweb.ErrFetch, "cross-host redirect")
	_, err = f.Fetch(ctx, strings.Replace(srv.URL, "https://", "http://", 1)+"/ok/did.json")
	assert.ErrorIs(t, err, didweb.ErrFetch, "not https")

	// A public-looking name that resolves to a private address is refused.
	lookup := func(context.Context, string) ([]net.IPAddr, error) {
		return []net.IPAddr{{IP: net.ParseIP("10.1.2.3")}}, nil
	}
	f, err = didweb.NewHTTPFetcher(&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{}}}, didweb.WithLookup(lookup))
	require.NoError(t, err)
	_, err = f.Fetch(ctx, "https://did.example.com/did.json")
	assert.ErrorIs(t, err, didweb.ErrFetch)
	assert.ErrorIs(t, err, didweb.ErrNonPublicAddress)

	// The resolver refuses a document whose id is not the DID (the server
	// answers every path with the oidf document).
	srv2, client2 := serve(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(doc) })
	f, err = didweb.NewHTTPFetcher(client2, didweb.WithPrivateAddressesUnsafe())
	require.NoError(t, err)
	res, err := didweb.NewResolver(fixedHost{f, srv2.URL})
	require.NoError(t, err)
	d, err := did.Parse("did:web:impostor.example")
	require.NoError(t, err)
	_, err = res.Resolve(ctx, d)
	assert.ErrorIs(t, err, did.ErrInvalidDocument)
}

// fixedHost sends every fetch to a test server.
type fixedHost struct {
	f    *didweb.HTTPFetcher
	base string
}

func (h fixedHost) Fetch(ctx context.Context, u string) ([]byte, error) {
	return h.f.Fetch(ctx, h.base+"/any/did.json")
}

func FuzzParseDocument(f *testing.F) {
	for _, n := range []string{"oidf", "legacy"} {
		data, err := os.ReadFile(filepath.Join("testdata", n, "did.json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	d, _ := did.Parse("did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf")
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := didweb.Static{d.String(): data}.Resolve(context.Background(), d)
		if err != nil {
			if doc != nil {
				t.Fatal("document with error")
			}
			return
		}
		if doc.ID != d.String() {
			t.Fatal("resolved a document for another DID")
		}
	})
}
