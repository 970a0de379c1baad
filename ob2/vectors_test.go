package ob2_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/vc/bake"
)

const testdata = "../testdata/ob2"

// vector is one row of testdata/ob2/cases.json.
type vector struct {
	Name   string            `json:"name"`
	Source string            `json:"source"`
	Expect string            `json:"expect"`
	Now    string            `json:"now"`
	Docs   map[string]string `json:"docs"`
	Input  struct {
		URL    string `json:"url"`
		File   string `json:"file"`
		Sign   string `json:"sign"`
		Key    string `json:"key"`
		Alg    string `json:"alg"`
		Tamper string `json:"tamper"`
		Bake   string `json:"bake"`
	} `json:"input"`
	Recipient string `json:"recipient"`
}

func loadVectors(t testing.TB) []vector {
	data, err := os.ReadFile(filepath.Join(testdata, "cases.json"))
	require.NoError(t, err)
	var vs []vector
	require.NoError(t, json.Unmarshal(data, &vs))
	require.NotEmpty(t, vs)
	return vs
}

// documents reads a vector's documents, keyed by URL.
func (v *vector) documents(t testing.TB) ob2.Documents {
	docs := ob2.Documents{}
	for u, f := range v.Docs {
		data, err := os.ReadFile(filepath.Join(testdata, "cases", v.Name, f))
		require.NoError(t, err)
		docs[u] = data
	}
	return docs
}

func (v *vector) now(t testing.TB) time.Time {
	now, err := time.Parse(time.RFC3339, v.Now)
	require.NoError(t, err)
	return now
}

func readCase(t testing.TB, v *vector, f string) []byte {
	data, err := os.ReadFile(filepath.Join(testdata, "cases", v.Name, f))
	require.NoError(t, err)
	return data
}

// signingKey reads testdata/ob2/keys/<name>.pem (PKCS #8).
func signingKey(t testing.TB, name string) crypto.Signer {
	data, err := os.ReadFile(filepath.Join(testdata, "keys", name+".pem"))
	require.NoError(t, err)
	blk, _ := pem.Decode(data)
	require.NotNil(t, blk)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	require.NoError(t, err)
	return k.(crypto.Signer)
}

// signJWS signs payload, exactly these bytes, as a compact JWS.
func signJWS(t testing.TB, payload []byte, key crypto.Signer, alg string) string {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: key}, nil)
	require.NoError(t, err)
	obj, err := s.Sign(payload)
	require.NoError(t, err)
	c, err := obj.CompactSerialize()
	require.NoError(t, err)
	return c
}

