package contexts

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/piprate/json-gold/ld"
)

// Well-known context URLs.
const (
	credentialsV1  = "https://www.w3.org/2018/credentials/v1"
	CredentialsV2  = "https://www.w3.org/ns/credentials/v2"
	dataIntegrity  = "https://w3id.org/security/data-integrity/v2"
	multikey       = "https://w3id.org/security/multikey/v1"
	diDv1          = "https://www.w3.org/ns/did/v1"
	OpenBadgesV3   = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	openBadgesV3_0 = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
	// OpenBadgesExtensions defines 1EdTechJsonSchemaValidator2019,
	// 1EdTechRevocationList and 1EdTechCredentialRefresh.
	OpenBadgesExtensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
)

// ErrUnknownContext is wrapped by every error for a URL the loader does not hold.
var ErrUnknownContext = errors.New("contexts: unknown context URL")

//go:embed data/*.json data/*.jsonld data/INDEX.tsv
var files embed.FS

// entry is one context document; it is never modified after construction.
type entry struct {
	raw    []byte
	parsed any
	sum    [32]byte
}

// Loader is an offline JSON-LD document loader over a fixed set of
// documents. It is immutable and safe for concurrent use.
//
// It implements json-gold's ld.DocumentLoader.
type Loader struct {
	docs map[string]*entry
}

var _ ld.DocumentLoader = (*Loader)(nil)

// Option changes the set of documents a [New] Loader serves.
type Option func(map[string]*entry) error

// WithDocument adds the JSON document data under url, replacing the embedded
// document for that URL if there is one. data must be a JSON object.
func WithDocument(url string, data []byte) Option {
	return func(m map[string]*entry) error {
		if url == "" {
			return errors.New("contexts: empty URL")
		}
		e, err := newEntry(data)
		if err != nil {
			return fmt.Errorf("contexts: document for %q: %w", url, err)
		}
		m[url] = e
		return nil
	}
}

var (
	defaultOnce   sync.Once
	defaultLoader *Loader
	defaultErr    error
)

// Default returns the Loader over the embedded contexts. It is built once
// and shared; it cannot be changed.
func Default() *Loader {
	defaultOnce.Do(func() {
		defaultLoader, defaultErr = New()
	})
	if defaultErr != nil {
		// The embedded set is checked by tests; reaching here means the
		// binary was built from a corrupted tree.
		panic("contexts: embedded context set is invalid: " + defaultErr.Error())
	}
	return defaultLoader
}

// New returns a Loader over the embedded contexts changed by opts.
func New(opts ...Option) (*Loader, error) {
	m, err := embedded()
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		if err := o(m); err != nil {
			return nil, err
		}
	}
	return &Loader{docs: m}, nil
}

// pin is one row of the embedded index.
type pin struct {
	URL    string
	File   string
	SHA256 string
	Source string
}

// index returns the embedded index: which file serves which URL, its
// SHA-256 and its source.
func index() ([]pin, error) {
	data, err := files.ReadFile("data/INDEX.tsv")
	if err != nil {
		return nil, fmt.Errorf("contexts: reading index: %w", err)
	}
	var pins []pin
	for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if i == 0 {
			continue // header
		}
		f := strings.Split(line, "\t")
		if len(f) < 6 {
			return nil, fmt.Errorf("contexts: index line %d: %d fields", i+1, len(f))
		}
		if f[5] != "primary" {
			continue
		}
		pins = append(pins, pin{URL: f[0], File: f[1], SHA256: f[2], Source: f[4]})
	}
	return pins, nil
}

func embedded() (map[string]*entry, error) {
	pins, err := index()
	if err != nil {
		return nil, err
	}
	m := make(map[string]*entry, len(pins))
	for _, p := range pins {
		data, err := files.ReadFile("data/" + p.File)
		if err != nil {
			return nil, fmt.Errorf("contexts: %s: %w", p.URL, err)
		}
		e, err := newEntry(data)
		if err != nil {
			return nil, fmt.Errorf("contexts: %s: %w", p.URL, err)
		}
		if hex.EncodeToString(e.sum[:]) != p.SHA256 {
			return nil, fmt.Errorf("contexts: %s: SHA-256 %x does not match the pinned %s", p.URL, e.sum, p.SHA256)
		}
		m[p.URL] = e
	}
	return m, nil
}

func newEntry(data []byte) (*entry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("parsing JSON: %w", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	raw := bytes.Clone(data)
	return &entry{raw: raw, parsed: v, sum: sha256.Sum256(raw)}, nil
}

// Has reports whether the loader holds url.
func (l *Loader) Has(url string) bool {
	_, ok := l.docs[url]
	return ok
}

// Document returns a copy of the bytes served for url, or an error wrapping
// [ErrUnknownContext].
func (l *Loader) Document(url string) ([]byte, error) {
	e, ok := l.docs[url]
	if !ok {
		return nil, &UnknownContextError{URL: url}
	}
	return bytes.Clone(e.raw), nil
}

// SHA256 returns the digest of the document served for url.
func (l *Loader) SHA256(url string) ([32]byte, bool) {
	e, ok := l.docs[url]
	if !ok {
		return [32]byte{}, false
	}
	return e.sum, true
}

// URLs lists the URLs the loader serves, sorted.
func (l *Loader) URLs() []string {
	urls := make([]string, 0, len(l.docs))
	for u := range l.docs {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	return urls
}

// LoadDocument implements ld.DocumentLoader. The returned document is
// shared between calls and must not be modified; json-gold only reads it.
func (l *Loader) LoadDocument(url string) (*ld.RemoteDocument, error) {
	e, ok := l.docs[url]
	if !ok {
		return nil, &UnknownContextError{URL: url}
	}
	return &ld.RemoteDocument{DocumentURL: url, Document: e.parsed}, nil
}

// UnknownContextError reports a context URL the loader does not hold.
type UnknownContextError struct {
	URL string
}

func (e *UnknownContextError) Error() string {
	return fmt.Sprintf("contexts: unknown context URL %q (microcred loads contexts only from its embedded set and never fetches)", e.URL)
}

// Unwrap returns [ErrUnknownContext].
func (e *UnknownContextError) Unwrap() error { return ErrUnknownContext }
