package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
)

// The cryptosuite names --suite takes (those the suites write in a proof).
const (
	suiteEdDSARDFC = "eddsa-rdfc-2022"
	suiteEdDSAJCS  = "eddsa-jcs-2022"
	suiteECDSARDFC = "ecdsa-rdfc-2019"
	suiteECDSAJCS  = "ecdsa-jcs-2019"
)

var suiteNames = []string{suiteEdDSARDFC, suiteEdDSAJCS, suiteECDSARDFC, suiteECDSAJCS, ecdsasd2023.Name, legacy.TypeEd25519Signature2020, legacy.TypeEcdsaSecp256k1Signature2019}

func suiteByName(name string, mandatory []string, noDefaultMandatory bool) (proof.Suite, error) {
	if len(mandatory) > 0 && name != ecdsasd2023.Name {
		return nil, usagef("--mandatory applies to --suite %s only", ecdsasd2023.Name)
	}
	if noDefaultMandatory && name != ecdsasd2023.Name {
		return nil, usagef("--unsafe-no-default-mandatory applies to --suite %s only", ecdsasd2023.Name)
	}
	switch name {
	case ecdsasd2023.Name:
		opts := []ecdsasd2023.Option{ecdsasd2023.WithMandatoryPointers(mandatory...)}
		if noDefaultMandatory {
			opts = append(opts, ecdsasd2023.WithoutDefaultMandatoryUnsafe())
		}
		return ecdsasd2023.New(contexts.Default(), opts...)
	case suiteEdDSARDFC:
		return eddsa2022.NewRDFC(contexts.Default())
	case suiteEdDSAJCS:
		return eddsa2022.NewJCS(), nil
	case suiteECDSARDFC:
		return ecdsa2019.NewRDFC(contexts.Default())
	case suiteECDSAJCS:
		return ecdsa2019.NewJCS(), nil
	case legacy.TypeEd25519Signature2020:
		return legacy.NewEd25519Signature2020(contexts.Default())
	case legacy.TypeEcdsaSecp256k1Signature2019:
		return legacy.NewEcdsaSecp256k1Signature2019(contexts.Default())
	}
	return nil, usagef("unknown suite %q (want %s)", name, strings.Join(suiteNames, ", "))
}

func sign(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sign", stderr)
	keyPath := fs.String("key", "", "key file from 'microcred key generate'")
	suiteName := fs.String("suite", "", "cryptosuite: "+strings.Join(suiteNames, ", ")+" (default: eddsa-rdfc-2022 for Ed25519 keys, ecdsa-rdfc-2019 for P-256/P-384)")
	createdStr := fs.String("created", "", "proof creation time, RFC 3339 (default: now)")
	setIssuer := fs.Bool("set-issuer", false, "write the key's DID as the credential's issuer")
	format := fs.String("format", "di", "di (embedded Data Integrity proof), jwt (OB 3.0 VC-JWT) or vc+jwt (VC-JOSE-COSE)")
	alg := fs.String("alg", "", "with a JWT format: the algorithm the key must use (EdDSA, ES256, ES384, ES256K, RS256)")
	var mandatory stringList
	fs.Var(&mandatory, "mandatory", "with --suite ecdsa-sd-2023: a JSON pointer the holder must always disclose (repeatable), e.g. /credentialSubject/achievement/name; added to the defaults ("+strings.Join(ecdsasd2023.DefaultMandatoryPointers(), " ")+", where present)")
	noDefaultMandatory := fs.Bool("unsafe-no-default-mandatory", false, "with --suite ecdsa-sd-2023: do not make the default members mandatory, only those --mandatory names; holders can then withhold validity and status (a warning names each member)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return usagef("sign takes one credential file")
	}
	if *keyPath == "" {
		return usagef("--key is required")
	}
	switch *format {
	case "di", "jwt", "vc+jwt":
	default:
		return usagef("unknown --format %q (want di, jwt or vc+jwt)", *format)
	}
	if (len(mandatory) > 0 || *noDefaultMandatory) && *suiteName == "" {
		return usagef("--mandatory and --unsafe-no-default-mandatory need --suite %s", ecdsasd2023.Name)
	}
	var suite proof.Suite
	if *suiteName != "" {
		var err error
		if suite, err = suiteByName(*suiteName, mandatory, *noDefaultMandatory); err != nil {
			return err
		}
	}
	created, err := timeFlag("created", *createdStr, time.Now())
	if err != nil {
		return err
	}
	if err := stdinOnce(*keyPath, fs.Arg(0)); err != nil {
		return err
	}
	key, err := loadKey(*keyPath)
	if err != nil {
		return err
	}
	cred, err := readInput(fs.Arg(0))
	if err != nil {
		return err
	}
	c, err := vc.ParseCredential(cred)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	if id := c.Issuer().ID; id != key.DIDString() {
		if !*setIssuer {
			return fmt.Errorf("%s: the credential's issuer is %q but the key is %q; pass --set-issuer to write the key's DID as issuer", fs.Arg(0), id, key.DIDString())
		}
		if cred, err = vc.SetIssuer(cred, key.DIDString()); err != nil {
			return err
		}
	}
	if *format != "di" {
		if suite != nil {
			return usagef("--suite applies to --format di only")
		}
		return signJWT(ctx, cred, key, *format, *alg, stdout)
	}
	if *alg != "" {
		return usagef("--alg applies to the JWT formats only")
	}
	if suite != nil && (suite.Type() == legacy.TypeEd25519Signature2020 || suite.Type() == legacy.TypeEcdsaSecp256k1Signature2019) {
		// The legacy types' terms live in their own contexts.
		if cred, err = legacy.AddContextFor(cred, suite.Type()); err != nil {
			return err
		}
	}
	opts := []microcred.Option{microcred.WithClock(func() time.Time { return created })}
	if suite != nil {
		opts = append(opts, microcred.WithSuite(suite))
	}
	issuer, err := microcred.NewIssuer(key, opts...)
	if err != nil {
		return err
	}
	signed, err := issuer.Issue(ctx, cred)
	if err != nil {
		return err
	}
	if *noDefaultMandatory {
		if err := warnNotMandatory(signed, stderr); err != nil {
			return err
		}
	}
	_, err = stdout.Write(append(signed, '\n'))
	return err
}

