package status_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

func TestListSetGetEncode(t *testing.T) {
	for _, size := range []int{1, 2, 3} {
		l, err := status.NewList(status.MinBits/size+1, size)
		require.NoError(t, err)
		require.NoError(t, l.Set(0, 1))
		require.NoError(t, l.Set(94567%l.Len(), uint(1<<size-1)))
		require.NoError(t, l.Set(l.Len()-1, 1))
		assert.Error(t, l.Set(l.Len(), 1), "out of range")
		assert.Error(t, l.Set(1, 1<<size), "value too wide")
		enc, err := l.Encode()
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(enc, "u"))
		back, err := status.Decode(enc, size)
		require.NoError(t, err)
		for _, i := range []int{0, 1, 94567 % l.Len(), l.Len() - 1} {
			a, _ := l.Get(i)
			b, err := back.Get(i)
			require.NoError(t, err)
			assert.Equal(t, a, b, "entry %d", i)
		}
	}
	_, err := status.NewList(1000, 1)
	assert.ErrorIs(t, err, status.ErrInvalidList, "below the 131,072-bit minimum")
}

// Bit order: index 0 is the most significant bit of the first byte.
func TestBitOrder(t *testing.T) {
	l, err := status.NewList(status.MinBits, 1)
	require.NoError(t, err)
	require.NoError(t, l.Set(0, 1))
	require.NoError(t, l.Set(9, 1))
	enc, err := l.Encode()
	require.NoError(t, err)
	raw, err := base64.RawURLEncoding.DecodeString(enc[1:])
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	var bits bytes.Buffer
	_, err = bits.ReadFrom(zr)
	require.NoError(t, err)
	assert.Equal(t, byte(0x80), bits.Bytes()[0])
	assert.Equal(t, byte(0x40), bits.Bytes()[1])
}

// The DCC's list (100,000 entries, below the minimum, read anyway) has
// bits 2, 6 and 8 set.
func TestDCCList(t *testing.T) {
	data, err := os.ReadFile("../../testdata/vectors/dcc/statusLists/e5WK8CbZ1GjycuPombrj")
	require.NoError(t, err)
	var lc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(data, &lc))
	l, err := status.Decode(lc.CredentialSubject.EncodedList, 1)
	require.NoError(t, err)
	var set []int
	for i := 0; i < l.Len(); i++ {
		if v, _ := l.Get(i); v == 1 {
			set = append(set, i)
		}
	}
	assert.Equal(t, []int{2, 6, 8}, set)
	assert.Equal(t, 100000, l.Len())
}

func TestDecodeRejectsBombsAndGarbage(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(make([]byte, status.MaxListBytes+1))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	_, err = status.Decode("u"+base64.RawURLEncoding.EncodeToString(buf.Bytes()), 1)
	assert.ErrorIs(t, err, status.ErrInvalidList)
	for _, bad := range []string{"", "u", "u!!!", "uAAAA", "zabc"} {
		_, err := status.Decode(bad, 1)
		assert.ErrorIs(t, err, status.ErrInvalidList, bad)
	}
}

func FuzzDecode(f *testing.F) {
	l, _ := status.NewList(status.MinBits, 1)
	enc, _ := l.Encode()
	f.Add(enc)
	f.Fuzz(func(t *testing.T, s string) {
		l, err := status.Decode(s, 1)
		if err != nil {
			if l != nil {
				t.Fatal("list with error")
			}
			return
		}
		if _, err := l.Get(l.Len() - 1); err != nil {
			t.Fatal(err)
		}
	})
}

