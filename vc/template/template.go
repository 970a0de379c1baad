// Package template turns rows of learner data (CSV or JSON Lines) into
// credentials through a JSON template, for bulk issuance.
//
// A template is a JSON credential whose string values may hold
// placeholders:
//
//	{{column}}        the row's value for column (a CSV header, a JSONL key)
//	{{hash:column}}   OB 3.0 salted identity hash of the value:
//	                  "sha256$" + hex(SHA-256(value + salt))
//	{{salt}}          the row's salt: 16 random bytes in hex, the same
//	                  wherever it appears in one row, new for every row
//	{{uuid}}          a random urn:uuid, the same within one row
//
// A string that is exactly one placeholder is replaced by the value; a
// placeholder inside a longer string is interpolated. Keys are never
// templated. A row missing a column the template uses, or with an empty
// value or one that is not UTF-8 for it, fails with a *RowError naming the
// row and the column; a
// filled credential that is an OB 3.0 AchievementCredential must pass
// openbadges' required-field checks (the error lists every missing field).
// A template without an "id" gets "{{uuid}}", so each credential's id is
// known before it is signed.
//
// # Guarantees
//
// A filled credential is the template with only string values replaced:
// keys and every other value are kept, every value is valid UTF-8, and
// the salt and uuid are fresh random values per row, the same within it.
// A filled OB 3.0 AchievementCredential has every required field.
//
// # Refuses
//
// A template that is not strict JSON ([Parse]); a row missing a column the
// template uses, or with an empty or non-UTF-8 value for it (a
// [*RowError] naming the row and the column); and a filled
// AchievementCredential missing required fields (the error lists each).
package template

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc/openbadges"
)

// errTemplate: the template itself is unusable.
var errTemplate = errors.New("template: invalid template")

// RowError is a row that could not become a credential.
type RowError struct {
	// Row is the 1-based line of the row in its file (CSV: the header is
	// line 1).
	Row int
	// Column is the column at fault, or "" when the row as a whole is.
	Column string
	Reason string
}

func (e *RowError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("row %d, column %q: %s", e.Row, e.Column, e.Reason)
	}
	return fmt.Sprintf("row %d: %s", e.Row, e.Reason)
}

// Row is one record of input.
type Row struct {
	Line   int
	Values map[string]string
}

var placeholder = regexp.MustCompile(`\{\{\s*([a-zA-Z0-9_:.\- ]+?)\s*\}\}`)

// Template is a parsed credential template.
type Template struct {
	doc     any
	columns []string
}

// Parse reads a template (strict JSON, an object).
func Parse(data []byte) (*Template, error) {
	v, err := strictjson.Decode(data, strictjson.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTemplate, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: not a JSON object", errTemplate)
	}
	if _, ok := m["id"]; !ok {
		m["id"] = "{{uuid}}"
	}
	t := &Template{doc: m}
	seen := map[string]bool{}
	var bad error
	walkStrings(m, func(s string) {
		for _, match := range placeholder.FindAllStringSubmatch(s, -1) {
			name := match[1]
			switch {
			case name == "salt" || name == "uuid":
			case strings.HasPrefix(name, "hash:"):
				col := strings.TrimPrefix(name, "hash:")
				if col == "" {
					bad = fmt.Errorf("%w: {{hash:}} needs a column", errTemplate)
				}
				seen[col] = true
			case strings.Contains(name, ":"):
				bad = fmt.Errorf("%w: unknown placeholder function in {{%s}}", errTemplate, name)
			default:
				seen[name] = true
			}
		}
	})
	if bad != nil {
		return nil, bad
	}
	for c := range seen {
		t.columns = append(t.columns, c)
	}
	sort.Strings(t.columns)
	return t, nil
}

// Columns lists the columns the template uses.
func (t *Template) Columns() []string { return append([]string(nil), t.columns...) }

func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case map[string]any:
		for _, e := range x {
			walkStrings(e, f)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	}
}

// Fill returns the credential for row r.
func (t *Template) Fill(r Row) ([]byte, error) {
	out, _, err := t.FillID(r)
	return out, err
}

// CheckValue is the check Fill applies to each value the template uses:
// nil, or the reason the value is refused (empty; not UTF-8, which JSON
// would silently turn into U+FFFD replacement characters).
func CheckValue(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty")
	}
	if !utf8.ValidString(v) {
		return errors.New("not valid UTF-8 (save the file as UTF-8)")
	}
	return nil
}

