package eddsa2022_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/multiformats/go-multibase"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/base58"
	"github.com/onchaincert/microcred/internal/canon"
	"github.com/onchaincert/microcred/internal/jcs"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
)

const tv = "../../testdata/vectors/eddsa/TestVectors"
const obv = "../../testdata/vectors/ob3"

func read(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

func readMap(t testing.TB, path string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(read(t, path), &m))
	return m
}

func trimmed(t testing.TB, path string) string {
	return strings.TrimSpace(string(read(t, path)))
}

// seedFromMultibase decodes a multibase ed25519-priv key (0x1300 varint +
// 32-byte seed), as keyPair.json stores it.
func seedFromMultibase(t testing.TB, s string) []byte {
	t.Helper()
	_, b, err := multibase.Decode(s)
	require.NoError(t, err)
	require.Len(t, b, 34)
	require.Equal(t, []byte{0x80, 0x26}, b[:2], "ed25519-priv multicodec prefix")
	return b[2:]
}

// testSigner signs with a raw Ed25519 key under any verification method
// id, as the OB walk-through's HTTPS key needs.
type testSigner struct {
	vm   string
	priv ed25519.PrivateKey
}

func (s testSigner) VerificationMethod() string { return s.vm }
func (s testSigner) Public() crypto.PublicKey   { return s.priv.Public() }
func (s testSigner) Sign(_ context.Context, msg []byte) ([]byte, error) {
	return ed25519.Sign(s.priv, msg), nil
}

func rdfcSuite(t testing.TB) *eddsa2022.Suite {
	t.Helper()
	s, err := eddsa2022.NewRDFC(contexts.Default())
	require.NoError(t, err)
	return s.(*eddsa2022.Suite)
}

func resolver(t testing.TB) did.Resolver {
	t.Helper()
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	return r
}

func verifyOpts(t testing.TB) proof.VerifyOptions {
	return proof.VerifyOptions{
		Suites:   []proof.Suite{rdfcSuite(t), eddsa2022.NewJCS()},
		Resolver: resolver(t),
		Now:      time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

type stepVector struct {
	name       string
	suite      func(testing.TB) *eddsa2022.Suite
	unsigned   string
	dir        string
	suffix     string // file name suffix: DataInt or JCS
	keyPath    string
	signedFile string
}

func stepVectors() []stepVector {
	rdfc := func(t testing.TB) *eddsa2022.Suite { return rdfcSuite(t) }
	jcs := func(testing.TB) *eddsa2022.Suite { return eddsa2022.NewJCS().(*eddsa2022.Suite) }
	return []stepVector{
		{"eddsa-rdfc-2022", rdfc, tv + "/unsigned.json", tv + "/eddsa-rdfc-2022", "DataInt", tv + "/keyPair.json", "signedDataInt.json"},
		{"eddsa-rdfc-2022/employ", rdfc, tv + "/employmentAuth.json", tv + "/eddsa-rdfc-2022/employ", "DataInt", tv + "/keyPair.json", "signedDataInt.json"},
		{"eddsa-jcs-2022", jcs, tv + "/unsigned.json", tv + "/eddsa-jcs-2022", "JCS", tv + "/keyPair.json", "signedJCS.json"},
	}
}

// TestVectorsStepByStep re-derives every intermediate value of the W3C
// vc-di-eddsa vectors: canonical proof configuration and document, their
// hashes, the combined hash, the signature and the proofValue; then signs
// the unsigned document and gets the signed vector byte for byte in its
// proof, and verifies the signed vector.
func TestVectorsStepByStep(t *testing.T) {
	for _, v := range stepVectors() {
		t.Run(v.name, func(t *testing.T) {
			suite := v.suite(t)
			unsigned := readMap(t, v.unsigned)
			config := readMap(t, filepath.Join(v.dir, "proofConfig"+v.suffix+".json"))
			name := func(base string) string {
				if v.suffix == "JCS" {
					return filepath.Join(v.dir, base+"JCS.txt")
				}
				return filepath.Join(v.dir, base+"DataInt.txt")
			}

			proofCanon, docCanon, err := suite.Canonical(unsecuredOf(unsigned), config)
			require.NoError(t, err)
			assert.Equal(t, string(read(t, name("proofCanon"))), string(proofCanon), "canonical proof configuration")
			assert.Equal(t, string(read(t, name("canonDoc"))), string(docCanon), "canonical document")
			ph, dh := sha256.Sum256(proofCanon), sha256.Sum256(docCanon)
			assert.Equal(t, trimmed(t, name("proofHash")), hex.EncodeToString(ph[:]), "proof hash")
			assert.Equal(t, trimmed(t, name("docHash")), hex.EncodeToString(dh[:]), "document hash")
			hashData, err := suite.HashData(unsecuredOf(unsigned), config)
			require.NoError(t, err)
			assert.Equal(t, trimmed(t, name("combinedHash")), hex.EncodeToString(hashData), "combined hash")

			kp := readMap(t, v.keyPath)
			priv := ed25519.NewKeyFromSeed(seedFromMultibase(t, kp["privateKeyMultibase"].(string)))
			sig := ed25519.Sign(priv, hashData)
			assert.Equal(t, trimmed(t, name("sigHex")), hex.EncodeToString(sig), "signature")
			pv, err := multibase.Encode(multibase.Base58BTC, sig)
			require.NoError(t, err)
			assert.Equal(t, trimmed(t, name("sigBTC58")), pv, "proofValue")

			// Sign through the public API: same proof value.
			signer := testSigner{vm: config["verificationMethod"].(string), priv: priv}
			created, err := time.Parse(time.RFC3339, config["created"].(string))
			require.NoError(t, err)
			signed, err := proof.Sign(context.Background(), read(t, v.unsigned), suite, signer, proof.Options{Created: created})
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal(signed, &got))
			want := readMap(t, filepath.Join(v.dir, v.signedFile))
			assert.Equal(t, want["proof"], got["proof"], "signed proof equals the vector's")

			// The signed vector verifies, through did:key resolution.
			res, err := proof.Verify(context.Background(), read(t, filepath.Join(v.dir, v.signedFile)), verifyOpts(t))
			require.NoError(t, err)
			require.Len(t, res.Proofs, 1)
			assert.Equal(t, strings.SplitN(config["verificationMethod"].(string), "#", 2)[0], res.Proofs[0].Controller)
		})
	}
}

func unsecuredOf(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != "proof" {
			out[k] = v
		}
	}
	return out
}