// End to end: an issuer revokes a credential by setting its bit in a list
// it signs; the verifier reads the list through a fetcher.
func TestRevokeAndSuspendEndToEnd(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{4}, 32))
	require.NoError(t, err)
	other, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{6}, 32))
	require.NoError(t, err)
	issue := func(k *didkey.Key, data []byte) []byte {
		iss, err := microcred.NewIssuer(k, microcred.WithClock(func() time.Time { return at }))
		require.NoError(t, err)
		out, err := iss.Issue(ctx, data)
		require.NoError(t, err)
		return out
	}
	const listURL = "https://status.example/lists/1"
	cred := func(purpose string, index int) []byte {
		return []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:c1","type":["VerifiableCredential"],"issuer":"` + key.DID().String() + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"},"credentialStatus":{"id":"` + listURL + `#` + string(rune('0'+index)) + `","type":"BitstringStatusListEntry","statusPurpose":"` + purpose + `","statusListIndex":"` + string(rune('0'+index)) + `","statusListCredential":"` + listURL + `"}}`)
	}
	listCred := func(k *didkey.Key, purpose string, set ...int) []byte {
		l, err := status.NewList(status.MinBits, 1)
		require.NoError(t, err)
		for _, i := range set {
			require.NoError(t, l.Set(i, 1))
		}
		data, err := status.NewListCredential(status.ListCredential{ID: listURL, Issuer: k.DID().String(), Purpose: purpose, ValidFrom: at.Add(-time.Hour), List: l})
		require.NoError(t, err)
		return issue(k, data)
	}
	verify := func(c []byte, list []byte) error {
		suite, err := eddsa2022.NewRDFC(contexts.Default())
		require.NoError(t, err)
		r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
		require.NoError(t, err)
		v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{suite}},
			microcred.WithClock(func() time.Time { return at }), microcred.WithStatusFetcher(status.StaticFetcher{listURL: list}))
		require.NoError(t, err)
		p, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
		require.NoError(t, err)
		_, err = v.Verify(ctx, c, p)
		return err
	}
	signed := issue(key, cred(status.Revocation, 5))
	assert.NoError(t, verify(signed, listCred(key, status.Revocation, 4, 6)), "neighbours revoked, not this one")
	assert.ErrorIs(t, verify(signed, listCred(key, status.Revocation, 5)), status.ErrRevoked)
	assert.ErrorIs(t, verify(signed, listCred(other, status.Revocation)), status.ErrInvalidList, "a list from another issuer")
	assert.ErrorIs(t, verify(signed, listCred(key, status.Suspension)), status.ErrInvalidList, "purpose mismatch")
	suspended := issue(key, cred(status.Suspension, 3))
	assert.ErrorIs(t, verify(suspended, listCred(key, status.Suspension, 3)), status.ErrSuspended)
	// A list edited after signing (here: un-revoking entry 5) does not verify.
	var m map[string]any
	require.NoError(t, json.Unmarshal(listCred(key, status.Revocation, 5), &m))
	clean, err := status.NewList(status.MinBits, 1)
	require.NoError(t, err)
	enc, err := clean.Encode()
	require.NoError(t, err)
	m["credentialSubject"].(map[string]any)["encodedList"] = enc
	tampered, err := json.Marshal(m)
	require.NoError(t, err)
	err = verify(signed, tampered)
	assert.ErrorIs(t, err, status.ErrInvalidList)
	assert.ErrorIs(t, err, proof.ErrInvalidSignature)
}

