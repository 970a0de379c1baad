package microcred_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/status"
)

// The examples below issue the OB 3.0 walk-through credential with keys
// from fixed seeds at a fixed time, so that their output is deterministic.
// (Batch issuance with an issuer store, package store, has its Example
// next to that package.)
var (
	exampleIssued = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	exampleNow    = exampleIssued.Add(24 * time.Hour)
)

func exampleCredential(issuer string) []byte {
	cred, err := os.ReadFile("testdata/vectors/ob3/ldp-test-vector-ob/credential.json")
	if err != nil {
		log.Fatal(err)
	}
	cred, err = vc.SetIssuer(cred, issuer)
	if err != nil {
		log.Fatal(err)
	}
	return cred
}

func offlineExampleVerifier(resolvers map[string]did.Resolver, opts ...microcred.Option) *microcred.Verifier {
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(resolvers)
	if err != nil {
		log.Fatal(err)
	}
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: []proof.Suite{suite}, AcceptJWT: true},
		append(opts, microcred.WithClock(func() time.Time { return exampleNow }))...)
	if err != nil {
		log.Fatal(err)
	}
	return v
}

func printChecks(res *microcred.Result) {
	for _, c := range res.Checks {
		fmt.Println(" ", c.Check, c.Outcome)
	}
}

// Revocation with a Bitstring Status List: the issuer gives each
// credential an entry, publishes the signed list, and later sets the
// credential's bit; the verifier, reading the list through a fetcher (here
// local copies), then refuses the credential with ErrRevoked.
func Example_statusRevocation() {
	ctx := context.Background()
	const listURL = "https://school.example/status/1"
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		log.Fatal(err)
	}
	clock := microcred.WithClock(func() time.Time { return exampleIssued })

	// Each credential gets the next index of the list (here index 0).
	alloc, err := status.NewMemoryAllocator(listURL, status.MinBits)
	if err != nil {
		log.Fatal(err)
	}
	issuer, err := microcred.NewIssuer(key, clock, microcred.WithStatus(alloc, status.Revocation))
	if err != nil {
		log.Fatal(err)
	}
	signed, err := issuer.Issue(ctx, exampleCredential(key.DID().String()))
	if err != nil {
		log.Fatal(err)
	}

	// The list, signed by the same key, published at listURL.
	list, err := status.NewList(status.MinBits, 1)
	if err != nil {
		log.Fatal(err)
	}
	listIssuer, err := microcred.NewIssuer(key, clock)
	if err != nil {
		log.Fatal(err)
	}
	publish := func() []byte {
		unsigned, err := status.NewListCredential(status.ListCredential{
			ID: listURL, Issuer: key.DID().String(), Purpose: status.Revocation, ValidFrom: exampleIssued, List: list,
		})
		if err != nil {
			log.Fatal(err)
		}
		signedList, err := listIssuer.Issue(ctx, unsigned)
		if err != nil {
			log.Fatal(err)
		}
		return signedList
	}
	published := status.StaticFetcher{listURL: publish()}

	v := offlineExampleVerifier(map[string]did.Resolver{"key": didkey.Resolver{}}, microcred.WithStatusFetcher(published))
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := v.Verify(ctx, signed, policy)
	c, _ := res.Check(microcred.CheckStatus)
	fmt.Println("before:", err == nil, c.Detail)

	// Revoke: set the credential's bit and publish the list again.
	if err := list.Set(0, 1); err != nil {
		log.Fatal(err)
	}
	published[listURL] = publish()
	_, err = v.Verify(ctx, signed, policy)
	fmt.Println("after: revoked:", errors.Is(err, status.ErrRevoked))
	// Output:
	// before: true revocation clear
	// after: revoked: true
}