// The OB 3.0 specification's signing walk-through (linked-data-proof-ob and
// -clr): the key is an HTTPS verification method, so the suite is checked
// directly with the public key.
func TestOpenBadgesWalkThrough(t *testing.T) {
	for _, dir := range []string{"ldp-test-vector-ob", "ldp-test-vector-clr"} {
		t.Run(dir, func(t *testing.T) {
			base := filepath.Join(obv, dir)
			kv := readMap(t, filepath.Join(base, "keys-and-values.json"))
			keys := kv["keyPair"].(map[string]any)
			values := kv["values"].(map[string]any)
			privBytes, err := hex.DecodeString(keys["privateKeyHex_seed_plus_pub"].(string))
			require.NoError(t, err)
			priv := ed25519.NewKeyFromSeed(privBytes[:32])
			pubHex := hex.EncodeToString(priv.Public().(ed25519.PublicKey))
			assert.Equal(t, keys["publicKeyHex"], pubHex, "seed derives the public key")

			suite := rdfcSuite(t)
			cred := readMap(t, filepath.Join(base, "credential.json"))
			config := readMap(t, filepath.Join(base, "proof-config.json"))
			pc, dc, err := suite.Canonical(cred, config)
			require.NoError(t, err)
			assert.Equal(t, string(read(t, filepath.Join(base, "proof-canon.txt"))), string(pc))
			assert.Equal(t, string(read(t, filepath.Join(base, "document-canon.txt"))), string(dc))
			hashData, err := suite.HashData(cred, config)
			require.NoError(t, err)
			assert.Equal(t, values["dataToSignHex(proofHash||documentHash)"], hex.EncodeToString(hashData))
			sig := ed25519.Sign(priv, hashData)
			assert.Equal(t, values["signatureHex"], hex.EncodeToString(sig))

			signed := readMap(t, filepath.Join(base, "signed-credential.json"))
			p := firstProof(signed)
			require.NotNil(t, p)
			require.NoError(t, suite.VerifyProof(unsecuredOf(signed), p, priv.Public()))

			// A different key must not verify it.
			other := ed25519.NewKeyFromSeed(make([]byte, 32))
			assert.ErrorIs(t, suite.VerifyProof(unsecuredOf(signed), p, other.Public()), proof.ErrInvalidSignature)
		})
	}
}