// A list is bound to the entry that names it: another list of the same
// issuer served in its place (an older copy, another batch's list with the
// bit clear) is refused, as are lists past their validity window, and,
// under MaxStatusListAge, lists older than the policy accepts.
func TestListBinding(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{4}, 32))
	require.NoError(t, err)
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return at.Add(-48 * time.Hour) }))
	require.NoError(t, err)
	const listURL = "https://status.example/lists/1"
	cred, err := iss.Issue(ctx, []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:c1","type":["VerifiableCredential"],"issuer":"`+key.DID().String()+`","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"},"credentialStatus":{"id":"`+listURL+`#5","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"5","statusListCredential":"`+listURL+`"}}`))
	require.NoError(t, err)
	list := func(id string, from, until time.Time, revoked bool) []byte {
		l, err := status.NewList(status.MinBits, 1)
		require.NoError(t, err)
		if revoked {
			require.NoError(t, l.Set(5, 1))
		}
		data, err := status.NewListCredential(status.ListCredential{ID: id, Issuer: key.DID().String(), Purpose: status.Revocation, ValidFrom: from, ValidUntil: until, List: l})
		require.NoError(t, err)
		out, err := iss.Issue(ctx, data)
		require.NoError(t, err)
		return out
	}
	verify := func(list []byte, opts ...microcred.PolicyOption) error {
		suite, err := eddsa2022.NewRDFC(contexts.Default())
		require.NoError(t, err)
		r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
		require.NoError(t, err)
		v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{suite}},
			microcred.WithClock(func() time.Time { return at }), microcred.WithStatusFetcher(status.StaticFetcher{listURL: list}))
		require.NoError(t, err)
		p, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()), opts...)
		require.NoError(t, err)
		_, err = v.Verify(ctx, cred, p)
		return err
	}
	dayAgo := at.Add(-24 * time.Hour)
	require.ErrorIs(t, verify(list(listURL, dayAgo, time.Time{}, true)), status.ErrRevoked, "the genuine list revokes")
	require.NoError(t, verify(list(listURL, dayAgo, time.Time{}, false)), "the genuine list, bit clear")

	// The issuer's list for another URL, with the bit clear, in its place.
	err = verify(list("https://status.example/lists/2", dayAgo, time.Time{}, false))
	assert.ErrorIs(t, err, status.ErrWrongList)
	assert.ErrorIs(t, err, status.ErrInvalidList)
	assert.NotErrorIs(t, err, status.ErrRevoked)

	// A list past its validUntil.
	err = verify(list(listURL, at.Add(-72*time.Hour), dayAgo, false))
	assert.ErrorIs(t, err, status.ErrInvalidList)
	assert.ErrorIs(t, err, vc.ErrExpired)

	// An old (but still valid) list under a policy that wants fresh ones.
	old := list(listURL, at.Add(-30*24*time.Hour), time.Time{}, false)
	assert.NoError(t, verify(old), "no age limit by default")
	assert.NoError(t, verify(old, microcred.MaxStatusListAge(31*24*time.Hour)))
	err = verify(old, microcred.MaxStatusListAge(7*24*time.Hour))
	assert.ErrorIs(t, err, status.ErrStaleList)
	assert.ErrorIs(t, err, status.ErrInvalidList)
	_, err = microcred.NewPolicy(microcred.AnyIssuerUnsafe(), microcred.MaxStatusListAge(0))
	assert.Error(t, err, "a zero age limit is a mistake, not 'no limit'")
}

