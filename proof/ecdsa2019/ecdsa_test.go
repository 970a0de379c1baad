package ecdsa2019_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/multikey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/vc/contexts"
)

const tv = "../../testdata/vectors/ecdsa/TestVectors"

func read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func readMap(t testing.TB, path string) map[string]any {
	var m map[string]any
	require.NoError(t, json.Unmarshal(read(t, path), &m))
	return m
}

func trimmed(t testing.TB, path string) string { return strings.TrimSpace(string(read(t, path))) }

func rdfc(t testing.TB) *ecdsa2019.Suite {
	s, err := ecdsa2019.NewRDFC(contexts.Default())
	require.NoError(t, err)
	return s.(*ecdsa2019.Suite)
}

func verifyOpts(t testing.TB) proof.VerifyOptions {
	r, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	require.NoError(t, err)
	return proof.VerifyOptions{Suites: []proof.Suite{rdfc(t), ecdsa2019.NewJCS()}, Resolver: r, Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
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

type vector struct {
	name, dir, infix, curve, unsigned string
	jcs                               bool
}

func vectors() []vector {
	return []vector{
		{"rdfc-p256", "ecdsa-rdfc-2019-p256", "ECDSAP256", "P-256", "unsigned.json", false},
		{"rdfc-p256-employ", "ecdsa-rdfc-2019-p256/employ", "ECDSAP256", "P-256", "employmentAuth.json", false},
		{"rdfc-p384", "ecdsa-rdfc-2019-p384", "ECDSAP384", "P-384", "unsigned.json", false},
		{"rdfc-p384-employ", "ecdsa-rdfc-2019-p384/employ", "ECDSAP384", "P-384", "employmentAuth.json", false},
		{"jcs-p256", "ecdsa-jcs-2019-p256", "JCSECDSAP256", "P-256", "unsigned.json", true},
		{"jcs-p384", "ecdsa-jcs-2019-p384", "JCSECDSAP384", "P-384", "unsigned.json", true},
	}
}

// TestVectorsStepByStep re-derives canonical forms, hashes and the
// combined hash of the W3C vc-di-ecdsa vectors, checks the vector's
// signature over them with the vector key, and verifies the signed document
// through did:key.
func TestVectorsStepByStep(t *testing.T) {
	for _, v := range vectors() {
		t.Run(v.name, func(t *testing.T) {
			dir := filepath.Join(tv, v.dir)
			f := func(kind string) string { return filepath.Join(dir, kind+v.infix+".txt") }
			suite := rdfc(t)
			if v.jcs {
				suite = ecdsa2019.NewJCS().(*ecdsa2019.Suite)
			}
			core, err := suite.Core(v.curve)
			require.NoError(t, err)
			unsigned := readMap(t, filepath.Join(tv, v.unsigned))
			config := readMap(t, filepath.Join(dir, "proofConfig"+v.infix+".json"))
			pc, dc, err := core.Canonical(unsecuredOf(unsigned), config)
			require.NoError(t, err)
			assert.Equal(t, string(read(t, f("proofCanon"))), string(pc), "canonical proof configuration")
			assert.Equal(t, string(read(t, f("canonDoc"))), string(dc), "canonical document")
			hashData, err := core.HashData(unsecuredOf(unsigned), config)
			require.NoError(t, err)
			half := len(hashData) / 2
			assert.Equal(t, trimmed(t, f("proofHash")), hex.EncodeToString(hashData[:half]))
			assert.Equal(t, trimmed(t, f("docHash")), hex.EncodeToString(hashData[half:]))
			assert.Equal(t, trimmed(t, f("combinedHash")), hex.EncodeToString(hashData))

			kp := readMap(t, filepath.Join(tv, map[string]string{"P-256": "p256KeyPair.json", "P-384": "p384KeyPair.json"}[v.curve]))
			pub, err := multikey.DecodePublic(kp["publicKeyMultibase"].(string))
			require.NoError(t, err)
			sig, err := hex.DecodeString(trimmed(t, f("sigHex")))
			require.NoError(t, err)
			var digest []byte
			if v.curve == "P-384" {
				d := sha512.Sum384(hashData)
				digest = d[:]
			} else {
				d := sha256.Sum256(hashData)
				digest = d[:]
			}
			n := len(sig) / 2
			assert.True(t, ecdsa.Verify(pub.(*ecdsa.PublicKey), digest, new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])), "vector signature over the combined hash")

			signedFile := filepath.Join(dir, "signed"+v.infix+".json")
			res, err := proof.Verify(context.Background(), read(t, signedFile), verifyOpts(t))
			require.NoError(t, err)
			require.Len(t, res.Proofs, 1)

			// Corruptions fail.
			for name, edit := range map[string]func(m map[string]any){
				"claim":       func(m map[string]any) { m["issuer"] = "https://vc.example/issuers/9999" },
				"proofValue":  func(m map[string]any) { flip(m["proof"].(map[string]any)) },
				"cryptosuite": func(m map[string]any) { m["proof"].(map[string]any)["cryptosuite"] = "eddsa-rdfc-2022" },
				"created":     func(m map[string]any) { m["proof"].(map[string]any)["created"] = "2023-02-24T23:36:39Z" },
			} {
				m := readMap(t, signedFile)
				edit(m)
				data, err := json.Marshal(m)
				require.NoError(t, err)
				_, err = proof.Verify(context.Background(), data, verifyOpts(t))
				assert.Error(t, err, name)
			}
		})
	}
}