// A presentation: the holder wraps the credential and signs for the
// verifier's challenge and domain; the verifier checks the holder's proof
// and every credential in it. Another challenge (a replay) fails.
func ExampleVerifier_VerifyPresentation() {
	ctx := context.Background()
	issuerKey, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{4}, 32))
	if err != nil {
		log.Fatal(err)
	}
	holder, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		log.Fatal(err)
	}
	issuer, err := microcred.NewIssuer(issuerKey, microcred.WithClock(func() time.Time { return exampleIssued }))
	if err != nil {
		log.Fatal(err)
	}
	signed, err := issuer.Issue(ctx, exampleCredential(issuerKey.DID().String()))
	if err != nil {
		log.Fatal(err)
	}

	// The holder's side.
	vp := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"` +
		holder.DID().String() + `","verifiableCredential":[` + string(signed) + `]}`)
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	wallet, err := microcred.NewIssuer(holder, microcred.WithSuite(suite), microcred.WithClock(func() time.Time { return exampleNow }))
	if err != nil {
		log.Fatal(err)
	}
	signedVP, err := wallet.SignPresentation(ctx, vp, microcred.PresentationOptions{Challenge: "nonce-7f3a", Domain: "employer.example"})
	if err != nil {
		log.Fatal(err)
	}

	// The verifier's side: its own challenge and domain.
	v := offlineExampleVerifier(map[string]did.Resolver{"key": didkey.Resolver{}})
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(issuerKey.DID().String()))
	if err != nil {
		log.Fatal(err)
	}
	pres, err := v.VerifyPresentation(ctx, signedVP, policy, microcred.PresentationOptions{Challenge: "nonce-7f3a", Domain: "employer.example"})
	fmt.Println("verified:", err == nil, "holder:", pres.Holder == holder.DID().String(), "credentials:", len(pres.Credentials))
	for _, c := range pres.Checks {
		fmt.Println(" ", c.Check, c.Outcome)
	}
	_, err = v.VerifyPresentation(ctx, signedVP, policy, microcred.PresentationOptions{Challenge: "nonce-other", Domain: "employer.example"})
	fmt.Println("another challenge:", errors.Is(err, proof.ErrChallengeMismatch))
	// Output:
	// verified: true holder: true credentials: 1
	//   parse passed
	//   proof passed
	//   holder passed
	//   credentials passed
	// another challenge: true
}

// A credential secured as an OB 3.0 VC-JWT instead of an embedded proof:
// the same Verifier (with Trusted.AcceptJWT) runs the same checks on it.
func Example_jwt() {
	ctx := context.Background()
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{6}, 32))
	if err != nil {
		log.Fatal(err)
	}
	token, err := vcjwt.Sign(ctx, exampleCredential(key.DID().String()), key, vcjwt.FormatOB3)
	if err != nil {
		log.Fatal(err)
	}

	v := offlineExampleVerifier(map[string]did.Resolver{"key": didkey.Resolver{}})
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := v.Verify(ctx, []byte(token), policy)
	fmt.Println("verified:", err == nil)
	c, _ := res.Check(microcred.CheckParse)
	fmt.Println(c.Detail)
	printChecks(res)
	// Output:
	// verified: true
	// VCDM 2.0 credential in a JWT
	//   parse passed
	//   schema passed
	//   proof passed
	//   issuer passed
	//   status skipped
	//   validity passed
	//   endorsements skipped
}

// localWeb serves did:web documents from memory: a did:web resolver
// fetches through whatever Fetcher the caller gives it (didweb.HTTPFetcher
// over the network; here, offline, a map keyed by the URL did:web derives).
type localWeb map[string][]byte

func (l localWeb) Fetch(_ context.Context, url string) ([]byte, error) {
	if b, ok := l[url]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("no document at %s", url)
}

// An issuer known by did:web, signing with a key it lists in its DID
// document (a crypto.Signer, as a KMS key would be). The verifier
// resolves did:web:school.example through the caller's fetcher, from
// https://school.example/.well-known/did.json.
func Example_didWeb() {
	ctx := context.Background()
	const issuerDID = "did:web:school.example"
	seed := bytes.Repeat([]byte{8}, 32)
	signer, err := proof.NewSigner(ed25519.NewKeyFromSeed(seed), issuerDID+"#key-1")
	if err != nil {
		log.Fatal(err)
	}
	// The key's Multikey encoding is the method-specific id of its did:key.
	same, err := didkey.NewEd25519FromSeed(seed)
	if err != nil {
		log.Fatal(err)
	}
	document := []byte(`{
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
  "id": "did:web:school.example",
  "verificationMethod": [{"id": "did:web:school.example#key-1", "type": "Multikey",
    "controller": "did:web:school.example", "publicKeyMultibase": "` + same.DID().ID() + `"}],
  "assertionMethod": ["did:web:school.example#key-1"]
}`)
	issuer, err := microcred.NewIssuer(signer, microcred.WithClock(func() time.Time { return exampleIssued }))
	if err != nil {
		log.Fatal(err)
	}
	signed, err := issuer.Issue(ctx, exampleCredential(issuerDID))
	if err != nil {
		log.Fatal(err)
	}

	web, err := didweb.NewResolver(localWeb{"https://school.example/.well-known/did.json": document})
	if err != nil {
		log.Fatal(err)
	}
	v := offlineExampleVerifier(map[string]did.Resolver{"web": web})
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(issuerDID))
	if err != nil {
		log.Fatal(err)
	}
	res, err := v.Verify(ctx, signed, policy)
	fmt.Println("verified:", err == nil, "by", res.VerificationMethod)
	// Output:
	// verified: true by did:web:school.example#key-1
}