// Entries are read by exact member names, and the index in canonical form.
func TestEntriesExactNames(t *testing.T) {
	entry := func(members string) error {
		c, err := vc.ParseCredential([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:i","credentialSubject":{"id":"did:example:s"},"credentialStatus":{"type":"BitstringStatusListEntry",` + members + `}}`))
		require.NoError(t, err)
		_, err = status.Entries(c)
		return err
	}
	assert.NoError(t, entry(`"statusPurpose":"revocation","statusListIndex":"5","statusListCredential":"https://s.example/1"`))
	for name, members := range map[string]string{
		"index in another case":    `"statusPurpose":"revocation","StatusListIndex":"5","statusListCredential":"https://s.example/1"`,
		"list URL in another case": `"statusPurpose":"revocation","statusListIndex":"5","StatusListCredential":"https://s.example/1"`,
		"purpose in another case":  `"StatusPurpose":"revocation","statusListIndex":"5","statusListCredential":"https://s.example/1"`,
		"index with a leading 0":   `"statusPurpose":"revocation","statusListIndex":"05","statusListCredential":"https://s.example/1"`,
		"index with a sign":        `"statusPurpose":"revocation","statusListIndex":"+5","statusListCredential":"https://s.example/1"`,
		"index a number":           `"statusPurpose":"revocation","statusListIndex":5,"statusListCredential":"https://s.example/1"`,
		"statusSize a string":      `"statusPurpose":"revocation","statusListIndex":"5","statusListCredential":"https://s.example/1","statusSize":"2"`,
		"statusSize fractional":    `"statusPurpose":"revocation","statusListIndex":"5","statusListCredential":"https://s.example/1","statusSize":1.5`,
		"purpose not a string":     `"statusPurpose":["revocation"],"statusListIndex":"5","statusListCredential":"https://s.example/1"`,
	} {
		assert.ErrorIs(t, entry(members), status.ErrInvalidList, name)
	}
}

// statusSize > 1: the entry carries one message per value, and the
// verifier reports the message for the value in the list.
func TestStatusMessages(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{5}, 32))
	require.NoError(t, err)
	const listURL = "https://status.example/lists/messages"
	messages := `[{"status":"0x0","message":"pending_review"},{"status":"0x1","message":"accepted"},{"status":"0x2","message":"rejected"},{"status":"0x3","message":"withdrawn"}]`
	entry := func(size, msgs string) string {
		return `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:m1","type":["VerifiableCredential"],"issuer":"` + key.DID().String() + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"},"credentialStatus":{"id":"` + listURL + `#7","type":"BitstringStatusListEntry","statusPurpose":"message","statusListIndex":"7","statusSize":` + size + `,"statusListCredential":"` + listURL + `","statusMessage":` + msgs + `,"statusReference":"https://status.example/dictionary"}}`
	}
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	l, err := status.NewList(status.MinBits/2, 2)
	require.NoError(t, err)
	require.NoError(t, l.Set(7, 2))
	listData, err := status.NewListCredential(status.ListCredential{ID: listURL, Issuer: key.DID().String(), Purpose: status.Message, ValidFrom: at.Add(-time.Hour), List: l})
	require.NoError(t, err)
	list, err := iss.Issue(ctx, listData)
	require.NoError(t, err)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: r, Suites: []proof.Suite{suite}},
		microcred.WithClock(func() time.Time { return at }), microcred.WithStatusFetcher(status.StaticFetcher{listURL: list}))
	require.NoError(t, err)
	p, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	require.NoError(t, err)

	signed, err := iss.Issue(ctx, []byte(entry("2", messages)))
	require.NoError(t, err)
	res, err := v.Verify(ctx, signed, p)
	require.NoError(t, err, "a message purpose never fails verification")
	var detail string
	for _, c := range res.Checks {
		if c.Check == microcred.CheckStatus {
			detail = c.Detail
		}
	}
	assert.Contains(t, detail, `message 0x2 "rejected"`)

	c, err := vc.ParseCredential(signed)
	require.NoError(t, err)
	entries, err := status.Entries(c)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, 2, entries[0].StatusSize)
	assert.Equal(t, []string{"https://status.example/dictionary"}, entries[0].Reference)
	m, ok := entries[0].MessageFor(3)
	assert.True(t, ok)
	assert.Equal(t, "withdrawn", m)

	// The REC's rules on statusSize and statusMessage, each broken once.
	for name, bad := range map[string]string{
		"size 2 without messages":  entry("2", "null"),
		"too few messages":         entry("2", `[{"status":"0x0","message":"a"},{"status":"0x1","message":"b"}]`),
		"zero size":                entry("0", messages),
		"status not hexadecimal":   entry("2", `[{"status":"0","message":"a"},{"status":"0x1","message":"b"},{"status":"0x2","message":"c"},{"status":"0x3","message":"d"}]`),
		"status wider than size":   entry("1", `[{"status":"0x0","message":"a"},{"status":"0x2","message":"b"}]`),
		"repeated status":          entry("2", `[{"status":"0x0","message":"a"},{"status":"0x0","message":"b"},{"status":"0x2","message":"c"},{"status":"0x3","message":"d"}]`),
		"message without its text": entry("2", `[{"status":"0x0"},{"status":"0x1","message":"b"},{"status":"0x2","message":"c"},{"status":"0x3","message":"d"}]`),
		"statusMessage not a list": entry("2", `"accepted"`),
	} {
		c, err := vc.ParseCredential([]byte(bad))
		require.NoError(t, err, name)
		_, err = status.Entries(c)
		assert.ErrorIs(t, err, status.ErrInvalidList, name)
	}
}