// bakePNG puts text in an uncompressed iTXt chunk with the keyword
// "openbadges" just before IEND, as OB 2.0 baking does.
func bakePNG(t testing.TB, text []byte) []byte {
	img, err := os.ReadFile(filepath.Join(testdata, "public_domain_heart.png"))
	require.NoError(t, err)
	iend := bytes.LastIndex(img, []byte("IEND")) - 4
	require.Greater(t, iend, 8)
	data := append([]byte("openbadges\x00\x00\x00\x00\x00"), text...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(chunk, "iTXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := append(append(append([]byte(nil), img[:iend]...), chunk...), img[iend:]...)
	return out
}

// bakeSVG writes the OB 2.0 SVG form: a verify attribute with a URL or
// JWS, or a CDATA section with JSON.
func bakeSVG(text []byte) []byte {
	el := `<openbadges:assertion verify="` + string(text) + `"/>`
	if bytes.HasPrefix(text, []byte("{")) {
		el = `<openbadges:assertion><![CDATA[` + string(text) + `]]></openbadges:assertion>`
	}
	return []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" width="10" height="10">` + el + `<circle r="4"/></svg>`)
}

// input builds the vector's input: a URL, a JSON file, or a JWS made now
// over the payload file's exact bytes (RS256 and PS/ES signatures are
// checked, not compared, so only the verdict is fixed); then baked if
// the vector says so.
func (v *vector) input(t testing.TB) []byte {
	var in []byte
	switch {
	case v.Input.URL != "":
		in = []byte(v.Input.URL)
	case v.Input.File != "":
		in = readCase(t, v, v.Input.File)
	case v.Input.Sign != "":
		jws := signJWS(t, readCase(t, v, v.Input.Sign), signingKey(t, v.Input.Key), v.Input.Alg)
		if v.Input.Tamper != "" {
			parts := strings.Split(jws, ".")
			parts[1] = base64.RawURLEncoding.EncodeToString(readCase(t, v, v.Input.Tamper))
			jws = strings.Join(parts, ".")
		}
		in = []byte(jws)
	default:
		t.Fatalf("vector %s has no input", v.Name)
	}
	switch v.Input.Bake {
	case "":
		return in
	case "png":
		return bakePNG(t, in)
	case "svg":
		return bakeSVG(in)
	}
	t.Fatalf("vector %s: unknown bake %q", v.Name, v.Input.Bake)
	return nil
}

// firstFailed returns the name of the first failed step, or "".
func firstFailed(res *ob2.Result) string {
	for _, s := range res.Steps {
		if s.Err != nil && !s.Skipped {
			return s.Name
		}
	}
	return ""
}

func verifyVector(t testing.TB, v *vector, docs ob2.Documents, in []byte, recipient string) (*ob2.Result, error) {
	if bake.Detect(in) != bake.Unknown && (bake.Detect(in) == bake.PNG || bake.Detect(in) == bake.SVG) {
		text, err := bake.ExtractOB2(in)
		require.NoError(t, err, "the baked assertion is read back")
		in = text
	}
	ver, err := ob2.NewVerifier(ob2.Options{Fetcher: docs})
	require.NoError(t, err)
	return ver.Verify(context.Background(), in, ob2.Checks{Now: v.now(t), Skew: 5 * time.Minute, Recipient: recipient})
}

// TestVectors: every case carried over from openbadges-validator-core
// gets the verdict the validator gives, failing at the matching step.
func TestVectors(t *testing.T) {
	vs := loadVectors(t)
	valid, invalid := 0, 0
	for i := range vs {
		v := &vs[i]
		switch {
		case v.Expect == "valid":
			valid++
		case strings.HasPrefix(v.Expect, "invalid: "):
			invalid++
		default:
			t.Fatalf("%s: unknown expect %q", v.Name, v.Expect)
		}
		t.Run(v.Name, func(t *testing.T) {
			res, err := verifyVector(t, v, v.documents(t), v.input(t), v.Recipient)
			require.NotNil(t, res)
			if v.Expect == "valid" {
				require.NoError(t, err, "%s (%s) is valid", v.Name, v.Source)
				assert.Equal(t, "", firstFailed(res))
				return
			}
			require.Error(t, err, "%s (%s) is invalid", v.Name, v.Source)
			assert.Equal(t, strings.TrimPrefix(v.Expect, "invalid: "), firstFailed(res), "fails at the matching step: %v", err)
			t.Log(err)
		})
	}
	t.Logf("%d cases: %d valid, %d invalid", len(vs), valid, invalid)
}

// TestVectorMutations: every valid case fails when any one document it
// needs is missing, when the expected recipient is off by one letter, and
// (signed) when one signature byte is flipped.
func TestVectorMutations(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Expect != "valid" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			in := v.input(t)
			for u := range v.Docs {
				docs := v.documents(t)
				delete(docs, u)
				_, err := verifyVector(t, &v, docs, in, v.Recipient)
				assert.ErrorIs(t, err, ob2.ErrNotFound, "without %s the badge cannot verify", u)
			}
			if v.Recipient != "" {
				_, err := verifyVector(t, &v, v.documents(t), in, v.Recipient+"x")
				assert.ErrorIs(t, err, ob2.ErrWrongRecipient)
			}
			if v.Input.Sign != "" && v.Input.Bake == "" {
				parts := strings.Split(string(in), ".")
				sig, err := base64.RawURLEncoding.DecodeString(parts[2])
				require.NoError(t, err)
				sig[len(sig)/2] ^= 1
				parts[2] = base64.RawURLEncoding.EncodeToString(sig)
				_, err = verifyVector(t, &v, v.documents(t), []byte(strings.Join(parts, ".")), v.Recipient)
				assert.ErrorIs(t, err, ob2.ErrInvalidSignature)
			}
		})
	}
}
