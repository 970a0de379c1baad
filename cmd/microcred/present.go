package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc/contexts"
)

// present wraps credentials in a presentation signed by the holder's key
// for the verifier's challenge (and domain).
func present(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("present", stderr)
	keyPath := fs.String("key", "", "the holder's key file")
	challenge := fs.String("challenge", "", "the verifier's challenge (required)")
	domain := fs.String("domain", "", "the verifier's domain")
	format := fs.String("format", "di", "di (embedded Data Integrity proof), jwt (VCDM 1.1 / OB 3.0 vp claim) or vp+jwt (VC-JOSE-COSE)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *keyPath == "" || *challenge == "" || fs.NArg() == 0 {
		return usagef("usage: microcred present --key FILE --challenge C [--domain D] [--format di|jwt|vp+jwt] CREDENTIAL...")
	}
	switch *format {
	case "di", "jwt", "vp+jwt":
	default:
		return usagef("unknown --format %q (want di, jwt or vp+jwt)", *format)
	}
	if err := stdinOnce(append([]string{*keyPath}, fs.Args()...)...); err != nil {
		return err
	}
	key, err := loadKey(*keyPath)
	if err != nil {
		return err
	}
	var creds []any
	for _, path := range fs.Args() {
		data, err := readInput(path)
		if err != nil {
			return err
		}
		if vcjwt.IsCompactJWS(data) {
			creds = append(creds, map[string]any{"@context": contexts.CredentialsV2, "id": "data:application/vc+jwt," + string(trimSpace(data)), "type": "EnvelopedVerifiableCredential"})
			continue
		}
		if !json.Valid(data) {
			return fmt.Errorf("%s: not a JSON credential or a JWT", path)
		}
		creds = append(creds, json.RawMessage(data))
	}
	vp, err := json.Marshal(map[string]any{
		"@context":             []any{contexts.CredentialsV2},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               key.DIDString(),
		"verifiableCredential": creds,
	})
	if err != nil {
		return err
	}
	if *format != "di" {
		f := vcjwt.FormatJOSE
		if *format == "jwt" {
			f = vcjwt.FormatOB3
		}
		token, err := vcjwt.SignPresentation(ctx, vp, key, f, *challenge, *domain)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, token)
		return err
	}
	var suite proof.Suite
	if key.TypeName() == "ed25519" {
		suite, err = eddsa2022.NewRDFC(contexts.Default())
	} else {
		suite, err = ecdsa2019.NewRDFC(contexts.Default())
	}
	if err != nil {
		return err
	}
	holder, err := microcred.NewIssuer(key, microcred.WithSuite(suite))
	if err != nil {
		return err
	}
	signed, err := holder.SignPresentation(ctx, vp, microcred.PresentationOptions{Challenge: *challenge, Domain: *domain})
	if err != nil {
		return err
	}
	_, err = stdout.Write(append(signed, '\n'))
	return err
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