// The REC's examples: entries read as written; the example list decodes to
// 131,072 clear bits, so index 94567 (example 4) is not revoked; our empty
// list carries the same bits.
func TestSpecExamples(t *testing.T) {
	read := func(name string) []byte {
		data, err := os.ReadFile("testdata/spec-examples/" + name)
		require.NoError(t, err)
		return data
	}
	type want struct {
		purpose string
		index   int
		list    string
	}
	for file, entries := range map[string][]want{
		"01-example-statuslistcredential-using-simple-entries.json":                     {{"revocation", 94567, "https://example.com/credentials/status/3"}, {"suspension", 23452, "https://example.com/credentials/status/4"}},
		"04-a-revocable-verifiable-credential.json":                                     {{"revocation", 94567, "https://example.com/credentials/status/3"}},
		"06-associating-multiple-status-lists-with-a-single-verifiable-credential.json": {{"revocation", 94567, "https://example.com/credentials/status/3"}, {"suspension", 12345, "https://example.com/credentials/status/4"}},
		"07-associating-multiple-status-entries-in-a-single-status-list.json":           {{"revocation", 94567, "https://example.com/credentials/status/5"}, {"suspension", 12345, "https://example.com/credentials/status/5"}},
	} {
		c, err := vc.ParseCredential(read(file))
		require.NoError(t, err, file)
		got, err := status.Entries(c)
		require.NoError(t, err, file)
		require.Len(t, got, len(entries), file)
		for i, w := range entries {
			assert.Equal(t, w.purpose, got[i].Purpose, file)
			assert.Equal(t, w.index, got[i].Index, file)
			assert.Equal(t, w.list, got[i].ListCredential, file)
			assert.Equal(t, 1, got[i].StatusSize, file)
		}
	}

	list := read("05-a-status-list-verifiable-credential.json")
	var ex3, ex5 map[string]any
	require.NoError(t, json.Unmarshal(read("03-example-bitstringstatuslistcredential.json"), &ex3))
	require.NoError(t, json.Unmarshal(list, &ex5))
	assert.Equal(t, ex3["credentialSubject"], ex5["credentialSubject"], "examples 3 and 5 are the same list")
	var lc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(list, &lc))
	theirs, err := status.Decode(lc.CredentialSubject.EncodedList, 1)
	require.NoError(t, err)
	assert.Equal(t, status.MinBits, theirs.Len())
	ours, err := status.NewList(status.MinBits, 1)
	require.NoError(t, err)
	enc, err := ours.Encode()
	require.NoError(t, err)
	back, err := status.Decode(enc, 1)
	require.NoError(t, err)
	for i := 0; i < status.MinBits; i++ {
		a, _ := theirs.Get(i)
		b, _ := back.Get(i)
		if a != 0 || b != 0 {
			t.Fatalf("entry %d: spec %d, ours %d", i, a, b)
		}
	}

	// Checking example 4 against example 5 (proofs aside: the spec's are
	// made with throw-away keys), through Check's list verifier hook.
	cred, err := vc.ParseCredential(read("04-a-revocable-verifiable-credential.json"))
	require.NoError(t, err)
	unverified := func(_ context.Context, data []byte) (*vc.Credential, string, error) {
		c, err := vc.ParseCredential(data)
		if err != nil {
			return nil, "", err
		}
		return c, c.Issuer().ID, nil
	}
	res, err := status.Check(context.Background(), cred, status.CheckOptions{Fetch: status.StaticFetcher{"https://example.com/credentials/status/3": list}, Verify: unverified})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, uint(0), res[0].Value)
}