func flip(p map[string]any) {
	v := []byte(p["proofValue"].(string))
	if v[7] == 'A' {
		v[7] = 'B'
	} else {
		v[7] = 'A'
	}
	p["proofValue"] = string(v)
}

// Sign and verify with fresh did:key keys on both curves and both suites;
// Ed25519 keys are refused.
func TestSignVerifyRoundTrip(t *testing.T) {
	doc := read(t, filepath.Join(tv, "unsigned.json"))
	for _, kt := range []didkey.KeyType{didkey.P256, didkey.P384} {
		for _, suite := range []proof.Suite{rdfc(t), ecdsa2019.NewJCS()} {
			t.Run(string(kt)+"/"+suite.Cryptosuite(), func(t *testing.T) {
				key, err := didkey.Generate(kt)
				require.NoError(t, err)
				signed, err := proof.Sign(context.Background(), doc, suite, key, proof.Options{Created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
				require.NoError(t, err)
				_, err = proof.Verify(context.Background(), signed, verifyOpts(t))
				require.NoError(t, err)
			})
		}
	}
	ed, err := didkey.GenerateEd25519()
	require.NoError(t, err)
	_, err = proof.Sign(context.Background(), doc, rdfc(t), ed, proof.Options{})
	assert.ErrorIs(t, err, proof.ErrWrongKeyType)
}

// Documents for the benchmarks: an OB 3.0 AchievementCredential (50
// N-Quads) and a large one (269 N-Quads, many blank nodes).
var benchDocs = []struct{ name, path string }{
	{"ob3", "../../testdata/ob3/achievement-credential.json"},
	{"large", "../../testdata/ob3/large-credential.json"},
}

func BenchmarkSign(b *testing.B) {
	for _, d := range benchDocs {
		doc := read(b, d.path)
		for _, kt := range []didkey.KeyType{didkey.P256, didkey.P384} {
			b.Run("ecdsa-rdfc-2019/"+string(kt)+"/"+d.name, func(b *testing.B) {
				key, err := didkey.Generate(kt)
				require.NoError(b, err)
				s := rdfc(b)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := proof.Sign(context.Background(), doc, s, key, proof.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, d := range benchDocs {
		doc := read(b, d.path)
		for _, kt := range []didkey.KeyType{didkey.P256, didkey.P384} {
			b.Run("ecdsa-rdfc-2019/"+string(kt)+"/"+d.name, func(b *testing.B) {
				key, err := didkey.Generate(kt)
				require.NoError(b, err)
				signed, err := proof.Sign(context.Background(), doc, rdfc(b), key, proof.Options{Created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
				require.NoError(b, err)
				opts := verifyOpts(b)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := proof.Verify(context.Background(), signed, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