// Proof sets (independent proofs) and proof chains (previousProof) from the
// W3C vectors: every proof of every document verifies.
func TestProofSetsAndChains(t *testing.T) {
	for _, f := range []string{"signedProofSet1.json", "signedProofSet2.json", "signedProofChain1.json", "signedProofChain2.json"} {
		t.Run(f, func(t *testing.T) {
			res, err := proof.Verify(context.Background(), read(t, filepath.Join(tv, "proof-set-chain", f)), verifyOpts(t))
			require.NoError(t, err)
			require.NotEmpty(t, res.Proofs)
			for _, pr := range res.Proofs {
				assert.NoError(t, pr.Err, "proof %d (%s)", pr.Index, pr.Proof.ID)
			}
		})
	}
}

// Signing a proof set and proof chains reproduces the W3C vectors.
func TestSignProofSetAndChain(t *testing.T) {
	keys := readMap(t, filepath.Join(tv, "proof-set-chain", "multiKeyPairs.json"))
	signerFor := func(config map[string]any) testSigner {
		vm := config["verificationMethod"].(string)
		pub := strings.SplitN(vm, "#", 2)[1]
		for _, kp := range keys {
			kp := kp.(map[string]any)
			if kp["publicKeyMultibase"] == pub {
				return testSigner{vm: vm, priv: ed25519.NewKeyFromSeed(seedFromMultibase(t, kp["privateKeyMultibase"].(string)))}
			}
		}
		t.Fatalf("no key for %s", vm)
		return testSigner{}
	}
	suite := rdfcSuite(t)
	optsFor := func(config map[string]any) proof.Options {
		created, err := time.Parse(time.RFC3339, config["created"].(string))
		require.NoError(t, err)
		o := proof.Options{Created: created}
		if id, ok := config["id"].(string); ok {
			o.ID = id
		}
		switch pp := config["previousProof"].(type) {
		case string:
			o.PreviousProof = []string{pp}
		case []any:
			for _, e := range pp {
				o.PreviousProof = append(o.PreviousProof, e.(string))
			}
		}
		return o
	}
	for _, chain := range []struct {
		start   string
		configs []string
		want    string
	}{
		{"unsigned.json", []string{"proofSetConfig1.json", "proofSetConfig2.json"}, "signedProofSet2.json"},
		// A chain: the third proof signs over the first two, the fourth over the third.
		{"signedProofSet2.json", []string{"proofChainConfig1.json"}, "signedProofChain1.json"},
		{"signedProofSet2.json", []string{"proofChainConfig1.json", "proofChainConfig2.json"}, "signedProofChain2.json"},
	} {
		doc := read(t, filepath.Join(tv, "proof-set-chain", chain.start))
		for _, c := range chain.configs {
			config := readMap(t, filepath.Join(tv, "proof-set-chain", c))
			var err error
			doc, err = proof.Sign(context.Background(), doc, suite, signerFor(config), optsFor(config))
			require.NoError(t, err, c)
		}
		var got map[string]any
		require.NoError(t, json.Unmarshal(doc, &got))
		assert.Equal(t, readMap(t, filepath.Join(tv, "proof-set-chain", chain.want))["proof"], got["proof"])
	}
}

// mutation is one corruption of a signed document that must make it fail.
type mutation struct {
	name string
	edit func(t testing.TB, m map[string]any)
}

func firstProof(m map[string]any) map[string]any {
	switch p := m["proof"].(type) {
	case map[string]any:
		return p
	case []any:
		return p[0].(map[string]any)
	}
	return nil
}

