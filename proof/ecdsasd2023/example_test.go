package ecdsasd2023_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/ecdsasd2023"
	"github.com/onchaincert/microcred/vc/contexts"
)

// The holder derives a proof that discloses only the mandatory statements
// and the subject's birth country; the verifier checks it.
func ExampleSuite_Derive() {
	suite, err := ecdsasd2023.New(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	base, err := os.ReadFile("testdata/vectors/ecdsa-sd-2023/employ/addSignedSDBase.json")
	if err != nil {
		log.Fatal(err)
	}
	derived, err := suite.Derive(base, []string{"/credentialSubject/birthCountry"})
	if err != nil {
		log.Fatal(err)
	}

	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	_, err = proof.Verify(context.Background(), derived, proof.VerifyOptions{
		Suites:   []proof.Suite{suite},
		Resolver: resolver,
		Now:      time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	fmt.Println("verified:", err == nil)

	var doc struct {
		CredentialSubject map[string]any `json:"credentialSubject"`
	}
	if err := json.Unmarshal(derived, &doc); err != nil {
		log.Fatal(err)
	}
	fmt.Println("disclosed subject:", doc.CredentialSubject)
	// Output:
	// verified: true
	// disclosed subject: map[birthCountry:Bahamas type:[Person EmployablePerson]]
}
