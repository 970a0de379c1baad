package microcred_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/rdfc"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

// The fields the verifier checks, read two ways: from the JSON by member
// name (what vc.Credential and vc/status give the checks) and from the RDF
// graph the signature covers. They must agree for every document microcred
// accepts; FuzzFieldsMatchGraph looks for one where they do not.

const (
	credIRI = "https://www.w3.org/2018/credentials#"
	rdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	statNS  = "https://www.w3.org/ns/credentials/status#"
)

// checkedFields is what the verifier reads of a credential, as strings.
type checkedFields map[string][]string

func (f checkedFields) add(k string, v ...string) { f[k] = append(f[k], v...) }

func (f checkedFields) String() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v := append([]string(nil), f[k]...)
		sort.Strings(v)
		fmt.Fprintf(&b, "%s=%q\n", k, v)
	}
	return b.String()
}

// knownTypes maps the types the verifier branches on to their IRIs.
var knownTypes = map[string]string{
	"VerifiableCredential":          credIRI + "VerifiableCredential",
	"OpenBadgeCredential":           "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
	"AchievementCredential":         "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
	"EndorsementCredential":         "https://purl.imsglobal.org/spec/vc/ob/vocab.html#EndorsementCredential",
	"BitstringStatusListCredential": credIRI + "BitstringStatusListCredential",
}

// dateMembers are the validity members the verifier reads: VCDM 2.0's,
// or VCDM 1.1's (whose IRIs are in the same vocabulary).
func dateMembers(v vc.Version) map[string]string {
	if v == vc.V1 {
		return map[string]string{"from": "issuanceDate", "until": "expirationDate"}
	}
	return map[string]string{"from": "validFrom", "until": "validUntil"}
}

// jsonFields reads the fields by name, as the checks do.
func jsonFields(t testing.TB, c *vc.Credential) (checkedFields, bool) {
	f := checkedFields{}
	f.add("id", c.ID())
	f.add("issuer", c.Issuer().ID)
	for label, member := range dateMembers(c.Version()) {
		if raw, ok := c.Member(member); ok {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return nil, false // refused by parsing anyway
			}
			f.add(label, s)
		}
	}
	seenTypes := map[string]bool{}
	for name, iri := range knownTypes {
		if c.HasType(name) && !seenTypes[iri] {
			f.add("type", iri)
			seenTypes[iri] = true
		}
	}
	f.add("subjects", fmt.Sprint(len(c.Subjects())))
	f.add("subjectIDs", c.SubjectIDs()...)
	for _, s := range c.Schemas() {
		f.add("schema", s.ID)
	}
	f.add("evidence", fmt.Sprint(len(c.Evidence())))
	f.add("refreshService", fmt.Sprint(len(c.RefreshServices())))
	if raw, ok := c.Member("termsOfUse"); ok {
		v, _ := strictjson.Decode(raw, strictjson.Limits{})
		if l, isList := v.([]any); isList {
			f.add("termsOfUse", fmt.Sprint(len(l)))
		} else {
			f.add("termsOfUse", "1")
		}
	} else {
		f.add("termsOfUse", "0")
	}
	entries, err := status.Entries(c)
	if err != nil {
		return nil, false
	}
	f.add("status", fmt.Sprint(len(entries)))
	for _, e := range entries {
		if e.Index >= 0 {
			f.add("statusEntry", fmt.Sprintf("%s|%d|%s|%d", e.ListCredential, e.Index, e.Purpose, e.StatusSize))
		}
	}
	return f, true
}

