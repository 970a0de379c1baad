package contexts_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/contexts"
)

// Every embedded file must hash to the digest pinned in data/INDEX.tsv, which
// itself was copied from the shared context collection.
func TestEmbeddedFilesMatchPinnedDigests(t *testing.T) {
	pins, err := contexts.Index()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(pins), 40, "the index lists the whole primary set")
	l := contexts.Default()
	for _, p := range pins {
		t.Run(p.URL, func(t *testing.T) {
			onDisk, err := os.ReadFile(filepath.Join("data", p.File))
			require.NoError(t, err)
			sum := sha256.Sum256(onDisk)
			assert.Equal(t, p.SHA256, hex.EncodeToString(sum[:]), "file on disk matches INDEX.tsv")
			served, err := l.Document(p.URL)
			require.NoError(t, err)
			assert.Equal(t, onDisk, served, "loader serves the pinned bytes")
			got, ok := l.SHA256(p.URL)
			require.True(t, ok)
			assert.Equal(t, p.SHA256, hex.EncodeToString(got[:]))
		})
	}
}

// Published digests (VCDM 2.0 and Data Integrity RECs) must match, as an
// independent check on the index.
func TestPublishedDigests(t *testing.T) {
	for url, want := range map[string]string{
		contexts.CredentialsV2: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
		contexts.DataIntegrity: "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
		contexts.Multikey:      "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
	} {
		got, ok := contexts.Default().SHA256(url)
		require.True(t, ok, url)
		assert.Equal(t, want, hex.EncodeToString(got[:]), url)
	}
}

// The unversioned OB 3.0 URL serves the original 3.0(.0) context: the copy
// that the spec repo, its gh-pages site and the 1EdTech validator agree on.
func TestUnversionedOpenBadgesContextIsThreeZeroZero(t *testing.T) {
	l := contexts.Default()
	sum, ok := l.SHA256(contexts.OpenBadgesV3_0)
	require.True(t, ok)
	assert.Equal(t, "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10", hex.EncodeToString(sum[:]))
	v303, ok := l.SHA256(contexts.OpenBadgesV3)
	require.True(t, ok)
	assert.NotEqual(t, sum, v303, "3.0.0 and 3.0.3 are different documents")
}

func TestUnknownURLIsAnErrorNamingIt(t *testing.T) {
	l := contexts.Default()
	const u = "https://example.com/not-embedded/v1"
	_, err := l.LoadDocument(u)
	require.Error(t, err)
	assert.ErrorIs(t, err, contexts.ErrUnknownContext)
	var ue *contexts.UnknownContextError
	require.True(t, errors.As(err, &ue))
	assert.Equal(t, u, ue.URL)
	assert.Contains(t, err.Error(), u)
	_, err = l.Document(u)
	assert.ErrorIs(t, err, contexts.ErrUnknownContext)
	assert.False(t, l.Has(u))
}

func TestWithDocumentAddsAndOverrides(t *testing.T) {
	const added = "https://example.com/ctx/v1"
	custom := []byte(`{"@context":{"foo":"https://example.com/vocab#foo"}}`)
	override := []byte(`{"@context":{"@vocab":"https://example.com/override#"}}`)
	l, err := contexts.New(
		contexts.WithDocument(added, custom),
		contexts.WithDocument(contexts.OpenBadgesV3_0, override),
	)
	require.NoError(t, err)
	got, err := l.Document(added)
	require.NoError(t, err)
	assert.Equal(t, custom, got)
	got, err = l.Document(contexts.OpenBadgesV3_0)
	require.NoError(t, err)
	assert.Equal(t, override, got)

	// The default loader is untouched.
	assert.False(t, contexts.Default().Has(added))
	orig, err := contexts.Default().Document(contexts.OpenBadgesV3_0)
	require.NoError(t, err)
	assert.NotEqual(t, override, orig)

	// Returned bytes are copies.
	got[0] = 'X'
	again, err := l.Document(contexts.OpenBadgesV3_0)
	require.NoError(t, err)
	assert.Equal(t, override, again)
}

func TestWithDocumentRejectsNonObjects(t *testing.T) {
	for _, bad := range []string{``, `[]`, `"x"`, `{`, `{"a":1} {"b":2}x`} {
		_, err := contexts.New(contexts.WithDocument("https://example.com/x", []byte(bad)))
		assert.Error(t, err, "%q is not a JSON-LD context document", bad)
	}
	_, err := contexts.New(contexts.WithDocument("", []byte(`{}`)))
	assert.Error(t, err, "an empty URL is refused")
}