func mutations() []mutation {
	return []mutation{
		{"flip proofValue character", func(_ testing.TB, m map[string]any) {
			p := firstProof(m)
			v := []byte(p["proofValue"].(string))
			if v[5] == 'A' {
				v[5] = 'B'
			} else {
				v[5] = 'A'
			}
			p["proofValue"] = string(v)
		}},
		{"edit a claim", func(_ testing.TB, m map[string]any) { m["name"] = "Tampered " + m["name"].(string) }},
		{"edit the subject", func(_ testing.TB, m map[string]any) {
			m["credentialSubject"].(map[string]any)["id"] = "did:example:someone-else"
		}},
		{"change cryptosuite", func(_ testing.TB, m map[string]any) {
			p := firstProof(m)
			if p["cryptosuite"] == eddsa2022.RDFCName {
				p["cryptosuite"] = eddsa2022.JCSName
			} else {
				p["cryptosuite"] = eddsa2022.RDFCName
			}
		}},
		{"change verificationMethod", func(_ testing.TB, m map[string]any) {
			p := firstProof(m)
			other := "did:key:z6MktgKTsu1QhX6QPbyqG6geXdw6FQCZBPq7uQpieWbiQiG7#z6MktgKTsu1QhX6QPbyqG6geXdw6FQCZBPq7uQpieWbiQiG7"
			if p["verificationMethod"] == other {
				other = "did:key:z6MkhWqdDBPojHA7cprTGTt5yHv5yUi1B8cnXn8ReLumkw6E#z6MkhWqdDBPojHA7cprTGTt5yHv5yUi1B8cnXn8ReLumkw6E"
			}
			p["verificationMethod"] = other
		}},
		{"change proofPurpose", func(_ testing.TB, m map[string]any) { firstProof(m)["proofPurpose"] = "authentication" }},
		{"change created", func(_ testing.TB, m map[string]any) { firstProof(m)["created"] = "2023-02-24T23:36:39Z" }},
		{"drop an @context", func(_ testing.TB, m map[string]any) {
			c := m["@context"].([]any)
			m["@context"] = c[:len(c)-1]
		}},
		{"unknown proof type", func(_ testing.TB, m map[string]any) { firstProof(m)["type"] = "Ed25519Signature2020" }},
	}
}

func TestMutationsFail(t *testing.T) {
	var files []string
	for _, v := range stepVectors() {
		files = append(files, filepath.Join(v.dir, v.signedFile))
	}
	files = append(files, filepath.Join(tv, "proof-set-chain", "signedProofSet1.json"))
	for _, f := range files {
		for _, mu := range mutations() {
			t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f)+"/"+mu.name, func(t *testing.T) {
				m := readMap(t, f)
				mu.edit(t, m)
				data, err := json.Marshal(m)
				require.NoError(t, err)
				res, err := proof.Verify(context.Background(), data, verifyOpts(t))
				require.Error(t, err)
				assert.ErrorIs(t, err, proof.ErrNoVerifiedProof)
				require.NotNil(t, res)
				assert.Nil(t, res.Verified())
			})
		}
		t.Run(filepath.Base(f)+"/duplicate key", func(t *testing.T) {
			data := read(t, f)
			dup := bytes.Replace(data, []byte(`"name":`), []byte(`"name": "x", "name":`), 1)
			if bytes.Equal(dup, data) {
				dup = bytes.Replace(data, []byte(`"name": `), []byte(`"name": "x", "name": `), 1)
			}
			require.NotEqual(t, data, dup)
			_, err := proof.Verify(context.Background(), dup, verifyOpts(t))
			assert.Error(t, err)
		})
	}
}

func TestWrongKeyTypeRefused(t *testing.T) {
	key, err := didkey.Generate(didkey.P256)
	require.NoError(t, err)
	_, err = proof.Sign(context.Background(), read(t, tv+"/unsigned.json"), rdfcSuite(t), key, proof.Options{})
	assert.ErrorIs(t, err, proof.ErrWrongKeyType)
}

func TestDecodeProofValue(t *testing.T) {
	for _, bad := range []string{"", "u" + strings.Repeat("A", 86), "z", "z0OIl", "z" + strings.Repeat("1", 10)} {
		_, err := eddsa2022.DecodeProofValue(bad)
		assert.ErrorIs(t, err, proof.ErrMalformedProof, "%q", bad)
	}
}

