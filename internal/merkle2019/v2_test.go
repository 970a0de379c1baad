package merkle2019_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/internal/merkle2019"
	"github.com/onchaincert/microcred/internal/mtree"
)

// validV2 are the v2 certificates cert-verifier-js accepts, with their
// EXPECT.tsv rows.
func validV2(t testing.TB) []cvjRow {
	var out []cvjRow
	for _, r := range readExpect(t) {
		if r.version == "v2" && r.verdict == "valid" {
			out = append(out, r)
		}
	}
	require.NotEmpty(t, out)
	return out
}

func edit(t testing.TB, doc []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	f(m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func sig(m map[string]any) map[string]any { return m["signature"].(map[string]any) }

func flipHex(s string) string {
	b, _ := hex.DecodeString(s)
	b[0] ^= 1
	return hex.EncodeToString(b)
}

// TestV2PathValid: every v2 certificate cert-verifier-js accepts passes
// VerifyV2Path with its receipt's values and the fields of its graph.
func TestV2PathValid(t *testing.T) {
	for _, r := range validV2(t) {
		doc := readCVJ(t, r.file)
		p, err := merkle2019.VerifyV2Path(doc)
		require.NoError(t, err, r.id)
		var m map[string]any
		require.NoError(t, json.Unmarshal(doc, &m))
		s := sig(m)
		require.Equal(t, s["targetHash"], hex.EncodeToString(p.TargetHash), r.id)
		require.Equal(t, s["merkleRoot"], hex.EncodeToString(p.MerkleRoot), r.id)
		require.Len(t, p.Path, len(asList(s["proof"])), r.id)
		require.Equal(t, asList(s["anchors"])[0].(map[string]any)["sourceId"], p.Anchor.TxID, r.id)
		require.Equal(t, m["issuedOn"], p.IssuedOn, r.id)
		require.Equal(t, m["id"], p.ID, r.id)
		require.Equal(t, m["badge"].(map[string]any)["issuer"].(map[string]any)["id"], p.IssuerProfile, r.id)
		require.Equal(t, m["recipient"].(map[string]any)["identity"], p.Recipient.Identity, r.id)
		require.Equal(t, p.Chain.Final(), !p.NoFinality)
		rl, _ := m["badge"].(map[string]any)["issuer"].(map[string]any)["revocationList"].(string)
		require.Equal(t, rl, p.Revocation, r.id)
		require.Empty(t, p.Expires, r.id) // none of them expires
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

// TestV2Corruptions: corrupted copies of every valid v2 certificate fail,
// at the step that owns the corrupted part.
func TestV2Corruptions(t *testing.T) {
	type corruption struct {
		name string
		f    func(m map[string]any) bool // false: not applicable
		step merkle2019.Step
		is   error
	}
	cases := []corruption{
		{"issuedOn changed", func(m map[string]any) bool { m["issuedOn"] = "2099-01-01T00:00:00+00:00"; return true }, merkle2019.StepTargetHash, merkle2019.ErrTargetHashMismatch},
		{"recipient changed", func(m map[string]any) bool {
			m["recipient"].(map[string]any)["identity"] = "mallory@example.org"
			return true
		}, merkle2019.StepTargetHash, merkle2019.ErrTargetHashMismatch},
		{"issuer profile changed", func(m map[string]any) bool {
			m["badge"].(map[string]any)["issuer"].(map[string]any)["id"] = "https://mallory.example/issuer.json"
			return true
		}, merkle2019.StepTargetHash, merkle2019.ErrTargetHashMismatch},
		{"expires added", func(m map[string]any) bool { m["expires"] = "2000-01-01T00:00:00+00:00"; return true }, merkle2019.StepTargetHash, merkle2019.ErrTargetHashMismatch},
		{"unmapped field", func(m map[string]any) bool { m["notInContext"] = "x"; return true }, merkle2019.StepTargetHash, merkle2019.ErrUnmappedField},
		{"targetHash flipped", func(m map[string]any) bool {
			sig(m)["targetHash"] = flipHex(sig(m)["targetHash"].(string))
			return true
		}, merkle2019.StepTargetHash, merkle2019.ErrTargetHashMismatch},
		{"merkleRoot flipped", func(m map[string]any) bool {
			sig(m)["merkleRoot"] = flipHex(sig(m)["merkleRoot"].(string))
			return true
		}, merkle2019.StepMerkleRoot, merkle2019.ErrMerkleRootMismatch},
		{"path step flipped", func(m map[string]any) bool {
			steps := asList(sig(m)["proof"])
			if len(steps) == 0 {
				return false
			}
			for k, v := range steps[0].(map[string]any) {
				steps[0].(map[string]any)[k] = flipHex(v.(string))
			}
			return true
		}, merkle2019.StepMerkleRoot, merkle2019.ErrMerkleRootMismatch},
		{"path side swapped", func(m map[string]any) bool {
			steps := asList(sig(m)["proof"])
			if len(steps) == 0 {
				return false
			}
			s := steps[0].(map[string]any)
			if v, ok := s["left"]; ok {
				steps[0] = map[string]any{"right": v}
			} else {
				steps[0] = map[string]any{"left": s["right"]}
			}
			return true
		}, merkle2019.StepMerkleRoot, merkle2019.ErrMerkleRootMismatch},
		{"path step added", func(m map[string]any) bool {
			sig(m)["proof"] = append(asList(sig(m)["proof"]), map[string]any{"right": sig(m)["merkleRoot"]})
			return true
		}, merkle2019.StepMerkleRoot, merkle2019.ErrMerkleRootMismatch},
		{"path step removed", func(m map[string]any) bool {
			steps := asList(sig(m)["proof"])
			if len(steps) == 0 {
				return false
			}
			sig(m)["proof"] = steps[1:]
			return true
		}, merkle2019.StepMerkleRoot, merkle2019.ErrMerkleRootMismatch},
		{"path step with both sides", func(m map[string]any) bool {
			sig(m)["proof"] = append(asList(sig(m)["proof"]), map[string]any{"left": sig(m)["merkleRoot"], "right": sig(m)["merkleRoot"]})
			return true
		}, merkle2019.StepParse, merkle2019.ErrMalformedV2Signature},
		{"targetHash uppercase", func(m map[string]any) bool {
			sig(m)["targetHash"] = strings.ToUpper(sig(m)["targetHash"].(string))
			return true
		}, merkle2019.StepParse, merkle2019.ErrMalformedV2Signature},
		{"signature type", func(m map[string]any) bool { sig(m)["type"] = "MerkleProof2019"; return true }, merkle2019.StepParse, merkle2019.ErrMalformedV2Signature},
		{"signature removed", func(m map[string]any) bool { delete(m, "signature"); return true }, merkle2019.StepParse, merkle2019.ErrMalformedV2Signature},
		{"proof member added", func(m map[string]any) bool { m["proof"] = map[string]any{}; return true }, merkle2019.StepParse, merkle2019.ErrMalformedV2Signature},
		{"anchors empty", func(m map[string]any) bool { sig(m)["anchors"] = []any{}; return true }, merkle2019.StepParse, merkle2019.ErrMalformedV2Signature},
		{"anchor chain unknown", func(m map[string]any) bool {
			asList(sig(m)["anchors"])[0].(map[string]any)["chain"] = "dogecoinMainnet"
			return true
		}, merkle2019.StepParse, merkle2019.ErrUnsupportedAnchor},
		{"anchor type off chain", func(m map[string]any) bool {
			a := asList(sig(m)["anchors"])[0].(map[string]any)
			if a["type"] == "ETHData" {
				a["type"] = "BTCOpReturn"
			} else {
				a["type"] = "ETHData"
			}
			return true
		}, merkle2019.StepParse, merkle2019.ErrUnsupportedAnchor},
		{"context unknown", func(m map[string]any) bool {
			ctx := asList(m["@context"])
			ctx[1] = "https://example.org/not-embedded"
			return true
		}, merkle2019.StepTargetHash, nil},
	}
	for _, r := range validV2(t) {
		doc := readCVJ(t, r.file)
		for _, c := range cases {
			bad := edit(t, doc, func(m map[string]any) {
				if !c.f(m) {
					m["skip"] = true
				}
			})
			if bytes.Contains(bad, []byte(`"skip":true`)) {
				continue
			}
			_, err := merkle2019.VerifyV2Path(bad)
			require.Error(t, err, "%s: %s", r.id, c.name)
			require.Equal(t, string(c.step), stepOf(t, err), "%s: %s: %v", r.id, c.name, err)
			if c.is != nil {
				require.ErrorIs(t, err, c.is, "%s: %s", r.id, c.name)
			}
		}
		// A duplicate key is refused before anything else.
		dup := bytes.Replace(doc, []byte(`"issuedOn"`), []byte(`"issuedOn": "2099-01-01T00:00:00+00:00", "issuedOn"`), 1)
		require.NotEqual(t, doc, dup)
		_, err := merkle2019.VerifyV2Path(dup)
		require.Equal(t, "parse", stepOf(t, err), "%s: duplicate key", r.id)
	}
}

// TestV2CorruptionsOnChain: with the transaction data cert-verifier-js's
// test injects, a different on-chain root fails at the anchor and a sender
// that is not an issuer key at the issuer step.
func TestV2CorruptionsOnChain(t *testing.T) {
	ctx := context.Background()
	n := 0
	for _, r := range validV2(t) {
		tx := r.txData(t)
		if tx == nil {
			continue
		}
		n++
		doc := readCVJ(t, r.file)
		keys, err := merkle2019.ParseV2IssuerKeys(readCVJ(t, r.profiles[0]))
		require.NoError(t, err)
		run := func(tx *merkle2019.TxData, keys []merkle2019.IssuerKey) error {
			v, err := merkle2019.NewVerifier(merkle2019.Options{Transactions: &anyTx{tx: tx}, IssuerKeys: keys})
			require.NoError(t, err)
			res, err := v.VerifyV2(ctx, doc)
			require.Equal(t, err == nil, res.Verified)
			return err
		}
		require.NoError(t, run(tx, keys), r.id)

		other := *tx
		other.RemoteHash = flipHex(tx.RemoteHash)
		err = run(&other, keys)
		require.Equal(t, "anchor", stepOf(t, err), r.id)
		require.ErrorIs(t, err, merkle2019.ErrOnChainRootMismatch)

		other = *tx
		other.IssuingAddress = "mkAvTwCYUyVk3rncFVCTJt1HUDsApVezhP" // an issuer key of another profile
		err = run(&other, keys)
		require.Equal(t, "issuer", stepOf(t, err), r.id)
		require.ErrorIs(t, err, merkle2019.ErrIssuerMismatch)

		// The key must be valid at the transaction time.
		late := append([]merkle2019.IssuerKey(nil), keys...)
		for i := range late {
			late[i].Revoked = tx.Time.Add(-1)
		}
		err = run(tx, late)
		require.Equal(t, "issuer", stepOf(t, err), r.id)

		// Without transaction data the default policy (L1) is not met.
		err = run(nil, keys)
		require.Equal(t, "level", stepOf(t, err), r.id)
		require.ErrorIs(t, err, anchor.ErrInsufficientAssurance)
	}
	require.Positive(t, n)
}

// resign replaces m's receipt by a one-leaf tree over its current hash,
// as an issuer of a forged certificate would.
func resign(t testing.TB, m map[string]any) []byte {
	l, err := merkle2019.LoaderV2()
	require.NoError(t, err)
	h, err := merkle2019.NewHasher(l)
	require.NoError(t, err)
	unsigned := map[string]any{}
	for k, v := range m {
		if k != "signature" {
			unsigned[k] = v
		}
	}
	// Round-trip through JSON so that the hasher sees what the verifier
	// will decode.
	b, err := json.Marshal(unsigned)
	require.NoError(t, err)
	var u map[string]any
	require.NoError(t, json.Unmarshal(b, &u))
	sum, _, err := h.TargetHash(u, -1)
	require.NoError(t, err)
	s := sig(m)
	s["targetHash"], s["merkleRoot"], s["proof"] = hex.EncodeToString(sum), hex.EncodeToString(sum), []any{}
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

// TestV2FieldsFromSignedGraph: the fields handed to the issuer, status and
// validity checks come from the graph the hash covers. Re-signed (one-leaf
// receipt over the right hash) certificates with two values of a field
// are refused: issuedOn as a list, badge.issuer as two profiles. Another
// spelling of a term (its full IRI) is refused by the hasher itself.
func TestV2FieldsFromSignedGraph(t *testing.T) {
	doc := readCVJ(t, "certs/v2/testnet-valid-2.0.json")

	ok := resign(t, editMap(t, doc, func(m map[string]any) {
		m["issuedOn"] = "2020-01-01T00:00:00+00:00"
		m["expires"] = "2021-01-01T00:00:00+00:00"
	}))
	p, err := merkle2019.VerifyV2Path(ok)
	require.NoError(t, err)
	require.Equal(t, "2020-01-01T00:00:00+00:00", p.IssuedOn)
	require.Equal(t, "2021-01-01T00:00:00+00:00", p.Expires)
	require.Equal(t, "https://www.blockcerts.org/samples/2.0/revocation-list-testnet.json", p.Revocation)

	two := resign(t, editMap(t, doc, func(m map[string]any) {
		m["issuedOn"] = []any{"2020-01-01T00:00:00+00:00", "2099-01-01T00:00:00+00:00"}
	}))
	_, err = merkle2019.VerifyV2Path(two)
	require.Equal(t, "targetHash", stepOf(t, err))
	require.ErrorIs(t, err, merkle2019.ErrMalformedV2Signature)
	require.ErrorContains(t, err, "2 values of issuedOn")

	twoIssuers := resign(t, editMap(t, doc, func(m map[string]any) {
		b := m["badge"].(map[string]any)
		b["issuer"] = []any{b["issuer"], map[string]any{"id": "https://mallory.example/issuer.json", "type": "Profile"}}
	}))
	_, err = merkle2019.VerifyV2Path(twoIssuers)
	require.ErrorContains(t, err, "2 values of badge.issuer")

	twoExpires := resign(t, editMap(t, doc, func(m map[string]any) {
		m["expires"] = []any{"2000-01-01T00:00:00+00:00", "2099-01-01T00:00:00+00:00"}
	}))
	_, err = merkle2019.VerifyV2Path(twoExpires)
	require.ErrorContains(t, err, "2 values of expires")

	noIssuerID := resign(t, editMap(t, doc, func(m map[string]any) {
		delete(m["badge"].(map[string]any)["issuer"].(map[string]any), "id")
	}))
	_, err = merkle2019.VerifyV2Path(noIssuerID)
	require.ErrorContains(t, err, "badge.issuer has no id")

	noRecipient := resign(t, editMap(t, doc, func(m map[string]any) { delete(m, "recipient") }))
	_, err = merkle2019.VerifyV2Path(noRecipient)
	require.ErrorContains(t, err, "values of recipient")

	fullIRI := edit(t, doc, func(m map[string]any) {
		delete(m, "issuedOn")
		m["https://w3id.org/openbadges#issueDate"] = "2031-01-01T00:00:00+00:00"
	})
	_, err = merkle2019.VerifyV2Path(fullIRI)
	require.Equal(t, "targetHash", stepOf(t, err))
	require.ErrorContains(t, err, "issuedOn")
}

func editMap(t testing.TB, doc []byte, f func(m map[string]any)) map[string]any {
	var m map[string]any
	require.NoError(t, json.Unmarshal(edit(t, doc, f), &m))
	return m
}

// TestV2Detection: IsV2 tells the two Blockcerts shapes apart, and the v3
// verifier does not take a v2 certificate (nor the v2 reader a v3 one).
func TestV2Detection(t *testing.T) {
	v2 := readCVJ(t, "certs/v2/testnet-valid-2.0.json")
	v3 := readCVJ(t, "certs/v3/testnet-v3-did.json")
	require.True(t, merkle2019.IsV2(v2))
	require.False(t, merkle2019.IsV2(v3))
	require.False(t, merkle2019.IsV2([]byte(`[]`)))
	require.False(t, merkle2019.IsV2([]byte(`{"signature":{"type":["MerkleProof2017","Other"]}}`)))
	require.True(t, merkle2019.IsV2([]byte(`{"signature":{"type":"MerkleProof2017"}}`)))

	_, err := merkle2019.VerifyV2Path(v3)
	require.Equal(t, "parse", stepOf(t, err))
	_, err = merkle2019.Verify(context.Background(), v2, merkle2019.Options{Require: anchor.L0})
	require.Equal(t, "parse", stepOf(t, err))
}

func TestParseV2IssuerKeys(t *testing.T) {
	keys, err := merkle2019.ParseV2IssuerKeys(readCVJ(t, "profiles/issuer-blockcerts-v2a.json"))
	require.NoError(t, err)
	require.Len(t, keys, 2)
	require.Equal(t, "mkAvTwCYUyVk3rncFVCTJt1HUDsApVezhP", keys[0].Address)
	require.Equal(t, "2016-05-01T18:11:19Z", keys[0].Revoked.UTC().Format("2006-01-02T15:04:05Z07:00"))
	require.True(t, keys[1].Revoked.IsZero())

	keys, err = merkle2019.ParseV2IssuerKeys(readCVJ(t, "profiles/issuer-blockcerts-v1.json"))
	require.NoError(t, err)
	require.Len(t, keys, 1)
	require.NotEmpty(t, keys[0].Address)

	for name, bad := range map[string]string{
		"not an object": `[]`,
		"no keys":       `{"@context":"x"}`,
		"empty list":    `{"@context":"x","publicKey":[]}`,
		"entry no id":   `{"@context":"x","publicKey":[{"created":"2017-01-01T00:00:00Z"}]}`,
		"bad date":      `{"@context":"x","publicKey":[{"id":"ecdsa-koblitz-pubkey:abc","created":"yesterday"}]}`,
		"v1 no key":     `{"issuerKeys":[{}]}`,
		"duplicate":     `{"@context":"x","@context":"y","publicKey":[{"id":"a"}]}`,
	} {
		_, err := merkle2019.ParseV2IssuerKeys([]byte(bad))
		require.Error(t, err, name)
		require.True(t, strings.HasPrefix(err.Error(), "merkle2019: issuer profile"), "%s: %v", name, err)
	}
}

// FuzzVerifyV2Path: arbitrary input never panics; an accepted input has a
// path that folds its computed targetHash to its merkleRoot and fields
// read from its graph; a refused one names its step.
func FuzzVerifyV2Path(f *testing.F) {
	for _, name := range []string{"certs/v2/testnet-revoked-key-2.0.json", "certs/v2/testnet-valid-v1-issuer-2.0.json"} {
		f.Add(readCVJ(f, name))
	}
	f.Add([]byte(`{"signature":{"type":"MerkleProof2017","targetHash":"00","merkleRoot":"00","anchors":[]}}`))
	f.Add([]byte(`{"@context":["https://w3id.org/openbadges/v2","https://w3id.org/blockcerts/v2"],"signature":{"type":["MerkleProof2017","Extension"],"targetHash":"` +
		strings.Repeat("ab", 32) + `","merkleRoot":"` + strings.Repeat("ab", 32) + `","proof":[{"left":"` + strings.Repeat("cd", 32) + `"}],"anchors":[{"sourceId":"` +
		strings.Repeat("ef", 32) + `","type":"BTCOpReturn"}]}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := merkle2019.VerifyV2Path(doc)
		if err != nil {
			var se *merkle2019.StepError
			if !errors.As(err, &se) {
				t.Fatalf("error is not a StepError: %v", err)
			}
			return
		}
		if err := mtree.VerifyBlockcertsPath(p.TargetHash, p.Path, p.MerkleRoot); err != nil {
			t.Fatalf("accepted a path that does not fold: %v", err)
		}
		if p.IssuedOn == "" || p.IssuerProfile == "" || p.Recipient.Identity == "" || p.ID == "" {
			t.Fatalf("accepted without the certificate fields: %+v", p)
		}
	})
}

// FuzzParseV2IssuerKeys: arbitrary profiles never panic and every key read
// has an address.
func FuzzParseV2IssuerKeys(f *testing.F) {
	f.Add(readCVJ(f, "profiles/issuer-blockcerts-v2a.json"))
	f.Add(readCVJ(f, "profiles/v2-testnet-issuer-profile.json"))
	f.Add([]byte(`{"issuerKeys":[{"key":"1abc"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		keys, err := merkle2019.ParseV2IssuerKeys(b)
		if err != nil {
			return
		}
		if len(keys) == 0 {
			t.Fatal("no error and no keys")
		}
		for _, k := range keys {
			if k.Address == "" {
				t.Fatal("key without an address")
			}
		}
	})
}

// TestLoaderV2Contexts: LoaderV2 serves the Open Badges 2.0 context as
// Blockcerts hashes with it (targetFramework is schema:targetFramework,
// not 1EdTech's schema:educationalFramework) under both URLs, and the v2
// and 2.0-alpha contexts under their aliases; a targetHash over an
// alignment covers schema:targetFramework.
func TestLoaderV2Contexts(t *testing.T) {
	l, err := merkle2019.LoaderV2()
	require.NoError(t, err)
	for _, u := range []string{merkle2019.ContextOpenBadgesV2, "https://openbadgespec.org/v2/context.json"} {
		b, err := l.Document(u)
		require.NoError(t, err, u)
		var c struct {
			Context map[string]any `json:"@context"`
		}
		require.NoError(t, json.Unmarshal(b, &c), u)
		require.Equal(t, "schema:targetFramework", c.Context["targetFramework"].(map[string]any)["@id"], u)
	}
	for _, u := range []string{merkle2019.ContextV2, "https://w3id.org/blockcerts/schema/2.0/context.json", "https://www.blockcerts.org/schema/2.0/context.json",
		merkle2019.ContextV2Alpha, "https://www.blockcerts.org/schema/2.0-alpha/context.json"} {
		require.True(t, l.Has(u), u)
	}

	h, err := merkle2019.NewHasher(l)
	require.NoError(t, err)
	m := editMap(t, readCVJ(t, "certs/v2/testnet-valid-2.0.json"), func(m map[string]any) {
		delete(m, "signature")
		m["badge"].(map[string]any)["alignment"] = []any{map[string]any{"targetName": "x", "targetUrl": "https://example.org/a", "targetFramework": "F"}}
	})
	_, nq, err := h.TargetHash(m, -1)
	require.NoError(t, err)
	require.Contains(t, string(nq), `<http://schema.org/targetFramework> "F"`)
}
