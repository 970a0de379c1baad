package main

// The batch problems of issue 14, found by an LMS vendor, one test each.
// Each of these failed against the batch command before the store.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tplPath = "../../vc/template/testdata/template.json"

// issued is one line of manifest.jsonl, as the tests read it.
type issued struct {
	Row         int    `json:"row"`
	ID          string `json:"id"`
	File        string `json:"file"`
	Learner     string `json:"learner"`
	StatusList  string `json:"statusList"`
	StatusIndex int    `json:"statusIndex"`
}

func readIssuedT(t *testing.T, dir string) []issued {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, manifestFile))
	require.NoError(t, err)
	defer f.Close()
	var out []issued
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e issued
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		out = append(out, e)
	}
	return out
}

// batchFixture is a key, a template whose issuer is the key's DID, and a
// CSV of n learners, in a fresh directory.
type batchFixture struct {
	dir, key, did, tpl, csv string
}

func newBatchFixture(t *testing.T, n int) batchFixture {
	t.Helper()
	dir := t.TempDir()
	f := batchFixture{dir: dir, key: filepath.Join(dir, "key.json")}
	r := runCLI(t, "key", "generate", "--type", "ed25519", "--seed", seedHex, "--out", f.key)
	require.Equal(t, 0, r.code, r.stderr)
	f.did = strings.TrimSpace(r.stdout)
	tpl, err := os.ReadFile(tplPath)
	require.NoError(t, err)
	f.tpl = writeFile(t, dir, "template.json", []byte(strings.Replace(string(tpl), "did:example:school", f.did, 1)))
	f.csv = writeCSV(t, dir, "learners.csv", n, 0)
	return f
}

// writeCSV writes n learners numbered from first.
func writeCSV(t *testing.T, dir, name string, n, first int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("email,course,course_id,score\n")
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "learner%d@example.org,Intro to Data Integrity,di-101,%d\n", i, 50+i%50)
	}
	return writeFile(t, dir, name, []byte(b.String()))
}

func (f batchFixture) args(out string, extra ...string) []string {
	return append([]string{"batch", "--template", f.tpl, "--data", f.csv, "--key", f.key, "--out", filepath.Join(f.dir, out), "--quiet"}, extra...)
}

// Two batches that share a status list URL never share an index: the
// counter lives in the issuer's store, not in each output directory.
func TestBatchesSharingAListNeverShareAnIndex(t *testing.T) {
	f := newBatchFixture(t, 30)
	const list = "https://school.example/status/1"
	seen := map[int]string{}
	for _, out := range []string{"a", "b"} {
		r := runCLI(t, f.args(out, "--status-list", list)...)
		require.Equal(t, 0, r.code, r.stderr)
		m := readIssuedT(t, filepath.Join(f.dir, out))
		require.Len(t, m, 30)
		for _, e := range m {
			require.GreaterOrEqual(t, e.StatusIndex, 0)
			prev, dup := seen[e.StatusIndex]
			assert.False(t, dup, "index %d given in batch %s and batch %s", e.StatusIndex, prev, out)
			seen[e.StatusIndex] = out
		}
	}
}

// A batch in which every row fails exits with its own status (3) and says
// so; one in which some fail exits 1 and says how many.
func TestBatchExitStatusWhenRowsFail(t *testing.T) {
	f := newBatchFixture(t, 4)
	typo := writeFile(t, f.dir, "typo.json", []byte(strings.Replace(mustRead(t, f.tpl), "{{course}} completion", "{{cours}} completion", 1)))
	r := runCLI(t, "batch", "--template", typo, "--data", f.csv, "--key", f.key, "--out", filepath.Join(f.dir, "all"), "--quiet")
	assert.Equal(t, 3, r.code, "every row failed: %s %s", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, "cours")

	some := writeFile(t, f.dir, "some.csv", []byte("email,course,course_id,score\nada@example.org,Intro,di-101,90\nbob@example.org,,di-101,80\n"))
	r = runCLI(t, "batch", "--template", f.tpl, "--data", some, "--key", f.key, "--out", filepath.Join(f.dir, "some"), "--quiet")
	assert.Equal(t, 1, r.code, "%s %s", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, "1 of 2 rows failed")
}