// FillID returns the credential for row r and its id (the template's
// "id", filled in).
func (t *Template) FillID(r Row) ([]byte, string, error) {
	for _, c := range t.columns {
		v, ok := r.Values[c]
		if !ok {
			return nil, "", &RowError{Row: r.Line, Column: c, Reason: "missing (the template uses it)"}
		}
		if err := CheckValue(v); err != nil {
			return nil, "", &RowError{Row: r.Line, Column: c, Reason: err.Error()}
		}
	}
	var salt, id [16]byte
	_, _ = rand.Read(salt[:])
	_, _ = rand.Read(id[:])
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	h := hex.EncodeToString(id[:])
	fixed := map[string]string{
		"salt": hex.EncodeToString(salt[:]),
		"uuid": "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:],
	}
	subst := func(name string) string {
		if v, ok := fixed[name]; ok {
			return v
		}
		if col, ok := strings.CutPrefix(name, "hash:"); ok {
			return openbadges.HashIdentity(strings.TrimSpace(r.Values[col]), fixed["salt"])
		}
		return r.Values[name]
	}
	filled := fill(t.doc, func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(m string) string {
			return subst(placeholder.FindStringSubmatch(m)[1])
		})
	})
	out, err := json.MarshalIndent(filled, "", "  ")
	if err != nil {
		return nil, "", &RowError{Row: r.Line, Reason: err.Error()}
	}
	if isAchievementCredential(filled) {
		a, err := openbadges.ParseAchievementCredential(out)
		if err == nil {
			err = a.Validate()
		}
		if err != nil {
			return nil, "", &RowError{Row: r.Line, Reason: err.Error()}
		}
	}
	credID, _ := filled.(map[string]any)["id"].(string)
	return out, credID, nil
}

func fill(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fill(e, f)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fill(e, f)
		}
		return out
	}
	return v
}

func isAchievementCredential(v any) bool {
	m, _ := v.(map[string]any)
	types, _ := m["type"].([]any)
	for _, t := range types {
		if t == "OpenBadgeCredential" || t == "AchievementCredential" {
			return true
		}
	}
	return false
}

// ReadCSVHeader returns the header line of a CSV file, as ReadCSV reads
// it (a UTF-8 byte order mark and spaces around names removed).
func ReadCSVHeader(r io.Reader) ([]string, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &RowError{Row: 1, Reason: "no header line: " + err.Error()}
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	return header, nil
}

// ReadCSV yields the rows of a CSV file with a header line. A malformed
// line is yielded as a *RowError and reading goes on where it can.
func ReadCSV(r io.Reader) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		cr := csv.NewReader(bufio.NewReader(r))
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err != nil {
			yield(Row{}, &RowError{Row: 1, Reason: "no header line: " + err.Error()})
			return
		}
		for i := range header {
			header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
		}
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			line := 0
			if err == nil {
				line, _ = cr.FieldPos(0)
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					line = pe.StartLine
				}
				if !yield(Row{Line: line}, &RowError{Row: line, Reason: err.Error()}) {
					return
				}
				if pe == nil {
					return
				}
				continue
			}
			if len(rec) != len(header) {
				if !yield(Row{Line: line}, &RowError{Row: line, Reason: fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))}) {
					return
				}
				continue
			}
			vals := make(map[string]string, len(header))
			for i, h := range header {
				vals[h] = rec[i]
			}
			if !yield(Row{Line: line, Values: vals}, nil) {
				return
			}
		}
	}
}

// ReadJSONL yields the rows of a JSON Lines file: one flat JSON object of
// strings, numbers or booleans per line; blank lines are skipped.
func ReadJSONL(r io.Reader) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		line := 0
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			var m map[string]any
			if err := strictjson.Unmarshal(b, &m, strictjson.Limits{}); err != nil {
				if !yield(Row{Line: line}, &RowError{Row: line, Reason: err.Error()}) {
					return
				}
				continue
			}
			vals := make(map[string]string, len(m))
			var bad *RowError
			for k, v := range m {
				switch x := v.(type) {
				case string:
					vals[k] = x
				case float64, bool, json.Number:
					vals[k] = fmt.Sprint(x)
				default:
					bad = &RowError{Row: line, Column: k, Reason: "not a string, number or boolean"}
				}
			}
			if bad != nil {
				if !yield(Row{Line: line}, bad) {
					return
				}
				continue
			}
			if !yield(Row{Line: line, Values: vals}, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(Row{Line: line + 1}, &RowError{Row: line + 1, Reason: err.Error()})
		}
	}
}