// The 1EdTech Revocation List Status Method: a JSON list of revoked
// credential ids at the entry's id.
func TestRevocationList1EdTech(t *testing.T) {
	const listURL = "https://school.example/revocations/1"
	cred := func(id, issuer string) *vc.Credential {
		c, err := vc.ParseCredential([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json","https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"],"id":"` + id + `","type":["VerifiableCredential"],"issuer":"` + issuer + `","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:learner"},"credentialStatus":{"id":"` + listURL + `","type":"1EdTechRevocationList"}}`))
		require.NoError(t, err)
		return c
	}
	list := func(id, issuer string) []byte {
		return []byte(`{"id":"` + id + `","issuer":` + issuer + `,"revokedCredentials":[{"id":"urn:uuid:revoked","revocationReason":"issued in error"},{"id":"urn:uuid:other"}]}`)
	}
	never := func(context.Context, []byte) (*vc.Credential, string, error) {
		t.Fatal("an unsigned list has no proof to verify")
		return nil, "", nil
	}
	good := status.StaticFetcher{listURL: list(listURL, `"did:example:school"`)}
	res, err := status.Check(context.Background(), cred("urn:uuid:revoked", "did:example:school"), status.CheckOptions{Fetch: good, Verify: never})
	require.ErrorIs(t, err, status.ErrRevoked)
	assert.Contains(t, err.Error(), "issued in error")
	require.Len(t, res, 1)
	assert.Equal(t, "issued in error", res[0].Message)

	res, err = status.Check(context.Background(), cred("urn:uuid:fine", "did:example:school"), status.CheckOptions{Fetch: good, Verify: never})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, uint(0), res[0].Value)

	// The issuer as an object works too.
	_, err = status.Check(context.Background(), cred("urn:uuid:revoked", "did:example:school"), status.CheckOptions{Fetch: status.StaticFetcher{listURL: list(listURL, `{"id":"did:example:school","type":"Profile"}`)}, Verify: never})
	assert.ErrorIs(t, err, status.ErrRevoked)

	for name, f := range map[string]status.StaticFetcher{
		"list by another issuer":        {listURL: list(listURL, `"did:example:mallory"`)},
		"list with another id":          {listURL: list("https://school.example/revocations/2", `"did:example:school"`)},
		"duplicate keys":                {listURL: []byte(`{"id":"` + listURL + `","id":"x","issuer":"did:example:school","revokedCredentials":[]}`)},
		"not JSON":                      {listURL: []byte(`<html>`)},
		"revokedCredentials not a list": {listURL: []byte(`{"id":"` + listURL + `","issuer":"did:example:school","revokedCredentials":"urn:uuid:fine"}`)},
	} {
		_, err := status.Check(context.Background(), cred("urn:uuid:fine", "did:example:school"), status.CheckOptions{Fetch: f, Verify: never})
		assert.ErrorIs(t, err, status.ErrInvalidList, name)
	}
	_, err = status.Check(context.Background(), cred("urn:uuid:fine", "did:example:school"), status.CheckOptions{Fetch: status.StaticFetcher{}, Verify: never})
	assert.ErrorIs(t, err, status.ErrNoList)
}

// A list rebuilt from its bits (as an issuer's store keeps them) reads the
// same entries; the bits are copied both ways.
func TestNewListFromBits(t *testing.T) {
	l, err := status.NewList(status.MinBits/2, 2)
	require.NoError(t, err)
	require.NoError(t, l.Set(5, 3))
	bits := l.Bits()
	again, err := status.NewListFromBits(bits, 2)
	require.NoError(t, err)
	v, err := again.Get(5)
	require.NoError(t, err)
	assert.Equal(t, uint(3), v)
	bits[1] = 0
	v, _ = again.Get(5)
	assert.Equal(t, uint(3), v, "NewListFromBits copies its input")
	_, err = status.NewListFromBits(bits[:10], 1)
	assert.ErrorIs(t, err, status.ErrInvalidList)
	_, err = status.NewListFromBits(bits, 9)
	assert.ErrorIs(t, err, status.ErrInvalidList)
}
