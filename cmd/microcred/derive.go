package main

import (
	"fmt"
	"io"

	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/vc/contexts"
)

// derive: the holder of an ecdsa-sd-2023 base proof discloses chosen
// members (plus the issuer's mandatory ones) in a derived credential.
func derive(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("derive", stderr)
	var reveal stringList
	fs.Var(&reveal, "reveal", "JSON pointer of a member to disclose (repeatable), e.g. /credentialSubject/achievement/name")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return usagef("derive takes one credential with an ecdsa-sd-2023 base proof")
	}
	base, err := readInput(fs.Arg(0))
	if err != nil {
		return err
	}
	suite, err := ecdsasd2023.New(contexts.Default())
	if err != nil {
		return err
	}
	derived, err := suite.Derive(base, reveal)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	_, err = stdout.Write(append(derived, '\n'))
	return err
}
