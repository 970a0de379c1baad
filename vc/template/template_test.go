package template_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/openbadges"
	"github.com/onchaincert/microcred/vc/template"
)

func load(t *testing.T) *template.Template {
	data, err := os.ReadFile("testdata/template.json")
	require.NoError(t, err)
	tpl, err := template.Parse(data)
	require.NoError(t, err)
	return tpl
}

func TestFillFromCSV(t *testing.T) {
	tpl := load(t)
	assert.Equal(t, []string{"course", "course_id", "email", "score"}, tpl.Columns())
	f, err := os.Open("testdata/learners.csv")
	require.NoError(t, err)
	defer f.Close()
	var good []map[string]any
	var bad []*template.RowError
	for row, err := range template.ReadCSV(f) {
		if err == nil {
			var cred []byte
			cred, err = tpl.Fill(row)
			if err == nil {
				var m map[string]any
				require.NoError(t, json.Unmarshal(cred, &m))
				good = append(good, m)
				// The identity hash is over the row's email and salt.
				a, err := openbadges.ParseAchievementCredential(cred)
				require.NoError(t, err)
				id := a.CredentialSubject.Identifier[0]
				email := row.Values["email"]
				assert.True(t, id.Matches(email), "row %d: hashed identity matches %s", row.Line, email)
				assert.False(t, id.Matches("mallory@example.org"))
				continue
			}
		}
		var re *template.RowError
		require.True(t, errors.As(err, &re), "%v", err)
		bad = append(bad, re)
	}
	require.Len(t, good, 2)
	assert.Equal(t, "Intro to Data Integrity completion", good[0]["name"])
	assert.Equal(t, "Completed Applied Cryptography with a score of 88.", good[1]["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["description"])
	assert.True(t, strings.HasPrefix(good[0]["id"].(string), "urn:uuid:"))
	assert.NotEqual(t, good[0]["id"], good[1]["id"], "a fresh id per row")
	salt0 := good[0]["credentialSubject"].(map[string]any)["identifier"].([]any)[0].(map[string]any)["salt"]
	salt1 := good[1]["credentialSubject"].(map[string]any)["identifier"].([]any)[0].(map[string]any)["salt"]
	assert.NotEqual(t, salt0, salt1, "a fresh salt per row")

	require.Len(t, bad, 3)
	assert.Equal(t, template.RowError{Row: 4, Column: "course", Reason: "empty"}, *bad[0])
	assert.Equal(t, 5, bad[1].Row)
	assert.Contains(t, bad[1].Reason, "3 fields, the header has 4")
	assert.Equal(t, 6, bad[2].Row)
	assert.Contains(t, bad[2].Error(), "row 6")
}

func TestFillRejects(t *testing.T) {
	tpl := load(t)
	_, err := tpl.Fill(template.Row{Line: 9, Values: map[string]string{"email": "a@b.c", "course": "X", "score": "1"}})
	var re *template.RowError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "course_id", re.Column)
	assert.Contains(t, re.Error(), "missing")

	// A filled OB credential that lacks required fields names them.
	noCriteria, err := template.Parse([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"type":["VerifiableCredential","OpenBadgeCredential"],"name":"{{n}}","issuer":{"id":"did:example:s","type":["Profile"],"name":"S"},"validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:l","type":["AchievementSubject"],"achievement":{"id":"https://s.example/a","type":["Achievement"],"name":"{{n}}","description":"d"}}}`))
	require.NoError(t, err)
	_, err = noCriteria.Fill(template.Row{Line: 2, Values: map[string]string{"n": "A"}})
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Reason, "/credentialSubject/achievement/criteria")

	for _, bad := range []string{`[]`, `{"a":"{{hash:}}"}`, `{"a":"{{upper:x}}"}`, `{"a":1,"a":2}`} {
		_, err := template.Parse([]byte(bad))
		assert.ErrorIs(t, err, template.ErrTemplate, bad)
	}
}

func TestReadJSONL(t *testing.T) {
	in := "{\"email\":\"a@b.c\",\"score\":92}\n\n{\"email\":\"x\",\"nested\":{\"no\":1}}\nnot json\n{\"email\":\"d@e.f\",\"score\":\"70\"}\n"
	var rows []template.Row
	var errs []error
	for r, err := range template.ReadJSONL(strings.NewReader(in)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rows = append(rows, r)
	}
	require.Len(t, rows, 2)
	assert.Equal(t, "92", rows[0].Values["score"])
	assert.Equal(t, 5, rows[1].Line)
	require.Len(t, errs, 2)
	assert.Contains(t, errs[0].Error(), `row 3, column "nested"`)
	assert.Contains(t, errs[1].Error(), "row 4")
}

func FuzzReadCSV(f *testing.F) {
	data, _ := os.ReadFile("testdata/learners.csv")
	f.Add(string(data))
	f.Add("a,b\n\"1\n")
	tplData, _ := os.ReadFile("testdata/template.json")
	tpl, err := template.Parse(tplData)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n := 0
		for row, err := range template.ReadCSV(strings.NewReader(in)) {
			if n++; n > 1000 {
				return
			}
			if err != nil {
				var re *template.RowError
				if !errors.As(err, &re) {
					t.Fatalf("not a RowError: %v", err)
				}
				continue
			}
			if cred, err := tpl.Fill(row); err == nil && !json.Valid(cred) {
				t.Fatal("invalid JSON from Fill")
			}
		}
	})
}

// A value that is not UTF-8 is a row error naming its column: JSON
// encoding would otherwise sign it with U+FFFD in place of each bad byte.
func TestFillRefusesInvalidUTF8(t *testing.T) {
	tpl, err := template.Parse([]byte(`{"id": "urn:example:{{id}}", "name": "{{name}}"}`))
	require.NoError(t, err)
	_, _, err = tpl.FillID(template.Row{Line: 3, Values: map[string]string{"id": "1", "name": "Jos\xe9 Mu\xf1oz"}})
	var re *template.RowError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 3, re.Row)
	assert.Equal(t, "name", re.Column)
	assert.Contains(t, re.Reason, "UTF-8")
	out, id, err := tpl.FillID(template.Row{Line: 4, Values: map[string]string{"id": "2", "name": "José Muñoz"}})
	require.NoError(t, err)
	assert.Equal(t, "urn:example:2", id)
	assert.Contains(t, string(out), "José Muñoz")
}

func TestReadCSVHeader(t *testing.T) {
	h, err := template.ReadCSVHeader(strings.NewReader("\ufeffemail, course ,x\nada,1,2\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"email", "course", "x"}, h)
	_, err = template.ReadCSVHeader(strings.NewReader(""))
	var re *template.RowError
	assert.ErrorAs(t, err, &re)
}
