package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/postgres"
	"github.com/onchaincert/microcred/store/sqlite"
	"github.com/onchaincert/microcred/vc/status"
)

// config is the issuer configuration file that batch and status (and
// later serve) read: the store and the issuers by name. Relative paths are
// read from the config file's directory.
//
//	{
//	  "store": "issuer.db",
//	  "issuers": {
//	    "school": {
//	      "key": "keys/school.json",
//	      "suite": "eddsa-rdfc-2022",
//	      "statusLists": [
//	        {"url": "https://school.example/status/1", "purpose": "revocation", "file": "public/status/1.json"}
//	      ]
//	    }
//	  }
//	}
//
// serve reads the same file, with the service's own members (see
// serveConfig), and issuers may also be an array of objects with a name
// (the form the VC API conformance runs use); an issuer's statusList is
// one more entry of its statusLists.
type config struct {
	// Store is a SQLite file or a postgres:// URL (default: microcred.db
	// next to each issuer's key).
	Store   string    `json:"store,omitempty"`
	Issuers issuerMap `json:"issuers"`

	serveConfig
	dir string
}

type issuerConfig struct {
	Name        string       `json:"name,omitempty"` // the array form's name
	Key         string       `json:"key"`
	Suite       string       `json:"suite,omitempty"`
	StatusList  *listConfig  `json:"statusList,omitempty"`
	StatusLists []listConfig `json:"statusLists,omitempty"`
}

// issuerMap is the issuers by name, read from an object of issuers by name
// or an array of issuers with names.
type issuerMap map[string]*issuerConfig

func (m *issuerMap) UnmarshalJSON(data []byte) error {
	*m = issuerMap{}
	strict := func(data []byte, v any) error {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		var list []*issuerConfig
		if err := strict(data, &list); err != nil {
			return err
		}
		for i, ic := range list {
			switch {
			case ic == nil || ic.Name == "":
				return fmt.Errorf("issuers[%d].name: missing", i)
			case (*m)[ic.Name] != nil:
				return fmt.Errorf("issuers[%d].name: %q is listed twice", i, ic.Name)
			}
			(*m)[ic.Name] = ic
		}
		return nil
	}
	var byName map[string]*issuerConfig
	if err := strict(data, &byName); err != nil {
		return err
	}
	for name, ic := range byName {
		if ic != nil && ic.Name != "" && ic.Name != name {
			return fmt.Errorf("issuers.%s.name: %q differs from the issuer's key", name, ic.Name)
		}
		(*m)[name] = ic
	}
	return nil
}

// listConfig is a status list: batch gives credentials entries in the
// first one (or in the one --status-list names), status revoke re-writes
// File.
type listConfig struct {
	URL        string `json:"url"`
	Purpose    string `json:"purpose,omitempty"`    // revocation (default) or suspension
	Entries    int    `json:"entries,omitempty"`    // default: 131,072 bits / statusSize
	StatusSize int    `json:"statusSize,omitempty"` // bits per entry, default 1
	File       string `json:"file,omitempty"`       // where status revoke|suspend|clear writes the signed list
}

// maxConfigBytes caps the configuration file.
const maxConfigBytes = 1 << 20

// defaultStoreName is the SQLite file used when neither --store nor the
// config names one: next to the key, so that every batch and every
// revocation made with that key share one state, whatever the working
// directory.
const defaultStoreName = "microcred.db"

func loadConfig(path string) (*config, error) { return readConfig(path, true) }

