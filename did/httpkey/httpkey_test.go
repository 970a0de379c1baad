package httpkey_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/did/httpkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
)

// urlKey is an Ed25519 key published under an https verification method.
type urlKey struct {
	*didkey.Key
	vm string
}

func (k urlKey) VerificationMethod() string { return k.vm }

const issuerURL = "https://school.example/issuer"

var at = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func multibase(t *testing.T, k *didkey.Key) string {
	return strings.TrimPrefix(k.DID().String(), "did:key:")
}

func controllerDoc(t *testing.T, id string, methods []map[string]any, assertion ...string) []byte {
	data, err := json.Marshal(map[string]any{
		"@context":           []any{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":                 id,
		"verificationMethod": methods,
		"assertionMethod":    assertion,
	})
	require.NoError(t, err)
	return data
}

func method(t *testing.T, id, controller string, k *didkey.Key) map[string]any {
	return map[string]any{"id": id, "type": "Multikey", "controller": controller, "publicKeyMultibase": multibase(t, k)}
}

func signed(t *testing.T, k proof.Signer, issuer string) []byte {
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	cred := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:h1","type":["VerifiableCredential"],"issuer":"` + issuer + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"}}`)
	out, err := proof.Sign(context.Background(), cred, suite, k, proof.Options{Created: at})
	require.NoError(t, err)
	return out
}

func verify(t *testing.T, cr did.ControllerResolver, cred []byte, trusted string) error {
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	methods, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	var r did.Resolver = methods
	if cr != nil {
		r = methods.WithControllers(cr)
	}
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{suite}}, microcred.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	p, err := microcred.NewPolicy(microcred.TrustIssuers(trusted))
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), cred, p)
	return err
}

func TestHTTPSVerificationMethods(t *testing.T) {
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{3}, 32))
	require.NoError(t, err)
	other, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{4}, 32))
	require.NoError(t, err)
	fragVM := issuerURL + "#key-1"
	keyURL := "https://school.example/keys/1"
	keyDoc, err := json.Marshal(method(t, keyURL, issuerURL, key))
	require.NoError(t, err)
	docs := httpkey.Static{
		issuerURL: controllerDoc(t, issuerURL, []map[string]any{method(t, fragVM, issuerURL, key)}, fragVM, keyURL),
		keyURL:    keyDoc,
	}

	// Fragment form: the controller document lists the key.
	require.NoError(t, verify(t, docs, signed(t, urlKey{key, fragVM}, issuerURL), issuerURL))
	// Key-document form: the key names its controller, which lists it.
	require.NoError(t, verify(t, docs, signed(t, urlKey{key, keyURL}, issuerURL), issuerURL))

	// Another key claiming the listed method: the signature fails.
	assert.ErrorIs(t, verify(t, docs, signed(t, urlKey{other, fragVM}, issuerURL), issuerURL), proof.ErrInvalidSignature)
	// A credential of another issuer signed with the school's key.
	// The issuer check fails for the key, not for trust (the issuer is
	// trusted): microcred's sentinel for it is unexported, its text is not.
	err = verify(t, docs, signed(t, urlKey{key, fragVM}, "https://other.example/issuer"), "https://other.example/issuer")
	assert.ErrorContains(t, err, "issuer: microcred: proof key is not controlled by the issuer")
	assert.NotErrorIs(t, err, microcred.ErrUntrustedIssuer)
	// Not listed under assertionMethod.
	unlisted := httpkey.Static{issuerURL: controllerDoc(t, issuerURL, []map[string]any{method(t, fragVM, issuerURL, key)})}
	assert.ErrorIs(t, verify(t, unlisted, signed(t, urlKey{key, fragVM}, issuerURL), issuerURL), did.ErrNotAuthorized)
	// A document served for another URL.
	moved := httpkey.Static{issuerURL: controllerDoc(t, "https://elsewhere.example/issuer", []map[string]any{method(t, fragVM, issuerURL, key)}, fragVM)}
	assert.ErrorIs(t, verify(t, moved, signed(t, urlKey{key, fragVM}, issuerURL), issuerURL), did.ErrInvalidDocument)
	// A key document whose controller does not list it.
	stray, err := json.Marshal(method(t, "https://school.example/keys/2", issuerURL, key))
	require.NoError(t, err)
	docs2 := httpkey.Static{issuerURL: docs[issuerURL], "https://school.example/keys/2": stray}
	assert.ErrorIs(t, verify(t, docs2, signed(t, urlKey{key, "https://school.example/keys/2"}, issuerURL), issuerURL), did.ErrNotAuthorized)
	// No controller resolver configured: a clear "not supported".
	assert.ErrorIs(t, verify(t, nil, signed(t, urlKey{key, fragVM}, issuerURL), issuerURL), did.ErrMethodNotSupported)
	// Plain http is not a verification method we follow.
	assert.Error(t, verify(t, docs, signed(t, urlKey{key, "http://school.example/issuer#key-1"}, issuerURL), issuerURL))
}

// Over real HTTPS (a local TLS server), through didweb's guarded fetcher.
func TestHTTPSFetcher(t *testing.T) {
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{3}, 32))
	require.NoError(t, err)
	mux := http.NewServeMux()
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	issuer := "https://" + u.Host + "/issuer"
	vm := issuer + "#key-1"
	doc := controllerDoc(t, issuer, []map[string]any{method(t, vm, issuer, key)}, vm)
	mux.HandleFunc("/issuer", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(doc) })

	f, err := didweb.NewHTTPFetcher(srv.Client(), didweb.WithPrivateAddressesUnsafe())
	require.NoError(t, err)
	r, err := httpkey.NewResolver(f)
	require.NoError(t, err)
	require.NoError(t, verify(t, r, signed(t, urlKey{key, vm}, issuer), issuer))

	// Without AllowPrivate the loopback server is refused.
	strict, err := didweb.NewHTTPFetcher(srv.Client())
	require.NoError(t, err)
	r2, err := httpkey.NewResolver(strict)
	require.NoError(t, err)
	assert.ErrorIs(t, verify(t, r2, signed(t, urlKey{key, vm}, issuer), issuer), didweb.ErrNonPublicAddress)

	// So is a public-looking issuer whose name resolves to a private
	// address (the guard checks the address dialed, not the URL).
	private := func(context.Context, string) ([]net.IPAddr, error) {
		return []net.IPAddr{{IP: net.ParseIP("100.64.0.7")}}, nil
	}
	guarded, err := didweb.NewHTTPFetcher(srv.Client(), didweb.WithLookup(private))
	require.NoError(t, err)
	r3, err := httpkey.NewResolver(guarded)
	require.NoError(t, err)
	const named = "https://school.example/issuer"
	assert.ErrorIs(t, verify(t, r3, signed(t, urlKey{key, named + "#key-1"}, named), named), didweb.ErrNonPublicAddress)
}

func FuzzParseControllerDocument(f *testing.F) {
	f.Add([]byte(`{"id":"https://school.example/issuer","verificationMethod":[{"id":"https://school.example/issuer#k","type":"Multikey","controller":"https://school.example/issuer","publicKeyMultibase":"z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}],"assertionMethod":["https://school.example/issuer#k"]}`))
	f.Add([]byte(`{"id":"https://school.example/keys/1","type":"Multikey","controller":"https://school.example/issuer","publicKeyMultibase":"z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := httpkey.Static{"https://school.example/issuer": data}
		doc, err := s.ResolveController(context.Background(), "https://school.example/issuer")
		if err == nil && doc.ID != "https://school.example/issuer" {
			t.Fatalf("document id %q accepted for another URL", doc.ID)
		}
	})
}