// A row that is not UTF-8 is a row error naming its column; nothing is
// signed with replacement characters.
func TestBatchInvalidUTF8IsARowError(t *testing.T) {
	f := newBatchFixture(t, 1)
	csv := writeFile(t, f.dir, "latin1.csv", []byte("email,course,course_id,score\njose@example.org,Jos\xe9 Mu\xf1oz,di-101,90\nada@example.org,Intro,di-101,91\n"))
	out := filepath.Join(f.dir, "out")
	r := runCLI(t, "batch", "--template", f.tpl, "--data", csv, "--key", f.key, "--out", out, "--quiet")
	assert.Equal(t, 1, r.code, r.stderr)
	errs := lines(t, filepath.Join(out, errorsFile))
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0], `"row":2,"column":"course"`)
	assert.Contains(t, errs[0], "UTF-8")
	for _, e := range readIssuedT(t, out) {
		assert.NotContains(t, mustRead(t, filepath.Join(out, e.File)), "\ufffd")
	}
}

// Duplicate learner ids are row errors: no two credentials of a batch
// share an id, even when the template derives the id from the learner.
func TestBatchDuplicateLearners(t *testing.T) {
	f := newBatchFixture(t, 1)
	tpl := writeFile(t, f.dir, "byid.json", []byte(strings.Replace(mustRead(t, f.tpl), `"type": ["VerifiableCredential"`, `"id": "urn:example:badge:{{email}}", "type": ["VerifiableCredential"`, 1)))
	csv := writeFile(t, f.dir, "dups.csv", []byte("email,course,course_id,score\nada@example.org,Intro,di-101,90\nbob@example.org,Intro,di-101,80\nada@example.org,Intro,di-101,70\n"))
	out := filepath.Join(f.dir, "out")
	r := runCLI(t, "batch", "--template", tpl, "--data", csv, "--key", f.key, "--out", out, "--quiet")
	assert.Equal(t, 1, r.code, r.stderr)
	ids := map[string]bool{}
	for _, e := range readIssuedT(t, out) {
		assert.False(t, ids[e.ID], "credential id %s issued twice", e.ID)
		ids[e.ID] = true
	}
	assert.Equal(t, map[string]bool{"urn:example:badge:bob@example.org": true}, ids, "both rows of the duplicated learner are refused")
	errs := strings.Join(lines(t, filepath.Join(out, errorsFile)), "\n")
	assert.Contains(t, errs, `"row":2,"column":"email"`)
	assert.Contains(t, errs, `"row":4,"column":"email"`)
	assert.Contains(t, errs, "duplicate")
}

// --resume continues only the batch it started: another key, template,
// image or status list is refused, naming what changed.
func TestBatchResumeRefusesOtherInputs(t *testing.T) {
	f := newBatchFixture(t, 3)
	const list = "https://school.example/status/1"
	r := runCLI(t, f.args("out", "--status-list", list)...)
	require.Equal(t, 0, r.code, r.stderr)

	other := filepath.Join(f.dir, "other-key.json")
	require.Equal(t, 0, runCLI(t, "key", "generate", "--type", "ed25519", "--out", other).code)
	otherTpl := writeFile(t, f.dir, "t2.json", []byte(strings.Replace(mustRead(t, f.tpl), "Pass the final assessment.", "Pass it.", 1)))
	badge, err := drawBadge(16)
	require.NoError(t, err)
	png := writeFile(t, f.dir, "badge.png", badge)
	for name, args := range map[string][]string{
		"key":         {"batch", "--template", f.tpl, "--data", f.csv, "--key", other, "--set-issuer", "--out", filepath.Join(f.dir, "out"), "--status-list", list, "--resume", "--quiet"},
		"template":    {"batch", "--template", otherTpl, "--data", f.csv, "--key", f.key, "--out", filepath.Join(f.dir, "out"), "--status-list", list, "--resume", "--quiet"},
		"image":       f.args("out", "--status-list", list, "--bake", png, "--resume"),
		"status list": f.args("out", "--status-list", "https://school.example/status/2", "--resume"),
	} {
		r := runCLI(t, args...)
		assert.Equal(t, 1, r.code, "%s: a changed %s must be refused: %s", name, name, r.stdout)
		assert.Contains(t, r.stderr, name, "the error names what changed")
	}
	assert.Equal(t, 0, runCLI(t, f.args("out", "--status-list", list, "--resume")...).code, "the same inputs resume")
}