// Authentication proofs bind a challenge and a domain; the verifier must
// ask for them, and a mismatch fails.
func TestAuthenticationChallengeDomain(t *testing.T) {
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	vp := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"` + key.DID().String() + `"}`)
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	signed, err := proof.Sign(context.Background(), vp, rdfcSuite(t), key, proof.Options{
		Purpose: proof.Authentication, Challenge: "c-123", Domain: "verifier.example", Created: created, Expires: created.Add(time.Hour),
	})
	require.NoError(t, err)
	opts := verifyOpts(t)
	opts.Purpose = proof.Authentication
	opts.Now = created.Add(time.Minute)

	_, err = proof.Verify(context.Background(), signed, opts)
	assert.Error(t, err, "authentication without an expected challenge is refused")

	opts.Challenge, opts.Domain = "c-123", "verifier.example"
	_, err = proof.Verify(context.Background(), signed, opts)
	require.NoError(t, err)

	bad := opts
	bad.Challenge = "c-124"
	_, err = proof.Verify(context.Background(), signed, bad)
	assert.ErrorIs(t, err, proof.ErrChallengeMismatch)
	bad = opts
	bad.Domain = "evil.example"
	_, err = proof.Verify(context.Background(), signed, bad)
	assert.ErrorIs(t, err, proof.ErrDomainMismatch)
	bad = opts
	bad.Now = created.Add(2 * time.Hour)
	_, err = proof.Verify(context.Background(), signed, bad)
	assert.ErrorIs(t, err, proof.ErrProofExpired)
	bad = opts
	bad.Purpose = proof.AssertionMethod
	_, err = proof.Verify(context.Background(), signed, bad)
	assert.ErrorIs(t, err, proof.ErrPurposeMismatch)

	// The challenge is signed: editing it breaks the signature.
	forged := bytes.Replace(signed, []byte(`"c-123"`), []byte(`"c-999"`), 1)
	bad = opts
	bad.Challenge = "c-999"
	_, err = proof.Verify(context.Background(), forged, bad)
	assert.ErrorIs(t, err, proof.ErrInvalidSignature)
}

// A key that is in the DID document but not under the proof's purpose is
// refused: here a did:key's assertion key used for keyAgreement.
func TestPurposeNotAuthorized(t *testing.T) {
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	doc := read(t, tv+"/unsigned.json")
	signed, err := proof.Sign(context.Background(), doc, rdfcSuite(t), key, proof.Options{Purpose: "keyAgreement", Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	opts := verifyOpts(t)
	opts.Purpose = "keyAgreement"
	_, err = proof.Verify(context.Background(), signed, opts)
	assert.ErrorIs(t, err, proof.ErrPurposeMismatch)
	assert.ErrorIs(t, err, did.ErrNotAuthorized)
}

// A signed credential whose two context URLs are rewritten as a list of
// one string joining them with a newline must not verify, even on a suite
// that has just verified the original and cached its contexts (the cache
// key of a context list once joined URLs with newlines).
func TestJoinedContextStringDoesNotVerify(t *testing.T) {
	ctx := context.Background()
	key, err := didkey.NewEd25519FromSeed(seedFromMultibase(t, readMap(t, tv+"/keyPair.json")["privateKeyMultibase"].(string)))
	require.NoError(t, err)
	doc, err := os.ReadFile("../../testdata/ob3/achievement-credential.json")
	require.NoError(t, err)
	signed, err := proof.Sign(ctx, doc, rdfcSuite(t), key, proof.Options{Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	opts := verifyOpts(t)
	_, err = proof.Verify(ctx, signed, opts)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(signed, &m))
	ctxs := m["@context"].([]any)
	m["@context"] = []any{ctxs[0].(string) + "\n" + ctxs[1].(string)}
	forged, err := json.Marshal(m)
	require.NoError(t, err)
	_, err = proof.Verify(ctx, forged, opts)
	require.Error(t, err)
}

// A JCS signature covers the JSON, but the document must still read the
// same as JSON-LD: eddsa-jcs-2022 refuses, at sign and at verify time, a
// member spelled by its IRI (which a JSON-LD reader takes for validUntil
// and a JSON reader does not), an undefined term, and an IRI N-Quads cannot
// carry.
func TestJCSChecksJSONLD(t *testing.T) {
	ctx := context.Background()
	key, err := didkey.NewEd25519FromSeed(seedFromMultibase(t, readMap(t, tv+"/keyPair.json")["privateKeyMultibase"].(string)))
	require.NoError(t, err)
	base := readMap(t, "../../testdata/ob3/achievement-credential.json")
	for name, edit := range map[string]func(m map[string]any){
		"expanded IRI key": func(m map[string]any) { m["https://www.w3.org/2018/credentials#validUntil"] = "2020-01-01T00:00:00Z" },
		"undefined term":   func(m map[string]any) { m["grade"] = "A" },
		"IRI with a space": func(m map[string]any) { m["id"] = "urn:uuid:a b" },
	} {
		doc := map[string]any{}
		for k, v := range base {
			doc[k] = v
		}
		edit(doc)
		data, err := json.Marshal(doc)
		require.NoError(t, err)
		_, err = proof.Sign(ctx, data, eddsa2022.NewJCS(), key, proof.Options{})
		assert.ErrorIs(t, err, canon.ErrUnsafe, "sign: %s", name)

		// Signed as plain JSON elsewhere: the verifier refuses it too.
		unsecured := doc
		opts := map[string]any{"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "verificationMethod": key.VerificationMethod(), "proofPurpose": "assertionMethod", "created": "2024-01-01T00:00:00Z", "@context": doc["@context"]}
		p, err := forceJCS(ctx, unsecured, opts, key)
		require.NoError(t, err)
		doc["proof"] = p
		signed, err := json.Marshal(doc)
		require.NoError(t, err)
		_, err = proof.Verify(ctx, signed, verifyOpts(t))
		assert.ErrorIs(t, err, canon.ErrUnsafe, "verify: %s", name)
	}
}

// forceJCS computes an eddsa-jcs-2022 proof without any JSON-LD check, as
// another implementation would.
func forceJCS(ctx context.Context, unsecured, opts map[string]any, key *didkey.Key) (map[string]any, error) {
	pc, err := jcs.Marshal(opts)
	if err != nil {
		return nil, err
	}
	dc, err := jcs.Marshal(unsecured)
	if err != nil {
		return nil, err
	}
	h1, h2 := sha256.Sum256(pc), sha256.Sum256(dc)
	sig, err := key.Sign(ctx, append(h1[:], h2[:]...))
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for k, v := range opts {
		out[k] = v
	}
	out["proofValue"] = "z" + base58.Encode(sig)
	return out, nil
}

// A VCDM 1.1 credential's contexts do not define the Data Integrity proof
// terms: signing adds the data-integrity/v2 context (VC Data Integrity
// 1.0, section 2.4), and leaves every other member's bytes alone. A
// document that has it (or the VCDM 2.0 context) is not touched.
func TestSignAddsDataIntegrityContext(t *testing.T) {
	ctx := context.Background()
	key, err := didkey.NewEd25519FromSeed(seedFromMultibase(t, readMap(t, tv+"/keyPair.json")["privateKeyMultibase"].(string)))
	require.NoError(t, err)
	v1 := []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":"` + key.DID().String() + `","issuanceDate":"2024-01-01T00:00:00Z","credentialSubject":{"id":"did:example:s"}}`)
	for _, suite := range []proof.Suite{rdfcSuite(t), eddsa2022.NewJCS()} {
		signed, err := proof.Sign(ctx, v1, suite, key, proof.Options{Created: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})
		require.NoError(t, err, suite.Cryptosuite())
		var m map[string]any
		require.NoError(t, json.Unmarshal(signed, &m))
		assert.Equal(t, []any{"https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"}, m["@context"])
		assert.True(t, bytes.HasPrefix(signed, []byte(`{"@context":["https://www.w3.org/2018/credentials/v1","https://w3id.org/security/data-integrity/v2"],"type":["VerifiableCredential"],"issuer":`)), "%s", signed)
		_, err = proof.Verify(ctx, signed, verifyOpts(t))
		require.NoError(t, err, suite.Cryptosuite())

		// Signing again (a proof set) adds nothing more.
		again, err := proof.Sign(ctx, signed, suite, key, proof.Options{Created: time.Date(2024, 6, 2, 0, 0, 0, 0, time.UTC)})
		require.NoError(t, err)
		var m2 map[string]any
		require.NoError(t, json.Unmarshal(again, &m2))
		assert.Equal(t, m["@context"], m2["@context"])
	}
	v2 := read(t, "../../testdata/ob3/achievement-credential.json")
	signed, err := proof.Sign(ctx, v2, rdfcSuite(t), key, proof.Options{})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(signed, &m))
	assert.Len(t, m["@context"], 2, "VCDM 2.0 defines the proof terms")
}

