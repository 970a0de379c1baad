package main

import (
	"strings"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/ob2"
)

// ob2DocFlags is verify's --ob2-doc URL=FILE (repeatable): local copies
// of the documents an Open Badges 2.0 badge refers to (the hosted
// assertion, BadgeClass, Issuer profile, CryptographicKey,
// RevocationList). Nothing is fetched.
type ob2DocFlags []string

func (f *ob2DocFlags) String() string { return strings.Join(*f, ",") }

func (f *ob2DocFlags) Set(v string) error {
	u, file, ok := strings.Cut(v, "=")
	if !ok || u == "" || file == "" {
		return usagef("--ob2-doc wants URL=FILE, got %q", v)
	}
	*f = append(*f, v)
	return nil
}

// files lists the files named, for the one-standard-input rule.
func (f ob2DocFlags) files() []string {
	out := make([]string, 0, len(f))
	for _, v := range f {
		_, file, _ := strings.Cut(v, "=")
		out = append(out, file)
	}
	return out
}

// options reads the documents and returns the verifier option that
// supplies them (none without --ob2-doc: OB 2.0 input then fails its
// parse check, naming the option).
func (f ob2DocFlags) options() ([]microcred.Option, error) {
	if len(f) == 0 {
		return nil, nil
	}
	docs, err := f.documents()
	if err != nil {
		return nil, err
	}
	return []microcred.Option{microcred.WithOB2Documents(docs)}, nil
}

// documents reads the files, keyed by URL.
func (f ob2DocFlags) documents() (ob2.Documents, error) {
	docs := ob2.Documents{}
	for _, v := range f {
		u, file, _ := strings.Cut(v, "=")
		data, err := readInput(file)
		if err != nil {
			return nil, err
		}
		docs[u] = data
	}
	return docs, nil
}