// batch, like sign, refuses a template whose issuer is not the key's DID
// unless --set-issuer says to write it.
func TestBatchRefusesForeignIssuer(t *testing.T) {
	f := newBatchFixture(t, 2)
	r := runCLI(t, "batch", "--template", tplPath, "--data", f.csv, "--key", f.key, "--out", filepath.Join(f.dir, "out"), "--quiet")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "did:example:school")
	assert.Contains(t, r.stderr, "--set-issuer")
	_, err := os.Stat(filepath.Join(f.dir, "out", "credentials"))
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing written before the refusal")

	r = runCLI(t, "batch", "--template", tplPath, "--data", f.csv, "--key", f.key, "--set-issuer", "--out", filepath.Join(f.dir, "out"), "--quiet")
	require.Equal(t, 0, r.code, r.stderr)
}

// --status-list creates the list and writes it, signed, into the batch
// output, saying where to publish it; the credentials verify against it.
func TestBatchCreatesTheStatusList(t *testing.T) {
	f := newBatchFixture(t, 2)
	const list = "https://school.example/status/7"
	out := filepath.Join(f.dir, "out")
	r := runCLI(t, f.args("out", "--status-list", list)...)
	require.Equal(t, 0, r.code, r.stderr)
	listFile := filepath.Join(out, "status-list.json")
	assert.Contains(t, r.stdout, "publish "+listFile+" at "+list)
	for _, e := range readIssuedT(t, out) {
		v := runCLI(t, "verify", "--trust", f.did, "--status-list", list+"="+listFile, filepath.Join(out, e.File))
		assert.Equal(t, 0, v.code, v.stdout)
	}
}

// Revoking a learner of batch A re-signs the shared list; no credential of
// batch B changes status.
func TestRevokeInOneBatchLeavesTheOtherAlone(t *testing.T) {
	f := newBatchFixture(t, 5)
	const list = "https://school.example/status/1"
	require.Equal(t, 0, runCLI(t, f.args("a", "--status-list", list)...).code)
	f.csv = writeCSV(t, f.dir, "b.csv", 5, 100)
	require.Equal(t, 0, runCLI(t, f.args("b", "--status-list", list)...).code)

	listFile := filepath.Join(f.dir, "list.json")
	r := runCLI(t, "status", "revoke", "--key", f.key, "--learner", "learner3@example.org", "--out", listFile)
	require.Equal(t, 0, r.code, r.stderr)
	check := func(dir string) map[string]int {
		codes := map[string]int{}
		for _, e := range readIssuedT(t, filepath.Join(f.dir, dir)) {
			codes[e.Learner] = runCLI(t, "verify", "--trust", f.did, "--status-list", list+"="+listFile, filepath.Join(f.dir, dir, e.File)).code
		}
		return codes
	}
	a := check("a")
	assert.Equal(t, 1, a["learner3@example.org"], "revoked")
	delete(a, "learner3@example.org")
	for l, c := range a {
		assert.Equal(t, 0, c, "batch A's %s is not revoked", l)
	}
	for l, c := range check("b") {
		assert.Equal(t, 0, c, "batch B's %s must not change", l)
	}
	// By credential id; a revocation is not undone (Bitstring Status List:
	// "This status is not reversible").
	e := readIssuedT(t, filepath.Join(f.dir, "b"))[2]
	require.Equal(t, 0, runCLI(t, "status", "revoke", "--key", f.key, "--credential", e.ID, "--out", listFile).code)
	assert.Equal(t, 1, check("b")[e.Learner])
	r = runCLI(t, "status", "clear", "--key", f.key, "--credential", e.ID, "--out", listFile)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "revocation")
	assert.Equal(t, 1, check("b")[e.Learner])
}