// legacyProof signs the W3C vector's unsigned document as the 2023 drafts
// did under the name "eddsa-2022": the eddsa-rdfc-2022 algorithm, with
// that name in the proof configuration.
func legacyProof(t *testing.T) (map[string]any, ed25519.PrivateKey) {
	t.Helper()
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	doc := readMap(t, tv+"/unsigned.json")
	opts := map[string]any{
		"type": proof.TypeDataIntegrity, "cryptosuite": eddsa2022.LegacyRDFCName,
		"created": "2023-05-29T08:42:26Z", "verificationMethod": key.VerificationMethod(), "proofPurpose": "assertionMethod",
	}
	data, err := rdfcSuite(t).HashData(doc, opts)
	require.NoError(t, err)
	opts["proofValue"] = "z" + base58.Encode(ed25519.Sign(priv, data))
	doc["proof"] = opts
	return doc, priv
}

// eddsa-2022, the draft name of eddsa-rdfc-2022, verifies with the RDFC
// suite, which reports itself as the suite used; the name is signed, so
// relabelling a proof either way breaks it; nothing is signed under it.
func TestLegacyEddsa2022(t *testing.T) {
	doc, priv := legacyProof(t)
	signed, err := json.Marshal(doc)
	require.NoError(t, err)
	res, err := proof.Verify(context.Background(), signed, verifyOpts(t))
	require.NoError(t, err)
	pr := res.Verified()
	assert.Equal(t, eddsa2022.LegacyRDFCName, pr.Proof.Cryptosuite)
	assert.Equal(t, eddsa2022.RDFCName, pr.Suite.Cryptosuite())
	assert.Equal(t, []string{eddsa2022.LegacyRDFCName}, rdfcSuite(t).LegacyCryptosuites())
	assert.Empty(t, eddsa2022.NewJCS().(*eddsa2022.Suite).LegacyCryptosuites())

	// The same signature under the current name: not what was signed.
	doc["proof"].(map[string]any)["cryptosuite"] = eddsa2022.RDFCName
	relabelled, err := json.Marshal(doc)
	require.NoError(t, err)
	_, err = proof.Verify(context.Background(), relabelled, verifyOpts(t))
	assert.ErrorIs(t, err, proof.ErrInvalidSignature)

	// An eddsa-rdfc-2022 proof relabelled eddsa-2022.
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	current, err := proof.Sign(context.Background(), read(t, tv+"/unsigned.json"), rdfcSuite(t), key, proof.Options{Created: time.Date(2023, 5, 29, 8, 42, 26, 0, time.UTC)})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(current, &m))
	firstProof(m)["cryptosuite"] = eddsa2022.LegacyRDFCName
	relabelled, err = json.Marshal(m)
	require.NoError(t, err)
	_, err = proof.Verify(context.Background(), relabelled, verifyOpts(t))
	assert.ErrorIs(t, err, proof.ErrInvalidSignature)

	// Only a suite that names it accepts it: JCS alone does not.
	jcsOnly := verifyOpts(t)
	jcsOnly.Suites = []proof.Suite{eddsa2022.NewJCS()}
	_, err = proof.Verify(context.Background(), signed, jcsOnly)
	var ue *proof.UnexpectedCryptosuiteError
	assert.ErrorAs(t, err, &ue)

	// Never signed: CreateProof refuses the name, Sign writes the current one.
	unsigned := readMap(t, tv+"/unsigned.json")
	_, err = rdfcSuite(t).CreateProof(context.Background(), unsigned, map[string]any{
		"type": proof.TypeDataIntegrity, "cryptosuite": eddsa2022.LegacyRDFCName,
		"verificationMethod": key.VerificationMethod(), "proofPurpose": "assertionMethod",
	}, testSigner{vm: key.VerificationMethod(), priv: priv})
	assert.ErrorAs(t, err, &ue)
	var fresh map[string]any
	require.NoError(t, json.Unmarshal(current, &fresh))
	assert.Equal(t, eddsa2022.RDFCName, firstProof(fresh)["cryptosuite"], "Sign writes the current name")
}