// withheldMeans says what a verifier sees when a holder withholds a member.
var withheldMeans = map[string]string{
	"validUntil":       "the credential can be shown as never expiring",
	"expirationDate":   "the credential can be shown as never expiring",
	"validFrom":        "the credential can be shown without its start of validity",
	"issuanceDate":     "the credential can be shown without its issuance date",
	"credentialStatus": "the credential can be shown as never revoked or suspended",
	"credentialSchema": "the credential can be shown without its schema, which then goes unchecked",
	"type":             "the credential can be shown without its types",
	"issuer":           "the credential can be shown without its issuer's profile",
}

// warnNotMandatory prints a warning for each default mandatory member the
// signed credential has but its ecdsa-sd-2023 base proof does not make
// mandatory.
func warnNotMandatory(signed []byte, stderr io.Writer) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(signed, &doc); err != nil {
		return err
	}
	var p struct {
		ProofValue string `json:"proofValue"`
	}
	if err := json.Unmarshal(doc["proof"], &p); err != nil {
		return err
	}
	base, err := ecdsasd2023.ParseBaseProofValue(p.ProofValue)
	if err != nil {
		return err
	}
	for _, ptr := range ecdsasd2023.DefaultMandatoryPointers() {
		member := strings.TrimPrefix(ptr, "/")
		if _, ok := doc[member]; !ok || slices.Contains(base.MandatoryPointers, ptr) {
			continue
		}
		if ptr == "/type" && len(base.MandatoryPointers) > 0 {
			continue // any mandatory pointer keeps the root's types (createInitialSelection)
		}
		fmt.Fprintf(stderr, "WARNING: --unsafe-no-default-mandatory: %s is not mandatory: holders can withhold it from derived credentials, and verifiers cannot tell it was there (%s)\n", member, withheldMeans[member])
	}
	return nil
}

func signJWT(ctx context.Context, cred []byte, key signingKey, format, alg string, stdout io.Writer) error {
	var f vcjwt.Format
	switch format {
	case "jwt":
		f = vcjwt.FormatOB3
	case "vc+jwt":
		f = vcjwt.FormatJOSE
	default:
		return usagef("unknown --format %q (want di, jwt or vc+jwt)", format)
	}
	want, err := vcjwt.AlgorithmFor(key.Public())
	if err != nil {
		return err
	}
	if alg != "" && alg != want {
		return fmt.Errorf("--alg %s does not fit a %s key (it signs %s)", alg, key.TypeName(), want)
	}
	token, err := vcjwt.Sign(ctx, cred, key, f)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}
