// Command verify-offline verifies Open Badges 3.0 credentials offline with
// microcred's public API and prints a report per file.
//
//	go run ./examples/verify-offline [-trust DID] FILE...
//
// It accepts credentials with embedded Data Integrity proofs (eddsa,
// ecdsa, Ed25519Signature2020) and JWTs, issued by did:key or did:jwk.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsa2019"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/legacy"
	"github.com/onchaincert/microcred/vc/contexts"
)

func main() {
	trust := flag.String("trust", "", "the only issuer DID to accept (default: any issuer whose own key signed)")
	flag.Parse()
	if flag.NArg() == 0 {
		log.Fatal("usage: verify-offline [-trust DID] FILE...")
	}

	loader := contexts.Default()
	eddsa, err := eddsa2022.NewRDFC(loader)
	if err != nil {
		log.Fatal(err)
	}
	ecdsa, err := ecdsa2019.NewRDFC(loader)
	if err != nil {
		log.Fatal(err)
	}
	ed2020, err := legacy.NewEd25519Signature2020(loader)
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}, "jwk": didjwk.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	v, err := microcred.NewVerifier(microcred.Trusted{
		Resolver:  resolver,
		Suites:    []proof.Suite{eddsa, eddsa2022.NewJCS(), ecdsa, ecdsa2019.NewJCS(), ed2020},
		AcceptJWT: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	opt := microcred.AnyIssuerUnsafe()
	if *trust != "" {
		opt = microcred.TrustIssuers(*trust)
	}
	policy, err := microcred.NewPolicy(opt, microcred.IgnoreStatusUnsafe())
	if err != nil {
		log.Fatal(err)
	}

	failed := false
	for _, path := range flag.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			log.Fatal(err)
		}
		res, err := v.Verify(context.Background(), data, policy)
		fmt.Printf("%s: verified=%v issuer=%s\n", path, res.Verified, res.Issuer)
		for _, c := range res.Checks {
			if c.Err != nil {
				fmt.Printf("  %-12s %-7s %v\n", c.Check, c.Outcome, c.Err)
			} else {
				fmt.Printf("  %-12s %-7s %s\n", c.Check, c.Outcome, c.Detail)
			}
		}
		if err != nil {
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