// graphFields reads the same fields from the quads of the document
// without its proof.
func graphFields(t testing.TB, quads []rdfc.Quad, version vc.Version) (checkedFields, bool) {
	type node = string
	key := func(x rdfc.Term) node { return fmt.Sprint(x.Kind) + x.Value }
	out := map[node][]rdfc.Quad{}
	incoming := map[node]bool{}
	for _, q := range quads {
		if q.Graph.Kind != rdfc.DefaultGraph {
			continue
		}
		out[key(q.Subject)] = append(out[key(q.Subject)], q)
		if q.Object.Kind != rdfc.Literal {
			incoming[key(q.Object)] = true
		}
	}
	var root []rdfc.Quad
	var rootTerm rdfc.Term
	roots := 0
	for n, qs := range out {
		for _, q := range qs {
			if q.Predicate.Value == rdfType && q.Object.Value == credIRI+"VerifiableCredential" && !incoming[n] {
				root, rootTerm = qs, q.Subject
				roots++
				break
			}
		}
	}
	if roots != 1 {
		return nil, false
	}
	objects := func(qs []rdfc.Quad, p string) []rdfc.Term {
		var o []rdfc.Term
		seen := map[string]bool{}
		for _, q := range qs {
			if q.Predicate.Value == p && !seen[key(q.Object)] {
				seen[key(q.Object)] = true
				o = append(o, q.Object)
			}
		}
		return o
	}
	f := checkedFields{}
	if rootTerm.Kind == rdfc.IRI {
		f.add("id", rootTerm.Value)
	} else {
		f.add("id", "")
	}
	iss := objects(root, credIRI+"issuer")
	if len(iss) != 1 || iss[0].Kind != rdfc.IRI {
		return nil, false
	}
	f.add("issuer", iss[0].Value)
	for label, member := range dateMembers(version) {
		for _, o := range objects(root, credIRI+member) {
			f.add(label, o.Value)
		}
	}
	for _, o := range objects(root, rdfType) {
		for _, iri := range knownTypes {
			if o.Value == iri {
				f.add("type", iri)
				break
			}
		}
	}
	subjects := objects(root, credIRI+"credentialSubject")
	f.add("subjects", fmt.Sprint(len(subjects)))
	var ids []string
	for _, s := range subjects {
		if s.Kind == rdfc.IRI {
			ids = append(ids, s.Value)
		}
	}
	f.add("subjectIDs", ids...)
	for _, s := range objects(root, credIRI+"credentialSchema") {
		f.add("schema", s.Value)
	}
	f.add("evidence", fmt.Sprint(len(objects(root, credIRI+"evidence"))))
	f.add("refreshService", fmt.Sprint(len(objects(root, credIRI+"refreshService"))))
	f.add("termsOfUse", fmt.Sprint(len(objects(root, credIRI+"termsOfUse"))))
	entries := objects(root, credIRI+"credentialStatus")
	f.add("status", fmt.Sprint(len(entries)))
	for _, e := range entries {
		qs := out[key(e)]
		isEntry := false
		for _, o := range objects(qs, rdfType) {
			if o.Value == statNS+"BitstringStatusListEntry" || o.Value == "https://w3id.org/vc/status-list#StatusList2021Entry" {
				isEntry = true
			}
		}
		if !isEntry {
			continue
		}
		one := func(p string) string {
			o := objects(qs, p)
			if len(o) != 1 {
				return "?"
			}
			return o[0].Value
		}
		size := "1"
		if o := objects(qs, statNS+"statusSize"); len(o) == 1 {
			size = o[0].Value
		}
		f.add("statusEntry", fmt.Sprintf("%s|%s|%s|%s", one(statNS+"statusListCredential"), one(statNS+"statusListIndex"), one(statNS+"statusPurpose"), size))
	}
	return f, true
}

// fieldsAgree reports whether doc, if microcred accepts it (strict parsing
// and the canonicalizer's checks), reads the same by name and in its graph.
func fieldsAgree(t testing.TB, c *canon.RDFC, data []byte) (accepted bool, json, graph checkedFields) {
	cred, err := vc.ParseCredential(data)
	if err != nil {
		return false, nil, nil
	}
	v, err := strictjson.Decode(data, strictjson.Limits{})
	require.NoError(t, err)
	doc := v.(map[string]any)
	delete(doc, "proof")
	quads, err := c.Quads(doc)
	if err != nil {
		return false, nil, nil
	}
	jf, ok1 := jsonFields(t, cred)
	gf, ok2 := graphFields(t, quads, cred.Version())
	if !ok1 || !ok2 {
		return false, nil, nil
	}
	return true, jf, gf
}

