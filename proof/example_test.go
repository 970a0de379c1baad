package proof_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"fmt"
	"log"
	"time"

	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didjwk"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
)

// kmsKey stands for a key in a cloud KMS or an HSM: all a program holds
// is a crypto.Signer (here, so that the example runs offline, an Ed25519
// key from a fixed seed).
type kmsKey struct{ crypto.Signer }

// Sign a credential with a key that only offers crypto.Signer, and verify
// it. The key is published as a did:jwk; a did:web document listing it
// works the same way, with the document's key id as verification method.
func ExampleNewSigner() {
	ctx := context.Background()
	key := kmsKey{ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))}

	id, err := didjwk.FromPublicKey(key.Public())
	if err != nil {
		log.Fatal(err)
	}
	signer, err := proof.NewSigner(key, id.String()+"#0")
	if err != nil {
		log.Fatal(err)
	}
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + id.String() + `","credentialSubject":{"id":"did:example:learner"}}`)
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	signed, err := proof.Sign(ctx, doc, suite, signer, proof.Options{Created: created})
	if err != nil {
		log.Fatal(err)
	}

	resolver, err := did.NewMethods(map[string]did.Resolver{"jwk": didjwk.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	res, err := proof.Verify(ctx, signed, proof.VerifyOptions{Suites: []proof.Suite{suite}, Resolver: resolver, Now: created})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Verified().Proof.Cryptosuite, res.Verified().Controller == id.String())
	// Output:
	// eddsa-rdfc-2022 true
}
