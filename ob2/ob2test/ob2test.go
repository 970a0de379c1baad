// Package ob2test reads the Open Badges 2.0 cases of testdata/ob2 (carried
// over from 1EdTech's openbadges-validator-core) for tests of package ob2
// and of the microcred Verifier: the documents each case supplies, its
// clock, and its input, signed and baked as the case says.
//
// # Guarantees
//
// [Load] returns every case of cases.json, in file order, each with the
// documents, clock and expected verdict ("valid" or "invalid: <step>")
// the file states; [Sign] produces a compact JWS over exactly the payload
// given.
//
// # Refuses
//
// It is for tests only: a case file that does not parse or is empty, an
// unknown expectation or bake, a case without input, or a key that does
// not load stops the test (t.Fatal) rather than returning an error.
package ob2test

import (
	"bytes"
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
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/ob2"
)

// Vector is one row of testdata/ob2/cases.json.
type Vector struct {
	Name string `json:"name"`
	// Source is the validator-core file::class::test the case follows.
	Source string `json:"source"`
	// Expect is "valid" or "invalid: <step>", the step that fails first.
	Expect string            `json:"expect"`
	Now    string            `json:"now"`
	Docs   map[string]string `json:"docs"`
	In     struct {
		URL    string `json:"url"`
		File   string `json:"file"`
		Sign   string `json:"sign"`
		Key    string `json:"key"`
		Alg    string `json:"alg"`
		Tamper string `json:"tamper"`
		Bake   string `json:"bake"`
	} `json:"input"`
	// Recipient is the identity the case expects, if any.
	Recipient string `json:"recipient"`

	dir string
}

// Load reads the cases under dir (testdata/ob2).
func Load(t testing.TB, dir string) []Vector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	require.NoError(t, err)
	var vs []Vector
	require.NoError(t, json.Unmarshal(data, &vs))
	require.NotEmpty(t, vs)
	for i := range vs {
		vs[i].dir = dir
		if vs[i].Expect != "valid" && !strings.HasPrefix(vs[i].Expect, "invalid: ") {
			t.Fatalf("%s: unknown expect %q", vs[i].Name, vs[i].Expect)
		}
	}
	return vs
}

// Valid reports whether the case is valid.
func (v *Vector) Valid() bool { return v.Expect == "valid" }

// FailingStep is the step an invalid case must fail first.
func (v *Vector) FailingStep() string { return strings.TrimPrefix(v.Expect, "invalid: ") }

func (v *Vector) read(t testing.TB, f string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(v.dir, "cases", v.Name, f))
	require.NoError(t, err)
	return data
}

// Documents returns the documents the case supplies, keyed by URL.
func (v *Vector) Documents(t testing.TB) ob2.Documents {
	docs := ob2.Documents{}
	for u, f := range v.Docs {
		docs[u] = v.read(t, f)
	}
	return docs
}

// Clock returns the case's time.
func (v *Vector) Clock(t testing.TB) time.Time {
	now, err := time.Parse(time.RFC3339, v.Now)
	require.NoError(t, err)
	return now
}

// Signs reports whether the input is a JWS made by Input.
func (v *Vector) Signs() bool { return v.In.Sign != "" }

// Baked reports whether the input is a baked image.
func (v *Vector) Baked() bool { return v.In.Bake != "" }

// Input builds the case's input: a URL, a JSON file, or a JWS made now
// over the payload file's exact bytes with the case's key (the verdict is
// fixed, not the signature bytes), the payload replaced after signing if
// the case says so; then baked in the heart PNG or an SVG.
func (v *Vector) Input(t testing.TB) []byte {
	t.Helper()
	var in []byte
	switch {
	case v.In.URL != "":
		in = []byte(v.In.URL)
	case v.In.File != "":
		in = v.read(t, v.In.File)
	case v.In.Sign != "":
		jws := Sign(t, v.read(t, v.In.Sign), SigningKey(t, v.dir, v.In.Key), v.In.Alg)
		if v.In.Tamper != "" {
			parts := strings.Split(jws, ".")
			parts[1] = base64.RawURLEncoding.EncodeToString(v.read(t, v.In.Tamper))
			jws = strings.Join(parts, ".")
		}
		in = []byte(jws)
	default:
		t.Fatalf("case %s has no input", v.Name)
	}
	switch v.In.Bake {
	case "":
		return in
	case "png":
		return bakePNG(t, v.dir, in)
	case "svg":
		return bakeSVG(in)
	}
	t.Fatalf("case %s: unknown bake %q", v.Name, v.In.Bake)
	return nil
}

// SigningKey reads dir/keys/<name>.pem (PKCS #8).
func SigningKey(t testing.TB, dir, name string) crypto.Signer {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "keys", name+".pem"))
	require.NoError(t, err)
	blk, _ := pem.Decode(data)
	require.NotNil(t, blk, "a PEM block in %s", name)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	require.NoError(t, err)
	return k.(crypto.Signer)
}

// Sign signs payload, exactly these bytes, as a compact JWS.
func Sign(t testing.TB, payload []byte, key crypto.Signer, alg string) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: key}, nil)
	require.NoError(t, err)
	obj, err := s.Sign(payload)
	require.NoError(t, err)
	c, err := obj.CompactSerialize()
	require.NoError(t, err)
	return c
}

// bakePNG puts text in an uncompressed iTXt chunk with the keyword
// "openbadges" just before IEND of dir/public_domain_heart.png, as OB 2.0
// baking does.
func bakePNG(t testing.TB, dir string, text []byte) []byte {
	t.Helper()
	img, err := os.ReadFile(filepath.Join(dir, "public_domain_heart.png"))
	require.NoError(t, err)
	iend := bytes.LastIndex(img, []byte("IEND")) - 4
	require.Greater(t, iend, 8)
	data := append([]byte("openbadges\x00\x00\x00\x00\x00"), text...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(chunk, "iTXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	return append(append(append([]byte(nil), img[:iend]...), chunk...), img[iend:]...)
}

// bakeSVG writes the OB 2.0 SVG form: a verify attribute with a URL or a
// JWS, or a CDATA section with JSON.
func bakeSVG(text []byte) []byte {
	el := `<openbadges:assertion verify="` + string(text) + `"/>`
	if bytes.HasPrefix(text, []byte("{")) {
		el = `<openbadges:assertion><![CDATA[` + string(text) + `]]></openbadges:assertion>`
	}
	return []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" width="10" height="10">` + el + `<circle r="4"/></svg>`)
}

// Payload returns the bytes a signing case signs.
func (v *Vector) Payload(t testing.TB) []byte {
	t.Helper()
	return v.read(t, v.In.Sign)
}