// respell rewrites one member of a credential as the fuzzer's bytes
// choose: the spellings of issue 13 (expanded or compact IRI, an alias of
// the document's own, @nest, @included, a second description, a keyword
// for its alias, another letter case).
func respellDoc(doc map[string]any, choice []byte) {
	if len(choice) < 3 {
		return
	}
	members := []string{"validFrom", "validUntil", "credentialStatus", "credentialSchema", "evidence", "termsOfUse", "refreshService", "credentialSubject", "issuer", "type", "id"}
	m := members[int(choice[0])%len(members)]
	val, ok := doc[m]
	if !ok {
		return
	}
	iri := credIRI + m
	typed, isDate := val, false
	if s, isString := val.(string); isString && (m == "validFrom" || m == "validUntil") {
		typed, isDate = map[string]any{"@value": s, "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}, true
	}
	addCtx := func(local map[string]any) {
		if l, ok := doc["@context"].([]any); ok {
			doc["@context"] = append(l, local)
		}
	}
	id, _ := doc["id"].(string)
	switch choice[1] % 9 {
	case 0:
		delete(doc, m)
		doc[iri] = typed
	case 1:
		addCtx(map[string]any{"c": credIRI})
		delete(doc, m)
		doc["c:"+m] = typed
	case 2:
		def := map[string]any{"@id": iri}
		if isDate {
			def["@type"] = "http://www.w3.org/2001/XMLSchema#dateTime"
		}
		addCtx(map[string]any{"x" + m: def})
		delete(doc, m)
		doc["x"+m] = val
	case 3:
		delete(doc, m)
		doc["@nest"] = map[string]any{m: val}
	case 4:
		if id != "" {
			delete(doc, m)
			doc["@included"] = []any{map[string]any{"id": id, "type": "VerifiableCredential", m: val}}
		}
	case 5:
		if id != "" {
			delete(doc, m)
			ev, _ := doc["evidence"].([]any)
			doc["evidence"] = append(ev, map[string]any{"id": id, "type": "VerifiableCredential", m: val})
		}
	case 6:
		switch m {
		case "type", "id":
			delete(doc, m)
			doc["@"+m] = val
		}
	case 7:
		delete(doc, m)
		doc[strings.ToUpper(m[:1])+m[1:]] = val
	case 8:
		addCtx(map[string]any{"@vocab": credIRI})
		delete(doc, m)
		doc[m+"\u200b"] = val // vocab-relative, another IRI: changes the graph
	}
	if choice[2]%2 == 1 && len(choice) > 3 {
		respellDoc(doc, choice[3:])
	}
}

// FuzzFieldsMatchGraph: (1) any document microcred accepts reads the same
// by member name and in its graph; (2) a signed credential respelled as the
// fuzzer chooses either fails verification or verifies with the fields of
// the graph its signature covers.
func FuzzFieldsMatchGraph(f *testing.F) {
	var seeds [][]byte
	for _, pattern := range []string{"testdata/hostile/*.json", "testdata/vectors/dcc/*.json", "testdata/ob3/*.json"} {
		m, err := filepath.Glob(pattern)
		require.NoError(f, err)
		for _, p := range m {
			data, err := os.ReadFile(p)
			require.NoError(f, err)
			if len(data) < 16<<10 {
				seeds = append(seeds, data)
			}
		}
	}
	for i, s := range seeds {
		f.Add(s, []byte{byte(i), byte(i * 7), 0})
	}
	c, err := canon.NewRDFC(canon.Options{Loader: contexts.Default()})
	require.NoError(f, err)
	v := hostileVerifier(f)
	policy := hostilePolicy(f, "trust")
	signed, err := os.ReadFile("testdata/hostile/valid.json")
	require.NoError(f, err)
	withStatus, err := os.ReadFile("testdata/hostile/status-revoked.json")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data, choice []byte) {
		if ok, jf, gf := fieldsAgree(t, c, data); ok && jf.String() != gf.String() {
			t.Fatalf("accepted document reads differently by name and in its graph:\nby name:\n%s\ngraph:\n%s\n%s", jf, gf, data)
		}
		for _, base := range [][]byte{signed, withStatus} {
			var doc map[string]any
			require.NoError(t, json.Unmarshal(base, &doc))
			respellDoc(doc, choice)
			mutated, err := json.Marshal(doc)
			require.NoError(t, err)
			res, err := v.Verify(context.Background(), mutated, policy)
			if err != nil && !errors.Is(err, status.ErrRevoked) {
				continue
			}
			// Verified (or refused only for the revocation its graph holds):
			// what was read is what is signed.
			ok, jf, gf := fieldsAgree(t, c, mutated)
			require.True(t, ok, "a verified credential is accepted: %s", mutated)
			if jf.String() != gf.String() {
				t.Fatalf("verified with fields other than the signed ones (%v):\nby name:\n%s\ngraph:\n%s\n%s", res.Verified, jf, gf, mutated)
			}
		}
	})
}