// readConfig reads the config file; needIssuers refuses one that names
// no issuer (serve runs a verifier-only service from one).
func readConfig(path string, needIssuers bool) (*config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &usageError{msg: fmt.Sprintf("reading --config: %v", err)}
	}
	if len(data) > maxConfigBytes {
		return nil, fmt.Errorf("config %s: larger than %d bytes", path, maxConfigBytes)
	}
	var c config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("config %s: more than one JSON value", path)
	}
	c.dir = filepath.Dir(path)
	if needIssuers && len(c.Issuers) == 0 {
		return nil, fmt.Errorf("config %s: issuers: none configured", path)
	}
	for name, ic := range c.Issuers {
		if ic == nil || ic.Key == "" {
			return nil, fmt.Errorf("config %s: issuers.%s.key: missing", path, name)
		}
		if ic.StatusList != nil {
			ic.StatusLists = append([]listConfig{*ic.StatusList}, ic.StatusLists...)
			ic.StatusList = nil
		}
		if ic.Suite != "" {
			if _, err := suiteByName(ic.Suite, nil, false); err != nil {
				return nil, fmt.Errorf("config %s: issuers.%s.suite: %w", path, name, err)
			}
		}
		seen := map[string]bool{}
		for i := range ic.StatusLists {
			l := &ic.StatusLists[i]
			where := fmt.Sprintf("config %s: issuers.%s.statusLists[%d]", path, name, i)
			if l.URL == "" {
				return nil, fmt.Errorf("%s.url: missing", where)
			}
			if seen[l.URL] {
				return nil, fmt.Errorf("%s.url: %s is listed twice", where, l.URL)
			}
			seen[l.URL] = true
			if err := l.complete(); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return &c, nil
}

// complete fills a list's defaults and checks its fields.
func (l *listConfig) complete() error {
	if l.Purpose == "" {
		l.Purpose = status.Revocation
	}
	if l.Purpose != status.Revocation && l.Purpose != status.Suspension {
		return fmt.Errorf("purpose %q: want revocation or suspension", l.Purpose)
	}
	if l.StatusSize == 0 {
		l.StatusSize = 1
	}
	if l.StatusSize != 1 {
		return fmt.Errorf("statusSize %d: revocation and suspension lists have 1 bit per entry", l.StatusSize)
	}
	if l.Entries == 0 {
		l.Entries = (status.MinBits + l.StatusSize - 1) / l.StatusSize
	}
	if l.Entries*l.StatusSize < status.MinBits || l.Entries > store.MaxEntries {
		return fmt.Errorf("entries %d: a list has %d to %d entries", l.Entries, status.MinBits/l.StatusSize, store.MaxEntries)
	}
	return nil
}

func (c *config) path(p string) string {
	if p == "" || filepath.IsAbs(p) || isPostgres(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

// issuer returns the named issuer, or the only one.
func (c *config) issuer(name string) (string, *issuerConfig, error) {
	if name == "" {
		if len(c.Issuers) != 1 {
			names := make([]string, 0, len(c.Issuers))
			for n := range c.Issuers {
				names = append(names, n)
			}
			sort.Strings(names)
			return "", nil, usagef("the config has %d issuers (%s): choose one with --issuer", len(names), strings.Join(names, ", "))
		}
		for n := range c.Issuers {
			name = n
		}
	}
	ic, ok := c.Issuers[name]
	if !ok {
		return "", nil, usagef("--issuer %q: not in the config", name)
	}
	return name, ic, nil
}

// issuerSetup is what a command resolved from its flags and the config.
type issuerSetup struct {
	key      signingKey
	keyPath  string
	suite    string
	store    string       // a path or a postgres:// URL
	lists    []listConfig // from the config, if any
	fromConf bool
}

// resolveIssuer reads --key or --config/--issuer, and --store.
func resolveIssuer(keyPath, configPath, issuerName, storeFlag string) (*issuerSetup, error) {
	s := &issuerSetup{}
	switch {
	case keyPath != "" && configPath != "":
		return nil, usagef("--key and --config both name the key: give one")
	case keyPath == "" && configPath == "":
		return nil, usagef("--key FILE or --config FILE is required")
	case issuerName != "" && configPath == "":
		return nil, usagef("--issuer names an issuer of --config")
	case keyPath != "":
		s.keyPath = keyPath
	default:
		c, err := loadConfig(configPath)
		if err != nil {
			return nil, err
		}
		_, ic, err := c.issuer(issuerName)
		if err != nil {
			return nil, err
		}
		s.keyPath, s.suite, s.store, s.fromConf = c.path(ic.Key), ic.Suite, c.path(c.Store), true
		for _, l := range ic.StatusLists {
			l.File = c.path(l.File)
			s.lists = append(s.lists, l)
		}
	}
	if storeFlag != "" {
		s.store = storeFlag
	}
	if s.store == "" {
		s.store = filepath.Join(filepath.Dir(s.keyPath), defaultStoreName)
	}
	key, err := loadKey(s.keyPath)
	if err != nil {
		return nil, err
	}
	s.key = key
	return s, nil
}

// list returns the configured list at url, or one with the defaults.
func (s *issuerSetup) list(url string) listConfig {
	for _, l := range s.lists {
		if l.URL == url {
			return l
		}
	}
	l := listConfig{URL: url}
	_ = l.complete()
	return l
}

func isPostgres(spec string) bool {
	return strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://")
}

// storeName is how the CLI names a store in messages: a path, or a
// PostgreSQL URL without its password.
func storeName(spec string) string {
	if !isPostgres(spec) {
		return spec
	}
	if i := strings.Index(spec, "://"); i >= 0 {
		rest := spec[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			user, _, _ := strings.Cut(rest[:at], ":")
			return spec[:i+3] + user + "@" + rest[at+1:]
		}
	}
	return spec
}

// openStore opens a SQLite file (created if missing) or a PostgreSQL
// database.
func openStore(ctx context.Context, spec string) (store.Store, error) {
	if isPostgres(spec) {
		return postgres.Open(ctx, spec)
	}
	s, err := sqlite.Open(ctx, spec)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, usagef("--store %s: %v", spec, err)
		}
		return nil, err
	}
	return s, nil
}
