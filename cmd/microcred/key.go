package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
)

// keyFile is the JSON key file: the DID, its verification method and the
// private key as a multibase multicodec secret key (for Ed25519, the seed;
// for ECDSA keys, the private scalar).
type keyFile struct {
	Type                string          `json:"type"`
	DID                 string          `json:"did"`
	VerificationMethod  string          `json:"verificationMethod"`
	PublicKeyMultibase  string          `json:"publicKeyMultibase,omitempty"`
	PrivateKeyMultibase string          `json:"privateKeyMultibase,omitempty"`
	PrivateKeyJwk       json.RawMessage `json:"privateKeyJwk,omitempty"`
}

// signingKey is a loaded key file: a signer with its DID.
type signingKey interface {
	proof.Signer
	DIDString() string
	// TypeName is the key file type: ed25519, p256, p384, secp256k1, rsa.
	TypeName() string
}

type didKey struct{ *didkey.Key }

func (k didKey) DIDString() string { return k.DID().String() }
func (k didKey) TypeName() string  { return keyTypeName(k.Type()) }

// jwkKey is a did:key key pair used under its did:jwk identity.
type jwkKey struct {
	proof.Signer
	typ string
}

func (k jwkKey) DIDString() string {
	d, _, _ := strings.Cut(k.VerificationMethod(), "#")
	return d
}
func (k jwkKey) TypeName() string { return k.typ }

type rsaKey struct{ *didjwk.RSAKey }

func (k rsaKey) DIDString() string { return k.DID().String() }
func (k rsaKey) TypeName() string  { return "rsa" }

var keyTypes = map[string]didkey.KeyType{
	"ed25519":   didkey.Ed25519,
	"p256":      didkey.P256,
	"p384":      didkey.P384,
	"secp256k1": didkey.Secp256k1,
}

func keyTypeName(t didkey.KeyType) string {
	for n, kt := range keyTypes {
		if kt == t {
			return n
		}
	}
	return string(t)
}

func keyGenerate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("key generate", stderr)
	typ := fs.String("type", "ed25519", "key type: ed25519, p256, p384, secp256k1, rsa (RS256 JWTs; a did:jwk) or jwk (a P-256 did:jwk)")
	method := fs.String("did", "key", "DID method of the identity: key (did:key) or jwk (did:jwk, the key as a JWK)")
	seedHex := fs.String("seed", "", "32-byte seed in hex (deterministic key; for tests and demos)")
	out := fs.String("out", "", "key file to write (mode 0600, never overwritten); - writes it to standard output and the DID to standard error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	// The DID goes to stdout, unless the key file does.
	didOut := stdout
	if *out == "-" {
		didOut = stderr
	}
	if strings.ToLower(*typ) == "jwk" {
		*typ, *method = "p256", "jwk"
	}
	if *method != "key" && *method != "jwk" {
		return usagef("--did %q: want key or jwk", *method)
	}
	if strings.ToLower(*typ) == "rsa" {
		if *seedHex != "" {
			return usagef("--seed does not apply to RSA keys")
		}
		k, err := didjwk.GenerateRSA(2048)
		if err != nil {
			return err
		}
		jwk, err := k.PrivateJWK()
		if err != nil {
			return err
		}
		kf := &keyFile{Type: "rsa", DID: k.DID().String(), VerificationMethod: k.VerificationMethod(), PrivateKeyJwk: jwk}
		if err := writeKeyFile(*out, kf, stdout); err != nil {
			return err
		}
		fmt.Fprintln(didOut, k.DID().String())
		return nil
	}
	kt, ok := keyTypes[strings.ToLower(*typ)]
	if !ok {
		return usagef("unknown key type %q (want ed25519, p256, p384, secp256k1 or rsa)", *typ)
	}
	var key *didkey.Key
	var err error
	if *seedHex != "" {
		seed, herr := hex.DecodeString(*seedHex)
		if herr != nil || len(seed) != 32 {
			return usagef("--seed must be 32 bytes in hex (64 hex digits)")
		}
		key, err = didkey.NewFromSeed(kt, seed)
	} else {
		key, err = didkey.Generate(kt)
	}
	if err != nil {
		return err
	}
	kf, err := newKeyFile(key)
	if err != nil {
		return err
	}
	if *method == "jwk" {
		s, err := didjwk.NewSigner(key)
		if err != nil {
			return err
		}
		kf.VerificationMethod = s.VerificationMethod()
		kf.DID, _, _ = strings.Cut(kf.VerificationMethod, "#")
		kf.PublicKeyMultibase = ""
	}
	if err := writeKeyFile(*out, kf, stdout); err != nil {
		return err
	}
	fmt.Fprintln(didOut, kf.DID)
	return nil
}

// writeKeyFile writes a key file with mode 0600, never overwriting one;
// "-" writes it to stdout.
func writeKeyFile(path string, kf *keyFile, stdout io.Writer) error {
	data, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return err
	}
	if path == "-" {
		_, err := stdout.Write(append(data, '\n'))
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing key file: %w", err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("writing key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing key file: %w", err)
	}
	return nil
}

func newKeyFile(key *didkey.Key) (*keyFile, error) {
	return &keyFile{
		Type:                keyTypeName(key.Type()),
		DID:                 key.DID().String(),
		VerificationMethod:  key.VerificationMethod(),
		PublicKeyMultibase:  key.PublicKeyMultibase(),
		PrivateKeyMultibase: key.SecretKeyMultibase(),
	}, nil
}

// loadKey reads a key file and checks that its parts agree.
func loadKey(path string) (signingKey, error) {
	data, err := readSmallFile(path, "reading key file")
	if err != nil {
		return nil, err
	}
	var kf keyFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return nil, fmt.Errorf("key file %s: malformed JSON key file", path)
	}
	var key signingKey
	if kf.Type == "rsa" {
		k, err := didjwk.ParseRSAPrivateJWK(kf.PrivateKeyJwk)
		if err != nil {
			return nil, fmt.Errorf("key file %s: %w", path, err)
		}
		key = rsaKey{k}
	} else {
		kt, ok := keyTypes[kf.Type]
		if !ok {
			return nil, fmt.Errorf("key file %s: unknown key type %q", path, kf.Type)
		}
		k, err := keyFromSecret(kt, kf.PrivateKeyMultibase)
		if err != nil {
			return nil, fmt.Errorf("key file %s: %w", path, err)
		}
		key = didKey{k}
		if strings.HasPrefix(kf.DID, "did:jwk:") {
			s, err := didjwk.NewSigner(k)
			if err != nil {
				return nil, fmt.Errorf("key file %s: %w", path, err)
			}
			key = jwkKey{Signer: s, typ: kf.Type}
		}
	}
	if key.DIDString() != kf.DID || key.VerificationMethod() != kf.VerificationMethod {
		return nil, fmt.Errorf("key file %s: the private key does not match the DID %q", path, kf.DID)
	}
	return key, nil
}

func keyFromSecret(kt didkey.KeyType, s string) (*didkey.Key, error) {
	k, err := didkey.ParseSecretKeyMultibase(s)
	if err != nil {
		return nil, errors.New("malformed privateKeyMultibase")
	}
	if k.Type() != kt {
		return nil, errors.New("privateKeyMultibase is not a key of the file's type")
	}
	return k, nil
}

// keyCmd: microcred key generate ...
func keyCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "generate" {
		return usagef("usage: microcred key generate --type TYPE [--seed HEX] --out FILE")
	}
	return keyGenerate(args[1:], stdout, stderr)
}
